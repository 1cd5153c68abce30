"""Validate a new référentiel (a file or a graph) or the whole stored graph."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from ..namespaces import CQ
from ..store import Store
from . import hybrid, messages, reading, registries, shacl_engine, sparql_engine
from .inputs import load
from .naming import Namer, StoreNamer, union_triples
from .report import Result, ValidationReport
from .shapes import Rule, ShapeSet, rules, shape_set, shapes_graph
from .sparql_engine import Hit, to_rdflib

CQN = rdflib.Namespace(CQ)
# Properties followed from a referenced resource of the store to bring its context along.
CONTEXT_HOPS = (CQN.hasBloc, CQN.sameCertification, CQN.deliveredBy, CQN.certifier)

PathsOrGraph = str | Path | rdflib.Graph | Sequence[str | Path]


def _display_property(
    level: str | rdflib.Graph, rule: str, path: rdflib.term.Node | None, shape: rdflib.term.Node | None = None
) -> rdflib.URIRef | None:
    """The property a result names for people: its path, or the first property of a complex path."""
    if isinstance(path, rdflib.URIRef):
        return path
    g = shapes_graph(level) if isinstance(level, str) else level
    path = g.value(shape if shape is not None else rdflib.URIRef(rule), SH.path)
    for _ in range(4):
        if path is None or isinstance(path, rdflib.URIRef):
            return path
        alt = g.value(path, SH.alternativePath)
        if alt is not None:
            path = g.value(alt, RDF.first)
            continue
        path = g.value(path, SH.inversePath) or g.value(path, RDF.first)
    return None


def to_results(
    hits: Iterable[Hit],
    namer: Namer,
    level: str | ShapeSet,
    lang: str,
    cells: dict | None = None,
    engines: dict[str, str] | None = None,
) -> list[Result]:
    """Name the engines' hits for people (resource, property, value, message, cell)."""
    shapes = shape_set(level) if isinstance(level, str) else level
    out: list[Result] = []
    seen: set[tuple] = set()
    for h in hits:
        prop = _display_property(shapes.graph, h.rule, h.path, h.shape)
        key = (h.rule, h.shape, h.focus, prop, h.path_text, h.value, h.component, h.detail, h.constraint)
        if key in seen:
            continue
        seen.add(key)
        rule = shapes.rules[h.rule]
        resource = namer.name(h.focus)
        fr, en = _messages(shapes, rule, h, namer)
        out.append(
            Result(
                rule=h.rule,
                rule_label=rule.label(lang),
                severity=h.severity,
                focus=str(h.focus),
                resource=resource,
                property=str(prop) if prop is not None else None,
                property_label=namer.vocab_label(prop) if prop is not None else None,
                value=namer.value(h.value) if h.value is not None else None,
                value_term=h.value.n3() if h.value is not None else None,
                message=resource + (" : " if lang == "fr" else ": ") + (en if lang == "en" else fr),
                message_fr=fr,
                message_en=en,
                component=h.component,
                cell=_cell(cells, h, prop),
                focus_is_blank=isinstance(h.focus, rdflib.BNode),
                focus_term=h.focus.n3(),
                shape=(h.shape if h.shape is not None else rdflib.URIRef(h.rule)).n3(),
                path_text=h.path_text,
                expected=messages.expected(shapes.graph, h.shape, h.component, namer),
                engine=(engines or {}).get(h.rule, "sparql"),
                detail=h.detail,
            )
        )
    return out


def _messages(shapes: ShapeSet, rule: Rule, h: Hit, namer: Namer) -> tuple[str, str]:
    """The French and English messages of a hit: the project rule's, else the shape's own, else
    one per SHACL component (a user's shape without sh:message)."""
    if rule.project and (h.shape is None or str(h.shape) == h.rule) and rule.message_fr:
        return rule.message_fr, rule.message_en
    out = []
    for lang in ("fr", "en"):
        own = messages.own_message(shapes.graph, h.shape, lang, h.messages)
        if own is None:
            path = messages.path_label(namer, h.path_text)
            own = messages.generic(shapes.graph, h.shape, h.component, namer, lang, path)
        names = {"this": namer.name(h.focus), "value": namer.value(h.value) if h.value is not None else ""}
        out.append(messages.fill(own, names | {"PATH": messages.path_label(namer, h.path_text)}))
    return out[0], out[1]


