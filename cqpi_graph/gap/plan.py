"""A person's « plan de parcours » towards a target: what they hold by declared recognition, what
to have recognised (VAE, partial validation, where the registry says the target allows it), what
to acquire, and what cannot be told. Built on one gap; the routes come from the registry:
`cq:accessRoute` (the RNCP export's access routes, VAE among them) and `cq:partialValidation`
(its `Validation_Partielle`). Nothing the registry does not say is assumed: unknown stays unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..catalog import Certification
from ..namespaces import CQ, ID
from ..store import Store
from .core import gap
from .evidence import MIN_SHARE, THRESHOLD
from .model import COVERED, PROBABLY_COVERED, TO_ACQUIRE, UNKNOWN, BlocGap, GapResult

VAE = ID + "voie/vae"

ADVICE = {
    "vae": {
        "fr": "la VAE figure parmi les voies d'accès de la certification au registre",
        "en": "VAE is among the certification's access routes in the registry",
    },
    "no_vae": {
        "fr": "le registre publie les voies d'accès de la certification sans la VAE",
        "en": "the registry lists the certification's access routes without VAE",
    },
    "no_routes": {
        "fr": "le registre ne publie pas les voies d'accès de la certification : VAE à vérifier auprès du "
        "certificateur",
        "en": "the registry publishes no access route for the certification: check VAE with the certifier",
    },
    "partial": {
        "fr": "validation partielle possible (Validation_Partielle) : chaque bloc se valide séparément",
        "en": "partial validation allowed (Validation_Partielle): each bloc is validated on its own",
    },
    "no_partial": {
        "fr": "le registre indique qu'elle ne se valide pas par blocs : la certification s'obtient entière",
        "en": "the registry says it cannot be validated partially: the certification is obtained whole",
    },
    "partial_unknown": {
        "fr": "le registre ne dit pas si elle se valide partiellement (Validation_Partielle non renseigné)",
        "en": "the registry does not say whether it can be validated partially (Validation_Partielle empty)",
    },
}


@dataclass(frozen=True)
class Routes:
    """How the target can be obtained other than by training, as the registry says (None: silent)."""

    vae: bool | None
    partial_validation: bool | None
    sources: tuple[str, ...]  # named graphs the access routes come from

    def advice(self, lang: str = "fr") -> tuple[str, ...]:
        vae = "no_routes" if self.vae is None else "vae" if self.vae else "no_vae"
        part = {None: "partial_unknown", True: "partial", False: "no_partial"}[self.partial_validation]
        return tuple(ADVICE[k].get(lang, ADVICE[k]["fr"]) for k in (vae, part))

    def to_dict(self) -> dict:
        return {"vae": self.vae, "partial_validation": self.partial_validation, "sources": list(self.sources)}


@dataclass(frozen=True)
class Plan:
    gap: GapResult
    routes: Routes

    @property
    def held(self) -> tuple[BlocGap, ...]:
        return self.gap.by_status(COVERED)

    @property
    def to_recognise(self) -> tuple[BlocGap, ...]:
        return self.gap.by_status(PROBABLY_COVERED)

    @property
    def to_acquire(self) -> tuple[BlocGap, ...]:
        return self.gap.by_status(TO_ACQUIRE)

    @property
    def unknown(self) -> tuple[BlocGap, ...]:
        return self.gap.by_status(UNKNOWN)

    def to_dict(self) -> dict:
        lang = self.gap.lang
        return {
            "gap": self.gap.to_dict(),
            "routes": self.routes.to_dict(),
            "advice": list(self.routes.advice(lang)),
            "held": [b.bloc.to_dict() for b in self.held],
            "to_recognise": [b.bloc.to_dict() for b in self.to_recognise],
            "to_acquire": [b.bloc.to_dict() for b in self.to_acquire],
            "unknown": [b.bloc.to_dict() for b in self.unknown],
        }


def routes(store: Store, target: Certification) -> Routes:
    found: dict[str, str] = {}
    for m in target.members:
        for q in store.quads_for_pattern(m, CQ + "accessRoute", None, None):
            found.setdefault(q.object.value, q.graph)
    vae = (VAE in found) if found else None
    return Routes(vae, target.status.partial_validation, tuple(sorted(set(found.values()))))


def plan(
    store: Store,
    sources: Sequence[str],
    target: str,
    *,
    threshold: float = THRESHOLD,
    min_share: float = MIN_SHARE,
    lang: str = "fr",
) -> Plan:
    """The plan of a person holding `sources` towards `target`."""
    g = gap(store, sources, target, threshold=threshold, min_share=min_share, lang=lang)
    return Plan(g, routes(store, g.target))
