"""SPARQL 1.1 Protocol endpoint at /sparql (read-only, bounded) and the query page (YASGUI).

- GET /sparql?query=…, POST form (application/x-www-form-urlencoded, `query=`), POST direct
  body (application/sparql-query); `default-graph-uri` / `named-graph-uri` honoured.
- SELECT/ASK: JSON, XML, CSV, TSV; CONSTRUCT/DESCRIBE: Turtle, JSON-LD, N-Triples — by Accept
  or `format=`.
- Refused: SPARQL Update (403, or 405 for PUT/DELETE), SERVICE (403, unless configured), queries
  over the size cap (413); a syntax error is a 400 with the parser's message and position; a query
  over the time limit or the result cap answers 503 / 400 with a clear message.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from ..sparql_pool import QueryPool
from .guard import is_update, uses_service

bp = Blueprint("sparql", __name__, template_folder="templates")

HERE = Path(__file__).resolve().parent
EXAMPLES_DIR = HERE / "examples"
YASGUI_DIR = HERE.parent / "node_modules" / "@zazuko" / "yasgui" / "build"
YASGUI_FILES = {"yasgui.min.js": "application/javascript", "yasgui.min.css": "text/css"}

RESULT_MIMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_MIMES = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
}
FORMAT_ALIASES = {
    "json": "json",
    "srj": "json",
    "xml": "xml",
    "srx": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "turtle",
    "ttl": "turtle",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "ntriples": "ntriples",
    "nt": "ntriples",
    "n-triples": "ntriples",
    **{m: k for k, m in RESULT_MIMES.items()},
    **{m: k for k, m in GRAPH_MIMES.items()},
    "application/json": "json",
    "text/xml": "xml",
    "application/xml": "xml",
}


def pool() -> QueryPool:
    p = current_app.extensions.get("cqpi_sparql_pool")
    if p is None:
        p = QueryPool.from_config(current_app.config)
        current_app.extensions["cqpi_sparql_pool"] = p
    return p


def _error(status: int, message: str, headers: dict | None = None) -> Response:
    resp = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    resp.headers["Content-Type"] = "text/plain; charset=utf-8"
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def _formats() -> tuple[str, str]:
    """(results format, graph format) from format= or Accept."""
    asked = request.values.get("format") or request.args.get("output")
    if asked:
        fmt = FORMAT_ALIASES.get(asked.strip().lower())
        if fmt is None:
            abort(_error(400, f"format inconnu : {asked} (json, xml, csv, tsv, turtle, jsonld, ntriples)"))
        if fmt in RESULT_MIMES:
            return fmt, "jsonld" if fmt == "json" else "turtle"
        return "json", fmt
    accept = request.accept_mimetypes
    rs = accept.best_match(list(RESULT_MIMES.values()) + ["application/json", "application/xml", "text/xml"])
    gr = accept.best_match(list(GRAPH_MIMES.values()) + ["application/json"])
    rs_fmt = FORMAT_ALIASES.get(rs or "", "json") if rs and accept[rs] > 0 else "json"
    gr_fmt = FORMAT_ALIASES.get(gr or "", "turtle") if gr and accept[gr] > 0 else "turtle"
    if gr == "application/json" and accept["application/ld+json"] < accept["application/json"]:
        gr_fmt = "jsonld"
    if gr_fmt == "json":
        gr_fmt = "jsonld"
    return rs_fmt, gr_fmt


def _read_query() -> tuple[str | None, list[str], list[str]]:
    cfg = current_app.config
    cap = cfg["SPARQL_MAX_QUERY_BYTES"]
    if request.method == "GET":
        queries = request.args.getlist("query")
        if request.args.get("update") is not None:
            abort(
                _error(403, "SPARQL Update est refusé : ce point d'accès est en lecture seule (read-only).")
            )
    else:
        ctype = (request.mimetype or "").lower()
        if ctype == "application/sparql-update":
            abort(
                _error(403, "SPARQL Update est refusé : ce point d'accès est en lecture seule (read-only).")
            )
        if request.content_length is not None and request.content_length > cap + 4096:
            abort(_error(413, f"requête trop volumineuse : au plus {cap} octets"))
        if ctype == "application/sparql-query":
            body = request.get_data(cache=False, as_text=False)
            if len(body) > cap:
                abort(_error(413, f"requête trop volumineuse : au plus {cap} octets"))
            try:
                queries = [body.decode("utf-8")]
            except UnicodeDecodeError:
                abort(_error(400, "la requête doit être encodée en UTF-8"))
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if request.form.get("update") is not None:
                abort(
                    _error(
                        403, "SPARQL Update est refusé : ce point d'accès est en lecture seule (read-only)."
                    )
                )
            queries = request.form.getlist("query")
        else:
            abort(
                _error(
                    415,
                    "type de contenu non pris en charge : application/sparql-query ou "
                    "application/x-www-form-urlencoded attendu",
                )
            )
    if len(queries) > 1:
        abort(_error(400, "un seul paramètre query est permis"))
    query = queries[0] if queries else None
    if query is not None and len(query.encode("utf-8")) > cap:
        abort(_error(413, f"requête trop volumineuse : au plus {cap} octets"))
    return query, request.values.getlist("default-graph-uri"), request.values.getlist("named-graph-uri")


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():  # noqa: ANN201
    query, default_graphs, named_graphs = _read_query()
    if query is None:
        if (
            request.method == "GET"
            and request.accept_mimetypes.best == "text/html"
            or not request.accept_mimetypes
        ):
            return redirect(url_for("sparql.editor"))
        return _error(400, "paramètre query manquant (missing query parameter)")
    if not query.strip():
        return _error(400, "requête vide (empty query)")
    if is_update(query):
        return _error(
            403,
            "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP…) est refusé : "
            "ce point d'accès est en lecture seule (read-only endpoint).",
        )
    if uses_service(query) and not current_app.config["SPARQL_ALLOW_SERVICE"]:
        return _error(
            403,
            "SERVICE est refusé : ce point d'accès n'interroge pas d'autres serveurs "
            "(federated queries are disabled).",
        )
    rs_fmt, gr_fmt = _formats()
    outcome = pool().run(query, rs_fmt, gr_fmt, default_graphs, named_graphs)
    if outcome.status == "ok":
        mime = GRAPH_MIMES[gr_fmt] if outcome.kind == "graph" else RESULT_MIMES[rs_fmt]
        resp = Response(outcome.data, mimetype=mime)
        if mime.startswith("text/"):
            resp.headers["Content-Type"] = f"{mime}; charset=utf-8"
        resp.vary.add("Accept")
        resp.headers["Access-Control-Allow-Origin"] = "*"
        return resp
    if outcome.status == "syntax":
        return _error(400, f"erreur de syntaxe SPARQL : {outcome.message}")
    if outcome.status == "cap":
        limit = current_app.config["SPARQL_MAX_RESULTS"]
        return _error(
            400,
            f"trop de résultats ({outcome.message}) : la limite est de {limit} ; "
            f"ajoutez LIMIT ou affinez la requête (result cap exceeded).",
        )
    if outcome.status == "timeout":
        return _error(
            503,
            f"requête interrompue : {outcome.message} "
            f"(query time limit of {current_app.config['SPARQL_TIMEOUT']:g} s exceeded).",
        )
    if outcome.status in ("toobig", "memory"):  # the answer's byte cap, the worker's memory cap
        return _error(400 if outcome.status == "toobig" else 503, f"requête refusée : {outcome.message}")
    if outcome.status == "busy":
        return _error(503, "serveur occupé, réessayez (server busy).", {"Retry-After": "2"})
    current_app.logger.warning("SPARQL error: %s", outcome.message)
    return _error(500, f"erreur d'évaluation : {outcome.message}")


@bp.route("/sparql", methods=["PUT", "DELETE", "PATCH"])
def refuse_write():  # noqa: ANN201
    return _error(405, "ce point d'accès est en lecture seule (read-only endpoint).", {"Allow": "GET, POST"})


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
