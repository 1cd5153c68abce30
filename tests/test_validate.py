"""Validation of référentiels and of the stored graph (issue 4)."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import SH
from referentiel_cases import CASES, ID, ROOT, csv_to_xlsx

from cqpi_graph.cli import main
from cqpi_graph.validate import (
    convert_spreadsheet,
    shacl_engine,
    sparql_engine,
    validate_referentiel,
    validate_store,
    write_template,
)
from cqpi_graph.validate.naming import store_triples  # noqa: F401 - imported for API stability


def hit_key(h: sparql_engine.Hit) -> tuple:
    path = str(h.path) if isinstance(h.path, rdflib.URIRef) else None
    return (h.rule, str(h.focus), h.value.n3() if h.value is not None else None, path, h.severity)


# ---------------------------------------------------------------- the curated graph


def test_curated_cei_referentiel_conforms_as_new_referentiel(curated_store):
    cei = ROOT / "data" / "cqpi-referentiel-cei.ttl"
    for engine in ("sparql", "shacl"):
        alone = validate_referentiel(cei, engine=engine)
        assert alone.conforms and not alone.results, alone.render("text")
    with_store = validate_referentiel(cei, against_store=curated_store)
    assert with_store.conforms, with_store.render("text")
    assert with_store.counts()["Violation"] == 0


def test_validate_store_curated_exits_0_with_warnings_by_rule(curated_store_path):
    result = CliRunner().invoke(main, ["--store", str(curated_store_path), "validate", "--store"])
    assert result.exit_code == 0, result.output
    assert "conforme" in result.output and "Par règle" in result.output
    assert "avertissement" in result.output


def test_validate_store_full_exits_0_with_warnings_by_rule(full_store_path):
    result = CliRunner().invoke(main, ["--store", str(full_store_path), "validate", "--store"])
    assert result.exit_code == 0, result.output
    assert "Par règle" in result.output


def test_store_level_downgrades_completeness_to_warnings(curated_store):
    report = validate_store(curated_store)
    assert report.conforms
    by_rule = {g["name"]: g for g in report.by_rule()}
    # seed CQPI whose référentiel was never published: reported, as warnings
    assert by_rule["CertificationBloc"]["severity"] == "Warning"
    assert by_rule["CQPReferentiel"]["count"] >= 1
    assert all(r.severity == "Warning" for r in report.results)


# ---------------------------------------------------------------- the two engines


def _store_graph(raw) -> rdflib.Graph:
    g = rdflib.Graph()
    for s, p, o in store_triples(raw)(None, None, None):
        g.add((s, p, o))
    return g


def test_engines_agree_on_curated_graph(curated_store):
    raw = curated_store.snapshot()
    sparql_hits = {hit_key(h) for h in sparql_engine.run(raw, "store")}
    shacl_hits = {hit_key(h) for h in shacl_engine.run(_store_graph(raw), "store")[0]}
    assert sparql_hits == shacl_hits
    assert sparql_hits  # the curated graph has warnings: the comparison is not vacuous


def test_engines_agree_on_full_store_sample(full_store):
    """pyshacl cannot check the national graph in time; both engines run on a sample of it."""
    raw = full_store.snapshot()
    rng = random.Random(4)
    rows = full_store.select(
        "SELECT DISTINCT ?s WHERE { VALUES ?c { cq:Certification cq:BlocDeCompetences cq:Reconnaissance "
        "cq:MetierROME } ?s a ?c }"
    )
    subjects = [r["s"].value for r in rows if r["s"].kind == "uri"]
    chosen = rng.sample(subjects, min(400, len(subjects)))
    sample = rdflib.Graph()
    sample += shacl_engine.vocabulary()
    triples = store_triples(raw)
    frontier = {rdflib.URIRef(s) for s in chosen}
    for _ in range(2):
        nxt = set()
        for s in frontier:
            for t in triples(s, None, None):
                sample.add(t)
                if isinstance(t[2], rdflib.URIRef | rdflib.BNode):
                    nxt.add(t[2])
        frontier = nxt
    sparql_hits = {hit_key(h) for h in sparql_engine.run(sparql_engine.memory_store(sample), "store")}
    shacl_hits = {hit_key(h) for h in shacl_engine.run(sample, "store")[0]}
    assert sparql_hits == shacl_hits


def test_valid_referentiels_conform_in_every_format(tmp_path):
    """The complete référentiel, with its RNCP code or with provisional codes (PROV-OCD)."""
    for path in (
        CASES / "valid.ttl",
        CASES / "valid.csv",
        csv_to_xlsx(CASES / "valid.csv", tmp_path / "v.xlsx"),
        CASES / "valid-provisoire.ttl",
        CASES / "valid-provisoire.csv",
        csv_to_xlsx(CASES / "valid-provisoire.csv", tmp_path / "p.xlsx"),
    ):
        for engine in ("sparql", "shacl"):
            report = validate_referentiel(path, engine=engine)
            assert report.conforms and not report.results, (path, engine, report.render("text"))


def test_cli_exit_codes_and_cell(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(CASES / "valid.ttl")])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(main, ["validate", str(CASES / "02-capacite-sans-condition.csv")])
    assert bad.exit_code == 1
    assert "« Régler et mettre en production »" in bad.output
    assert "ligne 25, colonne F" in bad.output
    en = runner.invoke(main, ["validate", "--lang", "en", str(CASES / "02-capacite-sans-condition.ttl")])
    assert en.exit_code == 1 and "has no performance conditions" in en.output


def test_against_store_resolves_existing_certifications(curated_store_path, tmp_path):
    extra = tmp_path / "reco.ttl"
    extra.write_text(
        (CASES / "valid.ttl").read_text(encoding="utf-8")
        + "\n<https://w3id.org/cqpi/id/reco/OCD-CEI> a cq:EquivalenceTotale ;\n"
        '    rdfs:label "Équivalence OCD vers CEI"@fr ;\n'
        "    cq:fromCertification cqpi:OCD ; cq:toCertification cqpi:CEI .\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    alone = runner.invoke(main, ["validate", str(extra)])
    assert alone.exit_code == 1 and "La reconnaissance vise une certification existante" in alone.output
    joined = runner.invoke(
        main, ["--store", str(curated_store_path), "validate", "--against-store", str(extra)]
    )
    assert joined.exit_code == 0, joined.output
    # The curated store holds no registry: the codes are unknown there, not invalid.
    assert "information" in joined.output and "n'a pas pu être vérifié" in joined.output


# ---------------------------------------------------------------- template round trip


FILL = {
    "Intitulé": "Opérateur de conditionnement",
    "Sigle": "OCD",
    "Type": "CQPI",
    "Niveau": 3,
    "Code RNCP": "RNCP99901",
    "Délivré par": "CPNE des branches adhérentes",
    "Nature de l'instance qui délivre": "CPNE",
    "Branches": "Chimie\nPlasturgie",
    "Métiers ROME": "H3301",
    "Description des activités": "Conduite d'une ligne de conditionnement.",
}
ROWS = [
    [
        "RNCP99901BC01",
        "Préparer la production",
        "Préparation",
        "Préparer la ligne",
        "Matières vérifiées.",
        "Instructions disponibles.",
        "livret d'activité; entretien",
    ],
    [
        "",
        "",
        "Conduite",
        "Régler la ligne",
        "Réglages ajustés.\nLigne dans l'état requis.",
        "Dossier machine disponible.",
        "OBS",
    ],
]


def test_template_round_trip_xlsx(tmp_path):
    from openpyxl import load_workbook

    path = write_template(tmp_path / "modele.xlsx", "xlsx")
    wb = load_workbook(path)
    assert "Instructions" in wb.sheetnames
    ws = wb["Certification"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in FILL:
            row[1].value = FILL[row[0].value]
    for r in ROWS:
        wb["Compétences"].append(r)
    wb.save(path)
    graph = convert_spreadsheet(path)
    assert graph.cells
    report = validate_referentiel(graph)
    assert report.conforms and not report.results, report.render("text")
    turtle = CliRunner().invoke(main, ["convert", str(path)])
    assert turtle.exit_code == 0 and "cq:Capacite" in turtle.output


def test_template_round_trip_csv(tmp_path):
    path = write_template(tmp_path / "modele.csv", "csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        if row and row[0] in FILL:
            row[1] = str(FILL[row[0]])
    rows.extend(ROWS)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    report = validate_referentiel(path)
    assert report.conforms and not report.results, report.render("text")


def test_cli_template_and_convert(tmp_path):
    runner = CliRunner()
    out = tmp_path / "t.xlsx"
    assert runner.invoke(main, ["template", "--format", "xlsx", "-o", str(out)]).exit_code == 0
    assert out.stat().st_size > 0
    ttl = tmp_path / "v.ttl"
    res = runner.invoke(main, ["convert", str(CASES / "valid.csv"), "-o", str(ttl)])
    assert res.exit_code == 0, res.output
    assert validate_referentiel(ttl).conforms


# ---------------------------------------------------------------- report formats


def test_report_formats():
    report = validate_referentiel(CASES / "04-cqpi-non-paritaire.ttl")
    text = report.render("text")
    assert text.splitlines()[1].startswith("non conforme : 1 violations")
    assert "_:" not in text and "_:" not in report.render("csv")
    data = json.loads(report.render("json"))
    assert data["conforms"] is False and data["counts"]["Violation"] == 1
    assert "<h3>" in report.render("html")
    g = rdflib.Graph().parse(data=report.render("turtle"), format="turtle")
    rep = next(g.subjects(rdflib.RDF.type, SH.ValidationReport))
    assert g.value(rep, SH.conforms).toPython() is False
    assert len(list(g.objects(rep, SH.result))) == 1
    rows = list(csv.reader(io.StringIO(report.render("csv"))))
    assert rows[0][:3] == ["gravité", "ressource", "propriété"] and len(rows) == 2


def test_blank_nodes_are_named_by_their_parent():
    g = rdflib.Graph().parse(CASES / "valid.ttl")
    cq = rdflib.Namespace("https://w3id.org/cqpi/def#")
    cap = rdflib.URIRef(ID + "competence/OCD-1")
    blank = rdflib.BNode()
    g.add((cap, cq.expectedResult, blank))
    g.add((blank, rdflib.RDF.type, cq.ResultatAttendu))
    report = validate_referentiel(g)
    assert [r.rule_name for r in report.results] == ["ExpectedResultText"]
    assert report.results[0].resource.startswith("Résultat attendu observable ou mesurable de Capacité")
    assert "_:" not in report.render("text") and "_:" not in report.render("csv")


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bad.ttl", b"@prefix cq: <https://w3id.org/cqpi/def#> .\ncq:a cq:b ;; .\n", ["Turtle", "ligne 2"]),
        ("bad.nt", b"<a> <b> .\n", ["N-Triples", "ligne 1"]),
        ("bad.jsonld", b'{"@id": 3}', ["JSON-LD"]),
        ("bad.rdf", b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><x", ["RDF/XML"]),
        ("bad.xlsx", b"not a zip file", ["XLSX"]),
        ("bad.csv", b"\xff\xfe\x00garbage", ["CSV", "UTF-8"]),
        ("bad.pdf", b"%PDF", ["extension", "Turtle"]),
    ],
)
def test_unreadable_input_exits_2_naming_format_and_place(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    for word in expected:
        assert word in result.output


def test_missing_column_is_named_and_the_rest_read(tmp_path):
    text = (
        (CASES / "valid.csv")
        .read_text(encoding="utf-8")
        .replace(",Conditions de réalisation,", ",Conditions,")
    )
    path = tmp_path / "col.csv"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "Conditions de réalisation" in result.output and "manque" in result.output
    assert "non conforme : 1 violations" in result.output  # the other columns were read and checked


def test_off_list_cell_is_kept_and_named(tmp_path):
    text = (
        (CASES / "valid.csv")
        .read_text(encoding="utf-8")
        .replace("observation en situation de travail\n", "télépathie\n", 1)
    )
    path = tmp_path / "cell.csv"
    path.write_text(text, encoding="utf-8")
    converted = CliRunner().invoke(main, ["convert", str(path)])
    assert converted.exit_code == 0 and '"télépathie"' in converted.output  # nothing is lost
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "télépathie" in result.output and "ligne 25, colonne G" in result.output
    assert "Livret d'activité" in result.output  # the values expected


# ---------------------------------------------------------------- whole-graph results, lazily named


def _eager_store_results(raw, lang: str) -> list[dict]:
    """The whole-graph results as the eager implementation gave them (before lazy naming).

    Each rule is run as first compiled (sh:minCount 1 and sh:class with FILTER NOT EXISTS, not
    MINUS), every hit converted to rdflib terms and named at once by the rdflib-backed Namer.
    """
    from dataclasses import asdict

    from cqpi_graph.validate.api import to_results
    from cqpi_graph.validate.naming import Namer
    from cqpi_graph.validate.sparql_engine import Hit, to_rdflib

    hits = []
    for cq in sparql_engine.compile_shapes("store"):
        query = cq.query.replace(" MINUS { ", " FILTER NOT EXISTS { ")
        for sol in raw.query(query, use_default_graph_as_union=True):
            focus, value, path = sol["this"], sol["value"] if cq.binds_value else None, cq.path
            path_text = cq.path_text
            if cq.component.endswith("SPARQLConstraintComponent"):
                path = to_rdflib(sol["path"]) if sol["path"] is not None else None
                path_text = f"<{path}>" if path is not None else None
                value = focus if value is None else value
            value = to_rdflib(value) if value is not None else None
            hits.append(
                Hit(cq.rule, cq.severity, to_rdflib(focus), path, value, cq.component, cq.shape, path_text)
            )
    namer = Namer(store_triples(raw), shacl_engine.vocabulary(), lang)
    return [asdict(r) for r in to_results(hits, namer, "store", lang)]


@pytest.mark.parametrize("which", ["curated", "full"])
def test_validate_store_lazy_results_equal_eager_ones(which, request):
    """Same rules, focus nodes, paths, values, severities, names and messages, in the same order."""
    from dataclasses import asdict

    store = request.getfixturevalue(f"{which}_store")
    for lang in ("fr", "en") if which == "curated" else ("fr",):
        expected = _eager_store_results(store.snapshot(), lang)
        report = validate_store(store, lang=lang)
        # the shapes' results (the catalog's and the paths' checks come after them)
        results = [r for r in report.results if not r.component.endswith("#CatalogCheck")]
        keys = [(r.rule, r.focus, r.property, r.value_term, r.severity) for r in results]
        fields = ("rule", "focus", "property", "value_term", "severity")
        assert keys == [tuple(r[f] for f in fields) for r in expected]
        assert [asdict(r) for r in results] == expected
        assert len(expected) > (50 if which == "curated" else 10_000)


def test_validate_store_text_report_names_only_examples(curated_store):
    report = validate_store(curated_store)
    text = report.render("text")
    named = sum(r._resource is not None for r in report.results)
    assert named <= 3 * len(report.by_rule()) < len(report.results)
    # reading a field names the result; every format then sees the same values
    assert all(r.resource and r.message.startswith(r.resource) for r in report.results)
    assert report.render("text") == text
    assert json.loads(report.render("json"))["results"][0]["resource"] == report.results[0].resource
