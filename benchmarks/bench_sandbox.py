"""What parsing in a child process under limits (issue 16) adds to `cqpi validate` and to imports.

Validates the same files twice per run, once as the program does (the parse in a child process,
the triples back as N-Triples) and once with the parse in the calling process (what it did
before), best of N runs after a warm-up; then times the whole command, `cqpi validate FILE`,
which is what a person waits for. Then reads the ROME CSV files of ../shared/data (306 715 rows)
through the importers' reader, in a child as the importers do and in the calling process, and
gives the CPU time of each process.

    PYTHONPATH=$PWD python benchmarks/bench_sandbox.py [--runs 7] [--triples 5000]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_validate import generate  # noqa: E402

from cqpi_graph import sandbox  # noqa: E402
from cqpi_graph.validate import validate_referentiel  # noqa: E402


def best(fn, runs: int) -> tuple[float, float]:  # noqa: ANN001
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--triples", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "referentiel.ttl"
        generate(args.triples).serialize(big, format="turtle")
        files = {
            "valid.ttl": ROOT / "tests/data/referentiels/valid.ttl",
            "valid.csv": ROOT / "tests/data/referentiels/valid.csv",
            f"{args.triples} triples (.ttl)": big,
        }
        print("| file | in a child (best / median) | in process (best / median) | added |")
        print("|---|---|---|---|")
        for name, path in files.items():
            child = best(lambda p=path: validate_referentiel([p]), args.runs)
            with mock.patch.object(sandbox, "in_child", return_value=True):
                inproc = best(lambda p=path: validate_referentiel([p]), args.runs)
            added = child[0] - inproc[0]
            print(
                f"| {name} | {child[0] * 1000:.0f} / {child[1] * 1000:.0f} ms "
                f"| {inproc[0] * 1000:.0f} / {inproc[1] * 1000:.0f} ms | {added * 1000:+.0f} ms |"
            )
        cmd = [sys.executable, "-m", "cqpi_graph", "validate", str(files["valid.ttl"])]
        whole = best(lambda: subprocess.run(cmd, capture_output=True, check=True), max(3, args.runs // 2))
        print(f"\n`cqpi validate valid.ttl`, whole command: best {whole[0]:.2f} s, median {whole[1]:.2f} s")
    rome = ROOT.parent / "shared" / "data" / "rome"
    if rome.is_dir():
        reader(sorted(rome.glob("unix_*_utf8.csv")), args.runs)


def reader(files: list[Path], runs: int) -> None:
    """The importers' CSV reader over files: in a child (CsvRows) and in this process."""
    import resource

    from cqpi_graph.importers.common import CsvRows, ImportReport, path_opener
    from cqpi_graph.importers.csvread import csv_events

    def child() -> int:
        report = ImportReport("bench", "g")
        return sum(
            1 for f in files for _ in CsvRows(path_opener(f), f.name, report, delimiter=",", required=[])
        )

    def inproc() -> int:
        n = 0
        for f in files:
            header: list[str] = []
            for ev in csv_events(path_opener(f), f.name, ","):
                if ev[0] == "header":
                    header = ev[1]
                elif ev[0] == "row":
                    dict(zip(header, ev[2], strict=True))
                    n += 1
        return n

    def cpu() -> tuple[float, float]:
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime

    print(
        f"\n| importers' CSV reader, {len(files)} ROME files | wall (best) | CPU, this process | CPU, child |"
    )
    print("|---|---|---|---|")
    for label, fn in (("in a child (as imports run)", child), ("in this process (before)", inproc)):
        rows = fn()
        walls, mine, kids = [], [], []
        for _ in range(runs):
            c0, k0 = cpu()
            t0 = time.perf_counter()
            fn()
            walls.append(time.perf_counter() - t0)
            c1, k1 = cpu()
            mine.append(c1 - c0)
            kids.append(k1 - k0)
        print(f"| {label}, {rows:,} rows | {min(walls):.2f} s | {min(mine):.2f} s | {min(kids):.2f} s |")


if __name__ == "__main__":
    main()
