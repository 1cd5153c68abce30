"""A progress display on a terminal (stderr), silent otherwise (pipes, CI, tests)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Stage names and item counts, redrawn in place at most ten times a second."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.stage_name = ""
        self.done = 0
        self.total: int | None = None
        self._last = 0.0
        self._start = time.monotonic()

    def stage(self, name: str, total: int | None = None) -> None:
        self._finish_line()
        self.stage_name, self.done, self.total = name, 0, total
        self._start = time.monotonic()
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def close(self) -> None:
        self._finish_line()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        self.stream.write("\r\033[K" + self._text() + f" {now - self._start:5.1f}s")
        self.stream.flush()

    def _text(self) -> str:
        """The line but its time: the stage, with a bar and the count when the total is known."""
        if self.total:
            pct = min(100, int(100 * self.done / self.total))
            bar = "#" * (pct // 4) + "." * (25 - pct // 4)
            return (
                f"{self.stage_name} [{bar}] {pct:3d}% ({self._amount(self.done)}/{self._amount(self.total)})"
            )
        return self._running_text()

    def _amount(self, n: int) -> str:
        return str(n)

    def _running_text(self) -> str:
        return f"{self.stage_name} … {self.done}" if self.done else f"{self.stage_name} …"

    def _finish_line(self) -> None:
        if self.enabled and self.stage_name:
            self.stream.write("\n")
            self.stream.flush()
            self.stage_name = ""


class NullProgress(Progress):
    def __init__(self) -> None:
        super().__init__(enabled=False)
