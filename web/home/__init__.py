"""Home page: search box, the CQPI, the branches, the graph in figures (JSON twin by Accept /
format=json). Everything comes from the generation's search database and facet table (built by
`cqpi build`): no query over the graph."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from ..graph import holder, lang
from ..links import resource_url
from ..search.index import get_index
from ..security import wants_json

bp = Blueprint("home", __name__, template_folder="templates")


def _figures(overview: dict[str, dict[str, int]]) -> dict[str, int]:
    family, kinds, classes = overview.get("family", {}), overview.get("kinds", {}), overview.get("class", {})
    return {
        "certifications": family.get("certification", 0),
        "cqpi": kinds.get("CQPI", 0),
        "cqp": kinds.get("CQP", 0),
        "blocs": family.get("bloc", 0),
        "branches": family.get("branch", 0),
        "recognitions": classes.get("Reconnaissance", 0),
        "rome": family.get("job", 0),
    }


def _links(hits: list) -> list[dict]:
    return [{"iri": h.iri, "label": h.label, "href": resource_url(h.iri)} for h in hits]


@bp.get("/")
def index():  # noqa: ANN201
    ix = get_index(holder())
    lg = lang()
    overview = ix.overview()
    counts = _figures(overview)
    cqpi = _links(ix.entries("kind", "CQPI", lg))
    cqp = _links([h for h in ix.entries("kinds", "CQP", lg, 60) if h.kind != "CQPI"][:50])
    branches = _links(ix.entries("family", "branch", lg))
    if request.args.get("format") == "json" or wants_json():
        return jsonify(
            {
                "counts": counts,
                "kinds": overview.get("kind", {}),
                "levels": overview.get("level", {}),
                "status": overview.get("status", {}),
                "cqpi": [{"iri": x["iri"], "label": x["label"], "url": x["href"]} for x in cqpi],
                "branches": [{"iri": x["iri"], "label": x["label"], "url": x["href"]} for x in branches],
            }
        )
    kinds = sorted(overview.get("kind", {}).items(), key=lambda kv: -kv[1])
    levels = sorted(overview.get("level", {}).items(), key=lambda kv: int(kv[0]))
    alternates = [{"type": "application/json", "name": "JSON", "href": url_for("home.index", format="json")}]
    return render_template(
        "home/index.html",
        alternates=alternates,
        counts=counts,
        kinds=[(k, ix.name(k, lg), n) for k, n in kinds],
        levels=[(k, ix.name(k, lg), n) for k, n in levels],
        status=overview.get("status", {}),
        cqpi=cqpi,
        cqp=cqp,
        branches=branches,
    )
