"""Precomputed facets: one row per certification of the catalog, computed by the build.

Analysts, the search page and the home page ask the same aggregate questions (how many
certifications of each kind, level, status, certifier, branch, NSF domain, ROME job…). Asked of
the union of the named graphs they join tens of thousands of certifications at every request;
the build answers them once per generation here:

* `compute_facets(store)`: a `FacetRow` per certification (the catalog's groups: one row for a
  BCN diploma and its RNCP fiche), kept in the generation's side table (`cqpi_graph.search`,
  table ``certification``) and read back by `load_facets`;
* `write_statistics_graph(store, rows)`: the named graph ``computed/statistics``, an RDF Data
  Cube of the same rows aggregated (see docs/MODEL.md), which the SPARQL analyst queries of
  benchmarks/queries/ read.

Names, kinds, levels and status come from the catalog only; the other facets from the
statements of the members of each certification, whatever named graph holds them.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import _cache
from .catalog import Catalog, fold, load_catalog
from .namespaces import CQ, GRAPH, ID
from .store import Store

# Statements read per member of a certification: facet name -> predicate.
MEMBER_FACETS = {
    "certifiers": CQ + "certifier",
    "nsf": CQ + "nsf",
    "rome": CQ + "romeJob",
    "routes": CQ + "accessRoute",
}
# Words a text search leaves out of a title (French and English function words).
STOP_WORDS = frozenset(
    [
        "les",
        "des",
        "une",
        "aux",
        "sur",
        "par",
        "pour",
        "avec",
        "dans",
        "sans",
        "and",
        "the",
        "for",
        "with",
        "from",
        "option",
        "specialite",
    ]
)
RNCP_PREFIX = ID + "cert/"
BCN_PREFIX = ID + "bcn/"


@dataclass(frozen=True, slots=True)
class FacetRow:
    """What the aggregate questions need of one certification (IRIs for the linked facets)."""

    iri: str
    kind: str  # the catalog's kind: local name of the most specific class ("" when untyped)
    label_fr: str
    label_en: str
    codes: tuple[str, ...]
    level: int | None
    active: bool | None  # None: no source says
    certifiers: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    nsf: tuple[str, ...] = ()
    rome: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    blocs: int = 0
    rncp: bool = False  # one of its identifiers is an RNCP or RS fiche
    bcn: bool = False  # one of its identifiers is a BCN diploma code
    later_versions: int = 0  # for the first version of a succession chain: the versions after it
    first_version: bool = False  # starts a succession chain (replaced, never a replacement)

    @property
    def status(self) -> str:
        return "unknown" if self.active is None else ("active" if self.active else "inactive")

    def label(self, lang: str = "fr") -> str:
        return (self.label_en if lang == "en" else self.label_fr) or self.label_fr or self.label_en

    def to_dict(self) -> dict:
        return {
            "iri": self.iri,
            "kind": self.kind,
            "label": {"fr": self.label_fr, "en": self.label_en},
            "codes": list(self.codes),
            "level": self.level,
            "status": self.status,
            "certifiers": list(self.certifiers),
            "branches": list(self.branches),
            "nsf": list(self.nsf),
            "rome": list(self.rome),
            "access_routes": list(self.routes),
            "blocs": self.blocs,
            "rncp": self.rncp,
            "bcn": self.bcn,
            "first_version": self.first_version,
            "later_versions": self.later_versions,
        }


def _member_values(store: Store, cat: Catalog) -> dict[str, dict[str, set[str]]]:
    """facet -> group IRI -> IRIs, from the members' statements."""
    out: dict[str, dict[str, set[str]]] = {name: defaultdict(set) for name in MEMBER_FACETS}
    by_predicate = {p: name for name, p in MEMBER_FACETS.items()}
    for s, p, o, _lang, _g, is_iri in _cache.iter_triples(store, list(by_predicate)):
        group = cat.canonical.get(s)
        if group is not None and is_iri:
            out[by_predicate[p]][group].add(o)
    return out


