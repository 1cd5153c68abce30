"""Shared competency sockets (socles communs), similar certifications and CQPI candidates.

The competences of a certification are those it holds with cq:hasCompetence, directly or through
its blocs (cq:hasBloc), its référentiel (cq:hasReferentiel, cq:competencesPart), and those of the
ROME jobs it targets (cq:romeJob, then the job's cq:hasCompetence from the ROME coherence items).

Two competences are *the same* when they are the same resource or declared equivalent
(skos:exactMatch, owl:sameAs — e.g. two référentiels pointing at the same ROME competence).
With ``computed=True`` the competence texts of the certifications (capacities, and the labels
of blocs that list no competence) matched by the text model (textsim/socle_text.py) with a
score at least the threshold also join competences; a shared competence then says
``basis="calculée"`` with the scores, never ``"déclarée"``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from . import _cache
from .align import DEFAULT_THRESHOLD, load_alignments
from .catalog import Catalog, Certification, LabelCandidate, choose_label, fold, load_catalog, local_name
from .errors import InputError, NotFoundError
from .namespaces import CQ, ID, OWL, RDFS, ROME_JOB, SKOS, is_rome_job
from .partition import Partition
from .store import Store
from .textsim.alignment import Alignment
from .textsim.socle_text import TextClasses, text_classes

ROME_COMPETENCE = ID + "rome/competence/"
CONTAINER_PROPERTIES = (CQ + "hasBloc", CQ + "hasReferentiel", CQ + "competencesPart")
# What a holder "has" as competences: its own, and a ROME job's savoir-faire and savoir-être
# (the ROME import's coherence items; savoirs and work contexts are not competences).
COMPETENCE_PROPERTIES = (CQ + "hasCompetence", CQ + "romeSavoirFaire", CQ + "romeSavoirEtre")
CQP_KINDS = {"CQP", "CQPM"}


# ---------------------------------------------------------------- result types


@dataclass
class CompetenceRef:
    iri: str
    label: str = ""
    code: str = ""
    via: str = ""  # "" (direct), a bloc / référentiel IRI, or a ROME job IRI

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label, "code": self.code, "via": self.via}


@dataclass
class SharedCompetence:
    key: str
    label: str
    code: str
    holders: dict[str, list[CompetenceRef]]  # node IRI -> its competences in this class
    basis: str  # "identique", "déclarée" or "calculée"
    alignments: list[Alignment] = field(default_factory=list)

    @property
    def share(self) -> int:
        return len(self.holders)

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "code": self.code,
            "share": self.share,
            "basis": self.basis,
            "holders": {n: [c.to_dict() for c in cs] for n, cs in self.holders.items()},
            "alignments": [a.to_dict() for a in self.alignments],
        }


@dataclass
class PairOverlap:
    a: str
    b: str
    shared: int
    size_a: int
    size_b: int

    @property
    def union(self) -> int:
        return self.size_a + self.size_b - self.shared

    @property
    def jaccard(self) -> float:
        return self.shared / self.union if self.union else 0.0

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "shared": self.shared,
            "size_a": self.size_a,
            "size_b": self.size_b,
            "union": self.union,
            "jaccard": round(self.jaccard, 4),
        }


@dataclass
class SocleResult:
    nodes: list[Certification]
    sizes: dict[str, int]
    min_share: int
    shared: list[SharedCompetence]
    pairs: list[PairOverlap]
    specific: dict[str, list[CompetenceRef]]
    computed: bool
    threshold: float | None
    branch: str | None = None
    branches: dict[str, list[str]] = field(default_factory=dict)  # node -> branch labels
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "certifications": [n.to_dict() for n in self.nodes],
            "sizes": self.sizes,
            "min_share": self.min_share,
            "computed": self.computed,
            "threshold": self.threshold,
            "branch": self.branch,
            "branches": self.branches,
            "shared": [s.to_dict() for s in self.shared],
            "pairs": [p.to_dict() for p in self.pairs],
            "specific": {n: [c.to_dict() for c in cs] for n, cs in self.specific.items()},
            "notes": self.notes,
        }


@dataclass
class SimilarItem:
    node: Certification
    shared: int
    size: int
    jaccard: float
    evidence: list[CompetenceRef]

    def to_dict(self) -> dict:
        return {
            "node": self.node.to_dict(),
            "shared": self.shared,
            "size": self.size,
            "jaccard": round(self.jaccard, 4),
            "evidence": [c.to_dict() for c in self.evidence],
        }


@dataclass
class SimilarResult:
    subject: Certification
    size: int
    items: list[SimilarItem]
    computed: bool
    threshold: float | None

    def to_dict(self) -> dict:
        return {
            "subject": self.subject.to_dict(),
            "size": self.size,
            "computed": self.computed,
            "threshold": self.threshold,
            "similar": [i.to_dict() for i in self.items],
        }


@dataclass
class CandidateGroup:
    members: list[Certification]
    branches: dict[str, list[str]]  # node -> branch labels
    core: list[SharedCompetence]
    specific: dict[str, list[CompetenceRef]]
    mean_jaccard: float

    def to_dict(self) -> dict:
        return {
            "members": [m.to_dict() for m in self.members],
            "branches": self.branches,
            "core": [c.to_dict() for c in self.core],
            "specific": {n: [c.to_dict() for c in cs] for n, cs in self.specific.items()},
            "mean_jaccard": round(self.mean_jaccard, 4),
        }


# ---------------------------------------------------------------- the index


class CompetenceIndex:
    def __init__(self) -> None:
        self.has: dict[str, set[str]] = defaultdict(set)  # holder -> competences
        self.containers: dict[str, set[str]] = defaultdict(set)  # holder -> blocs, référentiels
        self.jobs: dict[str, set[str]] = defaultdict(set)  # certification member -> ROME jobs
        self.job_certs: dict[str, set[str]] = defaultdict(set)  # ROME job -> certification nodes
        self.labels: dict[str, str] = {}
        self.codes: dict[str, str] = {}
        self.declared: dict[str, str] = {}  # competence -> declared class (exactMatch, sameAs)
        self.job_nodes: dict[str, Certification] = {}
        self.alignments: list[Alignment] = []
        self._memo: dict[tuple, object] = {}

    # classes of competences, declared only or with computed alignments above a threshold
    def classes(self, computed: bool, threshold: float | None) -> dict[str, str]:
        if not computed:
            return self.declared
        key = ("classes", threshold)
        if key not in self._memo:
            parent: dict[str, str] = {}

            def find(x: str) -> str:
                x = self.declared.get(x, x)
                parent.setdefault(x, x)
                while parent[x] != x:
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                return x

            for al in self.alignments:
                if threshold is None or al.score + 1e-9 >= threshold:
                    ra, rb = find(al.a), find(al.b)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
            out = dict(self.declared)
            for c in set(self.labels) | set(parent):
                out[c] = find(c)
            self._memo[key] = out
        return self._memo[key]  # type: ignore[return-value]

    def holder_competences(self, holder: str, depth: int = 3) -> dict[str, str]:
        """competence -> via, for one resource (a certification member, bloc, référentiel or job)."""
        # sorted: which bloc or job a competence is said to come through must not depend on
        # the order of a set (it changed with the hash seed)
        out: dict[str, str] = {c: "" for c in sorted(self.has.get(holder, ()))}
        frontier = [(holder, "")]
        for _ in range(depth):
            nxt = []
            for h, via in frontier:
                for part in sorted(self.containers.get(h, ())):
                    v = via or part
                    for c in sorted(self.has.get(part, ())):
                        out.setdefault(c, v)
                    nxt.append((part, v))
            frontier = nxt
        return out

    def node_competences(self, node: Certification) -> dict[str, str]:
        key = ("node", node.iri)
        if key not in self._memo:
            out: dict[str, str] = {}
            members = node.members or [node.iri]
            for m in members:
                for c, via in self.holder_competences(m).items():
                    out.setdefault(c, via)
                for j in sorted(self.jobs.get(m, ())):
                    for c in sorted(self.has.get(j, ())):
                        out.setdefault(c, j)
            self._memo[key] = out
        return self._memo[key]  # type: ignore[return-value]

    def ref(self, comp: str, via: str = "") -> CompetenceRef:
        return CompetenceRef(comp, self.labels.get(comp, ""), self.codes.get(comp, ""), via)


def load_index(store: Store) -> CompetenceIndex:
    return _cache.cached("socle.index", store, build_index)


def build_index(store: Store, alignments: list[Alignment] | None = None) -> CompetenceIndex:
    """The competence index of the store; `alignments`: those just written into its computed
    graph by the same writer (a build), rather than read back from it."""
    ix = CompetenceIndex()
    _read_links(store, load_catalog(store), ix)
    competences = {c for cs in ix.has.values() for c in cs}
    ix.declared = _declared_classes(store, competences)
    wanted = competences | set(ix.declared.values()) | set(ix.job_certs) | set(ix.has)
    ix.labels = _labels(store, wanted)
    for x, _p, code, _l, _g, _i in _cache.iter_triples(store, (SKOS + "notation", CQ + "ogrCode")):
        if x in competences:
            ix.codes.setdefault(x, code)
    # ROME jobs as nodes of their own (for `similar`)
    jobs = set(ix.job_certs) | {h for h in ix.has if is_rome_job(h)}
    for j in jobs:
        code = local_name(j)
        ix.job_nodes[j] = Certification(j, ix.labels.get(j, ""), (code,), "MetierROME", (j,))
    if alignments is None:
        alignments = load_alignments(store)
    else:  # as the graph keeps them: the score as its 4-decimal literal, no texts
        alignments = [Alignment(a.a, a.b, float(f"{a.score:.4f}"), a.method) for a in alignments]
    ix.alignments = sorted(alignments, key=lambda a: (a.a, a.b, a.method))
    for al in ix.alignments:
        al.a_label = ix.labels.get(al.a, "")
        al.b_label = ix.labels.get(al.b, "")
    return ix


def _read_links(store: Store, cat: Catalog, ix: CompetenceIndex) -> None:
    """Who holds which competences, blocs and référentiels, and which ROME jobs."""
    it = _cache.iter_triples
    for h, _p, c, _l, _g, is_iri in it(store, COMPETENCE_PROPERTIES):
        if is_iri:
            ix.has[h].add(c)
    for h, _p, x, _l, _g, is_iri in it(store, CONTAINER_PROPERTIES):
        if is_iri:
            ix.containers[h].add(x)
    for c, _p, j, _l, _g, is_iri in it(store, (CQ + "romeJob",)):
        if is_iri:
            ix.jobs[c].add(j)
            ix.job_certs[j].add(cat.canonical.get(c, c))


def _declared_classes(store: Store, competences: set[str]) -> dict[str, str]:
    """competence -> its declared class (exactMatch, sameAs: union-find, a class is undirected)."""
    part = Partition()
    for a, _p, b, _l, _g, is_iri in _cache.iter_triples(store, (SKOS + "exactMatch", OWL + "sameAs")):
        if is_iri and (a in competences or b in competences):
            part.union(a, b, keep=_rome_first)
    declared = {x: part.find(x) for x in list(part.parent)}
    for c in competences:
        declared.setdefault(c, c)
    return declared


def _rome_first(a: str, b: str) -> str:
    """The root of a declared class: a ROME competence when there is one, else the first IRI."""
    return min(a, b, key=lambda x: (not x.startswith(ROME_COMPETENCE), x))


def _labels(store: Store, wanted: set[str]) -> dict[str, str]:
    """The label of each wanted resource (skos:prefLabel before rdfs:label, per language)."""
    labels: dict[str, list[LabelCandidate]] = defaultdict(list)
    for x, p, lab, lang, _g, is_iri in _cache.iter_triples(store, (SKOS + "prefLabel", RDFS + "label")):
        if x in wanted and not is_iri:
            labels[x].append(LabelCandidate(lab, lang, 0 if p == SKOS + "prefLabel" else 1))
    return {x: choose_label(ls) for x, ls in labels.items()}


def competence_texts(store: Store, scope: str = "certifications") -> tuple[dict, dict, dict]:
    """Free-text competences to align: (competence -> text, competence -> holders, declared class).

    scope "certifications": competences held by certifications (directly, through blocs or
    référentiels), not those of the ROME and ESCO reference lists; "all": every competence.
    """
    if scope not in ("certifications", "all"):
        raise InputError(f"périmètre inconnu « {scope} »", field="--scope", expected="certifications, all")
    ix = load_index(store)
    cat = load_catalog(store)
    owners: dict[str, set[str]] = defaultdict(set)
    for member, node in cat.canonical.items():
        for c in ix.holder_competences(member):
            owners[c].add(node)
    if scope == "all":
        for h, cs in ix.has.items():
            for c in cs:
                owners[c].add(cat.canonical.get(h, h))
    texts = {c: ix.labels[c] for c in owners if ix.labels.get(c)}
    return texts, dict(owners), ix.declared


# ---------------------------------------------------------------- resolution


def resolve_subject(store: Store, text: str) -> Certification:
    """A certification (code, sigle, IRI) or a ROME job (code such as H2102, or IRI)."""
    cat = load_catalog(store)
    ix = load_index(store)
    key = text.strip().strip("<>")
    for cand in (key, ROME_JOB + key.upper()):
        if cand in ix.job_nodes:
            return ix.job_nodes[cand]
    try:
        return cat.resolve(text)
    except NotFoundError as exc:
        near = [n.display() for j, n in ix.job_nodes.items() if fold(local_name(j)).startswith(fold(key)[:3])]
        raise NotFoundError(
            str(exc).split(" — ")[0], exc.suggestions + near[:3], query=exc.query, ambiguous=exc.ambiguous
        ) from None


def branch_members(store: Store, branch: str) -> tuple[str, list[Certification]]:
    """The certifications of a branch given by IDCC, slug, label or IRI."""
    cat = load_catalog(store)
    b = cat.resolve_branch(branch)
    if b is None:
        near = sorted(
            {
                f"{local_name(x)} ({cat.branch(x).label})"
                for k, x in cat.branch_keys.items()
                if fold(branch) in k or k.startswith(fold(branch)[:3])
            }
        )
        raise NotFoundError(
            f"aucune branche « {branch} » (IDCC, identifiant ou libellé)", near[:6], query=branch
        )
    nodes = sorted(g for g, bs in cat.adopted_by.items() if b in bs)
    return b, [cat.certification(n) for n in nodes]


# ---------------------------------------------------------------- socle


def _class_members(competences: dict[str, str], classes: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for c in competences:
        out[classes.get(c, c)].append(c)
    return out


def _join(declared: dict[str, str], pairs: list[Alignment]) -> dict[str, str]:
    """Declared classes, joined by the computed pairs (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        x = declared.get(x, x)
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for al in pairs:
        ra, rb = find(al.a), find(al.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    out = dict(declared)
    for al in pairs:
        out[al.a], out[al.b] = find(al.a), find(al.b)
    for x in list(out):
        out[x] = find(x)
    return out


def _shared_item(
    ix: CompetenceIndex, key: str, holders: dict[str, list[CompetenceRef]], pairs: list[Alignment]
) -> SharedCompetence:
    members = {c.iri for cs in holders.values() for c in cs}
    if len(members) == 1:
        basis = "identique"
    elif len({ix.declared.get(m, m) for m in members}) == 1:
        basis = "déclarée"
    else:
        basis = "calculée"
    used = [a for a in pairs if a.a in members and a.b in members] if basis == "calculée" else []
    rome = sorted(m for m in members | {key} if m.startswith(ROME_COMPETENCE))
    name = rome[0] if rome else key
    wording = Counter(c.label for cs in holders.values() for c in cs)
    label = ix.labels.get(name) or wording.most_common(1)[0][0]
    return SharedCompetence(key, label, ix.codes.get(name, ""), holders, basis, used)


@dataclass
class _Subjects:
    """The certifications a socle compares: those named, then those of a branch."""

    nodes: list[Certification]
    branch: str | None = None
    notes: list[str] = field(default_factory=list)


def _subjects(store: Store, items: list[str] | tuple[str, ...], branch: str | None) -> _Subjects:
    out = _Subjects([])
    cat = load_catalog(store)
    for x in items:  # each item as typed: one or several codes, sigles, labels (catalog.resolve_list)
        for n in cat.resolve_list(x, one=lambda t: resolve_subject(store, t)):
            if n.iri not in {m.iri for m in out.nodes}:
                out.nodes.append(n)
    if branch:
        out.branch, members = branch_members(store, branch)
        for n in members:
            if n.iri not in {m.iri for m in out.nodes}:
                out.nodes.append(n)
        label = load_catalog(store).branch(out.branch).label
        out.notes.append(f"branche {label} : {len(members)} certification(s)")
    if not out.nodes:
        raise InputError("donnez au moins une certification ou --branch", field="socle")
    return out


def share_threshold(n_nodes: int, min_share: int | None, whole_branch: bool) -> int:
    """How many of the n nodes must hold a competence class: all of them by default, two for a
    branch given alone (a branch's certifications rarely share anything all together)."""
    default = min(2, n_nodes) if whole_branch else n_nodes
    return max(1, min(min_share or default, n_nodes))


@dataclass
class _Membership:
    """Each node's competences (with the resource they come through) grouped by class."""

    ix: CompetenceIndex
    vias: dict[str, dict[str, str]]  # node -> competence -> via
    per_node: dict[str, dict[str, list[str]]]  # node -> class key -> competences
    text: TextClasses | None  # the computed text matches, when asked for

    def ref(self, node: str, comp: str) -> CompetenceRef:
        r = self.ix.ref(comp, self.vias[node][comp])
        r.label = r.label or (self.text.labels.get(comp, "") if self.text else "")
        return r

    @property
    def pairs(self) -> list[Alignment]:
        return self.text.pairs if self.text else []


def _membership(
    store: Store, ix: CompetenceIndex, nodes: list[Certification], computed: bool, threshold: float
) -> _Membership:
    classes, text = ix.declared, None
    if computed:
        text = text_classes(store, [(n.iri, list(n.members)) for n in nodes], threshold)
        classes = _join(ix.declared, text.pairs)
    vias = {n.iri: {**ix.node_competences(n), **(text.units.get(n.iri, {}) if text else {})} for n in nodes}
    per_node = {n.iri: _class_members(vias[n.iri], classes) for n in nodes}
    return _Membership(ix, vias, per_node, text)


def _shared_competences(mem: _Membership, k: int) -> list[SharedCompetence]:
    """The classes held by at least k nodes, most shared first, then by label."""
    counts: Counter[str] = Counter()
    for cm in mem.per_node.values():
        counts.update(cm.keys())
    shared = []
    for key, c in counts.items():
        if c < k:
            continue
        holders = {n: [mem.ref(n, m) for m in sorted(cm[key])] for n, cm in mem.per_node.items() if key in cm}
        shared.append(_shared_item(mem.ix, key, holders, mem.pairs))
    shared.sort(key=lambda s: (-s.share, fold(s.label)))
    return shared


def _specific(mem: _Membership, shared: list[SharedCompetence]) -> dict[str, list[CompetenceRef]]:
    """Each node's competences outside the shared classes."""
    keys = {s.key for s in shared}
    return {
        n: [mem.ref(n, m) for key, ms in sorted(cm.items()) if key not in keys for m in ms]
        for n, cm in mem.per_node.items()
    }


def _overlaps(nodes: list[Certification], per_node: dict[str, dict[str, list[str]]]) -> list[PairOverlap]:
    pairs = []
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            sa, sb = set(per_node[a.iri]), set(per_node[b.iri])
            pairs.append(PairOverlap(a.iri, b.iri, len(sa & sb), len(sa), len(sb)))
    return pairs


def _socle_notes(
    nodes: list[Certification], sizes: dict[str, int], mem: _Membership, branches: dict[str, list[str]]
) -> list[str]:
    """What a reader must know to read the result: empty nodes, no text, a CQPI's own socle."""
    notes = [
        f"{n.codes[0] if n.codes else n.label} : aucune compétence connue dans le graphe"
        for n in nodes
        if not sizes[n.iri]
    ]
    if mem.text is not None and not any(mem.text.units.values()):
        notes.append("aucun texte de compétence (bloc, capacité) pour ces certifications")
    if len(nodes) == 1 and nodes[0].kind == "CQPI":
        adopters = branches.get(nodes[0].iri) or []
        notes.append(
            "socle commun du CQPI : ses capacités sont communes aux branches qui l'ont adopté"
            + (f" ({', '.join(adopters)})" if adopters else "")
        )
    return notes


def socle(
    store: Store,
    items: list[str] | tuple[str, ...] = (),
    *,
    min_share: int | None = None,
    branch: str | None = None,
    computed: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
) -> SocleResult:
    """The competences the given certifications share (all of them, or at least min_share)."""
    cat = load_catalog(store)
    subjects = _subjects(store, items, branch)
    nodes = subjects.nodes
    k = share_threshold(len(nodes), min_share, bool(branch) and not items)
    mem = _membership(store, load_index(store), nodes, computed, threshold)
    shared = _shared_competences(mem, k)
    sizes = {n.iri: len(mem.per_node[n.iri]) for n in nodes}
    branches = {n.iri: _branch_labels(cat, n.iri) for n in nodes}
    return SocleResult(
        nodes,
        sizes,
        k,
        shared,
        _overlaps(nodes, mem.per_node),
        _specific(mem, shared),
        computed,
        threshold if computed else None,
        subjects.branch,
        branches,
        subjects.notes + _socle_notes(nodes, sizes, mem, branches),
    )


# ---------------------------------------------------------------- similar


def similar(
    store: Store,
    x: str,
    top: int = 10,
    *,
    kind: str = "all",
    computed: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
) -> SimilarResult:
    """The `top` certifications or ROME jobs sharing the most competences with x."""
    ix = load_index(store)
    cat = load_catalog(store)
    subject = resolve_subject(store, x)
    classes = ix.classes(computed, threshold)
    own = ix.node_competences(subject)
    own_classes: dict[str, str] = {}
    for c in own:
        own_classes.setdefault(classes.get(c, c), c)
    own_set = set(own_classes)
    # shared classes per candidate: through ROME jobs (overlap computed once per job), then
    # through competences held directly (an inverted index built once per generation)
    shared_sets: dict[str, set[str]] = defaultdict(set)
    for j in ix.job_nodes:
        ov = {classes.get(c, c) for c in ix.has.get(j, ())} & own_set
        if ov:
            shared_sets[j] |= ov
            for cert in ix.job_certs.get(j, ()):
                shared_sets[cert] |= ov
    direct = _direct_inverted(ix, cat, classes)
    for k in own_set:
        for cert in direct.get(k, ()):
            shared_sets[cert].add(k)
    shared_sets.pop(subject.iri, None)
    # exact ranking: every candidate with at least as many shared as the top-th one
    wanted = []
    for cand, sh in shared_sets.items():
        is_job = cand in ix.job_nodes
        if (kind == "certification" and is_job) or (kind == "rome" and not is_job):
            continue
        wanted.append((len(sh), cand))
    wanted.sort(reverse=True)
    cut = wanted[top - 1][0] if len(wanted) >= top else 0
    items = []
    for n_shared, cand in wanted:
        if n_shared < cut:
            break
        node = ix.job_nodes.get(cand) or cat.get(cand)
        if node is None:
            continue
        size = len({classes.get(c, c) for c in ix.node_competences(node)})
        union = len(own_set) + size - n_shared
        evidence = sorted((ix.ref(own_classes[k]) for k in shared_sets[cand]), key=lambda r: fold(r.label))
        items.append(SimilarItem(node, n_shared, size, n_shared / union if union else 0.0, evidence))
    items.sort(key=lambda i: (-i.shared, -i.jaccard, i.node.code))
    return SimilarResult(subject, len(own_classes), items[:top], computed, threshold if computed else None)


def _branch_labels(cat: Catalog, node: str) -> list[str]:
    return sorted({cat.branch(b).label for b in cat.adopted_by.get(node, ())})


def _direct_inverted(ix: CompetenceIndex, cat: Catalog, classes: dict[str, str]) -> dict[str, set[str]]:
    """competence class -> certification nodes holding it themselves (not through a ROME job)."""
    key = ("direct-inverted", id(classes))
    if key not in ix._memo:
        inv: dict[str, set[str]] = defaultdict(set)
        for member, node in cat.canonical.items():
            if member in ix.has or member in ix.containers:
                for c in ix.holder_competences(member):
                    inv[classes.get(c, c)].add(node)
        ix._memo[key] = (classes, inv)  # keep classes alive so that id() stays unique
    return ix._memo[key][1]  # type: ignore[index]


# ---------------------------------------------------------------- CQPI candidates


def cqpi_candidates(
    store: Store,
    *,
    min_jaccard: float = 0.3,
    min_branches: int = 2,
    computed: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[CandidateGroup]:
    """Groups of CQP of at least `min_branches` branches whose competences overlap (Jaccard)."""
    ix = load_index(store)
    cat = load_catalog(store)
    classes = ix.classes(computed, threshold)
    cqps = [cert for g in cat.groups() if (cert := cat.certification(g)).kind in CQP_KINDS]
    sets: dict[str, set[str]] = {}
    branch_of: dict[str, set[str]] = {}
    for cqp in cqps:
        comps = {classes.get(c, c) for c in ix.node_competences(cqp)}
        bs = set(cat.adopted_by.get(cqp.iri, ()))
        if comps and bs:
            sets[cqp.iri], branch_of[cqp.iri] = comps, bs
    inv: dict[str, set[str]] = defaultdict(set)
    for n, cs in sets.items():
        for c in cs:
            inv[c].add(n)
    part = Partition(sets)
    jaccards: dict[tuple[str, str], float] = {}
    for a in sorted(sets):
        counts: Counter[str] = Counter()
        for c in sets[a]:
            counts.update(b for b in inv[c] if b > a)
        for b, shared in counts.items():
            if branch_of[a] == branch_of[b]:
                continue  # same branch(es): not an inter-branch candidate
            j = shared / (len(sets[a]) + len(sets[b]) - shared)
            if j + 1e-9 >= min_jaccard:
                jaccards[(a, b)] = j
                part.union(a, b)
    out = []
    for members in part.groups().values():
        if len(members) < 2:
            continue
        bs = set().union(*(branch_of[m] for m in members))
        if len(bs) < min_branches:
            continue
        res = socle(store, sorted(members), computed=computed, threshold=threshold)
        js = [j for (a, b), j in jaccards.items() if a in members and b in members]
        out.append(
            CandidateGroup(
                res.nodes, res.branches, res.shared, res.specific, sum(js) / len(js) if js else 0.0
            )
        )
    out.sort(key=lambda g: (-len(g.branches), -g.mean_jaccard, -len(g.core)))
    return out


__all__ = [
    "CandidateGroup",
    "CompetenceIndex",
    "CompetenceRef",
    "PairOverlap",
    "SharedCompetence",
    "SimilarItem",
    "SimilarResult",
    "SocleResult",
    "branch_members",
    "competence_texts",
    "cqpi_candidates",
    "load_index",
    "resolve_subject",
    "similar",
    "socle",
]