def _cell(cells: dict | None, h: Hit, prop: rdflib.term.Node | None) -> str | None:
    if not cells:
        return None
    if h.value is not None and (h.focus, str(prop), h.value) in cells:
        return cells[(h.focus, str(prop), h.value)]
    cell = cells.get((h.focus, str(prop))) or cells.get((h.focus, None))
    if cell is None and h.value is not None:
        cell = cells.get((h.value, None))
    return cell


class LazyResult(Result):
    """A Result of the whole-graph validation, named for people only when a field is read.

    The text report shows counts by rule and a few examples: naming every one of several
    hundred thousand results (a few store lookups each) was most of `cqpi validate --store`.
    The fields that need the store (resource, message, value, value_term) are computed on first
    access and then kept, so every format and ``dataclasses.asdict`` see the same values as an
    eager Result would hold.
    """

    def __init__(
        self,
        naming: _StoreNaming,
        rule: str,
        rule_label: str,
        severity: str,
        focus,
        prop,
        property_label,
        value,
        component: str,
        message_fr: str,
        message_en: str,
        shape: str = "",
        path_text: str | None = None,
    ) -> None:
        # Every instance sets the same attributes in the same order (a shared-key __dict__):
        # the lazy fields are properties over the "_" slots, filled on first read.
        self.rule = rule
        self.rule_label = rule_label
        self.severity = severity
        self.focus = focus.value if isinstance(focus, ox.NamedNode | ox.BlankNode) else str(focus)
        self.property = str(prop) if prop is not None else None
        self.property_label = property_label
        self.message_fr = message_fr
        self.message_en = message_en
        self.component = component
        self.cell = None
        self.focus_is_blank = isinstance(focus, ox.BlankNode)
        self.shape = shape
        self.path_text = path_text
        self.engine = "sparql"
        self.detail = None
        self._naming = naming
        self._focus_term = focus
        self._value_term = value
        self._resource: str | None = None
        self._message: str | None = None
        self._value: str | None = None
        self._value_n3: str | None = None

    @property
    def resource(self) -> str:  # type: ignore[override]
        if self._resource is None:
            self._resource = self._naming.name(self._focus_term)
        return self._resource

    @property
    def message(self) -> str:  # type: ignore[override]
        if self._message is None:
            self._message = self.resource + self._naming.sep + self._naming.message(self.rule)
        return self._message

    @property
    def value(self) -> str | None:  # type: ignore[override]
        if self._value is None and self._value_term is not None:
            self._value = self._naming.namer.value(self._naming.rdf(self._value_term))
        return self._value

    @property
    def value_term(self) -> str | None:  # type: ignore[override]
        if self._value_n3 is None and self._value_term is not None:
            self._value_n3 = self._naming.rdf(self._value_term).n3()
        return self._value_n3

    @property
    def focus_term(self) -> str:  # type: ignore[override]
        return self._naming.rdf(self._focus_term).n3()

    @property
    def expected(self) -> str | None:  # type: ignore[override]
        return self._naming.expected(self.rule, self.component)


class _StoreNaming:
    """What the lazy results of one report share: the namer and a few per-rule caches."""

    def __init__(self, namer: Namer, level: str, lang: str) -> None:
        self.namer = namer
        self.lang = lang
        self.sep = " : " if lang == "fr" else ": "
        self.rules = rules(level)
        self.level = level
        self._expected: dict[tuple[str, str], str | None] = {}

    @staticmethod
    def rdf(term) -> rdflib.term.Node:
        return term if isinstance(term, rdflib.term.Node) else to_rdflib(term)

    def name(self, term) -> str:
        return self.namer.name(self.rdf(term))

    def message(self, rule: str) -> str:
        return self.rules[rule].message(self.lang)

    def expected(self, rule: str, component: str) -> str | None:
        key = (rule, component)
        if key not in self._expected:
            g = shapes_graph(self.level)
            self._expected[key] = messages.expected(g, rdflib.URIRef(rule), component, self.namer)
        return self._expected[key]


