"""Read certifications from the store, one at a time, for the export profiles.

One record per certification *group*: resources linked by `cq:sameCertification` (a BCN
diploma and its RNCP fiche) are one certification; the record's IRI is the member with an
RNCP/RS code (else the smallest IRI), and the record merges what every member says.

On the embedded store each record is read from the SPOG index (no SPARQL, no copy of the
graph): memory stays proportional to one certification. On a remote store the same reads are
small SELECT queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..catalog import LabelCandidate, choose_label, load_catalog
from ..catalog.labels import LABEL_PROPERTIES
from ..namespaces import CQ, DCT, EQF, ID, RDF, SCHEMA, SKOS
from ..store import Store

LABEL_PREDICATES = LABEL_PROPERTIES
DESCRIPTION_PREDICATES = (DCT + "description", SCHEMA + "description", CQ + "purpose")
ISCED_F = "http://data.europa.eu/snb/isced-f/"
CODE_PREDICATES = (CQ + "rncpCode", CQ + "bcnCode", CQ + "code", SKOS + "notation")

Node = ox.NamedNode | ox.BlankNode


class GraphView:
    """Properties of one resource over the union of the named graphs (or over one named graph,
    `graph`), duplicates removed."""

    def __init__(self, store: Store, graph: str | None = None) -> None:
        self.store = store
        self.graph = graph
        self._cache: dict[str, dict[str, list]] = {}

    def props(self, node: Node | str) -> dict[str, list]:
        if isinstance(node, str):
            subject = node
        else:
            subject = node.value if isinstance(node, ox.NamedNode) else "_:" + node.value
        out: dict[str, list] = {}
        seen: set[tuple[str, object]] = set()  # a triple held by several graphs, once
        for q in self.store.quads_for_pattern(subject, graph=self.graph):
            key = (q.predicate, q.object)
            if key not in seen:
                seen.add(key)
                out.setdefault(q.predicate, []).append(q.object)
        return out

    def cached(self, iri: str) -> dict[str, list]:
        """props() memoised: for shared resources (concepts, organisations)."""
        hit = self._cache.get(iri)
        if hit is None:
            if len(self._cache) > 50_000:
                self._cache.clear()
            hit = self._cache[iri] = self.props(iri)
        return hit


# ---------------------------------------------------------------- helpers on property maps


def literals(props: dict[str, list], *preds: str) -> list[ox.Literal]:
    out: list[ox.Literal] = []
    for p in preds:
        out.extend(v for v in props.get(p, []) if isinstance(v, ox.Literal))
    return out


def first_literal(props: dict[str, list], *preds: str) -> str | None:
    for p in preds:
        vals = sorted(v.value for v in props.get(p, []) if isinstance(v, ox.Literal))
        if vals:
            return vals[0]
    return None


def iris(props: dict[str, list], *preds: str) -> list[str]:
    out: list[str] = []
    for p in preds:
        for v in props.get(p, []):
            if isinstance(v, ox.NamedNode) and v.value not in out:
                out.append(v.value)
    return out


def nodes(props: dict[str, list], *preds: str) -> list[Node]:
    out: list[Node] = []
    for p in preds:
        for v in props.get(p, []):
            if isinstance(v, ox.NamedNode | ox.BlankNode) and v not in out:
                out.append(v)
    return out


def lang_map(props: dict[str, list], preds: Iterable[str], default_lang: str = "fr") -> dict[str, str]:
    """One value per language (the catalog's label rule over the given predicates, preferred
    first); an untagged value counts as French (every registry read here publishes in French)."""
    candidates = [
        LabelCandidate(v.value, v.language or default_lang, rank)
        for rank, p in enumerate(preds)
        for v in props.get(p, [])
        if isinstance(v, ox.Literal) and v.value.strip()
    ]
    langs = sorted({c.lang for c in candidates if c.lang})
    out: dict[str, str] = {}
    for lang in langs:
        best = choose_label([c for c in candidates if c.lang == lang], lang)
        if best:
            out[lang] = best
    return out


def label(props: dict[str, list], lang: str = "fr") -> str | None:
    m = lang_map(props, LABEL_PREDICATES)
    return m.get(lang) or m.get("fr") or next(iter(m.values()), None)


def boolean(props: dict[str, list], pred: str) -> bool | None:
    v = first_literal(props, pred)
    if v is None:
        return None
    return v.strip().lower() in ("true", "1", "oui", "yes", "active")


# ---------------------------------------------------------------- records


@dataclass
class Coded:
    """A coded concept (level, NSF, Formacode, ROME, ISCED-F…)."""

    iri: str | None
    code: str | None
    label: str | None = None


@dataclass
class Organisation:
    iri: str
    name: dict[str, str]
    siret: str | None
    types: list[str] = field(default_factory=list)


@dataclass
class Competence:
    iri: str | None
    title: dict[str, str]
    order: int | None = None
    parts: list[str] = field(default_factory=list)  # IRIs of its sub-items (cq:hasPart)


@dataclass
class Bloc:
    iri: str | None
    code: str | None
    title: dict[str, str]
    competences: list[Competence] = field(default_factory=list)
    competence_text: str | None = None
    evaluation: str | None = None


@dataclass
class Certification:
    """What the export profiles need to know about one certification (group)."""

    iri: str
    members: list[str]
    types: set[str] = field(default_factory=set)
    rncp_codes: list[str] = field(default_factory=list)
    bcn_codes: list[str] = field(default_factory=list)
    title: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    abbreviations: list[str] = field(default_factory=list)
    type_labels: list[Coded] = field(default_factory=list)
    level: Coded | None = None  # national (2019) level concept
    eqf: str | None = None  # http://data.europa.eu/snb/eqf/N
    isced: list[Coded] = field(default_factory=list)
    certifiers: list[Organisation] = field(default_factory=list)
    competences: list[Competence] = field(default_factory=list)
    blocs: list[Bloc] = field(default_factory=list)
    nsf: list[Coded] = field(default_factory=list)
    formacodes: list[Coded] = field(default_factory=list)
    rome: list[Coded] = field(default_factory=list)
    access_routes: list[Coded] = field(default_factory=list)
    replaced_by: list[str] = field(default_factory=list)  # codes (or IRIs without a code)
    replaces: list[str] = field(default_factory=list)
    active: bool | None = None
    start_date: str | None = None
    end_date: str | None = None
    registration_type: str | None = None
    props: dict[str, list] = field(default_factory=dict)  # merged raw properties of the members

    @property
    def code(self) -> str | None:
        codes = self.rncp_codes or self.bcn_codes
        return codes[0] if codes else None

    def all_competences(self) -> list[Competence]:
        """Competences of the certification and of its blocs, each once."""
        seen: set[str] = set()
        out = []
        for c in self.competences + [c for b in self.blocs for c in b.competences]:
            key = c.iri or c.title.get("fr", "") or repr(c.title)
            if key not in seen:
                seen.add(key)
                out.append(c)
        return out


# ---------------------------------------------------------------- listing and grouping


def certification_groups(store: Store, only: Iterable[str] | None = None) -> list[list[str]]:
    """Certifications as the catalog groups them; each group's members, its IRI first."""
    return [members for members, _ in _catalog_groups(store, only)]


