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

Each line shows its target (issue 8, at 45,000 fiches) and whether it is met. --skip drops
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
SECTIONS = ("build", "sparql", "paths", "validate", "web", "naive")

# issue 8's targets at 45,000 fiches
TARGETS = {
    "build_s": 120.0,
    "build_rss_mib": 4096.0,
    "query_p95_ms": 250.0,
    "path_p95_ms": 20.0,
    "socle_ms": 100.0,
    "referentiel_s": 1.0,
    "web_rps": 200.0,
    "web_p95_ms": 100.0,
    "naive_ratio": 20.0,
}


def reference_imports() -> list[tuple[str, Path]]:
    """The real registry files the build adds to the generated RNCP export."""
    return [
        ("bcn", SHARED / "bcn" / "N_FORMATION_DIPLOME.csv"),
        ("kit", SHARED / "kit" / "kit-apprentissage-rncp-v3.0.csv"),
        ("rome", SHARED / "rome"),
        ("esco", SHARED / "esco"),
    ]


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


def child_build(store: str, zip_path: str, with_reference: bool) -> dict:
    import cqpi_graph.build as build_mod
    from cqpi_graph.store import open_store
    from cqpi_graph.validate import validate_store

    imports = [("rncp", Path(zip_path))] + (reference_imports() if with_reference else [])
    marks: dict[str, float] = {}
    real_infer = build_mod.run_inference

    def timed_inference(*a, **k):  # noqa: ANN002, ANN003, ANN202
        marks["inference_start"] = time.perf_counter()
        n = real_infer(*a, **k)
        marks["inference_end"] = time.perf_counter()
        return n

    build_mod.run_inference = timed_inference
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

    def alarm(*_):  # noqa: ANN002, ANN202
        raise TimeoutError

    signal.signal(signal.SIGALRM, alarm)
    for name, text in load_queries().items():
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


def load_queries() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.rq"))}


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


def timed(fn: Callable, calls: list[tuple]) -> list[float]:
    out = []
    for args in calls:
        t = time.perf_counter()
        fn(*args)
        out.append(time.perf_counter() - t)
    return out


def bench_paths(store_path: Path, runs: int, seed: int = 7) -> dict:
    import networkx as nx

    from cqpi_graph import _cache
    from cqpi_graph.paths import find_paths, load_graph, reach
    from cqpi_graph.socle import load_index, similar, socle
    from cqpi_graph.store import open_store

    rnd = random.Random(seed)
    out: dict = {}
    with open_store(store_path) as store:
        _cache.clear()
        t = time.perf_counter()
        rg = load_graph(store)
        out["load_graph_s"] = time.perf_counter() - t
        t = time.perf_counter()
        ix = load_index(store)
        out["load_index_s"] = time.perf_counter() - t
        certs = sorted(n for n in rg.nodes if rg.steps.out_degree(n))
        pairs = []
        for a in rnd.sample(certs, min(len(certs), runs)):
            desc = sorted(nx.descendants(rg.steps, a))
            if desc:
                pairs.append((store, rg.nodes[a].code or a, rg.nodes[rnd.choice(desc)].code or a))
        everything = sorted(rg.nodes)
        randoms = [
            (store, rg.nodes[rnd.choice(everything)].code or "", rg.nodes[rnd.choice(everything)].code or "")
            for _ in range(runs)
        ]
        randoms = [r for r in randoms if r[1] and r[2]]
        out["path_connected"] = stats_ms(timed(lambda s, a, b: find_paths(s, a, b, alternatives=2), pairs))
        out["path_random"] = stats_ms(timed(_quiet(find_paths), randoms))
        out["path_pairs"] = len(pairs)
        starts = [(store, rg.nodes[a].code or a) for a in rnd.sample(certs, min(len(certs), 50))]
        out["reach"] = stats_ms(timed(reach, starts))
        with_comp = [n for n in everything if ix.node_competences(rg.nodes[n])] or everything
        sets = [
            (store, [rg.nodes[x].code or x for x in rnd.sample(with_comp, min(10, len(with_comp)))])
            for _ in range(min(runs, 50))
        ]
        out["socle10"] = stats_ms(timed(socle, sets))
        sims = [(store, rg.nodes[rnd.choice(with_comp)].code or "", 10) for _ in range(21)]
        t = time.perf_counter()
        similar(*sims[0])
        out["similar_first_s"] = time.perf_counter() - t
        out["similar"] = stats_ms(timed(similar, sims[1:]))
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
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CQPI_STORE": str(store_path)}
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


