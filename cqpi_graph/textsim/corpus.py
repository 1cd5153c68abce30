"""The texts the graph holds, read once per store generation: competences, certifications, jobs.

What is a certification, how its members group and which codes and label it shows come from the
catalog (cqpi_graph.catalog); this module only reads the texts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import _cache
from ..catalog import Catalog, LabelCandidate, choose_label, load_catalog
from ..namespaces import CQ, ID, OWL, RDFS, SKOS
from ..store import Store

ESCO_MODEL = "http://data.europa.eu/esco/model#"
ESCO_SKILLS = "http://data.europa.eu/esco/concept-scheme/skills"
ROME_COMPETENCE = ID + "rome/competence/"
LABELS = (SKOS + "prefLabel", RDFS + "label")
CONTAINERS = (CQ + "hasBloc", CQ + "hasReferentiel", CQ + "competencesPart")
# ROME item properties of a job, and the kind of competence text each item is.
ROME_ITEMS = {
    CQ + "romeSavoirFaire": "rome-savoir-faire",
    CQ + "romeSavoirEtre": "rome-savoir-etre",
    CQ + "romeSavoir": "rome-savoir",
    CQ + "romeWorkContext": "",  # a working condition, not a competence: described, never aligned
}
UNIT_KINDS = (
    "bloc",
    "competence",
    "rome-savoir-faire",
    "rome-savoir-etre",
    "rome-savoir",
    "rome-competence",
    "esco",
)
ROME, ESCO = "rome", "esco"  # holders of the reference lists' competences


@dataclass(frozen=True)
class Unit:
    """One competence text: a bloc label, a capacity, a ROME item, an ESCO skill."""

    iri: str
    text: str
    kind: str  # one of UNIT_KINDS
    holder: str  # certification node IRI, or ROME / ESCO for the reference lists

    @property
    def registry(self) -> str:
        return self.holder if self.holder in (ROME, ESCO) else "certification"


@dataclass
class CertDoc:
    """One certification (a cq:sameCertification group) and its texts."""

    iri: str  # the catalog's group IRI
    members: list[str]
    code: str
    label: str
    codes: list[str] = field(default_factory=list)  # every code of its members (RNCP, BCN, sigle)
    units: list[int] = field(default_factory=list)  # its blocs and capacities (Corpus.units)
    jobs: list[str] = field(default_factory=list)  # declared ROME job IRIs (cq:romeJob)
    certifiers: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # its training fields (cq:nsf concept IRIs)


@dataclass
class JobDoc:
    iri: str
    code: str
    label: str
    appellations: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # competences, savoirs, working contexts
    parent: str = ""  # the ROME 4.0 parent job (itself when it has none)


@dataclass
class Corpus:
    units: list[Unit]
    certs: list[CertDoc]
    jobs: list[JobDoc]
    item_labels: dict[str, str]  # ROME item IRI -> label (competences, savoirs, contexts)
    item_codes: dict[str, str]
    macro: dict[str, str]  # ROME competence -> its macro-competence (skos:broader)
    macro_codes: dict[str, str]  # macro-competence -> ROME code (domain, stake, objective: 1C101)
    successions: list[tuple[str, str]]  # (old node, new node), cq:replacedBy
    canonical: dict[str, str] = field(default_factory=dict)  # member IRI -> node IRI
    org_labels: dict[str, str] = field(default_factory=dict)  # certifier IRI -> name
    same: dict[str, str] = field(default_factory=dict)  # unit -> its class of declared equivalents
    field_labels: dict[str, str] = field(default_factory=dict)  # NSF concept IRI -> label

    @property
    def field_iris(self) -> list[str]:
        return sorted(self.field_labels)


def _pick(values: list[tuple[str, str | None]]) -> str:
    """The French label by the catalog's rule (an untagged one counts as French, after the
    tagged ones; the first read first)."""
    candidates = [
        LabelCandidate(value, lang or "fr", i + (0 if lang else len(values)))
        for i, (value, lang) in enumerate(values)
    ]
    return choose_label(candidates, "fr") or (values[0][0] if values else "")


def _triples(store: Store, predicates: Iterable[str]):
    return _cache.iter_triples(store, tuple(predicates))


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def read_corpus(store: Store) -> Corpus:
    """Every competence text, certification and ROME job of the store."""
    holds: dict[str, set[str]] = defaultdict(set)  # holder -> competences (cq:hasCompetence)
    for h, _p, c, _l, _g, is_iri in _triples(store, (CQ + "hasCompetence",)):
        if is_iri:
            holds[h].add(c)
    contains: dict[str, set[str]] = defaultdict(set)
    blocs: set[str] = set()
    for h, p, x, _l, _g, is_iri in _triples(store, CONTAINERS):
        if is_iri:
            contains[h].add(x)
            if p == CQ + "hasBloc":
                blocs.add(x)
    blocs |= {b for b, _t in _cache.subjects_of_type(store, [CQ + "BlocDeCompetences"])}
    jobs, items, item_kind = _rome_items(store, holds)
    esco = set(_cache.subjects_with(store, SKOS + "inScheme", ESCO_SKILLS))
    cat = load_catalog(store)
    canonical = dict(cat.canonical)
    certifiers = _by_node(store, CQ + "certifier", canonical)
    orgs = {o for os_ in certifiers.values() for o in os_}
    fields = _by_node(store, CQ + "nsf", canonical)
    field_iris = {f for fs in fields.values() for f in fs}
    wanted = set(canonical) | blocs | jobs | esco | set(item_kind) | orgs | field_iris
    wanted |= {c for cs in holds.values() for c in cs}
    label, alt = _labels(store, wanted, jobs)
    for j, _p, text, _l, _g, is_iri in _triples(store, (CQ + "rncpLabel",)):
        if j in jobs and j not in label and not is_iri:  # a code the imported ROME does not name
            label[j] = text
    units, unit_of = _units(label, canonical, contains, holds, blocs, item_kind, esco)
    macro = {
        c: m for c, _p, m, _l, _g, is_iri in _triples(store, (SKOS + "broader",)) if is_iri and c in item_kind
    }
    parents = {j: p for j, _p, p, _l, _g, is_iri in _triples(store, (CQ + "romeParentJob",)) if is_iri}
    job_docs = [
        JobDoc(
            j,
            _local(j),
            label.get(j, ""),
            sorted(set(alt.get(j, []))),
            sorted(set(items.get(j, []))),
            parents.get(j, j),
        )
        for j in sorted(jobs)
    ]
    successions = sorted(
        {
            (canonical[a], canonical[b])
            for a, _p, b, _l, _g, is_iri in _triples(store, (CQ + "replacedBy",))
            if is_iri and a in canonical and b in canonical and canonical[a] != canonical[b]
        }
    )
    return Corpus(
        units,
        _cert_docs(store, cat, contains, holds, unit_of, certifiers, fields),
        job_docs,
        {i: label.get(i, "") for i in item_kind},
        {i: _local(i) for i in item_kind},
        macro,
        {m: code for m, _p, code, _l, _g, _i in _triples(store, (CQ + "romeMacroCode",))},
        successions,
        canonical,
        {o: label.get(o, "") for o in orgs},
        _declared_same(store, unit_of),
        {f: label.get(f, "") for f in field_iris},
    )


def _by_node(store: Store, predicate: str, canonical: dict[str, str]) -> dict[str, set[str]]:
    """catalog node -> the IRIs its members point to by predicate."""
    out: dict[str, set[str]] = defaultdict(set)
    for c, _p, o, _l, _g, is_iri in _triples(store, (predicate,)):
        if is_iri and c in canonical:
            out[canonical[c]].add(o)
    return out


def _rome_items(store: Store, holds: dict[str, set[str]]):  # noqa: ANN202
    """(jobs, job -> items, item -> kind of competence text: "" for a working context)."""
    jobs = {j for j, _t in _cache.subjects_of_type(store, [CQ + "MetierROME"])}
    items: dict[str, list[str]] = defaultdict(list)
    item_kind: dict[str, str] = {}
    for j, p, it, _l, _g, is_iri in _triples(store, ROME_ITEMS):
        if is_iri:
            items[j].append(it)
            item_kind.setdefault(it, ROME_ITEMS[p])
    for j in jobs:  # curated ROME jobs state their competences with cq:hasCompetence
        for c in sorted(holds.get(j, ())):
            items[j].append(c)
            item_kind.setdefault(c, "rome-competence")
    return jobs, items, item_kind


def _labels(store: Store, wanted: set[str], jobs: set[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The label of each wanted resource (French first) and the French appellations of jobs."""
    labels: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    alt: dict[str, list[str]] = defaultdict(list)
    for x, p, lab, lang, _g, is_iri in _triples(store, (*LABELS, SKOS + "altLabel")):
        if is_iri or x not in wanted:
            continue
        if p == SKOS + "altLabel":
            if x in jobs and (lang or "fr").startswith("fr"):
                alt[x].append(lab)
        else:
            labels[x].append((lab, lang))
    return {x: _pick(v) for x, v in labels.items()}, alt


