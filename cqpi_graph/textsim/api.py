"""What the CLI and the web view call: text-based similarity of one certification or ROME job.

Every answer separates what the registries declare (``basis="declared"``: a fiche's cq:romeJob)
from what the text model computes (``basis="computed"``, with a score and its evidence).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import NotFoundError
from ..store import Store
from .jobs import CertRef, JobLink, cert_ref, close_jobs, job_link, jobs_of_certification, ranked
from .model import METHOD, TextModel, fold, load_model
from .pairs import (
    CertificationMatch,
    OverlapGroup,
    SimilarCertification,
    match_certifications,
    overlap_groups,
    similar_certifications,
)

KINDS = ("all", "rome", "certification")


@dataclass
class Subject:
    kind: str  # "certification" or "job"
    index: int
    ref: CertRef


@dataclass
class TextSimilar:
    subject: Subject
    jobs: list[JobLink] = field(default_factory=list)
    certifications: list[SimilarCertification] = field(default_factory=list)
    declared_certifications: list[CertRef] = field(default_factory=list)  # a job's fiches
    method: str = METHOD

    def to_dict(self) -> dict:
        return {
            "subject": {**self.subject.ref.to_dict(), "kind": self.subject.kind},
            "method": self.method,
            "rome": [j.to_dict() for j in self.jobs],
            "declared_certifications": [c.to_dict() for c in self.declared_certifications],
            "certifications": [c.to_dict() for c in self.certifications],
        }


def resolve(store: Store, model: TextModel, text: str) -> Subject:
    """A certification (code, sigle, IRI) or a ROME job (code or IRI) of the text model."""
    key = text.strip().strip("<>")
    jobs = {j.code.upper(): k for k, j in enumerate(model.corpus.jobs)}
    if key.upper() in jobs or key in model.job_index:
        j = jobs.get(key.upper(), model.job_index.get(key))
        return Subject("job", int(j), job_ref(model, int(j)))  # type: ignore[arg-type]
    c = model.cert_index.get(key, model.code_index.get(fold(key)))
    if c is None:
        # the catalog knows every certification and near matches (labels, codes): its error lists them
        from ..catalog import load_catalog

        node = load_catalog(store).resolve(text)
        c = next((model.cert_index[m] for m in [node.iri, *node.members] if m in model.cert_index), None)
        if c is None:
            raise NotFoundError(f"« {text} » n'a pas de texte dans le graphe (ni titre ni bloc)")
    return Subject("certification", c, cert_ref(model, c))


def similar_from_text(
    store: Store, x: str, top: int = 10, *, kind: str = "all", evidence: int = 3
) -> TextSimilar:
    """ROME jobs and certifications close to x, declared first, then computed from texts."""
    model = load_model(store)
    subject = resolve(store, model, x)
    out = TextSimilar(subject)
    if subject.kind == "job":
        if kind in ("all", "rome"):
            out.jobs = close_jobs(model, subject.index, top, evidence=max(evidence, 1))
        if kind in ("all", "certification"):
            out.declared_certifications, out.certifications = _certifications_of_job(
                model, subject.index, top
            )
        return out
    if kind in ("all", "rome"):
        out.jobs = jobs_of_certification(model, subject.index, top, evidence)
    if kind in ("all", "certification"):
        out.certifications = similar_certifications(model, subject.index, top, evidence=evidence)
    return out


def _certifications_of_job(
    model: TextModel, j: int, top: int
) -> tuple[list[CertRef], list[SimilarCertification]]:
    """The certifications that declare job j (closest texts first), then those whose texts are
    closest to the job's (computed)."""
    sims = (model.cert_docs @ model.job_docs[j].T).toarray().ravel()
    declared = model.declared[:, j].nonzero()[0].tolist()
    declared.sort(key=lambda c: (-sims[c], model.corpus.certs[c].code))
    refs = [cert_ref(model, c, float(sims[c])) for c in declared[:top]]
    return refs, _closest_to_job(model, j, max(0, top - len(refs)), sims, set(declared))


def _closest_to_job(
    model: TextModel, j: int, top: int, sims: np.ndarray | None = None, declared: set[int] | None = None
) -> list[SimilarCertification]:
    """The certifications whose texts are closest to job j's, among those not declaring it."""
    if sims is None:
        sims = (model.cert_docs @ model.job_docs[j].T).toarray().ravel()
    if declared is None:
        declared = set(model.declared[:, j].nonzero()[0].tolist())
    best = ranked(sims, top, exclude=declared)
    return [SimilarCertification(cert_ref(model, c), float(sims[c])) for c in best]


def certification_match(store: Store, a: str, b: str, *, threshold: float = 0.5) -> CertificationMatch:
    """The matched units (blocs, capacities) of two certifications (issue 21's building block)."""
    model = load_model(store)
    sa, sb = resolve(store, model, a), resolve(store, model, b)
    for s, text in ((sa, a), (sb, b)):
        if s.kind != "certification":
            raise NotFoundError(f"« {text} » est un métier ROME, pas une certification")
    return match_certifications(model, sa.index, sb.index, threshold=threshold)


def certifier_overlaps(
    store: Store, *, min_jaccard: float = 0.3, threshold: float = 0.5
) -> list[OverlapGroup]:
    """Groups of certifications of different certifiers whose blocs overlap (computed)."""
    model = load_model(store)
    return overlap_groups(
        model, threshold=threshold, min_jaccard=min_jaccard, org_labels=model.corpus.org_labels
    )


def computed_links(store: Store, iri: str, top: int = 5) -> TextSimilar | None:
    """For the web page of a certification: its computed ROME jobs and closest certifications;
    of a ROME job: its closest jobs and the closest certifications that do not declare it (None
    when the text model does not know the resource)."""
    model = load_model(store)
    j = model.job_index.get(iri)
    if j is not None:
        out = TextSimilar(Subject("job", j, job_ref(model, j)))
        out.jobs = close_jobs(model, j, top, evidence=3)
        out.certifications = _closest_to_job(model, j, top)
        return out
    c = model.cert_index.get(iri)
    if c is None:
        return None
    out = TextSimilar(Subject("certification", c, cert_ref(model, c)))
    out.jobs = [
        j
        for j in jobs_of_certification(model, c, top + len(model.declared[c].indices))
        if j.basis == "computed"
    ][:top]
    out.certifications = similar_certifications(model, c, top, evidence=1)
    return out


def job_ref(model: TextModel, j: int) -> CertRef:
    doc = model.corpus.jobs[j]
    return CertRef(doc.iri, doc.code, doc.label)


__all__ = [
    "KINDS",
    "Subject",
    "TextSimilar",
    "certification_match",
    "certifier_overlaps",
    "computed_links",
    "job_link",
    "resolve",
    "similar_from_text",
]