def bench_web(store_path: Path, workdir: Path, args: argparse.Namespace) -> dict:
    from cqpi_graph.store import open_store

    with open_store(store_path) as store:
        codes = store.values(
            "SELECT ?c WHERE { ?c a cq:Certification ; cq:rncpCode ?code } ORDER BY ?code LIMIT 5000"
        )
    rnd = random.Random(3)
    certs = rnd.sample(codes, min(len(codes), 500))
    prefix = "https://w3id.org/cqpi/id/"
    pages = [("GET", "/resource/" + c[len(prefix) :], None, {"Accept": "text/html"}) for c in certs]
    sparql = []
    for c in certs:
        q = f"SELECT ?p ?o WHERE {{ <{c}> ?p ?o }}"
        sparql.append(
            (
                "POST",
                "/sparql",
                urllib.parse.urlencode({"query": q}).encode(),
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/sparql-results+json",
                },
            )
        )
    proc, port = start_server(store_path, args.web_workers, workdir / "web.log")
    out: dict = {
        "server": f"gunicorn -w {args.web_workers}" if shutil.which("gunicorn") else "cqpi serve",
        "concurrency": args.concurrency,
    }
    try:
        # warm every worker: the first page of a worker opens the store and builds its caches
        load_test(port, pages[:50], args.concurrency, 4 * args.concurrency, 120)
        load_test(port, sparql[:20], args.concurrency, 2 * args.concurrency, 120)
        out["pages"] = load_test(port, pages, args.concurrency, args.web_requests, args.web_seconds)
        out["sparql"] = load_test(port, sparql, args.concurrency, args.web_requests, args.web_seconds)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return out


# ---------------------------------------------------------------- the table


def table(res: dict) -> list[str]:
    T = TARGETS
    rows: list[tuple[str, str, str, str]] = []

    def add(what: str, value: str, target: str = "", met: bool | None = None) -> None:
        rows.append((what, value, target, "" if met is None else ("yes" if met else "NO")))

    if "build" in res:
        b = res["build"]
        ph = b["phases"]
        add("build: load + import", f"{ph['load_import_s']:.1f} s")
        add("build: OWL RL inference", f"{ph['inference_s']:.1f} s ({b['inferred']:,} triples)")
        add("build: indexes/optimize", f"{ph['optimize_s']:.1f} s")
        add("build: whole-graph validation", f"{ph['validation_s']:.1f} s")
        add(
            f"build: total ({b['triples']:,} triples)",
            f"{b['wall_s']:.1f} s",
            f"≤ {T['build_s']:.0f} s",
            b["wall_s"] <= T["build_s"],
        )
        add(
            "build: peak RSS",
            f"{b['peak_rss_mib']:,.0f} MiB",
            "≤ 4,096 MiB",
            b["peak_rss_mib"] <= T["build_rss_mib"],
        )
    for name, q in res.get("sparql", {}).items():
        add(
            f"sparql {name} ({q['rows']} rows)",
            f"p50 {q['p50_ms']:.1f} / p95 {q['p95_ms']:.1f} ms",
            f"p95 ≤ {T['query_p95_ms']:.0f} ms",
            q["p95_ms"] <= T["query_p95_ms"],
        )
    if "paths" in res:
        p = res["paths"]
        add(
            "paths: recognition graph + competence index (cold)",
            f"{p['load_graph_s']:.2f} + {p['load_index_s']:.2f} s",
        )
        add(
            f"path, connected pairs ({p['path_pairs']})",
            f"p50 {p['path_connected']['p50_ms']:.2f} / p95 {p['path_connected']['p95_ms']:.2f} ms",
            f"p95 ≤ {T['path_p95_ms']:.0f} ms",
            p["path_connected"]["p95_ms"] <= T["path_p95_ms"],
        )
        add(
            "path, random pairs",
            f"p50 {p['path_random']['p50_ms']:.2f} / p95 {p['path_random']['p95_ms']:.2f} ms",
            f"p95 ≤ {T['path_p95_ms']:.0f} ms",
            p["path_random"]["p95_ms"] <= T["path_p95_ms"],
        )
        add("reach", f"p50 {p['reach']['p50_ms']:.2f} / p95 {p['reach']['p95_ms']:.2f} ms")
        add(
            "socle of 10 certifications",
            f"p50 {p['socle10']['p50_ms']:.2f} / p95 {p['socle10']['p95_ms']:.2f} ms",
            f"≤ {T['socle_ms']:.0f} ms",
            p["socle10"]["p95_ms"] <= T["socle_ms"],
        )
        add(
            "similar --top 10",
            f"p50 {p['similar']['p50_ms']:.2f} / p95 {p['similar']['p95_ms']:.2f} ms "
            f"(first {p['similar_first_s']:.2f} s)",
        )
    if "validate" in res:
        v = res["validate"]
        add(
            f"validate one référentiel ({v['triples']:,} triples)",
            f"p50 {v['p50_ms']:.0f} / p95 {v['p95_ms']:.0f} ms",
            f"≤ {T['referentiel_s']:.0f} s",
            v["p95_ms"] <= T["referentiel_s"] * 1000,
        )
    if "web" in res:
        w = res["web"]
        for key, label in (("pages", "certification pages"), ("sparql", "/sparql")):
            if key not in w:
                continue
            x = w[key]
            value = (
                f"{x['rps']:.0f} req/s, p95 {x['p95_ms']:.0f} ms, {x['errors']} errors ({x['requests']} req)"
            )
            if key == "pages":
                met = x["rps"] >= T["web_rps"] and x["p95_ms"] <= T["web_p95_ms"] and x["errors"] == 0
                add(
                    f"web {label}, {w['concurrency']} conn. ({w['server']})",
                    value,
                    "≥ 200 req/s, p95 ≤ 100 ms, 0 errors",
                    met,
                )
            else:
                add(f"web {label}, {w['concurrency']} conn.", value, "0 errors", x["errors"] == 0)
    if "naive" in res:
        n = res["naive"]
        f, s = n["fast"], n["naive"]
        scope = " + ROME/ESCO/BCN/kit" if n["reference"] else " (RNCP only)"
        add(
            f"naive slice: {n['fiches']} fiches{scope}, fast build total",
            f"{f['phases']['total_s']:.1f} s, {f['peak_rss_mib']:,.0f} MiB",
        )
        add("naive slice: naive build total", f"{s['phases']['total']:.1f} s, {s['peak_rss_mib']:,.0f} MiB")
        for ph_fast, ph_naive, label in (
            ("load_import_s", "import", "import"),
            ("inference_s", "inference", "inference (owlrl)"),
            ("validation_s", "validation", "validation (pyshacl)"),
        ):
            ratio = s["phases"][ph_naive] / max(f["phases"][ph_fast], 1e-9)
            add(f"  ratio {label}", f"{ratio:.1f}×")
        ratio = s["phases"]["total"] / f["phases"]["total_s"]
        add(
            "  ratio build (import + inference + validation)",
            f"{ratio:.1f}×",
            f"≥ {T['naive_ratio']:.0f}×",
            ratio >= T["naive_ratio"],
        )
        qf = sum(q["p50_ms"] for q in f["queries"].values())
        qn = sum(q["p50_ms"] for q in s["queries"].values())
        capped = any(q["capped"] for q in s["queries"].values())
        for name in f["queries"]:
            r = s["queries"][name]["p50_ms"] / max(f["queries"][name]["p50_ms"], 1e-6)
            add(f"  ratio sparql {name}", ("> " if s["queries"][name]["capped"] else "") + f"{r:.0f}×")
        add(
            "  ratio sparql suite (sum of p50)",
            ("> " if capped else "") + f"{qn / qf:.0f}×",
            f"≥ {T['naive_ratio']:.0f}×",
            qn / qf >= T["naive_ratio"],
        )
    w = [max(len(r[i]) for r in rows) for i in range(4)] if rows else [0] * 4
    head = ("measure", "value", "target", "met")
    w = [max(w[i], len(head[i])) for i in range(4)]
    lines = [" | ".join(h.ljust(w[i]) for i, h in enumerate(head)), "-+-".join("-" * x for x in w)]
    lines += [" | ".join(c.ljust(w[i]) for i, c in enumerate(r)) for r in rows]
    return lines


