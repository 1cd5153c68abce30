"""Benchmark of equivalence paths, reach, socle and similar (a script, not a test).

    python benchmarks/bench_paths.py --store PATH            # an existing store
    python benchmarks/bench_paths.py --synthetic 45000       # builds a synthetic store first

--synthetic N builds, in a temporary store, N RNCP-like fiches shaped like the national export:
successions in chains of 5 (cq:replacedBy with a reified cq:Succession), 3 blocs each, a
bloc-to-bloc correspondence every 50 fiches, 2 ROME jobs each among 1,500 jobs of 60
savoir-faire drawn from 15,000 competences; then OWL 2 RL inference as `cqpi build` runs it.
(When the importers' national-scale generator, benchmarks/generate_rncp.py, is available, build
a store from its ZIP with `cqpi build --with rncp=…` and pass it with --store.)

Prints cold (first query: graph and index built) and warm timings: p50 / p95 / max in ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cqpi_graph import _cache  # noqa: E402
from cqpi_graph.build import build, run_inference  # noqa: E402
from cqpi_graph.namespaces import CQ, DCT, ID, RDF, RDFS, Graphs  # noqa: E402
from cqpi_graph.paths import find_paths, load_graph, reach  # noqa: E402
from cqpi_graph.socle import load_index, similar, socle  # noqa: E402
from cqpi_graph.store import open_store, store_writer  # noqa: E402

SYNTHETIC_GRAPH = Graphs.imported("rncp")
N_JOBS, N_COMPETENCES, PER_JOB = 1500, 15000, 60


def synthetic_quads(n: int, seed: int = 1):
    rnd = random.Random(seed)
    g = SYNTHETIC_GRAPH

    def u(x: str) -> str:
        return f"<{x}>"

    def lit(x: str) -> str:
        return '"' + x + '"'

    typ, label = u(RDF + "type"), u(RDFS + "label")
    for j in range(N_JOBS):
        job = u(f"{ID}rome/Z{j:04d}")
        yield job, typ, u(CQ + "MetierROME"), g
        yield job, label, lit(f"Métier synthétique {j}"), g
        for c in rnd.sample(range(N_COMPETENCES), PER_JOB):
            yield job, u(CQ + "romeSavoirFaire"), u(f"{ID}rome/competence/{800000 + c}"), g
    for c in range(N_COMPETENCES):
        comp = u(f"{ID}rome/competence/{800000 + c}")
        yield comp, typ, u(CQ + "Competence"), g
        yield comp, label, lit(f"Compétence synthétique {c}"), g
    for i in range(n):
        code = f"RNCP{100000 + i}"
        cert = u(f"{ID}cert/{code}")
        yield cert, typ, u(CQ + "TitreCertifie"), g
        yield cert, u(CQ + "rncpCode"), lit(code), g
        yield cert, label, lit(f"Fiche synthétique {i}"), g
        for b in (1, 2, 3):
            bloc = u(f"{ID}bloc/{code}BC0{b}")
            yield cert, u(CQ + "hasBloc"), bloc, g
            yield bloc, typ, u(CQ + "BlocDeCompetences"), g
            yield bloc, u(CQ + "code"), lit(f"{code}BC0{b}"), g
        for j in rnd.sample(range(N_JOBS), 2):
            yield cert, u(CQ + "romeJob"), u(f"{ID}rome/Z{j:04d}"), g
        if i % 5 != 4 and i + 1 < n:
            nxt = u(f"{ID}cert/RNCP{100001 + i}")
            st = u(f"{ID}reco/succession-{code}-RNCP{100001 + i}")
            yield cert, u(CQ + "replacedBy"), nxt, g
            yield st, typ, u(CQ + "Succession"), g
            yield st, u(CQ + "fromCertification"), cert, g
            yield st, u(CQ + "toCertification"), nxt, g
            yield st, u(DCT + "source"), u(f"{ID}source/synthetic"), g
        if i % 50 == 0 and i + 7 < n:
            yield (
                u(f"{ID}bloc/{code}BC01"),
                u(CQ + "blocCorrespondsTo"),
                u(f"{ID}bloc/RNCP{100007 + i}BC01"),
                g,
            )


def build_synthetic(path: Path, n: int) -> float:
    t0 = time.perf_counter()
    build(path)
    with store_writer(path) as st:
        st.add_quads(synthetic_quads(n))
        run_inference(st)
    return time.perf_counter() - t0


def timed(fn, runs: list) -> list[float]:
    out = []
    for args in runs:
        t0 = time.perf_counter()
        fn(*args)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def fmt(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"p50 {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, max {ms[-1]:.2f} ms (n={len(ms)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="an existing store")
    ap.add_argument("--synthetic", type=int, metavar="N", help="build a synthetic store of N fiches")
    ap.add_argument("--keep", type=Path, help="with --synthetic: build the store here and keep it")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if not args.store and not args.synthetic:
        ap.error("--store or --synthetic")
    tmp = None
    if args.synthetic:
        if args.keep:
            args.store = args.keep
        else:
            tmp = tempfile.TemporaryDirectory(prefix="bench-paths-")
            args.store = Path(tmp.name) / "store"
        secs = build_synthetic(args.store, args.synthetic)
        print(f"synthetic store: {args.synthetic} fiches built + inferred in {secs:.1f} s")
    rnd = random.Random(args.seed)
    with open_store(args.store) as store:
        print(f"store {args.store}: {store.count()} quads")
        _cache.clear()
        t0 = time.perf_counter()
        rg = load_graph(store)
        t1 = time.perf_counter()
        ix = load_index(store)
        t2 = time.perf_counter()
        print(
            f"cold: recognition graph {t1 - t0:.2f} s ({rg.graph.number_of_nodes()} nodes, "
            f"{rg.graph.number_of_edges()} edges); competence index {t2 - t1:.2f} s "
            f"({len(ix.job_nodes)} ROME jobs)"
        )
        certs = sorted(n for n in rg.nodes if rg.steps.out_degree(n) or rg.steps.in_degree(n))
        everything = sorted(rg.nodes)
        if not certs:
            print("no recognition edge in this store: nothing to benchmark for paths")
            return
        # pairs that are connected (a node and a random descendant) and random pairs (mostly none)
        connected = []
        for a in rnd.sample(certs, min(len(certs), args.runs)):
            desc = list(rg.steps.successors(a))
            if desc:
                reachable = list(__import__("networkx").descendants(rg.steps, a))
                connected.append((store, rg.nodes[a].code, rg.nodes[rnd.choice(reachable)].code))
        randoms = [
            (store, rg.nodes[rnd.choice(everything)].code, rg.nodes[rnd.choice(everything)].code)
            for _ in range(args.runs)
        ]
        found = timed(lambda s, a, b: find_paths(s, a, b, alternatives=2), connected)
        print(f"path (connected pairs, --alternatives 2): {fmt(found)}")
        print(f"path (random pairs):                      {fmt(timed(find_paths, randoms))}")
        starts = [(store, rg.nodes[a].code) for a in rnd.sample(certs, min(100, len(certs)))]
        print(f"reach:                                    {fmt(timed(reach, starts))}")
        with_comp = [n for n in everything if ix.node_competences(rg.nodes[n])] or everything
        socles = [
            (store, [rg.nodes[x].code for x in rnd.sample(with_comp, min(10, len(with_comp)))])
            for _ in range(min(args.runs, 100))
        ]
        print(f"socle of 10:                              {fmt(timed(socle, socles))}")
        sims = [(store, rg.nodes[rnd.choice(with_comp)].code, 10) for _ in range(20)]
        t0 = time.perf_counter()
        similar(store, sims[0][1], 10)
        print(f"similar --top 10 (first, builds the inverted index): {(time.perf_counter() - t0):.2f} s")
        print(f"similar --top 10:                         {fmt(timed(similar, sims))}")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
