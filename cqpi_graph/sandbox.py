"""Parse untrusted files in a child process that cannot hurt the caller.

A crafted file can make a parser use unbounded memory (entity expansion), stack (deep nesting)
or time; in the web process that kills the worker that serves everybody, in `cqpi` it takes the
machine's memory. So the parse runs in a child process with limits on its CPU time
(RLIMIT_CPU), on the memory it may add to what the parent holds (RLIMIT_DATA) and on what it may
send back (output bytes); a wall-clock deadline covers a child that sleeps or blocks. A limit
hit is a `LimitExceeded` — an `InputError` (exit code 2) that also says which HTTP status fits
(413 for sizes, 422 for structures the parser refused) — never a dead caller.

`call(fn, *args)` returns what `fn(*args)` returns; `stream(fn, *args)` yields the items of
the batches the generator `fn(*args)` yields. The child is forked (cheap: the modules are already
imported); in a process with several Python threads (a threaded web server) it comes from a
fork server instead, since forking a multi-threaded process can copy a lock another thread
holds. `stream` always forks: it is for the importers, which run in `cqpi`'s own process.
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import dataclasses
import multiprocessing
import os
import pickle
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import InputError
from .messages import Message, Size, msg

T = TypeVar("T")
MiB = 1 << 20

# Exit codes of a child that stopped itself on a limit it could see coming.
EXIT_MEMORY = 86
EXIT_NESTING = 87


@dataclass(frozen=True)
class Limits:
    """What a child may use (CPU seconds, memory added to the parent's, bytes sent back) and how
    big an archive it reads may be once unpacked (bytes, and ratio above `unpack_floor`)."""

    cpu_seconds: float = 300.0
    memory_bytes: int = 1024 * MiB
    output_bytes: int = 4096 * MiB
    wall_seconds: float | None = None  # default: twice the CPU time, plus 10 s
    unpacked_bytes: int = 4096 * MiB
    unpack_ratio: float = 100.0
    unpack_floor: int = 10 * MiB  # below this unpacked size, any ratio is fine

    @property
    def deadline(self) -> float:
        return self.wall_seconds if self.wall_seconds is not None else 2 * self.cpu_seconds + 10

    @classmethod
    def from_env(cls, **defaults: Any) -> Limits:
        """Defaults, overridden by CQPI_PARSE_CPU_SECONDS, CQPI_PARSE_MEMORY_MB, CQPI_PARSE_OUTPUT_MB
        and CQPI_PARSE_UNPACKED_MB."""
        base = cls(**defaults)
        env = os.environ

        def mb(var: str, value: int) -> int:
            return int(float(env.get(var) or value / MiB) * MiB)

        return dataclasses.replace(
            base,
            cpu_seconds=float(env.get("CQPI_PARSE_CPU_SECONDS") or base.cpu_seconds),
            memory_bytes=mb("CQPI_PARSE_MEMORY_MB", base.memory_bytes),
            output_bytes=mb("CQPI_PARSE_OUTPUT_MB", base.output_bytes),
            unpacked_bytes=mb("CQPI_PARSE_UNPACKED_MB", base.unpacked_bytes),
        )


_current: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("cqpi_parse_limits", default=None)


@contextlib.contextmanager
def limits(value: Limits) -> Iterator[Limits]:
    """Run the block's untrusted parses with these limits (the web view's, say)."""
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


def current_limits() -> Limits:
    return _current.get() or Limits.from_env()


class LimitExceeded(InputError):
    """An untrusted file went over a limit: names the file, the limit and what was expected.

    kind: "cpu", "time", "memory", "output", "nesting", "entities", "unpacked", "crash".
    http_status: 413 when the file is too big for its limits, 422 when its structure was refused.
    """

    SIZE_KINDS = frozenset({"memory", "output", "unpacked"})

    def __init__(
        self,
        message: str | Message,
        *,
        kind: str,
        file: str | None = None,
        expected: str | Message | None = None,
    ):
        self.kind = kind
        super().__init__(message, file=file, expected=expected)

    @property
    def http_status(self) -> int:
        return 413 if self.kind in self.SIZE_KINDS else 422


def _describe(kind: str, lim: Limits) -> Message:
    return {
        "cpu": msg("temps de calcul dépassé ({seconds} s) : lecture arrêtée", seconds=f"{lim.cpu_seconds:g}"),
        "time": msg("délai dépassé ({seconds} s) : lecture arrêtée", seconds=f"{lim.deadline:g}"),
        "memory": msg(
            "mémoire dépassée ({size}) : lecture arrêtée", size=Size(lim.memory_bytes, whole_mb=True)
        ),
        "output": msg(
            "contenu trop volumineux (plus de {size} une fois lu) : lecture arrêtée",
            size=Size(lim.output_bytes, whole_mb=True),
        ),
        "nesting": msg("imbrication trop profonde : lecture arrêtée"),
        "crash": msg("le lecteur s'est arrêté sur ce fichier (mémoire ou imbrication) : lecture refusée"),
    }[kind]


# ---------------------------------------------------------------- in the child


def _data_in_use() -> int:
    """Bytes of private writable memory the process holds now (what RLIMIT_DATA counts)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """A child outlives a killed parent otherwise — holding what it inherited, such as the
    store's writer lock (a forked child shares the parent's open files)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _apply_limits(lim: Limits) -> None:
    cpu = max(1, int(lim.cpu_seconds + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    data = _data_in_use() + lim.memory_bytes
    with contextlib.suppress(ValueError, OSError):  # a lower hard limit set by the system stays
        resource.setrlimit(resource.RLIMIT_DATA, (data, data))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # A parser that aborts (Rust: out of memory, stack overflow) prints on stderr: not ours.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _exception_state(exc: BaseException) -> tuple:
    """An exception as it can cross the pipe: pickled whole when it comes back equal (ParseError
    keeps its message and position), else as (type, args, attributes) (InputError's keyword
    fields survive), else as text."""
    with contextlib.suppress(Exception):
        data = pickle.dumps(exc)
        back = pickle.loads(data)  # noqa: S301 - what this process just pickled
        if str(back) == str(exc):
            return (data,)
    state = (type(exc), exc.args, dict(vars(exc)))
    try:
        pickle.dumps(state)
    except Exception:  # noqa: BLE001 - an exception that does not pickle is sent as text
        return (RuntimeError, (f"{type(exc).__name__}: {exc}",), {})
    return state


def _rebuild(state: tuple) -> BaseException:
    if len(state) == 1:
        return pickle.loads(state[0])  # noqa: S301 - our own child, over a private pipe
    cls, args, attrs = state
    exc = cls.__new__(cls)
    exc.args = args
    vars(exc).update(attrs)
    return exc


def _send(conn, message: tuple) -> None:  # noqa: ANN001
    conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _child(conn, fn: Callable, args: tuple, kwargs: dict, lim: Limits, streaming: bool, parent: int) -> None:  # noqa: ANN001
    try:
        _die_with_parent(parent)
        _apply_limits(lim)
        _current.set(lim)  # the checks in the child (unpacked sizes) read the same limits
        if not streaming:
            _send(conn, ("ok", fn(*args, **kwargs)))
        else:
            for batch in fn(*args, **kwargs):
                _send(conn, ("items", batch))
            _send(conn, ("end", None))
    except MemoryError:
        os._exit(EXIT_MEMORY)
    except RecursionError:
        os._exit(EXIT_NESTING)
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        try:
            _send(conn, ("raise", _exception_state(exc)))
        except MemoryError:
            os._exit(EXIT_MEMORY)
    finally:
        conn.close()


# ---------------------------------------------------------------- in the parent


def _parent_pid(ctx: Any) -> int:
    """The pid the child's parent has: this process when forked, else the fork server's (whose
    own end, when this process dies, ends its children)."""
    if ctx.get_start_method() == "fork":
        return os.getpid()
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return forkserver._forkserver._forkserver_pid or 0  # type: ignore[attr-defined]


def _context(streaming: bool) -> Any:  # a multiprocessing context (fork or forkserver)
    if streaming or threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["cqpi_graph.untrusted", "cqpi_graph.validate.inputs"])
    return ctx


class _Child:
    """One child process and the pipe it answers on."""

    def __init__(self, fn: Callable, args: tuple, kwargs: dict, lim: Limits, name: str, streaming: bool):
        self.lim, self.name = lim, name
        ctx = _context(streaming)
        self.reader, writer = ctx.Pipe(duplex=False)
        parent = _parent_pid(ctx)
        self.proc = ctx.Process(
            target=_child,
            args=(writer, fn, args, kwargs, lim, streaming, parent),
            daemon=True,
            name="cqpi-parse",
        )
        self.proc.start()
        writer.close()
        self.deadline = time.monotonic() + lim.deadline
        self.received = 0
        self.closed = False

    def receive(self) -> tuple:
        """The next message; raises LimitExceeded if the child went over a limit or died."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or not self.reader.poll(remaining):
            self.fail("time" if self.proc.is_alive() else self._death())
        try:
            data = self.reader.recv_bytes(max(1, self.lim.output_bytes - self.received + 1))
        except EOFError:
            self.fail(self._death())
        except OSError:  # a message longer than what is left of the output limit
            self.fail("output")
        self.received += len(data)
        if self.received > self.lim.output_bytes:
            self.fail("output")
        message = pickle.loads(data)  # noqa: S301 - our own child, over a private pipe
        if message[0] == "raise":
            self.close()
            raise _rebuild(message[1])
        return message

    def _death(self) -> str:
        self.proc.join(5)
        code = self.proc.exitcode
        if code in (EXIT_MEMORY,):
            return "memory"
        if code == EXIT_NESTING:
            return "nesting"
        if code in (-signal.SIGXCPU, -signal.SIGKILL):
            return "cpu"
        return "crash"

    def fail(self, kind: str) -> None:
        self.close()
        raise LimitExceeded(
            _describe(kind, self.lim),
            kind=kind,
            file=self.name,
            expected=msg("un fichier de taille raisonnable"),
        )

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.reader.close()
        with contextlib.suppress(ValueError):
            self.proc.close()


def call(fn: Callable[..., T], *args: Any, name: str, lim: Limits | None = None, **kwargs: Any) -> T:
    """fn(*args, **kwargs) run in a child under limits; name is the file, for messages."""
    child = _Child(fn, args, kwargs, lim or current_limits(), name, streaming=False)
    try:
        message = child.receive()
    finally:
        child.close()
    return message[1]


def stream(
    fn: Callable[..., Iterator[list[T]]], *args: Any, name: str, lim: Limits | None = None
) -> Iterator[T]:
    """The items of the generator fn(*args), produced in a child under limits.

    fn yields lists of items (batches): each list is one message on the pipe, so the child
    decides how big a message may be (a few hundred kilobytes is right).
    """
    child = _Child(fn, args, {}, lim or current_limits(), name, streaming=True)
    try:
        while True:
            kind, payload = child.receive()
            if kind == "end":
                return
            yield from payload
    finally:
        child.close()


def in_child() -> bool:
    """True in a parse child (its parent's parse helpers must not fork again)."""
    return multiprocessing.current_process().name == "cqpi-parse"


__all__ = ["LimitExceeded", "Limits", "call", "current_limits", "in_child", "limits", "stream"]
