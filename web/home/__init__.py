"""Home page: search box, the CQPI, the branches, a few figures (JSON twin by Accept / format=json)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from ..graph import select
from ..links import view_iris
from ..security import wants_json

bp = Blueprint("home", __name__, template_folder="templates")


@bp.get("/")
def index():  # noqa: ANN201
    cqpi = [r["c"].value for r in select("SELECT DISTINCT ?c WHERE { ?c a cq:CQPI }") if r["c"].kind == "uri"]
    cqp = [
        r["c"].value
        for r in select(
            "SELECT DISTINCT ?c WHERE { ?c a cq:CQP FILTER NOT EXISTS { ?c a cq:CQPI } } LIMIT 50"
        )
        if r["c"].kind == "uri"
    ]
    branches = [
        r["b"].value
        for r in select("SELECT DISTINCT ?b WHERE { ?b a cq:Branche } LIMIT 200")
        if r["b"].kind == "uri"
    ]
    counts = {
        r["k"].value: int(r["n"].value)
        for r in select(
            """SELECT ?k (COUNT(DISTINCT ?x) AS ?n) WHERE {
                 VALUES (?k ?t) { ("certifications" cq:Certification) ("cqpi" cq:CQPI) ("cqp" cq:CQP)
                   ("blocs" cq:BlocDeCompetences) ("branches" cq:Branche)
                   ("recognitions" cq:Reconnaissance) ("rome" cq:MetierROME) }
                 ?x a ?t } GROUP BY ?k"""
        )
    }
    data = {
        "cqpi": view_iris(cqpi),
        "cqp": view_iris(cqp),
        "branches": view_iris(branches),
        "counts": counts,
    }
    if request.args.get("format") == "json" or wants_json():
        return jsonify(
            {
                "counts": counts,
                "cqpi": [{"iri": x["iri"], "label": x["label"], "url": x["href"]} for x in data["cqpi"]],
                "branches": [
                    {"iri": x["iri"], "label": x["label"], "url": x["href"]} for x in data["branches"]
                ],
            }
        )
    alternates = [{"type": "application/json", "name": "JSON", "href": url_for("home.index", format="json")}]
    return render_template("home/index.html", alternates=alternates, **data)