def _catalog_groups(store: Store, only: Iterable[str] | None) -> list[tuple[list[str], bool | None]]:
    """(members, active) of each certification, as the catalog groups them and states their status."""
    cat = load_catalog(store)
    keys = cat.groups() if only is None else (i for i in only if i in cat)
    found = {}
    for key in keys:
        c = cat.certification(key)
        found[c.members] = c.status.active
    return sorted(((list(m), a) for m, a in found.items()), key=lambda g: g[0][0])


# ---------------------------------------------------------------- reading one record


def _coded(view: GraphView, iri: str) -> Coded:
    if iri.startswith(EQF) or iri.startswith(ISCED_F):
        code = iri.rsplit("/", 1)[-1]
        p = view.cached(iri)
        return Coded(iri, first_literal(p, SKOS + "notation") or code, label(p))
    p = view.cached(iri)
    return Coded(iri, first_literal(p, *CODE_PREDICATES), label(p))


def _comp_key(c: Competence) -> tuple:
    return (c.order if c.order is not None else 1 << 30, c.iri or "", sorted(c.title.items()))


def _competence(view: GraphView, node: Node) -> Competence | None:
    p = view.props(node)
    title = lang_map(p, LABEL_PREDICATES + (CQ + "text",))
    if not title:
        return None
    order = first_literal(p, CQ + "order")
    return Competence(
        node.value if isinstance(node, ox.NamedNode) else None,
        title,
        int(order) if order and order.strip().lstrip("-").isdigit() else None,
        iris(p, CQ + "hasPart"),
    )


def _organisation(view: GraphView, iri: str) -> Organisation:
    p = view.cached(iri)
    siret = first_literal(p, CQ + "siret")
    if siret is None and iri.startswith(ID + "siret/"):
        siret = iri.rsplit("/", 1)[-1]
    return Organisation(
        iri, lang_map(p, LABEL_PREDICATES), siret.strip() if siret else None, iris(p, RDF + "type")
    )


def _code_of(view: GraphView, iri: str) -> str:
    p = view.cached(iri)
    return first_literal(p, CQ + "rncpCode") or iri.rsplit("/", 1)[-1]


