"""Per-graph digest of the import graphs: triple count and SHA-256 of the sorted N-Triples.

    PYTHONPATH=$PWD python benchmarks/import_digest.py STORE_PATH      # digest of a built store
    PYTHONPATH=$PWD python benchmarks/import_digest.py --build SHARED   # build with ../shared/data

Used to prove that a change to the importers does not change what they produce
(tests/test_import_equivalence.py holds the digests computed with the code before the change).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from cqpi_graph.namespaces import Graphs  # noqa: E402
from cqpi_graph.store import Store, open_store  # noqa: E402

# The registry files of ../shared/data the reference build imports (source name, relative path);
# tests/conftest.py builds its `full_store` from this list too.
SHARED_IMPORTS = [
    ("rncp", "rncp/export-fiches-csv-2024-02-22.zip"),
    ("rncp", "rncp/export-fiches-rncp-v4-1-extract.xml"),
    ("bcn", "bcn/N_FORMATION_DIPLOME.csv"),
    ("kit", "kit/kit-apprentissage-rncp-v3.0.csv"),
    ("rome", "rome"),
    ("esco", "esco"),
]
SOURCES = ("rncp", "bcn", "kit", "rome", "esco")


def graph_digest(store: Store, graph: str) -> tuple[int, str]:
    buf = io.BytesIO()
    store.dump(buf, "ntriples", graph=graph)
    lines = sorted(line for line in buf.getvalue().split(b"\n") if line.strip())
    return len(lines), hashlib.sha256(b"\n".join(lines)).hexdigest()


def import_digests(store: Store) -> dict[str, list[object]]:
    """{graph IRI: [triples, sha256]} for the import graphs and the inferred graph."""
    graphs = [Graphs.imported(s) for s in SOURCES] + [Graphs.CATALOG, Graphs.INFERRED]
    return {g: list(graph_digest(store, g)) for g in graphs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--build", action="store_true", help="PATH is the shared data folder: build first")
    args = ap.parse_args()
    if args.build:
        from cqpi_graph.build import build

        with tempfile.TemporaryDirectory(prefix="cqpi-digest-") as tmp:
            store_path = Path(tmp) / "store"
            build(store_path, imports=[(n, args.path / rel) for n, rel in SHARED_IMPORTS])
            with open_store(store_path) as store:
                print(json.dumps(import_digests(store), indent=1))
        return
    with open_store(args.path) as store:
        print(json.dumps(import_digests(store), indent=1))


if __name__ == "__main__":
    main()
