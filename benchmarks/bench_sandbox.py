"""What parsing in a child process under limits (issue 16) adds to a normal `cqpi validate`.

Validates the same files twice per run, once as the program does (the parse in a child process,
the triples back as N-Triples) and once with the parse in the calling process (what it did
before), best of N runs after a warm-up; then times the whole command, `cqpi validate FILE`,
which is what a person waits for.

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


if __name__ == "__main__":
    main()
