"""Computed alignments between free-text competences (never declared equivalences).

Method (``METHOD``), for French text:

1. normalisation: lower case; words split on anything that is not a letter or a digit; French
   stop words removed (``STOP_WORDS``); each word stemmed by the Snowball French stemmer
   (``snowballstemmer``); accents removed after stemming (so « réglage », « reglages » and
   « régler » meet on « regl »);
2. TF-IDF over those stems (tf = 1 + log(count), idf = log((1 + N) / (1 + df)) + 1, vectors
   L2-normalised), N being the competences aligned together;
3. cosine similarity of every pair that shares at least one stem (an inverted index), kept when
   it reaches the threshold and the two competences belong to different holders.

Each alignment is stored in the named graph ``https://w3id.org/cqpi/graph/computed/alignments``
as a direct ``cq:competenceAlignedWith`` triple plus a statement resource carrying
``cq:similarityScore``, ``cq:method`` and ``prov:wasGeneratedBy``. That graph is never given to
the reasoner and nothing here writes ``skos:exactMatch``: a computed alignment stays computed.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .namespaces import CQ, ID, PROV, RDF, XSD, Graphs
from .provenance import GraphRecord, now_iso, record_graph
from .store import Store, store_writer

METHOD = "tfidf-cosine/fr-snowball-stems/stopwords-fr/v1"
DEFAULT_THRESHOLD = 0.5
ALIGNMENT_ID = ID + "alignment/"

STOP_WORDS = frozenset(
    """
a à afin ai aie aient ainsi alors au aucun aucune aupres auquel aussi autre autres aux auxquels
avec avoir ayant c ca car ce ceci cela celle celles celui cependant ces cet cette ceux chacun
chaque chez ci comme comment d dans de des dont du elle elles en encore entre est et etc etre eu
eux fait faire font hors il ils j je jusqu l la le les leur leurs lui m ma mais me meme memes
mes moi mon n ne ni nos notre nous on ont ou par parmi pas pendant peu peut plus pour pres qu
quand que quel quelle quelles quels qui s sa sans se selon ser ses si sien soi soit son sont
sous sur t ta te tel telle telles tels tes toi ton tous tout toute toutes tres tu un une unes
uns vers via vos votre vous y
""".split()  # noqa: SIM905 - a word list reads better as text
)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _strip_accents(text: str) -> str:
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c))


_stemmer = None


def _stem_words(words: list[str]) -> list[str]:
    global _stemmer
    if _stemmer is None:
        import snowballstemmer

        _stemmer = snowballstemmer.stemmer("french")
    return _stemmer.stemWords(words)


def normalise(text: str) -> list[str]:
    """The stems of a French text: lower case, no stop words, Snowball stems, no accents."""
    words = [w for w in _WORD.findall(text.casefold().replace("’", "'"))]
    words = [w for w in words if _strip_accents(w) not in STOP_WORDS and len(w) > 1]
    return [_strip_accents(s) for s in _stem_words(words) if s]


@dataclass
class Alignment:
    a: str
    b: str
    score: float
    method: str = METHOD
    a_label: str = ""
    b_label: str = ""
    shared_stems: list[str] = field(default_factory=list)

    @property
    def iri(self) -> str:
        x, y = sorted((self.a, self.b))
        return ALIGNMENT_ID + hashlib.sha1(f"{x}|{y}|{self.method}".encode()).hexdigest()[:16]

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 4),
            "method": self.method,
            "a_label": self.a_label,
            "b_label": self.b_label,
            "shared_stems": self.shared_stems,
            "kind": "computed",
        }


def tfidf_vectors(texts: dict[str, str]) -> dict[str, dict[str, float]]:
    """L2-normalised TF-IDF vectors of stems, one per text."""
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
    """Pairs of texts whose cosine reaches the threshold.

    owners: competence -> holders; pairs with a holder in common are skipped (a référentiel is
    not aligned with itself). same: competence -> declared class; pairs already declared the
    same are skipped (they need no computed alignment).
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


# ---------------------------------------------------------------- reading and writing the graph


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
    activity = f"{g}#activity"
    store.clear_graph(g)

    def quads():
        for al in alignments:
            s = f"<{al.iri}>"
            yield (f"<{al.a}>", f"<{CQ}competenceAlignedWith>", f"<{al.b}>", g)
            yield (s, f"<{RDF}type>", f"<{RDF}Statement>", g)
            yield (s, f"<{RDF}type>", f"<{PROV}Entity>", g)
            yield (s, f"<{RDF}subject>", f"<{al.a}>", g)
            yield (s, f"<{RDF}predicate>", f"<{CQ}competenceAlignedWith>", g)
            yield (s, f"<{RDF}object>", f"<{al.b}>", g)
            yield (s, f"<{CQ}similarityScore>", _lit(f"{al.score:.4f}", XSD + "decimal"), g)
            yield (s, f"<{CQ}method>", _lit(al.method), g)
            yield (s, f"<{PROV}wasGeneratedBy>", f"<{activity}>", g)

    n = store.add_quads(quads())
    record_graph(
        store,
        GraphRecord(
            g,
            "Alignements calculés entre compétences",
            "Computed competence alignments",
            f"{METHOD} ; seuil {threshold} ; périmètre {scope}",
            started=started,
            extra={
                CQ + "method": _lit(METHOD),
                CQ + "similarityScore": _lit(str(threshold), XSD + "decimal"),
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
        return {
            "competences": self.competences,
            "threshold": self.threshold,
            "scope": self.scope,
            "method": METHOD,
            "count": len(self.alignments),
            "alignments": [a.to_dict() for a in self.alignments],
        }


def run_align(
    location: Path | str | None = None,
    *,
    endpoint: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    scope: str = "certifications",
    dry_run: bool = False,
) -> AlignReport:
    """Compute the alignments of the store's free-text competences and store them (new generation)."""
    from .socle import competence_texts
    from .store import open_store

    started = now_iso()
    with open_store(location, endpoint=endpoint) as store:
        texts, owners, same = competence_texts(store, scope=scope)
    alignments = compute_alignments(texts, threshold=threshold, owners=owners, same=same)
    report = AlignReport(len(texts), alignments, threshold, scope)
    if dry_run:
        return report
    with store_writer(location, endpoint=endpoint) as store:
        write_alignments(store, alignments, threshold=threshold, scope=scope, started=started)
        report.location = store.location
    return report
