"""The name of any resource in one language: the catalog's name for certifications, blocs and
branches; for the others `choose_label` over their labels, then their smallest code, then the
last segment of their IRI. Pages, commands and the web view name things through `resource_labels`."""

from __future__ import annotations

from collections.abc import Iterable

from ..store import Store
from .index import load_catalog
from .labels import CODE_PROPERTIES, LABEL_PROPERTIES, LabelCandidate, choose_label, local_name, property_rank

_CHUNK = 200  # IRIs per query


def iri_ok(iri: str) -> bool:
    """An IRI safe to put between <> in a query."""
    return bool(iri) and not any(c in iri for c in '<>"{}|^`\\ \n\r\t')


def resource_labels(store: Store, iris: Iterable[str], lang: str = "fr") -> dict[str, str]:
    """IRI -> label in `lang` for each IRI (never empty: the IRI's last segment at worst)."""
    wanted = list(dict.fromkeys(i for i in iris if iri_ok(i)))
    cat = load_catalog(store)
    out: dict[str, str] = {}
    for i in wanted:
        known = cat.label(i, lang)
        if known:
            out[i] = known
    todo = [i for i in wanted if i not in out]
    for start in range(0, len(todo), _CHUNK):
        out.update(_query_labels(store, todo[start : start + _CHUNK], lang))
    return out


def _query_labels(store: Store, chunk: list[str], lang: str) -> dict[str, str]:
    values = " ".join(f"<{i}>" for i in chunk)
    names = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    codes_p = "|".join(f"<{p}>" for p in (*CODE_PROPERTIES, "https://w3id.org/cqpi/def#abbreviation"))
    rows = store.select(
        f"SELECT ?s ?p ?l ?kind WHERE {{ VALUES ?s {{ {values} }} "
        f"{{ VALUES ?p {{ {names} }} ?s ?p ?l BIND(0 AS ?kind) }} "
        f"UNION {{ ?s {codes_p} ?l BIND(1 AS ?kind) }} }}"
    )
    found: dict[str, list[LabelCandidate]] = {}
    codes: dict[str, str] = {}
    for r in rows:
        term = r["l"]
        if term.kind != "literal":
            continue
        s = r["s"].value
        if r["kind"].value == "0":
            rank = property_rank(r["p"].value)  # the preferred property first, as in the catalog
            found.setdefault(s, []).append(LabelCandidate(term.value, term.lang, rank))
        else:
            codes[s] = min(codes.get(s, term.value), term.value)
    return {i: choose_label(found.get(i, []), lang) or codes.get(i) or local_name(i) for i in chunk}
