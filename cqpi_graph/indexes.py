"""The indexes of a generation, built by `cqpi build` and every import as their last step.

Everything the web view and the library look up at every request is computed here once, from the
final graph of the new generation, and kept beside it (STORE/cache/<generation>/): a reader
opens or unpickles it, never recomputes it.

* the catalog (certifications, their names, codes, kinds, groups);
* the facet rows and the statistics graph (`cqpi_graph.facets`; the graph is written into the
  generation itself, the rows into the search database);
* the search database (`cqpi_graph.search`: SQLite FTS5);
* the recognition graph of `paths` and the competence index of `socle`;
* the text model is saved by the text step (`align.align_generation`) just before.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import _cache
from .catalog import load_catalog
from .catalog.index import CACHE_NAME
from .facets import compute_facets, write_statistics_graph
from .progress import NullProgress, Progress
from .store import Store
from .textsim.alignment import Alignment


@dataclass
class IndexReport:
    seconds: dict[str, float] = field(default_factory=dict)
    certifications: int = 0
    statistics_triples: int = 0


def build_indexes(
    store: Store, progress: Progress | None = None, alignments: list[Alignment] | None = None
) -> IndexReport:
    """Compute and keep every index of the store's new generation (the writer's last step).

    alignments: the computed alignments the same writer has just written (else read back)."""
    from .paths.graph import build_graph
    from .search import build_search_database
    from .socle import build_index

    progress = progress or NullProgress()
    report = IndexReport()

    def step(name: str, t0: float) -> float:
        now = time.perf_counter()
        report.seconds[name] = round(now - t0, 3)
        return now

    t = time.perf_counter()
    progress.stage("index : catalogue et facettes")
    cat = load_catalog(store)
    _cache.save_for_generation(store, CACHE_NAME, cat)
    rows = compute_facets(store, cat)
    report.certifications = len(rows)
    t = step("catalog+facets", t)
    report.statistics_triples = write_statistics_graph(store, rows)
    t = step("statistics graph", t)
    if _cache.generation_file(store, CACHE_NAME) is None:
        return report  # a remote server's graph: its readers build what they need once, in memory
    progress.stage("index : recherche plein texte")
    build_search_database(store, cat, rows)
    t = step("search", t)
    progress.stage("index : graphe des reconnaissances et compétences")
    _cache.save_for_generation(store, "paths.graph", build_graph(store))
    t = step("paths graph", t)
    _cache.save_for_generation(store, "socle.index", build_index(store, alignments))
    step("socle index", t)
    return report
