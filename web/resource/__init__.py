"""A page per resource, dereferenceable: HTML for browsers, Turtle / N-Triples / RDF/XML / JSON-LD /
N3 by Accept, `format=` or suffix (.ttl, .nt, .rdf, .jsonld, .html), and TriG / N-Quads (.trig,
.nq) where the named graph of each statement (its provenance) matters. Nothing acceptable: 406.

/id/<path> is the path of the IRI https://w3id.org/cqpi/id/<path> (w3id redirects there): the IRI
names a certification, an organisation…, not a document, so it answers 303 See Other to the
document that describes it in the negotiated format (/resource/<path>.ttl, or /resource/<path>
for HTML). /resource?iri=… serves any other IRI of the graph. Every answer says what it is and
what else there is: `Content-Location`, `Link: <…>; rel="alternate"` and `Vary: Accept`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from cqpi_graph.catalog import load_catalog
from cqpi_graph.describe import Description, describe, exists
from cqpi_graph.namespaces import ID, is_rome_job

from ..graph import holder, iri_ok, labels, lang, local_path, store
from ..i18n import EN
from ..links import resource_url
from ..negotiation import HTML, RDF, Format, alternates_link, pick, set_headers
from ..page_messages import PAGES_EN
from ..search.index import get_index
from . import profiles

bp = Blueprint(
    "resource",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/resource",
)
EN.update({k: v for k, v in PAGES_EN.items() if k not in EN})
CYTOSCAPE = Path(__file__).resolve().parent.parent / "node_modules" / "cytoscape" / "dist"
bp.add_app_template_global(resource_url, "resource_url")

OFFERED = (HTML, *RDF)  # HTML first: a browser's */* gets the page
SUFFIXES = {f.suffix: f for f in OFFERED if f.suffix}
# Registry profiles of a certification (profiles.py): suffix → (profile, format)
PROFILE_SUFFIXES = {
    ".page.json": ("page", "json"),
    ".neighbourhood.json": ("neighbourhood", "json"),
    ".schema.jsonld": ("schemaorg", "jsonld"),
    ".elm.ttl": ("elm", "turtle"),
    ".elm.jsonld": ("elm", "jsonld"),
}
DESCRIBE_LIMIT = 2000  # statements pointing at the resource, in its description


def negotiate() -> Format:
    """The representation asked for by `format=`/`output=` or Accept (NotAcceptable: 406)."""
    return pick(OFFERED)


def representation_url(iri: str, fmt: Format) -> str:
    """The URL of one representation: /resource/<path>.ttl, or ?iri=…&format=turtle."""
    base = resource_url(iri)
    if "?" in base or not fmt.suffix:
        return f"{base}{'&' if '?' in base else '?'}format={fmt.key}"
    return base + fmt.suffix


def link_header(iri: str) -> str:
    return alternates_link((representation_url(iri, f), f) for f in OFFERED)


def _description_ntriples(iri: str) -> bytes:
    s = f"<{iri}>"
    return store().construct(
        f"""CONSTRUCT {{ {s} ?p ?o . ?x ?q {s} . ?o rdfs:label ?ol }} WHERE {{
              {{ {s} ?p ?o OPTIONAL {{ ?o rdfs:label ?ol FILTER(isIRI(?o)) }} }}
              UNION {{ SELECT ?x ?q WHERE {{ ?x ?q {s} }} LIMIT {DESCRIBE_LIMIT} }} }}""",
        "ntriples",
    )


def _description_nquads(iri: str) -> bytes:
    """The same statements with the named graph that holds each one (where it comes from)."""
    s = f"<{iri}>"
    rows = store().select(
        f"""SELECT ?s ?p ?o ?g WHERE {{
              {{ GRAPH ?g {{ {s} ?p ?o }} BIND({s} AS ?s) }}
              UNION {{ SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p {s} }} BIND({s} AS ?o) }}
                       LIMIT {DESCRIBE_LIMIT} }} }}"""
    )
    lines = [f"{r['s'].n3()} {r['p'].n3()} {r['o'].n3()} {r['g'].n3()} .\n" for r in rows if "g" in r]
    return "".join(lines).encode()


def rdf_description(iri: str, fmt: Format) -> BaseResponse:
    import pyoxigraph as ox

    from cqpi_graph.namespaces import PREFIXES

    if fmt.kind == "dataset":
        nq = _description_nquads(iri)
        quads = list(ox.parse(nq, format=ox.RdfFormat.N_QUADS))
        data = (
            nq
            if fmt.key == "nquads"
            else ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes={**PREFIXES, "id": ID})
        )
    else:
        nt = _description_ntriples(iri)
        if fmt.key == "ntriples":
            data = nt
        else:  # re-serialised with the common prefixes, so that it reads well
            out = {
                "turtle": ox.RdfFormat.TURTLE,
                "jsonld": ox.RdfFormat.JSON_LD,
                "rdfxml": ox.RdfFormat.RDF_XML,
            }
            triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
            data = ox.serialize(triples, format=out[fmt.store], prefixes={**PREFIXES, "id": ID})
    resp = Response(data, mimetype=fmt.media)
    if fmt.media.startswith("text/"):
        resp.headers["Content-Type"] = f"{fmt.media}; charset=utf-8"
    return set_headers(resp, representation_url(iri, fmt), link_header(iri))


def suggestions(text: str) -> list[dict]:
    """Near matches of an unknown identifier: the search index's first hits for its last segment
    (codes first, then words; the last word as a prefix)."""
    index = get_index(holder())
    tail = text.rstrip("/").rsplit("/", 1)[-1]
    found = index.near(tail, 10, lang()).hits if tail else []
    return [
        {"iri": h.iri, "url": resource_url(h.iri), "label": h.label, "kind": local_path(h.iri) or h.iri}
        for h in found
    ]


def not_found(text: str, fmt: Format | None, as_json: bool = False):  # noqa: ANN201
    from ..i18n import gettext as _
    from ..security import wants_json

    sugg = suggestions(text)
    title = _("Ressource introuvable")
    message = _("Aucune ressource ne porte cet identifiant.") + f" ({text})"
    if as_json or wants_json() or (fmt is not None and fmt is not HTML):
        # the same body as every JSON error (web/security.py), in the language asked for
        body = {"error": title, "message": message, "status": 404, "iri": text}
        return {**body, "suggestions": [s["iri"] for s in sugg]}, 404
    return render_template("error.html", status=404, title=title, message=message, suggestions=sugg), 404


def show_resource(iri: str, fmt: Format | None = None, profile: str | None = None, profile_fmt: str = ""):  # noqa: ANN201
    """One resource: a registry profile when asked, else `fmt` (None: negotiated)."""
    if not iri_ok(iri):
        abort(400, "IRI invalide")
    if profile is None and fmt is None:
        fmt = negotiate()  # a 406 before anything is read
    if not exists(store(), iri):
        return not_found(local_path(iri) or iri, fmt, as_json=profile in ("page", "neighbourhood"))
    if profile == "page":
        return page_json(iri)
    if profile == "neighbourhood":
        return neighbourhood_json(iri)
    if profile == "schemaorg":
        return profiles.schemaorg_response(iri)
    if profile == "elm":
        return profiles.elm_response(iri, profile_fmt if profile_fmt in profiles.ELM_TYPES else "turtle")
    if profile:
        abort(404, f"profil inconnu « {profile} » (schemaorg, elm)")
    if fmt is not None and fmt is not HTML:
        return rdf_description(iri, fmt)
    return html_page(iri)


def _profile_alternates(iri: str, prof: dict) -> list[dict]:
    def twin(suffix: str, query: str) -> str:
        return _twin(iri, suffix, query)

    out = [
        {
            "type": "application/ld+json",
            "name": "schema.org",
            "href": twin(".schema.jsonld", "profile=schemaorg"),
        }
    ]
    if not prof["elm_missing"]:
        out.append(
            {"type": "text/turtle", "name": "ELM", "href": twin(".elm.ttl", "profile=elm&format=turtle")}
        )
        out.append(
            {
                "type": "application/ld+json",
                "name": "ELM JSON-LD",
                "href": twin(".elm.jsonld", "profile=elm&format=jsonld"),
            }
        )
    return out


def description(iri: str) -> Description:
    """The library's description of `iri`, named with the page's (cached) labels."""
    return describe(store(), iri, lang(), labels)


def html_page(iri: str) -> BaseResponse:
    from .computed import computed_view

    d = description(iri)
    alternates = [{"type": f.media, "href": representation_url(iri, f), "name": f.name} for f in RDF]
    alternates.append(
        {"type": "application/json", "href": _twin(iri, ".page.json", "profile=page"), "name": "JSON"}
    )
    prof = profiles.page_profiles(iri) if d.is_cert else None
    schema_json = None
    if prof is not None:
        schema_json = profiles.script_json(prof["schemaorg"])
        alternates += _profile_alternates(iri, prof)
    resp = Response(
        render_template(
            "resource/resource.html",
            d=d,
            title=d.label,
            alternates=alternates,
            schema_json=schema_json,
            elm_missing=prof["elm_missing"] if prof else None,
            computed=computed_view(iri) if d.is_cert or is_rome_job(iri) else None,
            cytoscape=(CYTOSCAPE / "cytoscape.min.js").is_file(),
            neighbourhood_url=_twin(iri, ".neighbourhood.json", "profile=neighbourhood")
            if d.is_cert
            else None,
            sparql_url=url_for("sparql.editor", query=f"DESCRIBE <{iri}>"),
        )
    )
    return set_headers(resp, representation_url(iri, HTML), link_header(iri))


def page_json(iri: str) -> BaseResponse:
    """The page's JSON twin: exactly the library results' `to_dict()` — the description, and
    under "computed" the text model's links (cqpi_graph.textsim), null when there are none."""
    from .computed import computed_links_or_none

    d = description(iri)
    computed = computed_links_or_none(iri) if d.is_cert or is_rome_job(iri) else None
    resp = jsonify({**d.to_dict(), "computed": computed.to_dict() if computed else None})
    return set_headers(resp, _twin(iri, ".page.json", "profile=page"), link_header(iri))


