"""A page per resource, dereferenceable: HTML for browsers, Turtle / JSON-LD / N-Triples by
Accept or by suffix (.ttl, .jsonld, .nt). /resource/<path> and /id/<path> answer for
https://w3id.org/cqpi/id/<path>; /resource?iri=… for any other IRI of the graph."""

from __future__ import annotations

import difflib

from flask import Blueprint, Response, abort, render_template, request, url_for

from cqpi_graph.namespaces import ID

from ..graph import ask, holder, iri_ok, label, local_path, store
from ..links import resource_url
from ..search.index import get_index
from . import profiles

bp = Blueprint("resource", __name__, template_folder="templates")

RDF_TYPES = {
    "turtle": ("text/turtle", ".ttl"),
    "jsonld": ("application/ld+json", ".jsonld"),
    "ntriples": ("application/n-triples", ".nt"),
}
SUFFIXES = {suffix: fmt for fmt, (_, suffix) in RDF_TYPES.items()}
# Registry profiles of a certification (profiles.py): suffix → (profile, format)
PROFILE_SUFFIXES = {
    ".schema.jsonld": ("schemaorg", "jsonld"),
    ".elm.ttl": ("elm", "turtle"),
    ".elm.jsonld": ("elm", "jsonld"),
}
MIME = {mime: fmt for fmt, (mime, _) in RDF_TYPES.items()}
MIME["application/x-turtle"] = "turtle"
MIME["text/n3"] = "turtle"
MIME["application/json"] = "jsonld"
MIME["text/plain"] = "ntriples"


def negotiate() -> str | None:
    """The RDF format asked for by ?format= or Accept, or None for HTML."""
    fmt = request.args.get("format")
    if fmt in RDF_TYPES:
        return fmt
    if fmt in ("ttl", "nt"):
        return {"ttl": "turtle", "nt": "ntriples"}[fmt]
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", "application/xhtml+xml", *RDF_TYPES_MIMES])
    if best in (None, "text/html", "application/xhtml+xml"):
        return None
    # text/plain or */* alone should not beat HTML for browsers
    if accept[best] <= accept["text/html"] and "text/html" in accept.values():
        return None
    return MIME.get(best)


RDF_TYPES_MIMES = [
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/x-turtle",
    "text/n3",
]


def exists(iri: str) -> bool:
    return ask(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}")


def rdf_description(iri: str, fmt: str) -> Response:
    s = f"<{iri}>"
    nt = store().construct(
        f"""CONSTRUCT {{ {s} ?p ?o . ?x ?q {s} . ?o rdfs:label ?ol }} WHERE {{
              {{ {s} ?p ?o OPTIONAL {{ ?o rdfs:label ?ol FILTER(isIRI(?o)) }} }}
              UNION {{ SELECT ?x ?q WHERE {{ ?x ?q {s} }} LIMIT 2000 }} }}""",
        "ntriples",
    )
    if fmt == "ntriples":
        data = nt
    else:  # re-serialised with the common prefixes, so that the Turtle reads well
        import pyoxigraph as ox

        from cqpi_graph.namespaces import PREFIXES

        triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
        fmt_ox = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.JSON_LD
        data = ox.serialize(triples, format=fmt_ox, prefixes={**PREFIXES, "id": ID})
    mime = RDF_TYPES[fmt][0]
    resp = Response(data, mimetype=mime)
    if mime.startswith("text/"):
        resp.headers["Content-Type"] = f"{mime}; charset=utf-8"
    resp.vary.add("Accept")
    return resp


def suggestions(text: str) -> list[dict]:
    index = get_index(holder())
    tail = text.rstrip("/").rsplit("/", 1)[-1]
    _, found = index.search(tail, limit=8) if tail else (0, [])
    out = {e.iri for e in found}
    paths = {local_path(i): i for i in index.entries if local_path(i)}
    for near in difflib.get_close_matches(text, list(paths), n=8, cutoff=0.6):
        out.add(paths[near])
    return [
        {"iri": i, "url": resource_url(i), "label": label(i), "kind": local_path(i) or i}
        for i in list(out)[:10]
    ]


