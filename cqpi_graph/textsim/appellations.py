"""A ROME job's names (its label and appellations), one vector each, for job proximity.

A job lists many appellations, some of which name another trade (« Formateur / Formatrice
bâtiment », « … hôtellerie restauration »): compared as one long text, such a job is far from
each of those trades; compared name by name, its best-matching appellation says which trades it
is close to. ``best_names`` gives, for one source job, every job's best appellation cosine with
the source's names (all of them as one text) and which appellation it was (the evidence shown).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .corpus import JobDoc
from .space import TermSpace


@dataclass
class JobNames:
    names: sp.csr_matrix  # one row per name: each job's label then its appellations, job by job
    starts: np.ndarray  # first row of each job in names (len(jobs) + 1 offsets)
    texts: list[str]  # the text of each row
    whole: sp.csr_matrix  # one row per job: all its names as one text, same term space

    def best_names(self, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows): for each source job and each job, the best cosine between the source's
        names and one name of the job, and that name's row in ``names``."""
        sims = (self.whole[sources] @ self.names.T).toarray()
        starts = self.starts[:-1]
        scores = np.maximum.reduceat(sims, starts, axis=1)
        # the first row of each job reaching its maximum (argmax per segment)
        is_best = sims >= np.repeat(scores, np.diff(self.starts), axis=1)
        row_or_end = np.where(is_best, np.arange(sims.shape[1]), sims.shape[1])
        first = np.minimum.reduceat(row_or_end, starts, axis=1)
        return scores, first


def job_names(jobs: list[JobDoc], tokens: Callable[[str], list[str]]) -> JobNames:
    """Vectors of every job's names over a term space fitted on those names (tokens: a text's
    normalised stems, the model's cached normalisation)."""
    texts = [t for j in jobs for t in [j.label, *j.appellations]]
    counts = np.array([1 + len(j.appellations) for j in jobs])
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    toks = [tokens(t) for t in texts]
    space = TermSpace.fit(toks)
    whole = [[s for t in toks[starts[k] : starts[k + 1]] for s in t] for k in range(len(jobs))]
    return JobNames(space.encode(toks), starts, texts, space.encode(whole))
