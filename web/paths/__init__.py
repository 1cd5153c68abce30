"""Path explorer: from/to (codes, sigles or IRIs as typed), the best paths with what is left to
pass at each step, alternatives, and `reach` from one certification. A thin layer over
cqpi_graph.paths: the JSON twin is the library result's `to_dict()`."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from cqpi_graph.errors import NotFoundError
from cqpi_graph.paths import find_paths, reach

from ..graph import lang, store
from ..links import resource_url
from ..render import json_requested, render

bp = Blueprint("paths", __name__, template_folder="templates")


def _alternatives() -> int:
    try:
        return max(0, min(int(request.args.get("alternatives", 2)), 10))
    except ValueError:
        return 2


@bp.get("/paths")
def explorer():  # noqa: ANN201
    a = request.args.get("from", "").strip()[:300]
    b = request.args.get("to", "").strip()[:300]
    k = _alternatives()
    form = {"a": a, "b": b, "k": k, "href": _href}
    if not a:
        return render(None, "paths/paths.html", mode="form", **form)
    try:
        if b:
            return render(
                find_paths(store(), a, b, alternatives=k, lang=lang()),
                "paths/paths.html",
                mode="path",
                **form,
            )
        return render(reach(store(), a, limit=100, lang=lang()), "paths/paths.html", mode="reach", **form)
    except NotFoundError as exc:
        if json_requested():
            raise
        page = render_template(
            "paths/paths.html",
            result=None,
            mode="form",
            error=str(exc).split(" — ")[0],
            suggestions=exc.suggestions,
            **form,
        )
        return page, 404


def _href(iri: str) -> str | None:
    """A link for a certification node (none for the made-up « CQP of branch X » targets)."""
    return resource_url(iri) if "#" not in iri else None
