"""An import never shrinks a source's graph without saying so, and never keeps a bad row quiet.

Shrink guard: an interrupted download reads as a valid but short file, and an import replaces
the source's whole graph — so half the BCN could vanish with exit code 0. Before an import is
committed, it is compared with the previous import of the same source (the row counts recorded
in the meta graph, per file and in total). It is refused — `ShrinkRefused`, exit code 2, the
generation discarded so the live graph is untouched — when

- a file ends in the middle of a row (the reader noticed: `ImportReport.truncated`);
- a file of the previous import is missing, or
- the rows read fall below SHRINK_RATIO of the previous import's (and by SHRINK_MIN_ROWS rows
  at least), in total or in one file,

unless the caller allows it (`cqpi import --allow-shrink`, `allow_shrink()`). A build compares
with the live store it replaces (`baseline()`), since it writes into an empty one.

Bad rows: duplicated codes with conflicting values (`ImportReport.first`, in common.py) and
succession cycles of any length (`report_cycles`, here, on the graph the import wrote).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..namespaces import CQ, XSD, Graphs
from ..store.base import Store

# Below this share of the previous import's rows, an import is refused: the threshold of
# `cqpi fetch` too (a download more than 20 % shorter than the installed file).
SHRINK_RATIO = float(os.environ.get("CQPI_SHRINK_RATIO") or 0.8)
# ... and by at least this many rows: a small file that loses a few rows has not been cut.
SHRINK_MIN_ROWS = int(os.environ.get("CQPI_SHRINK_MIN_ROWS") or 50)


class ShrinkRefused(InputError):
    """The import would shrink its source's graph: refused (exit code 2), the graph untouched."""


@dataclass
class PreviousImport:
    """What the meta graph recorded of the last import of a source."""

    rows: int | None
    files: dict[str, int] = field(default_factory=dict)
    when: str | None = None


_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("cqpi_allow_shrink", default=False)
_baseline: contextvars.ContextVar[dict[str, PreviousImport] | None] = contextvars.ContextVar(
    "cqpi_import_baseline", default=None
)


@contextlib.contextmanager
def allow_shrink(allowed: bool = True) -> Iterator[None]:
    token = _allowed.set(allowed or _allowed.get())  # an outer permission holds inside
    try:
        yield
    finally:
        _allowed.reset(token)


@contextlib.contextmanager
def baseline(previous: dict[str, PreviousImport] | None) -> Iterator[None]:
    """Compare the imports of the block with these (a build: the store it replaces)."""
    token = _baseline.set(previous)
    try:
        yield
    finally:
        _baseline.reset(token)


# ---------------------------------------------------------------- reading and writing the record


def _file_node(graph: str, i: int) -> str:
    return f"{graph}#rows-{i}"


def previous_imports(store: Store, graphs: list[str] | None = None) -> dict[str, PreviousImport]:
    """graph -> what its last import recorded (rows in total and per file, end time)."""
    rows = store.select(
        f"""SELECT ?g ?rows ?when ?file ?n WHERE {{ GRAPH <{Graphs.META}> {{
            ?g <{CQ}rowsRead> ?rows .
            OPTIONAL {{ ?g <http://www.w3.org/ns/prov#generatedAtTime> ?when }}
            OPTIONAL {{ ?g <{CQ}fileRowCount> ?node .
                        ?node <{CQ}fileName> ?file ; <{CQ}rowsRead> ?n }} }} }}"""
    )
    out: dict[str, PreviousImport] = {}
    for r in rows:
        g = r["g"].value
        if graphs is not None and g not in graphs:
            continue
        p = out.setdefault(
            g, PreviousImport(int(r["rows"].value), when=r["when"].value if "when" in r else None)
        )
        if "file" in r:
            p.files[r["file"].value] = int(r["n"].value)
    return out


def previous_import(store: Store, graph: str) -> PreviousImport | None:
    """The baseline's record if a build set one, else what the store being written recorded."""
    base = _baseline.get()
    if base is not None:
        return base.get(graph)
    return previous_imports(store, [graph]).get(graph)


def record_file_rows(store: Store, graph: str, rows_by_file: dict[str, int]) -> None:
    """The rows read in each file (CSV members of an archive too), for the next comparison."""
    store.update(
        f"""DELETE {{ GRAPH <{Graphs.META}> {{ <{graph}> <{CQ}fileRowCount> ?n . ?n ?p ?o }} }}
        WHERE {{ GRAPH <{Graphs.META}> {{ <{graph}> <{CQ}fileRowCount> ?n . ?n ?p ?o }} }}"""
    )
    quads = []
    for i, (name, n) in enumerate(sorted(rows_by_file.items())):
        node = _file_node(graph, i)
        name_lit = name.replace("\\", "\\\\").replace('"', '\\"')
        quads += [
            (f"<{graph}>", f"<{CQ}fileRowCount>", f"<{node}>", Graphs.META),
            (f"<{node}>", f"<{CQ}fileName>", f'"{name_lit}"', Graphs.META),
            (f"<{node}>", f"<{CQ}rowsRead>", f'"{n}"^^<{XSD}integer>', Graphs.META),
        ]
    store.add_quads(quads)


