"""What is left to pass along a path (docs/MODEL.md, « Cost model »).

The holder starts with the whole of A. Each step says what they hold of the next certification:

* a full recognition (equivalence, mutual or common recognition) gives the whole target;
* an exemption or a partial correspondence gives the blocs it names (`cq:grantsBloc`); one from
  named blocs (`cq:fromBloc`) applies when those blocs are held;
* the CQPI → branch CQP rule gives everything but the complementary modules it names;
* a succession (a new version) gives nothing by itself: only declared bloc correspondences
  between the two versions count.

A certification-level statement applies to a holder of the whole source: if the path only gives
part of it, the rest of its blocs must be passed first. The cost of a path is those blocs plus
the target's blocs not held at the end. It is unknown (None) as soon as one of them is unknown
(a scope not stated, a certification whose blocs are not published), and 0 only when declared
statements, each with its source, cover the whole target.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import Bloc, Certification
from ..query import compact
from .graph import Edge, RecognitionGraph
from .model import RECOGNITION, SUCCESSION, Path, Ref, Step
from .statements import FULL, Statement

MODULES = "modules"  # code of the made-up bloc standing for modules a source does not list


@dataclass(frozen=True)
class Held:
    """What the holder holds of one certification."""

    whole: bool = False
    blocs: frozenset[str] = frozenset()
    all_but: frozenset[str] | None = None  # everything except these (blocs may be unpublished)
    scope_known: bool = True


WHOLE = Held(whole=True)


def _gain(st: Statement, reverse: bool, target_blocs: tuple[str, ...]) -> Held:
    """What one statement gives of its target (the statement's source being held)."""
    if st.cls in FULL:
        return WHOLE
    grants = frozenset(st.from_blocs if reverse else st.grants)
    if st.cls.endswith("AccesParModulesComplementaires"):
        if st.remaining:
            return Held(all_but=frozenset(st.remaining))
        return Held(blocs=grants, scope_known=False)
    if target_blocs and grants >= set(target_blocs):
        return WHOLE
    return Held(blocs=grants, scope_known=bool(grants or st.remaining))


def _needs(st: Statement, reverse: bool) -> frozenset[str] | None:
    """The source blocs a statement needs; None when it needs the whole source."""
    needed = st.grants if reverse else st.from_blocs
    return frozenset(needed) if needed else None


def _merge(a: Held, b: Held) -> Held:
    if a.whole or b.whole:
        return WHOLE
    all_but = a.all_but if b.all_but is None else b.all_but if a.all_but is None else a.all_but & b.all_but
    return Held(False, a.blocs | b.blocs, all_but, a.scope_known or b.scope_known)


def _missing(held: Held, blocs: tuple[str, ...]) -> tuple[frozenset[str], bool]:
    """(blocs not held, whether that list is complete) for a certification with these blocs."""
    if held.whole:
        return frozenset(), True
    if held.all_but is not None:
        rest = held.all_but & set(blocs) if blocs else held.all_but
        return frozenset(rest), True
    if not blocs:
        return frozenset(), False  # the certification's blocs are not published
    return frozenset(blocs) - held.blocs, held.scope_known


@dataclass
class _Walk:
    """The running state of an evaluation."""

    held: Held = WHOLE
    cost: int | None = 0
    flags: tuple[str, ...] = ()

    def add(self, n: int, known: bool) -> None:
        self.cost = None if self.cost is None or not known else self.cost + n

    def flag(self, text: str) -> None:
        if text not in self.flags:
            self.flags = (*self.flags, text)


def evaluate(rg: RecognitionGraph, nodes: list[str], lang: str = "fr") -> Path:
    """The path through these nodes, with what is left to pass."""
    walk = _Walk()
    steps = [_step(rg, rg.edges[(u, v)], walk, lang) for u, v in zip(nodes, nodes[1:], strict=False)]
    target = nodes[-1]
    missing, known = _missing(walk.held, _blocs(rg, target))
    walk.add(len(missing), known)
    if not known:
        walk.flag("blocs de la cible non publiés ou périmètre non précisé : coût inconnu")
    for i, node in enumerate(nodes[1:], start=1):
        status = rg.certification(node, lang).status
        if status.active is False:
            walk.flag("cible inactive" if i == len(nodes) - 1 else "passe par une certification inactive")
    if any(s.kind == SUCCESSION for s in steps):
        walk.flag("passe par une nouvelle version (historique, ne vaut pas reconnaissance)")
    remaining = tuple(_bloc(rg, b, lang) for b in sorted(missing))
    if not known and target in rg.virtual:
        remaining = (*remaining, _modules(rg, target, lang))
    return Path(tuple(steps), remaining, walk.cost, walk.cost == 0, walk.flags)


def _step(rg: RecognitionGraph, edge: Edge, walk: _Walk, lang: str) -> Step:
    u_blocs, v_blocs = _blocs(rg, edge.u), _blocs(rg, edge.v)
    used: list[tuple[Statement, bool]] = []
    gained = Held()
    completed: frozenset[str] = frozenset()
    completion_known = True
    for st, reverse in edge.recognitions:
        needs = _needs(st, reverse)
        if needs is None and not walk.held.whole:
            # a certification-level statement: the whole source is needed first
            missing, known = _missing(walk.held, u_blocs)
            completed, completion_known = completed | missing, completion_known and known
            walk.held = WHOLE
        elif needs is not None and not walk.held.whole and not needs <= walk.held.blocs:
            completed |= needs - walk.held.blocs
        used.append((st, reverse))
        gained = _merge(gained, _gain(st, reverse, v_blocs))
    if used:
        walk.add(len(completed), completion_known)
    walk.held = gained
    return _make_step(rg, edge, used, gained, completed, completion_known, lang)


def _make_step(
    rg: RecognitionGraph,
    edge: Edge,
    used: list[tuple[Statement, bool]],
    gained: Held,
    completed: frozenset[str],
    completion_known: bool,
    lang: str,
) -> Step:
    statements = [st for st, _ in used] or edge.successions
    cls = statements[0].cls
    kind = RECOGNITION if used else SUCCESSION
    label = rg.label(cls, lang)
    if kind == SUCCESSION:
        label = "nouvelle version (succession)" if lang != "en" else "new version (succession)"
    sources = {s: None for st in statements for s in st.sources}
    legal = {s: None for st in statements for s in st.legal_basis}
    origins = tuple(o for st in statements if (o := rg.statements.origin(st)) is not None)
    notes = tuple(dict.fromkeys(n for st in statements for n in st.notes))
    v_blocs = set(_blocs(rg, edge.v))
    granted = sorted(gained.blocs if not gained.all_but else v_blocs - gained.all_but)
    return Step(
        rg.certification(edge.u, lang),
        rg.certification(edge.v, lang),
        kind,
        compact(cls),
        label,
        tuple(_bloc(rg, b, lang) for b in granted),
        gained.whole,
        tuple(_bloc(rg, b, lang) for b in sorted(completed)),
        completion_known,
        tuple(st.iri for st in statements if st.iri),
        tuple(Ref(s, rg.label(s, lang)) for s in sources),
        tuple(Ref(s, rg.label(s, lang)) for s in legal),
        origins,
        notes,
        "sens déclaré bidirectionnel" if any(rev for _, rev in used) else "",
    )


def _blocs(rg: RecognitionGraph, node: str) -> tuple[str, ...]:
    if node in rg.virtual:
        return ()
    return rg.catalog.blocs_of(node)


def _bloc(rg: RecognitionGraph, iri: str, lang: str) -> Bloc:
    return rg.catalog.bloc(iri, lang)


def _modules(rg: RecognitionGraph, node: str, lang: str) -> Bloc:
    target: Certification = rg.certification(node, lang)
    if lang == "en":
        text = "branch-specific complementary modules (not listed by the source)"
    else:
        text = "modules complémentaires spécifiques à la branche (non détaillés par la source)"
    return Bloc(f"{target.iri}-{MODULES}", "", text)
