"""What a form page says when what a person typed names no certification (or several): « code
inconnu » with the text as typed, and the near matches as links that put each one in the form."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import request

from cqpi_graph.errors import NotFoundError

from .i18n import gettext as _


@dataclass(frozen=True)
class NearMatch:
    text: str  # as the catalog displays it: « CODE [kind] label »
    href: str  # the same form with the typed text replaced by this match's code


@dataclass(frozen=True)
class Unknown:
    heading: str
    query: str
    detail: str
    near: tuple[NearMatch, ...]


def unknown(exc: NotFoundError) -> Unknown:
    heading = _("Plusieurs certifications correspondent") if exc.ambiguous else _("Code inconnu")
    near = tuple(_near(exc.query, s) for s in exc.suggestions)
    return Unknown(heading, exc.query, not_found_detail(exc), near)


def not_found_detail(exc: NotFoundError) -> str:
    """The library's message in the page's language: rebuilt from what was typed when it is known
    (the library words it in French), as is otherwise."""
    if not exc.query:
        return str(exc).split(" — ")[0]
    if exc.ambiguous:
        return _("« {query} » désigne plusieurs certifications").format(query=exc.query)
    if exc.query.startswith("http"):
        return _("aucune certification d'IRI <{query}>").format(query=exc.query)
    return _("aucune certification de code ou d'intitulé « {query} »").format(query=exc.query)


def _near(query: str, suggestion: str) -> NearMatch:
    code = suggestion.split(" ")[0]
    args = []
    for key, value in request.args.items(multi=True):
        if key == "format":
            continue
        args.append((key, value.replace(query, code) if query and query in value else value))
    return NearMatch(suggestion, f"{request.path}?{urlencode(args)}")
