"""The catalog: what a certification is, how it is named, coded and grouped, in one place.

Built once per store generation (`load_catalog`, cached in memory and beside the generation):

* certification classes come from the ontology (`rdfs:subClassOf* cq:Certification`), the most
  specific class giving a certification's kind;
* identifiers group by `cq:sameCertification` (decided by the correspondence rule of
  `catalog.sameness`, or curated): a group is one certification with several codes;
* a group's IRI is its curated member, else its RNCP/RS fiche, else its BCN code, else the
  smallest IRI; its label is chosen by `labels.choose_label` over its members' labels, curated
  wording first, then the registry title, then the BCN label;
* status (active or not, partial validation) comes from the RNCP export, else from the kit.

paths, socle, similar, the exports, validation messages and the web view read certifications here.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from .. import _cache
from ..errors import NotFoundError
from ..namespaces import CQ, ID, RDF, RDFS, Graphs
from ..partition import Partition
from ..store import Store
from ..store.base import Object
from .labels import (
    ABBREVIATION,
    CODE_PROPERTIES,
    LABEL_PROPERTIES,
    LabelCandidate,
    choose_label,
    fold,
    local_name,
    property_rank,
)

LANGUAGES = ("fr", "en")
CACHE_NAME = "catalog-3"  # the name its pickle is kept under: changed when its layout or label rule changes
_LIST_SEPARATORS = re.compile(r"[,;\n]+")
_WORD = re.compile(r"\w+")
_KIND_TAG = re.compile(r"^\[[^\]]*\]")
CERTIFICATION = CQ + "Certification"
RDF_TYPE = RDF + "type"
# Members of a group, preferred first for its IRI and its label (curated data, then registries).
MEMBER_ORDER = (ID + "cqpi/", ID + "cqpm/", ID + "cqp/", ID + "cert/", ID + "bcn/")
# Links whose ends are certifications even when nothing else is known of them.
ENDPOINT_PROPERTIES = (
    CQ + "replacedBy",
    CQ + "replaces",
    CQ + "identifierCorrespondsTo",
    CQ + "sameCertification",
)
STATEMENT_ENDS = (CQ + "fromCertification", CQ + "toCertification")
STATUS_GRAPHS = (Graphs.imported("rncp"), Graphs.CURATED, Graphs.imported("kit"))


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Status:
    """Whether a certification can still be obtained, and who says so."""

    active: bool | None  # None: no source says
    source: str = ""  # the named graph the value comes from
    end_date: str | None = None
    partial_validation: bool | None = None

    def to_dict(self) -> dict:
        return {
            "active": self.active,
            "source": self.source,
            "end_date": self.end_date,
            "partial_validation": self.partial_validation,
        }


@dataclass(frozen=True)
class Certification:
    """One certification as every page shows it (a group of identifiers), in one language."""

    iri: str
    label: str
    codes: tuple[str, ...]
    kind: str  # local name of the most specific class, "" when untyped
    members: tuple[str, ...]
    level: int | None = None
    status: Status = field(default_factory=lambda: Status(None))

    @property
    def code(self) -> str:
        return self.codes[0] if self.codes else local_name(self.iri)

    def display(self) -> str:
        codes = " / ".join(self.codes) or local_name(self.iri)
        kind = f" [{self.kind}]" if self.kind else ""
        return f"{codes}{kind} {self.label}".strip()

    def to_dict(self) -> dict:
        return {
            "iri": self.iri,
            "label": self.label,
            "codes": list(self.codes),
            "kind": self.kind,
            "members": list(self.members),
            "level": self.level,
            "status": self.status.to_dict(),
        }


@dataclass(frozen=True)
class Bloc:
    iri: str
    code: str = ""
    label: str = ""

    def display(self) -> str:
        return " ".join(x for x in (self.code, self.label) if x) or local_name(self.iri)

    def to_dict(self) -> dict:
        return {"iri": self.iri, "code": self.code, "label": self.label}


@dataclass(frozen=True)
class Branch:
    iri: str
    label: str
    idcc: str = ""

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label, "idcc": self.idcc}


@dataclass
class _Node:
    """What the catalog keeps of one group (language-independent)."""

    iri: str
    members: tuple[str, ...]
    codes: tuple[str, ...]
    kind: str
    labels: dict[str, str]
    level: int | None
    status: Status
    blocs: tuple[str, ...] = ()
    languages: frozenset[str] = frozenset()  # the languages its labels are in (untagged: fr)


# ---------------------------------------------------------------- the catalog


class Catalog:
    """Certifications, blocs and branches of one store generation, with their lookups."""

    def __init__(self) -> None:
        self.classes: dict[str, int] = {}  # certification class -> depth under cq:Certification
        self.canonical: dict[str, str] = {}  # member IRI -> group IRI
        self._nodes: dict[str, _Node] = {}
        self._blocs: dict[str, tuple[str, dict[str, str]]] = {}  # bloc -> (code, labels by lang)
        self.bloc_owners: dict[str, set[str]] = defaultdict(set)  # bloc -> group IRIs
        self._branches: dict[str, tuple[str, dict[str, str]]] = {}  # branch -> (idcc, labels)
        self.branch_keys: dict[str, str] = {}  # folded IDCC / slug / label -> branch IRI
        self.adopted_by: dict[str, set[str]] = defaultdict(set)  # group IRI -> branch IRIs
        self.code_index: dict[str, set[str]] = defaultdict(set)  # folded code -> group IRIs
        self._folded_labels: dict[str, str] = {}
        self._label_words: dict[str, frozenset[str]] | None = None

    # -- certifications
    def __contains__(self, iri: object) -> bool:
        return iri in self.canonical

    def __len__(self) -> int:
        return len(self._nodes)

    def group_of(self, iri: str) -> str | None:
        """The IRI of the certification a member IRI belongs to (None: not a certification)."""
        return self.canonical.get(iri)

    def groups(self) -> Iterator[str]:
        return iter(self._nodes)

    def certification(self, iri: str, lang: str = "fr") -> Certification:
        n = self._nodes[self.canonical[iri]]
        return Certification(
            n.iri, _in_language(n.labels, lang), n.codes, n.kind, n.members, n.level, n.status
        )

    def get(self, iri: str, lang: str = "fr") -> Certification | None:
        return self.certification(iri, lang) if iri in self.canonical else None

    def blocs_of(self, iri: str) -> tuple[str, ...]:
        return self._nodes[self.canonical[iri]].blocs

    def titles(self, iri: str) -> dict[str, str]:
        """A certification's label in each language it has one in (what exports write with a
        language tag): the same text as `label` in that language."""
        n = self._nodes[self.canonical[iri]]
        return {lang: n.labels[lang] for lang in LANGUAGES if lang in n.languages}

    def label(self, iri: str, lang: str = "fr") -> str:
        """The label of a certification, bloc or branch of the catalog ("" when unknown)."""
        if iri in self.canonical:
            return _in_language(self._nodes[self.canonical[iri]].labels, lang)
        if iri in self._blocs:
            return _in_language(self._blocs[iri][1], lang)
        if iri in self._branches:
            return _in_language(self._branches[iri][1], lang)
        return ""

    # -- blocs and branches
    def bloc(self, iri: str, lang: str = "fr") -> Bloc:
        code, labels = self._blocs.get(iri, ("", {}))
        return Bloc(iri, code or local_name(iri), _in_language(labels, lang))

    def is_bloc(self, iri: str) -> bool:
        return iri in self._blocs

    def branch(self, iri: str, lang: str = "fr") -> Branch:
        idcc, labels = self._branches.get(iri, ("", {}))
        return Branch(iri, _in_language(labels, lang) or local_name(iri), idcc)

    def branches(self) -> list[str]:
        return sorted(self._branches)

    def resolve_branch(self, text: str) -> str | None:
        """A branch by IDCC, identifier, label or IRI (None when nothing matches)."""
        key = text.strip().strip("<>")
        if key in self._branches:
            return key
        if key.isdigit():
            key = key.zfill(4)
        return self.branch_keys.get(fold(key))

    # -- resolution
    def resolve(self, text: str, lang: str = "fr") -> Certification:
        """A certification by code (RNCP36429, RS6117, 50022003, CEI…) or IRI.

        Raises NotFoundError with near matches (codes and labels) when nothing, or more than one
        certification, matches.
        """
        key = text.strip()
        iri = key[1:-1] if key.startswith("<") and key.endswith(">") else key
        if iri in self.canonical:
            return self.certification(iri, lang)
        if iri.startswith("http"):
            raise NotFoundError(
                f"aucune certification d'IRI <{iri}>", self.suggest(local_name(iri)), query=key
            )
        hits = self.code_index.get(fold(key), set()) or self._by_label(key)
        if len(hits) == 1:
            return self.certification(next(iter(hits)), lang)
        if len(hits) > 1:
            names = sorted(self.certification(h, lang).display() for h in hits)
            raise NotFoundError(
                f"« {key} » désigne plusieurs certifications", names[:8], query=key, ambiguous=True
            )
        raise NotFoundError(
            f"aucune certification de code ou d'intitulé « {key} »", self.suggest(key), query=key
        )

    def _by_label(self, text: str) -> set[str]:
        """Certifications named by a typed label: the same label (accents and case folded), else —
        two words or more — the labels holding every word; a suggestion as displayed (« CODE
        [kind] label ») by its code."""
        q = fold(text)
        shown = self._as_displayed(q)
        if shown:
            return shown
        same = {n for n, lab in self._folded_labels.items() if lab == q}
        words = set(_WORD.findall(q))
        if same or len(words) < 2:
            return same
        return {n for n, ws in self._words_of_labels().items() if words <= ws}

    def _words_of_labels(self) -> dict[str, frozenset[str]]:
        """Each label's words, built on the first label typed (a catalog read back from the
        generation's cache has not got them yet)."""
        found = getattr(self, "_label_words", None)
        if found is None:
            found = self._label_words = {
                n: frozenset(_WORD.findall(lab)) for n, lab in self._folded_labels.items()
            }
        return found

    def _as_displayed(self, q: str) -> set[str]:
        """« CODE [kind] label » (or « CODE label »), as pages and suggestions show a certification:
        the certification of that code whose label starts with the rest."""
        code, _, rest = q.partition(" ")
        rest = _KIND_TAG.sub("", rest).strip()
        if not rest:
            return set()
        return {n for n in self.code_index.get(code, ()) if self._folded_labels.get(n, "").startswith(rest)}

    def resolve_list(
        self, text: str, lang: str = "fr", one: Callable[[str], Certification] | None = None
    ) -> list[Certification]:
        """Several certifications as a person types them: separated by commas, semicolons or line
        breaks; within a part, the whole part (a label, a code), else each word as a code.
        `one` resolves one part (default: `resolve`; socle also takes ROME jobs).

        Raises NotFoundError (with near matches) for the first part that names nothing."""
        resolve = one or (lambda t: self.resolve(t, lang))
        out: dict[str, Certification] = {}
        for part in (p.strip() for p in _LIST_SEPARATORS.split(text)):
            if not part:
                continue
            try:
                found = [resolve(part)]
            except NotFoundError as whole:
                tokens = part.split()
                if len(tokens) < 2:
                    raise
                try:
                    found = [resolve(t) for t in tokens]
                except NotFoundError:
                    raise whole from None
            for c in found:
                out.setdefault(c.iri, c)
        return list(out.values())

    def suggest(self, text: str, limit: int = 6, lang: str = "fr") -> list[str]:
        """Near matches by code (prefix, then edit distance) and by label words."""
        q = fold(text)
        if not q:
            return []
        found: list[str] = []
        codes = list(self.code_index)
        prefixed = sorted(c for c in codes if c.startswith(q) or (q.startswith(c) and len(c) > 3))
        close = difflib.get_close_matches(q, codes, n=limit, cutoff=0.6) if len(codes) < 60_000 else []
        for c in [*prefixed[:limit], *close]:
            found.extend(sorted(self.code_index[c]))
        if len(q) >= 3:
            words = q.split()
            for node, lab in self._folded_labels.items():
                if all(w in lab for w in words):
                    found.append(node)
                    if len(found) > 4 * limit:
                        break
        out: list[str] = []
        for node in found:
            d = self.certification(node, lang).display()
            if d not in out:
                out.append(d)
            if len(out) >= limit:
                break
        return out


