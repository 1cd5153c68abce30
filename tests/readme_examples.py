"""The `cqpi` command examples of a Markdown file, as tests/test_readme_examples.py runs them.

A command is read from a fenced code block: a line whose first word (after `$ ` and `VAR=value`
assignments) is `cqpi`, continued over the next lines while it ends with a backslash or a quote
is open; `a && b` are two commands; a trailing `# comment` is kept, and `# exit N` in it is the
exit code the example promises (0 otherwise).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^\s*```")
COMMENT = re.compile(r"\s+#(?:\s.*)?$")
ENV = re.compile(r"^[A-Z_][A-Z0-9_]*=")
EXIT = re.compile(r"\bexit (\d+)")


@dataclass(frozen=True)
class Example:
    line: int
    argv: tuple[str, ...]  # the words after `cqpi`
    env: tuple[tuple[str, str], ...] = ()
    comment: str = ""

    @property
    def exit_code(self) -> int:
        m = EXIT.search(self.comment)
        return int(m.group(1)) if m else 0

    @property
    def text(self) -> str:
        return " ".join(["cqpi", *self.argv])


def examples(path: Path) -> list[Example]:
    found: list[Example] = []
    block: list[tuple[int, str]] | None = None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line):
            if block is not None:
                found += [e for start, text in _commands(block) for e in _parse(start, text)]
            block = None if block is not None else []
        elif block is not None:
            block.append((n, line))
    return found


def _complete(text: str) -> bool:
    if text.rstrip().endswith("\\"):
        return False
    try:
        shlex.split(_uncomment(text)[0])
    except ValueError:  # an open quote: the command goes on
        return False
    return True


def _commands(block: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    i = 0
    while i < len(block):
        start, text = block[i]
        while not _complete(text) and i + 1 < len(block):
            i += 1
            if text.rstrip().endswith("\\"):
                text = text.rstrip()[:-1] + " " + block[i][1].strip()
            else:
                text += "\n" + block[i][1]
        i += 1
        yield start, text


def _uncomment(text: str) -> tuple[str, str]:
    lines = text.split("\n")
    m = COMMENT.search(lines[-1])
    if m is None:
        return text, ""
    lines[-1] = lines[-1][: m.start()]
    return "\n".join(lines), m.group(0).strip().lstrip("#").strip()


def _parse(start: int, text: str) -> list[Example]:
    body, comment = _uncomment(text.strip().removeprefix("$ "))
    try:
        tokens = shlex.split(body)
    except ValueError:
        return []
    found = []
    while tokens:
        cut = tokens.index("&&") if "&&" in tokens else len(tokens)
        part, tokens = tokens[:cut], tokens[cut + 1 :]
        env = []
        while part and ENV.match(part[0]):
            key, value = part.pop(0).split("=", 1)
            env.append((key, value))
        if part[:1] == ["cqpi"]:
            found.append(Example(start, tuple(part[1:]), tuple(env), comment))
    return found
