"""`cqpi import SOURCE PATH`: one registry export into a new generation of the store.

The new generation is written without the graphs the import replaces (the source's own graph
and the inferred graph): on a national store, copying the other graphs in bulk costs far less
than deleting millions of quads one by one. An export already imported (same files, same
SHA-256, as the meta graph records them) is recognised on the live store, before anything is
written.
"""

from __future__ import annotations

from pathlib import Path

from ..build import build, run_inference
from ..errors import StoreNotBuiltError
from ..namespaces import CQ, DCT, Graphs
from ..progress import NullProgress, Progress
from ..provenance import sha256_file
from ..store import Store, open_store, store_writer
from . import SOURCES, bcn, esco, guard, kit, rncp, rome
from .common import ImportReport


def target_graph(name: str, path: Path) -> str:
    """The named graph an import of this source and file replaces."""
    if name == "rncp":
        return rncp.GRAPH_XML if rncp.detect_kind(path) == "xml" else rncp.GRAPH_CSV
    return {"bcn": bcn.GRAPH, "kit": kit.GRAPH, "rome": rome.GRAPH, "esco": esco.GRAPH}[name]


def _unchanged(store: Store, graph: str, path: Path) -> list[str] | None:
    """The recorded file names if the graph was loaded from exactly these files, else None."""
    rows = store.select(f"""SELECT ?name ?sha WHERE {{ GRAPH <{Graphs.META}> {{
        <{graph}> <{DCT}source> ?src . ?src <{CQ}fileName> ?name ; <{CQ}sha256> ?sha }} }}""")
    if not rows or not store.count(graph):
        return None
    names = []
    for r in rows:
        name = r["name"].value
        file = path if path.is_file() else path / name
        if path.is_file() and path.name != name:
            return None
        if not file.is_file() or sha256_file(file) != r["sha"].value:
            return None
        names.append(name)
    return sorted(names)


def import_registry(
    location: Path | str | None,
    name: str,
    path: Path,
    *,
    endpoint: str | None = None,
    reasoner: str = "rules",
    progress: Progress | None = None,
    allow_shrink: bool = False,
) -> ImportReport:
    """Import one export into the store at location (or endpoint), then rerun inference.

    An import that would shrink the source's graph (a truncated file, far fewer rows than the
    previous import) raises ShrinkRefused and changes nothing, unless allow_shrink.
    """
    progress = progress or NullProgress()
    path = Path(path)
    graph = target_graph(name, path)
    try:
        with open_store(location, endpoint=endpoint) as live:
            files = _unchanged(live, graph, path)
        if files is not None:
            return ImportReport(name, graph, files=files, skipped=True)
        with (
            guard.allow_shrink(allow_shrink),
            store_writer(location, endpoint=endpoint, without={graph, Graphs.INFERRED}) as store,
        ):
            report = SOURCES[name](store, path, progress)
            if not report.skipped:
                run_inference(store, reasoner, progress)
        return report
    except StoreNotBuiltError:
        # No graph yet: build one (ontology, code lists, curated data) with this import.
        built = build(
            location,
            endpoint=endpoint,
            imports=[(name, path)],
            reasoner=reasoner,
            progress=progress,
            allow_shrink=allow_shrink,
        )
        return built.imports[0]