def _in_language(labels: dict[str, str], lang: str) -> str:
    return labels.get(lang) or labels.get("fr") or next(iter(labels.values()), "")


# ---------------------------------------------------------------- building it


def load_catalog(store: Store) -> Catalog:
    """The catalog of the store's current generation (built once, then cached)."""
    return _cache.cached(CACHE_NAME, store, build_catalog)


def certification_classes(store: Store) -> dict[str, int]:
    """Every subclass of cq:Certification in the ontology, with its depth (cq:Certification: 0)."""
    parents: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, RDFS + "subClassOf", None, None):
        if isinstance(q.object, ox.NamedNode):
            parents[q.subject].add(q.object.value)
    depth = {CERTIFICATION: 0, CQ + "FicheRegistre": 0}

    def walk(c: str, seen: frozenset[str]) -> int | None:
        if c in depth:
            return depth[c]
        found = [d for p in parents.get(c, ()) if p not in seen and (d := walk(p, seen | {c})) is not None]
        return max(found) + 1 if found else None

    for c in list(parents):
        d = walk(c, frozenset())
        if d is not None:
            depth[c] = d
    return depth


def _objects(
    store: Store, predicates: Iterable[str], graphs: Iterable[str] | None = None
) -> Iterator[tuple[str, str, str, Object]]:
    """(subject, predicate, graph, object term) of every quad with one of the predicates, in the
    given named graphs (default: all)."""
    for p in predicates:
        for g in [None] if graphs is None else sorted(graphs):
            for q in store.quads_for_pattern(None, p, None, g):
                yield q.subject, p, q.graph, q.object