def store_results(raw: ox.Store, level: str, lang: str) -> list[Result]:
    """The whole-graph results, in the order and with the deduplication of ``to_results``.

    Terms stay Oxigraph terms (a literal becomes rdflib's, whose equality `to_results` used);
    the naming is deferred to LazyResult.
    """
    naming = _StoreNaming(StoreNamer(raw, shacl_engine.vocabulary(), lang), level, lang)
    namer = naming.namer
    all_rules = naming.rules
    out: list[Result] = []
    seen: set[tuple] = set()
    literals: dict = {}
    props: dict = {}
    bound_paths: dict = {}

    def key(t):
        if isinstance(t, ox.Literal):
            r = literals.get(t)
            if r is None:
                r = literals[t] = to_rdflib(t)
            return r
        return t

    for cq, sols in sparql_engine.solutions(raw, level):
        rule = all_rules[cq.rule]
        rule_label = rule.label(lang)
        sparql = cq.component.endswith("SPARQLConstraintComponent")
        binds_value = cq.binds_value
        for sol in sols:
            focus = sol["this"]
            if focus is None:
                continue
            value = sol["value"] if binds_value else None
            path = cq.path
            if sparql:
                bound = sol["path"]
                if bound is None:
                    path = None
                else:
                    path = bound_paths.get(bound)
                    if path is None:
                        path = bound_paths[bound] = to_rdflib(bound)
                if value is None:
                    value = focus
            pk = (cq.rule, path)
            if pk not in props:
                prop = _display_property(level, cq.rule, path)
                props[pk] = (prop, namer.vocab_label(prop) if prop is not None else None)
            prop, prop_label = props[pk]
            focus = key(focus)
            if value is not None:
                value = key(value)
            k = (cq.rule, focus, prop, value, cq.component)
            if k in seen:
                continue
            seen.add(k)
            out.append(
                LazyResult(
                    naming,
                    cq.rule,
                    rule_label,
                    cq.severity,
                    focus,
                    prop,
                    prop_label,
                    value,
                    cq.component,
                    rule.message_fr,
                    rule.message_en,
                    (cq.shape if cq.shape is not None else rdflib.URIRef(cq.rule)).n3(),
                    f"<{path}>" if sparql and isinstance(path, rdflib.URIRef) else cq.path_text,
                )
            )
    return out


def _as_store(store: Store | ox.Store) -> Store:
    """An Oxigraph store handed over directly (tests, the sandbox) behind the store facade."""
    if isinstance(store, Store):
        return store
    from ..store import EmbeddedStore

    return EmbeddedStore(store, "", Path())


def _describe(store: Store, iris: set[rdflib.URIRef]) -> Iterable[tuple]:
    """(s, p, o) as rdflib terms: what the store says about each IRI, and the blocs of it."""
    for q in store.quads_about(str(i) for i in iris):
        yield rdflib.URIRef(q.subject), rdflib.URIRef(q.predicate), to_rdflib(q.object)
    for iri in iris:
        for q in store.quads_for_pattern(None, str(CQN.blocOf), str(iri)):
            if not q.subject.startswith("_:"):
                yield rdflib.URIRef(q.subject), CQN.blocOf, iri


def store_context(store: Store | ox.Store, graph: rdflib.Graph) -> rdflib.Graph:
    """What the store says about the IRIs a file refers to (and their blocs, bodies, twins)."""
    ctx = rdflib.Graph()
    facade = _as_store(store)
    frontier = {n for t in graph for n in (t[0], t[2]) if isinstance(n, rdflib.URIRef)}
    seen: set[rdflib.URIRef] = set()
    for _ in range(2):
        nxt: set[rdflib.URIRef] = set()
        todo = frontier - seen
        seen |= todo
        for s, p, o in _describe(facade, todo):
            ctx.add((s, p, o))
            if s in todo and p in CONTEXT_HOPS and isinstance(o, rdflib.URIRef):
                nxt.add(o)
        frontier = nxt
    return ctx


@dataclass
class Submission:
    """What was submitted: the merged graph, the cells of its nodes, what could not be read."""

    graph: rdflib.Graph
    cells: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # spreadsheet.ReadingProblem
    sources: list[str] = field(default_factory=list)


def _as_graph(paths_or_graph: PathsOrGraph) -> Submission:
    if isinstance(paths_or_graph, rdflib.Graph):
        g = paths_or_graph
        return Submission(g, dict(getattr(g, "cells", {}) or {}), list(getattr(g, "problems", []) or []))
    paths = [paths_or_graph] if isinstance(paths_or_graph, str | Path) else list(paths_or_graph)
    out = Submission(rdflib.Graph(), sources=[str(p) for p in paths])
    for p in paths:
        g = load(p)
        out.graph += g
        out.cells.update(getattr(g, "cells", {}) or {})
        out.problems.extend(getattr(g, "problems", []) or [])
    return out