def read_certification(view: GraphView, group: list[str], links: bool = True) -> Certification:
    """One certification record; `links=False` leaves out what the ELM profile does not use
    (type labels, Formacode, ROME, access routes, successions), read for every certification."""
    rec = Certification(iri=group[0], members=list(group))
    merged: dict[str, list] = {}
    own = {member: view.props(member) for member in group}
    for member_props in own.values():
        for p, vals in member_props.items():
            bucket = merged.setdefault(p, [])
            bucket.extend(v for v in vals if v not in bucket)
    rec.props = merged
    rec.types = set(iris(merged, RDF + "type"))
    rec.rncp_codes = sorted(
        {v.value for v in literals(merged, CQ + "rncpCode")},
        key=lambda c: (c != group[0].rsplit("/", 1)[-1], c),
    )
    rec.bcn_codes = sorted({v.value for v in literals(merged, CQ + "bcnCode")})
    # The title: the catalog's name of the certification, in each language it has one in.
    rec.title = load_catalog(view.store).titles(group[0])
    rec.description = lang_map(merged, DESCRIPTION_PREDICATES)
    rec.abbreviations = sorted({v.value for v in literals(merged, CQ + "abbreviation")})
    levels = iris(merged, CQ + "level")
    if levels:
        rec.level = _coded(view, sorted(levels)[0])
    eqf = [i for i in iris(merged, CQ + "eqfLevel") if i.startswith(EQF)]
    if not eqf and rec.level and rec.level.iri:
        eqf = [i for i in iris(view.cached(rec.level.iri), SKOS + "exactMatch") if i.startswith(EQF)]
    rec.eqf = sorted(eqf)[0] if len(set(eqf)) == 1 else None
    for i in iris(merged, CQ + "iscedField"):
        c = _coded(view, i)
        if c not in rec.isced:
            rec.isced.append(c)
    for i in iris(merged, CQ + "certifier", CQ + "deliveredBy"):
        org = _organisation(view, i)
        if all(o.iri != org.iri for o in rec.certifiers):
            rec.certifiers.append(org)
    for n in nodes(merged, CQ + "hasCompetence"):
        competence = _competence(view, n)
        if competence:
            rec.competences.append(competence)
    for b in nodes(merged, CQ + "hasBloc"):
        bp = view.props(b)
        bloc = Bloc(
            b.value if isinstance(b, ox.NamedNode) else None,
            first_literal(bp, CQ + "rncpCode", CQ + "code", SKOS + "notation"),
            lang_map(bp, LABEL_PREDICATES),
            evaluation=first_literal(bp, CQ + "evaluationText"),
            competence_text=first_literal(bp, CQ + "competenceText"),
        )
        for n in nodes(bp, CQ + "hasCompetence"):
            competence = _competence(view, n)
            if competence:
                bloc.competences.append(competence)
        rec.blocs.append(bloc)
    rec.blocs.sort(key=lambda b: (b.code or "", b.iri or ""))
    rec.competences.sort(key=_comp_key)
    for bloc in rec.blocs:
        bloc.competences.sort(key=_comp_key)
    rec.nsf = [_coded(view, i) for i in iris(merged, CQ + "nsf")]
    if links:
        _read_links(view, rec, merged, set(group))
    rec.active = boolean(merged, CQ + "active")
    rec.start_date = first_literal(merged, CQ + "startDate")
    rec.end_date = first_literal(merged, CQ + "endDate")
    rec.registration_type = first_literal(merged, CQ + "registrationType")
    return rec


def _read_links(view: GraphView, rec: Certification, merged: dict[str, list], members: set[str]) -> None:
    rec.type_labels = [_coded(view, i) for i in iris(merged, CQ + "certificationType")]
    rec.formacodes = [_coded(view, i) for i in iris(merged, CQ + "formacode")]
    rec.rome = [_coded(view, i) for i in iris(merged, CQ + "romeJob")]
    rec.access_routes = [_coded(view, i) for i in iris(merged, CQ + "accessRoute")]
    rec.replaced_by = sorted(_code_of(view, i) for i in iris(merged, CQ + "replacedBy") if i not in members)
    rec.replaces = sorted(_code_of(view, i) for i in iris(merged, CQ + "replaces") if i not in members)


def iter_certifications(
    store: Store, only: Iterable[str] | None = None, links: bool = True
) -> Iterator[Certification]:
    """Certification records, one per group, in IRI order; `only` restricts to these IRIs."""
    view = GraphView(store)
    for group, active in _catalog_groups(store, only):
        rec = read_certification(view, group, links)
        rec.active = active  # the catalog's status: the RNCP export first, then curated data, the kit
        yield rec