def not_found(text: str):  # noqa: ANN201
    from ..i18n import gettext as _
    from ..security import wants_json

    sugg = suggestions(text)
    if wants_json() or negotiate():
        return {"error": "not found", "iri": text, "suggestions": [s["iri"] for s in sugg]}, 404
    return render_template(
        "error.html",
        status=404,
        title=_("Ressource introuvable"),
        message=_("Aucune ressource ne porte cet identifiant.") + f" ({text})",
        suggestions=sugg,
    ), 404


def show_resource(iri: str, fmt: str | None, profile: str | None = None):  # noqa: ANN201
    if not iri_ok(iri):
        abort(400, "IRI invalide")
    if not exists(iri):
        return not_found(local_path(iri) or iri)
    if profile == "schemaorg":
        return profiles.schemaorg_response(iri)
    if profile == "elm":
        return profiles.elm_response(iri, fmt if fmt in profiles.ELM_TYPES else "turtle")
    if profile:
        abort(404, f"profil inconnu « {profile} » (schemaorg, elm)")
    if fmt:
        return rdf_description(iri, fmt)
    from .computed import computed_view
    from .model import describe

    d = describe(iri)
    base = resource_url(iri)

    def twin(suffix: str, query: str) -> str:
        return f"{base}&{query}" if "?" in base else base + suffix

    alternates = []
    for f, (mime, suffix) in RDF_TYPES.items():
        alternates.append(
            {
                "type": mime,
                "href": twin(suffix, "format=" + f),
                "name": {"turtle": "Turtle", "jsonld": "JSON-LD", "ntriples": "N-Triples"}[f],
            }
        )
    prof = profiles.page_profiles(iri) if d["is_cert"] else None
    schema_json = None
    if prof is not None:
        schema_json = profiles.script_json(prof["schemaorg"])
        alternates.append(
            {
                "type": "application/ld+json",
                "name": "schema.org",
                "href": twin(".schema.jsonld", "profile=schemaorg"),
            }
        )
        if not prof["elm_missing"]:
            alternates.append(
                {"type": "text/turtle", "name": "ELM", "href": twin(".elm.ttl", "profile=elm&format=turtle")}
            )
            alternates.append(
                {
                    "type": "application/ld+json",
                    "name": "ELM JSON-LD",
                    "href": twin(".elm.jsonld", "profile=elm&format=jsonld"),
                }
            )
    resp = Response(
        render_template(
            "resource/resource.html",
            d=d,
            title=label(iri),
            alternates=alternates,
            schema_json=schema_json,
            elm_missing=prof["elm_missing"] if prof else None,
            computed=computed_view(iri) if d["is_cert"] else None,
            sparql_url=url_for("sparql.editor", query=f"DESCRIBE <{iri}>"),
        )
    )
    resp.vary.add("Accept")
    return resp


@bp.get("/id/<path:path>")
def show_id(path: str):  # noqa: ANN201
    """The IRI's own path (https://w3id.org/cqpi/id/… redirected here) answers like /resource/…."""
    return show(path)


@bp.get("/resource/<path:path>")
def show(path: str):  # noqa: ANN201
    for suffix, (prof, f) in PROFILE_SUFFIXES.items():
        if path.endswith(suffix):
            return show_resource(ID + path[: -len(suffix)], f, prof)
    fmt = None
    for suffix, f in SUFFIXES.items():
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            fmt = f
            break
    return show_resource(ID + path, fmt or negotiate(), request.args.get("profile"))


@bp.get("/resource")
@bp.get("/resource/")
def show_iri():  # noqa: ANN201
    iri = request.args.get("iri", "").strip()
    if not iri:
        abort(404)
    return show_resource(iri, negotiate(), request.args.get("profile"))
