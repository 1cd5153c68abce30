"""Certification <-> certification from their texts: matched blocs, closest certifications, and
groups of certifications of different certifiers whose blocs overlap.

``match_certifications`` is the building block of gap estimates (issue 21): for a pair of
certifications it lists every pair (unit of A, unit of B) — blocs and capacities — whose texts
match, directly (cosine of the two texts) or through a competence of a reference list both align
with (a ROME savoir-faire or an ESCO skill: the lower of the two cosines), with the scores and
the reference competence as evidence. Everything here is computed, never declared.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .jobs import CertRef, cert_ref, ranked
from .model import REGISTRIES, TextModel, fold

MATCH_THRESHOLD = 0.5  # a bloc pair counts as shared from this score on
MIN_SHARED = 2  # a group needs at least this many matched blocs per pair (one bloc proves little)
SIMILAR_MIN = 0.05


@dataclass
class UnitRef:
    iri: str
    text: str
    kind: str  # corpus.UNIT_KINDS

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.text, "kind": self.kind}


@dataclass
class BlocMatch:
    """A unit (bloc, capacity) of A and a unit of B whose texts match."""

    a: UnitRef
    b: UnitRef
    direct: float  # cosine of the two texts
    via: UnitRef | None = None  # a ROME or ESCO competence both align with
    via_score: float = 0.0  # the lower of the two cosines with it

    @property
    def score(self) -> float:
        return max(self.direct, self.via_score)

    def to_dict(self) -> dict:
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "score": round(self.score, 4),
            "direct": round(self.direct, 4),
            "via": self.via.to_dict() if self.via else None,
            "via_score": round(self.via_score, 4),
        }


@dataclass
class CertificationMatch:
    a: CertRef
    b: CertRef
    a_units: list[UnitRef]
    b_units: list[UnitRef]
    similarity: float  # cosine of the two certifications' texts
    matches: list[BlocMatch]  # every pair at or above the threshold, best first
    threshold: float

    def covered(self, side: str = "b") -> list[UnitRef]:
        """The units of one side (a or b) matched by at least one unit of the other."""
        iris = {(m.b if side == "b" else m.a).iri for m in self.matches}
        return [u for u in (self.b_units if side == "b" else self.a_units) if u.iri in iris]

    @property
    def shared(self) -> int:
        """Pairs of a 1:1 matching (each unit used once, best scores first)."""
        return len(one_to_one(self.matches))

    @property
    def jaccard(self) -> float:
        union = len(self.a_units) + len(self.b_units) - self.shared
        return self.shared / union if union else 0.0

    def to_dict(self) -> dict:
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "similarity": round(self.similarity, 4),
            "threshold": self.threshold,
            "shared": self.shared,
            "jaccard": round(self.jaccard, 4),
            "a_units": [u.to_dict() for u in self.a_units],
            "b_units": [u.to_dict() for u in self.b_units],
            "matches": [m.to_dict() for m in self.matches],
            "basis": "computed",
        }


def unit_ref(model: TextModel, u: int) -> UnitRef:
    x = model.corpus.units[u]
    return UnitRef(x.iri, x.text, x.kind)


def _reference_neighbours(model: TextModel, u: int) -> dict[int, float]:
    """ROME and ESCO competences close to unit u (the side index)."""
    al = model.alignments
    lo, hi = np.searchsorted(al.rows, [u, u + 1])
    cert = REGISTRIES.index("certification")
    return {
        int(c): float(s)
        for c, s in zip(al.cols[lo:hi].tolist(), al.scores[lo:hi].tolist(), strict=True)
        if model.registry[c] != cert
    }


def match_units(
    model: TextModel, a_units: list[int], b_units: list[int], *, threshold: float = MATCH_THRESHOLD
) -> list[BlocMatch]:
    """Every (a, b) pair whose direct or through-a-reference score reaches the threshold."""
    if not a_units or not b_units:
        return []
    direct = (model.units[a_units] @ model.units[b_units].T).toarray()
    a_refs = [_reference_neighbours(model, u) for u in a_units]
    b_refs = [_reference_neighbours(model, u) for u in b_units]
    out = []
    for i, ua in enumerate(a_units):
        for k, ub in enumerate(b_units):
            if ua == ub:
                continue
            via, via_score = None, 0.0
            for r in a_refs[i].keys() & b_refs[k].keys():
                s = min(a_refs[i][r], b_refs[k][r])
                if s > via_score:
                    via, via_score = r, s
            m = BlocMatch(
                unit_ref(model, ua),
                unit_ref(model, ub),
                float(min(direct[i, k], 1.0)),
                unit_ref(model, via) if via is not None else None,
                via_score,
            )
            if m.score + 1e-6 >= threshold:
                out.append(m)
    out.sort(key=lambda m: (-m.score, m.a.iri, m.b.iri))
    return out


def one_to_one(matches: list[BlocMatch]) -> list[BlocMatch]:
    """Greedy 1:1 matching: best pairs first, each unit used once."""
    used_a: set[str] = set()
    used_b: set[str] = set()
    out = []
    for m in matches:
        if m.a.iri not in used_a and m.b.iri not in used_b:
            used_a.add(m.a.iri)
            used_b.add(m.b.iri)
            out.append(m)
    return out


def match_certifications(
    model: TextModel, a: int, b: int, *, threshold: float = MATCH_THRESHOLD
) -> CertificationMatch:
    """The units of two certifications and every pair of them whose texts match."""
    ua, ub = model.corpus.certs[a].units, model.corpus.certs[b].units
    sim = float((model.cert_docs[a] @ model.cert_docs[b].T).toarray()[0, 0])
    return CertificationMatch(
        cert_ref(model, a),
        cert_ref(model, b),
        [unit_ref(model, u) for u in ua],
        [unit_ref(model, u) for u in ub],
        sim,
        match_units(model, ua, ub, threshold=threshold),
        threshold,
    )


@dataclass
class SimilarCertification:
    cert: CertRef
    similarity: float
    matches: list[BlocMatch] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "certification": self.cert.to_dict(),
            "similarity": round(self.similarity, 4),
            "basis": "computed",
            "matches": [m.to_dict() for m in self.matches],
        }


def similar_certifications(
    model: TextModel, c: int, top: int = 10, *, evidence: int = 3, threshold: float = MATCH_THRESHOLD
) -> list[SimilarCertification]:
    """The certifications whose texts (title, blocs, capacities) are closest to c's."""
    sims = (model.cert_docs @ model.cert_docs[c].T).toarray().ravel()
    sims[c] = 0.0
    sims[sims < SIMILAR_MIN] = 0.0
    out = []
    for k in ranked(sims, top):
        m = match_units(model, model.corpus.certs[c].units, model.corpus.certs[k].units, threshold=threshold)
        out.append(SimilarCertification(cert_ref(model, k), float(sims[k]), one_to_one(m)[:evidence]))
    return out


