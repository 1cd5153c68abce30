"""The benchmark suite of issue 8: one command, a table of figures against the targets.

    PYTHONPATH=$PWD python benchmarks/run.py                      # 45,000 fiches (national scale)
    PYTHONPATH=$PWD python benchmarks/run.py --fiches 2000 --naive-fiches 500 --out bench.json

At the chosen scale it generates the RNCP export (benchmarks/generate_rncp.py), builds a store
with it and the real ROME, ESCO, BCN and kit files of ../shared/data, and measures:

- build: import + OWL RL inference + indexes/optimize (`cqpi_graph.build.build`) and the
  whole-graph validation (`validate_store`), wall time and peak RSS (VmHWM) of a child process
  that does only that;
- SPARQL: every query of benchmarks/queries/*.rq, one warm-up then --runs timed runs: p50, p95;
- `find_paths`, `reach`, `socle` of 10 certifications, `similar`: p50, p95 (warm; the first call,
  which builds the recognition graph and the competence index, is reported apart);
- validation of one ~5,000-triple référentiel (bench_validate's generator): p50, p95;
- web: gunicorn (--web-workers sync workers) on 127.0.0.1 serving the store; a Python load
  generator with --concurrency connections requests certification pages, then /sparql;
  requests/s, p50, p95, errors (any non-200 or network error counts), bounded by
  --web-requests and --web-seconds per scenario;
- side by side, on a slice of --naive-fiches fiches (same reference files): the same build and
  queries with the fast stack and with the naive one (benchmarks/naive.py: rdflib in memory,
  owlrl, pyshacl), printed as ratios.

Each line shows its target (issue 20's, on both graphs), whether it is met, and the 1-minute load
average at the start and end of its section (the machine is shared). --skip drops
sections (build is needed by all but naive). Nothing here is a test: it prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.client import HTTPConnection
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

SHARED = ROOT.parent / "shared" / "data"
QUERIES = HERE / "queries"
SECTIONS = ("build", "sparql", "search", "paths", "validate", "web", "naive")

# issue 20's targets (issue 8's, with the search and web ones), on both graphs
TARGETS = {
    "build_s": 120.0,
    "build_rss_mib": 3072.0,
    "query_p95_ms": 250.0,
    "search_p95_ms": 20.0,
    "path_p95_ms": 20.0,
    "socle_ms": 100.0,
    "referentiel_s": 1.0,
    "web_rps": 200.0,
    "web_p95_ms": 100.0,
    "first_request_ms": 300.0,
    "naive_ratio": 20.0,
}


def reference_imports() -> list[tuple[str, Path]]:
    """The real registry files the build adds to the generated RNCP export."""
    from import_digest import SHARED_IMPORTS

    return [(name, SHARED / rel) for name, rel in SHARED_IMPORTS if name != "rncp"]


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


def stats_ms(values_s: list[float]) -> dict:
    ms = [v * 1000 for v in values_s]
    return {"n": len(ms), "p50_ms": statistics.median(ms), "p95_ms": pct(ms, 95), "max_ms": max(ms)}


def machine() -> dict:
    mem = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    import pyoxigraph

    return {
        "host": platform.node(),
        "cpu": platform.machine(),
        "nproc": os.cpu_count(),
        "mem_mib": mem,
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    }


def run_child(args: list[str], timeout: float | None = None) -> tuple[dict, float, float]:
    """Run `python run.py --child …`; returns its JSON (last stdout line), wall s, peak RSS MiB."""
    t = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    out_lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            out_lines.append(line)
            if not line.startswith("{"):
                print("    " + line.rstrip(), flush=True)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    timer = threading.Timer(timeout, proc.kill) if timeout else None
    if timer:
        timer.start()
    _, status, rusage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if timer:
        timer.cancel()
    reader.join()
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed (exit {proc.returncode})")
    data = json.loads(next(x for x in reversed(out_lines) if x.startswith("{")))
    # The child's own high-water mark (VmHWM, read by the child at its end): rusage's ru_maxrss
    # of a child also counts the parent's pages it mapped between fork and exec.
    rss = data.get("vm_hwm_mib") or rusage.ru_maxrss / 1024
    return data, wall, rss


def vm_hwm_mib() -> float:
    """Peak resident memory of this process (VmHWM of /proc/self/status), MiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


# ---------------------------------------------------------------- children


def _marked(fn, marks: dict[str, float], phase: str):  # noqa: ANN001, ANN202
    """`fn`, noting in `marks` when it starts and ends (PHASE_start, PHASE_end)."""

    def wrapped(*a, **k):  # noqa: ANN002, ANN003, ANN202
        marks[f"{phase}_start"] = time.perf_counter()
        out = fn(*a, **k)
        marks[f"{phase}_end"] = time.perf_counter()
        return out

    return wrapped


