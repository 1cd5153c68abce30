"""Equivalence paths: from a certification one holds to one that one wants, and what is left to pass.

The recognition graph is a networkx MultiDiGraph read from the store:

* nodes are certifications (a BCN diploma and its RNCP fiche, linked by cq:sameCertification,
  are one node) and blocs de compétences;
* every direct recognition relation (every sub-property of cq:recognitionLink: full equivalence,
  bloc correspondence, exemption, succession, mutual recognition, CQPI -> branch CQP through the
  complementary modules) is a typed, directed edge; the reified cq:Reconnaissance statement that
  backs it gives its source, legal basis and granted / remaining blocs;
* symmetric, transitive and inverse consequences are not computed here: they are the triples the
  OWL 2 RL reasoner put in the inferred graph, and their edges say so (``inferred``,
  ``derivation``);
* content proximity (cq:closeTo, cq:ProximiteContenu) is kept apart, shown next to the answer and
  never used as a step.

Cost of a step = number of blocs (or modules) left to pass to obtain its target:
the statement's cq:remainingBloc when it lists them; else the target's blocs not granted
(cq:grantsBloc, or blocs reached by bloc-to-bloc correspondences); else 0 for the total
relations (equivalence, succession, mutual recognition) and 1 for a partial relation whose scope
is not stated (``remaining_known`` is then false). The cost of a path is the sum over its steps.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from . import _cache
from .errors import NotFoundError
from .namespaces import CQ, DCT, ID, RDFS, SKOS, Graphs
from .query import compact
from .store import Store

# Reified recognition class -> the direct property that mirrors it (docs/MODEL.md).
CLASS_TO_PROPERTY = {
    CQ + "EquivalenceTotale": CQ + "equivalentTo",
    CQ + "CorrespondanceBlocs": CQ + "blocCorrespondsTo",
    CQ + "Dispense": CQ + "grantsExemptionFor",
    CQ + "Succession": CQ + "replacedBy",
    CQ + "ReconnaissanceMutuelle": CQ + "mutuallyRecognisedWith",
    CQ + "ReconnaissanceCommune": CQ + "mutuallyRecognisedWith",
    CQ + "AccesParModulesComplementaires": CQ + "leadsWithModulesTo",
}
# Relations that, when their statement says nothing about blocs, leave nothing to pass.
TOTAL_RELATIONS = {CQ + "equivalentTo", CQ + "replacedBy", CQ + "mutuallyRecognisedWith"}
# Most specific first: the kind shown for a certification.
KIND_ORDER = [
    "CQPI",
    "CQPM",
    "CQP",
    "CAP",
    "BacPro",
    "BEP",
    "BP",
    "BTS",
    "MentionComplementaire",
    "Diplome",
    "TitreProfessionnel",
    "TitreCertifie",
    "HabilitationRS",
    "Certification",
    "FicheRegistre",
]
LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", DCT + "title", "http://schema.org/name")
CODE_PROPERTIES = (CQ + "code", SKOS + "notation", CQ + "rncpCode", CQ + "bcnCode", CQ + "abbreviation")
# Weight of a step for the search: cost first, then fewer steps, then steps backed by a statement.
_COST_WEIGHT = 1000
_UNBACKED_PENALTY = 2


# ---------------------------------------------------------------- result types


@dataclass
class Ref:
    """A resource cited by a step: a source document, a legal text, a statement."""

    iri: str
    label: str = ""

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label}


@dataclass
class Bloc:
    iri: str
    code: str = ""
    label: str = ""

    def display(self) -> str:
        return " ".join(x for x in (self.code, self.label) if x) or _local(self.iri).split("#")[-1]

    def to_dict(self) -> dict:
        return {"iri": self.iri, "code": self.code, "label": self.label}


@dataclass
class NodeInfo:
    """One certification (all the resources of a cq:sameCertification group)."""

    iri: str
    label: str = ""
    codes: list[str] = field(default_factory=list)
    kind: str = ""
    members: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.codes[0] if self.codes else _local(self.iri)

    def display(self) -> str:
        codes = " / ".join(self.codes) or _local(self.iri)
        kind = f" [{self.kind}]" if self.kind else ""
        return f"{codes}{kind} {self.label}".strip()

    def to_dict(self) -> dict:
        return {
            "iri": self.iri,
            "label": self.label,
            "codes": list(self.codes),
            "kind": self.kind,
            "members": list(self.members),
        }


@dataclass
class Step:
    """One recognition used along a path."""

    source: NodeInfo
    target: NodeInfo
    relation: str  # prefixed name, e.g. "cq:replacedBy"
    relation_label: str
    cost: int
    remaining_known: bool
    granted: list[Bloc] = field(default_factory=list)
    remaining: list[Bloc] = field(default_factory=list)
    sources: list[Ref] = field(default_factory=list)
    legal_basis: list[Ref] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)
    inferred: bool = False
    derivation: str = ""  # "", "symétrie", "transitivité", "inverse de …", "blocs"
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "from": self.source.to_dict(),
            "to": self.target.to_dict(),
            "relation": self.relation,
            "relation_label": self.relation_label,
            "cost": self.cost,
            "remaining_known": self.remaining_known,
            "granted_blocs": [b.to_dict() for b in self.granted],
            "remaining_blocs": [b.to_dict() for b in self.remaining],
            "sources": [r.to_dict() for r in self.sources],
            "legal_basis": [r.to_dict() for r in self.legal_basis],
            "statements": list(self.statements),
            "graphs": list(self.graphs),
            "inferred": self.inferred,
            "derivation": self.derivation,
            "notes": list(self.notes),
        }


@dataclass
class Path:
    steps: list[Step]

    @property
    def cost(self) -> int:
        return sum(s.cost for s in self.steps)

    @property
    def cost_known(self) -> bool:
        return all(s.remaining_known for s in self.steps)

    @property
    def nodes(self) -> list[NodeInfo]:
        if not self.steps:
            return []
        return [self.steps[0].source] + [s.target for s in self.steps]

    def to_dict(self) -> dict:
        return {
            "cost": self.cost,
            "cost_known": self.cost_known,
            "length": len(self.steps),
            "nodes": [n.to_dict() for n in self.nodes],
            "steps": [s.to_dict() for s in self.steps],
        }


@dataclass
class Proximity:
    """A content proximity (never a recognition): shown beside an answer, never counted."""

    a: NodeInfo
    b: NodeInfo
    sources: list[Ref] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "relation": "cq:closeTo",
            "sources": [r.to_dict() for r in self.sources],
            "statements": list(self.statements),
            "counted": False,
        }


@dataclass
class PathResult:
    origin: NodeInfo
    target: NodeInfo
    paths: list[Path]
    proximity: list[Proximity] = field(default_factory=list)
    same_certification: bool = False

    @property
    def found(self) -> bool:
        return bool(self.paths) or self.same_certification

    @property
    def best(self) -> Path | None:
        return self.paths[0] if self.paths else None

    def to_dict(self) -> dict:
        return {
            "origin": self.origin.to_dict(),
            "target": self.target.to_dict(),
            "found": self.found,
            "same_certification": self.same_certification,
            "paths": [p.to_dict() for p in self.paths],
            "proximity": [p.to_dict() for p in self.proximity],
        }


@dataclass
class Reachable:
    node: NodeInfo
    cost: int
    path: Path

    def to_dict(self) -> dict:
        return {
            "node": self.node.to_dict(),
            "cost": self.cost,
            "cost_known": self.path.cost_known,
            "length": len(self.path.steps),
            "path": self.path.to_dict(),
        }


@dataclass
class ReachResult:
    origin: NodeInfo
    items: list[Reachable]
    proximity: list[Proximity] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "origin": self.origin.to_dict(),
            "reachable": [r.to_dict() for r in self.items],
            "proximity": [p.to_dict() for p in self.proximity],
        }


# ---------------------------------------------------------------- the graph


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def fold(text: str) -> str:
    """Lower case without accents: how codes and labels are compared."""
    nfkd = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in nfkd if not unicodedata.combining(c)).strip()


def _pick_label(labels: list[tuple[str, str | None]]) -> str:
    for want in ("fr", None, "en"):
        for value, lang in labels:
            if (lang or None) == want or (want == "fr" and lang and lang.startswith("fr")):
                return value
    return labels[0][0] if labels else ""


def _values(iris) -> str:
    return " ".join(f"<{i}>" for i in iris)


class RecognitionGraph:
    """The recognition graph of one store generation, with its indexes."""

    def __init__(self) -> None:
        self.graph = nx.MultiDiGraph()
        self.steps = nx.DiGraph()  # certification -> certification, best edge per pair
        self.canonical: dict[str, str] = {}  # any member IRI -> node IRI
        self.nodes: dict[str, NodeInfo] = {}
        self.blocs: dict[str, Bloc] = {}
        self.bloc_owners: dict[str, set[str]] = defaultdict(set)
        self.cert_blocs: dict[str, set[str]] = defaultdict(set)
        self.code_index: dict[str, set[str]] = defaultdict(set)  # folded code/local name -> nodes
        self.labels_folded: dict[str, str] = {}
        self.proximity: dict[str, list[Proximity]] = defaultdict(list)
        self.property_labels: dict[str, str] = {}
        # CQPI node -> {folded branch slug / IRI / label: virtual "CQP of that branch" node}
        self.virtual_targets: dict[str, dict[str, str]] = defaultdict(dict)

    # -- lookups
    def info(self, node: str) -> NodeInfo:
        return self.nodes[node]

    def resolve(self, text: str) -> NodeInfo:
        """A certification by code (RNCP36429, 50022003, CEI…) or IRI; NotFoundError otherwise."""
        key = text.strip()
        iri = key[1:-1] if key.startswith("<") and key.endswith(">") else key
        if iri in self.canonical:
            return self.nodes[self.canonical[iri]]
        if iri.startswith(ID[:-1]) or iri.startswith("http"):
            raise NotFoundError(f"aucune certification d'IRI <{iri}>", self.suggest(_local(iri)))
        hits = self.code_index.get(fold(key), set())
        if len(hits) == 1:
            return self.nodes[next(iter(hits))]
        if len(hits) > 1:
            names = sorted(self.nodes[h].display() for h in hits)
            raise NotFoundError(f"le code « {key} » est ambigu", names[:8])
        raise NotFoundError(f"aucune certification de code « {key} »", self.suggest(key))

    def suggest(self, text: str, limit: int = 6) -> list[str]:
        """Near matches by code (prefix, then edit distance) and by label words."""
        q = fold(text)
        if not q:
            return []
        found: list[str] = []
        codes = self.code_index.keys()
        prefixed = sorted(c for c in codes if c.startswith(q) or q.startswith(c) and len(c) > 3)
        close = difflib.get_close_matches(q, list(codes), n=limit, cutoff=0.6)
        for c in [*prefixed[:limit], *close]:
            for node in sorted(self.code_index[c]):
                found.append(node)
        if len(q) >= 3:
            words = q.split()
            for node, lab in self.labels_folded.items():
                if all(w in lab for w in words):
                    found.append(node)
                    if len(found) > 4 * limit:
                        break
        out: list[str] = []
        for node in found:
            d = self.nodes[node].display()
            if d not in out:
                out.append(d)
            if len(out) >= limit:
                break
        return out

    def proximity_of(self, *nodes: str) -> list[Proximity]:
        seen: set[tuple[str, str]] = set()
        out = []
        for n in nodes:
            for p in self.proximity.get(n, []):
                key = tuple(sorted((p.a.iri, p.b.iri)))
                if key not in seen:
                    seen.add(key)
                    out.append(p)
        return out

    # -- steps
    def make_step(self, u: str, v: str) -> Step:
        data = self.steps.edges[u, v]
        return Step(
            source=self.nodes[u],
            target=self.nodes[v],
            relation=compact(data["relation"]),
            relation_label=self.property_labels.get(data["relation"], compact(data["relation"])),
            cost=data["cost"],
            remaining_known=data["remaining_known"],
            granted=[self._bloc(b) for b in sorted(data["granted"])],
            remaining=[self._bloc(b) for b in sorted(data["remaining"])],
            sources=[Ref(i, lab) for i, lab in data["sources"]],
            legal_basis=[Ref(i, lab) for i, lab in data["legal_basis"]],
            statements=list(data["statements"]),
            graphs=list(data["graphs"]),
            inferred=data["inferred"],
            derivation=data["derivation"],
            notes=list(data["notes"]),
        )

    def _bloc(self, iri: str) -> Bloc:
        return self.blocs.get(iri) or Bloc(iri, _local(iri))

    def make_path(self, nodes: list[str]) -> Path:
        return Path([self.make_step(u, v) for u, v in zip(nodes, nodes[1:], strict=False)])


def load_graph(store: Store) -> RecognitionGraph:
    """The recognition graph of the store's current generation (built once, then cached)."""
    return _cache.cached("paths.graph", store, _build_graph)


