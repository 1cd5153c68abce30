"""Exports: full dumps, ELM v3 / LOQ (official shapes), schema.org, RNCP XML v4.1, DCAT/VoID."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import RDF, SH, VOID

from cqpi_graph.cli import main
from cqpi_graph.errors import NotFoundError
from cqpi_graph.export import (
    dataset_description,
    export_dump,
    export_schemaorg,
    schemaorg_jsonld,
    union_triple_count,
)
from cqpi_graph.export.certs import certification_groups
from cqpi_graph.namespaces import DCT, Graphs
from cqpi_graph.store import Store, open_store

FIXTURE = Path(__file__).parent / "data" / "export_fixture.ttl"
CERT = "https://w3id.org/cqpi/id/cert/"
ELM = rdflib.Namespace("http://data.europa.eu/snb/model/elm/")
RNCP_XML = "rncp/export-fiches-rncp-v4-1-extract.xml"


def shacl_violations(data: rdflib.Graph, shapes: rdflib.Graph) -> list[str]:
    import pyshacl

    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=False)
    out = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        if results.value(r, SH.resultSeverity) == SH.Violation:
            out.append(
                f"{results.value(r, SH.focusNode)} {results.value(r, SH.resultPath)} "
                f"{results.value(r, SH.resultMessage)}"
            )
    assert conforms == (not out)
    return out


# ---------------------------------------------------------------- dumps


@pytest.mark.parametrize("fmt", ["nquads", "trig", "jsonld"])
def test_quad_dump_parses_back_to_every_quad(export_store: Store, fmt: str) -> None:
    buf = io.BytesIO()
    export_dump(export_store, fmt, output=buf)
    ds = rdflib.Dataset()
    ds.parse(data=buf.getvalue(), format={"nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt])
    quads = [q for q in ds.quads((None, None, None, None)) if q[3] is not None]
    assert len(quads) == export_store.count()
    graphs = {str(q[3]) for q in quads}
    assert graphs == set(export_store.graphs())  # named graphs kept


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "rdfxml"])
def test_triple_dump_parses_back_to_the_union(export_store: Store, fmt: str) -> None:
    buf = io.BytesIO()
    export_dump(export_store, fmt, output=buf)
    g = rdflib.Graph().parse(
        data=buf.getvalue(), format={"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml"}[fmt]
    )
    assert len(g) == union_triple_count(export_store)
    assert union_triple_count(export_store) <= export_store.count()


@pytest.mark.parametrize("fmt", ["turtle", "nquads"])
def test_dump_of_one_named_graph(export_store: Store, fmt: str) -> None:
    buf = io.BytesIO()
    export_dump(export_store, fmt, graph="curated", output=buf)
    if fmt == "turtle":
        g = rdflib.Graph().parse(data=buf.getvalue(), format="turtle")
        assert len(g) == export_store.count(Graphs.CURATED)
    else:
        ds = rdflib.Dataset().parse(data=buf.getvalue(), format="nquads")
        quads = list(ds.quads((None, None, None, None)))
        assert len(quads) == export_store.count(Graphs.CURATED)
        assert {str(q[3]) for q in quads} == {Graphs.CURATED}


def test_dump_unknown_graph_names_the_known_ones(export_store: Store) -> None:
    with pytest.raises(NotFoundError, match="curated"):
        export_dump(export_store, "nquads", graph="nope", output=io.BytesIO())


def test_cli_export_dump_to_file(export_store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.trig"
    args = ["--store", str(export_store_path), "export", "--format", "trig", "-o", str(out)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    ds = rdflib.Dataset().parse(out, format="trig")
    with open_store(export_store_path) as store:
        assert len([q for q in ds.quads((None, None, None, None)) if q[3] is not None]) == store.count()
    assert not list(tmp_path.glob(".*.part"))


# ---------------------------------------------------------------- schema.org


def test_schemaorg_credential_fields(export_store: Store) -> None:
    obj = schemaorg_jsonld(export_store, "https://w3id.org/cqpi/id/bcn/99999901")  # the BCN twin
    assert obj["@type"] == "EducationalOccupationalCredential"
    assert obj["@id"] == CERT + "RNCP99901"
    assert obj["name"] == "Technicien d'essai en maintenance"
    assert obj["educationalLevel"]["termCode"] == "4"
    assert obj["educationalLevel"]["sameAs"] == "http://data.europa.eu/snb/eqf/4"
    assert [c["name"] for c in obj["competencyRequired"]][0] == "Identifier l'origine d'un dysfonctionnement"
    assert obj["recognizedBy"][0]["identifier"] == {
        "@type": "PropertyValue",
        "propertyID": "SIRET",
        "value": "99900000000011",
    }
    assert obj["credentialCategory"]["@type"] == "DefinedTerm"
    assert {i["value"] for i in obj["identifier"]} == {"RNCP99901", "99999901"}
    # parses as JSON-LD (schema.org context given inline: no network in tests)
    doc = dict(obj, **{"@context": {"@vocab": "http://schema.org/"}})
    g = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    schema = rdflib.Namespace("http://schema.org/")
    assert (rdflib.URIRef(CERT + "RNCP99901"), RDF.type, schema.EducationalOccupationalCredential) in g
    assert len(list(g.objects(rdflib.URIRef(CERT + "RNCP99901"), schema.competencyRequired))) == 3


def test_schemaorg_unknown_iri(export_store: Store) -> None:
    with pytest.raises(NotFoundError):
        schemaorg_jsonld(export_store, CERT + "RNCP1")


def test_schemaorg_export_is_one_jsonld_document(export_store: Store) -> None:
    buf = io.BytesIO()
    n = export_schemaorg(export_store, buf)
    doc = json.loads(buf.getvalue())
    assert len(doc["@graph"]) == n == len(certification_groups(export_store))


# ---------------------------------------------------------------- DCAT / VoID


def test_void_counts_match_the_store(export_store: Store) -> None:
    data = dataset_description(export_store, "https://cqpi.example.org/", dumps=["downloads/cqpi-graph.nq"])
    g = rdflib.Graph().parse(data=data, format="turtle")
    ds = rdflib.URIRef("https://cqpi.example.org/.well-known/void#dataset")
    assert int(g.value(ds, VOID.triples)) == export_store.count()
    subsets = set(g.objects(ds, VOID.subset))
    assert {str(s) for s in subsets} == set(export_store.graphs())
    for s in subsets:
        assert int(g.value(s, VOID.triples)) == export_store.count(str(s))
    assert g.value(ds, VOID.sparqlEndpoint) == rdflib.URIRef("https://cqpi.example.org/sparql")
    assert g.value(ds, VOID.dataDump) == rdflib.URIRef("https://cqpi.example.org/downloads/cqpi-graph.nq")
    curated = rdflib.URIRef(Graphs.CURATED)
    sources = list(g.objects(curated, rdflib.URIRef(DCT + "source")))
    assert sources and all(g.value(s, rdflib.URIRef("https://w3id.org/cqpi/def#sha256")) for s in sources)
    assert g.value(curated, rdflib.URIRef(DCT + "license")) is not None
