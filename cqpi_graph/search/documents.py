"""What the text search indexes: one document per certification (the catalog's groups), bloc,
branch, organisation, ROME job, competence, activity, recognition and legal text, with its labels,
other names and codes. Names, codes and kinds of certifications, blocs and branches come from the
catalog."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from .. import _cache
from ..catalog import Catalog, LabelCandidate, choose_label, fold, local_name
from ..catalog.index import MEMBER_ORDER
from ..catalog.labels import LABEL_PROPERTIES, property_rank
from ..facets import STATISTICS_GRAPH, FacetRow
from ..namespaces import CQ, DCT, SKOS, Graphs
from ..store import Store

# Searchable classes other than certifications, most specific first: (class, family).
OTHER_CLASSES: list[tuple[str, str]] = [
    ("CPNE", "organisation"),
    ("OPCO", "organisation"),
    ("Federation", "organisation"),
    ("Certificateur", "organisation"),
    ("Organisation", "organisation"),
    ("MetierROME", "job"),
    ("Capacite", "competence"),
    ("Competence", "competence"),
    ("Activite", "other"),
    ("Reconnaissance", "other"),
    ("TexteReference", "other"),
]
DERIVED_GRAPHS = {
    Graphs.INFERRED,
    Graphs.ALIGNMENTS,
    Graphs.META,
    Graphs.CATALOG,
    Graphs.ONTOLOGY,
    STATISTICS_GRAPH,
}
FAMILIES = ("certification", "branch", "bloc", "job", "organisation", "competence", "other")
ALT_PROPERTIES = (SKOS + "altLabel", DCT + "alternative", SKOS + "hiddenLabel")
CODE_PROPERTIES = (SKOS + "notation", CQ + "code", CQ + "idcc", CQ + "siret", CQ + "ogrCode")
# How much a family, a status and curated data weigh in the ranking (a multiplier of relevance).
FAMILY_BOOST = {
    "certification": 1.6,
    "branch": 1.5,
    "job": 1.2,
    "bloc": 1.0,
    "organisation": 1.0,
    "competence": 0.9,
    "other": 0.8,
}
STATUS_BOOST = {"active": 1.5, "unknown": 1.0, "inactive": 0.7}
# The graph's own subject: certifications of the branches (CQP and its subclasses, CQPM, CQPI).
BRANCH_KIND = "CQP"
BRANCH_KIND_BOOST = 2.0
CURATED_BOOST = 1.15


@dataclass
class Document:
    iri: str
    family: str
    kind: str  # class local name (a certification's kind from the catalog)
    labels: dict[str, str]  # lang -> label shown
    alt: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    level: int | None = None
    status: str = ""  # active / inactive / unknown (certifications only)
    facets: list[tuple[str, str]] = field(default_factory=list)  # (dimension, value)
    boost: float = 1.0

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("fr") or (self.codes or [local_name(self.iri)])[0]


def certification_documents(
    cat: Catalog, rows: Iterable[FacetRow], ancestors: dict[str, list[str]]
) -> list[Document]:
    docs = []
    for row in rows:
        facets = [("family", "certification"), ("kind", row.kind or "Certification"), ("status", row.status)]
        facets += [("kinds", k) for k in ancestors.get(row.kind, [row.kind or "Certification"])]
        if row.level:
            facets.append(("level", str(row.level)))
        facets += [("branch", b) for b in row.branches] + [("certifier", c) for c in row.certifiers]
        facets += [("nsf", n) for n in row.nsf]
        members = cat.certification(row.iri).members
        curated = any(m.startswith(MEMBER_ORDER[:3]) for m in members)
        boost = FAMILY_BOOST["certification"] * STATUS_BOOST[row.status] * (CURATED_BOOST if curated else 1.0)
        if BRANCH_KIND in ancestors.get(row.kind, ()):
            boost *= BRANCH_KIND_BOOST
        codes = list(row.codes) + [local_name(m) for m in members if local_name(m) not in row.codes]
        docs.append(
            Document(
                row.iri,
                "certification",
                row.kind or "Certification",
                {"fr": row.label_fr, "en": row.label_en},
                codes=codes,
                level=row.level,
                status=row.status,
                facets=facets,
                boost=boost,
            )
        )
    return docs


def catalog_parts(cat: Catalog) -> list[Document]:
    """Blocs and branches, named by the catalog."""
    docs = []
    for b in sorted(cat.bloc_owners):
        bloc = cat.bloc(b, "fr")
        docs.append(
            Document(
                b,
                "bloc",
                "BlocDeCompetences",
                {"fr": bloc.label, "en": cat.bloc(b, "en").label},
                codes=[bloc.code],
                facets=[("family", "bloc")],
                boost=FAMILY_BOOST["bloc"],
            )
        )
    for b in cat.branches():
        br = cat.branch(b, "fr")
        codes = [br.idcc, f"IDCC {br.idcc}"] if br.idcc else []
        docs.append(
            Document(
                b,
                "branch",
                "Branche",
                {"fr": br.label, "en": cat.branch(b, "en").label},
                codes=codes,
                facets=[("family", "branch")],
                boost=FAMILY_BOOST["branch"],
            )
        )
    return docs


def other_documents(store: object, known: set[str]) -> list[Document]:
    """Typed resources of OTHER_CLASSES that the catalog does not name."""
    first: dict[str, tuple[int, str, str]] = {}
    for i, (cls, family) in enumerate(OTHER_CLASSES):
        for iri, _c in _cache.subjects_of_type(store, [CQ + cls]):  # type: ignore[arg-type]
            if iri not in known and (iri not in first or i < first[iri][0]):
                first[iri] = (i, cls, family)
    return [
        Document(
            iri,
            family,
            cls,
            {},
            facets=[("family", family), ("class", cls)],
            boost=FAMILY_BOOST[family],
        )
        for iri, (_i, cls, family) in sorted(first.items())
    ]


def add_names(store: Store, docs: list[Document], members: dict[str, str]) -> None:
    """Labels (for documents the catalog does not name), other names and codes of every document.

    members: IRI -> document IRI, for the identifiers of a certification (their own titles and
    alternative names find the certification)."""
    by_iri = {d.iri: d for d in docs}
    owner = {**{d.iri: d.iri for d in docs}, **members}
    candidates: dict[str, list[LabelCandidate]] = defaultdict(list)
    for s, p, value, lang, is_iri in _asserted(store, (*LABEL_PROPERTIES, *ALT_PROPERTIES)):
        target = owner.get(s)
        if target is None or is_iri:
            continue
        doc = by_iri[target]
        if p in LABEL_PROPERTIES and not doc.labels:
            candidates[target].append(LabelCandidate(value, lang, property_rank(p)))
        elif value not in doc.alt:
            doc.alt.append(value)
    for iri, cs in candidates.items():
        doc = by_iri[iri]
        doc.labels = {lang: choose_label(cs, lang) for lang in ("fr", "en")}
        doc.alt = [c.value for c in cs if c.value not in doc.labels.values()] + doc.alt
    for s, _p, value, _lang, is_iri in _asserted(store, CODE_PROPERTIES):
        coded = by_iri.get(s)
        if coded is not None and not is_iri and coded.family != "certification" and value not in coded.codes:
            coded.codes.append(value)
    for doc in docs:
        if doc.family not in ("certification", "bloc", "branch"):
            doc.codes.sort(key=len)
            if local_name(doc.iri) not in doc.codes:
                doc.codes.append(local_name(doc.iri))
        doc.codes = [c for c in doc.codes if c]


def _asserted(store: Store, predicates: Iterable[str]) -> Iterator[tuple[str, str, str, str | None, bool]]:
    """(subject, predicate, value, language, value is an IRI) of every quad with one of the
    predicates in a graph of declared or curated facts (the inferred and computed graphs restate
    codes and names under super-properties: reading them costs as much and adds nothing)."""
    graphs = [g for g in store.graphs() if g not in DERIVED_GRAPHS]
    for p in predicates:
        for g in graphs:
            for q in store.quads_for_pattern(None, p, None, g):
                o = q.object
                if isinstance(o, ox.Literal):
                    yield q.subject, p, o.value, o.language, False
                else:
                    yield q.subject, p, o.value, None, True


def class_labels(store: object, classes: Iterable[str]) -> dict[str, dict[str, str]]:
    """class local name -> lang -> label (the ontology's names of kinds)."""
    out = {}
    for c in classes:
        cands = []
        for prop in LABEL_PROPERTIES:
            for q in store.quads_for_pattern(CQ + c, prop, None, None):  # type: ignore[attr-defined]
                if isinstance(q.object, ox.Literal):
                    cands.append(LabelCandidate(q.object.value, q.object.language, property_rank(prop)))
        out[c] = {lang: choose_label(cands, lang) or c for lang in ("fr", "en")}
    return out


def folded_words(text: str) -> list[str]:
    return [w for w in "".join(ch if ch.isalnum() else " " for ch in fold(text)).split() if w]
