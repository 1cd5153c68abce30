"""Benchmark (not a test): exports of a national-scale graph — time and peak memory.

    PYTHONPATH=$PWD python benchmarks/bench_export.py [--fiches 45000] [--store /tmp/bench-export]
    PYTHONPATH=$PWD python benchmarks/bench_export.py --registries ../shared/data --store /tmp/bench-qs/store

With --registries, the graph is the quick-start graph (`cqpi build --registries DIR`: the national
slice of the RNCP, the 2024 sample, the XML extract, BCN, kit, ROME, ESCO).

The graph: `benchmarks/generate_rncp.py` (`generate_rncp_zip`) imported with `cqpi build --with
rncp=…` when that generator is present; otherwise a synthetic graph with the RNCP importer's
terms (fiches, blocs, competences, certifiers with SIRET, levels, NSF, ROME, BCN twins with
ISCED-F codes) bulk-loaded into a store, then inferred. Each export then runs in its own process
so that its peak RSS (`ru_maxrss`) is its own; the output goes to a file.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Peak RSS of the current process (VmHWM: reset at exec, unlike ru_maxrss which Linux carries over).
HWM_SRC = "HWM = lambda: int(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')));"

EXPORTS = {
    "dump-nquads": "from cqpi_graph.export import export_dump; export_dump(s, 'nquads', output=OUT)",
    "dump-turtle-union": "from cqpi_graph.export import export_dump; export_dump(s, 'turtle', output=OUT)",
    "dump-jsonld": "from cqpi_graph.export import export_dump; export_dump(s, 'jsonld', output=OUT)",
    "elm-turtle": "from cqpi_graph.export import export_elm; r = export_elm(s, 'turtle', OUT)[1]; "
    "print(json.dumps({'exported': len(r.exported), 'excluded': len(r.excluded), **r.counts}, "
    "ensure_ascii=False))",
    "elm-jsonld": "from cqpi_graph.export import export_elm; r = export_elm(s, 'jsonld', OUT)[1]; "
    "print(json.dumps({'exported': len(r.exported), 'excluded': len(r.excluded)}))",
    "schemaorg": "from cqpi_graph.export import export_schemaorg; export_schemaorg(s, OUT)",
    "rncp-xml": "from cqpi_graph.export import export_rncp_xml; "
    "print(json.dumps({'fiches': export_rncp_xml(s, None, OUT)}))",
    "void": "from cqpi_graph.export import dataset_description; open(OUT, 'wb').write("
    "dataset_description(s, 'https://example.org'))",
}


def synthetic_nquads(path: Path, n: int, seed: int = 1) -> None:
    """A graph shaped like the RNCP + BCN + kit imports, with the importers' IRIs and terms."""
    rnd = random.Random(seed)
    cq, idb = "https://w3id.org/cqpi/def#", "https://w3id.org/cqpi/id/"
    rdfs_label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    a = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    g_rncp, g_bcn = "<https://w3id.org/cqpi/graph/import/rncp>", "<https://w3id.org/cqpi/graph/import/bcn>"
    words = [
        "gestion",
        "maintenance",
        "conduite",
        "vente",
        "logistique",
        "qualité",
        "sécurité",
        "production",
        "réseau",
        "commerce",
        "soudure",
        "usinage",
        "accueil",
        "paie",
        "cuisine",
    ]
    sirets = [f"{rnd.randrange(10**13, 10**14)}" for _ in range(n // 10 + 1)]
    with open(path, "w", encoding="utf-8") as fh:
        w = fh.write
        for s in sirets:
            o = f"<{idb}siret/{s}>"
            w(f'{o} {a} <{cq}Certificateur> {g_rncp} .\n{o} <{cq}siret> "{s}" {g_rncp} .\n')
            w(f'{o} {rdfs_label} "ORGANISME {s}"@fr {g_rncp} .\n')
        for i in range(n):
            code = f"RNCP{100000 + i}"
            c = f"<{idb}cert/{code}>"
            lvl = rnd.randint(3, 7)
            title = " ".join(rnd.choice(words) for _ in range(4)).capitalize()
            w(f'{c} {a} <{cq}Certification> {g_rncp} .\n{c} <{cq}rncpCode> "{code}" {g_rncp} .\n')
            w(f'{c} {rdfs_label} "{title}"@fr {g_rncp} .\n')
            w(f"{c} <{cq}level> <{idb}niveau/{lvl}> {g_rncp} .\n")
            w(f"{c} <{cq}eqfLevel> <http://data.europa.eu/snb/eqf/{lvl}> {g_rncp} .\n")
            w(f"{c} <{cq}certifier> <{idb}siret/{rnd.choice(sirets)}> {g_rncp} .\n")
            w(
                f'{c} <{cq}active> "{"true" if rnd.random() < 0.3 else "false"}"^^'
                f"<http://www.w3.org/2001/XMLSchema#boolean> {g_rncp} .\n"
            )
            w(f'{c} <{cq}endDate> "2026-08-31"^^<http://www.w3.org/2001/XMLSchema#date> {g_rncp} .\n')
            w(f"{c} <{cq}nsf> <{idb}nsf/{rnd.randint(200, 350)}> {g_rncp} .\n")
            w(f"{c} <{cq}romeJob> <{idb}rome/M{rnd.randint(1000, 1999)}> {g_rncp} .\n")
            if i and rnd.random() < 0.2:
                w(f"{c} <{cq}replaces> <{idb}cert/RNCP{100000 + i - 1}> {g_rncp} .\n")
            for b in range(1, rnd.randint(2, 6)):
                bl = f"<{idb}bloc/{code}BC{b:02d}>"
                w(f"{c} <{cq}hasBloc> {bl} {g_rncp} .\n{bl} {a} <{cq}BlocDeCompetences> {g_rncp} .\n")
                w(f'{bl} <{cq}code> "{code}BC{b:02d}" {g_rncp} .\n')
                w(f'{bl} {rdfs_label} "Bloc {b} {title}"@fr {g_rncp} .\n')
                for k in range(1, rnd.randint(2, 6)):
                    comp = f"<{idb}competence/{code}BC{b:02d}-{k}>"
                    w(f"{bl} <{cq}hasCompetence> {comp} {g_rncp} .\n{comp} {a} <{cq}Competence> {g_rncp} .\n")
                    text = f"{rnd.choice(words).capitalize()} {rnd.choice(words)} {k}"
                    w(f'{comp} {rdfs_label} "{text}"@fr {g_rncp} .\n')
                    w(f'{comp} <{cq}order> "{k}"^^<http://www.w3.org/2001/XMLSchema#integer> {g_rncp} .\n')
            if rnd.random() < 0.3:  # a BCN twin with an ISCED-F code
                d = f"<{idb}bcn/{30000000 + i}>"
                w(f'{d} {a} <{cq}Diplome> {g_bcn} .\n{d} <{cq}bcnCode> "{30000000 + i}" {g_bcn} .\n')
                w(f"{d} <{cq}sameCertification> {c} {g_bcn} .\n{c} <{cq}sameCertification> {d} {g_bcn} .\n")
                isced = f"http://data.europa.eu/snb/isced-f/0{rnd.randint(411, 419)}"
                w(f"{d} <{cq}iscedField> <{isced}> {g_bcn} .\n")


def build_store(store: Path, fiches: int, registries: Path | None = None) -> str:
    from cqpi_graph.build import build
    from cqpi_graph.store import store_writer

    if registries is not None:
        from cqpi_graph.importers.discover import discover

        build(store, imports=discover(registries))
        return f"cqpi build --registries {registries}"
    gen = ROOT / "benchmarks" / "generate_rncp.py"
    if gen.is_file():
        sys.path.insert(0, str(gen.parent))
        from generate_rncp import generate_rncp_zip  # type: ignore[import-not-found]

        z = store.parent / f"rncp-{fiches}.zip"
        generate_rncp_zip(z, fiches, seed=1)
        build(store, imports=[("rncp", z)])
        return f"generate_rncp_zip({fiches}) imported with cqpi build --with rncp=…"
    nq = store.parent / f"synthetic-{fiches}.nq"
    synthetic_nquads(nq, fiches)
    build(store)
    with store_writer(store) as s:
        s.load(nq, "nquads")  # typed cq:Certification directly: no inference needed for the exports
    return f"synthetic N-Quads ({fiches} fiches, importer terms) bulk-loaded (no inference run)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fiches", type=int, default=45_000)
    ap.add_argument("--store", type=Path, default=Path("/tmp/bench-export/store"))
    ap.add_argument("--only", nargs="*", default=list(EXPORTS))
    ap.add_argument("--registries", type=Path, default=None, help="build the quick-start graph from DIR")
    args = ap.parse_args()
    args.store.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    if not (args.store / "current").exists():
        how = build_store(args.store, args.fiches, args.registries)
        print(f"graph: {how} in {time.monotonic() - t0:.0f} s")
    from cqpi_graph.store import open_store

    with open_store(args.store) as s:
        print(f"store: {s.count()} quads, {len(s.graphs())} named graphs")
    print("export\tseconds\tpeak RSS (MiB)\toutput (MiB)\tnote")
    for name in args.only:
        out = args.store.parent / f"out-{name}"
        code = (
            f"import json, time; from cqpi_graph.store import open_store; {HWM_SRC} "
            f"s = open_store({str(args.store)!r}); OUT = {str(out)!r}; t = time.monotonic(); "
            f"{EXPORTS[name]}; print('T', time.monotonic() - t); "
            f"print('M', HWM())"
        )
        res = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        )
        if res.returncode:
            print(f"{name}\tFAILED\t{res.stderr[-500:]}")
            continue
        lines = res.stdout.splitlines()
        secs = float(next(line[2:] for line in lines if line.startswith("T ")))
        rss = int(next(line[2:] for line in lines if line.startswith("M "))) / 1024
        note = " ".join(line for line in lines if line.startswith("{"))
        print(f"{name}\t{secs:.1f}\t{rss:.0f}\t{out.stat().st_size / 2**20:.0f}\t{note}")
    base = subprocess.run(
        [
            sys.executable,
            "-c",
            f"{HWM_SRC} import cqpi_graph.export; "
            f"from cqpi_graph.store import open_store; s = open_store({str(args.store)!r}); "
            "print(HWM())",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    print(f"(baseline: importing cqpi_graph.export and opening the store: {int(base.stdout) / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
