"""Computed alignments between competence texts (never declared equivalences).

Every competence text of the graph — bloc labels, référentiel capacities, ROME savoir-faire,
savoir-être and savoirs, ESCO skills — is a vector of the text model (textsim/model.py: French
stems, TF-IDF, cosine). `cqpi build` computes, for each text, its best matches in the other
référentiels and stores them twice:

- the *side index* of the generation (textsim/model.py: the 5 best per target registry —
  certification, ROME, ESCO — with cosine >= 0.35), which the library reads;
- the named graph ``https://w3id.org/cqpi/graph/computed/alignments``: for each text, its best
  match in each registry with cosine >= the threshold (0.5), as a direct
  ``cq:competenceAlignedWith`` triple plus a statement carrying ``cq:similarityScore`` and
  ``cq:method`` (method, model and version); the graph's record in the meta graph names the
  activity, threshold and scope.

That graph is never given to the reasoner and nothing here writes ``skos:exactMatch``: a computed
alignment stays computed. Two texts of one holder (the same certification, or the ROME, or ESCO)
are never aligned: a référentiel is not aligned with itself.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .namespaces import CQ, ID, PROV, RDF, XSD, Graphs
from .progress import NullProgress, Progress
from .provenance import GraphRecord, now_iso, record_graph
from .store import Endpoint, Store, store_writer
from .textsim.alignment import Alignment
from .textsim.corpus import read_corpus
from .textsim.french import STOP_WORDS, normalise, stem_words, strip_accents
from .textsim.model import METHOD, REGISTRIES, TextModel, build_model, save_model

DEFAULT_THRESHOLD = 0.5
SCOPES = ("all", "certifications")

# Kept for the benchmarks and older callers (the functions live in textsim.french).
_strip_accents = strip_accents
_stem_words = stem_words
__all__ = [
    "DEFAULT_THRESHOLD",
    "METHOD",
    "STOP_WORDS",
    "AlignReport",
    "align_generation",
    "Alignment",
    "compute_alignments",
    "graph_alignments",
    "load_alignments",
    "normalise",
    "run_align",
    "similarity",
    "write_alignments",
]


# ---------------------------------------------------------------- texts given directly


def tfidf_vectors(texts: dict[str, str]) -> dict[str, dict[str, float]]:
    """L2-normalised TF-IDF vectors of stems, one per text (idf over these texts)."""
    stems = {k: Counter(normalise(t)) for k, t in texts.items()}
    df: Counter[str] = Counter()
    for c in stems.values():
        df.update(c.keys())
    n = len(stems)
    vectors: dict[str, dict[str, float]] = {}
    for k, counts in stems.items():
        vec = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors[k] = {t: v / norm for t, v in vec.items()}
    return vectors


def similarity(text_a: str, text_b: str, corpus: Iterable[str] = ()) -> float:
    """Cosine of two texts' TF-IDF stem vectors (idf over the two texts and the corpus)."""
    texts = {"a": text_a, "b": text_b, **{f"c{i}": t for i, t in enumerate(corpus)}}
    v = tfidf_vectors(texts)
    return sum(w * v["b"].get(t, 0.0) for t, w in v["a"].items())


