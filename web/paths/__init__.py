"""Path explorer: from/to (codes, sigles or IRIs as typed; « from » may list a person's
certifications, comma-separated), the declared paths first with what is left to pass at each step,
then the estimate from the competences (dashed, each bloc expandable to its evidence), and a
printable « plan de parcours ». A thin layer over cqpi_graph.paths and cqpi_graph.gap: the JSON
twin is the library result's `to_dict()`."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from cqpi_graph.errors import InputError, NotFoundError
from cqpi_graph.gap import plan
from cqpi_graph.gap.explore import explore_path, explore_reach

from ..forms import unknown
from ..graph import lang, store
from ..i18n import EN
from ..i18n import gettext as _
from ..links import resource_url
from ..render import json_requested, render
from .messages import GAP_EN

bp = Blueprint(
    "paths", __name__, template_folder="templates", static_folder="static", static_url_path="/paths/static"
)
EN.update({k: v for k, v in GAP_EN.items() if k not in EN})


def _alternatives() -> int:
    try:
        return max(0, min(int(request.args.get("alternatives", 2)), 10))
    except ValueError:
        return 2


def _sources(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()][:10]


@bp.get("/paths")
def explorer():  # noqa: ANN201
    a = request.args.get("from", "").strip()[:300]
    b = request.args.get("to", "").strip()[:300]
    k = _alternatives()
    form = {"a": a, "b": b, "k": k, "href": _href}
    if not _sources(a) and b:
        return _missing_from(form)
    if not _sources(a):
        return render(None, "paths/paths.html", mode="form", **form)
    try:
        if b:
            res = explore_path(store(), _sources(a), b, alternatives=k, lang=lang())
            return render(res, "paths/paths.html", mode="path", **form)
        res = explore_reach(store(), _sources(a), limit=100, lang=lang())
        return render(res, "paths/paths.html", mode="reach", **form)
    except NotFoundError as exc:
        return _not_found(exc, "paths/paths.html", form)


@bp.get("/paths/plan")
def plan_page():  # noqa: ANN201
    """The printable plan of a person (from: their certifications) towards a target (to)."""
    a = request.args.get("from", "").strip()[:300]
    b = request.args.get("to", "").strip()[:300]
    form = {"a": a, "b": b, "k": 2, "href": _href}
    if not _sources(a) and b:
        return _missing_from(form)
    if not _sources(a) or not b:
        return render(None, "paths/paths.html", mode="form", **form)
    try:
        p = plan(store(), _sources(a), b, lang=lang())
        return render(p, "paths/plan.html", today=date.today().isoformat(), **form)
    except NotFoundError as exc:
        return _not_found(exc, "paths/paths.html", form)


def _not_found(exc: NotFoundError, template: str, form: dict):  # noqa: ANN202
    if json_requested():
        raise exc
    page = render_template(template, result=None, mode="form", unknown=unknown(exc), **form)
    return page, 404


def _missing_from(form: dict):  # noqa: ANN202
    """« to » without « from »: said, not an empty form."""
    if json_requested():
        raise InputError("donnez au moins une certification de départ (from)", field="from")
    error = _("Indiquez au moins une certification de départ.")
    return render_template("paths/paths.html", result=None, mode="form", error=error, **form), 400


def _href(iri: str) -> str | None:
    """A link for a certification node (none for the made-up « CQP of branch X » targets)."""
    return resource_url(iri) if "#" not in iri else None
