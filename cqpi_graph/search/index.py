"""The search index of a store generation: an SQLite database with an FTS5 full-text table.

Written by `cqpi build` beside the generation (STORE/cache/<generation>/search-*.sqlite) and
opened read-only by every reader, which costs a few milliseconds: nothing is computed on a query
but SQL. Tables:

* ``entry``: one row per document (certification, bloc, branch, organisation, ROME job,
  competence…): IRI, family, kind, labels, codes, level, status, ranking boost;
* ``fts``: the FTS5 table over labels, other names and codes (``unicode61 remove_diacritics 2``:
  case and accents folded; prefix indexes for autocomplete);
* ``code``: folded codes (and IDCC numbers) -> entries, for exact code matches;
* ``facet``: (entry, dimension, value) — family, kind, level, status, branch, certifier, NSF;
* ``certification``: the facet rows of `cqpi_graph.facets`, one per certification (the side
  table the home page and the aggregate questions read);
* ``kind_phrase``: what a query may say to mean a kind (« CQPM », « bac pro », « BTS »…),
  taken from the ontology's class names;
* ``name``: labels of facet values (kinds, levels, branches, certifiers, NSF domains).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from ..catalog import Catalog, fold, local_name
from ..facets import FacetRow
from ..namespaces import ID
from ..store import Store
from .documents import (
    Document,
    add_names,
    catalog_parts,
    certification_documents,
    class_labels,
    folded_words,
    other_documents,
)

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entry(id INTEGER PRIMARY KEY, iri TEXT NOT NULL, family TEXT, kind TEXT, label_fr TEXT,
  label_en TEXT, codes TEXT, level INTEGER, status TEXT, boost REAL, sortkey TEXT);
CREATE VIRTUAL TABLE fts USING fts5(label, alt, code, content='',
  tokenize="unicode61 remove_diacritics 2", prefix='2 3 4');
CREATE TABLE code(key TEXT NOT NULL, entry INTEGER NOT NULL);
CREATE TABLE facet(entry INTEGER NOT NULL, dim TEXT NOT NULL, value TEXT NOT NULL);
CREATE TABLE name(value TEXT PRIMARY KEY, fr TEXT, en TEXT);
CREATE TABLE kind_phrase(phrase TEXT PRIMARY KEY, kind TEXT NOT NULL);
CREATE TABLE certification(iri TEXT PRIMARY KEY, row TEXT NOT NULL);
"""
INDEXES = """
CREATE INDEX code_key ON code(key);
CREATE INDEX facet_dim ON facet(dim, value, entry);
CREATE INDEX facet_entry ON facet(entry, dim);
CREATE UNIQUE INDEX entry_iri ON entry(iri);
CREATE INDEX entry_order ON entry(boost DESC, sortkey);
"""


def code_key(text: str) -> str:
    """How a code is looked up: folded, without spaces."""
    return fold(text).replace(" ", "")


def _kind_phrases(kinds: dict[str, dict[str, str]]) -> dict[str, str]:
    """Folded phrases -> kind: the class's local name (CQPM), split where its case changes
    (BacPro: « bac pro »), its labels with and without their parenthesis, and the parenthesis."""
    out: dict[str, str] = {}
    for kind, names in sorted(kinds.items()):
        phrases = {kind, re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind)}
        for label in names.values():
            phrases.add(label)
            m = re.match(r"^(.*?)\s*\(([^)]+)\)\s*$", label)
            if m:
                phrases.update(m.groups())
        for p in phrases:
            key = " ".join(folded_words(p))
            if key and len(key) > 1:
                out.setdefault(key, kind)
    return out


def _ancestors(classes: dict[str, int], parents: dict[str, set[str]]) -> dict[str, list[str]]:
    """kind -> itself and every certification class above it (local names)."""
    out: dict[str, list[str]] = {}
    for c in classes:
        seen, todo = set(), [c]
        while todo:
            x = todo.pop()
            if x in seen or x not in classes:
                continue
            seen.add(x)
            todo.extend(parents.get(x, ()))
        out[local_name(c)] = sorted(local_name(x) for x in seen)
    return out


def collect_documents(store: Store, cat: Catalog, rows: list[FacetRow]) -> tuple[list[Document], dict]:
    """Every document and the facet names, from the catalog, the facet rows and the store."""
    from ..catalog.index import RDFS

    parents: dict[str, set[str]] = {}
    for q in store.quads_for_pattern(None, RDFS + "subClassOf", None, None):
        parents.setdefault(q.subject, set()).add(q.object.value)
    ancestors = _ancestors(cat.classes, parents)
    docs = certification_documents(cat, rows, ancestors)
    docs += catalog_parts(cat)
    known = {d.iri for d in docs} | set(cat.canonical)
    docs += other_documents(store, known)
    members = {m: g for m, g in cat.canonical.items() if m != g}
    add_names(store, docs, members)
    kinds = class_labels(store, sorted({local_name(c) for c in cat.classes}))
    return docs, kinds


