"""Imports that would lose or garble data (issue 16, holes 2, 5 and 6): a truncated BCN file leaves
the live graph as it was with exit code 2; the real BCN file is read as Windows-1252 and no control
character reaches the graph; duplicated codes, succession cycles of any length and absurd field
sizes are reported; a zip whose member unpacks a thousand times over is refused before reading."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from reliability import answers, live, record

from cqpi_graph.build import build
from cqpi_graph.importers.guard import ShrinkRefused, allow_shrink, find_cycles
from cqpi_graph.imports import import_registry
from cqpi_graph.store import open_store

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parent.parent
BCN_GRAPH = "https://w3id.org/cqpi/graph/import/bcn"
LEVELS = "N_NIVEAU_FORMATION_DIPLOME.csv"  # read with the diplomas when it sits beside them
RNCP_GRAPH = "https://w3id.org/cqpi/graph/import/rncp"
# C0 controls but tab, LF, CR; DEL; C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LABELS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://purl.org/dc/terms/title",
    "https://w3id.org/cqpi/def#abbreviation",
}


def cqpi(store: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cqpi_graph", "--store", str(store), *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=600,
    )


def bcn_count(store: Path) -> int:
    with open_store(store) as s:
        return s.count(BCN_GRAPH)


@pytest.fixture(scope="module")
def bcn_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A built store with the real BCN file imported (copied by each test)."""
    path = tmp_path_factory.mktemp("bcn") / "store"
    build(path, imports=[("bcn", shared_data / "bcn" / "N_FORMATION_DIPLOME.csv")])
    return path


def copy_store(base: Path, dest: Path) -> Path:
    return Path(shutil.copytree(base, dest, symlinks=True))


# ---------------------------------------------------------------- hole 2: the truncated download


