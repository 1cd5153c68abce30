"""/figures: the Céreq survey and the registry's counts as charts (Chart.js from npm, served by the
app), each with its data (table, CSV) and the SPARQL query that produces it, opened in /query.
Numbers come from cqpi_graph.figures; the JSON twin (?format=json) is the same list."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, url_for

from cqpi_graph.figures import figure, figures, find_spec

from ..builder import vendor_installed
from ..graph import lang, store
from ..render import json_requested

bp = Blueprint("figures", __name__, template_folder="templates")


@bp.get("/figures")
def page():  # noqa: ANN201
    figs = figures(store(), lang())
    if json_requested():
        return jsonify([f.to_dict() for f in figs])
    alternates = [
        {"type": "application/json", "name": "JSON", "href": url_for("figures.page", format="json")}
    ]
    return render_template(
        "figures/figures.html",
        figures=figs,
        charts=vendor_installed("chart.umd.min.js"),
        alternates=alternates,
    )


@bp.get("/figures/<name>.csv")
def csv_file(name: str):  # noqa: ANN201
    spec = find_spec(name)
    if spec is None:
        abort(404)
    fig = figure(store(), spec, lang())
    resp = Response(fig.csv(), mimetype="text/csv")
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}-{lang()}.csv"'
    return resp
