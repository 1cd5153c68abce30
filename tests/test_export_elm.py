"""ELM v3 / LOQ for the Europass QDR, checked with the official files, unmodified.

Two validation setups: the LOQ shapes on the data alone, and the LOQ shapes with the ELM
ontology loaded beside the data (as a validator that loads the model does). In the second, the
closed shapes of superclasses apply; those that no valid data can meet are computed from the
official files and pinned. Also: the JSON-LD with the Europass context, the NSF → ISCED-F table,
the report, and the national slice.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH, XSD

from cqpi_graph.cli import main
from cqpi_graph.export import export_elm
from cqpi_graph.export.certs import certification_groups
from cqpi_graph.export.elm_shapes import KNOWN_CONFLICTS, closed_shape_conflicts
from cqpi_graph.export.isced import isced_fields, isced_for_nsf, nsf_table
from cqpi_graph.importers import import_rncp
from cqpi_graph.namespaces import Graphs
from cqpi_graph.store import Store, open_store, store_writer

ROOT = Path(__file__).resolve().parent.parent
CERT = "https://w3id.org/cqpi/id/cert/"
ELM = rdflib.Namespace("http://data.europa.eu/snb/model/elm/")
CSV_2021 = "rncp/export-fiches-csv-2021-02-01-reconstructed.zip"


@pytest.fixture(scope="session")
def loq_shapes(shared_data: Path) -> rdflib.Graph:
    """The official LOQ shapes, loaded unmodified from ../shared/data/elm."""
    shapes = rdflib.Graph()
    for name in ("LOQ-constraints.ttl", "LOQ-constraints-mdr.ttl"):
        shapes.parse(shared_data / "elm" / name, format="turtle")
    return shapes


@pytest.fixture(scope="session")
def elm_ontology(shared_data: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(shared_data / "elm" / "ELM.ttl", format="turtle")


def violations(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph | None = None) -> list[tuple]:
    """(focus node, source shape, path, constraint component) of each violation."""
    import pyshacl

    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=False
    )
    out = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        if results.value(r, SH.resultSeverity) == SH.Violation:
            out.append(
                (
                    results.value(r, SH.focusNode),
                    results.value(r, SH.sourceShape),
                    results.value(r, SH.resultPath),
                    results.value(r, SH.sourceConstraintComponent),
                )
            )
    assert conforms == (not out)
    return out


def unexplained(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph) -> list[tuple]:
    """Violations with ELM loaded that the known closed-shape conflicts do not explain: each must
    come from the closed shape of a superclass that no valid instance of the node's class can
    meet, on a property the node's own class shape allows."""
    impossible = {(c.cls, c.superclass) for c in KNOWN_CONFLICTS}
    shape_class = {s: o for s, o in shapes.subject_objects(SH.targetClass)}
    out = []
    for focus, shape, path, component in violations(data, shapes, ontology):
        classes = {str(c) for c in data.objects(focus, RDF.type)}
        target = str(shape_class.get(shape, ""))
        own = [s for s, c in shape_class.items() if str(c) in classes]
        allowed = {str(shapes.value(p, SH.path)) for s in own for p in shapes.objects(s, SH.property)}
        explained = (
            component == SH.ClosedConstraintComponent
            and any((c, target) in impossible for c in classes)
            and str(path) in allowed
        )
        if not explained:
            out.append((focus, shape, path, component))
    return out


def same_triples(a: rdflib.Graph, b: rdflib.Graph) -> bool:
    """Isomorphic, with "x"^^xsd:string and "x" the same literal (RDF 1.1)."""

    def norm(g: rdflib.Graph) -> rdflib.Graph:
        out = rdflib.Graph()
        for s, p, o in g:
            if isinstance(o, rdflib.Literal) and o.datatype == XSD.string:
                o = rdflib.Literal(str(o))
            out.add((s, p, o))
        return out

    return isomorphic(norm(a), norm(b))


# ---------------------------------------------------------------- the fixture certifications


