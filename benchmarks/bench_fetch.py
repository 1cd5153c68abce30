"""Benchmark (not a test): `cqpi fetch` of the real exports of ../shared/data, from a local portal.

    PYTHONPATH=$PWD python benchmarks/bench_fetch.py [--repeat 3]

The portal of the tests (tests/portal_server.py, 127.0.0.1) publishes the national RNCP export
(2021 reconstruction, 17,369 fiches) as a data.gouv.fr resource with its SHA-1, the BCN and the
kit as files, and ROME (all nine CSV) and ESCO (four CSV) as ZIP archives, as their publishers
serve them. It prints, for each step, the wall time (best of --repeat) and the bytes moved:
first fetch (download + checks + install), second fetch (nothing changed), dry run, a transfer
cut at half and resumed, a mirror copy, and the checks alone on each file.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from portal_server import Fault, Portal, start  # noqa: E402

from cqpi_graph.fetch import fetch, load_sources  # noqa: E402
from cqpi_graph.fetch.download import Http  # noqa: E402
from cqpi_graph.fetch.verify import check_payload  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
RNCP = "rncp/export-fiches-csv-2021-02-01-reconstructed.zip"
ESCO = ("skills_fr.csv", "occupations_fr.csv", "skillGroups_fr.csv", "broaderRelationsSkillPillar.csv")


def _zip(files: list[Path]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.write(f, f.name)
    return buf.getvalue()


def publish(portal: Portal) -> str:
    """The five sources on the portal; returns a sources file pointing at them."""
    portal.resource(
        "rncp", "export-fiches-csv-2021-02-01.zip", (SHARED / RNCP).read_bytes(), "2021-02-01T03:00:00Z"
    )
    portal.put("/bcn", (SHARED / "bcn/N_FORMATION_DIPLOME.csv").read_bytes())
    portal.put("/kit", (SHARED / "kit/kit-apprentissage-rncp-v3.0.csv").read_bytes())
    portal.put("/rome", _zip(sorted((SHARED / "rome").glob("unix_*_utf8.csv"))))
    portal.put("/esco", _zip([SHARED / "esco" / n for n in ESCO]))
    return "\n".join(
        [
            f'[rncp]\ndataset = "{portal.dataset_url("rncp")}"',
            f'[bcn]\nurl = "{portal.url("/bcn")}"',
            f'[kit]\nurl = "{portal.url("/kit")}"',
            f'[rome]\nurl = "{portal.url("/rome")}"',
            f'[esco]\nurl = "{portal.url("/esco")}"',
        ]
    )


def timed(label: str, repeat: int, action, setup=None) -> None:  # noqa: ANN001 - callables
    best, out = float("inf"), None
    for _ in range(repeat):
        if setup:
            setup()
        t0 = time.perf_counter()
        out = action()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<44} {best:7.3f} s   {out or ''}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    portal = Portal()
    server, _ = start(portal)
    work = Path(tempfile.mkdtemp(prefix="bench-fetch-"))
    config = work / "sources.toml"
    config.write_text(publish(portal), encoding="utf-8")
    into, http = work / "registries", Http(timeout=30, retries=0)
    total = sum(len(f.data) for f in portal.files.values())

    def run(**kw) -> str:  # noqa: ANN003
        report = fetch(kw.pop("into", into), config=config, use_user_config=False, http=http, **kw)
        counts: dict[str, int] = {}
        for r in report.results:
            counts[r.status] = counts.get(r.status, 0) + 1
        return ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))

    print(f"served: {total / 1e6:.1f} MB in 5 sources (127.0.0.1)")
    timed("first fetch (download, verify, install)", args.repeat, run, lambda: shutil.rmtree(into, True))
    timed("second fetch (nothing changed)", args.repeat, run)
    timed("dry run", args.repeat, lambda: run(dry_run=True))
    path = next(p for p in portal.files if p.startswith("/resources/"))

    cut_into = work / "cut"

    def cut() -> None:
        shutil.rmtree(cut_into, True)
        portal.faults[path] = Fault(cut_after=len(portal.files[path].data) // 2)
        fetch(cut_into, sources=["rncp"], config=config, use_user_config=False, http=http)

    timed("rncp resumed after a cut at half", args.repeat, lambda: run(into=cut_into, sources=["rncp"]), cut)
    portal.static["/mirror/"] = into
    mirror = work / "mirror-copy"
    timed(
        "mirror copy of the whole folder",
        args.repeat,
        lambda: run(into=mirror, mirror=portal.url("/mirror/")),
        lambda: shutil.rmtree(mirror, True),
    )
    sources = load_sources(config, use_user_file=False)
    for name, served in (("rncp", path), ("bcn", "/bcn"), ("rome", "/rome"), ("esco", "/esco")):
        f = work / f"{name}.payload"
        f.write_bytes(portal.files[served].data)
        timed(f"checks alone: {name} ({f.stat().st_size / 1e6:.1f} MB)", args.repeat,
              lambda f=f, name=name: f"{check_payload(f, sources[name], '').lines} lines")  # fmt: skip
    server.shutdown()
    shutil.rmtree(work, True)


if __name__ == "__main__":
    main()
