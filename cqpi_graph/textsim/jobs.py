"""ROME jobs from text: the jobs a certification leads to, and the jobs close to a job.

Certification -> jobs (``job_scores``): the jobs its fiche declares (cq:romeJob) come first and
stay *declared*; the others are *computed* from two signals over the certification's title,
bloc labels and capacities:

- its nearest certifications by text (cosine in the document space, the 50 nearest that declare
  jobs) vote for the jobs they declare, each vote weighted by the squared similarity;
- the cosine of its text with each job's text (label, appellations, item labels), weight 0.3.

Each computed job carries its evidence: which blocs matched which competences of the job, and
which nearby certifications declare it.

Job -> jobs (``close_jobs``): scored by ``proximity.py``; each close job carries its evidence:
the ROME items the two jobs share, the certifications declaring both, and the target's
appellation that best matches the source's names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .corpus import _local
from .model import TextModel
from .proximity import proximity_scores

NEIGHBOURS = 50  # certifications that vote
NEIGHBOUR_POWER = 2
TEXT_WEIGHT = 0.3
EVIDENCE_MIN = 0.2  # a bloc/competence pair shown as evidence scores at least this


@dataclass
class UnitMatch:
    """One competence text matched to another: the evidence of a computed link."""

    a: str  # IRI
    a_text: str
    b: str
    b_text: str
    score: float

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "a_label": self.a_text,
            "b": self.b,
            "b_label": self.b_text,
            "score": round(self.score, 4),
        }


@dataclass
class CertRef:
    iri: str
    code: str
    label: str
    score: float | None = None

    def to_dict(self) -> dict:
        out: dict = {"iri": self.iri, "code": self.code, "label": self.label}
        if self.score is not None:
            out["score"] = round(self.score, 4)
        return out


@dataclass
class JobLink:
    """A ROME job linked to a certification or to another job."""

    iri: str
    code: str
    label: str
    basis: str  # "declared" or "computed"
    score: float | None = None
    matches: list[UnitMatch] = field(default_factory=list)  # blocs <-> the job's competences
    via: list[CertRef] = field(default_factory=list)  # nearby certifications that declare it
    shared: list[CertRef] = field(default_factory=list)  # job proximity: shared ROME items
    co_declared: int = 0  # job proximity: certifications declaring both (parent) jobs
    co_declared_as: tuple[str, str] = ("", "")  # the (parent) job codes those certifications declare
    appellation: str = ""  # job proximity: its appellation closest to the source job's names
    fields: list[CertRef] = field(default_factory=list)  # job proximity: shared training fields (NSF)

    def to_dict(self) -> dict:
        return {
            "iri": self.iri,
            "code": self.code,
            "label": self.label,
            "basis": self.basis,
            "score": None if self.score is None else round(self.score, 4),
            "matches": [m.to_dict() for m in self.matches],
            "via": [c.to_dict() for c in self.via],
            "shared_items": [c.to_dict() for c in self.shared],
            "co_declared": self.co_declared,
            "co_declared_as": list(self.co_declared_as) if self.co_declared else None,
            "appellation": self.appellation or None,
            "shared_fields": [c.to_dict() for c in self.fields],
        }


# ---------------------------------------------------------------- scores (benchmarks use these)


def neighbour_scores(model: TextModel, c: int, hidden: frozenset[int] = frozenset()) -> np.ndarray:
    """Cosine of certification c with every certification (itself and hidden ones at 0)."""
    sims = (model.cert_docs @ model.cert_docs[c].T).toarray().ravel()
    sims[c] = 0.0
    if hidden:
        sims[list(hidden)] = 0.0
    return sims


def job_scores(model: TextModel, c: int, hidden: frozenset[int] = frozenset()) -> np.ndarray:
    """Computed score of every job for certification c, from its text only.

    hidden: certifications whose declared jobs must not be used (c's own never are); the
    benchmark hides a whole sample this way.
    """
    sims = neighbour_scores(model, c, hidden)
    has_jobs = np.asarray(model.declared.sum(axis=1)).ravel() > 0
    sims = np.where(has_jobs, sims, 0.0)
    k = min(NEIGHBOURS, int((sims > 0).sum()))
    vote = np.zeros(len(model.corpus.jobs), dtype=np.float64)
    if k:
        top = np.argpartition(-sims, k - 1)[:k]
        weights = sims[top] ** NEIGHBOUR_POWER
        vote = np.asarray(model.declared[top].T @ weights).ravel()
    text = (model.job_docs @ model.cert_docs[c].T).toarray().ravel()
    return (_unit_max(vote) + TEXT_WEIGHT * _unit_max(text)) / (1 + TEXT_WEIGHT)  # in [0, 1]


def _item_rank(model: TextModel, item: str) -> int:
    """Savoir-faire first, then savoir-être, savoirs, working contexts (rarest first within)."""
    u = model.unit_index.get(item)
    kind = model.corpus.units[u].kind if u is not None else ""
    order = ("rome-savoir-faire", "rome-competence", "rome-savoir-etre", "rome-savoir")
    return order.index(kind) if kind in order else len(order)


def _unit_max(x: np.ndarray) -> np.ndarray:
    m = float(x.max()) if len(x) else 0.0
    return x / m if m > 0 else x


def ranked(scores: np.ndarray, top: int, exclude: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """Indexes of the best scores (positive only), ties broken by index."""
    order = np.lexsort((np.arange(len(scores)), -scores))
    out: list[int] = []
    for i in order.tolist():
        if len(out) >= top or not scores[i] > 0:
            break
        if i not in exclude:
            out.append(i)
    return out


# ---------------------------------------------------------------- evidence


def unit_matches(
    model: TextModel, a_units: np.ndarray, b_units: np.ndarray, limit: int = 3
) -> list[UnitMatch]:
    """The best pairs (a unit, b unit), each a unit used once, score >= EVIDENCE_MIN."""
    if not len(a_units) or not len(b_units):
        return []
    sims = (model.units[a_units] @ model.units[b_units].T).toarray()
    out: list[UnitMatch] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    units = model.corpus.units
    for flat in np.argsort(-sims, axis=None, kind="stable").tolist():
        i, k = divmod(flat, sims.shape[1])
        s = float(sims[i, k])
        if s < EVIDENCE_MIN or len(out) >= limit:
            break
        if i in used_a or k in used_b:
            continue
        used_a.add(i)
        used_b.add(k)
        ua, ub = units[int(a_units[i])], units[int(b_units[k])]
        out.append(UnitMatch(ua.iri, ua.text, ub.iri, ub.text, s))
    return out


def cert_ref(model: TextModel, c: int, score: float | None = None) -> CertRef:
    doc = model.corpus.certs[c]
    return CertRef(doc.iri, doc.code, doc.label, score)


def job_link(model: TextModel, j: int, basis: str, score: float | None = None) -> JobLink:
    doc = model.corpus.jobs[j]
    return JobLink(doc.iri, doc.code, doc.label, basis, score)


# ---------------------------------------------------------------- what the CLI and web show


def jobs_of_certification(model: TextModel, c: int, top: int = 10, evidence: int = 3) -> list[JobLink]:
    """Declared jobs first (all of them, up to top), then computed ones up to top."""
    declared = [int(j) for j in model.declared[c].indices]
    declared.sort(key=lambda j: model.corpus.jobs[j].code)
    units = model.cert_units(c)
    out = []
    for j in declared[:top]:
        link = job_link(model, j, "declared")
        link.matches = unit_matches(model, units, model.job_units[j], evidence)
        out.append(link)
    if len(out) >= top:
        return out
    scores = job_scores(model, c)
    sims = neighbour_scores(model, c)
    by_job = model.declared.T.tocsr()  # job -> certifications declaring it
    for j in ranked(scores, top - len(out), exclude=set(declared)):
        link = job_link(model, j, "computed", float(scores[j]))
        link.matches = unit_matches(model, units, model.job_units[j], evidence)
        voters = by_job[j].indices
        best = sorted(voters.tolist(), key=lambda n: (-sims[n], n))[:evidence]
        link.via = [cert_ref(model, n, float(sims[n])) for n in best if sims[n] > 0]
        out.append(link)
    return out


def close_jobs(model: TextModel, j: int, top: int = 10, evidence: int = 5) -> list[JobLink]:
    """The jobs closest to job j (computed), with their shared ROME items and closest appellation."""
    scores = proximity_scores(model, j)
    name_of = _name_evidence(model, j)
    jobs = model.corpus.jobs
    own = set(jobs[j].items)
    rarity = model.item_jobs
    out = []
    for k in ranked(scores, top):
        link = job_link(model, k, "computed", float(scores[k]))
        shared = sorted(own & set(jobs[k].items), key=lambda i: (_item_rank(model, i), rarity.get(i, 0), i))
        link.shared = [
            CertRef(i, model.corpus.item_codes.get(i, ""), model.corpus.item_labels.get(i, ""))
            for i in shared
        ][:evidence]
        pj, pk = int(model.job_parent[j]), int(model.job_parent[k])
        link.co_declared = int(model.job_pairs[pj, pk])
        link.co_declared_as = (jobs[pj].code, jobs[pk].code)
        link.appellation = name_of(k)
        link.fields = shared_fields(model, pj, pk)[:evidence]
        out.append(link)
    return out


def shared_fields(model: TextModel, a: int, b: int) -> list[CertRef]:
    """The training fields (NSF) in which certifications declare job a and others declare job b,
    the most common to both first."""
    counts = model.job_field_counts
    if not counts.shape[1]:
        return []
    ca, cb = counts[a].toarray().ravel(), counts[b].toarray().ravel()
    both = np.flatnonzero((ca > 0) & (cb > 0))
    iris = model.corpus.field_iris
    labels = model.corpus.field_labels
    order = sorted(both.tolist(), key=lambda f: (-min(ca[f], cb[f]), iris[f]))
    return [CertRef(iris[f], _local(iris[f]), labels.get(iris[f], "")) for f in order]


def _name_evidence(model: TextModel, j: int) -> Callable[[int], str]:
    """k -> job k's appellation closest to job j's names, when it says more than k's label."""
    if model.names is None:
        return lambda k: ""
    names = model.names
    scores, rows = names.best_names(np.array([j]))

    def best(k: int) -> str:
        row = int(rows[0, k])
        keep = scores[0, k] >= EVIDENCE_MIN and row != names.starts[k]
        return names.texts[row] if keep else ""

    return best
