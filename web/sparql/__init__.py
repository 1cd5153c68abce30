"""SPARQL 1.1 Protocol endpoint at /sparql (read-only, bounded) and the query page (YASGUI).

- GET /sparql?query=…, POST form (application/x-www-form-urlencoded, `query=`), POST direct
  body (application/sparql-query); `default-graph-uri` / `named-graph-uri` honoured.
- SELECT/ASK: JSON, XML, CSV, TSV; CONSTRUCT/DESCRIBE: Turtle, N-Triples, RDF/XML, JSON-LD, N3,
  TriG, N-Quads — by `format=`/`output=`/`results=` (the names common clients send) or Accept;
  nothing acceptable: 406 with what is offered (web/negotiation.py decides).
- Relative IRIs of a query resolve against https://w3id.org/cqpi/id/ (its own BASE wins).
- GET /sparql without a query: the SPARQL 1.1 Service Description (Turtle, or another RDF format
  by Accept); a browser asking for HTML is sent to the query page.
- Refused: SPARQL Update (403, or 405 for PUT/DELETE), SERVICE (403, unless configured), queries
  over the size cap (413); a syntax error is a 400 with the parser's message and position; a query
  over the time limit or the result cap answers 503 / 400 with a clear message.
"""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from cqpi_graph.messages import Message, msg
from cqpi_graph.store.remote import query_form

from ..i18n import COOKIE, EN, LANGS, tr
from ..negotiation import (
    GRAPHS,
    HTML,
    RDF,
    RESULTS,
    Format,
    NotAcceptable,
    alternates_link,
    pick,
    set_headers,
)
from ..sparql_pool import Outcome, QueryPool
from .guard import is_update, uses_service
from .messages import (
    MISSING_AND_OFFERED,
    MISSING_QUERY,
    READ_ONLY,
    SERVICE_REFUSED,
    SPARQL_EN,
    TOO_MANY,
    UNSUPPORTED_TYPE,
    UPDATE_FORMS_REFUSED,
    UPDATE_REFUSED,
)

bp = Blueprint("sparql", __name__, template_folder="templates")
EN.update({k: v for k, v in SPARQL_EN.items() if k not in EN})

HERE = Path(__file__).resolve().parent
EXAMPLES_DIR = HERE / "examples"
YASGUI_DIR = HERE.parent / "node_modules" / "@zazuko" / "yasgui" / "build"
YASGUI_FILES = {"yasgui.min.js": "application/javascript", "yasgui.min.css": "text/css"}


def pool() -> QueryPool:
    p = current_app.extensions.get("cqpi_sparql_pool")
    if p is None:
        p = QueryPool.from_config(current_app.config)
        current_app.extensions["cqpi_sparql_pool"] = p
    return p


def _asked_lang() -> str | None:
    """The language a request declares: ?lang= (or a form's lang=, as the query pages send it),
    else the site's cookie; None for a client that declares none."""
    for asked in (request.args.get("lang"), g.get("sparql_form_lang"), request.cookies.get(COOKIE)):
        if asked in LANGS:
            return asked
    return None


def _error(status: int, message: Message | str, headers: dict | None = None) -> Response:
    """A plain-text error in the language the request declares; French then English for a client
    that declares none (a SPARQL library, curl)."""
    lang = _asked_lang()
    if lang is not None:
        text = tr(message, lang)
    else:
        fr, en = tr(message, "fr"), tr(message, "en")
        text = fr if fr == en else f"{fr}\n{en}"
    resp = Response(text.rstrip() + "\n", status=status, mimetype="text/plain")
    resp.headers["Content-Type"] = "text/plain; charset=utf-8"
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def _formats(query: str) -> tuple[Format, Format]:
    """(results format, graph format) of the answer, by `format=`/`output=`/`results=` or Accept.

    The query's form decides what is offered (a 406 lists it); a query whose form cannot be read
    (a syntax error to come) gets the defaults rather than a 406.
    """
    form = query_form(query)
    rs, gr = RESULTS[0], RDF[0]
    if form == "graph":
        gr = pick(RDF)
    elif form in ("select", "ask"):
        rs = pick(RESULTS)
    else:
        with contextlib.suppress(NotAcceptable):
            rs = pick(RESULTS)
        with contextlib.suppress(NotAcceptable):
            gr = pick(RDF)
    return rs, gr