# ---------------------------------------------------------------- overlap across certifiers


@dataclass
class OverlapGroup:
    """Certifications of different certifiers whose blocs overlap (computed from their texts)."""

    members: list[CertRef]
    certifiers: dict[str, list[str]]  # certification IRI -> certifier labels
    pairs: list[CertificationMatch]  # the overlapping pairs that joined the group

    @property
    def mean_jaccard(self) -> float:
        return sum(p.jaccard for p in self.pairs) / len(self.pairs) if self.pairs else 0.0

    def to_dict(self) -> dict:
        return {
            "members": [m.to_dict() for m in self.members],
            "certifiers": self.certifiers,
            "mean_jaccard": round(self.mean_jaccard, 4),
            "pairs": [p.to_dict() for p in self.pairs],
            "basis": "computed",
        }


def _chains(model: TextModel) -> dict[int, int]:
    """certification -> its succession chain (versions of one certification)."""
    parent = list(range(len(model.corpus.certs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for old, new in model.corpus.successions:
        a, b = model.cert_index.get(old), model.cert_index.get(new)
        if a is not None and b is not None:
            parent[find(a)] = find(b)
    return {i: find(i) for i in range(len(parent))}


def candidate_pairs(
    model: TextModel, *, threshold: float = MATCH_THRESHOLD, min_jaccard: float = 0.3
) -> list[CertificationMatch]:
    """Pairs of certifications with no certifier in common, not versions of one another, whose
    units match 1:1 with a Jaccard of at least min_jaccard and at least MIN_SHARED pairs."""
    cert = REGISTRIES.index("certification")
    owner = np.full(len(model.corpus.units), -1, dtype=np.int64)
    for k, c in enumerate(model.corpus.certs):
        for u in c.units:
            if owner[u] < 0:
                owner[u] = k
    al = model.alignments
    sel = (
        (model.registry[al.rows] == cert)
        & (model.registry[al.cols] == cert)
        & (al.scores + 1e-6 >= threshold)
    )
    links: dict[tuple[int, int], set[tuple[int, int]]] = defaultdict(set)
    for r, c in zip(al.rows[sel].tolist(), al.cols[sel].tolist(), strict=True):
        a, b = int(owner[r]), int(owner[c])
        if a >= 0 and b >= 0 and a != b:
            links[(min(a, b), max(a, b))].add((r, c) if a < b else (c, r))
    chains = _chains(model)
    certs = model.corpus.certs
    who = {k: _certifier_keys(model, c.certifiers) for k, c in enumerate(certs)}
    out = []
    for (a, b), pairs in sorted(links.items()):
        if chains[a] == chains[b] or who[a] & who[b]:
            continue
        if not who[a] or not who[b]:
            continue  # unknown certifiers: « different » cannot be told
        # an upper bound first (each side's matched units), then the 1:1 matching itself
        shared = min(len({p[0] for p in pairs}), len({p[1] for p in pairs}))
        union = len(certs[a].units) + len(certs[b].units) - shared
        if union and shared / union + 1e-9 >= min_jaccard:
            match = match_certifications(model, a, b, threshold=threshold)
            if match.jaccard + 1e-9 >= min_jaccard and match.shared >= MIN_SHARED:
                out.append(match)
    return out


def _certifier_keys(model: TextModel, certifiers: list[str]) -> set[str]:
    """A certifier by IRI and by name (lower case, no accents, no parenthesis): one body under two
    spellings, with and without SIRET, is one certifier."""
    out = set(certifiers)
    for o in certifiers:
        name = re.sub(r"\([^)]*\)", " ", fold(model.corpus.org_labels.get(o, "")))
        name = " ".join(re.findall(r"[a-z0-9]+", name))
        if name:
            out.add("name:" + name)
    return out


def overlap_groups(
    model: TextModel,
    *,
    threshold: float = MATCH_THRESHOLD,
    min_jaccard: float = 0.3,
    org_labels: dict[str, str] | None = None,
) -> list[OverlapGroup]:
    """Groups (connected pairs) of certifications of different certifiers whose blocs overlap."""
    matches = candidate_pairs(model, threshold=threshold, min_jaccard=min_jaccard)
    pairs = [(model.cert_index[m.a.iri], model.cert_index[m.b.iri]) for m in matches]
    by_pair = dict(zip(pairs, matches, strict=True))
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b in pairs:
        groups[find(a)].append((a, b))
    labels = org_labels or {}
    out = []
    for gp in groups.values():
        members = sorted({x for p in gp for x in p}, key=lambda k: model.corpus.certs[k].code)
        found = [by_pair[p] for p in gp]
        out.append(
            OverlapGroup(
                [cert_ref(model, k) for k in members],
                {
                    model.corpus.certs[k].iri: [labels.get(o, o) for o in model.corpus.certs[k].certifiers]
                    for k in members
                },
                sorted(found, key=lambda m: -m.jaccard),
            )
        )
    out.sort(key=lambda g: (-round(g.mean_jaccard, 4), -sum(p.shared for p in g.pairs), g.members[0].code))
    return out