def build_imports(source: str, with_reference: bool) -> list[tuple[str, Path]]:
    """A generated RNCP export (plus the real reference files), or a registries folder as
    `cqpi build --registries` reads it (the quick start)."""
    if Path(source).is_dir():
        from cqpi_graph.importers.discover import discover

        return discover(Path(source))
    return [("rncp", Path(source))] + (reference_imports() if with_reference else [])


def child_build(store: str, zip_path: str, with_reference: bool) -> dict:
    import cqpi_graph.build as build_mod
    import cqpi_graph.indexes as indexes_mod
    from cqpi_graph.store import open_store
    from cqpi_graph.validate import validate_store

    imports = build_imports(zip_path, with_reference)
    index_report: dict = {}
    real_indexes = indexes_mod.build_indexes

    def timed_indexes(*a, **k):  # noqa: ANN002, ANN003, ANN202
        rep = real_indexes(*a, **k)
        index_report.update(rep.seconds)
        return rep

    indexes_mod.build_indexes = timed_indexes
    marks: dict[str, float] = {}
    build_mod.run_inference = _marked(build_mod.run_inference, marks, "inference")
    build_mod.align_generation = _marked(build_mod.align_generation, marks, "text")
    t0 = time.perf_counter()
    report = build_mod.build(store, imports=imports)
    t1 = time.perf_counter()
    with open_store(store) as st:
        val = validate_store(st)
    t2 = time.perf_counter()
    return {
        "phases": {
            "load_import_s": marks["inference_start"] - t0,
            "inference_s": marks["inference_end"] - marks["inference_start"],
            "optimize_s": t1 - marks["inference_end"],
            "validation_s": t2 - t1,
            "total_s": t2 - t0,
        },
        "indexes": index_report,
        "text_s": marks.get("text_end", 0) - marks.get("text_start", 0),
        "build_s": t1 - t0,
        "triples": sum(report.graphs.values()),
        "inferred": report.inferred,
        "graphs": report.graphs,
        "validation_counts": val.counts(),
    }


def child_naive(zip_path: str, runs: int, query_cap_s: float, with_reference: bool) -> dict:
    from naive import naive_build

    imports = [("rncp", Path(zip_path))] + (reference_imports() if with_reference else [])
    store, times = naive_build(imports, log=lambda s: print(s, flush=True))
    queries = {}
    # the naive stack has no statistics graph: it answers each question over the union graph

    def alarm(*_):  # noqa: ANN002, ANN202
        raise TimeoutError

    signal.signal(signal.SIGALRM, alarm)
    for name, text in load_queries(naive=True).items():
        samples: list[float] = []
        rows = None
        capped = False
        for i in range(runs + 1):  # the first run is the warm-up, as for the fast stack
            signal.alarm(int(query_cap_s))
            t = time.perf_counter()
            try:
                rows = len(store.select(text))
            except TimeoutError:
                capped = True
                samples = [query_cap_s]
                break
            finally:
                signal.alarm(0)
            if i:
                samples.append(time.perf_counter() - t)
            elif time.perf_counter() - t > query_cap_s / 4:
                samples = [time.perf_counter() - t]  # slow: the warm-up run is the measure
                break
        queries[name] = {**stats_ms(samples), "rows": rows, "capped": capped}
        print(f"  naive {name}: p50 {queries[name]['p50_ms']:.0f} ms", flush=True)
    return {"phases": times, "queries": queries}


# ---------------------------------------------------------------- measures in this process


