"""The search index the web view reads: the generation's SQLite FTS5 database written by
`cqpi build` (cqpi_graph.search), opened once per generation and process."""

from __future__ import annotations

from cqpi_graph.search import SearchIndex, load_search_index


def get_index(holder) -> SearchIndex:  # noqa: ANN001 - web.graph.GraphHolder
    return load_search_index(holder.store())
