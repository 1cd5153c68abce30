"""SPARQL queries of /sparql run in worker processes, so that a query can really be stopped.

pyoxigraph cannot interrupt a query running in a thread. Each worker process opens the store
read-only (and reopens it when a build makes a new generation live); the web process sends it
one query at a time and kills it when the time limit passes, then starts a fresh one. A result
cap is checked in the worker before anything is serialised.
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
import weakref
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Outcome:
    status: str  # "ok", "syntax", "error", "cap", "timeout", "busy"
    kind: str = ""  # "select", "ask", "graph" when ok
    data: bytes = b""
    message: str = ""


# ---------------------------------------------------------------- in the worker process


def _open(location: str | None, endpoint: str | None):  # noqa: ANN202
    from cqpi_graph.store import open_store

    return open_store(location, endpoint=endpoint)


def _generation(location: str | None) -> str | None:
    from cqpi_graph.store import default_location

    loc = Path(location) if location else default_location()
    try:
        return os.readlink(loc / "current")
    except OSError:
        return None


def execute(
    store,
    query: str,
    result_fmt: str,
    graph_fmt: str,
    cap: int,  # noqa: ANN001
    default_graphs: list[str],
    named_graphs: list[str],
) -> Outcome:
    """Run one query on an open store (embedded fast path with the cap, else the facade)."""
    from cqpi_graph.export.service import QUERY_BASE_IRI

    raw = getattr(store, "raw", None)
    if raw is None:
        try:
            kind, data = store.query_serialized(query, result_fmt, base_iri=QUERY_BASE_IRI)
            if kind == "graph":
                kind, data = store.query_serialized(query, graph_fmt, base_iri=QUERY_BASE_IRI)
        except SyntaxError as exc:  # pragma: no cover - remote stores raise QuerySyntaxError
            return Outcome("syntax", message=str(exc))
        except Exception as exc:  # noqa: BLE001
            from cqpi_graph.errors import QuerySyntaxError

            return Outcome("syntax" if isinstance(exc, QuerySyntaxError) else "error", message=str(exc))
        return Outcome("ok", kind, data)

    import pyoxigraph as ox

    from cqpi_graph.namespaces import PREFIXES
    from cqpi_graph.store.embedded import RDF_FORMAT, RESULT_FORMAT

    kwargs: dict = {"prefixes": PREFIXES, "base_iri": QUERY_BASE_IRI}
    if default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]

    def run():  # noqa: ANN202
        return raw.query(query, **kwargs)

    try:
        result = run()
        if isinstance(result, ox.QueryBoolean):
            return Outcome("ok", "ask", result.serialize(format=RESULT_FORMAT[result_fmt]))
        for n, _ in enumerate(result, 1):
            if n > cap:
                what = "triplets" if isinstance(result, ox.QueryTriples) else "lignes"
                return Outcome("cap", message=f"plus de {cap} {what}")
        result = run()
        if isinstance(result, ox.QueryTriples):
            return Outcome("ok", "graph", result.serialize(format=RDF_FORMAT[graph_fmt]))
        return Outcome("ok", "select", result.serialize(format=RESULT_FORMAT[result_fmt]))
    except SyntaxError as exc:
        return Outcome("syntax", message=str(exc))
    except (OSError, ValueError, RuntimeError) as exc:
        return Outcome("error", message=str(exc))


class Channel:
    """Length-prefixed pickles over a pair of pipes (only between this module's two ends)."""

    def __init__(self, rfile, wfile) -> None:  # noqa: ANN001
        self.rfile, self.wfile = rfile, wfile

    def send(self, obj: object) -> None:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self.wfile.write(struct.pack(">Q", len(data)) + data)
        self.wfile.flush()

    def recv(self) -> object:
        head = self.rfile.read(8)
        if len(head) < 8:
            raise EOFError("canal fermé")
        (n,) = struct.unpack(">Q", head)
        data = self.rfile.read(n)
        if len(data) < n:
            raise EOFError("canal fermé")
        return pickle.loads(data)  # noqa: S301 - our own worker, over a private pipe

    def poll(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.rfile], [], [], timeout)
        return bool(ready)

    def close(self) -> None:
        for f in (self.rfile, self.wfile):
            with contextlib.suppress(OSError):
                f.close()


def worker_main(conn, location: str | None, endpoint: str | None) -> None:  # noqa: ANN001
    store, gen = None, None
    try:  # import and open before the first query, so its time limit is only its own
        import pyoxigraph  # noqa: F401

        gen = "remote" if endpoint else _generation(location)
        store = _open(location, endpoint)
    except Exception:  # noqa: BLE001 - reported on the first query instead
        store = None
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
                store, gen = _open(location, endpoint), current
            outcome = execute(store, *msg)
        except Exception as exc:  # noqa: BLE001 - the worker must answer, never die silently
            store = None
            outcome = Outcome("error", message=str(exc))
        try:
            conn.send((outcome.status, outcome.kind, outcome.data, outcome.message))
        except (BrokenPipeError, OSError):
            return


# ---------------------------------------------------------------- in the web process


PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _Worker:
    def __init__(self, location: str | None, endpoint: str | None) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = PROJECT_ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        args = [sys.executable, "-m", "web.sparql_pool", location or "", endpoint or ""]
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
            self.ready = self.conn.recv()[0] == "ready"
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
    ) -> None:
        self.location = str(location) if location else None
        self.endpoint = endpoint
        self.size = max(1, size)
        self.timeout = timeout
        self.max_results = max_results
        self.queue_wait = queue_wait
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._count = 0
        self._all: weakref.WeakSet = weakref.WeakSet()
        self._pid = os.getpid()
        self.killed = 0  # workers killed on timeout (for tests and figures)
        atexit.register(self.close)

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
                w = _Worker(self.location, self.endpoint)
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
            return Outcome("busy", message="tous les processus de requête sont occupés")
        try:
            if not w.wait_ready():
                self._discard(w)
                return Outcome("error", message="le processus de requête n'a pas démarré")
            w.conn.send(
                (query, result_fmt, graph_fmt, self.max_results, default_graphs or [], named_graphs or [])
            )
            if not w.conn.poll(self.timeout):
                self.killed += 1
                self._discard(w)
                return Outcome("timeout", message=f"délai de {self.timeout:g} s dépassé")
            outcome = Outcome(*w.conn.recv())
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._discard(w)
            return Outcome("error", message=f"le processus de requête s'est arrêté ({exc})")
        except BaseException:
            self._discard(w)
            raise
        self._idle.put(w)
        return outcome

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


if __name__ == "__main__":  # the worker process: python -m web.sparql_pool LOCATION ENDPOINT
    channel = Channel(sys.stdin.buffer, sys.stdout.buffer)
    sys.stdout = sys.stderr  # nothing else may write on the channel
    worker_main(channel, sys.argv[1] or None, sys.argv[2] or None)
