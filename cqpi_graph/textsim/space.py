"""TF-IDF vectors of normalised texts (sparse, L2-normalised) and top-k cosine matching.

Weights: tf = 1 + log(count), idf = log((1 + N) / (1 + df)) + 1 over the texts the space was fitted
on, rows L2-normalised, so that a dot product is a cosine. Stems never seen when fitting are
ignored when encoding a new text.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class TermSpace:
    vocabulary: dict[str, int]
    idf: np.ndarray  # float32, one per stem

    @classmethod
    def fit(cls, token_lists: Iterable[list[str]]) -> TermSpace:
        df: Counter[str] = Counter()
        n = 0
        for toks in token_lists:
            df.update(set(toks))
            n += 1
        vocabulary = {t: i for i, t in enumerate(sorted(df))}
        idf = np.empty(len(vocabulary), dtype=np.float32)
        for t, i in vocabulary.items():
            idf[i] = math.log((1 + n) / (1 + df[t])) + 1
        return cls(vocabulary, idf)

    def encode(self, token_lists: Sequence[list[str]]) -> sp.csr_matrix:
        """One L2-normalised row per token list (an empty or unknown text is a zero row)."""
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        voc = self.vocabulary
        for toks in token_lists:
            counts = Counter(t for t in toks if t in voc)
            for t, c in sorted(counts.items()):
                indices.append(voc[t])
                data.append(1.0 + math.log(c))
            indptr.append(len(indices))
        m = sp.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
            shape=(len(token_lists), len(voc)),
        )
        return normalise_rows(m.multiply(self.idf).tocsr())


def normalise_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ m, dtype=np.float32)


def stack(rows: Sequence[sp.csr_matrix], width: int) -> sp.csr_matrix:
    return sp.vstack(rows, format="csr") if rows else sp.csr_matrix((0, width), dtype=np.float32)


@dataclass
class Matches:
    """Sparse (row, column, score) triples, sorted by row then score (best first)."""

    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


def top_matches(
    a: sp.csr_matrix,
    b: sp.csr_matrix,
    *,
    k: int,
    threshold: float,
    row_group: np.ndarray | None = None,
    col_group: np.ndarray | None = None,
    col_bucket: np.ndarray | None = None,
    chunk: int = 2000,
) -> Matches:
    """For each row of a, its k best columns of b with cosine >= threshold.

    row_group / col_group: pairs in the same group are skipped (a référentiel is not aligned
    with itself). col_bucket: k best per bucket of columns (e.g. per target registry) instead of
    k best overall.
    """
    bt = b.T.tocsr()
    out_r, out_c, out_s = [], [], []
    for start in range(0, a.shape[0], chunk):
        prod = (a[start : start + chunk] @ bt).tocsr()
        prod.data[prod.data + 1e-6 < threshold] = 0  # most products are small: drop them in C first
        prod.eliminate_zeros()
        coo = prod.tocoo()
        r, c, s = coo.row.astype(np.int64) + start, coo.col.astype(np.int64), coo.data
        if row_group is not None and col_group is not None:
            keep = row_group[r] != col_group[c]
            r, c, s = r[keep], c[keep], s[keep]
        bucket = col_bucket[c] if col_bucket is not None else np.zeros(len(c), dtype=np.int32)
        order = np.lexsort((c, -s, bucket, r))
        r, c, s, bucket = r[order], c[order], s[order], bucket[order]
        # rank within each (row, bucket) run
        new_run = np.ones(len(r), dtype=bool)
        new_run[1:] = (r[1:] != r[:-1]) | (bucket[1:] != bucket[:-1])
        run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(r)), 0))
        keep = (np.arange(len(r)) - run_start) < k
        out_r.append(r[keep])
        out_c.append(c[keep])
        out_s.append(np.minimum(s[keep], 1.0))
    if not out_r:
        empty = np.zeros(0, dtype=np.int64)
        return Matches(empty, empty, np.zeros(0, dtype=np.float32))
    rows, cols, scores = np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_s)
    order = np.lexsort((cols, -scores, rows))
    return Matches(rows[order], cols[order], scores[order].astype(np.float32))