def _typed(store: Store, classes: Iterable[str]) -> tuple[dict[str, set[str]], set[str]]:
    """Resources of the given classes with their classes, and the graphs that type them (where
    their labels and codes are read: not the ROME or ESCO graphs of a national store)."""
    kinds: dict[str, set[str]] = defaultdict(set)
    graphs: set[str] = set()
    for c in classes:
        for q in store.quads_for_pattern(None, RDF_TYPE, c, None):
            if not q.subject.startswith("_:"):
                kinds[q.subject].add(c)
                graphs.add(q.graph)
    graphs.discard(Graphs.INFERRED)
    return kinds, graphs


def _members(store: Store, classes: dict[str, int]) -> tuple[dict[str, set[str]], set[str]]:
    """Certification resources and their classes, and the graphs that describe them; untyped
    ends of succession and crosswalk links count too (a fiche an export refers to only)."""
    kinds, graphs = _typed(store, classes)
    for s, _p, _g, o in _objects(store, ENDPOINT_PROPERTIES):
        kinds.setdefault(s, set())
        if isinstance(o, ox.NamedNode):
            kinds.setdefault(o.value, set())
    return kinds, graphs


def _groups(store: Store, members: Iterable[str]) -> dict[str, list[str]]:
    part = Partition(members)
    for s, _p, _g, o in _objects(store, (CQ + "sameCertification",)):
        if s in part and o.value in part:
            part.union(s, o.value, keep=min)
    return part.groups()


