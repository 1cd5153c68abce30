"""How good are the computed competence alignments? Measured on real French labels (ESCO).

ESCO gives each skill a French preferred label and alternative labels written by its editors:
an alternative label and the preferred label of the same skill say the same thing in other
words, which is what `cqpi align` must recognise between two référentiels. For a sample of
skills, every alternative label is matched against every preferred label:

- top-1 accuracy: the best-scoring preferred label is the skill's own;
- precision / recall at each threshold: pairs kept by `compute_alignments`' rule (cosine ≥ t)
  that are the same skill, and the share of alternative labels whose own skill is kept.

Compared with two baselines: exact match after lower-casing and removing accents (what a
registry offers), and the same TF-IDF cosine without stemming or stop words (words only).

    python benchmarks/bench_align_quality.py --skills 2000
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cqpi_graph.align import STOP_WORDS, _stem_words, _strip_accents, normalise, tfidf_vectors  # noqa: E402


def load_esco(path: Path, n: int, seed: int) -> list[tuple[str, str, list[str]]]:
    """(uri, preferred label, alternative labels) of n skills that have alternative labels."""
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            alts = [a.strip() for a in (r.get("altLabels") or "").split("\n") if a.strip()]
            alts = [a for a in alts if a.casefold() != r["preferredLabel"].casefold()]
            if alts and r.get("preferredLabel"):
                rows.append((r["conceptUri"], r["preferredLabel"], alts))
    random.Random(seed).shuffle(rows)
    return rows[:n]


def words_only(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", _strip_accents(text.casefold())) if w]


def stems_keeping_stop_words(text: str) -> list[str]:
    words = [w for w in re.split(r"[^\w]+", text.casefold()) if w]
    return [_strip_accents(s) for s in _stem_words(words)]


def words_without_stop_words(text: str) -> list[str]:
    stop = {_strip_accents(w) for w in STOP_WORDS}
    return [w for w in words_only(text) if w not in stop]


def vectors_with(tokeniser, texts: dict[str, str]) -> dict[str, dict[str, float]]:
    """TF-IDF like cqpi_graph.align.tfidf_vectors, with another tokeniser (for the ablation)."""
    toks = {k: Counter(tokeniser(t)) for k, t in texts.items()}
    df: Counter[str] = Counter()
    for c in toks.values():
        df.update(c.keys())
    n = len(toks)
    out = {}
    for k, counts in toks.items():
        vec = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out[k] = {t: v / norm for t, v in vec.items()}
    return out


def evaluate(
    vectors: dict[str, dict[str, float]],
    queries: dict[str, str],
    prefs: dict[str, str],
    thresholds: list[float],
) -> dict[str, object]:
    """Score every (alternative, preferred) pair sharing a term; top-1 and P/R by threshold."""
    index: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for p in prefs:
        for t, w in vectors[p].items():
            index[t].append((p, w))
    top1 = 0
    kept = {t: [0, 0, 0] for t in thresholds}  # pairs kept, of which correct, queries recalled
    for q, own in queries.items():
        scores: dict[str, float] = defaultdict(float)
        for t, w in vectors[q].items():
            for p, w2 in index.get(t, ()):
                scores[p] += w * w2
        if scores and max(scores, key=scores.get) == own:
            top1 += 1
        for th in thresholds:
            hits = [p for p, s in scores.items() if s >= th - 1e-12]
            kept[th][0] += len(hits)
            kept[th][1] += sum(1 for p in hits if p == own)
            kept[th][2] += 1 if own in hits else 0
    nq = len(queries)
    by_threshold = {}
    for th, (n_kept, n_ok, n_recalled) in kept.items():
        precision = n_ok / n_kept if n_kept else 0.0
        recall = n_recalled / nq if nq else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        by_threshold[th] = (precision, recall, f1)
    return {"top1": top1 / nq if nq else 0.0, "by_threshold": by_threshold}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--esco", type=Path, default=ROOT.parent / "shared" / "data" / "esco" / "skills_fr.csv")
    ap.add_argument("--skills", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20261121)
    args = ap.parse_args()

    skills = load_esco(args.esco, args.skills, args.seed)
    prefs = {f"p{i}": pref for i, (_, pref, _) in enumerate(skills)}
    queries_text = {}
    queries_own = {}
    for i, (_, _, alts) in enumerate(skills):
        for j, alt in enumerate(alts):
            queries_text[f"q{i}-{j}"] = alt
            queries_own[f"q{i}-{j}"] = f"p{i}"
    texts = {**prefs, **queries_text}
    thresholds = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]

    # Baseline 1: exact match after lower case and accent removal.
    norm_prefs: dict[str, list[str]] = defaultdict(list)
    for k, v in prefs.items():
        norm_prefs[_strip_accents(v.casefold()).strip()].append(k)
    exact_ok = sum(
        1
        for q, t in queries_text.items()
        if queries_own[q] in norm_prefs.get(_strip_accents(t.casefold()).strip(), [])
    )

    t0 = time.perf_counter()
    full = evaluate(tfidf_vectors(texts), queries_own, prefs, thresholds)
    seconds = time.perf_counter() - t0
    words = evaluate(vectors_with(words_only, texts), queries_own, prefs, thresholds)
    ablations = {
        "words, stop words removed": evaluate(
            vectors_with(words_without_stop_words, texts), queries_own, prefs, thresholds
        ),
        "stems, stop words kept": evaluate(
            vectors_with(stems_keeping_stop_words, texts), queries_own, prefs, thresholds
        ),
    }

    nq = len(queries_own)
    print(f"ESCO skills: {len(skills)}, alternative labels matched against all preferred labels: {nq}")
    print(f"method: cqpi_graph.align (normalise = {normalise('Réglages des paramètres du process')})")
    print(f"scoring {nq} x {len(prefs)} with the inverted index: {seconds:.2f} s\n")
    print("| method | top-1 accuracy |")
    print("|---|---|")
    print(f"| exact match (lower case, no accents) | {exact_ok / nq:.3f} |")
    print(f"| TF-IDF cosine, words only | {words['top1']:.3f} |")
    for name, res in ablations.items():
        print(f"| TF-IDF cosine, {name} | {res['top1']:.3f} |")
    name = "TF-IDF cosine, stop words removed + French Snowball stems (cqpi align)"
    print(f"| **{name}** | **{full['top1']:.3f}** |")
    print("\nprecision / recall / F1 by threshold")
    variants = {"cqpi align": full, "words only": words, **ablations}
    print("| threshold | " + " | ".join(variants) + " |")
    print("|---|" + "---|" * len(variants))
    for th in thresholds:
        cells = ["{:.3f} / {:.3f} / {:.3f}".format(*v["by_threshold"][th]) for v in variants.values()]
        print(f"| {th:.1f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