def test_truncated_bcn_leaves_the_live_graph_unchanged(
    bcn_store: Path, shared_data: Path, tmp_path: Path
) -> None:
    store = copy_store(bcn_store, tmp_path / "store")
    before, generation, triples = answers(store), live(store), bcn_count(store)
    data = (shared_data / "bcn" / "N_FORMATION_DIPLOME.csv").read_bytes()
    cuts = {
        # an interrupted download: the file stops in the middle of a row
        "mid-row": data[: len(data) // 2],
        # a file cut at a line boundary: complete rows, half of them
        "line boundary": data[: data.index(b"\n", len(data) // 2) + 1],
    }
    for how, content in cuts.items():
        f = tmp_path / how.replace(" ", "-") / "N_FORMATION_DIPLOME.csv"
        f.parent.mkdir()
        f.write_bytes(content)
        shutil.copy(shared_data / "bcn" / LEVELS, f.parent / LEVELS)  # the other file, whole
        proc = cqpi(store, "import", "bcn", str(f))
        record("truncated or short imports tried")
        assert proc.returncode == 2, (how, proc.returncode, proc.stdout, proc.stderr)
        err = proc.stderr.strip()
        assert "Traceback" not in err and len(err.splitlines()) == 1 and "rétrécirait" in err, err
        assert "import précédent" in err and "3 923" in err, err
        if how == "mid-row":
            assert "au milieu d'une ligne" in err, err
        assert answers(store) == before and live(store) == generation and bcn_count(store) == triples
        record("… refused with exit code 2, live graph unchanged")
    # the same file with --allow-shrink: accepted, and the summary says what it replaced
    proc = cqpi(
        store, "import", "bcn", "--allow-shrink", str(tmp_path / "line-boundary" / "N_FORMATION_DIPLOME.csv")
    )
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"lignes lues : [\d ]+ \(import précédent : 4 129 lignes\)", proc.stdout), proc.stdout
    assert "réduction acceptée" in proc.stdout
    assert bcn_count(store) < triples
    record("data lost", 0)


def test_the_summary_compares_with_the_previous_import(
    bcn_store: Path, shared_data: Path, tmp_path: Path
) -> None:
    store = copy_store(bcn_store, tmp_path / "store")
    # the same content, one more blank line (not skipped as already imported): same rows, accepted
    f = tmp_path / "N_FORMATION_DIPLOME.csv"
    f.write_bytes((shared_data / "bcn" / "N_FORMATION_DIPLOME.csv").read_bytes() + b"\n")
    shutil.copy(shared_data / "bcn" / LEVELS, tmp_path / LEVELS)
    proc = cqpi(store, "import", "bcn", str(f))
    assert proc.returncode == 0, proc.stderr
    # both files of the BCN: 3 923 diplomas and 206 levels
    assert "lignes lues : 4 129 (import précédent : 4 129 lignes)" in proc.stdout, proc.stdout
    assert "encodage Windows-1252" in proc.stdout
    # the meta graph keeps the rows read per file, for the next comparison
    with open_store(store) as s:
        rows = s.select(
            f"""SELECT ?f ?n WHERE {{ GRAPH <https://w3id.org/cqpi/graph/meta> {{
            <{BCN_GRAPH}> cq:fileRowCount ?c . ?c cq:fileName ?f ; cq:rowsRead ?n }} }}"""
        )
    counts = sorted((r["f"].value, r["n"].value) for r in rows)
    assert counts == [("N_FORMATION_DIPLOME.csv", "3923"), (LEVELS, "206")], counts


def test_a_missing_zip_member_is_a_shrink(tmp_path: Path, shared_data: Path) -> None:
    store = tmp_path / "store"
    build(store, imports=[("rncp", shared_data / "rncp" / "export-fiches-csv-2024-02-22.zip")])
    before = answers(store)
    newer = tmp_path / "export-fiches-csv-2024-03-01.zip"
    src_zip = shared_data / "rncp" / "export-fiches-csv-2024-02-22.zip"
    with zipfile.ZipFile(src_zip) as src, zipfile.ZipFile(newer, "w") as dst:
        for info in src.infolist():
            if "Certificateurs" not in info.filename:
                dst.writestr(info, src.read(info))
    with pytest.raises(ShrinkRefused, match="Certificateurs.*absent"):
        import_registry(store, "rncp", newer)
    assert answers(store) == before
    with allow_shrink():
        report = import_registry(store, "rncp", newer)
    assert any("réduction acceptée" in n for n in report.notes)
    record("truncated or short imports tried")
    record("… refused with exit code 2, live graph unchanged")


# ---------------------------------------------------------------- hole 5: encodings and controls


def test_the_real_bcn_file_is_windows_1252(bcn_store: Path) -> None:
    with open_store(bcn_store) as s:
        labels = s.values(f"SELECT ?l WHERE {{ GRAPH <{BCN_GRAPH}> {{ ?d rdfs:label ?l }} }}")
    assert "CONDUITE D’UN ELEVAGE CAPRIN ET COMMERCIALISATION DES PRODUITS (CSA)" in labels
    assert not any(CONTROL.search(label) for label in labels)


def test_no_control_character_in_the_graph_built_from_shared_data(full_store) -> None:  # noqa: ANN001
    import pyoxigraph as ox

    literals = controls = in_labels = 0
    examples = []
    for q in full_store.quads():
        o = q.object
        if not isinstance(o, ox.Literal):
            continue
        literals += 1
        if CONTROL.search(o.value):
            controls += 1
            examples.append((q.subject.value, q.predicate.value, o.value[:60]))
        elif q.predicate.value in LABELS and re.search(r"[\t\n\r]", o.value):
            in_labels += 1
            examples.append((q.subject.value, q.predicate.value, o.value[:60]))
    record("literals scanned for control characters (graph of ../shared/data)", literals)
    record("control characters in labels", controls + in_labels)
    assert literals > 200_000
    assert controls == 0 and in_labels == 0, examples[:5]


# ---------------------------------------------------------------- hole 6: bad rows, each reported


def bcn_rows(shared_data: Path) -> tuple[list[str], list[list[str]]]:
    text = (shared_data / "bcn" / "N_FORMATION_DIPLOME.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    return rows[0], rows[1:]


def write_bcn(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows([header, *rows])
    path.write_bytes(buf.getvalue().encode("cp1252", errors="replace"))
    return path


def test_bad_rows_are_each_reported(shared_data: Path, tmp_path: Path) -> None:
    header, rows = bcn_rows(shared_data)
    col = {h: i for i, h in enumerate(header)}
    code = col["FORMATION_DIPLOME"]
    label = col["LIBELLE_LONG_200"]

    def row(c: str, text: str, new: str = "") -> list[str]:
        r = list(rows[0])
        r[code], r[label] = c, text
        for i in range(1, 8):
            r[col[f"ANCIEN_DIPLOME_{i}"]] = r[col[f"NOUVEAU_DIPLOME_{i}"]] = ""
        r[col["NOUVEAU_DIPLOME_1"]] = new
        return r

    twin = list(rows[5])
    twin[label] = "UN AUTRE LIBELLE"
    extra = [
        twin,  # a duplicated code with another label
        list(rows[6]),  # an exact duplicate
        row("ZZ000001", "CYCLE A", "ZZ000002"),  # A -> B -> A
        row("ZZ000002", "CYCLE B", "ZZ000001"),
        row("ZZ000011", "CYCLE C", "ZZ000012"),  # C -> D -> E -> C
        row("ZZ000012", "CYCLE D", "ZZ000013"),
        row("ZZ000013", "CYCLE E", "ZZ000011"),
        row("ZZ000021", "X" * 10_000_000),  # a 10 MB label
    ]
    f = write_bcn(tmp_path / "N_FORMATION_DIPLOME.csv", header, rows + extra)
    store = tmp_path / "store"
    build(store)
    report = import_registry(store, "bcn", f)
    errors = [str(p) for p in report.errors]
    warnings = [str(p) for p in report.warnings]
    dup = [e for e in errors if rows[5][code] in e and "autres valeurs" in e]
    assert dup and "LIBELLE_LONG_200" in dup[0], errors
    assert any(rows[6][code] in w and "en double" in w for w in warnings), warnings
    cycles = [e for e in errors if "cycle" in e]
    assert len(cycles) == 2, errors
    assert any("ZZ000001 → ZZ000002 → ZZ000001" in e for e in cycles), cycles
    assert any("ZZ000011 → ZZ000012 → ZZ000013 → ZZ000011" in e for e in cycles), cycles
    big = [w for w in warnings if "10 000 000 caractères" in w]
    assert big and "LIBELLE_LONG_200" in big[0], warnings
    with open_store(store) as s:
        twin_labels = s.values(
            f"SELECT ?l WHERE {{ <https://w3id.org/cqpi/id/bcn/{rows[5][code]}> rdfs:label ?l }}"
        )
        assert twin_labels == [rows[5][label]]  # the first row is kept, the conflicting one is not
        assert s.ask("ASK { <https://w3id.org/cqpi/id/bcn/ZZ000021> a cq:Diplome }")
        assert not s.ask("ASK { <https://w3id.org/cqpi/id/bcn/ZZ000021> rdfs:label ?l }")
    record(
        "bad rows reported (duplicate codes, cycles, oversized fields)", len(dup) + len(cycles) + len(big) + 1
    )


def test_cycles_of_any_length() -> None:
    chain = [(f"n{i}", f"n{i + 1}") for i in range(50_000)]
    assert find_cycles(chain) == []
    ring = [*chain, ("n50000", "n0")]
    (cycle,) = find_cycles(ring)
    assert len(cycle) == 50_002 and cycle[0] == cycle[-1]
    two = find_cycles([("a", "b"), ("b", "a"), ("c", "d"), ("d", "e"), ("e", "c"), ("e", "f")])
    assert sorted(tuple(c) for c in two) == [("a", "b", "a"), ("c", "d", "e", "c")]


def test_zip_bomb_is_refused_before_reading(shared_data: Path, tmp_path: Path) -> None:
    """A 400 MB title inside a zip of a few hundred kilobytes (was: exit 0, 3.3 GB of memory)."""
    src = shared_data / "rncp" / "export-fiches-csv-2024-02-22.zip"
    bomb = tmp_path / "export-fiches-csv-2024-03-01.zip"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if "Standard" not in info.filename:
                zout.writestr(info, zin.read(info))
                continue
            header, first = zin.read(info).split(b"\r\n")[:2]
            with zout.open(info.filename, "w", force_zip64=True) as fh:
                fh.write(header + b"\r\n" + first.replace(b";", b';"' + b"A" * (1 << 20), 1))
                for _ in range(399):
                    fh.write(b"A" * (1 << 20))
                fh.write(b'";' + first.split(b";", 1)[1] + b"\r\n")
    assert bomb.stat().st_size < 1_000_000
    store = tmp_path / "store"
    build(store)
    before = live(store)
    probe = (
        "import resource, subprocess, sys; "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "print(p.stderr, file=sys.stderr)"
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            sys.executable,
            "-m",
            "cqpi_graph",
            "--store",
            str(store),
            "import",
            "rncp",
            str(bomb),
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=600,
    )
    code, peak_kb = (int(x) for x in proc.stdout.split())
    err = proc.stderr.strip()
    assert code == 2, err
    assert "décompressée" in err and "×" in err and "Standard" in err and "Traceback" not in err, err
    assert peak_kb < 400 * 1024, f"the import grew to {peak_kb >> 10} MiB"
    assert live(store) == before
    record("archives refused before reading (unpacked size and ratio)")
    record("peak memory of a refused zip bomb import (MiB)", peak_kb >> 10)