def member_rank(iri: str) -> int:
    for i, prefix in enumerate(MEMBER_ORDER):
        if iri.startswith(prefix):
            return i
    return len(MEMBER_ORDER)


def _label_candidates(
    store: Store, wanted: set[str], graphs: Iterable[str] | None = None
) -> dict[str, list[LabelCandidate]]:
    out: dict[str, list[LabelCandidate]] = defaultdict(list)
    for s, p, _g, o in _objects(store, LABEL_PROPERTIES, graphs):
        if s in wanted and isinstance(o, ox.Literal):
            out[s].append(LabelCandidate(o.value, o.language, property_rank(p)))
    return out


def _codes(
    store: Store, wanted: set[str], graphs: Iterable[str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    codes: dict[str, list[str]] = defaultdict(list)
    abbreviations: dict[str, list[str]] = defaultdict(list)
    for s, p, _g, o in _objects(store, (*CODE_PROPERTIES, ABBREVIATION), graphs):
        if s not in wanted or not isinstance(o, ox.Literal):
            continue
        slot = abbreviations if p == ABBREVIATION else codes
        value = o.value
        if value not in slot[s]:
            slot[s].append(value)
    return codes, abbreviations


def member_levels(store: Store, wanted: set[str] | None = None) -> dict[str, set[int]]:
    """Levels (1-8) of resources: their own cq:level, else, for a BCN code, the level of its
    diploma-level prefix (the first three characters, nomenclature N_NIVEAU_FORMATION_DIPLOME)."""
    levels: dict[str, set[int]] = defaultdict(set)
    for s, _p, _g, o in _objects(store, (CQ + "level",)):
        tail = o.value.rsplit("/", 1)[-1]
        if tail.isdigit() and (wanted is None or s in wanted or s.startswith(ID + "bcn-niveau/")):
            levels[s].add(int(tail))
    prefix_levels = {
        s[len(ID + "bcn-niveau/") :]: lv for s, lv in levels.items() if s.startswith(ID + "bcn-niveau/")
    }
    if prefix_levels:
        for s in wanted or ():
            if s.startswith(ID + "bcn/") and not levels.get(s):
                lv = prefix_levels.get(s[len(ID + "bcn/") :][:3])
                if lv:
                    levels[s] = set(lv)
    return {s: lv for s, lv in levels.items() if not s.startswith(ID + "bcn-niveau/")}


def _statuses(store: Store, wanted: set[str]) -> dict[str, Status]:
    active: dict[str, dict[str, bool]] = defaultdict(dict)  # member -> graph -> value
    partial: dict[str, bool] = {}
    ends: dict[str, str] = {}
    for s, p, g, o in _objects(store, (CQ + "active", CQ + "partialValidation", CQ + "endDate")):
        if s not in wanted:
            continue
        value = o.value
        if p == CQ + "endDate":
            ends[s] = max(ends.get(s, value), value)
        elif p == CQ + "active":
            active[s][g] = value == "true"
        else:
            partial[s] = value == "true"
    out = {}
    for s in wanted:
        by_graph = active.get(s, {})
        source = next((g for g in STATUS_GRAPHS if g in by_graph), next(iter(sorted(by_graph)), ""))
        out[s] = Status(by_graph.get(source) if source else None, source, ends.get(s), partial.get(s))
    return out


def _group_status(members: list[str], statuses: dict[str, Status]) -> Status:
    """The status of a group: its members' declared values, the most trusted source first."""
    own = [statuses[m] for m in members]
    ends = [st.end_date for st in own if st.end_date]
    end = max(ends) if ends else None
    partial = next((st.partial_validation for st in own if st.partial_validation is not None), None)
    known = [st for st in own if st.active is not None]
    if not known:
        return Status(None, "", end, partial)
    first = min(known, key=lambda st: STATUS_GRAPHS.index(st.source) if st.source in STATUS_GRAPHS else 9)
    return Status(first.active, first.source, end, partial)


def build_catalog(store: Store) -> Catalog:
    cat = Catalog()
    cat.classes = certification_classes(store)
    kinds, graphs = _members(store, cat.classes)
    blocs, bloc_graphs = _bloc_owners(store)
    for b in blocs:
        kinds.pop(b, None)
    groups = _groups(store, kinds)
    wanted = set(kinds) | set(blocs)
    graphs |= bloc_graphs | {Graphs.CURATED}
    labels = _label_candidates(store, wanted, graphs)
    codes, abbreviations = _codes(store, wanted, graphs)
    levels = member_levels(store, set(kinds))
    statuses = _statuses(store, set(kinds))
    for members in groups.values():
        members.sort(key=lambda m: (member_rank(m), m))
        _add_group(cat, members, kinds, labels, codes, abbreviations, levels, statuses)
    _add_blocs(cat, blocs, labels, codes)
    _add_branches(store, cat)
    return cat


def _add_group(
    cat: Catalog,
    members: list[str],
    kinds: dict[str, set[str]],
    labels: dict[str, list[LabelCandidate]],
    codes: dict[str, list[str]],
    abbreviations: dict[str, list[str]],
    levels: dict[str, set[int]],
    statuses: dict[str, Status],
) -> None:
    iri = members[0]
    node_codes: list[str] = []
    node_abbr: list[str] = []
    candidates: list[LabelCandidate] = []
    classes: set[str] = set()
    for i, m in enumerate(members):
        node_codes += [c for c in codes.get(m, []) if c not in node_codes]
        node_abbr += [c for c in abbreviations.get(m, []) if c not in node_abbr]
        # the member's order first: a curated wording, then the registry title, then BCN's
        candidates += [LabelCandidate(c.value, c.lang, i * 10 + c.rank) for c in labels.get(m, [])]
        classes |= kinds.get(m, set())
    if not node_codes:  # a sigle (CEI, CSPA) is the code of what has no official one
        node_codes, node_abbr = node_abbr, []
    typed = [c for c in classes if c in cat.classes]
    kind = local_name(max(typed, key=lambda c: (cat.classes[c], c))) if typed else ""
    group_levels = {lv for m in members for lv in levels.get(m, ())}
    node = _Node(
        iri,
        tuple(members),
        tuple(node_codes),
        kind,
        {lang: choose_label(candidates, lang) for lang in LANGUAGES},
        next(iter(group_levels)) if len(group_levels) == 1 else None,
        _group_status(members, statuses),
        languages=frozenset((c.lang or "fr").split("-")[0].lower() for c in candidates if c.value.strip()),
    )
    cat._nodes[iri] = node
    cat._folded_labels[iri] = fold(node.labels["fr"])
    for m in members:
        cat.canonical[m] = iri
        cat.code_index[fold(local_name(m))].add(iri)
    for c in node_codes:
        cat.code_index[fold(c)].add(iri)


def _bloc_owners(store: Store) -> tuple[dict[str, set[str]], set[str]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for s, p, _g, o in _objects(store, (CQ + "hasBloc", CQ + "blocOf")):
        if not isinstance(o, ox.NamedNode):
            continue
        cert, bloc = (s, o.value) if p == CQ + "hasBloc" else (o.value, s)
        owners[bloc].add(cert)
    typed, graphs = _typed(store, (CQ + "BlocDeCompetences", CQ + "ModuleComplementaire"))
    for b in typed:
        owners.setdefault(b, set())
    return owners, graphs


def _add_blocs(
    cat: Catalog,
    owners: dict[str, set[str]],
    labels: dict[str, list[LabelCandidate]],
    codes: dict[str, list[str]],
) -> None:
    per_group: dict[str, list[str]] = defaultdict(list)
    for b, certs in owners.items():
        code = (codes.get(b) or [""])[0]
        cat._blocs[b] = (code, {lang: choose_label(labels.get(b, []), lang) for lang in LANGUAGES})
        for c in certs:
            g = cat.canonical.get(c)
            if g is not None:
                cat.bloc_owners[b].add(g)
                per_group[g].append(b)
    for g, bs in per_group.items():
        cat._nodes[g].blocs = tuple(sorted(set(bs), key=lambda b: (cat._blocs[b][0], b)))


def _add_branches(store: Store, cat: Catalog) -> None:
    typed, graphs = _typed(store, (CQ + "Branche",))
    branches = set(typed)
    labels = _label_candidates(store, branches, graphs | {Graphs.CURATED})
    idccs: dict[str, str] = {}
    for s, _p, _g, o in _objects(store, (CQ + "idcc",), graphs):
        if s in branches:
            idccs[s] = o.value
    for b in sorted(branches):
        names = {lang: choose_label(labels.get(b, []), lang) for lang in LANGUAGES}
        cat._branches[b] = (idccs.get(b, ""), names)
        for key in (b, local_name(b), idccs.get(b), *names.values(), *(c.value for c in labels.get(b, []))):
            if key:
                cat.branch_keys.setdefault(fold(key), b)
    for s, _p, _g, o in _objects(store, (CQ + "adoptedBy", CQ + "branch")):
        if o.value in branches and s in cat.canonical:
            cat.adopted_by[cat.canonical[s]].add(o.value)