def compute_alignments(
    texts: dict[str, str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    owners: dict[str, set[str]] | None = None,
    same: dict[str, str] | None = None,
) -> list[Alignment]:
    """Pairs of the given texts whose cosine reaches the threshold (a small, ad hoc set).

    owners: text -> holders; pairs with a holder in common are skipped. same: text -> declared
    class; pairs already declared the same are skipped (they need no computed alignment).
    """
    vectors = tfidf_vectors(texts)
    index: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for k in sorted(vectors):
        for t, w in vectors[k].items():
            index[t].append((k, w))
    out: list[Alignment] = []
    for k in sorted(vectors):
        scores: dict[str, float] = defaultdict(float)
        for t, w in vectors[k].items():
            for other, w2 in index[t]:
                if other > k:
                    scores[other] += w * w2
        for other, score in scores.items():
            if score + 1e-9 < threshold:
                continue
            if owners and owners.get(k, set()) & owners.get(other, set()):
                continue
            if same and same.get(k, k) == same.get(other, other):
                continue
            shared = sorted(set(vectors[k]) & set(vectors[other]))
            out.append(Alignment(k, other, min(score, 1.0), METHOD, texts[k], texts[other], shared))
    out.sort(key=lambda a: (-a.score, a.a, a.b))
    return out


# ---------------------------------------------------------------- the graph's competences


def graph_alignments(
    model: TextModel, *, threshold: float = DEFAULT_THRESHOLD, scope: str = "all"
) -> list[Alignment]:
    """For each competence text, its best match in each other registry (cosine >= threshold).

    scope "all": every pair of référentiels (so ESCO meets ROME); "certifications": pairs with
    at least one certification text (blocs, capacities).
    """
    if scope not in SCOPES:
        from .errors import InputError

        raise InputError(f"périmètre inconnu « {scope} »", field="--scope", expected=", ".join(SCOPES))
    al = model.alignments
    keep = al.scores + 1e-6 >= threshold
    rows, cols, scores = al.rows[keep], al.cols[keep], al.scores[keep]
    cert = REGISTRIES.index("certification")
    if scope == "certifications":
        both = (model.registry[rows] == cert) | (model.registry[cols] == cert)
        rows, cols, scores = rows[both], cols[both], scores[both]
    # the first (best) match of each (text, target registry) run: rows are sorted by score
    bucket = model.registry[cols].astype(np.int64)
    key = rows.astype(np.int64) * len(REGISTRIES) + bucket
    order = np.lexsort((-scores, key))
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    best: dict[tuple[int, int], float] = {}
    for r, c, s in zip(
        rows[order][first].tolist(), cols[order][first].tolist(), scores[order][first].tolist(), strict=True
    ):
        pair = (min(r, c), max(r, c))
        best[pair] = max(best.get(pair, 0.0), s)
    units = model.corpus.units
    same = model.corpus.same
    out = [
        Alignment(units[a].iri, units[b].iri, s, METHOD, units[a].text, units[b].text)
        for (a, b), s in best.items()
        if same.get(units[a].iri, units[a].iri)
        != same.get(units[b].iri, units[b].iri)  # declared: not computed
    ]
    out.sort(key=lambda x: (-x.score, x.a, x.b))
    return out


def load_alignments(store: Store) -> list[Alignment]:
    """The alignments stored in the computed graph."""
    rows = store.select(f"""SELECT ?a ?b ?score ?method WHERE {{ GRAPH <{Graphs.ALIGNMENTS}> {{
        ?s rdf:subject ?a ; rdf:predicate cq:competenceAlignedWith ; rdf:object ?b ;
           cq:similarityScore ?score ; cq:method ?method }} }}""")
    return [Alignment(r["a"].value, r["b"].value, float(r["score"].value), r["method"].value) for r in rows]


def _lit(value: str, datatype: str | None = None) -> str:
    text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"^^<{datatype}>' if datatype else f'"{text}"'


def write_alignments(
    store: Store, alignments: list[Alignment], *, threshold: float, scope: str, started: str | None = None
) -> int:
    """Replace the computed alignments graph (and its provenance in the meta graph)."""
    started = started or now_iso()
    g = Graphs.ALIGNMENTS
    store.clear_graph(g)
    aligned = f"<{CQ}competenceAlignedWith>"

    def quads():
        for al in alignments:
            s = f"<{al.iri}>"
            yield (f"<{al.a}>", aligned, f"<{al.b}>", g)
            yield (s, f"<{RDF}subject>", f"<{al.a}>", g)
            yield (s, f"<{RDF}predicate>", aligned, g)
            yield (s, f"<{RDF}object>", f"<{al.b}>", g)
            yield (s, f"<{CQ}similarityScore>", _lit(f"{al.score:.4f}", XSD + "decimal"), g)
            yield (s, f"<{CQ}method>", _lit(al.method), g)

    n = store.add_quads(quads())
    record_graph(
        store,
        GraphRecord(
            g,
            "Alignements calculés entre compétences",
            "Computed competence alignments",
            f"{METHOD} ; seuil {threshold} ; périmètre {scope} ; meilleure correspondance par registre",
            started=started,
            extra={
                CQ + "method": _lit(METHOD),
                CQ + "similarityScore": _lit(str(threshold), XSD + "decimal"),
                PROV + "wasGeneratedBy": f"<{g}#activity>",
            },
        ),
    )
    return n


@dataclass
class AlignReport:
    competences: int
    alignments: list[Alignment]
    threshold: float
    scope: str
    location: str = ""

    def to_dict(self) -> dict:
        by_kind = Counter(_pair_kind(a) for a in self.alignments)
        return {
            "competences": self.competences,
            "threshold": self.threshold,
            "scope": self.scope,
            "method": METHOD,
            "count": len(self.alignments),
            "by_registries": dict(sorted(by_kind.items())),
            "alignments": [a.to_dict() for a in self.alignments],
        }


def _pair_kind(al: Alignment) -> str:
    def reg(iri: str) -> str:
        if iri.startswith("http://data.europa.eu/esco/"):
            return "esco"
        return "rome" if iri.startswith(ID + "rome/") else "certification"

    return "-".join(sorted((reg(al.a), reg(al.b))))


def align_model(store: Store, model: TextModel, *, threshold: float, scope: str, started: str) -> AlignReport:
    """Compute the graph's alignments from its text model and write them (inside a writer)."""
    alignments = graph_alignments(model, threshold=threshold, scope=scope)
    write_alignments(store, alignments, threshold=threshold, scope=scope, started=started)
    return AlignReport(len(model.corpus.units), alignments, threshold, scope, store.location)


def run_align(
    location: Path | str | None = None,
    *,
    endpoint: str | Endpoint | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    scope: str = "all",
    dry_run: bool = False,
) -> AlignReport:
    """Recompute the alignments graph of the store with another threshold or scope.

    `cqpi build` already computes it (threshold 0.5, scope all): this is for a different
    choice. The text model is the live generation's (nothing else changes).
    """
    from .store import open_store
    from .textsim.model import load_model

    started = now_iso()
    with open_store(location, endpoint=endpoint) as store:
        model = load_model(store)
    alignments = graph_alignments(model, threshold=threshold, scope=scope)
    report = AlignReport(len(model.corpus.units), alignments, threshold, scope)
    if dry_run:
        return report
    with store_writer(location, endpoint=endpoint) as store:
        write_alignments(store, alignments, threshold=threshold, scope=scope, started=started)
        report.location = store.location
    return report


def align_generation(
    store: Store,
    progress: Progress | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    scope: str = "all",
) -> AlignReport:
    """The last step of a build or import: the text model of the new generation and its
    alignments graph (the model is kept beside the generation for the queries)."""
    progress = progress or NullProgress()
    started = now_iso()
    progress.stage("textes : compétences, certifications et métiers")
    corpus = read_corpus(store)
    progress.stage(f"textes : vecteurs et alignements de {len(corpus.units)} compétences")
    model = build_model(corpus)
    report = align_model(store, model, threshold=threshold, scope=scope, started=started)
    save_model(store, model)
    return report