def _declared_same(store: Store, unit_of: dict[str, int]) -> dict[str, str]:
    """Units declared equivalent (skos:exactMatch, owl:sameAs, directly or through a third
    resource such as a ROME competence): unit -> the smallest IRI of its class."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, _p, b, _l, _g, is_iri in _triples(store, (SKOS + "exactMatch", OWL + "sameAs")):
        if is_iri and (a in unit_of or b in unit_of):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {u: find(u) for u in parent if u in unit_of}


def _held(holder: str, contains: dict[str, set[str]], holds: dict[str, set[str]]) -> list[str]:
    """The competences and blocs a certification member holds, through blocs and référentiels."""
    out: list[str] = []
    seen: set[str] = set()
    frontier = [holder]
    for _ in range(4):  # certification -> référentiel -> part -> bloc
        nxt = []
        for h in frontier:
            for x in sorted(contains.get(h, ())) + sorted(holds.get(h, ())):
                if x not in seen:
                    seen.add(x)
                    out.append(x)
                    nxt.append(x)
        frontier = nxt
    return out


def _units(label, canonical, contains, holds, blocs, item_kind, esco) -> tuple[list[Unit], dict[str, int]]:
    units: list[Unit] = []
    unit_of: dict[str, int] = {}

    def add(iri: str, kind: str, holder: str) -> None:
        text = label.get(iri, "").strip()
        if text and iri not in unit_of:
            unit_of[iri] = len(units)
            units.append(Unit(iri, text, kind, holder))

    for member in sorted(canonical):
        for x in _held(member, contains, holds):
            if x in item_kind or x.startswith(ROME_COMPETENCE):
                if x not in item_kind:
                    add(x, "rome-competence", ROME)  # a ROME item a certification holds stays ROME's
                continue
            if x in blocs:
                if not holds.get(x):  # a bloc that lists its competences is their heading
                    add(x, "bloc", canonical[member])
            elif x not in contains:
                add(x, "competence", canonical[member])
    for it in sorted(item_kind):
        if item_kind[it]:
            add(it, item_kind[it], ROME)
    for s in sorted(esco):
        add(s, "esco", ESCO)
    return units, unit_of


def _cert_docs(store, cat: Catalog, contains, holds, unit_of, certifiers, fields) -> list[CertDoc]:  # noqa: ANN001
    jobs: dict[str, list[str]] = defaultdict(list)
    for c, _p, j, _l, _g, is_iri in _triples(store, (CQ + "romeJob",)):
        node = cat.canonical.get(c)
        if is_iri and node and j not in jobs[node]:
            jobs[node].append(j)
    docs = []
    for node in sorted(cat.groups()):
        cert = cat.certification(node)
        units: list[int] = []
        for m in cert.members:
            held = [unit_of[x] for x in _held(m, contains, holds) if x in unit_of]
            units += [u for u in held if u not in units]
        docs.append(
            CertDoc(
                node,
                list(cert.members),
                cert.code,
                cert.label,
                list(cert.codes),
                units,
                sorted(jobs.get(node, [])),
                sorted(certifiers.get(node, ())),
                sorted(fields.get(node, ())),
            )
        )
    return docs


__all__ = ["UNIT_KINDS", "CertDoc", "Corpus", "JobDoc", "Unit", "read_corpus"]