def _build_graph(store: Store) -> RecognitionGraph:
    rg = RecognitionGraph()
    sel = store.select

    # -- the vocabulary, from the ontology itself
    cert_classes = [
        r["t"].value for r in sel("SELECT DISTINCT ?t WHERE { ?t rdfs:subClassOf* cq:Certification }")
    ]
    cert_classes = sorted({*cert_classes, CQ + "Certification", CQ + "FicheRegistre"})
    rec_props = {
        r["p"].value for r in sel("SELECT DISTINCT ?p WHERE { ?p rdfs:subPropertyOf+ cq:recognitionLink }")
    }
    rec_props.discard(CQ + "recognitionLink")
    symmetric = {r["p"].value for r in sel("SELECT ?p WHERE { ?p a owl:SymmetricProperty }")}
    transitive = {r["p"].value for r in sel("SELECT ?p WHERE { ?p a owl:TransitiveProperty }")}
    inverse: dict[str, set[str]] = defaultdict(set)
    for r in sel("SELECT ?p ?q WHERE { ?p owl:inverseOf ?q }"):
        inverse[r["p"].value].add(r["q"].value)
        inverse[r["q"].value].add(r["p"].value)
    for r in sel(f"""SELECT ?p ?l WHERE {{ VALUES ?p {{ {_values(rec_props | {CQ + "closeTo"})} }}
                     ?p rdfs:label ?l FILTER(LANG(?l) = "fr") }}"""):
        rg.property_labels[r["p"].value] = r["l"].value

    # -- certifications, their codes and labels
    kinds: dict[str, set[str]] = defaultdict(set)
    for c, t in _cache.subjects_of_type(store, cert_classes):
        kinds[c].add(_local(t))
    certs = set(kinds)

    # blocs
    for s_, p_, o_, _l, _g, is_iri in _cache.iter_triples(store, (CQ + "hasBloc", CQ + "blocOf")):
        if is_iri:
            c, b = (s_, o_) if p_ == CQ + "hasBloc" else (o_, s_)
            rg.blocs.setdefault(b, Bloc(b))
            rg.bloc_owners[b].add(c)
    for b, _t in _cache.subjects_of_type(store, [CQ + "BlocDeCompetences", CQ + "ModuleComplementaire"]):
        rg.blocs.setdefault(b, Bloc(b))
    certs -= set(rg.blocs)

    # recognition triples, with the graph each comes from
    triples: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for a, p, b, _l, g, is_iri in _cache.iter_triples(store, sorted(rec_props)):
        if a != b and is_iri and g:
            triples[(a, p, b)].add(g)

    # reified statements
    statements: dict[str, dict] = {}
    ends: dict[str, dict[str, str]] = defaultdict(dict)
    ends_props = (CQ + "fromCertification", CQ + "toCertification")
    for r_, p_, o_, _l, _g, _i in _cache.iter_triples(store, ends_props):
        ends[r_][p_] = o_
    for r_, cls in _cache.subjects_of_type(store, list(CLASS_TO_PROPERTY)):
        e_ = ends.get(r_, {})
        if CQ + "fromCertification" not in e_ or CQ + "toCertification" not in e_:
            continue
        st = statements.setdefault(
            r_,
            {
                "from": e_[CQ + "fromCertification"],
                "to": e_[CQ + "toCertification"],
                "classes": set(),
                "sources": [],
                "basis": [],
                "grants": set(),
                "remaining": set(),
                "fromBlocs": set(),
                "notes": [],
            },
        )
        st["classes"].add(cls)
    # charter rule without a named target (« le titulaire d'un CQPI ne passe que les modules
    # complémentaires spécifiques à la branche »): one virtual target per adopting branch
    open_targets: list[tuple[str, str, str | None, str]] = []  # statement, CQPI, branch, branch label
    for r in sel("""SELECT ?r ?a ?br ?bl WHERE {
                        ?r a cq:AccesParModulesComplementaires ; cq:fromCertification ?a .
                        FILTER NOT EXISTS { ?r cq:toCertification ?t }
                        OPTIONAL { ?a cq:adoptedBy ?br
                                   OPTIONAL { ?br rdfs:label ?bl FILTER(LANG(?bl) = "fr") } } }"""):
        sid, a = r["r"].value, r["a"].value
        br = r["br"].value if "br" in r else None
        open_targets.append((sid, a, br, r["bl"].value if "bl" in r else ""))
        statements.setdefault(
            sid,
            {
                "from": a,
                "to": None,
                "classes": {CQ + "AccesParModulesComplementaires"},
                "sources": [],
                "basis": [],
                "grants": set(),
                "remaining": set(),
                "fromBlocs": set(),
                "notes": [],
            },
        )
    attr = {
        DCT + "source": "sources",
        CQ + "legalBasis": "basis",
        CQ + "grantsBloc": "grants",
        CQ + "remainingBloc": "remaining",
        CQ + "fromBloc": "fromBlocs",
        CQ + "scopeNote": "notes",
    }
    if statements:
        for r_, p_, value, _l, _g, _i in _cache.iter_triples(store, list(attr)):
            st = statements.get(r_)
            if st is None:
                continue
            slot = st[attr[p_]]
            if isinstance(slot, set):
                slot.add(value)
            elif value not in slot:
                slot.append(value)
    # proximity statements and triples
    prox_pairs: dict[frozenset, dict] = {}
    for r in sel("""SELECT ?a ?b ?g WHERE { GRAPH ?g { ?a cq:closeTo ?b } }"""):
        if r["a"].value != r["b"].value:
            prox_pairs.setdefault(frozenset((r["a"].value, r["b"].value)), {"sources": [], "statements": []})
    for r in sel("""SELECT ?r ?a ?b ?s WHERE { ?r a cq:ProximiteContenu ;
                        cq:fromCertification ?a ; cq:toCertification ?b . OPTIONAL { ?r dct:source ?s } }"""):
        d = prox_pairs.setdefault(frozenset((r["a"].value, r["b"].value)), {"sources": [], "statements": []})
        if r["r"].value not in d["statements"]:
            d["statements"].append(r["r"].value)
        if "s" in r and r["s"].value not in d["sources"]:
            d["sources"].append(r["s"].value)

    # every endpoint that is not a bloc is a certification node, typed or not
    for a, _p, b in triples:
        for x in (a, b):
            if x not in rg.blocs:
                certs.add(x)
    for st in statements.values():
        for x in (st["from"], st["to"]):
            if x is not None and x not in rg.blocs:
                certs.add(x)
    for pair in prox_pairs:
        certs.update(x for x in pair if x not in rg.blocs)
    for owners in rg.bloc_owners.values():
        certs.update(owners)

    # -- cq:sameCertification groups -> one node (inference made the relation symmetric and transitive)
    parent = {c: c for c in certs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, _p, b, _l, _g, _i in _cache.iter_triples(store, (CQ + "sameCertification",)):
        for x in (a, b):
            parent.setdefault(x, x)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for c in list(parent):
        groups[find(c)].append(c)

    # codes and labels (of certifications and blocs)
    codes: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    wanted = set(parent) | set(rg.blocs)
    abbreviations: dict[str, list[str]] = defaultdict(list)
    for x, p_, code, _l, _g, _i in _cache.iter_triples(store, CODE_PROPERTIES):
        slot = abbreviations if p_ == CQ + "abbreviation" else codes
        if x in wanted and code not in slot[x]:
            slot[x].append(code)
    for x, _p, lab, lang, _g, is_iri in _cache.iter_triples(store, LABEL_PROPERTIES):
        if x in wanted and not is_iri and (lab, lang) not in labels[x]:
            labels[x].append((lab, lang))
    ref_iris = {i for st in statements.values() for i in st["sources"] + st["basis"]}
    ref_iris |= {i for d in prox_pairs.values() for i in d["sources"]}
    ref_labels: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    if ref_iris:
        for r in sel(f"""SELECT ?x ?l WHERE {{ VALUES ?x {{ {_values(ref_iris)} }}
                         VALUES ?p {{ {_values(LABEL_PROPERTIES)} }} ?x ?p ?l }}"""):
            ref_labels[r["x"].value].append((r["l"].value, r["l"].lang))

    def ref(i: str) -> tuple[str, str]:
        return (i, _pick_label(ref_labels.get(i, [])))

    for b, bloc in rg.blocs.items():
        cs = codes.get(b, [])
        bloc.code = cs[0] if cs else _local(b)
        bloc.label = _pick_label(labels.get(b, []))

    def rank(kind: str) -> int:
        return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)

    for root, members in groups.items():
        members.sort()
        node_codes: list[str] = []
        node_labels: list[tuple[str, str | None]] = []
        node_kinds: set[str] = set()
        node_abbr: list[str] = []
        for m in members:
            node_codes += [c for c in codes.get(m, []) if c not in node_codes]
            node_abbr += [c for c in abbreviations.get(m, []) if c not in node_abbr]
            node_labels += labels.get(m, [])
            node_kinds |= kinds.get(m, set())
        if not node_codes:  # a sigle (CEI, CSPA) is the code of what has no official one
            node_codes, node_abbr = node_abbr, []
        kind = min(node_kinds, key=rank) if node_kinds else ""
        info = NodeInfo(root, _pick_label(node_labels), node_codes, kind, members)
        rg.nodes[root] = info
        rg.graph.add_node(root, kind="certification", info=info)
        rg.labels_folded[root] = fold(info.label)
        for m in members:
            rg.canonical[m] = root
            rg.code_index[fold(_local(m))].add(root)
        for c in node_codes + node_abbr:
            rg.code_index[fold(c)].add(root)

    for b, owners in rg.bloc_owners.items():
        for o in owners:
            rg.cert_blocs[find(o)].add(b)
    for b, bloc in rg.blocs.items():
        rg.graph.add_node(b, kind="bloc", info=bloc)
        for o in rg.bloc_owners.get(b, ()):
            rg.graph.add_edge(find(o), b, key=CQ + "hasBloc", relation=CQ + "hasBloc", recognition=False)

    def owners_of(x: str) -> set[str]:
        if x in rg.blocs:
            return {find(o) for o in rg.bloc_owners.get(x, ())}
        return {find(x)} if x in parent else set()

    # -- statements indexed by (from, to, property)
    by_triple: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for sid, st in statements.items():
        props = {CLASS_TO_PROPERTY[c] for c in st["classes"] if c in CLASS_TO_PROPERTY}
        if not props or st["to"] is None:
            continue
        for p in props:
            by_triple[(st["from"], st["to"], p)].append(sid)
            triples.setdefault((st["from"], p, st["to"]), set())  # a statement without its mirror

    # -- edges
    edges: dict[tuple[str, str, str], dict] = {}

    def edge(u: str, v: str, p: str) -> dict:
        key = (u, v, p)
        if key not in edges:
            edges[key] = {
                "relation": p,
                "granted": set(),
                "remaining": set(),
                "sources": [],
                "legal_basis": [],
                "statements": [],
                "graphs": set(),
                "inferred": True,
                "derivation": "",
                "notes": [],
                "bloc_level": False,
                "backed": False,
            }
        return edges[key]

    def add_statement(e: dict, sid: str, with_blocs: bool = True) -> None:
        st = statements[sid]
        if sid not in e["statements"]:
            e["statements"].append(sid)
        for s in st["sources"]:
            if ref(s) not in e["sources"]:
                e["sources"].append(ref(s))
        for s in st["basis"]:
            if ref(s) not in e["legal_basis"]:
                e["legal_basis"].append(ref(s))
        e["notes"] += [n for n in st["notes"] if n not in e["notes"]]
        e["backed"] = True
        if with_blocs:
            e["granted"] |= st["grants"]
            e["remaining"] |= st["remaining"]
            e["explicit_remaining"] = e.get("explicit_remaining", False) or bool(st["remaining"])

    for (a, p, b), graphs in triples.items():
        asserted = bool(graphs - {Graphs.INFERRED}) or not graphs
        us, vs = owners_of(a), owners_of(b)
        bloc_level = a in rg.blocs or b in rg.blocs
        if bloc_level:
            rg.graph.add_edge(a, b, key=p, relation=p, recognition=True, graphs=sorted(graphs))
        for u in us:
            for v in vs:
                if u == v:
                    continue
                e = edge(u, v, p)
                e["graphs"] |= graphs
                if asserted:
                    e["inferred"] = False
                if bloc_level:
                    e["bloc_level"] = True
                    if b in rg.blocs:
                        e["granted"].add(b)
                for sid in by_triple.get((a, b, p), []):
                    add_statement(e, sid)
                if not asserted and not by_triple.get((a, b, p)):
                    # an inferred edge: say which axiom of the ontology gave it
                    if p in symmetric and ((b, p, a) in triples):
                        e["derivation"] = "symétrie"
                        for sid in by_triple.get((b, a, p), []):
                            add_statement(e, sid, with_blocs=False)
                    elif any((b, q, a) in triples for q in inverse.get(p, ())):
                        q = next(q for q in inverse[p] if (b, q, a) in triples)
                        e["derivation"] = f"inverse de {compact(q)}"
                        for sid in by_triple.get((b, a, q), []):
                            add_statement(e, sid)
                    elif p in transitive:
                        e["derivation"] = "transitivité"
                    else:
                        e["derivation"] = "inférence OWL 2 RL"
                elif bloc_level and not e["derivation"]:
                    e["derivation"] = "blocs"

    for sid, a, br, br_label in open_targets:
        u = find(a)
        origin = rg.nodes[u]
        sigle = origin.code
        slug = _local(br) if br else "branche-adherente"
        v = f"{a}#cqp-{slug}"
        where = f"la branche {br_label or slug}" if br else "une branche adhérente à la charte CQPI"
        of_where = f"de {where}" if br else f"d'{where}"
        label = f"CQP {of_where} accessible au titulaire du CQPI {sigle} (CQP non nommé par la source)"
        info = NodeInfo(v, label, [f"{sigle}@{slug}"], "CQP (cible de branche)", [])
        rg.nodes[v] = info
        rg.virtual_targets[u][fold(slug)] = v
        if br:
            rg.virtual_targets[u][fold(br)] = v
            if br_label:
                rg.virtual_targets[u][fold(br_label)] = v
        rg.graph.add_node(v, kind="certification", info=info, virtual=True)
        module = f"{v}-modules"
        rg.blocs[module] = Bloc(
            module, "", f"modules complémentaires spécifiques à {where} (non détaillés par la source)"
        )
        e = edge(u, v, CQ + "leadsWithModulesTo")
        e["graphs"] |= {Graphs.CURATED}
        e["inferred"] = False
        add_statement(e, sid)
        e["remaining"].add(module)
        e["derivation"] = "règle de la charte (cible non nommée)"

    for (u, v, p), e in edges.items():
        target_blocs = rg.cert_blocs.get(v, set())
        if e.get("explicit_remaining"):
            remaining, known = set(e["remaining"]), True
        elif e["granted"] and target_blocs:
            remaining, known = target_blocs - e["granted"], True
        elif p in TOTAL_RELATIONS and not e["bloc_level"]:
            remaining, known = set(), True
        else:
            remaining, known = set(), False
        if not known and e["remaining"]:
            remaining = set(e["remaining"])  # listed, but not exhaustively (e.g. branch modules)
        cost = len(remaining) if known else max(1, len(remaining))
        e.update(remaining=remaining, cost=cost, remaining_known=known)
        e["graphs"] = sorted(e["graphs"])
        rg.graph.add_edge(
            u, v, key=p, recognition=True, **{k: x for k, x in e.items() if k != "relation"}, relation=p
        )
        weight = cost * _COST_WEIGHT + 1 + (0 if e["backed"] or not e["inferred"] else _UNBACKED_PENALTY)
        best = rg.steps.get_edge_data(u, v)
        if best is None or weight < best["weight"]:
            rg.steps.add_edge(u, v, weight=weight, **e)
    rg.steps.add_nodes_from(rg.nodes)

    # -- proximity, apart
    for pair, d in prox_pairs.items():
        ends = sorted(pair)
        if len(ends) != 2:
            continue
        a, b = (find(x) if x in parent else x for x in ends)
        if a not in rg.nodes or b not in rg.nodes or a == b:
            continue
        prox = Proximity(rg.nodes[a], rg.nodes[b], [Ref(*ref(s)) for s in d["sources"]], d["statements"])
        rg.proximity[a].append(prox)
        rg.proximity[b].append(prox)
    return rg


