"""SPARQL queries of /sparql run in worker processes, so that a query can really be stopped.

pyoxigraph cannot interrupt a query running in a thread. Each worker process opens the store
read-only (and reopens it when a build makes a new generation live); the web process sends it
one query at a time and kills it when the time limit passes, then starts a fresh one.

The limits hold for the whole answer, not just its first byte:
- rows (or triples) are counted in the worker before anything is serialised (`max_results`);
- the answer comes back in chunks and stops at `max_bytes` (one 512 MB row is cut too);
- `timeout` is a wall-clock limit on the whole answer: a query that has not finished answering
  by then is stopped; an answer already streaming to the client ends with a clear error line;
- each worker's memory is capped (`worker_memory`, RLIMIT_DATA): a query that builds a huge
  value kills only its worker, and the request gets a 503.
Small answers are buffered whole (a complete response, or a clean error status); beyond
STREAM_AFTER bytes they are streamed, so the web process never holds more than that.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from cqpi_graph.messages import Message, Quoted, msg, render


@dataclass
class Outcome:
    status: str  # "ok", "syntax", "error", "cap", "toobig", "memory", "timeout", "busy"
    kind: str = ""  # "select", "ask", "graph" when ok
    data: bytes | Iterator[bytes] = b""  # the whole answer, or its chunks as they come
    message: str | Message | Quoted = ""  # rendered in the request's language by web/sparql


CHUNK = 64 * 1024  # bytes a worker sends at once
STREAM_AFTER = 1 << 20  # answers up to this size are buffered whole before the response starts
MiB = 1 << 20


# ---------------------------------------------------------------- in the worker process


def _open(location: str | None, endpoint: str | None):  # noqa: ANN202
    from cqpi_graph.store import open_store
    from web.graph import remote

    return open_store(location, endpoint=remote(endpoint))


def _generation(location: str | None) -> str | None:
    from cqpi_graph.store import default_location

    loc = Path(location) if location else default_location()
    try:
        return os.readlink(loc / "current")
    except OSError:
        return None


class _Sender:
    """A file-like object serialisers write into: sends CHUNK-sized pieces, stops at the cap."""

    class Full(Exception):
        pass

    def __init__(self, send, cap: int) -> None:  # noqa: ANN001
        self.send, self.cap = send, cap
        self.buf = bytearray()
        self.total = 0

    def write(self, data: bytes) -> int:
        room = self.cap - self.total
        piece = bytes(data[: max(0, room)])
        self.buf += piece
        self.total += len(piece)
        while len(self.buf) >= CHUNK:
            self.send(("chunk", bytes(self.buf[:CHUNK])))
            del self.buf[:CHUNK]
        if len(data) > room:
            raise self.Full
        return len(data)

    def flush(self) -> None:
        if self.buf:
            self.send(("chunk", bytes(self.buf)))
            self.buf.clear()


def _stream_bytes(send, kind: str, data: bytes, cap: int) -> None:  # noqa: ANN001
    send(("head", kind))
    out = _Sender(send, cap)
    try:
        out.write(data)
    except _Sender.Full:
        out.flush()
        send(("cut", _too_big(cap), "toobig"))
        return
    out.flush()
    send(("end", ""))


def _too_big(cap: int) -> Message:
    return msg("réponse de plus de {size} Mo", size=f"{cap / MiB:.3g}")


def _execute_remote(store, send, query: str, result_fmt: str, graph_fmt: str, max_bytes: int) -> None:  # noqa: ANN001
    from cqpi_graph.errors import CqpiError, QuerySyntaxError
    from cqpi_graph.export.service import QUERY_BASE_IRI

    try:
        kind, data = store.query_serialized(query, result_fmt, base_iri=QUERY_BASE_IRI)
        if kind == "graph":
            kind, data = store.query_serialized(query, graph_fmt, base_iri=QUERY_BASE_IRI)
    except Exception as exc:  # noqa: BLE001
        syntax = isinstance(exc, QuerySyntaxError | SyntaxError)
        words = exc.as_message() if isinstance(exc, CqpiError) else Quoted(str(exc))
        send(("syntax" if syntax else "error", "", b"", words))
        return
    _stream_bytes(send, kind, data, max_bytes)


def execute(
    store,  # noqa: ANN001
    send,  # noqa: ANN001
    query: str,
    result_fmt: str,
    graph_fmt: str,
    cap: int,
    default_graphs: list[str],
    named_graphs: list[str],
    max_bytes: int,
) -> None:
    """Run one query on an open store and send its outcome: one ("status", kind, data, message)
    message for an error, or ("head", kind), ("chunk", bytes)…, then ("end", "") or
    ("cut", why, "toobig" | "error")."""
    from cqpi_graph.export.service import QUERY_BASE_IRI
    from cqpi_graph.store.embedded import EmbeddedStore

    if not isinstance(store, EmbeddedStore):  # a server: the query goes to it as it is
        _execute_remote(store, send, query, result_fmt, graph_fmt, max_bytes)
        return

    import pyoxigraph as ox

    from cqpi_graph.namespaces import PREFIXES
    from cqpi_graph.store.embedded import RDF_FORMAT, RESULT_FORMAT

    raw = store.snapshot()
    kwargs: dict = {"prefixes": PREFIXES, "base_iri": QUERY_BASE_IRI}
    if default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]

    try:
        result = raw.query(query, **kwargs)
        if isinstance(result, ox.QueryBoolean):
            _stream_bytes(send, "ask", result.serialize(format=RESULT_FORMAT[result_fmt]) or b"", max_bytes)
            return
        for n, _ in enumerate(result, 1):
            if n > cap:
                what = (
                    "plus de {cap} triplets"
                    if isinstance(result, ox.QueryTriples)
                    else "plus de {cap} lignes"
                )
                send(("cap", "", b"", msg(what, cap=cap)))
                return
        result = raw.query(query, **kwargs)
    except SyntaxError as exc:
        send(("syntax", "", b"", Quoted(str(exc))))  # the parser's own words
        return
    except (OSError, ValueError, RuntimeError) as exc:
        send(("error", "", b"", Quoted(str(exc))))
        return
    graph = isinstance(result, ox.QueryTriples)
    send(("head", "graph" if graph else "select"))
    out = _Sender(send, max_bytes)
    sink = cast("IO[bytes]", out)  # the serialisers only call write()
    try:
        if isinstance(result, ox.QueryTriples):
            result.serialize(sink, format=RDF_FORMAT[graph_fmt])
        else:
            result.serialize(sink, format=RESULT_FORMAT[result_fmt])
    except _Sender.Full:
        out.flush()
        send(("cut", _too_big(max_bytes), "toobig"))
        return
    except (OSError, ValueError, RuntimeError) as exc:
        out.flush()
        send(("cut", f"erreur d'évaluation : {exc}", "error"))
        return
    out.flush()
    send(("end", ""))


class Channel:
    """Length-prefixed pickles over a pair of pipes (only between this module's two ends).

    Reads go through the raw file descriptor and a buffer of our own, so that `poll` sees the
    messages already read ahead (an answer is several messages sent back to back).
    """

    def __init__(self, rfile, wfile) -> None:  # noqa: ANN001
        self.rfile, self.wfile = rfile, wfile
        self.fd = rfile.fileno()
        self.buf = bytearray()

    def send(self, obj: object) -> None:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self.wfile.write(struct.pack(">Q", len(data)) + data)
        self.wfile.flush()

    def _fill(self, n: int) -> None:
        while len(self.buf) < n:
            data = os.read(self.fd, max(1 << 16, n - len(self.buf)))
            if not data:
                raise EOFError("canal fermé")
            self.buf += data

    def recv(self) -> object:
        self._fill(8)
        (n,) = struct.unpack(">Q", self.buf[:8])
        self._fill(8 + n)
        data = bytes(self.buf[8 : 8 + n])
        del self.buf[: 8 + n]
        return pickle.loads(data)  # noqa: S301 - our own worker, over a private pipe

    def poll(self, timeout: float) -> bool:
        if self.buf:
            return True
        ready, _, _ = select.select([self.fd], [], [], timeout)
        return bool(ready)

    def close(self) -> None:
        for f in (self.rfile, self.wfile):
            with contextlib.suppress(OSError):
                f.close()


def _cap_memory(extra: int) -> None:
    """RLIMIT_DATA: what the worker holds now (store open) plus `extra` bytes."""
    import resource

    if extra <= 0:
        return
    held = 0
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmData:"):
                    held = int(line.split()[1]) * 1024
    except OSError:
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (held + extra, held + extra))


def worker_main(conn, location: str | None, endpoint: str | None, memory: int = 0) -> None:  # noqa: ANN001
    store, gen = None, None
    try:  # import and open before the first query, so its time limit is only its own
        import pyoxigraph  # noqa: F401

        gen = "remote" if endpoint else _generation(location)
        store = _open(location, endpoint)
    except Exception:  # noqa: BLE001 - reported on the first query instead
        store = None
    _cap_memory(memory)
    conn.send(("ready", "", b"", ""))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if msg is None:
            return
        try:
            current = "remote" if endpoint else _generation(location)
            if store is None or current != gen:
                store = None  # the old generation is released before the new one is opened
                store, gen = _open(location, endpoint), current
            execute(store, conn.send, *msg)
        except (BrokenPipeError, OSError):
            return
        except MemoryError:
            os._exit(86)  # the parent reads a dead worker as a memory limit
        except Exception as exc:  # noqa: BLE001 - the worker must answer, never die silently
            store = None
            try:
                conn.send(("error", "", b"", str(exc)))
            except (BrokenPipeError, OSError):
                return


# ---------------------------------------------------------------- in the web process


PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _Worker:
    def __init__(self, location: str | None, endpoint: str | None, memory: int = 0) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = PROJECT_ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        args = [sys.executable, "-m", "web.sparql_pool", location or "", endpoint or "", str(memory)]
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
        self.conn = Channel(self.proc.stdout, self.proc.stdin)
        self.ready = False

    def wait_ready(self, timeout: float = 60.0) -> bool:
        if not self.ready and self.conn.poll(timeout):
            message = self.conn.recv()
            self.ready = isinstance(message, tuple) and message[0] == "ready"
        return self.ready

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
            self.proc.wait(1)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        if self.alive():
            self.kill()
        self.conn.close()


class QueryPool:
    """A fixed number of query worker processes, started on first use."""

    def __init__(
        self,
        location: str | None,
        endpoint: str | None,
        size: int = 2,
        timeout: float = 10.0,
        max_results: int = 10_000,
        queue_wait: float = 5.0,
        max_bytes: int = 32 * MiB,
        worker_memory: int = 1024 * MiB,
    ) -> None:
        self.location = str(location) if location else None
        self.endpoint = endpoint
        self.size = max(1, size)
        self.timeout = timeout
        self.max_results = max_results
        self.queue_wait = queue_wait
        self.max_bytes = max_bytes
        self.worker_memory = worker_memory
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._count = 0
        self._all: weakref.WeakSet = weakref.WeakSet()
        self._pid = os.getpid()
        self.killed = 0  # workers killed on timeout (for tests and figures)
        self.cut = 0  # streamed answers cut by the time limit or the byte cap
        atexit.register(self.close)

    @classmethod
    def from_config(cls, cfg) -> QueryPool:  # noqa: ANN001 - a Flask config
        """The pool the SPARQL_* settings of the web view describe."""
        return cls(
            cfg["CQPI_STORE"],
            cfg["CQPI_ENDPOINT"],
            size=cfg["SPARQL_WORKERS"],
            timeout=cfg["SPARQL_TIMEOUT"],
            max_results=cfg["SPARQL_MAX_RESULTS"],
            queue_wait=cfg["SPARQL_QUEUE_WAIT"],
            max_bytes=cfg.get("SPARQL_MAX_RESPONSE_BYTES", 32 * MiB),
            worker_memory=cfg.get("SPARQL_WORKER_MEMORY", 1024 * MiB),
        )

    def _acquire(self) -> _Worker | None:
        with self._lock:
            if os.getpid() != self._pid:  # forked (e.g. a gunicorn worker): start afresh
                self._idle, self._count, self._pid = queue.Queue(), 0, os.getpid()
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            if self._count < self.size:
                self._count += 1
                w = _Worker(self.location, self.endpoint, self.worker_memory)
                self._all.add(w)
                return w
        try:
            return self._idle.get(timeout=self.queue_wait)
        except queue.Empty:
            return None

    def _discard(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            self._count -= 1

    def _receive(self, w: _Worker, deadline: float) -> tuple | None:
        """The worker's next message, or None when the deadline passed first."""
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not w.conn.poll(remaining):
            return None
        message = w.conn.recv()
        return message if isinstance(message, tuple) else ("error", "", b"", msg("message inattendu"))

    def _late(self) -> Message:
        return msg("délai de {seconds} s dépassé", seconds=f"{self.timeout:g}")

    def _dead(self, w: _Worker, exc: BaseException) -> Outcome:
        """A worker that stopped mid-query: its memory cap, most likely (or a crash)."""
        try:
            code = w.proc.wait(2)
        except subprocess.TimeoutExpired:
            code = None
        self._discard(w)
        if code in (86, -6, -9, -11):
            return Outcome(
                "memory",
                message=msg(
                    "la requête a dépassé la mémoire permise ({size} Mo)",
                    size=f"{self.worker_memory / MiB:.3g}",
                ),
            )
        return Outcome(
            "error", message=msg("le processus de requête s'est arrêté ({detail})", detail=Quoted(str(exc)))
        )

    def run(
        self,
        query: str,
        result_fmt: str = "json",
        graph_fmt: str = "turtle",
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Outcome:
        w = self._acquire()
        if w is None:
            return Outcome("busy", message=msg("tous les processus de requête sont occupés"))
        try:
            if not w.wait_ready():
                self._discard(w)
                return Outcome("error", message=msg("le processus de requête n'a pas démarré"))
            deadline = time.monotonic() + self.timeout
            w.conn.send(
                (
                    query,
                    result_fmt,
                    graph_fmt,
                    self.max_results,
                    default_graphs or [],
                    named_graphs or [],
                    self.max_bytes,
                )
            )
            return self._answer(w, deadline)
        except (EOFError, OSError, BrokenPipeError) as exc:
            return self._dead(w, exc)
        except BaseException:
            self._discard(w)
            raise

    def _timeout(self, w: _Worker) -> Outcome:
        self.killed += 1
        self._discard(w)
        return Outcome("timeout", message=self._late())

    def _answer(self, w: _Worker, deadline: float) -> Outcome:
        """Read the outcome: an error, a whole small answer, or a stream of a large one."""
        msg = self._receive(w, deadline)
        if msg is None:
            return self._timeout(w)
        if msg[0] != "head":
            self._idle.put(w)
            return Outcome(*msg)
        kind, chunks, size = msg[1], [], 0
        while size <= STREAM_AFTER:  # one message more: a cut right at the threshold is clean
            msg = self._receive(w, deadline)
            if msg is None:
                return self._timeout(w)
            if msg[0] == "chunk":
                chunks.append(msg[1])
                size += len(msg[1])
                continue
            self._idle.put(w)
            if msg[0] == "end":
                return Outcome("ok", kind, b"".join(chunks))
            return Outcome(msg[2], message=msg[1])
        return Outcome("ok", kind, self._stream(w, chunks, deadline))

    def _stream(self, w: _Worker, chunks: list[bytes], deadline: float) -> Iterator[bytes]:
        """The chunks of a large answer as they come; a cut answer ends with an error line."""
        done = False
        try:
            yield from chunks
            chunks.clear()
            while True:
                msg = self._receive(w, deadline)
                if msg is None:
                    self.killed += 1
                    self.cut += 1
                    yield _cut_line(self._late())
                    return
                if msg[0] == "chunk":
                    yield msg[1]
                    continue
                done = True
                if msg[0] == "cut":
                    self.cut += 1
                    yield _cut_line(msg[1])
                return
        except (EOFError, OSError) as exc:
            self.cut += 1
            yield _cut_line(self._dead(w, exc).message)
            w = None  # type: ignore[assignment]
        finally:
            if w is not None:
                if done:
                    self._idle.put(w)
                else:  # stopped mid-answer (time limit, client gone): the worker is still sending
                    self._discard(w)

    def close(self) -> None:
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            w.stop()
        for w in list(self._all):
            if w.alive():
                w.kill()


def _cut_line(why: str | Message | Quoted) -> bytes:
    """What ends an answer cut after its first bytes were sent (the status is already 200; inside
    the data, with no page language: French, then English)."""
    from .sparql.messages import SPARQL_EN

    fr, en = render(why, "fr"), render(why, "en", SPARQL_EN)
    return f"\n\n# ERREUR : réponse coupée, {fr} / {en} (response cut)\n".encode()


if __name__ == "__main__":  # the worker process: python -m web.sparql_pool LOCATION ENDPOINT
    channel = Channel(sys.stdin.buffer, sys.stdout.buffer)
    sys.stdout = sys.stderr  # nothing else may write on the channel
    worker_main(channel, sys.argv[1] or None, sys.argv[2] or None, int(sys.argv[3] or 0))