def _kept(hits: list[Hit], submitted: rdflib.Graph, context: rdflib.Graph) -> list[Hit]:
    """The hits about what the file says: not those whose focus only the store or the vocabulary
    describe (a certification a recognition points to has its own, stored, problems)."""
    described = set(submitted.subjects())
    other = set(context.subjects()) | set(context.objects()) | hybrid.vocabulary_subjects()
    return [h for h in hits if h.focus in described or h.focus not in other]


def validate_referentiel(
    paths_or_graph: PathsOrGraph,
    *,
    against_store: Store | ox.Store | None = None,
    lang: str = "fr",
    engine: str = "sparql",
    shapes: Sequence[str | Path | rdflib.Graph] = (),
) -> ValidationReport:
    """Validate a new référentiel: one or more files (RDF or spreadsheet template) or a graph.

    Every completeness rule is a violation. ``shapes`` adds a user's SHACL files to the project's
    shapes. With ``against_store``, what the store says about the resources the file refers to
    (branches, certifications, blocs) joins the data graph, and the codes it cites are looked up
    in the registries the store holds; results are reported for what the file itself describes.
    ``engine`` "sparql" compiles the shapes to SPARQL (on an in-memory Oxigraph copy) and leaves
    to pyshacl only what the compiler cannot translate; "shacl" runs every shape on pyshacl (the
    reference engine). tests/test_validate*.py check that both give the same results.
    """
    started = time.perf_counter()
    sub = _as_graph(paths_or_graph)
    shape_group = shape_set("referentiel", shapes)
    context, facts = rdflib.Graph(), rdflib.Graph()
    notes: list[str] = []
    if against_store is not None:
        context = store_context(against_store, sub.graph)
        facts, notes = registries.facts(against_store, sub.graph, lang)
    graphs = [sub.graph, context, facts]
    outcome = hybrid.run(graphs, shape_group, engine)
    hits = _kept(outcome.hits, sub.graph, context)
    vocab = shacl_engine.vocabulary()
    namer = Namer(union_triples([sub.graph, context, vocab]), vocab, lang)
    results = to_results(hits, namer, shape_group, lang, sub.cells, outcome.engines)
    source = ", ".join(Path(p).name for p in sub.sources)
    results = reading.merge(results, sub.problems, shape_group, namer, lang, source)
    for r in results:
        r.cell = reading.cell_text(r.cell, lang)
    return ValidationReport(
        results,
        "referentiel",
        lang,
        sub.sources,
        len(sub.graph),
        time.perf_counter() - started,
        engine,
        engines=outcome.engines,
        reasons={k: why.text(lang) for k, why in outcome.reasons.items()},
        rule_labels={k: r.label(lang) for k, r in shape_group.rules.items()},
        notes=notes,
    )


def identity_results(store: Store, lang: str) -> list[Result]:
    """The catalog's and the paths' checks (crosswalk, sameness, version chains, recognitions)."""
    from ..catalog import load_catalog
    from ..paths.checks import store_findings

    cat = load_catalog(store)
    out = []
    for f in store_findings(store):
        known = cat.get(f.focus, lang)
        resource = known.display() if known else f.focus.rsplit("/", 1)[-1]
        message = f.rule.message_en if lang == "en" else f.rule.message_fr
        out.append(
            Result(
                f.rule.iri,
                f.rule.label_en if lang == "en" else f.rule.label_fr,
                f.rule.severity,
                f.focus,
                resource,
                None,
                None,
                f.value,
                None,
                f"{resource} : {message}",
                f.rule.message_fr,
                f.rule.message_en,
                "https://w3id.org/cqpi/def#CatalogCheck",
            )
        )
    return out


def validate_store(store: Store | ox.Store, *, lang: str = "fr") -> ValidationReport:
    """Check the whole stored graph (imports included) with the SPARQL engine.

    Consistency rules (codes, links, cycles, dates) are violations; missing content is a warning.
    """
    started = time.perf_counter()
    # The rules are many whole-graph queries: on a server, the graph is read once (a snapshot).
    raw = store.snapshot() if isinstance(store, Store) else store
    results = store_results(raw, "store", lang)
    if isinstance(store, Store):
        results += identity_results(store, lang)
    location = getattr(store, "location", "")
    return ValidationReport(
        results,
        "store",
        lang,
        [str(location)] if location else [],
        len(raw),
        time.perf_counter() - started,
        "sparql",
    )
