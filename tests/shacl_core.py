"""The W3C SHACL Core test suite (../shared/conformance/shacl-core), run through cqpi_graph.

Each ``sht:Validate`` test gives a data graph, a shapes graph and the expected report. The test
runs ``validate_referentiel([data], shapes=[shapes])`` (what ``cqpi validate --shapes`` does),
reads back the Turtle sh:ValidationReport it writes, and compares sh:conforms and the results:
focus node, path, value, severity, source constraint component, and the source shape when it is
an IRI. Blank nodes compare as blank (the report's are new ones); literals by value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SH

from cqpi_graph.validate import validate_referentiel
from cqpi_graph.validate.compiler import UnsupportedShape, path_text

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT.parent / "shared" / "conformance" / "shacl-core"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")


@dataclass(frozen=True)
class Case:
    name: str  # folder/test, e.g. node/class-001
    label: str
    data: Path
    shapes: Path
    conforms: bool
    results: tuple  # sorted result keys


def _file(uri: rdflib.term.Node) -> Path:
    return Path(str(uri).removeprefix("file://"))


def _manifests(manifest: Path) -> list[Path]:
    g = rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.resolve().as_uri())
    out = []
    for inc in g.objects(None, MF.include):
        path = _file(inc)
        if path.name == "manifest.ttl":
            out.extend(_manifests(path))
        else:
            out.append(path)
    return out


def _term_key(g: rdflib.Graph, node: rdflib.term.Node | None) -> object:
    if node is None:
        return None
    if isinstance(node, rdflib.BNode):
        if (node, RDF.first, None) in g or any(
            (node, p, None) in g
            for p in (
                SH.inversePath,
                SH.alternativePath,
                SH.zeroOrMorePath,
                SH.oneOrMorePath,
                SH.zeroOrOnePath,
            )
        ):
            try:
                return ("path", path_text(g, node))
            except UnsupportedShape:
                return "_"
        return "_"
    if isinstance(node, rdflib.Literal):
        if node.datatype is not None and str(node.datatype).startswith(str(RDF)):
            return ("literal", str(node.datatype), "", str(node))  # rdf:HTML, rdf:XMLLiteral
        value = node.value if node.value is not None and not getattr(node, "ill_typed", False) else str(node)
        return ("literal", str(node.datatype or ""), (node.language or "").lower(), value)
    return str(node)


def result_keys(g: rdflib.Graph, report: rdflib.term.Node) -> tuple:
    keys = []
    for r in g.objects(report, SH.result):
        shape = g.value(r, SH.sourceShape)
        keys.append(
            (
                _term_key(g, g.value(r, SH.focusNode)),
                _term_key(g, g.value(r, SH.resultPath)),
                _term_key(g, g.value(r, SH.value)),
                str(g.value(r, SH.resultSeverity)),
                str(g.value(r, SH.sourceConstraintComponent)),
                str(shape) if isinstance(shape, rdflib.URIRef) else "_",
            )
        )
    return tuple(sorted(keys, key=repr))


def cases() -> list[Case]:
    out = []
    for path in _manifests(SUITE / "manifest.ttl"):
        g = rdflib.Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())
        for t in g.subjects(RDF.type, SHT.Validate):
            action, expected = g.value(t, MF.action), g.value(t, MF.result)
            out.append(
                Case(
                    name=f"{path.parent.name}/{str(t).rsplit('/', 1)[-1]}",
                    label=str(g.value(t, rdflib.RDFS.label) or ""),
                    data=_file(g.value(action, SHT.dataGraph)),
                    shapes=_file(g.value(action, SHT.shapesGraph)),
                    conforms=bool(g.value(expected, SH.conforms).toPython()),
                    results=result_keys(g, expected),
                )
            )
    return sorted(out, key=lambda c: c.name)


@dataclass
class Outcome:
    case: Case
    conforms: bool
    results: tuple
    engines: dict

    @property
    def passed(self) -> bool:
        return self.conforms == self.case.conforms and Counter(self.results) == Counter(self.case.results)

    def diff(self) -> str:
        want, got = Counter(self.case.results), Counter(self.results)
        return f"missing {list((want - got).elements())}; unexpected {list((got - want).elements())}"


def run(case: Case, engine: str = "sparql") -> Outcome:
    report = validate_referentiel([case.data], shapes=[case.shapes], engine=engine, lang="en")
    g = rdflib.Graph().parse(data=report.render("turtle"), format="turtle")
    node = next(g.subjects(RDF.type, SH.ValidationReport))
    return Outcome(case, bool(g.value(node, SH.conforms).toPython()), result_keys(g, node), report.engines)