def test_elm_export_conforms_to_official_loq_shapes(
    export_store: Store, loq_shapes: rdflib.Graph, elm_ontology: rdflib.Graph
) -> None:
    data, report = export_elm(export_store, "turtle")
    assert CERT + "RNCP99901" in report.exported
    g = rdflib.Graph().parse(data=data, format="turtle")
    assert violations(g, loq_shapes) == []
    assert unexplained(g, loq_shapes, elm_ontology) == []
    q = rdflib.URIRef(CERT + "RNCP99901")
    assert g.value(q, ELM.EQFLevel) == rdflib.URIRef("http://data.europa.eu/snb/eqf/4")
    assert g.value(q, ELM.ISCEDFCode) == rdflib.URIRef("http://data.europa.eu/snb/isced-f/0714")  # declared
    assert len(list(g.objects(q, ELM.learningOutcome))) == 3  # the competences of its two blocs
    assert {str(o) for o in g.objects(q, rdflib.URIRef("http://www.w3.org/ns/adms#identifier"))} == {
        CERT + "RNCP99901#id-RNCP99901",
        CERT + "RNCP99901#id-99999901",
    }
    body = g.value(g.value(q, ELM.awardingOpportunity), ELM.awardingBody)
    assert str(body) == "https://w3id.org/cqpi/id/siret/99900000000011"
    # the report says which official shapes no data can meet with ELM loaded, and why
    assert any("elm:Specification" in n and "elm:EQFLevel" in n for n in report.notes)


def test_closed_shape_conflicts_of_the_official_files(
    loq_shapes: rdflib.Graph, elm_ontology: rdflib.Graph
) -> None:
    """Recomputed from the official files: an elm:Qualification must have elm:EQFLevel, which the
    closed shape of its superclass elm:Specification forbids (and likewise for the others)."""
    assert closed_shape_conflicts(loq_shapes, elm_ontology) == list(KNOWN_CONFLICTS)
    pinned = {
        (c.cls.rsplit("/", 1)[-1], c.superclass.rsplit("/", 1)[-1], c.path.rsplit("/", 1)[-1])
        for c in KNOWN_CONFLICTS
    }
    assert ("Qualification", "Specification", "EQFLevel") in pinned
    assert ("Organisation", "Agent", "regorg#legalName") in pinned
    assert ("LegalIdentifier", "Identifier", "spatial") in pinned


def test_elm_shapes_catch_a_missing_mandatory_field(export_store: Store, loq_shapes: rdflib.Graph) -> None:
    """Negative control: the same export minus its ISCED-F code violates the shapes."""
    data, _ = export_elm(export_store, "turtle")
    g = rdflib.Graph().parse(data=data, format="turtle")
    g.remove((None, ELM.ISCEDFCode, None))
    assert any(str(path) == str(ELM.ISCEDFCode) for _, _, path, _ in violations(g, loq_shapes))


def test_elm_report_lists_every_excluded_certification(export_store: Store, tmp_path: Path) -> None:
    _, report = export_elm(export_store, "turtle", io.BytesIO())
    excluded = {e.iri: e.missing for e in report.excluded}
    # no NSF, no blocs, and its certifier has no SIRET (no known location: no awarding body)
    assert excluded[CERT + "RNCP99902"] == ["ISCEDFCode", "learningOutcome", "awardingBody"]
    assert excluded[CERT + "RNCP99900"][:2] == ["EQFLevel", "NQFLevel"]
    primaries = {g[0] for g in certification_groups(export_store)}
    assert set(report.exported) | set(excluded) == primaries  # none silently dropped
    assert not set(report.exported) & set(excluded)
    assert report.missing_counts["awardingBody"] == sum("awardingBody" in m for m in excluded.values())
    report.write(tmp_path / "r.tsv")
    with open(tmp_path / "r.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == len(report.excluded) and rows[0].keys() == {
        "certification",
        "code",
        "intitule",
        "champs_manquants",
    }
    report.write(tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text())["missing_counts"] == report.missing_counts


def test_elm_jsonld_is_written_with_the_europass_context(export_store: Store, shared_data: Path) -> None:
    ttl, _ = export_elm(export_store, "turtle")
    data, _ = export_elm(export_store, "jsonld")
    doc = json.loads(data)
    official = json.loads((shared_data / "elm" / "edc-ap-context.jsonld").read_text())["@context"]
    for term, definition in doc["@context"].items():
        assert official[term] == definition, term  # the Europass definitions, unchanged
    q = next(n for n in doc["@graph"] if n["@id"] == CERT + "RNCP99901")
    assert q["@type"] == "Qualification" and q["title"] == {"fr": "Technicien d'essai en maintenance"}
    assert q["thematicArea"] == "http://data.europa.eu/snb/isced-f/0714" and q["eqfLevel"]
    a = rdflib.Graph().parse(data=ttl, format="turtle")
    b = rdflib.Graph().parse(data=data, format="json-ld")
    assert same_triples(a, b)
    # compacted with the full Europass context, the same triples
    doc["@context"] = official
    c = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    assert same_triples(a, c)


