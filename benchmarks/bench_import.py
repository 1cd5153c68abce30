"""Time the RNCP import of a generated export of N fiches (a benchmark, not a test).

    PYTHONPATH=$PWD python benchmarks/bench_import.py --fiches 45000

Generates the export in a child process (so that its memory is not counted), builds an empty
store (ontology, code lists, curated data), imports the zip, then runs OWL RL inference, and
prints the rows, triples, seconds, triples per second and the peak resident memory of this
process (resource.getrusage, which includes the store's own memory).
"""

from __future__ import annotations

import argparse
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from cqpi_graph.build import build, run_inference  # noqa: E402
from cqpi_graph.importers import import_rncp  # noqa: E402
from cqpi_graph.store import store_writer  # noqa: E402


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fiches", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-inference", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cqpi-bench-") as tmp:
        zip_path = Path(tmp) / "export-fiches-csv-2024-02-22.zip"
        t = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate_rncp.py"),
                "--fiches",
                str(args.fiches),
                "--seed",
                str(args.seed),
                str(zip_path),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        gen_s = time.monotonic() - t
        store_path = Path(tmp) / "store"
        build(store_path)
        rss_before = peak_rss_mib()
        with store_writer(store_path) as store:
            t, cpu = time.monotonic(), time.process_time()
            report = import_rncp(store, zip_path)
            import_s = time.monotonic() - t
            import_cpu = time.process_time() - cpu
            rss_import = peak_rss_mib()
            infer_s, inferred = 0.0, 0
            if not args.no_inference:
                t = time.monotonic()
                inferred = run_inference(store)
                infer_s = time.monotonic() - t
        print(f"machine           : {platform.node()} {platform.machine()} {platform.processor()}".rstrip())
        print(f"python            : {platform.python_version()}")
        print(
            f"fiches            : {args.fiches} (zip {zip_path.stat().st_size / 1e6:.1f} Mo, "
            f"generated in {gen_s:.1f} s)"
        )
        print(f"rows read         : {report.rows_read}")
        print(f"triples (graph)   : {report.triples}")
        print(f"warnings / errors : {report.warning_count} / {report.error_count}")
        print(f"import            : {import_s:.1f} s, {report.triples / import_s:,.0f} triples/s")
        print(f"import CPU time   : {import_cpu:.1f} s (all threads; less sensitive to other load)")
        if not args.no_inference:
            print(f"inference         : {infer_s:.1f} s, {inferred} inferred triples")
        print(
            f"peak RSS          : {rss_import:.0f} MiB after the import "
            f"(before it: {rss_before:.0f} MiB), {peak_rss_mib():.0f} MiB after inference"
        )


if __name__ == "__main__":
    main()