def _read_query() -> tuple[str | None, list[str], list[str]]:
    cfg = current_app.config
    cap = cfg["SPARQL_MAX_QUERY_BYTES"]
    if request.method == "GET":
        queries = request.args.getlist("query")
        if request.args.get("update") is not None:
            abort(_error(403, UPDATE_REFUSED))
    else:
        ctype = (request.mimetype or "").lower()
        if ctype == "application/sparql-update":
            abort(_error(403, UPDATE_REFUSED))
        if request.content_length is not None and request.content_length > cap + 4096:
            abort(_error(413, msg("requête trop volumineuse : au plus {cap} octets", cap=cap)))
        if ctype == "application/sparql-query":
            body = request.get_data(cache=False, as_text=False)
            if len(body) > cap:
                abort(_error(413, msg("requête trop volumineuse : au plus {cap} octets", cap=cap)))
            try:
                queries = [body.decode("utf-8")]
            except UnicodeDecodeError:
                abort(_error(400, msg("la requête doit être encodée en UTF-8")))
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            g.sparql_form_lang = request.form.get("lang")
            if request.form.get("update") is not None:
                abort(_error(403, UPDATE_REFUSED))
            queries = request.form.getlist("query")
        else:
            abort(_error(415, UNSUPPORTED_TYPE))
    if len(queries) > 1:
        abort(_error(400, msg("un seul paramètre query est permis")))
    query = queries[0] if queries else None
    if query is not None and len(query.encode("utf-8")) > cap:
        abort(_error(413, msg("requête trop volumineuse : au plus {cap} octets", cap=cap)))
    return query, request.values.getlist("default-graph-uri"), request.values.getlist("named-graph-uri")


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():  # noqa: ANN201
    query, default_graphs, named_graphs = _read_query()
    if query is None:
        return _without_query()
    if not query.strip():
        return _error(400, msg("requête vide"))
    if is_update(query):
        return _error(403, UPDATE_FORMS_REFUSED)
    if uses_service(query) and not current_app.config["SPARQL_ALLOW_SERVICE"]:
        return _error(403, SERVICE_REFUSED)
    rs, gr = _formats(query)
    outcome = pool().run(query, rs.store, gr.store, default_graphs, named_graphs)
    if outcome.status == "ok":
        return _answer(outcome.data, gr if outcome.kind == "graph" else rs)
    return _failed(outcome)


def _failed(outcome: Outcome) -> Response:
    """The answer to a query that did not run: each outcome's status and words, in one place."""
    detail = outcome.message
    if outcome.status == "syntax":
        return _error(400, msg("erreur de syntaxe SPARQL : {detail}", detail=detail))
    if outcome.status == "cap":
        limit = current_app.config["SPARQL_MAX_RESULTS"]
        return _error(400, msg(TOO_MANY, detail=detail, limit=limit))
    if outcome.status == "timeout":
        return _error(503, msg("requête interrompue : {detail}", detail=detail))
    if outcome.status in ("toobig", "memory"):  # the answer's byte cap, the worker's memory cap
        return _error(
            400 if outcome.status == "toobig" else 503, msg("requête refusée : {detail}", detail=detail)
        )
    if outcome.status == "busy":
        return _error(503, msg("serveur occupé, réessayez."), {"Retry-After": "2"})
    current_app.logger.warning("SPARQL error: %s", detail)
    return _error(500, msg("erreur d'évaluation : {detail}", detail=detail))


def _answer(data: bytes, fmt: Format) -> BaseResponse:
    resp = Response(data, mimetype=fmt.media)
    if fmt.media.startswith("text/"):
        resp.headers["Content-Type"] = f"{fmt.media}; charset=utf-8"
    return set_headers(resp)


def _without_query() -> BaseResponse:
    """GET: the service description, or the query page for a browser asking for HTML."""
    missing = MISSING_QUERY
    if request.method != "GET":
        return _error(400, missing)
    if not request.accept_mimetypes or any(p in request.args for p in ("format", "output", "results")):
        return service_description(pick(GRAPHS))
    try:
        fmt = pick((*GRAPHS, HTML))
    except NotAcceptable:
        offered = ", ".join(f.media for f in GRAPHS)
        return _error(
            400,
            msg(MISSING_AND_OFFERED, missing=missing, formats=offered),
        )
    if fmt is HTML:
        return redirect(url_for("sparql.editor"), 303)
    return service_description(fmt)


