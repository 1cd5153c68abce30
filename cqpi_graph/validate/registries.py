"""Codes of a référentiel looked up in the registries the store holds (--against-store)."""

from __future__ import annotations

import rdflib


def facts(store, graph: rdflib.Graph, lang: str) -> tuple[rdflib.Graph, list[str]]:  # noqa: ANN001
    return rdflib.Graph(), []
