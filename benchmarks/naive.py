"""The naive stack the benchmarks compare against: plain rdflib in memory, owlrl, pyshacl.

What a competent developer would write without cqpi-graph's engines, in idiomatic use of each
library:

- the store is an in-memory ``rdflib.Dataset`` (one named graph per source, the default graph
  the union of them, as in the embedded store); the project's Turtle files are parsed by rdflib
  and the *same importers* as the real build feed it (their quads are parsed by rdflib's N-Quads
  parser, in batches), so both stacks read the same files and hold the same asserted triples;
- inference is ``owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)`` on an
  ``rdflib.Graph`` of the asserted triples; what it adds (minus the trivial entailments the
  core also leaves out) goes to the inferred named graph;
- the whole-graph validation is ``pyshacl.validate`` with the shapes of ``validate_store``
  (level "store"), on the asserted + inferred triples and the vocabulary, without inference;
- SPARQL queries run on rdflib's own engine over the union default graph.

Used by benchmarks/run.py (``--naive-fiches``); also runnable alone:

    PYTHONPATH=$PWD python benchmarks/naive.py --fiches 500
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import rdflib
from rdflib.plugins.sparql.processor import SPARQLResult

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cqpi_graph.build import project_files
from cqpi_graph.importers import SOURCES  # noqa: E402
from cqpi_graph.inference import _is_trivial  # noqa: E402
from cqpi_graph.namespaces import PREFIXES, Graphs  # noqa: E402
from cqpi_graph.progress import NullProgress  # noqa: E402
from cqpi_graph.store.base import Row, Store, Term, with_prefixes  # noqa: E402

RDFLIB_FORMATS = {
    "turtle": "turtle",
    "ntriples": "nt",
    "nquads": "nquads",
    "trig": "trig",
    "jsonld": "json-ld",
    "rdfxml": "xml",
}
RESULT_FORMATS = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}


def _term(t: rdflib.term.Node) -> Term:
    if isinstance(t, rdflib.URIRef):
        return Term("uri", str(t))
    if isinstance(t, rdflib.BNode):
        return Term("bnode", str(t))
    dt = str(t.datatype) if t.datatype else None
    if dt is None and not t.language:
        dt = "http://www.w3.org/2001/XMLSchema#string"
    return Term("literal", str(t), lang=t.language, datatype=dt)


class NaiveStore(Store):
    """The Store facade over an in-memory rdflib.Dataset (union default graph)."""

    def __init__(self) -> None:
        self.ds = rdflib.Dataset(default_union=True)
        for k, v in PREFIXES.items():
            self.ds.bind(k, v)
        self.location = ":memory:"

    # -- reading
    def _query(self, query: str) -> SPARQLResult:
        return self.ds.query(with_prefixes(query))

    def select(self, query: str) -> list[Row]:
        res = self._query(query)
        names = [str(v) for v in res.vars or []]
        return [{n: _term(row[i]) for i, n in enumerate(names) if row[i] is not None} for row in res]

    def ask(self, query: str) -> bool:
        return bool(self._query(query).askAnswer)

    def construct(self, query: str, fmt: str = "ntriples") -> bytes:
        return self._query(query).graph.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")

    def query_serialized(self, query: str, fmt: str) -> tuple[str, bytes]:
        res = self._query(query)
        if res.type in ("CONSTRUCT", "DESCRIBE"):
            return "graph", res.graph.serialize(format=RDFLIB_FORMATS.get(fmt, "turtle"), encoding="utf-8")
        kind = "ask" if res.type == "ASK" else "select"
        return kind, res.serialize(format=RESULT_FORMATS.get(fmt, "json"))

    def graphs(self) -> list[str]:
        return sorted(
            str(c.identifier)
            for c in self.ds.contexts()
            if isinstance(c.identifier, rdflib.URIRef) and len(c)
        )

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return sum(1 for _ in self.ds.quads((None, None, None, None)))
        return len(self.ds.graph(rdflib.URIRef(graph)))

    def dump(self, output: BinaryIO | Path, fmt: str, graph: str | None = None) -> None:
        src = self.ds.graph(rdflib.URIRef(graph)) if graph else self.ds
        data = src.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")
        if isinstance(output, Path):
            output.write_bytes(data)
        else:
            output.write(data)

    # -- writing
    def update(self, update: str) -> None:
        self.ds.update(with_prefixes(update))

    def load(self, data: bytes | Path, fmt: str, graph: str | None = None) -> None:
        target = self.ds.graph(rdflib.URIRef(graph)) if graph else self.ds
        if isinstance(data, Path):
            target.parse(str(data), format=RDFLIB_FORMATS[fmt])
        else:
            target.parse(data=data, format=RDFLIB_FORMATS[fmt])

    def add_quads(self, quads: Iterable[tuple[str, str, str, str]]) -> int:
        n = 0
        batch: list[str] = []
        for s, p, o, g in quads:
            batch.append(f"{s} {p} {o} <{g}> .\n")
            if len(batch) >= 50_000:
                self.ds.parse(data="".join(batch), format="nquads")
                n += len(batch)
                batch.clear()
        if batch:
            self.ds.parse(data="".join(batch), format="nquads")
            n += len(batch)
        return n

    def clear_graph(self, graph: str) -> None:
        self.ds.remove_graph(rdflib.URIRef(graph))

    def quads(self, graph: str | None = None) -> Iterator:  # not needed by the naive stack
        raise NotImplementedError

    def union_graph(self, *, skip: Sequence[str] = ()) -> rdflib.Graph:
        """The triples of every named graph (but skip) in one plain rdflib.Graph."""
        g = rdflib.Graph()
        skipped = {rdflib.URIRef(x) for x in skip}
        for s, p, o, c in self.ds.quads((None, None, None, None)):
            ident = getattr(c, "identifier", c)
            if ident not in skipped:
                g.add((s, p, o))
        return g


def naive_build(imports: Sequence[tuple[str, Path]], *, log=print) -> tuple[NaiveStore, dict]:  # noqa: ANN001
    """Load, import, infer (owlrl), validate (pyshacl); returns the store and phase timings."""
    import owlrl
    import pyshacl

    from cqpi_graph.validate.shacl_engine import vocabulary
    from cqpi_graph.validate.shapes import shapes_graph

    times: dict[str, float] = {}
    store = NaiveStore()
    t = time.perf_counter()
    for graph, files, _title in project_files():
        for f in files:
            store.ds.graph(rdflib.URIRef(graph)).parse(str(f), format="turtle")
    for name, path in imports:
        SOURCES[name].run(store, [Path(path)], NullProgress())
    times["import"] = time.perf_counter() - t
    log(f"  naive import: {times['import']:.1f} s, {store.count()} quads")

    t = time.perf_counter()
    asserted = store.union_graph(skip=[Graphs.META])
    closure = rdflib.Graph()
    closure += asserted
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    inferred = store.ds.graph(rdflib.URIRef(Graphs.INFERRED))
    n = 0
    for t3 in closure:
        if t3 not in asserted and not _is_trivial(t3):
            inferred.add(t3)
            n += 1
    times["inference"] = time.perf_counter() - t
    times["inferred"] = n
    log(f"  naive inference (owlrl): {times['inference']:.1f} s, {n} inferred")
    del closure

    t = time.perf_counter()
    data = asserted
    data += inferred
    data += vocabulary()
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph("store"),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
    )
    times["validation"] = time.perf_counter() - t
    times["results"] = len(set(report.subjects(rdflib.RDF.type, rdflib.SH.ValidationResult)))
    log(f"  naive validation (pyshacl): {times['validation']:.1f} s, {times['results']} results")
    times["total"] = times["import"] + times["inference"] + times["validation"]
    return store, times


def main() -> None:
    import argparse
    import tempfile

    from generate_rncp import generate_rncp_zip

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fiches", type=int, default=500)
    ap.add_argument("--no-reference", action="store_true", help="RNCP only (no ROME/ESCO/BCN/kit)")
    args = ap.parse_args()
    from run import reference_imports  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="cqpi-naive-") as tmp:
        z = generate_rncp_zip(Path(tmp) / "export-fiches-csv-2024-02-22.zip", args.fiches)
        imports = [("rncp", z)] + ([] if args.no_reference else reference_imports())
        _, times = naive_build(imports)
    print({k: round(v, 2) for k, v in times.items()})


if __name__ == "__main__":
    main()