def neighbourhood_json(iri: str) -> BaseResponse:
    """The certification's neighbourhood (nodes and edges) for the interactive graph."""
    from cqpi_graph.neighbourhood import neighbourhood

    from .computed import computed_links_or_none

    computed = computed_links_or_none(iri) if iri in load_catalog(store()) else None
    found = neighbourhood(store(), iri, lang(), labels, computed=computed)
    resp = jsonify(found.to_dict(href=resource_url))
    return set_headers(resp, _twin(iri, ".neighbourhood.json", "profile=neighbourhood"), link_header(iri))


def _twin(iri: str, suffix: str, query: str) -> str:
    base = resource_url(iri)
    return f"{base}&{query}" if "?" in base else base + suffix


def _split_suffix(path: str) -> tuple[str, Format | None, tuple[str, str] | None]:
    """(path without suffix, format named by the suffix, (profile, format) of a profile suffix)."""
    for suffix, prof in PROFILE_SUFFIXES.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], None, prof
    for suffix, f in SUFFIXES.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], f, None
    return path, None, None


@bp.get("/id/<path:path>")
def show_id(path: str):  # noqa: ANN201
    """The IRI itself (https://w3id.org/cqpi/id/… redirects here): 303 See Other to the document
    that describes the resource, in the negotiated representation."""
    bare, fmt, prof = _split_suffix(path)
    args = {k: v for k, v in request.args.lists() if k not in ("format", "output", "results")}
    if prof is None and fmt is None and "profile" not in request.args:
        fmt = negotiate()
    iri = ID + bare
    if not iri_ok(iri):
        abort(400, "IRI invalide")
    if not exists(store(), iri):
        return not_found(bare, fmt)
    if prof is not None or "profile" in request.args:
        target = url_for("resource.show", path=path)
        args = {k: v for k, v in request.args.lists()}
    elif fmt is HTML or fmt is None:
        target = url_for("resource.show", path=bare)
    else:
        target = representation_url(iri, fmt)
    if args:
        target += ("&" if "?" in target else "?") + urlencode(args, doseq=True)
    return set_headers(redirect(target, 303))


@bp.get("/resource/<path:path>")
def show(path: str):  # noqa: ANN201
    bare, fmt, prof = _split_suffix(path)
    if prof is not None:
        return show_resource(ID + bare, profile=prof[0], profile_fmt=prof[1])
    profile = request.args.get("profile")
    return show_resource(ID + bare, fmt, profile, request.args.get("format", ""))


@bp.get("/resource")
@bp.get("/resource/")
def show_iri():  # noqa: ANN201
    iri = request.args.get("iri", "").strip()
    if not iri:
        abort(404)
    return show_resource(iri, None, request.args.get("profile"), request.args.get("format", ""))


@bp.get("/static/vendor/cytoscape/cytoscape.min.js")
def cytoscape_asset():  # noqa: ANN201
    """cytoscape from web/node_modules (`npm ci --prefix web`), never from a CDN."""
    if not (CYTOSCAPE / "cytoscape.min.js").is_file():
        abort(404)
    return send_from_directory(CYTOSCAPE, "cytoscape.min.js", mimetype="text/javascript", max_age=86400)
