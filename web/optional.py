"""Library modules written in parallel (paths, socles, validation): imported when present."""

from __future__ import annotations

import dataclasses
import importlib
from types import ModuleType
from typing import Any


def module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"cqpi_graph.{name}")
    except ImportError:
        return None


def function(mod: ModuleType | None, *names: str) -> Any:
    """The first of the given functions that the module defines, or None."""
    if mod is None:
        return None
    for n in names:
        f = getattr(mod, n, None)
        if callable(f):
            return f
    return None


def plain(obj: Any) -> Any:
    """Dataclasses, objects with to_dict()/as_dict(), lists and dicts as plain data."""
    for meth in ("to_dict", "as_dict", "to_json_dict"):
        f = getattr(obj, meth, None)
        if callable(f) and not isinstance(obj, type):
            return plain(f())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [plain(v) for v in obj]
    return obj
