"""RNCP XML flow v4.1: official names and order, and the round trip through `cqpi import rncp`.

XML → graph → XML → graph gives the same triples (provenance aside) for the shared XML extract,
and CSV → graph → XML → graph for the 2024 sample and for 100 fiches of the national slice; every
element path of the extract's fiches comes back; what the CSV export lacks is not invented.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from cqpi_graph.errors import NotFoundError
from cqpi_graph.export import ExportReport, export_rncp_xml
from cqpi_graph.importers import import_rncp
from cqpi_graph.namespaces import Graphs
from cqpi_graph.store import Store, open_store, store_writer

ROOT = Path(__file__).resolve().parent.parent
RNCP_XML = "rncp/export-fiches-rncp-v4-1-extract.xml"
CSV_2024 = "rncp/export-fiches-csv-2024-02-22.zip"
CSV_2021 = "rncp/export-fiches-csv-2021-02-01-reconstructed.zip"
GRAPH = Graphs.imported("rncp")
# Where a statement was read (export, file, row, field) differs by construction.
PROVENANCE = ("prov#wasDerivedFrom>", "def#sourceFile>", "def#sourceRow>", "def#sourceField>")
# Elements the export writes that the extract does not show: fields of the CSV export (and of
# the full flow) the importer reads, written where the flow puts its neighbours.
EXTRA_TAGS = {"PARTENAIRES", "CCNS", "DATE_DECISION", "DATE_DERNIER_JO", "VALIDATION_PARTIELLE"}


def import_only(path: Path, files: list[Path]) -> Store:
    """A store holding the code lists and the RNCP import of `files` (no inference: fast)."""
    with store_writer(path, fresh=True) as s:
        s.load(ROOT / "ontology" / "codelists.ttl", "turtle", Graphs.CODELISTS)
    with store_writer(path) as s:
        import_rncp(s, files)
    return open_store(path)


def rncp_triples(store: Store) -> set[str]:
    data = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    return {t for t in data.decode().splitlines() if not any(p in t for p in PROVENANCE)}


def element_paths(root: ET.Element) -> dict[str, set[str]]:
    out = {}
    for f in root.iter("FICHE"):
        paths: set[str] = set()

        def walk(el: ET.Element, prefix: str, paths: set[str] = paths) -> None:
            for c in el:
                paths.add(f"{prefix}/{c.tag}")
                walk(c, f"{prefix}/{c.tag}")

        walk(f, "")
        out[f.findtext("NUMERO_FICHE") or ""] = paths
    return out


def round_trip(tmp: Path, source: Path, codes: list[str] | None = None) -> tuple[set, set, bytes, bytes]:
    """source → graph a → XML 1 → graph b → XML 2: the triples of a and b, and the two XML."""
    with import_only(tmp / "a", [source]) as a:
        export_rncp_xml(a, codes, tmp / "x1.xml")
        before = rncp_triples(a)
    with import_only(tmp / "b", [tmp / "x1.xml"]) as b:
        export_rncp_xml(b, codes, tmp / "x2.xml")
        after = rncp_triples(b)
    return before, after, (tmp / "x1.xml").read_bytes(), (tmp / "x2.xml").read_bytes()


def sub_export(src: Path, codes: set[str], out: Path) -> None:
    """The CSV export restricted to some fiches: the same ten files, rows of other fiches left out."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            rows = csv.reader(io.StringIO(zin.read(info).decode("utf-8-sig"), newline=""), delimiter=";")
            header = next(rows)
            col = header.index("Numero_Fiche")
            buf = io.StringIO()
            w = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
            w.writerow(header)
            w.writerows(r for r in rows if r and r[col] in codes)
            zout.writestr(info, buf.getvalue().encode("utf-8"))


