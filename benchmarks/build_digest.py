"""Digest of everything a build produces: each named graph and each structure kept beside the
generation (text model, catalog, recognition graph, competence index, search database).

    PYTHONPATH=$PWD python benchmarks/build_digest.py STORE_PATH > digest.json

Two builds of the same inputs give the same digests, except the meta graph (its build times
and timestamps: only its size is compared). Dictionaries are compared by content, blank node
labels are left out: both follow the blank node ids a build draws at random. Used to prove that
a speed-up changes no answer: run it on a store built before and one built after the change,
then `diff` the two outputs.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import json
import pickle
import re
import sqlite3
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from cqpi_graph import _cache  # noqa: E402
from cqpi_graph.namespaces import Graphs  # noqa: E402
from cqpi_graph.store import Store, open_store  # noqa: E402

_BNODE = re.compile(rb"_:[A-Za-z0-9]+")


def _feed(h: hashlib._Hash, value: object) -> None:
    """A digest of a value by content (arrays by their values, dataclasses field by field)."""
    if sp.issparse(value):
        m = sp.csr_matrix(value)
        m.sort_indices()
        for part in (m.shape, m.indptr, m.indices, m.data):
            _feed(h, part)
    elif isinstance(value, np.ndarray):
        h.update(f"{value.dtype}{value.shape}".encode())
        h.update(np.ascontiguousarray(value).tobytes())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(type(value).__name__.encode())
        for f in dataclasses.fields(value):
            h.update(f.name.encode())
            _feed(h, getattr(value, f.name))
    elif isinstance(value, dict):  # by content: insertion order follows the store's blank node ids
        h.update(b"{")
        for k, v in sorted(value.items(), key=lambda kv: repr(kv[0])):
            _feed(h, k)
            _feed(h, v)
        h.update(b"}")
    elif isinstance(value, list | tuple):
        h.update(b"[")
        for v in value:
            _feed(h, v)
        h.update(b"]")
    elif isinstance(value, set | frozenset):
        h.update(b"(")
        for v in sorted(value, key=repr):
            _feed(h, v)
        h.update(b")")
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        h.update(type(value).__name__.encode())
        _feed(h, vars(value))
    else:
        h.update(repr(value).encode())


def graph_digest(store: Store, graph: str) -> tuple[int, str]:
    """Triples and SHA-256 of the sorted N-Triples, blank node labels left out (a build draws
    them at random: the ontology's OWL restrictions and lists)."""
    buf = io.BytesIO()
    store.dump(buf, "ntriples", graph=graph)
    lines = sorted(_BNODE.sub(b"_:b", line) for line in buf.getvalue().split(b"\n") if line.strip())
    return len(lines), hashlib.sha256(b"\n".join(lines)).hexdigest()


def value_digest(value: object) -> str:
    h = hashlib.sha256()
    _feed(h, value)
    return h.hexdigest()


def model_digests(model: object) -> dict[str, str]:
    """One digest per field of the text model (so that a difference names its part)."""
    return {f.name: value_digest(getattr(model, f.name)) for f in dataclasses.fields(model)}  # type: ignore[arg-type]


def sqlite_digests(path: Path) -> dict[str, list[object]]:
    """{table: [rows, sha256 of the sorted rows]} of an SQLite database (FTS5 by its matches)."""
    out: dict[str, list[object]] = {}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for t in sorted(tables):
            if t.startswith("fts"):
                continue  # content-less FTS5: compared through the entries and their queries below
            rows = sorted(repr(r) for r in db.execute(f'SELECT * FROM "{t}"') if r[0] != "generation")
            out[t] = [len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()]
        probes = ["techn", "boulang", "maintenance", "commerce", "infirm", "logist", "cuisine", "bts"]
        hits = [
            repr(db.execute("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid", (f"{p}*",)).fetchall())
            for p in probes
        ]
        out["fts (probes)"] = [len(hits), hashlib.sha256("\n".join(hits).encode()).hexdigest()]
    return out


def cache_digests(store_path: Path, generation: str) -> dict[str, object]:
    out: dict[str, object] = {}
    folder = store_path / "cache" / generation
    for f in sorted(folder.glob("*")):
        name = f.name.rsplit("-", 1)[0]
        if f.suffix == ".sqlite":
            out[name] = sqlite_digests(f)
        elif f.suffix == ".pickle":
            with open(f, "rb") as fh:
                value = pickle.load(fh)  # written by this program into the store's own folder
            if name == "socle.index":  # its alignments only join classes: their order means nothing
                value.alignments.sort(key=lambda a: (a.a, a.b, a.method))
            out[name] = model_digests(value) if name == "textsim.model" else value_digest(value)
    return out


def build_digest(store_path: Path) -> dict[str, object]:
    with open_store(store_path) as store:
        graphs = {}
        for g in sorted(store.graphs()):
            graphs[g] = [store.count(g)] if g == Graphs.META else list(graph_digest(store, g))
        generation = Path(str(store.directory)).name  # type: ignore[attr-defined]
        total = sum(store.count(g) for g in store.graphs())
    _cache.clear()
    return {"quads": total, "graphs": graphs, "cache": cache_digests(store_path, generation)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", type=Path)
    args = ap.parse_args()
    print(json.dumps(build_digest(args.path), indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
