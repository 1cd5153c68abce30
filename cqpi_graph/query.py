"""`cqpi query`: run SPARQL and format the results for a terminal or a pipe."""

from __future__ import annotations

import json

from .namespaces import PREFIXES
from .store import Store

QUERY_FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle")


def compact(iri: str) -> str:
    """An IRI as a prefixed name when a common prefix matches."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def _cell(binding: dict | None) -> str:
    if binding is None:
        return ""
    if binding["type"] == "uri":
        return compact(binding["value"])
    if binding["type"] == "bnode":
        return "_:" + binding["value"]
    value = binding["value"]
    if "xml:lang" in binding:
        return f"{value} @{binding['xml:lang']}"
    return value


def render_table(results_json: bytes, max_width: int = 80) -> str:
    """SPARQL JSON results as an aligned text table."""
    data = json.loads(results_json)
    if "boolean" in data:
        return "true" if data["boolean"] else "false"
    names = data["head"]["vars"]
    rows = [[_cell(b.get(n)) for n in names] for b in data["results"]["bindings"]]
    rows = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in rows]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join([line, sep, *body, f"({len(rows)} ligne{'s' if len(rows) != 1 else ''})"])


def run_query(store: Store, query: str, fmt: str = "table") -> str | bytes:
    """Run any SPARQL query; return text for `table`, bytes in the other formats."""
    if fmt == "table":
        kind, data = store.query_serialized(query, "json")
        if kind == "graph":
            return store.query_serialized(query, "turtle")[1].decode()
        return render_table(data)
    rdf_fmt = "turtle" if fmt in ("turtle", "table") else fmt
    kind, data = store.query_serialized(query, fmt)
    if kind == "graph" and fmt != "turtle":
        # CONSTRUCT/DESCRIBE asked for a results format: Turtle (or JSON-LD for json).
        kind, data = store.query_serialized(query, "jsonld" if fmt == "json" else rdf_fmt)
    return data
