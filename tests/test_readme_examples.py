"""Every `cqpi` command example of the README runs, as written, on the quick-start graph.

The quick start builds the national graph (`cqpi build --registries ../shared/data`); the
examples run on it from the project root, in README order, and must end with the exit code they
promise (`# exit N`, else 0) and print something. Files they write (`-o`, `--report`) go to a
temporary folder; `--store` paths, the store of a `build` and the `serve` port are the test's
own. Examples that need what a test cannot have here (the registries' servers, a SPARQL server,
a file the reader provides) are listed in COVERED_ELSEWHERE with the test that runs the same
command on a stand-in; that list may not name an example that no longer exists.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from readme_examples import Example, examples

from cqpi_graph.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = examples(ROOT / "README.md")

# The quick-start build itself: the session fixture `quickstart_store_path` runs it.
QUICKSTART_BUILD = re.compile(r"^cqpi (--store \S+ )?build --registries \.\./shared/data$")

# Example (regular expression on its text) -> the test that runs the same command, and why not here.
COVERED_ELSEWHERE: dict[str, tuple[str, str]] = {
    r"^cqpi fetch --into registries$": (
        "tests/test_fetch.py::test_first_fetch_lays_out_what_build_reads",
        "downloads from the registries' portals (a local portal there)",
    ),
    r"^cqpi build --registries registries$": (
        "tests/test_fetch.py::test_first_fetch_lays_out_what_build_reads",
        "reads the folder `cqpi fetch` fills",
    ),
    r"^cqpi fetch --dry-run$": (
        "tests/test_fetch.py::test_dry_run_lists_what_would_change_and_writes_nothing",
        "asks the registries' portals",
    ),
    r"^cqpi fetch --into registries --source rncp --source bcn$": (
        "tests/test_fetch.py::test_cli_fetch_and_update",
        "downloads from the registries' portals",
    ),
    r"^cqpi fetch --into /srv/www/cqpi-mirror$": (
        "tests/test_fetch.py::test_mirror_serves_an_air_gapped_machine",
        "downloads from the registries' portals",
    ),
    r"^cqpi fetch --into registries --from-mirror ": (
        "tests/test_fetch.py::test_mirror_serves_an_air_gapped_machine",
        "reads a mirror on another machine",
    ),
    r"^cqpi build --with rncp=\S+ --data my-cqp\.ttl$": (
        "tests/test_core.py::test_axioms_in_extra_data_are_used_by_the_rules_engine",
        "my-cqp.ttl is the reader's own file",
    ),
    r"^cqpi import rncp ": (
        "tests/test_import_rncp.py::test_cli_import_rncp",
        "would replace the quick-start graph's three RNCP exports by two",
    ),
    r"^cqpi build --with rncp=\S+2024\S+ --with rncp=": (
        "tests/test_import_registries.py::test_bcn_counts",
        "the build of the `full_store` fixture (conftest.SHARED_IMPORTS), a second national-size build",
    ),
    r"^cqpi export --profile void --base-url \S+ --dump downloads/": (
        "tests/test_export_dcat.py::test_cli_void_conforms",
        "describes the dump `export --all` writes in its own folder",
    ),
    r"^cqpi --endpoint \S+ build$": (
        "tests/test_remote.py::test_build_gives_same_graphs_as_embedded",
        "needs a SPARQL server",
    ),
    r"^cqpi --endpoint \S+ query ": (
        "tests/test_remote.py::test_cli_query_and_stats",
        "needs a SPARQL server",
    ),
}

SERVE = re.compile(r"^cqpi serve\b")
OUTPUT_OPTIONS = ("-o", "--output", "--report")


def _covered(e: Example) -> tuple[str, str] | None:
    for pattern, covered in COVERED_ELSEWHERE.items():
        if re.search(pattern, e.text):
            return covered
    return None


RUN_HERE = [
    e for e in EXAMPLES if not _covered(e) and not QUICKSTART_BUILD.match(e.text) and not SERVE.match(e.text)
]


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's quick-start build, run as it is written (from the project root)."""
    path = tmp_path_factory.mktemp("quickstart") / "store"
    result = _invoke(["--store", str(path), "build", "--registries", "../shared/data"], {})
    assert result.exit_code == 0, result.output
    return path


def _invoke(argv: list[str], env: dict[str, str]):  # noqa: ANN202 - click's Result
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return CliRunner().invoke(main, argv, env=env, catch_exceptions=False)
    finally:
        os.chdir(cwd)


def _local(argv: tuple[str, ...], store: Path, tmp: Path) -> list[str]:
    """The example's words, its files and store made the test's own."""
    out = list(argv)
    for i, word in enumerate(out[:-1]):
        if word in OUTPUT_OPTIONS:
            out[i + 1] = str(tmp / Path(out[i + 1]).name)
    if out[0] == "--store":  # the global option (`validate --store` is a flag of its own)
        out[1] = str(tmp / "store")
        return out
    # A build makes a new graph: it gets a store of its own, never the quick-start one.
    own = tmp / "store" if "build" in out else store
    return ["--store", str(own), *out]


def test_the_examples_are_all_accounted_for() -> None:
    """Every example is run here, by the quick-start fixture, or by the test COVERED_ELSEWHERE
    names (which exists); no entry of that list is stale."""
    assert len(EXAMPLES) > 40 and any(QUICKSTART_BUILD.match(e.text) for e in EXAMPLES)
    for pattern, (test, _why) in COVERED_ELSEWHERE.items():
        assert any(re.search(pattern, e.text) for e in EXAMPLES), f"no README example matches {pattern}"
        file, name = test.split("::")
        assert f"def {name}(" in (ROOT / file).read_text(encoding="utf-8"), f"{test} does not exist"


@pytest.mark.slow
@pytest.mark.parametrize("example", RUN_HERE, ids=[f"L{e.line}" for e in RUN_HERE])
def test_example(example: Example, quickstart: Path, tmp_path: Path) -> None:
    result = _invoke(_local(example.argv, quickstart, tmp_path), dict(example.env))
    assert result.exit_code == example.exit_code, (
        f"README line {example.line}: {example.text}\n{result.output}"
    )
    written = [p for p in tmp_path.iterdir() if p.is_file()]
    assert result.output.strip() or written, f"README line {example.line} printed and wrote nothing"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(quickstart: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    port = _free_port()
    cmd = [sys.executable, "-m", "cqpi_graph", "--store", str(quickstart), "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        yield proc, port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
def test_serve_examples_answer(served: tuple[subprocess.Popen, int]) -> None:
    """`cqpi serve` (the quick start's second half, and `--host 127.0.0.1 --port N`) serves the
    national graph: the home page and the SPARQL endpoint answer."""
    assert [e for e in EXAMPLES if SERVE.match(e.text)]
    proc, port = served
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
                assert resp.status == 200
                break
        except OSError:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "cqpi serve did not answer within 120 s"
            time.sleep(0.5)
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/cqpi/def#CQPI> }")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/sparql?query={query}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as resp:
        assert b'"9"' in resp.read()
