"""The visual query builder (Sparnatural) beside YASGUI, and the browser libraries from npm.

- GET /query/builder: Sparnatural configured from the ontology (cqpi_graph.querybuilder), its
  SPARQL shown and run in YASGUI on the local /sparql; the built query is kept in the address
  (?q=… Sparnatural's JSON) so that the page is a shareable link, and opens in /query.
- GET /query/builder/config.ttl: that configuration (SHACL, Turtle), generated from ontology/.
- GET /static/vendor/lib/<name>: the npm files the pages use (web/node_modules, installed by
  ``npm ci --prefix web``), never a CDN.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request, send_from_directory, url_for

from cqpi_graph.querybuilder import builder_config

bp = Blueprint("builder", __name__, template_folder="templates")

MODULES = Path(__file__).resolve().parent.parent / "node_modules"
# name served -> (file under node_modules, media type)
VENDOR = {
    "sparnatural.js": ("sparnatural/dist/browser/sparnatural.js", "application/javascript"),
    "sparnatural.css": ("sparnatural/dist/browser/sparnatural.css", "text/css"),
    "chart.umd.min.js": ("chart.js/dist/chart.umd.min.js", "application/javascript"),
}


def vendor_installed(name: str) -> bool:
    return name in VENDOR and (MODULES / VENDOR[name][0]).is_file()


@bp.get("/static/vendor/lib/<name>")
def vendor(name: str):  # noqa: ANN201
    if not vendor_installed(name):
        abort(404)
    rel, media = VENDOR[name]
    path = MODULES / rel
    return send_from_directory(path.parent, path.name, mimetype=media, max_age=86400)


_CONFIG: dict[str, str] = {}


@bp.get("/query/builder/config.ttl")
def config():  # noqa: ANN201
    if "ttl" not in _CONFIG:  # the ontology ships with the code: one generation per process
        _CONFIG["ttl"] = builder_config()
    resp = Response(_CONFIG["ttl"], mimetype="text/turtle")
    resp.headers["Content-Type"] = "text/turtle; charset=utf-8"
    return resp


@bp.get("/query/builder")
def page():  # noqa: ANN201
    from ..sparql import YASGUI_DIR

    return render_template(
        "builder/builder.html",
        ready=vendor_installed("sparnatural.js") and (YASGUI_DIR / "yasgui.min.js").is_file(),
        saved=request.args.get("q", ""),
        config_url=url_for("builder.config"),
        endpoint=url_for("sparql.endpoint"),
    )