def spread_sample(src: Path, n: int) -> list[str]:
    """n fiche codes spread evenly over the export (code order)."""
    with zipfile.ZipFile(src) as z:
        name = next(i for i in z.namelist() if "Standard" in i)
        rows = csv.DictReader(io.StringIO(z.read(name).decode("utf-8-sig"), newline=""), delimiter=";")
        codes = sorted({r["Numero_Fiche"] for r in rows}, key=lambda c: (c[:2], int(re.sub(r"\D", "", c))))
    return codes[:: len(codes) // n][:n]


# ---------------------------------------------------------------- names and order


def test_rncp_xml_uses_the_official_names_and_order(export_store: Store, shared_data: Path) -> None:
    buf = io.BytesIO()
    assert export_rncp_xml(export_store, ["RNCP99901"], buf) == 1
    root = ET.fromstring(buf.getvalue())
    official = ET.parse(shared_data / RNCP_XML).getroot()
    assert root.tag == official.tag and root.findtext("VERSION_FLUX") == official.findtext("VERSION_FLUX")
    ours = [c.tag for c in root.find("FICHE")]
    ref = [c.tag for c in official.findall("FICHE")[0]]
    common = [t for t in ours if t in ref]
    assert common == [t for t in ref if t in common]  # same relative order
    assert set(ours) - set(ref) <= EXTRA_TAGS
    bloc = root.find("FICHE/BLOCS_COMPETENCES/BLOC_COMPETENCES")
    assert [c.tag for c in bloc] == ["CODE", "LIBELLE", "LISTE_COMPETENCES", "MODALITES_EVALUATION"]
    assert (
        root.findtext("FICHE/ANCIENNES_CERTIFICATIONS/ANCIENNE_CERTIFICATION/ID_FICHE_ANCIENNE_CERTIFICATION")
        == "RNCP99900"
    )
    assert root.findtext("FICHE/DATE_EFFET") == "01/09/2020"


def test_rncp_xml_unknown_code(export_store: Store) -> None:
    with pytest.raises(NotFoundError, match="RNCP1"):
        export_rncp_xml(export_store, ["RNCP1"], io.BytesIO())


# ---------------------------------------------------------------- round trips


def test_xml_extract_round_trip(shared_data: Path, tmp_path: Path) -> None:
    """Every element path of the extract's fiches comes back (79 of 79 for RNCP35340), the
    triples are the same, and the export of the re-import is the same file."""
    source = shared_data / RNCP_XML
    before, after, x1, x2 = round_trip(tmp_path, source)
    assert before and sorted(before - after) == [] and sorted(after - before) == []
    assert x1 == x2
    want, got = element_paths(ET.parse(source).getroot()), element_paths(ET.fromstring(x1))
    assert len(want["RNCP35340"]) == 79
    for code, paths in want.items():
        assert sorted(paths - got[code]) == [], code
    # access routes survive, with their jury, ROME labels as the fiche gives them
    routes = [t for t in after if "def#accessRoute>" in t and "RNCP35340>" in t]
    assert len(routes) == 6
    assert "<LIBELLE>Production et exploitation de systèmes d'information</LIBELLE>" in x1.decode()
    assert any("def#juryComposition>" in t for t in after)


def test_xml_keeps_what_each_fiche_says(shared_data: Path, tmp_path: Path) -> None:
    """Two fiches naming one ROME code differently each get their own label back; a closed route
    (ACTIF Non) stays closed; an element the importer does not read is reported."""
    text = (shared_data / RNCP_XML).read_text(encoding="utf-8")
    second = text.index("<NUMERO_FICHE>RNCP40792</NUMERO_FICHE>")
    head, tail = text[:second], text[second:]
    tail = tail.replace(
        "<LIBELLE>Administration de systèmes d'information</LIBELLE>",
        "<LIBELLE>Administration SI</LIBELLE>",
        1,
    )
    tail = re.sub(r"(<SI_JURY_CQ>\s*<ACTIF>)Oui", r"\1Non", tail, count=1)
    tail = tail.replace(
        "<ETAT_FICHE>", "<DUREE_ENREGISTREMENT>5</DUREE_ENREGISTREMENT>\n        <ETAT_FICHE>", 1
    )
    source = tmp_path / "changed.xml"
    source.write_text(head + tail, encoding="utf-8")
    with store_writer(tmp_path / "s", fresh=True) as s:
        s.load(ROOT / "ontology" / "codelists.ttl", "turtle", Graphs.CODELISTS)
    with store_writer(tmp_path / "s") as s:
        report = import_rncp(s, [source])
    assert any("DUREE_ENREGISTREMENT" in n and "non lu" in n for n in report.notes)
    with open_store(tmp_path / "s") as s:
        buf = io.BytesIO()
        export_rncp_xml(s, None, buf)
    root = ET.fromstring(buf.getvalue())
    labels = {
        f.findtext("NUMERO_FICHE"): {r.findtext("CODE"): r.findtext("LIBELLE") for r in f.iter("ROME")}
        for f in root.iter("FICHE")
    }
    assert labels["RNCP35340"]["M1801"] == "Administration de systèmes d'information"
    assert labels["RNCP40792"]["M1801"] == "Administration SI"
    assert labels["RNCP40792"]["M1805"] == "Études et développement informatique"
    fiche = next(f for f in root.iter("FICHE") if f.findtext("NUMERO_FICHE") == "RNCP40792")
    assert fiche.findtext("SI_JURY_CQ/ACTIF") == "Non" and fiche.findtext("SI_JURY_FI/ACTIF") == "Oui"
    before, after, _, _ = round_trip(tmp_path / "rt", source)
    assert before == after


def test_csv_sample_round_trip(shared_data: Path, tmp_path: Path) -> None:
    """The 2024 sample (RNCP and RS, partners, CCN, Formacode, successions) through the XML flow."""
    before, after, x1, x2 = round_trip(tmp_path, shared_data / CSV_2024)
    assert before and sorted(before - after) == [] and sorted(after - before) == []
    assert x1 == x2
    root = ET.fromstring(x1)
    rs = next(f for f in root.iter("FICHE") if f.findtext("NUMERO_FICHE") == "RS5000")
    assert rs.findtext("PARTENAIRES/PARTENAIRE/HABILITATION_PARTENAIRE") == "HABILITATION_ORGA_FORM"
    assert rs.findtext("EXISTENCE_PARTENAIRES") == "Oui"
    # the CSV lists only open routes: no route is said closed
    assert all(
        j.findtext("ACTIF") == "Oui" for f in root.iter("FICHE") for j in f if j.tag.startswith("SI_JURY_")
    )


@pytest.mark.slow
def test_national_fiches_round_trip(shared_data: Path, tmp_path: Path) -> None:
    """100 fiches spread over the national slice: CSV → graph → XML → graph, same triples; what
    the 2021 export lacks (ID_FICHE, dates, partners) is not invented."""
    src = shared_data / CSV_2021
    codes = spread_sample(src, 100)
    sample = tmp_path / "export-fiches-csv-2021-02-01-sample.zip"
    sub_export(src, set(codes), sample)
    report = ExportReport()
    with import_only(tmp_path / "a", [sample]) as a:
        assert export_rncp_xml(a, None, tmp_path / "x1.xml", report) == 100
        before = rncp_triples(a)
    with import_only(tmp_path / "b", [tmp_path / "x1.xml"]) as b:
        export_rncp_xml(b, None, tmp_path / "x2.xml")
        after = rncp_triples(b)
    assert sorted(before - after) == [] and sorted(after - before) == []
    assert (tmp_path / "x1.xml").read_bytes() == (tmp_path / "x2.xml").read_bytes()
    assert sum("def#accessRoute>" in t for t in after) > 100  # access routes survive
    assert sum("def#hasBloc>" in t for t in after) > 0
    root = ET.parse(tmp_path / "x1.xml").getroot()
    assert not list(root.iter("ID_FICHE")) and not list(root.iter("DATE_EFFET"))
    assert not list(root.iter("PARTENAIRES")) and not list(root.iter("EXISTENCE_PARTENAIRES"))
    assert any("100 fiche(s) sans <ID_FICHE>" in n for n in report.notes)
