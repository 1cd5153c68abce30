"""DCAT-AP 3.0.1: the dataset description (`cqpi export --profile void`, `/.well-known/void`)
against the official shapes of ../shared/conformance/dcat-ap, unmodified."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH

from cqpi_graph.cli import main
from cqpi_graph.export import dataset_description
from cqpi_graph.export.void import Publisher
from cqpi_graph.store import Store

BASE = "https://cqpi.example.org"
DUMPS = ["downloads/cqpi-graph.nq.gz", "downloads/cqpi-graph.trig.gz", "downloads/cqpi-graph.ttl.gz"]
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
MANDATORY = ("shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl")
# Recommended properties the data cannot give, each for a stated reason (docs/EXPORT.md):
WITHOUT = {
    # a dump of graphs under several licences has no single licence (dct:rights says which)
    (DCAT.Distribution, DCTERMS.license),
    # the graph holds no geometry of France
    (DCTERMS.Location, DCAT.bbox),
    (DCTERMS.Location, DCAT.centroid),
    # the catalogue's first issue date is not recorded anywhere
    (DCAT.Catalog, DCTERMS.issued),
    # the publisher is not a body of the EU corporate-body table
    (DCAT.Catalog, DCTERMS.publisher),
    (DCAT.Dataset, DCTERMS.publisher),
    (DCAT.DataService, DCTERMS.publisher),
}


def dcat_shapes(shared: Path, *names: str) -> rdflib.Graph:
    g = rdflib.Graph()
    for name in names:
        g.parse(shared / "conformance" / "dcat-ap" / name, format="turtle")
    return g


def results(data: rdflib.Graph, shapes: rdflib.Graph) -> list[tuple]:
    """Top-level results (severity, focus node's classes, path), nested details left out."""
    import pyshacl

    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    out = []
    for r in report.objects(None, SH.result):
        focus = report.value(r, SH.focusNode)
        out.append(
            (
                report.value(r, SH.resultSeverity),
                frozenset(data.objects(focus, RDF.type)),
                report.value(r, SH.resultPath),
                focus,
            )
        )
    return out


@pytest.fixture(scope="module")
def shared(shared_data: Path) -> Path:
    return shared_data.parent


def description(store: Store, publisher: Publisher | None = None) -> rdflib.Graph:
    data = dataset_description(store, BASE, dumps=DUMPS, publisher=publisher or Publisher())
    return rdflib.Graph().parse(data=data, format="turtle")


def test_mandatory_dcat_ap_shapes_zero_violations(export_store: Store, shared: Path) -> None:
    g = description(export_store)
    found = [r for r in results(g, dcat_shapes(shared, *MANDATORY)) if r[0] == SH.Violation]
    assert found == []
    cat = rdflib.URIRef(f"{BASE}/.well-known/void#catalog")
    ds = rdflib.URIRef(f"{BASE}/.well-known/void#dataset")
    assert (cat, DCAT.dataset, ds) in g and g.value(cat, DCTERMS.publisher) is not None
    assert (g.value(rdflib.URIRef(f"{BASE}/.well-known/void#sparql-service"), DCTERMS.title)) is not None


def test_recommended_dcat_ap_shapes_as_far_as_the_data_allows(export_store: Store, shared: Path) -> None:
    publisher = Publisher("Exemple", "https://example.org/", "NonProfitOrganisation", "contact@example.org")
    g = description(export_store, publisher)
    shapes = dcat_shapes(shared, "shapes_recommended.ttl", "mdr-vocabularies.shape.ttl")
    found = results(g, shapes)
    assert [r for r in found if r[0] == SH.Violation] == []
    for _, classes, path, focus in found:  # every warning left: one the data cannot meet
        assert any((c, path) in WITHOUT for c in classes), (focus, path)
    # publisher, contact point, themes, formats of each distribution
    agent = g.value(rdflib.URIRef(f"{BASE}/.well-known/void#dataset"), DCTERMS.publisher)
    assert str(g.value(agent, FOAF.name)) == "Exemple"
    contact = g.value(rdflib.URIRef(f"{BASE}/.well-known/void#dataset"), DCAT.contactPoint)
    assert g.value(contact, VCARD.hasEmail) == rdflib.URIRef("mailto:contact@example.org")
    for dist in g.objects(rdflib.URIRef(f"{BASE}/.well-known/void#dataset"), DCAT.distribution):
        assert g.value(dist, DCTERMS.format) is not None, dist
    nq = rdflib.URIRef(f"{BASE}/.well-known/void#dump-0")
    assert str(g.value(nq, DCTERMS.format)).endswith("/file-type/RDF_N_QUADS")
    assert str(g.value(nq, DCAT.compressFormat)).endswith("/application/gzip")


def test_every_warning_left_is_one_the_data_cannot_meet(export_store: Store, shared: Path) -> None:
    """Without a configured publisher: the site itself publishes; what is left are the warnings
    of WITHOUT and the publisher's type (unknown)."""
    g = description(export_store)
    shapes = dcat_shapes(shared, "shapes_recommended.ttl", "mdr-vocabularies.shape.ttl")
    for sev, classes, path, focus in results(g, shapes):
        assert sev == SH.Warning
        assert any((c, path) in WITHOUT for c in classes) or (
            FOAF.Agent in classes and path == DCTERMS.type
        ), (
            focus,
            path,
        )


def test_cli_void_conforms(export_store_path: Path, shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "void.ttl"
    args = ["--store", str(export_store_path), "export", "--profile", "void", "--base-url", BASE]
    res = CliRunner().invoke(main, [*args, "--dump", DUMPS[0], "-o", str(out)])
    assert res.exit_code == 0, res.output
    g = rdflib.Graph().parse(out, format="turtle")
    assert [r for r in results(g, dcat_shapes(shared, *MANDATORY)) if r[0] == SH.Violation] == []
