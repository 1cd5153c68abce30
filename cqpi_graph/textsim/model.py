"""The text model of one store generation: vectors of every competence, certification and job.

Built by `cqpi build` (after inference, with the computed alignments) and kept beside the
generation it describes (``_cache``: STORE/cache/<generation>/), so that a query loads it
instead of recomputing it; a remote store builds it in memory on first use.

Two TF-IDF spaces over French stems (``french.normalise``):

- the *unit* space: one short text per competence (bloc label, capacity, ROME savoir-faire /
  savoir-être / savoir, ESCO skill), idf over those texts;
- the *document* space: a certification (its titles, bloc labels and capacities) or a ROME job
  (its label, appellations and the labels of its items), idf over those documents.

And, for job proximity (``proximity.py``), the ROME's own structure: a job's items with their
macro-competences and the first three characters of the macro-competence code (domain, stake,
objective), the co-occurrence of jobs in the certifications that declare them (at the level of
ROME 4.0's historic parent jobs), the training fields (NSF) of those certifications, the job's
*domaine professionnel*, the number of certifications that declare each job, each job's names one
by one (``appellations.py``) and how many jobs have each job among their 20 best.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .. import _cache
from ..store import Store
from .appellations import JobNames, job_names
from .corpus import Corpus, _local, read_corpus
from .french import normalise, strip_accents
from .proximity import PROXIMITY, hub_counts
from .space import Matches, TermSpace, normalise_rows, top_matches

VERSION = "cqpi-text/1"
METHOD = f"{VERSION}: tfidf-cosine fr-snowball-stems stopwords-fr"
ALIGN_THRESHOLD = 0.5  # what the named graph keeps (see align.py); the side index keeps more
INDEX_THRESHOLD = 0.35
INDEX_K = 5  # best alignments kept per competence and per target registry in the side index


@dataclass
class TextModel:
    corpus: Corpus
    unit_space: TermSpace
    units: sp.csr_matrix  # one row per corpus unit
    doc_space: TermSpace
    cert_docs: sp.csr_matrix  # one row per corpus cert
    job_docs: sp.csr_matrix  # one row per corpus job
    job_codes: sp.csr_matrix  # items, macro-competences, macro-code prefixes (idf, L2)
    job_cooc: sp.csr_matrix  # cosine of the certification profiles of parent jobs
    job_pairs: sp.csr_matrix  # certifications declaring both jobs
    job_parent: np.ndarray  # index of each job's parent job
    job_certs: np.ndarray  # number of certifications declaring each job
    job_field_counts: sp.csr_matrix  # job x NSF concept: certifications declaring the job in it
    job_fields: sp.csr_matrix  # the same as NSF groups and sub-domains (log tf, idf, L2)
    job_domain: np.ndarray  # each job's domaine professionnel (first three characters of its code)
    declared: sp.csr_matrix  # certification x job, 1 where cq:romeJob is declared
    alignments: Matches  # unit x unit, INDEX_K per target registry, >= INDEX_THRESHOLD
    unit_index: dict[str, int] = field(default_factory=dict)
    cert_index: dict[str, int] = field(default_factory=dict)  # node and member IRIs -> cert
    job_index: dict[str, int] = field(default_factory=dict)
    job_units: list[np.ndarray] = field(default_factory=list)  # units of each job's items
    item_jobs: dict[str, int] = field(default_factory=dict)  # ROME item -> jobs that have it
    code_index: dict[str, int] = field(default_factory=dict)  # folded code -> certification
    registry: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    holder: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    names: JobNames | None = None  # each job's label and appellations, one vector each
    job_hubs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))  # proximity.py
    method: str = METHOD

    def cert_units(self, c: int) -> np.ndarray:
        return np.asarray(self.corpus.certs[c].units, dtype=np.int64)


REGISTRIES = ("certification", "rome", "esco")


def build_model(corpus: Corpus) -> TextModel:
    """Vectors, job structure and the side index of alignments, from a corpus."""
    stems: dict[str, list[str]] = {}

    def toks(text: str) -> list[str]:
        if text not in stems:
            stems[text] = normalise(text)
        return stems[text]

    unit_tokens = [toks(u.text) for u in corpus.units]
    unit_space = TermSpace.fit(unit_tokens)
    units = unit_space.encode(unit_tokens)
    cert_tokens = [
        toks(c.label)
        + [t for i in c.units if corpus.units[i].kind in ("bloc", "competence") for t in unit_tokens[i]]
        for c in corpus.certs
    ]
    job_tokens = [
        [
            t
            for text in [j.label, *j.appellations, *(corpus.item_labels.get(i, "") for i in j.items)]
            for t in toks(text)
        ]
        for j in corpus.jobs
    ]
    doc_space = TermSpace.fit(cert_tokens + job_tokens)
    job_index = {j.iri: k for k, j in enumerate(corpus.jobs)}
    cert_index: dict[str, int] = {}
    for k, c in enumerate(corpus.certs):
        cert_index[c.iri] = k
        for m in c.members:
            cert_index[m] = k
    declared = _declared(corpus, job_index)
    field_counts = _job_field_counts(corpus, declared)
    domains = {d: i for i, d in enumerate(sorted({j.code[:3] for j in corpus.jobs}))}
    job_parent = np.array([job_index.get(j.parent, k) for k, j in enumerate(corpus.jobs)], dtype=np.int32)
    registry = np.array([REGISTRIES.index(u.registry) for u in corpus.units], dtype=np.int8)
    holders = {h: i for i, h in enumerate(sorted({u.holder for u in corpus.units}))}
    holder = np.array([holders[u.holder] for u in corpus.units], dtype=np.int32)
    unit_index = {u.iri: i for i, u in enumerate(corpus.units)}
    model = TextModel(
        corpus=corpus,
        unit_space=unit_space,
        units=units,
        doc_space=doc_space,
        cert_docs=doc_space.encode(cert_tokens),
        job_docs=doc_space.encode(job_tokens),
        job_codes=_job_codes(corpus),
        job_cooc=_job_cooc(declared),
        job_pairs=(declared.T @ declared).tocsr(),
        job_parent=job_parent,
        job_certs=np.asarray(declared.sum(axis=0)).ravel().astype(np.float32),
        job_field_counts=field_counts,
        job_fields=_job_fields(field_counts, corpus.field_iris),
        job_domain=np.array([domains[j.code[:3]] for j in corpus.jobs], dtype=np.int32),
        declared=declared,
        alignments=top_matches(
            units,
            units,
            k=INDEX_K,
            threshold=INDEX_THRESHOLD,
            row_group=holder,
            col_group=holder,
            col_bucket=registry,
        ),
        unit_index=unit_index,
        cert_index=cert_index,
        job_index=job_index,
        job_units=[
            np.array([unit_index[i] for i in j.items if i in unit_index], dtype=np.int64) for j in corpus.jobs
        ],
        item_jobs=dict(Counter(i for j in corpus.jobs for i in j.items)),
        code_index=_code_index(corpus),
        registry=registry,
        holder=holder,
        names=job_names(corpus.jobs, toks),
    )
    model.job_hubs = hub_counts(model)
    return model


def fold(text: str) -> str:
    return strip_accents(text.casefold()).strip()


def _code_index(corpus: Corpus) -> dict[str, int]:
    out: dict[str, int] = {}
    for k, c in enumerate(corpus.certs):
        for code in [c.code, *c.codes]:
            out.setdefault(fold(code), k)
    return out


def _declared(corpus: Corpus, job_index: dict[str, int]) -> sp.csr_matrix:
    rows, cols = [], []
    for k, c in enumerate(corpus.certs):
        for j in c.jobs:
            if j in job_index:
                rows.append(k)
                cols.append(job_index[j])
    return sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(corpus.certs), len(corpus.jobs))
    )


def _job_codes(corpus: Corpus) -> sp.csr_matrix:
    """Each job as its ROME items, their macro-competences and macro-code prefixes (tf-idf, L2)."""
    feats: list[Counter[str]] = []
    for j in corpus.jobs:
        c: Counter[str] = Counter()
        for it in j.items:
            c[it] += 1
            m = corpus.macro.get(it, it)
            code = corpus.macro_codes.get(m)
            if code:
                c["macro:" + code] += 1
                c["objective:" + code[:3]] += 1
        feats.append(c)
    voc = {f: i for i, f in enumerate(sorted({f for c in feats for f in c}))}
    rows, cols, vals = [], [], []
    for r, c in enumerate(feats):
        for f, v in c.items():
            rows.append(r)
            cols.append(voc[f])
            vals.append(1 + math.log(v))
    m = sp.csr_matrix((vals, (rows, cols)), shape=(len(feats), len(voc)), dtype=np.float32)
    df = np.asarray((m > 0).sum(axis=0)).ravel()
    idf = np.log(max(len(feats), 1) / np.maximum(df, 1)).astype(np.float32)
    return normalise_rows(m.multiply(idf).tocsr())


def _job_field_counts(corpus: Corpus, declared: sp.csr_matrix) -> sp.csr_matrix:
    """job x NSF concept (``corpus.field_iris``): how many certifications declaring the job are
    in that training field."""
    col = {f: i for i, f in enumerate(corpus.field_iris)}
    rows = [k for k, c in enumerate(corpus.certs) for f in c.fields]
    cols = [col[f] for c in corpus.certs for f in c.fields]
    fields = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(corpus.certs), len(col))
    )
    return (declared.T @ fields).tocsr()


def _job_fields(counts: sp.csr_matrix, field_iris: list[str]) -> sp.csr_matrix:
    """The jobs' training fields as NSF specialty groups (3 digits) and sub-domains (2 digits):
    log tf, idf over jobs, L2 -- so that « 232 » and « 232t » meet, and « 23 » holds both."""
    codes = [_local(f) for f in field_iris]
    feats = sorted({x for c in codes for x in _nsf_levels(c)})
    voc = {f: i for i, f in enumerate(feats)}
    pairs = [(r, voc[x]) for r, c in enumerate(codes) for x in _nsf_levels(c)]
    to_feats = sp.csr_matrix(
        (np.ones(len(pairs), dtype=np.float32), ([r for r, _ in pairs], [c for _, c in pairs])),
        shape=(len(codes), len(voc)),
    )
    m = (counts @ to_feats).tocsr()
    m.data = np.log1p(m.data)
    df = np.asarray((m > 0).sum(axis=0)).ravel()
    idf = np.log(max(m.shape[0], 1) / np.maximum(df, 1)).astype(np.float32)
    return normalise_rows(m.multiply(idf).tocsr())


def _nsf_levels(code: str) -> list[str]:
    """« 232t » -> the group « 232 » and the sub-domain « 23 » (an NSF code is 2 or 3 digits and
    an optional letter)."""
    digits = code[:3] if code[:3].isdigit() else code[:2]
    return [f"group:{digits}", f"domain:{digits[:2]}"] if len(digits) == 3 else [f"domain:{digits}"]


def _job_cooc(declared: sp.csr_matrix) -> sp.csr_matrix:
    """Cosine of the jobs' columns of the certification x job matrix (declared links)."""
    c = (declared.T @ declared).tocsr()
    d = np.sqrt(c.diagonal())
    d[d == 0] = 1.0
    inv = sp.diags((1.0 / d).astype(np.float32))
    return sp.csr_matrix(inv @ c @ inv, dtype=np.float32)


