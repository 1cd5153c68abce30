"""/def: the vocabulary of the graph (classes and properties of https://w3id.org/cqpi/def#), one
anchor per term (/def#Certification is the term's own page), Turtle or JSON by Accept/format=."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from cqpi_graph.resources import resource_dir
from cqpi_graph.vocabulary import vocabulary

from ..render import json_requested

bp = Blueprint("vocab", __name__, template_folder="templates")


def _turtle_requested() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "text/turtle"])
    return request.args.get("format") == "turtle" or best == "text/turtle"


@bp.get("/def")
def page():  # noqa: ANN201
    terms = vocabulary()
    if json_requested():
        return jsonify([t.to_dict() for t in terms])
    if _turtle_requested():
        text = (resource_dir("ontology") / "cqpi.ttl").read_text(encoding="utf-8")
        return Response(text, content_type="text/turtle; charset=utf-8")
    names = {t.iri: t for t in terms}
    alternates = [
        {"type": "text/turtle", "name": "Turtle", "href": url_for("vocab.page", format="turtle")},
        {"type": "application/json", "name": "JSON", "href": url_for("vocab.page", format="json")},
    ]
    return render_template(
        "vocab/def.html",
        classes=[t for t in terms if t.kind == "class"],
        properties=[t for t in terms if t.kind != "class"],
        names=names,
        alternates=alternates,
    )
