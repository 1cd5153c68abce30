"""URLs of resources: /resource/<path> for the project's IRIs, /resource?iri=… for the others."""

from __future__ import annotations

from urllib.parse import quote

from flask import request, url_for

from .graph import local_path


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