# ---------------------------------------------------------------- the check


def file_key(name: str) -> str:
    """A file's name as two exports share it: lower case, without dates or version numbers, and
    without its non-ASCII characters, which archives do not always encode the same way
    (export_fiches_CSV_Blocs_De_Compétences_2024_02_22.csv ~ …_Comp├⌐tences_2021_02_01.csv)."""
    text = "".join(c for c in name.lower() if c.isascii())
    return re.sub(r"\d+", "#", text)


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _shrinks(now: int, before: int) -> bool:
    return now < before * SHRINK_RATIO and before - now >= SHRINK_MIN_ROWS


def shrink_problems(report, previous: PreviousImport | None) -> list[str]:  # noqa: ANN001 - ImportReport
    """Why this import would shrink its source's graph (empty: it would not)."""
    problems = list(report.truncated)
    if previous is None or previous.rows is None:
        return problems
    if _shrinks(report.rows_read, previous.rows):
        problems.append(
            f"{_n(report.rows_read)} lignes lues, contre {_n(previous.rows)} à l'import précédent "
            f"({report.rows_read / max(1, previous.rows):.0%})"
        )
    counts = {file_key(k): v for k, v in report.rows_by_file.items()}
    for name, before in sorted(previous.files.items()):
        now = counts.get(file_key(name))
        if now is None and before and report.rows_by_file:
            problems.append(f"fichier {name} absent (il avait {_n(before)} lignes à l'import précédent)")
        elif now is not None and _shrinks(now, before):
            problems.append(f"{name} : {_n(now)} lignes, contre {_n(before)} à l'import précédent")
    return problems


def check_shrink(report, previous: PreviousImport | None, files: list[Path]) -> None:  # noqa: ANN001
    """Raise ShrinkRefused if the import would shrink the graph and that is not allowed."""
    report.previous_rows = previous.rows if previous else None
    problems = shrink_problems(report, previous)
    if not problems:
        return
    if _allowed.get():
        report.notes.append("réduction acceptée (--allow-shrink) : " + " ; ".join(problems))
        return
    raise ShrinkRefused(
        "import refusé, le graphe de la source rétrécirait : " + " ; ".join(problems),
        file=", ".join(str(f) for f in files),
        expected="un export complet (ou --allow-shrink si la réduction est voulue)",
    )


# ---------------------------------------------------------------- cycles


def find_cycles(edges: list[tuple[str, str]]) -> list[list[str]]:
    """One cycle (as a closed list of nodes) per strongly connected component of more than one
    node — iterative Tarjan, so that a long chain does not hit Python's recursion limit."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            succ = graph[node]
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    components.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return [_cycle_in(set(c), graph) for c in components]


def _cycle_in(component: set[str], graph: dict[str, list[str]]) -> list[str]:
    """A cycle through the smallest node of a strongly connected component (breadth first)."""
    start = min(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for succ in graph[node]:
                if succ not in component:
                    continue
                if succ == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if succ not in previous:
                    previous[succ] = node
                    nxt.append(succ)
        frontier = nxt
    return [start, start]


def report_cycles(store: Store, graph: str, report, file: str) -> int:  # noqa: ANN001 - ImportReport
    """Report each succession cycle of the graph (cq:replacedBy) as an error; returns how many.

    The declared successions stay as the registry published them (`cqpi validate --store`
    flags them too); what changes is that the import says so.
    """
    rows = store.select(f"SELECT ?a ?b WHERE {{ GRAPH <{graph}> {{ ?a <{CQ}replacedBy> ?b }} }}")
    cycles = find_cycles([(r["a"].value, r["b"].value) for r in rows])
    for cycle in cycles:
        codes = " → ".join(_code(c) for c in cycle)
        report.error(
            file,
            None,
            "succession",
            f"successions en cycle : {codes} (chaque certification y remplace la suivante)",
            "une chaîne de successions sans retour",
        )
    return len(cycles)


def _code(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


__all__ = [
    "SHRINK_RATIO",
    "PreviousImport",
    "ShrinkRefused",
    "allow_shrink",
    "baseline",
    "check_shrink",
    "find_cycles",
    "previous_import",
    "previous_imports",
    "record_file_rows",
    "report_cycles",
    "shrink_problems",
]
