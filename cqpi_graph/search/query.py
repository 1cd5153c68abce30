"""Searching the index: what a query means, then SQL.

A query is read in this order:
1. an exact code (RNCP35340, 50022003, H2102, RNCP35340BC01, CEI, an IDCC such as 16, 0016 or
   « IDCC 16 ») puts what carries it first;
2. a kind named at the start or end of the query (« CQPM », « bac pro maintenance », « BTS »)
   means the certifications of that kind (and its subclasses); the other words search within them
   (when nothing of that kind matches, the words are searched as text);
3. the words (accents and case folded, the last one as a prefix) rank the rest by relevance
   (BM25 over labels, other names and codes) times a prior: certifications before their parts,
   active before unknown before inactive, curated certifications first on ties.
Filters (family, kind, level, status, branch, certifier, NSF) restrict all three; facet counts
are those of every match, before pagination.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog import fold
from .documents import FAMILIES, folded_words
from .index import certification_rows, code_key

if TYPE_CHECKING:
    import numpy as np

FACET_DIMS = ("family", "kind", "level", "status", "branch", "certifier", "nsf")
FILTER_DIMS = ("family", "kinds", "level", "status", "branch", "certifier", "nsf")
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "of",
        "the",
        "and",
        "un",
        "une",
        "pour",
        "par",
        "sur",
    ]
)
MAX_PER_PAGE = 10_000  # a CSV export; the web view asks at most 200 for a page


@dataclass(frozen=True)
class Hit:
    iri: str
    family: str
    kind: str
    label: str
    codes: tuple[str, ...]
    level: int | None
    status: str  # "" for what is not a certification
    exact: bool = False  # matched by its code

    def to_dict(self) -> dict:
        return {
            "iri": self.iri,
            "family": self.family,
            "kind": self.kind,
            "label": self.label,
            "codes": list(self.codes),
            "code": self.codes[0] if self.codes else None,
            "level": self.level,
            "status": self.status or None,
            "active": {"active": True, "inactive": False}.get(self.status),
            "exact": self.exact,
        }


@dataclass(frozen=True)
class FacetCount:
    value: str
    label: str
    count: int

    def to_dict(self) -> dict:
        return {"value": self.value, "label": self.label, "count": self.count}


@dataclass
class SearchPage:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    kind: str | None = None  # the kind the query was read as naming
    words: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "per_page": self.per_page,
            "kind": self.kind,
            "results": [h.to_dict() for h in self.hits],
            "facets": {d: [f.to_dict() for f in fs] for d, fs in self.facets.items()},
        }


@dataclass
class Filters:
    family: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # a kind and its subclasses
    level: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    branch: list[str] = field(default_factory=list)
    certifier: list[str] = field(default_factory=list)
    nsf: list[str] = field(default_factory=list)

    def any(self) -> bool:
        return any(getattr(self, d) for d in FILTER_DIMS)

    def sql(self) -> tuple[str, list[str]]:
        """A condition on e.id (entry table aliased e), and its parameters."""
        parts, args = [], []
        for dim in FILTER_DIMS:
            values = getattr(self, dim)
            if values:
                marks = ",".join("?" * len(values))
                parts.append(f"e.id IN (SELECT entry FROM facet WHERE dim = ? AND value IN ({marks}))")
                args += [dim, *values]
        return (" AND ".join(parts) or "1"), args


class SearchIndex:
    """A read-only connection to one generation's search database (thread-safe)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        uri = f"file:{Path(path).resolve()}?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._phrases = dict(self._db.execute("SELECT phrase, kind FROM kind_phrase"))
        self._names: dict[str, tuple[str, str]] | None = None
        self._overview: dict[str, dict[str, int]] | None = None
        self._arrays: tuple | None = None
        self._labels: dict[str, tuple[list[str], list[int]]] = {}
        self._entries: tuple | None = None
        self._by_value: tuple | None = None

    def close(self) -> None:
        self._db.close()

    def _all(self, sql: str, args: list | tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # -- names
    def name(self, value: str, lang: str = "fr") -> str:
        if self._names is None:
            self._names = {v: (fr, en) for v, fr, en in self._all("SELECT value, fr, en FROM name")}
        fr, en = self._names.get(value, ("", ""))
        return (en if lang == "en" else fr) or fr or value

    # -- reading the query
    def read_kind(self, words: list[str]) -> tuple[str | None, list[str]]:
        """A kind named by the whole query or by its first or last words (the longest phrase)."""
        for n in range(len(words), 0, -1):
            for start in {0, len(words) - n}:
                kind = self._phrases.get(" ".join(words[start : start + n]))
                if kind:
                    return kind, words[:start] + words[start + n :]
        return None, words

    def code_hits(self, q: str) -> list[int]:
        key = code_key(q)
        keys = [key]
        if key.startswith("idcc") and key[4:].isdigit():
            keys.append(key[4:].lstrip("0"))
        if key.isdigit() and len(key) <= 4:
            keys.append(key.lstrip("0"))
        marks = ",".join("?" * len(keys))
        return [r[0] for r in self._all(f"SELECT DISTINCT entry FROM code WHERE key IN ({marks})", keys)]

    # -- searching
    def search(
        self,
        q: str,
        filters: Filters | None = None,
        *,
        page: int = 1,
        per_page: int = 20,
        lang: str = "fr",
        facets: bool = True,
        read_kinds: bool = True,
    ) -> SearchPage:
        filters = filters or Filters()
        per_page = max(1, min(per_page, MAX_PER_PAGE))
        page = max(1, page)
        words = folded_words(q)
        exact = self.code_hits(q) if words else []
        kind, rest = self.read_kind(words) if read_kinds and not exact else (None, words)
        if kind:
            kind_filters = Filters(**{d: list(getattr(filters, d)) for d in FILTER_DIMS})
            kind_filters.kinds = [*kind_filters.kinds, kind]
            result = self._run(q, exact, rest, kind_filters, page, per_page, lang, facets)
            if result.total:
                result.kind = kind
                return result
        return self._run(q, exact, words, filters, page, per_page, lang, facets)

    def _run(
        self,
        q: str,
        exact: list[int],
        words: list[str],
        filters: Filters,
        page: int,
        per_page: int,
        lang: str,
        facets: bool,
    ) -> SearchPage:
        cond, args = filters.sql()
        match = _match(words, prefix=not exact)
        if exact:
            marks = ",".join("?" * len(exact))
            exact = [
                r[0]
                for r in self._all(
                    f"SELECT e.id FROM entry e WHERE e.id IN ({marks}) AND {cond}", [*exact, *args]
                )
            ]
        if match:
            rows = self._all("SELECT rowid, bm25(fts, 10.0, 4.0, 6.0) FROM fts WHERE fts MATCH ?", [match])
            ranked = self._rank(rows, self._allowed(filters) if filters.any() else None)
        elif filters.any():
            matched = f"SELECT e.id, -e.boost AS score, e.sortkey FROM entry e WHERE {cond}"
            ranked = [r[0] for r in self._all(f"SELECT id FROM ({matched}) ORDER BY score, sortkey", args)]
        elif exact:  # a code alone: nothing else
            ranked = []
        else:
            return SearchPage(q, 0, page, per_page, [])
        seen = set(exact)
        ids = exact + [i for i in ranked if i not in seen]
        offset = (page - 1) * per_page
        hits = self._hits(ids[offset : offset + per_page], seen, lang)
        result = SearchPage(q, len(ids), page, per_page, hits, words=words)
        if facets and ids:
            result.facets = self._facets(ids, lang)
        return result

    def _hits(self, ids: list[int], exact: set[int], lang: str) -> list[Hit]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = {
            r[0]: r
            for r in self._all(
                "SELECT id, iri, family, kind, label_fr, label_en, codes, level, status FROM entry "
                f"WHERE id IN ({marks})",
                ids,
            )
        }
        out = []
        for i in ids:
            _id, iri, family, kind, fr, en, codes, level, status = rows[i]
            label = (en if lang == "en" else fr) or fr or en
            out.append(
                Hit(
                    iri,
                    family,
                    kind,
                    label,
                    tuple(c for c in codes.split("\t") if c),
                    level,
                    status or "",
                    i in exact,
                )
            )
        return out

    def _rank(self, rows: list[tuple], allowed: np.ndarray | None = None) -> list[int]:
        """Entry ids by relevance: BM25 times the entry's boost, then the sort key (numpy over
        arrays read once: joining every match to the entry table and sorting the keys as strings
        in SQL cost several times the text match itself). `allowed`: a mask over entry ids."""
        import numpy as np

        if not rows:
            return []
        boost, order = self._entry_arrays()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        score = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
        if allowed is not None:
            keep = allowed[np.minimum(ids, len(allowed) - 1)] & (ids < len(allowed))
            ids, score = ids[keep], score[keep]
        score *= boost[ids]
        return ids[np.lexsort((order[ids], score))].tolist()

    def _allowed(self, filters: Filters) -> np.ndarray:
        """A mask over entry ids: the entries every filter keeps (from the facet table in memory)."""
        import numpy as np

        lookup, sorted_entries, bounds, size = self._value_entries()
        mask = np.ones(size, dtype=bool)
        for dim in FILTER_DIMS:
            values = getattr(filters, dim)
            if values:
                kept = np.zeros(size, dtype=bool)
                for v in values:
                    c = lookup.get((dim, v))
                    if c is not None:
                        kept[sorted_entries[bounds[c] : bounds[c + 1]]] = True
                mask &= kept
        return mask

    def _value_entries(self) -> tuple:
        """The facet table grouped by value: (dim, value) -> code, entries sorted by code, the
        bounds of each code's entries, the number of entry ids."""
        if self._by_value is None:
            import numpy as np

            entries, codes, values, size = self._facet_arrays()
            by_code = np.argsort(codes, kind="stable")
            bounds = np.searchsorted(codes[by_code], np.arange(len(values) + 1))
            lookup = {v: c for c, v in enumerate(values)}
            self._by_value = (lookup, entries[by_code], bounds, size)
        return self._by_value

    def _entry_arrays(self) -> tuple:
        """Each entry's boost and its rank by sort key, indexed by entry id."""
        if self._entries is None:
            import numpy as np

            found = self._all("SELECT id, boost FROM entry ORDER BY sortkey, id")
            size = max((i for i, _b in found), default=0) + 1
            boost, order = np.zeros(size, dtype=np.float64), np.zeros(size, dtype=np.int64)
            for rank, (i, b) in enumerate(found):
                boost[i], order[i] = b, rank
            self._entries = (boost, order)
        return self._entries

    def _facet_arrays(self) -> tuple:
        if self._arrays is None:
            import numpy as np

            keys = "('facet_entries', 'facet_codes')"
            meta = dict(self._all(f"SELECT key, value FROM meta WHERE key IN {keys}"))
            entries = np.frombuffer(meta["facet_entries"], dtype=np.int32)
            codes = np.frombuffer(meta["facet_codes"], dtype=np.int32)
            found = self._all("SELECT code, dim, value FROM facet_value ORDER BY code")
            values = [(d, v) for _c, d, v in found]
            self._arrays = (entries, codes, values, int(entries.max(initial=0)) + 1)
        return self._arrays

    def _facets(self, ids: list[int], lang: str) -> dict[str, list[FacetCount]]:
        """Counts of every facet value over the matched entries (numpy: one pass over the facet
        table, whatever the number of matches)."""
        import numpy as np

        entries, codes, values, size = self._facet_arrays()
        mask = np.zeros(max(size, max(ids) + 1), dtype=bool)
        mask[np.asarray(ids, dtype=np.int64)] = True
        counts = np.bincount(codes[mask[entries]], minlength=len(values))
        wanted = set(FACET_DIMS)
        labels, order = self._value_labels(lang)
        found: dict[str, list[tuple[int, int]]] = {}
        for c in np.flatnonzero(counts).tolist():
            if values[c][0] in wanted:
                found.setdefault(values[c][0], []).append((c, int(counts[c])))
        out: dict[str, list[FacetCount]] = {}
        for dim, pairs in found.items():
            if dim in ("level", "family"):
                pairs.sort(key=lambda p: order[p[0]])
            else:
                pairs.sort(key=lambda p: (-p[1], order[p[0]]))
            out[dim] = [FacetCount(values[c][1], labels[c], n) for c, n in pairs]
        return out

    def _value_labels(self, lang: str) -> tuple[list[str], list[int]]:
        """Each facet value's label in a language, and its rank in display order (levels by
        number, families in their order, the others by folded label): once per language, not
        once per query."""
        cached = self._labels.get(lang)
        if cached is None:
            values = self._facet_arrays()[2]
            labels = [v if d in ("family", "status") else self.name(v, lang) for d, v in values]

            def key(c: int) -> tuple:
                dim, value = values[c]
                if dim == "level":
                    return (int(value) if value.isdigit() else 99, "")
                if dim == "family":
                    return (FAMILIES.index(value) if value in FAMILIES else 99, "")
                return (0, fold(labels[c]))

            order = [0] * len(values)
            for rank, c in enumerate(sorted(range(len(values)), key=key)):
                order[c] = rank
            cached = self._labels[lang] = (labels, order)
        return cached

    def preload(self) -> None:
        """Read what the first query would (names, facet arrays, overview): a worker's warm-up."""
        self.name("")
        self._facet_arrays()
        self._entry_arrays()
        self._value_entries()
        self._value_labels("fr")
        self.overview()

    def suggest(
        self, q: str, limit: int = 10, lang: str = "fr", filters: Filters | None = None
    ) -> SearchPage:
        """Autocomplete: the same reading of the query, first results, no facets."""
        return self.search(q, filters, per_page=limit, lang=lang, facets=False)

    def near(self, q: str, limit: int = 10, lang: str = "fr") -> SearchPage:
        """Near matches of something that matches nothing (a mistyped code or word): the query,
        then its last word shortened one letter at a time, down to three letters, as a prefix."""
        page = self.suggest(q, limit, lang)
        words = folded_words(q)
        while not page.total and words and len(words[-1]) > 3:
            words[-1] = words[-1][:-1]
            page = self.suggest(" ".join(words), limit, lang)
        return page

    def entries(self, dim: str, value: str, lang: str = "fr", limit: int = 200) -> list[Hit]:
        """The documents carrying a facet value, by label (the CQPI, the branches…)."""
        ids = [
            r[0]
            for r in self._all(
                "SELECT e.id FROM facet f JOIN entry e ON e.id = f.entry WHERE f.dim = ? AND f.value = ? "
                "ORDER BY e.sortkey LIMIT ?",
                [dim, value, limit],
            )
        ]
        return self._hits(ids, set(), lang)

    def overview(self) -> dict[str, dict[str, int]]:
        """Counts of the whole graph: documents per family, certifications per kind (its own
        and every kind above it: `kinds`), level and status (the home page's figures)."""
        if self._overview is None:
            out: dict[str, dict[str, int]] = {}
            for dim, value, n in self._all(
                "SELECT dim, value, COUNT(*) FROM facet WHERE dim IN ('family', 'kind', 'kinds', 'class', "
                "'level', 'status') GROUP BY dim, value"
            ):
                out.setdefault(dim, {})[value] = n
            self._overview = out
        return self._overview

    # -- the side table
    def certifications(self, iris: list[str] | None = None) -> list:
        with self._lock:
            return certification_rows(self._db, iris)

    def count_by(self, dim: str, family: str = "certification") -> list[tuple[str, int]]:
        """How many documents of a family carry each value of a facet."""
        return [
            (v, n)
            for v, n in self._all(
                "SELECT f.value, COUNT(*) FROM facet f JOIN facet g ON g.entry = f.entry "
                "WHERE f.dim = ? AND g.dim = 'family' AND g.value = ? "
                "GROUP BY f.value ORDER BY COUNT(*) DESC",
                [dim, family],
            )
        ]


def _json(ids: list[int]) -> str:
    return "[" + ",".join(str(i) for i in ids) + "]"


def _match(words: list[str], prefix: bool = True) -> str:
    """The FTS5 query: every word (stop words left out when others remain), the last as a prefix
    (not after an exact code: RNCP35340 is not the start of RNCP35340BC01's code as a word)."""
    kept = [w for w in words if w not in STOP_WORDS and len(w) > 1] or [w for w in words if w]
    if not kept:
        return ""
    terms = [f'"{w}"' for w in kept[:-1]]
    last = kept[-1]
    terms.append(f'"{last}"*' if prefix and len(last) >= 2 else f'"{last}"')
    return " ".join(terms)
