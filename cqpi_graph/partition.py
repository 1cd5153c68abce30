"""Disjoint sets of IRIs (union-find with path halving): what is one thing by declared links."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable


def _first(a: str, b: str) -> str:
    return a


class Partition:
    """Each item in the set of its root; `union` keeps the root its `keep` chooses of the two."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        self.parent = {x: x for x in items}

    def __contains__(self, x: str) -> bool:
        return x in self.parent

    def find(self, x: str) -> str:
        """x's root; an item not seen yet becomes a set of its own."""
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str, keep: Callable[[str, str], str] = _first) -> None:
        """Join a's set and b's; the root kept is keep(a's root, b's root) (default: a's)."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            root = keep(ra, rb)
            self.parent[rb if root == ra else ra] = root

    def groups(self) -> dict[str, list[str]]:
        """root -> its items, in the order they were first seen."""
        out: dict[str, list[str]] = defaultdict(list)
        for x in self.parent:
            out[self.find(x)].append(x)
        return out
