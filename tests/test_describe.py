"""The certification page as a library (cqpi_graph.describe), the neighbourhood graph
(cqpi_graph.neighbourhood) and what a person types, resolved by the catalog (Catalog.resolve,
resolve_list): on the web fixture store and on the repository's curated data (CEI, the arrêté's
branches)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from webdata import ID, build_web_store

from cqpi_graph.catalog import load_catalog
from cqpi_graph.describe import describe
from cqpi_graph.errors import NotFoundError
from cqpi_graph.neighbourhood import BASIS, neighbourhood
from cqpi_graph.store import Store, open_store

TWEB = ID + "cqpi/TWEB"
TWEBM = ID + "cqpm/TWEBM"
CEI = ID + "cqpi/CEI"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = build_web_store(tmp_path_factory.mktemp("describe") / "store")
    s = open_store(path)
    yield s
    s.close()


def test_a_certification_described_in_typed_records(store: Store) -> None:
    d = describe(store, TWEB, "fr")
    assert d.is_cert and d.certification is not None and d.certification.kind == "CQPI"
    assert d.label == "Conducteur de tests web" and "TWEB" in d.codes
    assert [b.code for b in d.blocs] == ["TWEBBC01", "TWEBBC02"]
    assert {r.label for r in d.branches} == {"Branche test de la chaussure", "Branche test de la plasturgie"}
    caps = {c.ref.label: c for c in d.capacities}
    assert [v.label for v in caps["Vérifier les approvisionnements"].results] == [
        "Les matières sont conformes au dossier de fabrication"
    ]
    # the recognition towards it, declared, with what it grants
    assert [r.types[0].label for r in d.recognitions_in] == ["Dispense"]
    assert d.recognitions_in[0].origin[0].iri == TWEBM
    # every statement keeps its named graph
    assert all(s.graph for s in d.statements) and any(s.graph_short == "test/web" for s in d.statements)
    # one language per description: the English label in English
    assert describe(store, TWEB, "en").label == "Web test operator"


def test_description_to_dict_is_plain_json(store: Store) -> None:
    import json

    data = describe(store, TWEB).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["certification"]["codes"] == ["TWEB"] and data["blocs"][0]["code"] == "TWEBBC01"
    assert data["recognitions_in"][0]["origin"][0]["iri"] == TWEBM
    assert data["statements"][0]["graph"].startswith("https://w3id.org/cqpi/graph/")


def test_other_resources_list_the_certifications_pointing_at_them(store: Store) -> None:
    d = describe(store, ID + "branche/test-plasturgie")
    assert not d.is_cert and TWEB in {r.iri for r in d.related_certs}
    with pytest.raises(NotFoundError):
        describe(store, ID + "cqpi/NOPE")


def test_neighbourhood_keeps_declared_computed_and_history_apart(store: Store) -> None:
    n = neighbourhood(store, TWEB, "fr")
    kinds = {node.iri: node.kind for node in n.nodes.values()}
    assert kinds[TWEB] == "subject" and kinds[ID + "bloc/TWEBBC01"] == "bloc"
    assert kinds[TWEBM] == "certification" and kinds[ID + "branche/test-chaussure"] == "branch"
    recognition = next(e for e in n.edges if e.source == TWEBM)
    assert recognition.target == TWEB and recognition.basis == "declared" and recognition.detail == "Dispense"
    assert {e.basis for e in n.edges} <= set(BASIS.values())
    old = neighbourhood(store, ID + "cert/RNCP99902", "en")
    history = [e for e in old.edges if e.relation in ("replaces", "replaced_by")]
    assert history and all(e.basis == "history" and "history" in e.words for e in history)
    data = n.to_dict(href=lambda iri: "/x")
    assert data["nodes"][0]["href"] == "/x" and data["relations"]["computed_similar"]["basis"] == "computed"


def test_what_a_person_types_resolves_through_the_catalog(store: Store) -> None:
    cat = load_catalog(store)
    assert cat.resolve("TWEB").iri == TWEB
    # the label as typed, with or without accents, case folded
    assert cat.resolve("conducteur de tests web").iri == TWEB
    assert cat.resolve("CQPM de test de conduite").iri == TWEBM
    # a suggestion as displayed: its code
    assert cat.resolve(cat.certification(TWEB).display()).iri == TWEB
    # several, separated by commas or spaces
    assert [c.iri for c in cat.resolve_list("TWEB, TWEBM")] == [TWEB, TWEBM]
    assert [c.iri for c in cat.resolve_list("TWEB TWEBM")] == [TWEB, TWEBM]
    with pytest.raises(NotFoundError) as exc:
        cat.resolve_list("TWEB, TWEBX")
    assert exc.value.query == "TWEBX" and not exc.value.ambiguous
    with pytest.raises(NotFoundError) as exc:
        cat.resolve("titre de test")  # « Ancien titre de test » and « Nouveau titre de test »
    assert exc.value.ambiguous and len(exc.value.suggestions) >= 2


def test_cqpi_of_the_curated_data(store: Store) -> None:
    """CEI: the arrêté's branches, its référentiel, the recognition whose target no source names."""
    d = describe(store, CEI, "fr")
    assert len(d.branches) >= 4 and d.capacities and d.recognitions_out
    n = neighbourhood(store, CEI, "fr")
    kinds = [node.kind for node in n.nodes.values()]
    assert kinds.count("branch") >= 4 and "recognition" in kinds