def _successions(store: Store, cat: Catalog) -> dict[str, set[str]]:
    """group -> groups that replace it (cq:replacedBy, and cq:replaces read backwards)."""
    nxt: dict[str, set[str]] = defaultdict(set)
    for s, p, o, _lang, _g, is_iri in _cache.iter_triples(store, (CQ + "replacedBy", CQ + "replaces")):
        a, b = cat.canonical.get(s), cat.canonical.get(o) if is_iri else None
        if a and b and a != b:
            old, new = (a, b) if p == CQ + "replacedBy" else (b, a)
            nxt[old].add(new)
    return nxt


def _later_versions(nxt: dict[str, set[str]]) -> dict[str, int]:
    """For each chain start (replaced, never a replacement): how many versions come after it."""
    replaced = {b for bs in nxt.values() for b in bs}
    out = {}
    for start in nxt:
        if start in replaced:
            continue
        seen: set[str] = set()
        todo = list(nxt[start])
        while todo:
            x = todo.pop()
            if x not in seen and x != start:
                seen.add(x)
                todo.extend(nxt.get(x, ()))
        out[start] = len(seen)
    return out


def compute_facets(store: Store, catalog: Catalog | None = None) -> list[FacetRow]:
    """One row per certification of the catalog, in IRI order."""
    cat = catalog or load_catalog(store)
    values = _member_values(store, cat)
    chains = _later_versions(_successions(store, cat))
    rows = []
    for iri in sorted(cat.groups()):
        fr = cat.certification(iri, "fr")
        rows.append(
            FacetRow(
                iri=iri,
                kind=fr.kind,
                label_fr=fr.label,
                label_en=cat.label(iri, "en"),
                codes=fr.codes,
                level=fr.level,
                active=fr.status.active,
                branches=tuple(sorted(cat.adopted_by.get(iri, ()))),
                blocs=len(cat.blocs_of(iri)),
                rncp=any(m.startswith(RNCP_PREFIX) for m in fr.members),
                bcn=any(m.startswith(BCN_PREFIX) for m in fr.members),
                later_versions=chains.get(iri, 0),
                first_version=iri in chains,
                **{name: tuple(sorted(v.get(iri, ()))) for name, v in values.items()},
            )
        )
    return rows


# ---------------------------------------------------------------- the statistics graph

STATISTICS_GRAPH = GRAPH + "computed/statistics"
STAT = "https://w3id.org/cqpi/def/stat#"  # prefix cqs: terms of the statistics graph
STAT_ID = ID + "stat/"
QB = "http://purl.org/linked-data/cube#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"

# Data sets of the cube: name -> (dimensions, title fr, title en). A multi-valued facet (routes)
# counts a certification once under each of its values.
DATASETS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "kind-level-status": (
        ("kind", "level", "status"),
        "Certifications par type, niveau et statut",
        "Certifications by kind, level and status",
    ),
    "route-level-status": (
        ("route", "level", "status"),
        "Certifications par voie d'accès, niveau et statut",
        "Certifications by access route, level and status",
    ),
}
# One-dimension counts, stated on the resource itself (one triple: no join at query time):
# <certifier> cqs:certifierCertifications n, <ROME job> cqs:romeCertifications n,
# <branch> cqs:branchCertifications n, <NSF domain> cqs:nsfCertifications n.
COUNTED = ("certifier", "rome", "branch", "nsf")
MEASURES = ("certifications", "blocs", "withBlocs", "withoutBlocs", "bcnAndRncp")


def _dimension_values(row: FacetRow, dim: str) -> Iterable[str]:
    """N-Triples objects of one dimension for one row."""
    if dim == "kind":
        return [f"<{CQ}{row.kind}>" if row.kind else f"<{CQ}Certification>"]
    if dim == "level":
        return [f"<{ID}niveau/{row.level}>" if row.level else f"<{STAT}unknownLevel>"]
    if dim == "status":
        return [f"<{STAT}{row.status}>"]
    many = {"route": row.routes, "certifier": row.certifiers, "rome": row.rome}
    many |= {"branch": row.branches, "nsf": row.nsf}
    return [f"<{v}>" for v in many[dim]]