def markdown(res: dict) -> list[str]:
    """The same table in Markdown, for RESULTS.md."""
    lines = table(res)
    out = ["| " + lines[0].replace(" | ", " | ") + " |", "|---|---|---|---|"]
    out += ["| " + x + " |" for x in lines[2:]]
    return out


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fiches", type=int, default=45_000, help="RNCP fiches generated (default 45,000)")
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
    res: dict = {"machine": machine(), "fiches": args.fiches}
    print(
        f"cqpi-graph benchmarks: {args.fiches} fiches, workdir {work}, load average "
        f"{res['machine']['loadavg_start']}",
        flush=True,
    )
    try:
        store = args.store
        if store is None and "build" not in args.skip:
            zip_path = work / f"export-fiches-csv-2024-02-22-{args.fiches}.zip"
            if not zip_path.exists():
                t = time.perf_counter()
                generate_rncp_zip(zip_path, args.fiches)
                print(f"  generated {zip_path.name} in {time.perf_counter() - t:.1f} s", flush=True)
            store = work / f"store-{args.fiches}"
            shutil.rmtree(store, ignore_errors=True)
            print("build …", flush=True)
            data, wall, rss = run_child(["build", str(store), str(zip_path), "1"])
            res["build"] = {**data, "wall_s": wall, "peak_rss_mib": rss}
            print(f"  {wall:.1f} s, peak RSS {rss:,.0f} MiB", flush=True)
        if store is not None and "sparql" not in args.skip:
            print("sparql …", flush=True)
            res["sparql"] = bench_queries(store, args.runs)
        if store is not None and "paths" not in args.skip:
            print("paths …", flush=True)
            res["paths"] = bench_paths(store, args.path_runs)
        if "validate" not in args.skip:
            print("référentiel validation …", flush=True)
            res["validate"] = bench_referentiel(20)
        if store is not None and "web" not in args.skip:
            print("web …", flush=True)
            res["web"] = bench_web(store, work, args)
        if "naive" not in args.skip:
            n = args.naive_fiches
            print(f"naive comparison on {n} fiches …", flush=True)
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
    finally:
        res["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        if tmp is not None:
            tmp.cleanup()
    print()
    print(
        f"{args.fiches} fiches · {res['machine']['nproc']} cores · {res['machine']['mem_mib']:,} MiB · "
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
