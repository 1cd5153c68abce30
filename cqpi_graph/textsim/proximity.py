"""Job -> jobs: how close every ROME job is to one job (``cqpi similar ROME --kind rome``).

The score of a target job for a source job:

- the mean of two cosines: the jobs' ROME items with their macro-competences and macro-code
  objectives, and their texts (label, appellations, item labels);
- plus 0.1 x the co-occurrence of the two jobs' historic (parent) jobs in the certifications
  that declare them;
- plus 0.05 x the cosine of the training fields (NSF groups and sub-domains) of the
  certifications that declare those parent jobs: jobs that people are trained for in the same
  fields, even when no single certification declares both;
- plus 0.025 when the two jobs are in the same *domaine professionnel* of the ROME (the first
  three characters of the code);
- times (1 + certifications declaring the target)^0.1, a prior for jobs many certifications lead
  to;
- plus 0.1 x the best cosine between the source's names and one appellation of the target
  (``appellations.py``: « Formateur / Formatrice bâtiment » is close to the building trades);
- divided by (1 + the number of jobs that have the target among their 20 best)^0.05: a hubness
  reduction, so that a few broad jobs (« Responsable de PME », research engineers) do not fill
  every list.

The variants and their recall on France Travail's mobility links (a development set) are in
benchmarks/RESULTS.md: the training fields, the domain, the appellations and the hubness and their
round weights were chosen on that file, after a cross-validation over its halves showed the gain
carries over to the jobs they were not chosen on (benchmarks/bench_mobility_signals.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .model import TextModel

COOC_WEIGHT = 0.1
FIELDS_WEIGHT = 0.05
DOMAIN_WEIGHT = 0.025
PRIOR_EXPONENT = 0.1
NAME_WEIGHT = 0.1
HUB_K = 20
HUB_EXPONENT = 0.05
VIEWS = ("codes", "text")
# what job_hubs depend on
PROXIMITY = (VIEWS, COOC_WEIGHT, FIELDS_WEIGHT, DOMAIN_WEIGHT, PRIOR_EXPONENT, NAME_WEIGHT, HUB_K)


def proximity_rows(
    model: TextModel,
    sources: np.ndarray,
    *,
    views: tuple[str, ...] = VIEWS,
    cooc_weight: float = COOC_WEIGHT,
    fields_weight: float = FIELDS_WEIGHT,
    domain_weight: float = DOMAIN_WEIGHT,
    prior_exponent: float = PRIOR_EXPONENT,
    name_weight: float = NAME_WEIGHT,
    hub_exponent: float = HUB_EXPONENT,
) -> np.ndarray:
    """Score of every job (columns) as a neighbour of each source job (rows); a source itself
    at -inf."""
    parts = []
    if "codes" in views:
        parts.append((model.job_codes[sources] @ model.job_codes.T).toarray())
    if "text" in views:
        parts.append((model.job_docs[sources] @ model.job_docs.T).toarray())
    score = (sum(parts) / len(parts)).astype(np.float64)
    parents = model.job_parent[sources]
    if cooc_weight:
        score += cooc_weight * model.job_cooc[parents].toarray()[:, model.job_parent]
    if fields_weight:
        fields = (model.job_fields[parents] @ model.job_fields.T).toarray()
        score += fields_weight * fields[:, model.job_parent]
    if domain_weight:
        score += domain_weight * (model.job_domain[sources][:, None] == model.job_domain[None, :])
    if prior_exponent:
        score *= (1.0 + model.job_certs) ** prior_exponent
    if name_weight and model.names is not None:
        score += name_weight * model.names.best_names(sources)[0]
    if hub_exponent and len(model.job_hubs):
        score /= (1.0 + model.job_hubs) ** hub_exponent
    score[np.arange(len(sources)), sources] = -np.inf
    return score


def proximity_scores(model: TextModel, j: int, **options: object) -> np.ndarray:
    """Score of every job as a neighbour of job j (j itself at -inf); options: proximity_rows'."""
    return proximity_rows(model, np.array([j]), **options)[0]  # type: ignore[arg-type]


def hub_counts(model: TextModel, chunk: int = 256) -> np.ndarray:
    """For each job, how many jobs have it among their HUB_K best with a positive score (scored
    without hubness)."""
    n = len(model.corpus.jobs)
    counts = np.zeros(n, dtype=np.float32)
    k = min(HUB_K, n - 1)
    for start in range(0, n, chunk) if k > 0 else ():
        rows = proximity_rows(model, np.arange(start, min(start + chunk, n)), hub_exponent=0.0)
        best = np.argpartition(-rows, k - 1, axis=1)[:, :k]
        scored = np.take_along_axis(rows, best, axis=1) > 0  # never a tie at 0: no content, no vote
        counts += np.bincount(best[scored], minlength=n).astype(np.float32)
    return counts
