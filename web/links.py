"""URLs of resources: /resource/<path> for the project's IRIs, /resource?iri=… for the others."""

from __future__ import annotations

from urllib.parse import quote

from flask import request, url_for

from cqpi_graph.store import Term

from .graph import label, labels, local_path


def resource_url(iri: str) -> str:
    """/resource/<path> (what url_for gives, joined by hand: a page links hundreds of resources)."""
    path = local_path(iri)
    if path is not None and "?" not in path and "#" not in path:
        return f"{request.script_root}/resource/{quote(path, safe=_SAFE)}"
    key = (request.script_root, iri)
    url = _OTHER_URLS.get(key)
    if url is None:
        if len(_OTHER_URLS) > 50_000:
            _OTHER_URLS.clear()
        url = _OTHER_URLS[key] = url_for("resource.show_iri", iri=iri)
    return url


_OTHER_URLS: dict[tuple[str, str], str] = {}  # IRIs outside the project's namespace: their URL


# What werkzeug's URL builder leaves unquoted in a path segment (and '/' between segments).
_SAFE = "/!$&'()*+,;=:@-._~"


def is_local(iri: str) -> bool:
    return local_path(iri) is not None


def view_term(t: Term, names: dict[str, str] | None = None) -> dict:
    """A term ready for a template: label and link (HTML escaping is Jinja's job)."""
    if t.kind == "uri":
        lbl = names[t.value] if names and t.value in names else label(t.value)
        return {"kind": "uri", "iri": t.value, "label": lbl, "href": resource_url(t.value), "external": False}
    if t.kind == "bnode":
        return {"kind": "bnode", "label": "_:" + t.value, "lang": None}
    return {"kind": "literal", "label": t.value, "lang": t.lang, "datatype": t.datatype}


def view_iri(iri: str, names: dict[str, str] | None = None) -> dict:
    return view_term(Term("uri", iri), names)


def view_iris(iris: list[str]) -> list[dict]:
    names = labels(iris)
    return sorted((view_iri(i, names) for i in dict.fromkeys(iris)), key=lambda d: d["label"].lower())
