"""The validation page with the options of issue 15: a user's shapes, the check against the graph."""

from __future__ import annotations

import io
import re

import pytest
from referentiel_cases import CASES
from webdata import web_app

PROFILE = b"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cq: <https://w3id.org/cqpi/def#> .
@prefix ex: <https://example.org/branche#> .
ex:ShortTitle a sh:NodeShape ;
    sh:name "Intitul\xc3\xa9 court"@fr ;
    sh:targetClass cq:CQPI ;
    sh:sparql [ sh:message "l'intitul\xc3\xa9 d\xc3\xa9passe 20 caract\xc3\xa8res"@fr ;
        sh:select \"\"\"SELECT $this ?value WHERE {
            $this <http://www.w3.org/2000/01/rdf-schema#label> ?value .
            FILTER (STRLEN(?value) > 20) }\"\"\" ] .
"""
RECO = (
    b"\n<https://w3id.org/cqpi/id/reco/OCD-CEI> a cq:EquivalenceTotale ;\n"
    b'    rdfs:label "Equivalence OCD vers CEI"@fr ;\n'
    b"    cq:fromCertification cqpi:OCD ; cq:toCertification cqpi:CEI .\n"
)


@pytest.fixture(scope="module")
def client(curated_store_path):  # noqa: ANN001, ANN201
    with web_app(curated_store_path) as app:
        yield app.test_client()


def post(client, files: dict, **form: str):  # noqa: ANN001, ANN201
    data = {k: (io.BytesIO(v), name) for k, (name, v) in files.items()} | form
    return client.post("/validate", data=data, content_type="multipart/form-data")


def table(body: str) -> str:
    m = re.search(r'<table class="report">.*?</table>', body, re.S)
    return m.group(0) if m else ""


def test_the_form_offers_shapes_and_the_check_against_the_graph(client) -> None:  # noqa: ANN001
    body = client.get("/validate").get_data(as_text=True)
    assert 'name="shapes"' in body and 'name="against_store"' in body


def test_a_reference_to_the_graph_resolves_when_asked(client) -> None:  # noqa: ANN001
    ttl = (CASES / "valid.ttl").read_bytes() + RECO
    alone = post(client, {"file": ("ref.ttl", ttl)}).get_data(as_text=True)
    assert "non conforme" in alone and "La reconnaissance vise une certification existante" in alone
    joined = post(client, {"file": ("ref.ttl", ttl)}, against_store="1").get_data(as_text=True)
    assert "non conforme" not in joined and "conforme" in joined
    # the graph holds no registry whole: its codes are not verified, which the page says
    assert "ne contient pas en entier" in joined


def test_a_users_shapes_are_checked_and_the_engine_named(client) -> None:  # noqa: ANN001
    r = post(
        client, {"file": ("ref.ttl", (CASES / "valid.ttl").read_bytes()), "shapes": ("profil.ttl", PROFILE)}
    )
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "vérifiées par pyshacl" in body and "Intitulé court" in body
    assert "l&#39;intitulé dépasse 20 caractères" in body or "l'intitulé dépasse 20 caractères" in body


def test_the_report_table_speaks_to_people(client) -> None:  # noqa: ANN001
    r = post(client, {"file": ("ref.csv", (CASES / "02-capacite-sans-condition.csv").read_bytes())})
    rows = table(r.get_data(as_text=True))
    assert "La capacité a ses conditions de réalisation" in rows and "ligne 25, colonne F" in rows
    assert "CapaciteCondition" not in rows and "w3id.org" not in rows and "cq:" not in rows


def test_a_shapes_file_is_type_checked(client) -> None:  # noqa: ANN001
    ttl = (CASES / "valid.ttl").read_bytes()
    assert post(client, {"file": ("ref.ttl", ttl), "shapes": ("profil.exe", b"MZ")}).status_code == 415
    bad = post(client, {"file": ("ref.ttl", ttl), "shapes": ("profil.ttl", b"@prefix x <y> .")})
    assert bad.status_code == 400 and "Traceback" not in bad.get_data(as_text=True)
