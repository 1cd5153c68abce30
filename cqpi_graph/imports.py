"""`cqpi import SOURCE PATH…`: registry exports into a new generation of the store.

The new generation is written without the graphs the import replaces (the source's own graph
and the derived ones, catalog and inferred): on a national store, copying the other graphs in
bulk costs far less than deleting millions of quads one by one. An export already imported
(same files, same SHA-256, as the meta graph records them) is recognised on the live store,
before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .build import build, derive, forget_build_inputs
from .errors import StoreNotBuiltError
from .importers import ImportReport, guard
from .importers.registry import source
from .namespaces import CQ, DCT, Graphs
from .progress import NullProgress, Progress
from .provenance import sha256_file
from .store import Endpoint, Store, open_store, store_writer


def _unchanged(store: Store, graph: str, paths: Sequence[Path]) -> list[str] | None:
    """The recorded file names if the graph was loaded from exactly these files, else None."""
    rows = store.select(f"""SELECT ?name ?sha WHERE {{ GRAPH <{Graphs.META}> {{
        <{graph}> <{DCT}source> ?src . ?src <{CQ}fileName> ?name ; <{CQ}sha256> ?sha }} }}""")
    if not rows or not store.count(graph):
        return None
    recorded = {r["name"].value: r["sha"].value for r in rows}
    files: dict[str, Path] = {}
    for p in paths:
        if p.is_dir():
            files.update({name: p / name for name in recorded if (p / name).is_file()})
        else:
            files[p.name] = p
            sibling = {name: p.with_name(name) for name in recorded if p.with_name(name).is_file()}
            files.update({k: v for k, v in sibling.items() if k not in files})
    if set(recorded) != set(files):
        return None
    if any(sha256_file(files[name]) != sha for name, sha in recorded.items()):
        return None
    return sorted(recorded)


def import_registry(
    location: Path | str | None,
    name: str,
    paths: Path | Sequence[Path],
    *,
    endpoint: str | Endpoint | None = None,
    reasoner: str = "rules",
    progress: Progress | None = None,
    allow_shrink: bool = False,
) -> ImportReport:
    """Import exports of one source into the store at location (or endpoint), then derive the
    catalog and rerun inference.

    An import that would shrink the source's graph (a truncated file, far fewer rows than the
    previous import) raises ShrinkRefused and changes nothing, unless allow_shrink.
    """
    progress = progress or NullProgress()
    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    src = source(name)
    try:
        with open_store(location, endpoint=endpoint) as live:
            recorded = _unchanged(live, src.graph, files)
        if recorded is not None:
            return ImportReport(name, src.graph, files=recorded, skipped=True)
        replaced = {src.graph, Graphs.INFERRED, Graphs.CATALOG, Graphs.ALIGNMENTS}
        with (
            guard.allow_shrink(allow_shrink),
            store_writer(location, endpoint=endpoint, without=replaced) as store,
        ):
            report = src.run(store, files, progress)
            derive(store, reasoner, progress)
            forget_build_inputs(store)
        return report
    except StoreNotBuiltError:
        # No graph yet: build one (ontology, code lists, curated data) with this import.
        built = build(
            location,
            endpoint=endpoint,
            imports=[(name, files)],
            reasoner=reasoner,
            progress=progress,
            allow_shrink=allow_shrink,
        )
        return built.imports[0]
