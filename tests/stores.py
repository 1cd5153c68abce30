"""Fixture factories for the stores tests build once per module or session.

`built_store(*files)` makes a fixture that builds a store (ontology, code lists, data/, plus the
named tests/data files) and gives its path; `opened_store("x_path")` makes one that opens the
store a path fixture names and closes it after. A module writes, for example:

    gap_path = built_store("text_fixture.ttl", "gap_fixture.ttl")
    gs = opened_store("gap_path")

pytest registers each fixture under the name it is assigned to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cqpi_graph.build import build
from cqpi_graph.store import Store, open_store

DATA = Path(__file__).resolve().parent / "data"


def built_store(*files: str, scope: str = "module", doc: str = "") -> Callable[..., Any]:
    """A fixture: the path of a store built once with these tests/data files added."""

    def fixture(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
        path = tmp_path_factory.mktemp(request.fixturename) / "store"
        build(path, extra_data=[DATA / f for f in files])
        return path

    fixture.__doc__ = doc or f"A store built with {', '.join(files) or 'the repository files only'}."
    return pytest.fixture(scope=scope)(fixture)  # type: ignore[call-overload]


def opened_store(path_fixture: str, scope: str = "module") -> Callable[..., Any]:
    """A fixture: the store at the path fixture `path_fixture` gives, open for the scope."""

    def fixture(request: pytest.FixtureRequest) -> Iterator[Store]:
        store = open_store(request.getfixturevalue(path_fixture))
        yield store
        store.close()

    fixture.__doc__ = f"The store of `{path_fixture}`, open."
    return pytest.fixture(scope=scope)(fixture)  # type: ignore[call-overload]