def _aggregate(rows: list[FacetRow], dims: tuple[str, ...]) -> dict[tuple[str, ...], list[int]]:
    cells: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for row in rows:
        keys: list[tuple[str, ...]] = [()]
        for d in dims:
            keys = [(*k, v) for k in keys for v in _dimension_values(row, d)]
        for k in keys:
            m = cells[k]
            m[0] += 1
            m[1] += row.blocs
            m[2] += row.blocs > 0
            m[3] += row.blocs == 0
            m[4] += row.rncp and row.bcn
    return cells


def statistics_quads(rows: list[FacetRow]) -> list[tuple[str, str, str, str]]:
    """The quads of the statistics graph (N-Triples terms)."""
    g = STATISTICS_GRAPH
    out: list[tuple[str, str, str, str]] = []

    def add(s: str, p: str, o: str) -> None:
        out.append((s, f"<{p}>", o, g))

    def num(n: int) -> str:
        return f'"{n}"^^<{XSD_INT}>'

    for name, (dims, title_fr, title_en) in DATASETS.items():
        ds = f"<{STAT_ID}{name}>"
        add(ds, RDF_TYPE, f"<{QB}DataSet>")
        add(ds, "http://purl.org/dc/terms/title", f'"{title_fr}"@fr')
        add(ds, "http://purl.org/dc/terms/title", f'"{title_en}"@en')
        for i, (key, measures) in enumerate(sorted(_aggregate(rows, dims).items())):
            obs = f"<{STAT_ID}{name}/{i}>"
            add(obs, RDF_TYPE, f"<{QB}Observation>")
            add(obs, QB + "dataSet", ds)
            for d, v in zip(dims, key, strict=True):
                add(obs, STAT + d, v)
            for m, n in zip(MEASURES, measures, strict=True):
                add(obs, STAT + m, num(n))
    for dim in COUNTED:
        for (value,), measures in sorted(_aggregate(rows, (dim,)).items()):
            add(value, f"{STAT}{dim}Certifications", num(measures[0]))
    # Succession chains: each first version with the number of versions after it.
    for row in rows:
        if row.first_version:
            add(f"<{row.iri}>", STAT + "laterVersions", num(row.later_versions))
    _title_quads(rows, add)
    return out


def _tail(iri: str) -> str:
    if iri.startswith(ID):
        return iri[len(ID) :].replace("/", "-")
    return hashlib.sha1(iri.encode()).hexdigest()[:16]


def title_words(text: str) -> set[str]:
    """The words of a title as the text search folds them (case, accents; short words left out)."""
    return {w for w in re.split(r"[^0-9a-z]+", fold(text)) if len(w) > 2 and w not in STOP_WORDS}


def _title_quads(rows: list[FacetRow], add: Callable[[str, str, str], None]) -> None:
    """Title words of each certification (SPARQL has no text index: these are one)."""
    for row in rows:
        node = f"<{STAT_ID}title/{_tail(row.iri)}>"
        add(node, STAT + "certification", f"<{row.iri}>")
        for w in sorted(title_words(row.label_fr) | title_words(row.label_en)):
            add(node, STAT + "word", f'"{w}"')


def write_statistics_graph(store: Store, rows: list[FacetRow]) -> int:
    """Replace the statistics graph with the cube of these rows; returns its size."""
    from .provenance import GraphRecord, now_iso, record_graph

    started = now_iso()
    store.clear_graph(STATISTICS_GRAPH)
    n = store.add_quads(statistics_quads(rows))
    record_graph(
        store,
        GraphRecord(
            STATISTICS_GRAPH,
            "Statistiques des certifications (calculées, cube RDF)",
            "Certification statistics (computed, RDF Data Cube)",
            "agrégation des facettes du catalogue à la construction (cqpi_graph.facets)",
            started=started,
        ),
    )
    return n
