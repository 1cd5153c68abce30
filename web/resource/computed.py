"""The computed part of a certification page (ROME jobs and closest certifications from the texts
of its blocs) and of a ROME job page (closest jobs, closest certifications that do not declare
it), from cqpi_graph.textsim, shown apart from what the registries declare; the same links feed
the neighbourhood graph."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..graph import lang, store
from ..links import resource_url
from ..memo import per_generation

if TYPE_CHECKING:
    from cqpi_graph.textsim.api import TextSimilar


def computed_links_or_none(iri: str, top: int = 5) -> TextSimilar | None:
    """The text model's links of a certification or a ROME job, once per resource and generation
    (None when the model is missing or does not know it: a page shows its declared facts anyway)."""
    from cqpi_graph.textsim.api import computed_links

    def compute() -> TextSimilar | None:
        try:
            return computed_links(store(), iri, top)
        except Exception:  # noqa: BLE001 - the declared part of a page never depends on the model
            return None

    return per_generation("computed-links", (iri, top), compute)


def computed_view(iri: str, top: int = 5) -> dict | None:
    """{"kind": ..., "jobs": [...], "certs": [...], "method": ...} or None when the text model has
    nothing."""
    return per_generation("computed", (iri, top, lang()), lambda: _computed_view(iri, top))


def _computed_view(iri: str, top: int) -> dict | None:
    res = computed_links_or_none(iri, top)
    if res is None or not (res.jobs or res.certifications):
        return None
    subject = res.subject.ref.code
    jobs = [
        {
            "href": resource_url(j.iri),
            "label": f"{j.code} {j.label}",
            "score": j.score,
            "matches": [(m.a_text, m.b_text, m.score) for m in j.matches[:2]],
            "shared": [c.label for c in j.shared[:3]],
            "appellation": j.appellation,
            "fields": [f"{c.code} {c.label}".strip() for c in j.fields[:2]],
            # the certifications compared are those of the historic parent jobs, when they differ
            "fields_of": _fields_of(j.co_declared_as, (subject, j.code)),
        }
        for j in res.jobs
    ]
    certs = [
        {
            "href": resource_url(c.cert.iri),
            "label": f"{c.cert.code} {c.cert.label}",
            "score": c.similarity,
            "matches": [(m.a.text, m.b.text, m.score) for m in c.matches[:1]],
        }
        for c in res.certifications
    ]
    return {"kind": res.subject.kind, "jobs": jobs, "certs": certs, "method": res.method}


def _fields_of(compared: tuple[str, str], jobs: tuple[str, str]) -> str:
    """The historic parent jobs whose certifications were compared, when they are not the two
    jobs themselves (« Z9101 », « N1101 / N1103 »), else ""."""
    if compared == jobs:
        return ""
    return compared[0] if compared[0] == compared[1] else " / ".join(compared)
