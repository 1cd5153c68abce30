"""The W3C SHACL Core test suite through cqpi_graph's validation: pass count per engine (not a test).

Each sht:Validate test of ../shared/conformance/shacl-core runs as `cqpi validate --shapes SHAPES
DATA` does (tests/shacl_core.py): the compiled engine with pyshacl for what does not compile
("sparql", the default), and pyshacl for every shape ("shacl"). Prints the pass count, the tests
that fail and the shapes left to pyshacl, with why.

    PYTHONPATH=$PWD python benchmarks/bench_shacl_core.py
"""

from __future__ import annotations

import logging
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import shacl_core  # noqa: E402

from cqpi_graph.validate import validate_referentiel  # noqa: E402


def main() -> None:
    logging.disable(logging.CRITICAL)  # rdflib warns about the suite's ill-typed literals
    warnings.simplefilter("ignore")
    cases = shacl_core.cases()
    for engine in ("sparql", "shacl"):
        started = time.perf_counter()
        failed = []
        left: list[str] = []
        for case in cases:
            outcome = shacl_core.run(case, engine)
            if not outcome.passed:
                failed.append(f"{case.name}: {outcome.diff()}")
            if engine == "sparql":
                report = validate_referentiel([case.data], shapes=[case.shapes], lang="en")
                left += [f"{case.name} {r}: {why}" for r, why in report.reasons.items()]
        seconds = time.perf_counter() - started
        print(f"engine {engine}: {len(cases) - len(failed)}/{len(cases)} passed ({seconds:.1f} s)")
        for line in failed:
            print("  failed " + line)
        for line in left:
            print("  pyshacl " + line)


if __name__ == "__main__":
    main()
