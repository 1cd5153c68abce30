"""Socle explorer: the competences several certifications (or a branch, or one CQPI) share, and
their pairwise overlap; computed alignments on or off. A thin layer over cqpi_graph.socle: the
JSON twin is the library result's `to_dict()`."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from cqpi_graph.catalog import load_catalog
from cqpi_graph.errors import NotFoundError
from cqpi_graph.socle import SocleResult, similar, socle

from ..forms import unknown
from ..graph import lang, store
from ..links import resource_url
from ..render import json_requested, render

bp = Blueprint("socle", __name__, template_folder="templates")


def _items() -> list[str]:
    """The certifications as typed, one entry per `cert` field (the library splits each one:
    codes separated by spaces or commas, labels, IRIs)."""
    return [v.strip()[:500] for v in request.args.getlist("cert") if v.strip()][:20]


def _context(items: list[str], branch: str, computed: bool) -> dict:
    cat = load_catalog(store())
    options = sorted(((b, cat.branch(b, lang()).label) for b in cat.branches()), key=lambda x: x[1].lower())
    return {
        "items": items,
        "branch": branch,
        "computed": computed,
        "branch_options": options,
        "href": resource_url,
    }


@bp.get("/socle")
def explorer():  # noqa: ANN201
    items = _items()
    branch = request.args.get("branch", "").strip()[:200]
    computed = request.args.get("computed") in ("1", "on", "true")
    ctx = _context(items, branch, computed)
    if not items and not branch:
        return render(None, "socle/socle.html", **ctx)
    try:
        result = socle(store(), items, branch=branch or None, computed=computed)
    except NotFoundError as exc:
        if json_requested():
            raise
        page = render_template("socle/socle.html", result=None, unknown=unknown(exc), **ctx)
        return page, 404
    return render(result, "socle/socle.html", pairs=_pairs(result), **_shown(result), **ctx)


def _pairs(result: SocleResult) -> dict[tuple[str, str], object]:
    out: dict[tuple[str, str], object] = {}
    for p in result.pairs:
        out[(p.a, p.b)] = out[(p.b, p.a)] = p
    return out


def _shown(result: SocleResult) -> dict:
    """What the page names: each certification by its code (its label when it has none), the
    branch by its label, and the certifications whose competences are unknown (none published)."""
    cat = load_catalog(store())
    codes = {n.iri: n.codes[0] if n.codes else n.label for n in result.nodes}
    return {
        "codes": codes,
        "unknown_iris": [n.iri for n in result.nodes if not result.sizes.get(n.iri)],
        "branch_label": cat.branch(result.branch, lang()).label if result.branch else "",
    }


@bp.get("/similar")
def similar_page():  # noqa: ANN201
    """The certifications and ROME jobs sharing the most competences with one certification (or
    ROME job) as typed: code, sigle, label."""
    x = request.args.get("x", "").strip()[:300]
    computed = request.args.get("computed") in ("1", "on", "true")
    kind = request.args.get("kind", "all")
    kind = kind if kind in ("all", "certification", "rome") else "all"
    ctx = {"x": x, "computed": computed, "kind": kind, "href": resource_url}
    if not x:
        return render(None, "socle/similar.html", **ctx)
    try:
        result = similar(store(), x, 20, kind=kind, computed=computed)
    except NotFoundError as exc:
        if json_requested():
            raise
        return render_template("socle/similar.html", result=None, unknown=unknown(exc), **ctx), 404
    return render(result, "socle/similar.html", **ctx)