def _names(
    store: Store, cat: Catalog, rows: list[FacetRow], kinds: dict, docs: list[Document]
) -> dict[str, dict[str, str]]:
    """Labels of facet values: kinds, levels, branches, certifiers, NSF domains."""
    from ..catalog.labels import LABEL_PROPERTIES, LabelCandidate, choose_label, property_rank

    out: dict[str, dict[str, str]] = dict(kinds)
    named = {d.iri: d for d in docs}
    wanted = {x for r in rows for x in (*r.certifiers, *r.nsf)}
    wanted |= {f"{ID}niveau/{n}" for n in range(1, 9)}
    for iri in sorted(wanted):
        doc = named.get(iri)
        if doc is not None and doc.labels:
            out[iri] = {lang: doc.label(lang) for lang in ("fr", "en")}
            continue
        cands = [
            LabelCandidate(q.object.value, getattr(q.object, "language", None), property_rank(prop))
            for prop in LABEL_PROPERTIES
            for q in store.quads_for_pattern(iri, prop, None, None)
        ]
        if cands:
            out[iri] = {lang: choose_label(cands, lang) for lang in ("fr", "en")}
    for n in range(1, 9):
        out[str(n)] = out.pop(f"{ID}niveau/{n}", {"fr": f"Niveau {n}", "en": f"Level {n}"})
    for b in cat.branches():
        out[b] = {lang: cat.branch(b, lang).label for lang in ("fr", "en")}
    return out


def write_index(
    path: Path, docs: list[Document], rows: list[FacetRow], names: dict, kinds: dict, generation: str
) -> None:
    """Write the database to `path` (replaced atomically)."""
    # One scratch file per writer (process and thread): two readers building a generation's
    # missing index at once must not write into the same file.
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("version", str(SCHEMA_VERSION)), ("generation", generation)],
        )
        _write_entries(db, docs)
        db.executemany(
            "INSERT INTO certification VALUES (?, ?)", ((r.iri, json.dumps(r.to_dict())) for r in rows)
        )
        db.executemany("INSERT INTO name VALUES (?, ?, ?)", ((k, v["fr"], v["en"]) for k, v in names.items()))
        db.executemany("INSERT INTO kind_phrase VALUES (?, ?)", _kind_phrases(kinds).items())
        db.executescript(INDEXES + "INSERT INTO fts(fts) VALUES('optimize');")
        _write_facet_arrays(db)
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)


def _write_facet_arrays(db: sqlite3.Connection) -> None:
    """The facet table as two int32 arrays (entry, value code), for counting the facets of a
    match set with numpy instead of SQL (table facet_value: code -> dimension, value)."""
    import numpy as np

    db.execute("CREATE TABLE facet_value(code INTEGER PRIMARY KEY, dim TEXT, value TEXT)")
    values: dict[tuple[str, str], int] = {}
    entries, codes = [], []
    for entry, dim, value in db.execute("SELECT entry, dim, value FROM facet ORDER BY entry"):
        code = values.setdefault((dim, value), len(values))
        entries.append(entry)
        codes.append(code)
    db.executemany("INSERT INTO facet_value VALUES (?, ?, ?)", ((c, d, v) for (d, v), c in values.items()))
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ("facet_entries", np.asarray(entries, dtype=np.int32).tobytes()),
            ("facet_codes", np.asarray(codes, dtype=np.int32).tobytes()),
        ],
    )


def _write_entries(db: sqlite3.Connection, docs: list[Document]) -> None:
    entries, texts, codes, facets = [], [], [], []
    for i, d in enumerate(docs, start=1):
        fr, en = d.label("fr"), d.label("en")
        entries.append(
            (i, d.iri, d.family, d.kind, fr, en, "\t".join(d.codes), d.level, d.status, d.boost, fold(fr))
        )
        label = fr if en == fr else f"{fr} {en}"
        texts.append((i, label, " ".join(a for a in d.alt if a not in (fr, en)), " ".join(d.codes)))
        keys = {code_key(c) for c in d.codes if c}
        if d.family == "branch":
            keys |= {k.lstrip("0") for k in keys if k.isdigit()}
        codes += [(k, i) for k in keys if k]
        facets += [(i, dim, value) for dim, value in d.facets]
    db.executemany("INSERT INTO entry VALUES (?,?,?,?,?,?,?,?,?,?,?)", entries)
    db.executemany("INSERT INTO fts(rowid, label, alt, code) VALUES (?,?,?,?)", texts)
    db.executemany("INSERT INTO code VALUES (?, ?)", codes)
    db.executemany("INSERT INTO facet VALUES (?, ?, ?)", facets)


def build_search_index(store: Store, path: Path, cat: Catalog, rows: list[FacetRow], generation: str) -> None:
    docs, kinds = collect_documents(store, cat, rows)
    write_index(path, docs, rows, _names(store, cat, rows, kinds, docs), kinds, generation)


def certification_rows(db: sqlite3.Connection, iris: Iterable[str] | None = None) -> list[FacetRow]:
    """The facet rows of the side table (all, or those of the given IRIs)."""
    if iris is None:
        found = db.execute("SELECT row FROM certification ORDER BY iri").fetchall()
    else:
        wanted = list(iris)
        found = []
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found += db.execute(f"SELECT row FROM certification WHERE iri IN ({marks})", chunk).fetchall()
    return [_row(json.loads(r[0])) for r in found]


def _row(d: dict) -> FacetRow:
    return FacetRow(
        iri=d["iri"],
        kind=d["kind"],
        label_fr=d["label"]["fr"],
        label_en=d["label"]["en"],
        codes=tuple(d["codes"]),
        level=d["level"],
        active={"active": True, "inactive": False}.get(d["status"]),
        certifiers=tuple(d["certifiers"]),
        branches=tuple(d["branches"]),
        nsf=tuple(d["nsf"]),
        rome=tuple(d["rome"]),
        routes=tuple(d["access_routes"]),
        blocs=d["blocs"],
        rncp=d["rncp"],
        bcn=d["bcn"],
        later_versions=d["later_versions"],
        first_version=d["first_version"],
    )
