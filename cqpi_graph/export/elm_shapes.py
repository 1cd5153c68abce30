"""Closed LOQ shapes that no valid data can meet once ELM's class hierarchy is loaded.

The official LOQ shapes are closed, one per class. A validator that loads the ELM ontology with
the data (as SHACL asks: `sh:targetClass` reaches the instances of subclasses) applies the shape
of every superclass too: an `elm:Qualification` is also checked against the closed shape of
`elm:Specification`, which does not allow `elm:EQFLevel` — a property the Qualification shape
makes mandatory. No data can then satisfy both: these conflicts are properties of the official
files, not of the export. `closed_shape_conflicts` finds them from the shapes and the ontology;
`KNOWN_CONFLICTS` is what it finds in LOQ 1.1.0 with ELM 3.1 (a test recomputes it from the
official files), quoted in the export report.
"""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from rdflib.namespace import RDF, RDFS, SH

ELM = "http://data.europa.eu/snb/model/elm/"
DCT = "http://purl.org/dc/terms/"
ROV = "http://www.w3.org/ns/regorg#"


@dataclass(frozen=True, order=True)
class ShapeConflict:
    """`cls`'s own shape requires `path`, which the closed shape of its superclass `superclass`
    does not allow: every valid instance of `cls` violates the superclass's shape."""

    cls: str
    superclass: str
    path: str

    def text(self) -> str:
        short = {ELM: "elm:", DCT: "dc:", ROV: "rov:"}

        def s(iri: str) -> str:
            return next((p + iri[len(ns) :] for ns, p in short.items() if iri.startswith(ns)), iri)

        return (
            f"{s(self.cls)} exige {s(self.path)}, que la forme fermée de sa superclasse "
            f"{s(self.superclass)} n'admet pas"
        )


KNOWN_CONFLICTS = tuple(
    sorted(
        ShapeConflict(ELM + c, ELM + sup, p)
        for c, sup, p in (
            ("LearningEntitlementSpecification", "Specification", ELM + "entitlementStatus"),
            ("LegalIdentifier", "Identifier", DCT + "spatial"),
            ("Organisation", "Agent", ROV + "legalName"),
            ("Qualification", "Specification", ELM + "EQFLevel"),
            ("Qualification", "Specification", ELM + "ISCEDFCode"),
            ("Qualification", "Specification", ELM + "NQFLevel"),
            ("Qualification", "Specification", ELM + "learningOutcome"),
        )
    )
)


def _shapes_by_class(shapes: rdflib.Graph) -> dict[rdflib.term.Node, list[rdflib.term.Node]]:
    """The active shapes (sh:deactivated ones are skipped, as validators do) of each class."""
    out: dict[rdflib.term.Node, list[rdflib.term.Node]] = {}
    for shape, cls in shapes.subject_objects(SH.targetClass):
        if cls is not None and (shape, SH.deactivated, rdflib.Literal(True)) not in shapes:
            out.setdefault(cls, []).append(shape)
    return out


def _paths(shapes: rdflib.Graph, shape: rdflib.term.Node, mandatory: bool) -> set[str]:
    out = set()
    for prop in shapes.objects(shape, SH.property):
        path = shapes.value(prop, SH.path)
        count = shapes.value(prop, SH.minCount)
        required = isinstance(count, rdflib.Literal) and int(count.toPython()) >= 1
        if isinstance(path, rdflib.URIRef) and (not mandatory or required):
            out.add(str(path))
    return out


def _allowed(shapes: rdflib.Graph, shape: rdflib.term.Node) -> set[str]:
    allowed = _paths(shapes, shape, mandatory=False)
    ignored = shapes.value(shape, SH.ignoredProperties)
    if ignored is not None:
        allowed |= {str(p) for p in rdflib.collection.Collection(shapes, ignored)}
    return allowed


def closed_shape_conflicts(shapes: rdflib.Graph, ontology: rdflib.Graph) -> list[ShapeConflict]:
    """Every (class, closed superclass shape, path) where the class's shapes require a path the
    superclass's closed shape forbids."""
    by_class = _shapes_by_class(shapes)
    out = set()
    for cls in by_class:
        supers = [c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if c is not None and c != cls]
        # An instance of cls must meet the shapes of cls and of each of its superclasses.
        required = set().union(
            *(_paths(shapes, s, mandatory=True) for c in [cls, *supers] for s in by_class.get(c, []))
        )
        for sup in supers:
            for shape in by_class.get(sup, []):
                if (shape, SH.closed, rdflib.Literal(True)) not in shapes:
                    continue
                for path in sorted(required - _allowed(shapes, shape) - {str(RDF.type)}):
                    out.add(ShapeConflict(str(cls), str(sup), path))
    return sorted(out)