CACHE_NAME = "textsim.model"
# A pickle written by another layout of the model is never read back.
CACHE_KEY = (
    VERSION,
    *sorted(f.name for f in dataclasses.fields(TextModel)),
    *sorted(f.name for f in dataclasses.fields(Corpus)),
    *sorted(f.name for f in dataclasses.fields(JobNames)),
    *PROXIMITY,  # job_hubs are counted with these weights
    "job-label: rncpLabel when the ROME names none",  # what read_corpus reads
)


def load_model(store: Store) -> TextModel:
    """The text model of the store's generation (built once, then cached beside it)."""
    return _cache.cached(CACHE_NAME, store, lambda s: build_model(read_corpus(s)), extra=CACHE_KEY)


def save_model(store: Store, model: TextModel) -> None:
    """Keep the model built by a generation's writer for that generation's readers."""
    _cache.save_for_generation(store, CACHE_NAME, model, extra=CACHE_KEY)


def unit_neighbours(model: TextModel) -> dict[int, list[tuple[int, float]]]:
    """unit -> [(unit, score)] of the side index (both directions)."""
    out: dict[int, list[tuple[int, float]]] = defaultdict(list)
    al = model.alignments
    for r, c, s in zip(al.rows.tolist(), al.cols.tolist(), al.scores.tolist(), strict=True):
        out[r].append((c, s))
    return out
