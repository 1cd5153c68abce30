"""Short functions (issue 13): none in cqpi_graph/ or web/ above 80 lines.

An AST scan, fast and without radon: a function's length is its span from `def` (decorators
excluded) to its last line, nested functions counted in their parent too, since a closure is part
of the function that holds it.
"""

from __future__ import annotations

import ast
import functools
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cqpi_graph", "web")
SKIP_DIRS = {"node_modules", "__pycache__", ".venv"}
MAX_LINES = 80
# Known exceptions, each with the branch that removes it.
KNOWN: set[str] = set()


def python_files() -> list[Path]:
    """The .py files of the packages, without walking into node_modules (thousands of files)."""
    out = []
    for pkg in PACKAGES:
        for folder, dirs, files in os.walk(ROOT / pkg):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            out += [Path(folder) / f for f in files if f.endswith(".py")]
    return sorted(out)


def long_functions(path: Path, limit: int = MAX_LINES) -> list[tuple[str, int]]:
    """(qualified name, lines) of the functions of one file longer than limit."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + child.name
                lines = (child.end_lineno or child.lineno) - child.lineno + 1
                if lines > limit:
                    out.append((name, lines))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return out


@functools.cache
def long_functions_of_packages() -> dict[str, int]:
    """{"path::qualified name": lines} of every function above the limit (scanned once)."""
    return {
        f"{p.relative_to(ROOT).as_posix()}::{name}": n
        for p in python_files()
        for name, n in long_functions(p)
    }


def test_the_scan_finds_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(85))
    src = f"class K:\n    def short(self):\n        return 1\n\n    def long(self):\n{body}\n"
    src = src.replace("\n    x", "\n        x")
    f = tmp_path / "m.py"
    f.write_text(src, encoding="utf-8")
    assert long_functions(f) == [("K.long", 86)]


def test_no_function_above_80_lines() -> None:
    offenders = [f"{key} ({n} lignes)" for key, n in long_functions_of_packages().items() if key not in KNOWN]
    assert not offenders, "fonctions de plus de 80 lignes :\n" + "\n".join(offenders)


def test_known_exceptions_still_exist() -> None:
    """An exception that is gone (split, renamed) is removed from KNOWN, so the list stays true."""
    found = set(long_functions_of_packages())
    assert found >= KNOWN, sorted(KNOWN - found)
