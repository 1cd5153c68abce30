"""Full dumps of the store, streamed: the quad formats keep the named graphs.

* `nquads`, `trig`, `jsonld`: every quad of every named graph, graph names kept (JSON-LD as a
  dataset: one `@graph` per named graph).
* `turtle`, `ntriples`, `rdfxml` of the whole store: the *union* of the named graphs as one
  graph — graph names are dropped and a triple asserted in several graphs is written once (it
  is written with the first graph, in IRI order, that holds it). Use `--graph NAME` to dump one
  named graph in a triple format, or a quad format to keep the provenance of each triple.

Nothing is copied in memory: quads are read from the store's indexes as they are written.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, NotFoundError
from ..namespaces import GRAPH
from ..store import RDF_FORMATS, Store

QUAD_FORMATS = ("nquads", "trig", "jsonld")
TRIPLE_FORMATS = ("turtle", "ntriples", "rdfxml")
EXTENSIONS = {
    "turtle": "ttl",
    "ntriples": "nt",
    "nquads": "nq",
    "trig": "trig",
    "jsonld": "jsonld",
    "rdfxml": "rdf",
}


def resolve_graph(store: Store, name: str) -> str:
    """A graph given by full IRI or by its short name (`curated`, `import/rncp`…)."""
    graphs = store.graphs()
    for candidate in (name, GRAPH + name.strip("/")):
        if candidate in graphs:
            return candidate
    short = sorted(g[len(GRAPH) :] if g.startswith(GRAPH) else g for g in graphs)
    raise NotFoundError(f"graphe nommé inconnu « {name} » (connus : {', '.join(short)})")


@contextlib.contextmanager
def open_output(output: BinaryIO | Path | str | None) -> Iterator[BinaryIO]:
    """A binary stream: the given one, a new file, or stdout for None / '-'."""
    if output is None or str(output) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    elif isinstance(output, str | Path):
        # Written beside the target and renamed at the end: a failed export leaves no half file.
        target = Path(output)
        tmp = target.with_name(f".{target.name}.part")
        try:
            with open(tmp, "wb") as fh:
                yield fh
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
    else:
        yield output


def export_dump(
    store: Store,
    fmt: str,
    graph: str | None = None,
    output: BinaryIO | Path | str | None = None,
) -> None:
    """Write the whole store (or one named graph) in `fmt`, streaming, to `output`.

    fmt is one of turtle, ntriples, nquads, trig, jsonld, rdfxml. `graph` is an IRI or a short
    name (`curated`, `import/rncp`). Quad formats keep graph names; triple formats of the whole
    store write the union of the graphs (see the module docstring).
    """
    if fmt not in RDF_FORMATS:
        raise InputError(
            f"format inconnu « {fmt} »", field="--format", expected=", ".join(sorted(RDF_FORMATS))
        )
    if graph is not None:
        graph = resolve_graph(store, graph)
    with open_output(output) as out:
        store.dump(out, fmt, graph)


def union_triple_count(store: Store) -> int:
    """Number of distinct triples of the union of the graphs (what a triple-format dump holds)."""
    rows = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    )
    return int(rows[0]["n"].value)


def default_file_name(fmt: str) -> str:
    return f"cqpi-graph.{EXTENSIONS[fmt]}"
