"""The store engine: each shape compiled into one SPARQL query, run on Oxigraph.

pyshacl evaluates SPARQL-based constraints once per focus node (about 50 s per constraint over
200k triples); here each shape becomes a single query over the whole graph, so that
`cqpi validate --store` scales to the national registries. Only the SHACL features the shapes
of shapes/ use are compiled; any other one raises, so a new shape cannot be silently ignored.
tests/test_validate.py checks that this engine and pyshacl give the same results.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from ..terms import to_rdflib  # noqa: F401 - re-exported for the package
from .shapes import SEVERITY_NAMES, shapes_graph

_SUPPORTED_SHAPE_KEYS = {
    RDF.type,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.targetNode,
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH.pattern,
    SH.flags,
    SH["in"],
    SH["class"],
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.sparql,
    SH.severity,
    SH.message,
    rdflib.RDFS.label,
    SH.name,
    SH.description,
}


class UnsupportedShape(ValueError):
    """A shape uses a SHACL feature this compiler does not know."""


@dataclass(frozen=True)
class Hit:
    """One validation result of the SPARQL engine (rdflib terms)."""

    rule: str
    severity: str
    focus: rdflib.term.Node
    path: rdflib.term.Node | None
    value: rdflib.term.Node | None
    component: str


@dataclass(frozen=True)
class CompiledQuery:
    rule: str
    severity: str
    component: str
    query: str
    path: rdflib.term.Node | None  # the shape's sh:path when the query does not bind ?path
    binds_value: bool = True


def _iri(node: rdflib.term.Node) -> str:
    if not isinstance(node, rdflib.URIRef):
        raise UnsupportedShape(f"IRI attendu, trouvé {node!r}")
    return f"<{node}>"


def path_sparql(g: rdflib.Graph, path: rdflib.term.Node) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, rdflib.URIRef):
        return _iri(path)
    if (path, RDF.first, None) in g:
        return "(" + "/".join(path_sparql(g, p) for p in Collection(g, path)) + ")"
    alt = g.value(path, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(path_sparql(g, p) for p in Collection(g, alt)) + ")"
    inv = g.value(path, SH.inversePath)
    if inv is not None:
        return "^" + path_sparql(g, inv)
    for key, op in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        sub = g.value(path, key)
        if sub is not None:
            return "(" + path_sparql(g, sub) + ")" + op
    raise UnsupportedShape(f"chemin SHACL non pris en charge : {path!r}")


def _literal(node: rdflib.term.Node) -> str:
    return node.n3()


def focus_sparql(g: rdflib.Graph, shape: rdflib.term.Node) -> str:
    """A group pattern binding ?this to each focus node of the shape (once)."""
    parts = []
    for c in g.objects(shape, SH.targetClass):
        parts.append(f"?this <{RDF.type}>/<{rdflib.RDFS.subClassOf}>* {_iri(c)} .")
    for p in g.objects(shape, SH.targetSubjectsOf):
        parts.append(f"?this {_iri(p)} ?_t .")
    for p in g.objects(shape, SH.targetObjectsOf):
        parts.append(f"?_t {_iri(p)} ?this .")
    nodes = list(g.objects(shape, SH.targetNode))
    if nodes:
        parts.append("VALUES ?this { " + " ".join(n.n3() for n in nodes) + " }")
    if not parts:
        raise UnsupportedShape(f"forme sans cible : {shape}")
    union = " UNION ".join("{ " + p + " }" for p in parts)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _prefixes(g: rdflib.Graph, constraint: rdflib.term.Node) -> str:
    lines = []
    for onto in g.objects(constraint, SH.prefixes):
        for decl in g.objects(onto, SH.declare):
            lines.append(f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>")
    return "\n".join(sorted(set(lines))) + "\n"


def _type_test(var: str, cls: rdflib.term.Node) -> str:
    return f"{var} <{RDF.type}>/<{rdflib.RDFS.subClassOf}>* {_iri(cls)} ."


def compile_shape(g: rdflib.Graph, shape: rdflib.URIRef) -> list[CompiledQuery]:
    """The SPARQL queries of one shape: one per constraint component."""
    unknown = {p for p in g.predicates(shape, None)} - _SUPPORTED_SHAPE_KEYS
    if unknown:
        raise UnsupportedShape(f"{shape} : propriétés SHACL non prises en charge {sorted(unknown)}")
    severity = SEVERITY_NAMES[g.value(shape, SH.severity, default=SH.Violation)]
    focus = focus_sparql(g, shape)
    rule = str(shape)
    out: list[CompiledQuery] = []

    def add(component: str, query: str, path: rdflib.term.Node | None) -> None:
        binds_value = query.startswith("SELECT ?this ?value") or component.startswith("SPARQL")
        out.append(CompiledQuery(rule, severity, str(SH[component]), query, path, binds_value))

    path_node = g.value(shape, SH.path)
    if path_node is not None:
        p = path_sparql(g, path_node)
        simple = path_node if isinstance(path_node, rdflib.URIRef) else path_node
        min_count = g.value(shape, SH.minCount)
        if min_count is not None:
            n = int(min_count)
            if n == 1:
                # MINUS rather than FILTER NOT EXISTS: the same solutions (?this is bound on both
                # sides), but Oxigraph evaluates it as one anti-join instead of one sub-query per
                # focus node (3.5 times faster over the whole graph).
                q = f"SELECT ?this WHERE {{ {focus} MINUS {{ ?this {p} ?_v }} }}"
            else:
                q = (
                    f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?_v }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) < {n})"
                )
            add("MinCountConstraintComponent", q, simple)
        max_count = g.value(shape, SH.maxCount)
        if max_count is not None:
            q = (
                f"SELECT ?this WHERE {{ {focus} ?this {p} ?_v }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) > {int(max_count)})"
            )
            add("MaxCountConstraintComponent", q, simple)
        pattern = g.value(shape, SH.pattern)
        if pattern is not None:
            flags = g.value(shape, SH.flags)
            regex = f"REGEX(STR(?value), {_literal(rdflib.Literal(str(pattern)))}"
            regex += f", {_literal(rdflib.Literal(str(flags)))})" if flags else ")"
            q = (
                f"SELECT ?this ?value WHERE {{ {focus} ?this {p} ?value . "
                f"FILTER (isBlank(?value) || !{regex}) }}"
            )
            add("PatternConstraintComponent", q, simple)
        in_list = g.value(shape, SH["in"])
        if in_list is not None:
            members = ", ".join(m.n3() for m in Collection(g, in_list))
            q = (
                f"SELECT ?this ?value WHERE {{ {focus} ?this {p} ?value . "
                f"FILTER (?value NOT IN ({members})) }}"
            )
            add("InConstraintComponent", q, simple)
        cls = g.value(shape, SH["class"])
        if cls is not None:
            q = (
                f"SELECT ?this ?value WHERE {{ {focus} ?this {p} ?value . "
                f"MINUS {{ {_type_test('?value', cls)} }} }}"
            )
            add("ClassConstraintComponent", q, simple)
        qvs = g.value(shape, SH.qualifiedValueShape)
        if qvs is not None:
            keys = set(g.predicates(qvs, None))
            qcls = g.value(qvs, SH["class"])
            qmin = g.value(shape, SH.qualifiedMinCount)
            if keys != {SH["class"]} or qmin is None:
                raise UnsupportedShape(
                    f"{shape} : seul sh:qualifiedValueShape [ sh:class ] + "
                    "sh:qualifiedMinCount est pris en charge"
                )
            q = (
                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?_v . {_type_test('?_v', qcls)} }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) < {int(qmin)})"
            )
            add("QualifiedMinCountConstraintComponent", q, simple)
    for constraint in g.objects(shape, SH.sparql):
        select = str(g.value(constraint, SH.select)).replace("$this", "?this")
        q = _prefixes(g, constraint) + f"SELECT ?this ?value ?path WHERE {{ {focus} {{ {select} }} }}"
        add("SPARQLConstraintComponent", q, None)
    if not out:
        raise UnsupportedShape(f"{shape} : aucune contrainte reconnue")
    return out


def compile_shapes(level: str) -> list[CompiledQuery]:
    g = shapes_graph(level)
    tops = sorted({s for s in g.subjects(SH.severity, None) if isinstance(s, rdflib.URIRef)}, key=str)
    out: list[CompiledQuery] = []
    for s in tops:
        out.extend(compile_shape(g, s))
    return out


def solutions(store: ox.Store, level: str = "store") -> Iterator[tuple[CompiledQuery, ox.QuerySolutions]]:
    """Each compiled query of the level with its solutions (Oxigraph terms, not converted)."""
    for cq in compile_shapes(level):
        yield cq, store.query(cq.query, use_default_graph_as_union=True)


def run(store: ox.Store, level: str = "store") -> Iterator[Hit]:
    """Every result of every shape of the level, over the union of the store's graphs."""
    for cq, sols in solutions(store, level):
        for sol in sols:
            focus = sol["this"]
            if focus is None:
                continue
            value = sol["value"] if cq.binds_value else None
            path = cq.path
            if cq.component.endswith("SPARQLConstraintComponent"):
                bound = sol["path"]
                path = to_rdflib(bound) if bound is not None else None
                if value is None:
                    value = focus
            yield Hit(
                rule=cq.rule,
                severity=cq.severity,
                focus=to_rdflib(focus),
                path=path,
                value=to_rdflib(value) if value is not None else None,
                component=cq.component,
            )


def memory_store(graph: rdflib.Graph) -> ox.Store:
    """An in-memory Oxigraph store holding an rdflib graph (blank node ids kept)."""
    store = ox.Store()
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)
    return store


def to_ox(t: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(t, rdflib.URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, rdflib.BNode):
        return ox.BlankNode(str(t))
    if isinstance(t, rdflib.Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise TypeError(f"terme non pris en charge : {t!r}")
