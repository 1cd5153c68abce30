"""An in-memory search index over labels, alternative labels and codes, rebuilt per store
generation (a new build is picked up on the next search)."""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field

from cqpi_graph.namespaces import CQ
from cqpi_graph.store import Store

# Searchable classes, most specific first (the first that matches is the resource's type).
TYPES = [
    "CQPI",
    "CQPM",
    "CQP",
    "CAP",
    "BEP",
    "BacPro",
    "BP",
    "BTS",
    "MentionComplementaire",
    "Diplome",
    "TitreProfessionnel",
    "TitreCertifie",
    "HabilitationRS",
    "Certification",
    "BlocDeCompetences",
    "Branche",
    "CPNE",
    "OPCO",
    "Federation",
    "Certificateur",
    "Organisation",
    "MetierROME",
    "Capacite",
    "Competence",
    "Activite",
    "Reconnaissance",
    "TexteReference",
]
TYPE_IRIS = [CQ + t for t in TYPES]


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@dataclass
class Entry:
    iri: str
    type: str
    types: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)  # lang ("" untagged) -> label
    texts: list[tuple[str, str]] = field(default_factory=list)  # (normalized text, kind)
    codes: list[str] = field(default_factory=list)
    level: str | None = None
    branches: set[str] = field(default_factory=set)
    active: bool | None = None

    def label(self, lang: str) -> str:
        other = "en" if lang == "fr" else "fr"
        for key in (lang, other, ""):
            if key in self.labels:
                return self.labels[key]
        if self.codes:
            return self.codes[0]
        return self.iri.rsplit("/", 1)[-1]


class SearchIndex:
    def __init__(self, store: Store) -> None:
        self.entries: dict[str, Entry] = {}
        values = " ".join(f"<{t}>" for t in TYPE_IRIS)
        for r in store.select(f"SELECT ?s ?t WHERE {{ VALUES ?t {{ {values} }} ?s a ?t }}"):
            s = r["s"].value
            if r["s"].kind != "uri":
                continue
            e = self.entries.get(s)
            if e is None:
                e = self.entries[s] = Entry(s, r["t"].value)
            e.types.add(r["t"].value)
        rank = {t: i for i, t in enumerate(TYPE_IRIS)}
        for e in self.entries.values():
            e.type = min(e.types, key=lambda t: rank[t])
        rows = store.select(
            f"""SELECT ?s ?text ?kind WHERE {{ VALUES ?t {{ {values} }} ?s a ?t .
              {{ ?s rdfs:label|skos:prefLabel ?text BIND("label" AS ?kind) }}
              UNION {{ ?s skos:altLabel|dct:alternative|skos:hiddenLabel ?text BIND("alt" AS ?kind) }}
              UNION {{ ?s skos:notation|cq:code|cq:rncpCode|cq:bcnCode|cq:idcc|cq:siret|cq:abbreviation ?text
                       BIND("code" AS ?kind) }}
              FILTER(isLiteral(?text) && (LANG(?text) = "" || LANGMATCHES(LANG(?text), "fr")
                     || LANGMATCHES(LANG(?text), "en"))) }}"""
        )
        for r in rows:
            e = self.entries.get(r["s"].value)
            if e is None:
                continue
            text, kind = r["text"], r["kind"].value
            if kind == "label":
                e.labels.setdefault((text.lang or "").split("-")[0], text.value)
            elif kind == "code" and text.value not in e.codes:
                e.codes.append(text.value)
            e.texts.append((normalize(text.value), kind))
        for r in store.select(
            f"SELECT ?s ?level WHERE {{ VALUES ?t {{ {values} }} ?s a ?t ; cq:level ?level }}"
        ):
            if r["s"].value in self.entries:
                self.entries[r["s"].value].level = r["level"].value
        for r in store.select("SELECT ?s ?b WHERE { ?s cq:branch|cq:adoptedBy|cq:partnerBranch ?b }"):
            if r["s"].value in self.entries:
                self.entries[r["s"].value].branches.add(r["b"].value)
        for r in store.select("SELECT ?s ?a WHERE { ?s cq:active ?a }"):
            if r["s"].value in self.entries:
                self.entries[r["s"].value].active = r["a"].value in ("true", "1")
        for e in self.entries.values():
            e.codes.sort(key=len)

    def search(
        self,
        q: str,
        *,
        types: list[str] | None = None,
        level: str | None = None,
        branch: str | None = None,
        active: bool | None = None,
        limit: int = 50,
    ) -> tuple[int, list[Entry]]:
        nq = normalize(q)
        words = nq.split()
        scored: list[tuple[float, str, Entry]] = []
        for e in self.entries.values():
            if types and not (e.types & set(types)):
                continue
            if level and e.level != level:
                continue
            if branch and branch not in e.branches:
                continue
            if active is not None and e.active is not active:
                continue
            score = self._score(e, nq, words) if nq else 1.0
            if score > 0:
                scored.append((-score, e.label("fr").casefold(), e))
        scored.sort(key=lambda x: (x[0], x[1]))
        return len(scored), [e for _, _, e in scored[:limit]]

    @staticmethod
    def _score(e: Entry, nq: str, words: list[str]) -> float:
        best = 0.0
        for text, kind in e.texts:
            if text == nq:
                s = 100.0 if kind == "code" else 90.0
            elif text.startswith(nq):
                s = 70.0 if kind == "code" else 60.0
            elif all(w in text for w in words):
                # every word present; word starts rank above mid-word matches
                starts = sum(1 for w in words if any(t.startswith(w) for t in text.split()))
                s = 30.0 + 10.0 * starts / len(words)
            else:
                continue
            if kind == "alt":
                s -= 5
            best = max(best, s)
        if best and e.type.startswith(CQ) and e.type[len(CQ) :] in ("CQPI", "CQPM", "CQP"):
            best += 1  # the project's own subject first on ties
        return best


_lock = threading.Lock()
_cache: dict[tuple[int, str], SearchIndex] = {}
_building: dict[tuple[int, str], threading.Lock] = {}


def get_index(holder) -> SearchIndex:  # noqa: ANN001 - web.graph.GraphHolder
    """The index of the generation this request reads, built once: after a build goes live, one
    request builds the new index while the others that need it wait for it (not all at once)."""
    handle = holder.handle()
    key = (id(holder), handle.generation)
    with _lock:
        if key in _cache:
            return _cache[key]
        building = _building.setdefault(key, threading.Lock())
    with building:
        with _lock:
            if key in _cache:
                return _cache[key]
        index = SearchIndex(handle.store)
        with _lock:
            _cache[key] = index
            _building.pop(key, None)
            mine = [k for k in _cache if k[0] == key[0]]
            for old in mine[:-2]:  # this generation and the one before it (requests still on it)
                _cache.pop(old, None)
    return index
