"""Bad input: each kind of messy file is reported (file, row, field, expected) and nothing is lost."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cqpi_graph.build import build
from cqpi_graph.cli import main
from cqpi_graph.errors import InputError
from cqpi_graph.importers import import_bcn, import_kit, import_rncp
from cqpi_graph.importers.rncp import GRAPH as GRAPH_CSV
from cqpi_graph.store import open_store, store_writer

ZIP = "rncp/export-fiches-csv-2024-02-22.zip"
STANDARD_HEADER = (
    '"Id_Fiche";"Numero_Fiche";"Intitule";"Abrege_Libelle";"Abrege_Intitule";"Nomenclature_Europe_Niveau";'
    '"Nomenclature_Europe_Intitule";"Accessible_Nouvelle_Caledonie";"Accessible_Polynesie_Francaise";'
    '"Date_dernier_jo";"Date_Decision";"Date_Fin_Enregistrement";"Date_Effet";"Type_Enregistrement";'
    '"Validation_Partielle";"Actif"'
)
KIT_HEADER = (
    "Code Diplôme;Intitulé diplôme (DEPP);FicheRNCP;Niveau fiche RNCP;Abrégé de diplôme (RNCP);Dernière MaJ;"
    "Accès à l'apprentissage de la fiche RNCP (oui/non);Date d'échéance de la fiche RNCP;"
    "Fiche ACTIVE/INACTIVE"
)


@pytest.fixture
def loaded(tmp_path: Path, shared_data: Path) -> Path:
    """A store with the real RNCP zip imported: what must survive a failed import."""
    loc = tmp_path / "store"
    build(loc)
    with store_writer(loc) as store:
        import_rncp(store, shared_data / ZIP)
    return loc


def snapshot(loc: Path) -> tuple[int, int]:
    with open_store(loc) as store:
        return store.count(), store.count(GRAPH_CSV)


def make_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def standard(rows: list[str], header: str = STANDARD_HEADER, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


ROW = (
    '"1";"RNCP999";"Opérateur de contrôle";"CAP";"";"NIV3";"Niveau 3";"Non";"Non";;;'
    '"31/08/2030";"01/09/2020";"Enregistrement de droit";;"ACTIVE"'
)


def test_truncated_zip_stops_and_keeps_the_store(loaded: Path, tmp_path: Path, shared_data: Path) -> None:
    before = snapshot(loaded)
    data = (shared_data / ZIP).read_bytes()
    cut = tmp_path / "export-fiches-csv-2024-03-01.zip"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as exc, store_writer(loaded) as store:
        import_rncp(store, cut)
    assert "ZIP illisible" in str(exc.value) and cut.name in str(exc.value)
    assert snapshot(loaded) == before
    # through the command line: one clear line, exit code 2
    result = CliRunner().invoke(main, ["--store", str(loaded), "import", "rncp", str(cut)])
    assert result.exit_code == 2 and "ZIP illisible" in result.output
    assert snapshot(loaded) == before


def test_empty_files(loaded: Path, tmp_path: Path) -> None:
    before = snapshot(loaded)
    empty = tmp_path / "empty.zip"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="fichier vide"), store_writer(loaded) as store:
        import_rncp(store, empty)
    z = make_zip(
        tmp_path / "export-fiches-csv-2024-03-02.zip", {"export_fiches_CSV_Standard_2024_03_02.csv": b""}
    )
    with pytest.raises(InputError, match="fichier vide") as exc, store_writer(loaded) as store:
        import_rncp(store, z)
    assert exc.value.file == "export_fiches_CSV_Standard_2024_03_02.csv"
    kit = tmp_path / "kit.csv"
    kit.write_bytes(b"")
    with pytest.raises(InputError, match="fichier vide"), store_writer(loaded) as store:
        import_kit(store, kit)
    assert snapshot(loaded) == before


def test_missing_header_column_stops(loaded: Path, tmp_path: Path) -> None:
    before = snapshot(loaded)
    z = make_zip(
        tmp_path / "x.zip",
        {
            "export_fiches_CSV_Standard_2024_03_02.csv": standard(
                [ROW], header=STANDARD_HEADER.replace('"Intitule"', '"Titre"')
            )
        },
    )
    with pytest.raises(InputError) as exc, store_writer(loaded) as store:
        import_rncp(store, z)
    assert exc.value.field == "Intitule" and exc.value.line == 1 and "colonnes absentes" in str(exc.value)
    assert snapshot(loaded) == before


def test_missing_and_extra_columns_are_row_errors(tmp_path: Path) -> None:
    loc = tmp_path / "store"
    build(loc)
    short = '"2";"RNCP998";"Fiche tronquée";"CAP"'
    extra = ROW.replace("RNCP999", "RNCP997") + ';"en trop"'
    extra_empty = ROW.replace("RNCP999", "RNCP996") + ";"
    z = make_zip(
        tmp_path / "x.zip",
        {"export_fiches_CSV_Standard_2024_03_02.csv": standard([ROW, short, extra, extra_empty])},
    )
    with store_writer(loc) as store:
        rep = import_rncp(store, z)
    assert rep.rows_read == 4 and rep.error_count == 2
    missing, too_many = rep.errors
    assert (
        missing.row == 3 and missing.field == "Abrege_Intitule" and "colonnes manquantes" in missing.message
    )
    assert missing.expected and "16 champs" in missing.expected
    assert too_many.row == 4 and "colonnes en trop" in too_many.message
    assert "erreurs : 2" in rep.summary()
    with open_store(loc) as store:
        codes = set(store.values(f"SELECT ?c WHERE {{ GRAPH <{GRAPH_CSV}> {{ ?f cq:rncpCode ?c }} }}"))
    assert codes == {"RNCP999", "RNCP996"}


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("latin-1", False)])
def test_encodings(tmp_path: Path, encoding: str, bom: bool) -> None:
    loc = tmp_path / "store"
    build(loc)
    data = standard([ROW], encoding=encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    z = make_zip(tmp_path / "x.zip", {"export_fiches_CSV_Standard_2024_03_02.csv": data})
    with store_writer(loc) as store:
        rep = import_rncp(store, z)
    assert rep.error_count == 0
    with open_store(loc) as store:
        assert store.values("SELECT ?l WHERE { <https://w3id.org/cqpi/id/cert/RNCP999> rdfs:label ?l }") == [
            "Opérateur de contrôle"
        ]


def test_tab_siret_doubled_quotes_and_dangling_references(tmp_path: Path) -> None:
    loc = tmp_path / "store"
    build(loc)
    quoted = ROW.replace("Opérateur de contrôle", 'Opérateur ""expert"" de contrôle')
    z = make_zip(
        tmp_path / "x.zip",
        {
            "export_fiches_CSV_Standard_2024_03_02.csv": standard([quoted]),
            "export_fiches_CSV_Certificateurs_2024_03_02.csv": (
                b'"Numero_Fiche";"Siret_Certificateur";"Nom_Certificateur"\r\n'
                b'"RNCP999";"\t11004301500012";"MINISTERE"\r\n'
                b'"RNCP999";"\t123";"SIRET FAUX"\r\n'
            ),
            "export_fiches_CSV_Ancienne_Nouvelle_Certification_2024_03_02.csv": (
                b'"Numero_Fiche";"Ancienne_Certification";"Nouvelle_Certification"\r\n'
                b'"RNCP999";"RNCP111";"RNCP222"\r\n'
            ),
            "export_fiches_CSV_VoixdAccès_2024_03_02.csv": (
                '"Numero_Fiche";"Si_Jury"\r\n"RNCP999";"Par expérience"\r\n"RNCP999";"Par télépathie"\r\n'
            ).encode(),
        },
    )
    with store_writer(loc) as store:
        rep = import_rncp(store, z)
    assert rep.error_count == 0
    messages = [str(w) for w in rep.warnings]
    assert any("RNCP111 n'est pas dans l'export" in m and "Ancienne_Certification" in m for m in messages)
    assert any("RNCP222 n'est pas dans l'export" in m for m in messages)
    assert any("SIRET invalide" in m and "14 chiffres" in m and "ligne 3" in m for m in messages)
    assert any("voie d'accès inconnue" in m and "Par télépathie" in m for m in messages)
    with open_store(loc) as store:
        cert = "<https://w3id.org/cqpi/id/cert/RNCP999>"
        assert store.values(f"SELECT ?l WHERE {{ {cert} rdfs:label ?l }}") == [
            'Opérateur "expert" de contrôle'
        ]
        assert store.ask(f'ASK {{ {cert} cq:certifier ?o . ?o cq:siret "11004301500012" }}')
        # dangling references are kept as references
        assert store.ask(f"ASK {{ {cert} cq:replacedBy <https://w3id.org/cqpi/id/cert/RNCP222> }}")
        assert store.ask(f"ASK {{ <https://w3id.org/cqpi/id/cert/RNCP111> cq:replacedBy {cert} }}")
        assert store.ask(f"ASK {{ {cert} cq:accessRoute <https://w3id.org/cqpi/id/voie/vae> }}")


def test_bad_dates_and_levels_are_warnings(tmp_path: Path) -> None:
    loc = tmp_path / "store"
    build(loc)
    bad = ROW.replace('"31/08/2030"', '"31/02/2030"').replace('"NIV3"', '"NIV12"')
    z = make_zip(tmp_path / "x.zip", {"export_fiches_CSV_Standard_2024_03_02.csv": standard([bad])})
    with store_writer(loc) as store:
        rep = import_rncp(store, z)
    fields = {w.field for w in rep.warnings}
    assert {"Date_Fin_Enregistrement", "Nomenclature_Europe_Niveau"} <= fields
    assert rep.warnings[0].expected


def test_truncated_xml_and_unknown_format(loaded: Path, tmp_path: Path, shared_data: Path) -> None:
    before = snapshot(loaded)
    text = (shared_data / "rncp/export-fiches-rncp-v4-1-extract.xml").read_bytes()
    cut = tmp_path / "flux.xml"
    cut.write_bytes(text[: len(text) - 500])
    with pytest.raises(InputError, match="XML illisible") as exc, store_writer(loaded) as store:
        import_rncp(store, cut)
    assert exc.value.line is not None
    other = tmp_path / "notes.txt"
    other.write_text("bonjour")
    with pytest.raises(InputError, match="format non reconnu"), store_writer(loaded) as store:
        import_rncp(store, other)
    assert snapshot(loaded) == before


def test_bcn_utf8_and_bad_code(tmp_path: Path) -> None:
    loc = tmp_path / "store"
    build(loc)
    f = tmp_path / "N_FORMATION_DIPLOME.csv"
    f.write_text(
        "FORMATION_DIPLOME;NIVEAU_FORMATION_DIPLOME;LIBELLE_COURT;LIBELLE_LONG_200;NOUVEAU_DIPLOME_1\n"
        "50022003;500;CAP;EXPLOITATION D'INSTALLATIONS INDUSTRIELLES (CAP);50099999\n"
        "XX;500;CAP;CODE FAUX\n",
        encoding="utf-8-sig",
    )
    with store_writer(loc) as store:
        rep = import_bcn(store, f)
    assert rep.rows_read == 2
    assert rep.error_count == 1 and rep.errors[0].field == "NOUVEAU_DIPLOME_1"  # short row: 4 cells of 5
    assert any("50099999" in str(w) for w in rep.warnings)
    with open_store(loc) as store:
        assert store.ask("ASK { <https://w3id.org/cqpi/id/bcn/50022003> a cq:CAP ; rdfs:label ?l }")


def test_kit_seven_digit_codes_and_unregistered(tmp_path: Path) -> None:
    loc = tmp_path / "store"
    build(loc)
    f = tmp_path / "kit.csv"
    f.write_text(
        KIT_HEADER + "\n1022001;AGENT (MC);RNCP955;niveau4;MC4;v1.3;oui;01/01/2024;ACTIVE\n"
        "13511008;MASTER X;NR;NR;NR;v1;oui;;NR\n",
        encoding="utf-8",
    )
    with store_writer(loc) as store:
        rep = import_kit(store, f)
    assert rep.warning_count == 1 and rep.warnings[0].field == "FicheRNCP"
    with open_store(loc) as store:
        assert store.ask("""ASK { <https://w3id.org/cqpi/id/bcn/01022001> cq:identifierCorrespondsTo
            <https://w3id.org/cqpi/id/cert/RNCP955> .
            ?s cq:fromCertification <https://w3id.org/cqpi/id/bcn/01022001> ; cq:sourceRow 2 }""")