def service_description(fmt: Format) -> BaseResponse:
    from cqpi_graph.export.service import Endpoint
    from cqpi_graph.export.service import service_description as describe

    from ..downloads import base_url
    from ..graph import holder, store

    cfg = current_app.config
    public = cfg.get("PUBLIC_URL")
    url = public.rstrip("/") + "/sparql" if public else request.base_url
    ep = Endpoint(
        url=url,
        result_formats=[f.w3c for f in (*RESULTS, *RDF) if f.w3c],
        timeout=cfg["SPARQL_TIMEOUT"],
        max_results=cfg["SPARQL_MAX_RESULTS"],
        max_query_bytes=cfg["SPARQL_MAX_QUERY_BYTES"],
        federated=bool(cfg["SPARQL_ALLOW_SERVICE"]),
        see_also=(base_url().rstrip("/") + "/.well-known/void",),
    )
    # Graph sizes are counted: kept per store generation, and for SD_TTL at most (a remote
    # server's graphs change without a new generation here).
    key = (holder().generation(), fmt.key, repr(ep))
    now = time.monotonic()
    cached = _SD_CACHE.get(key)
    if cached is not None and now - cached[0] < SD_TTL:
        data = cached[1]
    else:
        data = describe(store(), ep, fmt.store)
        if len(_SD_CACHE) > 32:  # bounded: the URL comes from the request's Host
            _SD_CACHE.clear()
        _SD_CACHE[key] = (now, data)
    here = url_for("sparql.endpoint")
    link = alternates_link((f"{here}?format={f.key}", f) for f in GRAPHS)
    resp = _answer(data, fmt)
    return set_headers(resp, f"{here}?format={fmt.key}", link)


_SD_CACHE: dict[tuple, tuple[float, bytes]] = {}
SD_TTL = 300.0  # seconds


@bp.route("/sparql", methods=["PUT", "DELETE", "PATCH"])
def refuse_write():  # noqa: ANN201
    return _error(405, READ_ONLY, {"Allow": "GET, POST"})


def examples() -> list[dict]:
    from cqpi_graph.namespaces import PREFIXES, sparql_prologue

    from ..graph import lang

    out = []
    for path in sorted(EXAMPLES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first, _, body = text.partition("\n")
        title = first.lstrip("# ").strip()
        fr, _, en = title.partition("|")
        body = body.strip() + "\n"
        used = {k: v for k, v in PREFIXES.items() if re.search(rf"(?<!\w){k}:", body)}
        out.append(
            {
                "name": path.stem,
                "title": (en if lang() == "en" and en else fr).strip(),
                "query": (sparql_prologue(used) + body) if used else body,
            }
        )
    return out


@bp.get("/query")
def editor():  # noqa: ANN201
    from cqpi_graph.namespaces import PREFIXES, sparql_prologue

    exs = examples()
    query = request.args.get("query")
    name = request.args.get("example")
    if query is None:
        chosen = next((e for e in exs if e["name"] == name), exs[0] if exs else None)
        query = chosen["query"] if chosen else "SELECT * WHERE { ?s ?p ?o } LIMIT 10\n"
    if len(query) > current_app.config["SPARQL_MAX_QUERY_BYTES"]:
        query = query[: current_app.config["SPARQL_MAX_QUERY_BYTES"]]
    return render_template(
        "sparql/editor.html",
        query=query,
        examples=exs,
        yasgui=(YASGUI_DIR / "yasgui.min.js").is_file(),
        prefixes=sparql_prologue(PREFIXES),
        endpoint_url=url_for("sparql.endpoint", _external=True),
    )


@bp.get("/static/vendor/yasgui/<name>")
def yasgui_asset(name: str):  # noqa: ANN201
    if name not in YASGUI_FILES or not (YASGUI_DIR / name).is_file():
        abort(404)
    return send_from_directory(YASGUI_DIR, name, mimetype=YASGUI_FILES[name], max_age=86400)
