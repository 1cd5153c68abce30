"""The importers produce exactly what they produced before the fast-import change.

The digests below (triples and SHA-256 of the sorted N-Triples of each import graph, and of the
graph inferred from them) were computed with the code of main before the importers built
pyoxigraph terms directly (`python benchmarks/import_digest.py --build ../shared/data`, run in a
checkout of main at a00be6c). Any change to what an import writes changes a digest.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from import_digest import import_digests  # noqa: E402

G = "https://w3id.org/cqpi/graph/"
REFERENCE = {
    G + "import/rncp": (343, "4cd37fb923d2ed69281d48a96bfbdb8a6e210b101e129a07ff73ddb31bbe1ddc"),
    G + "import/rncp-xml": (363, "b345c4f70b981df7ebb4c2d37a0d494a55d2faac376f696ce04609fdb31d99bc"),
    G + "import/bcn": (52672, "9a52365e458fdadc3c65b9737c4e9cb72dcf3bf6ad865cbd55d6413164f7b088"),
    G + "import/kit": (34073, "8fadc10ffd409e6ada5287e8e5b8d431dc8d83eaae951999062ae1398069ab8a"),
    # + cq:romeParentJob (1,052) and cq:romeMacroCode (507), issue 14; without them the graph's
    # digest is still the reference one (535959, 1a083199…)
    G + "import/rome": (537518, "e62010c7ba917b09b33b607cff08da724c45b5fa94921e0279a6495b1de0fa88"),
    G + "import/esco": (117527, "3f862ca82b3a457c70f90727ad08eb2fa6b4a506118b3e157aae76cd0fad51cc"),
    G + "inferred": (133730, "b109921b685a78ab2e112c47394d78dbeadc1ab8bd94496a5d30dbf4bbecbcd4"),
}


def test_import_graphs_unchanged(full_store) -> None:  # noqa: ANN001
    got = {g: tuple(v) for g, v in import_digests(full_store).items()}
    for graph, expected in REFERENCE.items():
        assert got[graph] == expected, graph
