"""Hostile files (issue 16, holes 1, 7 and 9): a deeply nested JSON-LD, an RDF/XML « billion laughs »,
a deeply nested RDF/XML, an XLSX decompression bomb and an XLSX with an entity. Uploaded to a web
server running in a process of its own, each costs a clean 413 or 422 while the home page keeps
answering; given to `cqpi validate`, each is one clear line and exit code 2."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from hostile import billion_laughs, deep_jsonld, deep_rdfxml, live_server, xlsx_bomb, xlsx_with_entity
from reliability import record
from webdata import build_web_store

from cqpi_graph import sandbox
from cqpi_graph.errors import InputError
from cqpi_graph.sandbox import LimitExceeded, Limits
from cqpi_graph.untrusted import check_archive, check_json, check_xml
from cqpi_graph.validate import load_input

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "data" / "referentiels" / "valid.ttl"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("hostile")
    return {
        "deep.jsonld": deep_jsonld(d / "deep.jsonld"),
        "laughs.rdf": billion_laughs(d / "laughs.rdf"),
        "deep.rdf": deep_rdfxml(d / "deep.rdf"),
        "bomb.xlsx": xlsx_bomb(d / "bomb.xlsx", megabytes=400),
        "entity.xlsx": xlsx_with_entity(d / "entity.xlsx"),
    }


# Hostile file -> (status on the web, kind of limit)
EXPECTED = {
    "deep.jsonld": (422, "nesting"),
    "laughs.rdf": (422, "entities"),
    "deep.rdf": (422, "nesting"),
    "bomb.xlsx": (413, "unpacked"),
    "entity.xlsx": (422, "entities"),
}


def test_the_files_are_what_the_attacks_were(files: dict[str, Path]) -> None:
    sizes = {name: p.stat().st_size for name, p in files.items()}
    assert 150_000 < sizes["deep.jsonld"] < 250_000
    assert sizes["laughs.rdf"] < 10_000
    assert sizes["bomb.xlsx"] < 1_000_000
    with zipfile.ZipFile(files["bomb.xlsx"]) as zf:
        assert sum(i.file_size for i in zf.infolist()) > 400_000_000


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cqpi_validate_refuses_with_one_line_and_exit_2(name: str, files: dict[str, Path]) -> None:
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "cqpi_graph", "validate", str(files[name])],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=300,
    )
    record("hostile files given to cqpi validate")
    assert proc.returncode == 2, (name, proc.returncode, proc.stderr[-2000:])
    err = proc.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1 and name in err, err
    assert time.monotonic() - t0 < 120
    record("… refused with one line and exit code 2")


def test_the_library_says_which_limit(files: dict[str, Path]) -> None:
    for name, (status, kind) in EXPECTED.items():
        with pytest.raises(LimitExceeded) as exc:
            load_input(files[name])
        assert exc.value.kind == kind and exc.value.http_status == status, (name, exc.value)
        assert exc.value.file and name in exc.value.file


def test_hostile_uploads_never_stop_the_server(files: dict[str, Path], tmp_path: Path) -> None:
    store = build_web_store(tmp_path / "store")
    config = {"CQPI_STORE": str(store), "UPLOAD_MAX_BYTES": 5_000_000, "UPLOAD_MEMORY_BYTES": 512 << 20}
    with live_server(config) as server:
        home_failures: list[str] = []
        home_ok = [0]
        stop = threading.Event()

        def poll_home() -> None:
            while not stop.is_set():
                try:
                    status, body = server.get("/", timeout=30)
                    if status == 200 and b"<html" in body.lower():
                        home_ok[0] += 1
                    else:
                        home_failures.append(f"status {status}")
                except OSError as exc:
                    home_failures.append(repr(exc))
                time.sleep(0.1)

        poller = threading.Thread(target=poll_home, daemon=True)
        poller.start()
        try:
            for name, (status, _) in EXPECTED.items():
                got, body = server.upload(name, files[name].read_bytes())
                assert got == status, (name, got, body[-1500:])
                assert "Traceback" not in body and name in body, name
                assert server.alive(), f"the server died on {name}"
                record("hostile uploads answered 413/422, server alive")
            # a normal upload still works afterwards
            got, body = server.upload("valid.ttl", VALID.read_bytes())
            assert got == 200 and 'id="report"' in body
        finally:
            stop.set()
            poller.join(60)
        assert server.alive() and server.get("/")[0] == 200
        assert not home_failures, home_failures[:5]
        assert home_ok[0] >= len(EXPECTED)
        peak = server.peak_memory()
        record("home page answers during hostile uploads", home_ok[0])
        record("home page failures during hostile uploads", len(home_failures))
        record("web process peak memory during hostile uploads (MiB)", peak >> 20)
        assert peak < 1 << 30, f"the web process grew to {peak >> 20} MiB"


# ---------------------------------------------------------------- the mechanisms, one by one


def _spin() -> None:
    while True:
        pass


def _hog() -> None:
    hoard = []
    while True:
        hoard.append(bytearray(16 << 20))


def _big() -> bytes:
    return b"x" * (8 << 20)


def _sleep() -> None:
    time.sleep(60)


def _fails() -> None:
    raise InputError("cellule illisible", file="f.csv", line=7, field="Intitulé")


def test_the_sandbox_stops_each_kind_of_runaway() -> None:
    lim = Limits(cpu_seconds=1, memory_bytes=128 << 20, output_bytes=1 << 20, wall_seconds=4)
    for fn, kind in ((_spin, "cpu"), (_hog, "memory"), (_big, "output"), (_sleep, "time")):
        t0 = time.monotonic()
        with pytest.raises(LimitExceeded) as exc:
            sandbox.call(fn, name="f", lim=lim)
        assert exc.value.kind == kind, (fn.__name__, exc.value.kind)
        assert time.monotonic() - t0 < 10
        record("sandbox limits checked (CPU, memory, output, wall clock)")
    # the child's own clear errors come back whole (file, line, field)
    with pytest.raises(InputError) as err:
        sandbox.call(_fails, name="f.csv")
    assert (err.value.file, err.value.line, err.value.field) == ("f.csv", 7, "Intitulé")


def test_checks_before_parsing() -> None:
    with pytest.raises(LimitExceeded):
        check_json(b"[" * 150 + b"]" * 150, "x.jsonld")
    check_json(b'{"@context": {"a": "http://a/"}, "@graph": [{"@id": "a:b"}]}', "ok.jsonld")
    ok = (
        b'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY rdf "http://www.w3.org/1999/02/22-rdf-syntax-ns#">]>'
        b'<rdf:RDF xmlns:rdf="&rdf;"/>'
    )
    check_xml(ok, "ok.rdf")  # a short entity, as OWL files use them: allowed
    for bad in (
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        b'<!DOCTYPE x [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]><x>&b;</x>',
        b'<!DOCTYPE x [<!ENTITY a "' + b"a" * 5000 + b'">]><x>&a;</x>',
        b'<!DOCTYPE x [<!ENTITY % p "x">]><x/>',
        b"<x>" * 300 + b"</x>" * 300,
    ):
        with pytest.raises(LimitExceeded):
            check_xml(bad, "bad.xml")
    with pytest.raises(LimitExceeded):
        check_xml(ok, "ok.xlsx", entities=False)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", b"0" * (20 << 20))
    with zipfile.ZipFile(buf) as zf, pytest.raises(LimitExceeded) as exc:
        check_archive(zf, "a.zip")
    assert "×" in str(exc.value) and "a.csv" in str(exc.value)


def test_the_limits_reach_the_checks_in_the_child(tmp_path: Path) -> None:
    """An XLSX of 30 MB once unpacked, packed about 8 to 1 (under the ratio): refused by the
    upload's own unpacked cap (UPLOAD_MAX_UNPACKED_BYTES), which the child must apply."""
    import random as rnd

    f = tmp_path / "gros.xlsx"
    rng = rnd.Random(7)
    ab = bytes(b"ab"[i % 2] for i in range(256))
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        with zf.open("xl/sharedStrings.xml", "w") as fh:
            for _ in range(30):
                fh.write(rng.randbytes(1 << 20).translate(ab))
    lim = Limits(unpacked_bytes=20 << 20)
    with pytest.raises(LimitExceeded) as exc:
        sandbox.call(load_input, f, name=str(f), lim=lim)
    assert exc.value.kind == "unpacked" and exc.value.http_status == 413
