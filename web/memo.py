"""What a page computes from the graph alone, kept for the generation (an embedded store's
generation never changes): the schema.org/ELM twins and the computed section of a certification
are computed once per certification and generation in each web worker."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from .graph import holder

T = TypeVar("T")
MAX_ENTRIES = 4096
_lock = threading.Lock()
_memo: OrderedDict[tuple, object] = OrderedDict()


def per_generation(kind: str, key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), or its value for this generation, kind and key (remote stores: never kept)."""
    h = holder()
    gen = None if h.endpoint else h.generation()
    if gen is None:
        return compute()
    full = (gen, kind, key)
    with _lock:
        if full in _memo:
            _memo.move_to_end(full)
            return _memo[full]  # type: ignore[return-value]
    value = compute()
    with _lock:
        _memo[full] = value
        while len(_memo) > MAX_ENTRIES:
            _memo.popitem(last=False)
    return value
