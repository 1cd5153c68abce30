"""RNCP/RS import: counts against the files themselves, succession chains, blocs, provenance."""

from __future__ import annotations

import csv
import io
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from cqpi_graph.build import build
from cqpi_graph.importers import import_rncp
from cqpi_graph.importers.guard import ShrinkRefused, allow_shrink
from cqpi_graph.importers.rncp import GRAPH, split_competences
from cqpi_graph.store import Store, open_store, store_writer

ZIP = "rncp/export-fiches-csv-2024-02-22.zip"
XML = "rncp/export-fiches-rncp-v4-1-extract.xml"
CERT = "https://w3id.org/cqpi/id/cert/"


def csv_member(zip_path: Path, fragment: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(zip_path) as zf:
        info = next(
            i
            for i in zf.infolist()
            if fragment in i.filename.encode("cp437", "replace").decode("utf-8", "replace")
        )
        text = zf.read(info).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def values(store: Store, query: str) -> list[str]:
    return store.values(query)


def from_export(file_name: str) -> str:
    """A graph pattern: ?c comes from this export (the combined graph keeps each fiche's export)."""
    return f"""GRAPH <{GRAPH}> {{ ?c prov:wasDerivedFrom ?src ; a cq:Certification }}
        GRAPH <https://w3id.org/cqpi/graph/meta> {{ ?src cq:fileName "{file_name}" }}"""


def test_every_fiche_and_bloc_of_the_zip(full_store: Store, shared_data: Path) -> None:
    fiches = {r["Numero_Fiche"] for r in csv_member(shared_data / ZIP, "Standard")}
    blocs = {r["Bloc_Competences_Code"] for r in csv_member(shared_data / ZIP, "Blocs")}
    got = set(
        values(
            full_store,
            f"""SELECT ?code WHERE {{ {from_export(Path(ZIP).name)}
        GRAPH <{GRAPH}> {{ ?c a cq:Certification ; cq:rncpCode ?code }} }}""",
        )
    )
    assert got == fiches and len(fiches) == 9
    got_blocs = set(
        values(
            full_store,
            f"""SELECT ?code WHERE {{ {from_export(Path(ZIP).name)}
        GRAPH <{GRAPH}> {{ ?c cq:hasBloc ?b . ?b a cq:BlocDeCompetences ; cq:code ?code }} }}""",
        )
    )
    assert got_blocs == blocs and blocs


def test_every_fiche_and_bloc_of_the_xml(full_store: Store, shared_data: Path) -> None:
    root = ET.parse(shared_data / XML).getroot()
    fiches = {f.findtext("NUMERO_FICHE") for f in root.iter("FICHE")}
    blocs = {b.findtext("CODE") for b in root.iter("BLOC_COMPETENCES")}
    got = set(
        values(
            full_store,
            f"""SELECT ?code WHERE {{ {from_export(Path(XML).name)}
        GRAPH <{GRAPH}> {{ ?c a cq:Certification ; cq:rncpCode ?code }} }}""",
        )
    )
    assert got == fiches == {"RNCP35340", "RNCP40792"}
    got_blocs = set(
        values(
            full_store,
            f"""SELECT ?code WHERE {{ {from_export(Path(XML).name)}
        GRAPH <{GRAPH}> {{ ?c cq:hasBloc ?b . ?b cq:code ?code }} }}""",
        )
    )
    assert got_blocs == blocs and len(blocs) == 10


def test_succession_chain_in_order(full_store: Store) -> None:
    rows = full_store.select(f"""SELECT ?x (COUNT(DISTINCT ?mid) AS ?pos) WHERE {{
        <{CERT}RNCP1197> cq:replacedBy* ?mid . ?mid cq:replacedBy+ ?x .
        ?x cq:replacedBy* ?anchor . FILTER(?anchor = <{CERT}RNCP30271>) }}
        GROUP BY ?x ORDER BY ?pos""")
    chain = [r["x"].value.rsplit("/", 1)[1] for r in rows]
    assert chain == ["RNCP4049", "RNCP22094", "RNCP28155", "RNCP30271"]
    # and each step is a reified cq:Succession statement
    assert full_store.ask(f"""ASK {{ ?s a cq:Succession ; cq:fromCertification <{CERT}RNCP28155> ;
        cq:toCertification <{CERT}RNCP30271> }}""")


def test_cqp_moved_from_rncp_to_rs(full_store: Store) -> None:
    # a CQP registered in the RS is a CQP (typed by what it is, whichever répertoire registered it)
    assert full_store.ask(f"ASK {{ <{CERT}RNCP19468> cq:replacedBy <{CERT}RS6117> }}")
    assert full_store.ask(
        f'ASK {{ <{CERT}RS6117> a cq:CQP ; cq:branch ?b . ?b cq:idcc "3117" ; rdfs:label ?l }}'
    )
    # "REPRISE": no level, the wording is kept
    assert not full_store.ask(f"ASK {{ <{CERT}RNCP19468> cq:level ?l }}")
    assert full_store.ask(f"ASK {{ <{CERT}RNCP19468> cq:qualificationLevelName ?n }}")


def test_rncp35340_blocs_competences_and_successor(full_store: Store) -> None:
    rows = full_store.select(f"""SELECT ?code (COUNT(DISTINCT ?c) AS ?n) (SAMPLE(?eval) AS ?e) WHERE {{
        <{CERT}RNCP35340> cq:hasBloc ?b . ?b cq:code ?code ; cq:hasCompetence ?c ; cq:evaluationText ?eval .
        ?c a cq:Competence ; rdfs:label ?label }} GROUP BY ?code ORDER BY ?code""")
    assert [(r["code"].value, int(r["n"].value)) for r in rows] == [
        ("RNCP35340BC01", 6),
        ("RNCP35340BC02", 3),
        ("RNCP35340BC03", 5),
        ("RNCP35340BC04", 3),
        ("RNCP35340BC05", 5),
    ]
    assert "Gérer le patrimoine informatique" in values(
        full_store,
        """SELECT ?l WHERE {
        <https://w3id.org/cqpi/id/bloc/RNCP35340BC01> cq:hasCompetence/rdfs:label ?l }""",
    )
    assert full_store.ask(f"ASK {{ <{CERT}RNCP35340> cq:replacedBy <{CERT}RNCP40792> }}")
    assert full_store.ask(
        f"ASK {{ <{CERT}RNCP35340> a cq:BTS ; cq:level <https://w3id.org/cqpi/id/niveau/5> ; "
        f"cq:eqfLevel <http://data.europa.eu/snb/eqf/5> }}"
    )


def test_fiche_details(full_store: Store) -> None:
    s = f"<{CERT}RNCP509>"
    assert full_store.ask(f"""ASK {{ {s} a cq:CAP ; cq:certificationType <https://w3id.org/cqpi/id/type/CAP> ;
        cq:level <https://w3id.org/cqpi/id/niveau/3> ; cq:eqfLevel <http://data.europa.eu/snb/eqf/3> ;
        cq:active false ; cq:endDate "2023-08-31"^^xsd:date ;
        cq:certifier <https://w3id.org/cqpi/id/siret/11004301500012> ;
        cq:romeJob <https://w3id.org/cqpi/id/rome/I1203> ; cq:nsf ?nsf ; cq:formacode ?fc }}""")
    assert full_store.ask(
        """ASK { <https://w3id.org/cqpi/id/siret/11004301500012> cq:siret "11004301500012" }"""
    )
    routes = set(values(full_store, f"SELECT ?r WHERE {{ {s} cq:accessRoute ?r }}"))
    assert len(routes) == 6
    # the ROME job of the fiche is the ROME import's resource
    assert full_store.ask("ASK { <https://w3id.org/cqpi/id/rome/I1203> a cq:MetierROME ; skos:prefLabel ?l }")


def test_split_competences() -> None:
    items = split_competences(
        "    * Gérer le patrimoine            o Recenser les ressources      * Travailler en mode projet"
    )
    assert items == [
        ("Gérer le patrimoine", False),
        ("Recenser les ressources", True),
        ("Travailler en mode projet", False),
    ]


def test_provenance_and_reimport(tmp_path: Path, shared_data: Path) -> None:
    loc = tmp_path / "store"
    build(loc)
    with store_writer(loc) as store:
        first = import_rncp(store, shared_data / ZIP)
    assert (
        not first.skipped and first.warning_count == 2
    )  # RNCP38228, successor of RNCP509, is not in the export
    with open_store(loc) as store:
        meta = store.select(f"""SELECT ?f ?sha ?d WHERE {{ GRAPH <https://w3id.org/cqpi/graph/meta> {{
            <{GRAPH}> dct:source ?s . ?s cq:fileName ?f ; cq:sha256 ?sha ; cq:exportDate ?d }} }}""")
        before = store.count(GRAPH)
    assert meta[0]["f"].value == "export-fiches-csv-2024-02-22.zip"
    assert meta[0]["d"].value == "2024-02-22" and len(meta[0]["sha"].value) == 64
    with store_writer(loc) as store:
        again = import_rncp(store, shared_data / ZIP)
    assert again.skipped and "déjà importé" in again.summary()
    # a newer export (here: the same fiches without the Rome file) would shrink the graph: it is
    # refused, and replaces the graph only when the shrink is allowed (issue 16)
    newer = tmp_path / "export-fiches-csv-2024-03-01.zip"
    with zipfile.ZipFile(shared_data / ZIP) as src, zipfile.ZipFile(newer, "w") as dst:
        for info in src.infolist():
            if "_Rome_" not in info.filename:
                dst.writestr(info, src.read(info))
    with pytest.raises(ShrinkRefused, match="Rome"), store_writer(loc) as store:
        import_rncp(store, newer)
    with open_store(loc) as store:
        assert store.count(GRAPH) == before
    with allow_shrink(), store_writer(loc) as store:
        rep = import_rncp(store, newer)
    with open_store(loc) as store:
        assert store.count(GRAPH) < before
        assert not store.ask(f"ASK {{ GRAPH <{GRAPH}> {{ ?c cq:romeJob ?r }} }}")
        assert store.values(f"""SELECT ?d WHERE {{ GRAPH <https://w3id.org/cqpi/graph/meta> {{
            <{GRAPH}> dct:source/cq:exportDate ?d }} }}""") == ["2024-03-01"]
    assert "absent" in rep.summary()


def test_cli_import_rncp(tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from cqpi_graph.cli import main

    loc = tmp_path / "store"
    monkeypatch.setenv("CQPI_STORE", str(loc))
    build(loc)
    xml = tmp_path / "flux.dat"  # the kind is told from the content, not the name
    shutil.copy(shared_data / XML, xml)
    result = CliRunner().invoke(main, ["import", "rncp", str(xml)])
    assert result.exit_code == 0, result.output
    assert "lignes lues : 2" in result.output and "erreurs : 0" in result.output
    with open_store(loc) as store:
        assert store.ask(f"ASK {{ GRAPH <{GRAPH}> {{ <{CERT}RNCP40792> a cq:Certification }} }}")
        # inference ran after the import
        assert store.ask(
            f"ASK {{ GRAPH <https://w3id.org/cqpi/graph/inferred> {{ <{CERT}RNCP35340> cq:successor ?x }} }}"
        )


def _rewrite(src: Path, dst: Path, change) -> None:  # noqa: ANN001
    """A copy of an export zip whose CSV members pass through change(name, text) -> text."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            text = zin.read(info).decode("utf-8")
            zout.writestr(info, change(info.filename, text).encode("utf-8"))


def test_several_exports_combine_newest_first(tmp_path: Path, shared_data: Path) -> None:
    src = shared_data / ZIP
    old = tmp_path / "export-fiches-csv-2020-01-01.zip"
    _rewrite(
        src, old, lambda n, t: t.replace("Agent vérificateur d'appareils extincteurs", "ANCIEN INTITULE")
    )
    new = tmp_path / "export-fiches-csv-2024-02-22.zip"
    _rewrite(src, new, lambda n, t: "\n".join(line for line in t.split("\n") if "RS5000" not in line))
    loc = tmp_path / "store"
    build(loc, imports=[("rncp", old), ("rncp", new)])
    with open_store(loc) as store:
        titles = values(store, f"SELECT ?t WHERE {{ <{CERT}RNCP509> rdfs:label ?t }}")
        assert titles == ["Agent vérificateur d'appareils extincteurs"]  # from the newest export
        assert store.ask(f"ASK {{ <{CERT}RS5000> rdfs:label ?t }}")  # only in the older one: kept
        exports = values(
            store,
            f"""SELECT ?f WHERE {{ <{CERT}RS5000> prov:wasDerivedFrom ?s .
            GRAPH <https://w3id.org/cqpi/graph/meta> {{ ?s cq:fileName ?f }} }}""",
        )
        assert exports == [old.name]


@pytest.mark.slow
def test_national_slice(tmp_path: Path, shared_data: Path) -> None:
    """The 17,369 real fiches of 2021: every fiche and bloc, problems grouped by kind with a full list."""
    national = shared_data / "rncp/export-fiches-csv-2021-02-01-reconstructed.zip"
    loc = tmp_path / "store"
    report = build(loc, imports=[("rncp", national)]).imports[0]
    fiches = {r["Numero_Fiche"] for r in csv_member(national, "Standard")}
    assert len(fiches) == 17369
    with open_store(loc) as store:
        n = store.select(f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ {from_export(national.name)} }}")
        assert int(n[0]["n"].value) == len(fiches)
        blocs = int(
            store.select("SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b a cq:BlocDeCompetences }")[0][
                "n"
            ].value
        )
        assert blocs >= 16000
        # the doubled fiche code of a bloc is repaired
        assert store.ask("ASK { <https://w3id.org/cqpi/id/bloc/RNCP35035BC01> cq:blocOf ?c }")
        assert store.ask(f"ASK {{ <{CERT}RNCP35035> cq:partialValidation ?v }}") is False  # empty in 2021
    text = report.summary()
    assert "réparé" in text and "× avertissement" in text
    assert report.problems_file is not None and report.problems_file.is_file()
    listed = report.problems_file.read_text(encoding="utf-8").splitlines()
    assert len(listed) == 1 + report.warning_count + report.error_count
    assert len(report.groups) < 40  # a person can read them