def load_queries(naive: bool = False) -> dict[str, str]:
    """The analyst queries; naive=True: the union-graph version of each question where the fast
    one reads the statistics graph (queries/union/)."""
    out = {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.rq"))}
    if naive:
        out.update({p.stem: p.read_text(encoding="utf-8") for p in sorted((QUERIES / "union").glob("*.rq"))})
    return out


def bench_queries(store_path: Path, runs: int) -> dict:
    from cqpi_graph.store import open_store

    out = {}
    with open_store(store_path) as store:
        for name, text in load_queries().items():
            rows = len(store.select(text))  # warm-up
            samples = []
            for _ in range(runs):
                t = time.perf_counter()
                store.select(text)
                samples.append(time.perf_counter() - t)
            out[name] = {**stats_ms(samples), "rows": rows}
    return out


def search_queries(store_path: Path, n: int = 200, seed: int = 5) -> list[str]:
    """What people type: words and pairs of words of real titles, prefixes (autocomplete), codes
    and kinds, drawn from the store's own certifications."""
    from cqpi_graph.search import load_search_index
    from cqpi_graph.search.documents import folded_words
    from cqpi_graph.store import open_store

    rnd = random.Random(seed)
    with open_store(store_path) as store:
        rows = load_search_index(store).certifications()
    rows = rnd.sample(rows, min(len(rows), n))
    out = []
    for i, r in enumerate(rows):
        words = [w for w in folded_words(r.label_fr) if len(w) > 3]
        if not words:
            continue
        kind = i % 5
        if kind == 0 and r.codes:
            out.append(r.codes[0])
        elif kind == 1:
            out.append(words[0][: max(3, len(words[0]) // 2)])  # a prefix, as typed
        elif kind == 2 and len(words) > 1:
            out.append(" ".join(rnd.sample(words, 2)))
        elif kind == 3 and r.kind:
            out.append(f"{r.kind} {words[0]}")
        else:
            out.append(rnd.choice(words))
    return [q for q in out if q]


def bench_search(store_path: Path, runs: int = 200) -> dict:
    """Text search in the library (cqpi_graph.search: SQLite FTS5), a page of 20 with facets."""
    from cqpi_graph.search import load_search_index
    from cqpi_graph.store import open_store

    queries = search_queries(store_path, runs)
    with open_store(store_path) as store:
        t = time.perf_counter()
        index = load_search_index(store)
        opened = time.perf_counter() - t
        index.search("maintenance")  # first query: reads the names table
        samples = timed(lambda q: index.search(q), [(q,) for q in queries])
        suggest = timed(lambda q: index.suggest(q), [(q,) for q in queries])
    return {
        "open_ms": opened * 1000,
        "search": stats_ms(samples),
        "suggest": stats_ms(suggest),
        "queries": len(queries),
    }


def slice_rncp_export(src: Path, dst: Path, fiches: int) -> Path:
    """The first `fiches` fiches of a real RNCP CSV export, every file of the zip kept to their rows
    (the naive stack's slice of the national export)."""
    import csv
    import io
    import zipfile

    def rows(data: bytes) -> list[list[str]]:
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))

    with zipfile.ZipFile(src) as zin:
        names = zin.namelist()
        standard = rows(zin.read(next(n for n in names if "Standard" in n)))
        col = standard[0].index("Numero_Fiche")
        keep = {r[col] for r in standard[1 : fiches + 1]}
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in names:
                table = rows(zin.read(name))
                c = table[0].index("Numero_Fiche") if table and "Numero_Fiche" in table[0] else 0
                out = io.StringIO(newline="")
                w = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
                w.writerows([table[0]] + [r for r in table[1:] if len(r) > c and r[c] in keep])
                zout.writestr(name, out.getvalue())
    return dst


def timed(fn: Callable, calls: list[tuple]) -> list[float]:
    out = []
    for args in calls:
        t = time.perf_counter()
        fn(*args)
        out.append(time.perf_counter() - t)
    return out


def bench_paths(store_path: Path, runs: int, seed: int = 7) -> dict:
    import networkx as nx

    from cqpi_graph.paths import find_paths, load_graph, reach
    from cqpi_graph.socle import load_index, similar, socle
    from cqpi_graph.store import open_store

    rnd = random.Random(seed)
    out: dict = {}
    with open_store(store_path) as store:
        # read from the generation (kept by `cqpi build`), as a web worker or a CLI call does
        t = time.perf_counter()
        rg = load_graph(store)
        out["load_graph_s"] = time.perf_counter() - t
        t = time.perf_counter()
        ix = load_index(store)
        out["load_index_s"] = time.perf_counter() - t
        cat = rg.catalog

        def code(n: str) -> str:
            return cat.certification(n).code if n in cat else ""

        g = rg.digraph
        certs = sorted(n for n in g.nodes if g.out_degree(n) and code(n))
        pairs = []
        for a in rnd.sample(certs, min(len(certs), runs)):
            desc = sorted(d for d in nx.descendants(g, a) if code(d))
            if desc:
                pairs.append((store, code(a), code(rnd.choice(desc))))
        everything = sorted(cat.groups())
        randoms = [(store, code(rnd.choice(everything)), code(rnd.choice(everything))) for _ in range(runs)]
        randoms = [r for r in randoms if r[1] and r[2]]
        out["path_connected"] = stats_ms(timed(lambda s, a, b: find_paths(s, a, b, alternatives=2), pairs))
        out["path_random"] = stats_ms(timed(_quiet(find_paths), randoms))
        out["path_pairs"] = len(pairs)
        starts = [(store, code(a)) for a in rnd.sample(certs, min(len(certs), 50))]
        out["reach"] = stats_ms(timed(reach, starts))
        with_comp = [n for n in everything if ix.node_competences(cat.certification(n))] or everything
        sets = [
            (store, [code(x) for x in rnd.sample(with_comp, min(10, len(with_comp)))])
            for _ in range(min(runs, 50))
        ]
        out["socle10"] = stats_ms(timed(_quiet(socle), sets))
        sims = [(store, code(rnd.choice(with_comp)), 10) for _ in range(21)]
        t = time.perf_counter()
        _quiet(similar)(*sims[0])
        out["similar_first_s"] = time.perf_counter() - t
        out["similar"] = stats_ms(timed(_quiet(similar), sims[1:]))
    return out


def _quiet(fn: Callable) -> Callable:
    from cqpi_graph.errors import CqpiError

    def call(*a):  # noqa: ANN002, ANN202
        try:
            return fn(*a)
        except CqpiError:
            return None

    return call


def bench_referentiel(runs: int) -> dict:
    from bench_validate import generate

    from cqpi_graph.validate import validate_referentiel

    graph = generate(5000)
    validate_referentiel(graph)  # warm-up: shapes, vocabulary
    samples = timed(validate_referentiel, [(graph,)] * runs)
    return {"triples": len(graph), **stats_ms(samples)}


# ---------------------------------------------------------------- web


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store_path: Path, workers: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CQPI_STORE": str(store_path), "CQPI_WARM": "1"}
    gunicorn = shutil.which("gunicorn")
    if gunicorn:
        cmd = [
            gunicorn,
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--backlog",
            "256",
            "--log-level",
            "warning",
            "web:create_app()",
        ]
    else:  # the development server, one process (figures not comparable)
        cmd = [sys.executable, "-m", "cqpi_graph", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with open(log, "ab") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"web server exited; see {log}")
        try:
            conn = HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"web server did not start; see {log}")


def load_test(
    port: int,
    requests: list[tuple[str, str, bytes | None, dict]],
    concurrency: int,
    max_requests: int,
    max_seconds: float,
) -> dict:
    """Python load generator: `concurrency` threads, each one connection at a time."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(max_requests))
    deadline = time.perf_counter() + max_seconds

    def worker() -> None:
        conn: HTTPConnection | None = None
        while time.perf_counter() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            method, path, body, headers = requests[i % len(requests)]
            t = time.perf_counter()
            err = ""
            try:
                if conn is None:
                    conn = HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
                if resp.getheader("connection", "").lower() == "close" or resp.will_close:
                    conn.close()
                    conn = None
            except OSError as exc:
                ok = False
                resp = None
                if conn is not None:
                    conn.close()
                conn = None
                err = f"{type(exc).__name__}: {exc}"
            took = time.perf_counter() - t
            with lock:
                latencies.append(took)
                if not ok:
                    errors.append(err if resp is None else f"HTTP {resp.status} {path[:80]}")
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    return {
        "requests": len(latencies),
        "seconds": wall,
        "rps": len(latencies) / wall if wall else 0.0,
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:5],
        **stats_ms(latencies),
    }


def _get(path: str) -> tuple[str, str, None, dict]:
    return ("GET", path, None, {"Accept": "text/html"})


def web_requests(store_path: Path, rnd: random.Random) -> dict[str, list]:
    """The requests of each web scenario, drawn from the store: certification pages, searches,
    paths between connected certifications, SPARQL."""
    import networkx as nx

    from cqpi_graph.paths import load_graph
    from cqpi_graph.search import load_search_index
    from cqpi_graph.store import open_store

    with open_store(store_path) as store:
        rows = load_search_index(store).certifications()
        rg = load_graph(store)
    prefix = "https://w3id.org/cqpi/id/"
    certs = [r.iri for r in rows if r.iri.startswith(prefix) and r.codes]
    certs = rnd.sample(certs, min(len(certs), 500))
    pages = [_get("/resource/" + urllib.parse.quote(c[len(prefix) :])) for c in certs]
    searches = [_get("/search?" + urllib.parse.urlencode({"q": q})) for q in search_queries(store_path, 300)]
    cat, g = rg.catalog, rg.digraph

    def code(n: str) -> str:
        return cat.certification(n).code if n in cat else ""

    starts = sorted(n for n in g.nodes if g.out_degree(n) and code(n))
    pairs = []
    for a in rnd.sample(starts, min(len(starts), 300)):
        desc = sorted(d for d in nx.descendants(g, a) if code(d))
        if desc:
            pairs.append((code(a), code(rnd.choice(desc))))
    paths = [_get("/paths?" + urllib.parse.urlencode({"from": a, "to": b})) for a, b in pairs]
    sparql = [
        (
            "POST",
            "/sparql",
            urllib.parse.urlencode({"query": f"SELECT ?p ?o WHERE {{ <{c}> ?p ?o }}"}).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        for c in certs
    ]
    return {"pages": pages, "search": searches, "paths": paths, "sparql": sparql}


def first_requests(port: int, reqs: dict[str, list]) -> dict[str, float]:
    """The first request of each page kind after the server answered its first request (ms)."""
    kinds = {
        "home": _get("/"),
        "search": reqs["search"][0],
        "certification": reqs["pages"][0],
        "paths": reqs["paths"][0] if reqs["paths"] else _get("/paths"),
        "socle": _get(
            "/socle?"
            + urllib.parse.urlencode(
                {"cert": [r[1].rsplit("/", 1)[-1] for r in reqs["pages"][:2]]}, doseq=True
            )
        ),
        "sparql": reqs["sparql"][0],
        "downloads": _get("/downloads"),
        "neighbourhood": (
            "GET",
            reqs["pages"][0][1] + ".neighbourhood.json",
            None,
            {"Accept": "application/json"},
        ),
        "similar": _get("/similar?" + urllib.parse.urlencode({"x": reqs["pages"][0][1].rsplit("/", 1)[-1]})),
    }
    out = {}
    for name, (method, path, body, headers) in kinds.items():
        conn = HTTPConnection("127.0.0.1", port, timeout=60)
        t = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        out[name] = (time.perf_counter() - t) * 1000
        out[name + "_status"] = resp.status
        conn.close()
    return out


def bench_web(store_path: Path, workdir: Path, args: argparse.Namespace) -> dict:
    rnd = random.Random(3)
    reqs = web_requests(store_path, rnd)
    t = time.perf_counter()
    proc, port = start_server(store_path, args.web_workers, workdir / "web.log")
    out: dict = {
        "server": f"gunicorn -w {args.web_workers}" if shutil.which("gunicorn") else "cqpi serve",
        "concurrency": args.concurrency,
        "start_s": time.perf_counter() - t,
    }
    try:
        out["first"] = first_requests(port, reqs)
        # every worker answers once of each kind before the measures (its first page compiles
        # templates; the indexes were read before it accepted connections: CQPI_WARM=1)
        for key in ("pages", "search", "paths", "sparql"):
            if reqs[key]:
                load_test(port, reqs[key][:40], args.concurrency, 2 * args.concurrency, 120)
        for key in ("pages", "search", "paths", "sparql"):
            if reqs[key]:
                out[key] = load_test(port, reqs[key], args.concurrency, args.web_requests, args.web_seconds)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return out


# ---------------------------------------------------------------- the table


def _load(res: dict, section: str) -> None:
    """The 1-minute load average at the start, then at the end, of a section (shared machine)."""
    res.setdefault("load", {}).setdefault(section, []).append(round(os.getloadavg()[0], 2))


def _same_work(phases: dict) -> float:
    """What the naive stack does too: import, inference, validation (not the text model, the
    alignments, the search and other indexes, which it has no equivalent of)."""
    return phases["load_import_s"] + phases["inference_s"] + phases["validation_s"]


def _naive_ratios(res: dict) -> dict[str, str]:
    """measure key -> "N×" (naive stack / fast stack on the same slice, same run)."""
    if "naive" not in res:
        return {}
    f, s = res["naive"]["fast"], res["naive"]["naive"]
    out = {"build": f"{s['phases']['total'] / max(_same_work(f['phases']), 1e-9):.0f}×"}
    for name, q in f["queries"].items():
        nq = s["queries"].get(name)
        if nq:
            out["sparql " + name] = (
                "> " if nq["capped"] else ""
            ) + f"{nq['p50_ms'] / max(q['p50_ms'], 1e-6):.0f}×"
    return out


def table(res: dict) -> list[str]:
    T = TARGETS
    naive = _naive_ratios(res)
    rows: list[tuple[str, ...]] = []
    section = [""]

    def add(what: str, value: str, target: str = "", met: bool | None = None, ratio: str = "") -> None:
        load = " → ".join(f"{x:.1f}" for x in res.get("load", {}).get(section[0], []))
        rows.append((what, value, target, "" if met is None else ("yes" if met else "NO"), ratio, load))

    section[0] = "build"
    if "build" in res:
        b = res["build"]
        ph = b["phases"]
        add("build: load + import", f"{ph['load_import_s']:.1f} s")
        add("build: OWL RL inference", f"{ph['inference_s']:.1f} s ({b['inferred']:,} triples)")
        idx = b.get("indexes", {})
        add("build: text model, alignments, indexes, optimize", f"{ph['optimize_s']:.1f} s")
        if b.get("text_s"):
            add("  of which the text model and alignments (issue 14)", f"{b['text_s']:.1f} s")
        if idx:
            add(
                "  of which indexes (" + ", ".join(idx) + ")",
                " + ".join(f"{v:.1f}" for v in idx.values()) + " s",
            )
        add("build: whole-graph validation (after the build)", f"{ph['validation_s']:.1f} s")
        add(
            f"build: total ({b['triples']:,} triples)",
            f"{b['wall_s']:.1f} s",
            f"≤ {T['build_s']:.0f} s",
            b["wall_s"] <= T["build_s"],
            naive.get("build", ""),
        )
        add(
            "build: peak RSS",
            f"{b['peak_rss_mib']:,.0f} MiB",
            f"≤ {T['build_rss_mib']:,.0f} MiB",
            b["peak_rss_mib"] <= T["build_rss_mib"],
        )
    section[0] = "sparql"
    for name, q in res.get("sparql", {}).items():
        add(
            f"sparql {name} ({q['rows']} rows)",
            f"p50 {q['p50_ms']:.1f} / p95 {q['p95_ms']:.1f} ms",
            f"p95 ≤ {T['query_p95_ms']:.0f} ms",
            q["p95_ms"] <= T["query_p95_ms"],
            naive.get("sparql " + name, ""),
        )
    section[0] = "search"
    if "search" in res:
        x = res["search"]
        add("search: open the generation's index", f"{x['open_ms']:.1f} ms")
        for key, label in (("search", "search, page of 20 with facets"), ("suggest", "autocomplete (10)")):
            add(
                f"{label} ({x['queries']} queries)",
                f"p50 {x[key]['p50_ms']:.2f} / p95 {x[key]['p95_ms']:.2f} ms",
                f"p95 ≤ {T['search_p95_ms']:.0f} ms",
                x[key]["p95_ms"] <= T["search_p95_ms"],
            )
    section[0] = "paths"
    if "paths" in res:
        p = res["paths"]
        add(
            "paths: recognition graph + competence index (read)",
            f"{p['load_graph_s']:.2f} + {p['load_index_s']:.2f} s",
        )
        for key, label in (
            ("path_connected", f"path, connected pairs ({p['path_pairs']})"),
            ("path_random", "path, random pairs"),
        ):
            add(
                label,
                f"p50 {p[key]['p50_ms']:.2f} / p95 {p[key]['p95_ms']:.2f} ms",
                f"p95 ≤ {T['path_p95_ms']:.0f} ms",
                p[key]["p95_ms"] <= T["path_p95_ms"],
            )
        add("reach", f"p50 {p['reach']['p50_ms']:.2f} / p95 {p['reach']['p95_ms']:.2f} ms")
        add(
            "socle of 10 certifications",
            f"p50 {p['socle10']['p50_ms']:.2f} / p95 {p['socle10']['p95_ms']:.2f} ms",
            f"≤ {T['socle_ms']:.0f} ms",
            p["socle10"]["p95_ms"] <= T["socle_ms"],
        )
        add("similar --top 10", f"p50 {p['similar']['p50_ms']:.2f} / p95 {p['similar']['p95_ms']:.2f} ms")
    section[0] = "validate"
    if "validate" in res:
        v = res["validate"]
        add(
            f"validate one référentiel ({v['triples']:,} triples)",
            f"p50 {v['p50_ms']:.0f} / p95 {v['p95_ms']:.0f} ms",
            f"≤ {T['referentiel_s']:.0f} s",
            v["p95_ms"] <= T["referentiel_s"] * 1000,
        )
    section[0] = "web"
    if "web" in res:
        _web_rows(res["web"], add)
    section[0] = "naive"
    if "naive" in res:
        n = res["naive"]
        f, s = n["fast"], n["naive"]
        scope = " + ROME/ESCO/BCN/kit" if n["reference"] else " (RNCP only)"
        add(
            f"naive slice: {n['fiches']} fiches{scope}, fast build",
            f"{f['phases']['total_s']:.1f} s, {f['peak_rss_mib']:,.0f} MiB",
        )
        add("naive slice: naive build", f"{s['phases']['total']:.1f} s, {s['peak_rss_mib']:,.0f} MiB")
        for ph_fast, ph_naive, label in (
            ("load_import_s", "import", "import"),
            ("inference_s", "inference", "inference (owlrl)"),
            ("validation_s", "validation", "validation (pyshacl)"),
        ):
            add(f"  ratio {label}", f"{s['phases'][ph_naive] / max(f['phases'][ph_fast], 1e-9):.1f}×")
        ratio = s["phases"]["total"] / _same_work(f["phases"])
        add(
            "  ratio build (import + inference + validation, both stacks)",
            f"{ratio:.1f}×",
            f"≥ {T['naive_ratio']:.0f}×",
            ratio >= T["naive_ratio"],
        )
        add(
            "  ratio naive build / whole fast build (with text model and indexes)",
            f"{s['phases']['total'] / f['phases']['total_s']:.1f}×",
        )
        qf = sum(q["p50_ms"] for q in f["queries"].values())
        qn = sum(q["p50_ms"] for q in s["queries"].values())
        capped = any(q["capped"] for q in s["queries"].values())
        add(
            "  ratio sparql suite (sum of p50)",
            ("> " if capped else "") + f"{qn / qf:.0f}×",
            f"≥ {T['naive_ratio']:.0f}×",
            qn / qf >= T["naive_ratio"],
        )
    head = ("measure", "value", "target", "met", "naive stack", "load avg (1 min)")
    w = [max([len(r[i]) for r in rows] + [len(head[i])]) for i in range(len(head))]
    lines = [" | ".join(h.ljust(w[i]) for i, h in enumerate(head)), "-+-".join("-" * x for x in w)]
    lines += [" | ".join(c.ljust(w[i]) for i, c in enumerate(r)) for r in rows]
    return lines


def _web_rows(w: dict, add: Callable) -> None:
    T = TARGETS
    for name, ms in w.get("first", {}).items():
        if name.endswith("_status"):
            continue
        status = w["first"].get(name + "_status")
        add(
            f"web first {name} request after start (HTTP {status})",
            f"{ms:.0f} ms",
            f"≤ {T['first_request_ms']:.0f} ms",
            ms <= T["first_request_ms"] and status == 200,
        )
    for key, label in (
        ("pages", "certification pages"),
        ("search", "/search"),
        ("paths", "/paths"),
        ("sparql", "/sparql"),
    ):
        if key not in w:
            continue
        x = w[key]
        value = (
            f"{x['rps']:.0f} req/s, p50 {x['p50_ms']:.0f} / p95 {x['p95_ms']:.0f} ms, "
            f"{x['errors']} errors ({x['requests']} req)"
        )
        what = f"web {label}, {w['concurrency']} conn. ({w['server']})"
        if key == "pages":
            met = x["rps"] >= T["web_rps"] and x["p95_ms"] <= T["web_p95_ms"] and x["errors"] == 0
            add(what, value, "≥ 200 req/s, p95 ≤ 100 ms, 0 errors", met)
        elif key in ("search", "paths"):
            add(what, value, "p95 ≤ 100 ms, 0 errors", x["p95_ms"] <= T["web_p95_ms"] and x["errors"] == 0)
        else:
            add(what, value, "0 errors", x["errors"] == 0)


def markdown(res: dict) -> list[str]:
    """The same table in Markdown, for RESULTS.md."""
    lines = table(res)
    out = ["| " + lines[0].replace(" | ", " | ") + " |", "|---|---|---|---|---|---|"]
    out += ["| " + x + " |" for x in lines[2:]]
    return out


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fiches", type=int, default=45_000, help="RNCP fiches generated (default 45,000)")
    ap.add_argument(
        "--registries",
        type=Path,
        help="build the quick-start graph of this folder (`cqpi build --registries`) instead of generated "
        "data; the naive slice is then the first --naive-fiches fiches of its largest RNCP export",
    )
    ap.add_argument("--naive-fiches", type=int, default=2000, help="slice for the naive comparison")
    ap.add_argument("--runs", type=int, default=20, help="timed runs per query (after one warm-up)")
    ap.add_argument(
        "--naive-reference",
        action="store_true",
        help="the slice also imports ROME/ESCO/BCN/kit (owlrl then needs well over ten minutes)",
    )
    ap.add_argument("--naive-runs", type=int, default=3, help="timed runs per query, naive stack")
    ap.add_argument("--naive-query-cap", type=float, default=300, help="seconds per naive query run")
    ap.add_argument("--path-runs", type=int, default=200, help="path pairs (and random pairs)")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--web-workers", type=int, default=4, help="gunicorn worker processes")
    ap.add_argument("--web-requests", type=int, default=3000, help="at most, per web scenario")
    ap.add_argument("--web-seconds", type=float, default=30, help="at most, per web scenario")
    ap.add_argument("--skip", action="append", default=[], choices=SECTIONS)
    ap.add_argument("--workdir", type=Path, help="keep the export and stores here (default: a temp dir)")
    ap.add_argument("--store", type=Path, help="reuse a store built by an earlier run (skips the build)")
    ap.add_argument("--out", type=Path, help="write every figure as JSON")
    ap.add_argument("--markdown", action="store_true", help="also print the table in Markdown")
    ap.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        kind, *rest = args.child
        if kind == "build":
            out = child_build(rest[0], rest[1], rest[2] == "1")
        else:
            out = child_naive(rest[0], int(rest[1]), float(rest[2]), rest[3] == "1")
        print(json.dumps({**out, "vm_hwm_mib": vm_hwm_mib()}))
        return

    from generate_rncp import generate_rncp_zip

    tmp = None
    if args.workdir:
        work = args.workdir
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="cqpi-bench-")
        work = Path(tmp.name)
    scale = f"registries {args.registries}" if args.registries else f"{args.fiches} generated fiches"
    res: dict = {"machine": machine(), "fiches": args.fiches, "scale": scale}
    print(
        f"cqpi-graph benchmarks: {scale}, workdir {work}, load average {res['machine']['loadavg_start']}",
        flush=True,
    )
    try:
        store = args.store
        if store is None and "build" not in args.skip:
            if args.registries:
                zip_path = args.registries.resolve()
                store = work / "store-registries"
            else:
                zip_path = work / f"export-fiches-csv-2024-02-22-{args.fiches}.zip"
                if not zip_path.exists():
                    t = time.perf_counter()
                    generate_rncp_zip(zip_path, args.fiches)
                    print(f"  generated {zip_path.name} in {time.perf_counter() - t:.1f} s", flush=True)
                store = work / f"store-{args.fiches}"
            shutil.rmtree(store, ignore_errors=True)
            print("build …", flush=True)
            _load(res, "build")
            data, wall, rss = run_child(["build", str(store), str(zip_path), "1"])
            res["build"] = {**data, "wall_s": wall, "peak_rss_mib": rss}
            _load(res, "build")
            print(f"  {wall:.1f} s, peak RSS {rss:,.0f} MiB", flush=True)
        if store is not None and "sparql" not in args.skip:
            print("sparql …", flush=True)
            _load(res, "sparql")
            res["sparql"] = bench_queries(store, args.runs)
            _load(res, "sparql")
        if store is not None and "search" not in args.skip:
            print("search …", flush=True)
            _load(res, "search")
            res["search"] = bench_search(store)
            _load(res, "search")
        if store is not None and "paths" not in args.skip:
            print("paths …", flush=True)
            _load(res, "paths")
            res["paths"] = bench_paths(store, args.path_runs)
            _load(res, "paths")
        if "validate" not in args.skip:
            print("référentiel validation …", flush=True)
            _load(res, "validate")
            res["validate"] = bench_referentiel(20)
            _load(res, "validate")
        if store is not None and "web" not in args.skip:
            print("web …", flush=True)
            _load(res, "web")
            res["web"] = bench_web(store, work, args)
            _load(res, "web")
        if "naive" not in args.skip:
            n = args.naive_fiches
            print(f"naive comparison on {n} fiches …", flush=True)
            _load(res, "naive")
            if args.registries:
                exports = [p for name, p in build_imports(str(args.registries), False) if name == "rncp"]
                largest = max(exports, key=lambda p: p.stat().st_size)
                zip_path = slice_rncp_export(largest, work / f"export-fiches-csv-slice-{n}.zip", n)
            else:
                zip_path = work / f"export-fiches-csv-2024-02-22-{n}.zip"
                if not zip_path.exists():
                    generate_rncp_zip(zip_path, n)
            slice_store = work / f"store-{n}-slice"
            shutil.rmtree(slice_store, ignore_errors=True)
            ref = "1" if args.naive_reference else "0"
            fast, _, fast_rss = run_child(["build", str(slice_store), str(zip_path), ref])
            fast["peak_rss_mib"] = fast_rss
            fast["queries"] = bench_queries(slice_store, args.runs)
            print("  naive stack …", flush=True)
            naive, _, naive_rss = run_child(
                ["naive", str(zip_path), str(args.naive_runs), str(args.naive_query_cap), ref]
            )
            naive["peak_rss_mib"] = naive_rss
            res["naive"] = {"fiches": n, "reference": args.naive_reference, "fast": fast, "naive": naive}
            _load(res, "naive")
    finally:
        res["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        if tmp is not None:
            tmp.cleanup()
    print()
    print(
        f"{scale} · {res['machine']['nproc']} cores · {res['machine']['mem_mib']:,} MiB · "
        f"load average {res['machine']['loadavg_start']} → {res['machine']['loadavg_end']} · "
        f"{res['machine']['date']}"
    )
    for line in table(res):
        print(line)
    if args.markdown:
        print()
        print("\n".join(markdown(res)))
    if args.out:
        args.out.write_text(json.dumps(res, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"\nfigures written to {args.out}")


if __name__ == "__main__":
    main()