# ---------------------------------------------------------------- the library API


def resolve(store: Store, code_or_iri: str) -> NodeInfo:
    """The certification named by a code (RNCP, RS, BCN, sigle) or IRI.

    Raises NotFoundError with near matches (codes and labels) when nothing matches.
    """
    return load_graph(store).resolve(code_or_iri)


def find_paths(store: Store, a: str, b: str, alternatives: int = 2) -> PathResult:
    """The best path from a to b (lowest cost: blocs left to pass), then up to `alternatives` others."""
    rg = load_graph(store)
    origin = rg.resolve(a)
    try:
        target = rg.resolve(b)
    except NotFoundError:
        # a CQPI holder asking for « the CQP of branch X »: the charter's virtual target
        virtual = rg.virtual_targets.get(origin.iri, {}).get(fold(b.strip("<>")))
        if virtual is None:
            raise
        target = rg.nodes[virtual]
    prox = rg.proximity_of(origin.iri, target.iri)
    if origin.iri == target.iri:
        return PathResult(origin, target, [], prox, same_certification=True)
    paths: list[Path] = []
    try:
        gen = nx.shortest_simple_paths(rg.steps, origin.iri, target.iri, weight="weight")
        for nodes in gen:
            paths.append(rg.make_path(nodes))
            if len(paths) > max(0, alternatives):
                break
    except nx.NetworkXNoPath:
        pass
    return PathResult(origin, target, paths, prox)


def reach(store: Store, a: str, *, max_cost: int | None = None, limit: int | None = None) -> ReachResult:
    """Every certification reachable from a, ranked by what remains to pass (then by steps)."""
    rg = load_graph(store)
    origin = rg.resolve(a)
    dist, routes = nx.single_source_dijkstra(rg.steps, origin.iri, weight="weight")
    items = []
    for node, nodes in routes.items():
        if node == origin.iri:
            continue
        path = rg.make_path(nodes)
        if max_cost is not None and path.cost > max_cost:
            continue
        items.append(Reachable(rg.nodes[node], path.cost, path))
    items.sort(key=lambda r: (r.cost, not r.path.cost_known, len(r.path.steps), r.node.code))
    if limit is not None:
        items = items[:limit]
    return ReachResult(origin, items, rg.proximity_of(origin.iri))


__all__ = [
    "Bloc",
    "NodeInfo",
    "Path",
    "PathResult",
    "Proximity",
    "ReachResult",
    "Reachable",
    "RecognitionGraph",
    "Ref",
    "Step",
    "find_paths",
    "load_graph",
    "reach",
    "resolve",
]