def test_cli_elm_writes_report(export_store_path: Path, tmp_path: Path) -> None:
    out, rep = tmp_path / "qdr.jsonld", tmp_path / "report.json"
    args = ["--store", str(export_store_path), "export", "--profile", "elm", "--format", "jsonld"]
    res = CliRunner().invoke(main, [*args, "-o", str(out), "--report", str(rep)])
    assert res.exit_code == 0, res.output
    assert CERT + "RNCP99901" in json.loads(rep.read_text())["exported"]
    assert "certifications exportées" in res.output and "exclues" in res.output
    assert len(rdflib.Graph().parse(out, format="json-ld")) > 20


# ---------------------------------------------------------------- NSF -> ISCED-F


def test_nsf_table_lookup() -> None:
    fields = isced_fields()
    assert set(nsf_table().values()) <= set(fields)  # every field the table names has its names
    assert isced_for_nsf("326t").field.code == "0613"  # a field: its own row
    assert isced_for_nsf("326x").row == "326"  # an unknown field: its specialty group
    assert isced_for_nsf("221w").field.code == "0416"
    assert isced_for_nsf("42") is None  # a sub-domain the table does not map: no field, no guess
    assert dict(fields["0613"].names)["en"] == "Software and applications development and analysis"


def test_nsf_table_agrees_with_the_official_bcn_assignments(shared_data: Path) -> None:
    """The DEPP assigns an ISCED-F field to each BCN diploma beside its NSF group and letter: the
    curated table gives the same broad field for most of them (91 % on the shared BCN file)."""
    with open(shared_data / "bcn" / "N_FORMATION_DIPLOME.csv", encoding="latin-1") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    same = total = 0
    for r in rows:
        cite, group = r["CITE_DOMAINE_DETAILLE"], r["GROUPE_SPECIALITE"]
        if not group or not cite or cite == "9999":
            continue
        match = isced_for_nsf(group + r["LETTRE_SPECIALITE"].lower())
        total += 1
        same += bool(match) and match.field.code[:2] == cite[:2]
    assert total > 1000 and same / total >= 0.85


# ---------------------------------------------------------------- registries


@pytest.mark.slow
def test_elm_export_of_the_registries_conforms(full_store: Store, loq_shapes: rdflib.Graph) -> None:
    """Every certification of the imported registries is exported (and valid) or reported."""
    buf = io.BytesIO()
    _, report = export_elm(full_store, "turtle", buf)
    primaries = {g[0] for g in certification_groups(full_store)}
    assert set(report.exported) | {e.iri for e in report.excluded} == primaries
    assert CERT + "RNCP35340" in report.exported  # the BTS SIO of the XML extract: NSF 326
    assert all(e.missing for e in report.excluded)
    g = rdflib.Graph().parse(data=buf.getvalue(), format="turtle")
    assert violations(g, loq_shapes) == []


@pytest.fixture(scope="session")
def national_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Store]:
    """The ontology, the code lists and the national slice of the RNCP (no inference: the
    export reads the imported facts)."""
    path = tmp_path_factory.mktemp("national") / "store"
    with store_writer(path, fresh=True) as s:
        s.load(ROOT / "ontology" / "cqpi.ttl", "turtle", Graphs.ONTOLOGY)
        s.load(ROOT / "ontology" / "codelists.ttl", "turtle", Graphs.CODELISTS)
    with store_writer(path) as s:
        import_rncp(s, [shared_data / CSV_2021])
    store = open_store(path)
    yield store
    store.close()


@pytest.mark.slow
def test_elm_national_slice(
    national_store: Store, loq_shapes: rdflib.Graph, elm_ontology: rdflib.Graph
) -> None:
    """At least 90 % of the active fiches that have blocs and a certifier export; a spread
    sample of the export conforms to the LOQ shapes in both setups."""
    rows = national_store.select(
        "SELECT DISTINCT ?c WHERE { ?c cq:active true ; cq:hasBloc ?b ; cq:certifier ?o }"
    )
    candidates = [r["c"].value for r in rows]  # the export counts them again, by the catalog's status
    _, report = export_elm(national_store, "turtle", io.BytesIO(), iris=candidates)
    base, done = report.counts["fiches actives avec blocs et certificateur"], report.counts["dont exportées"]
    assert base == len(candidates) > 2000 and done / base >= 0.9
    sample = report.exported[:: max(1, len(report.exported) // 150)]
    data, _ = export_elm(national_store, "turtle", iris=sample)
    g = rdflib.Graph().parse(data=data, format="turtle")
    assert len(set(g.subjects(RDF.type, ELM.Qualification))) == len(sample)
    assert violations(g, loq_shapes) == []
    assert unexplained(g, loq_shapes, elm_ontology) == []
    assert any("table de correspondance NSF" in n for n in report.notes)
