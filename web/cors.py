"""Cross-origin access (CORS) to the read-only data: /sparql, resources, downloads, VoID and the
JSON twins of the explorers, so that a SPARQL editor or a script on another site can use them.

Every answer on those paths carries the headers, errors included (a browser hides the body of an
answer without `Access-Control-Allow-Origin`: YASGUI would show « Failed to fetch » instead of
the syntax error), and preflight requests (`OPTIONS` with `Access-Control-Request-Method`, sent
before a POST `application/sparql-query`) are answered 204 before any view runs.

`CORS_ORIGINS`: `*` (the default: public data, no cookies nor credentials are involved), an empty
value to switch CORS off, or origins separated by commas or spaces (`https://a.example
https://b.example`), each echoed back to that origin only (with `Vary: Origin`).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

PATHS = ("/sparql", "/resource", "/id/", "/downloads", "/.well-known/", "/search", "/paths", "/socle")
METHODS = "GET, HEAD, POST, OPTIONS"
# Request headers a cross-origin client may send (beyond the CORS-safelisted ones).
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type, Cache-Control, If-None-Match, If-Modified-Since"
# Response headers a cross-origin script may read.
EXPOSED_HEADERS = "Link, Content-Location, Content-Disposition, Retry-After, Vary, Allow"
PREFLIGHT_MAX_AGE = "86400"


def allowed_origins(app: Flask) -> list[str]:
    raw = app.config.get("CORS_ORIGINS")
    if raw is None:
        return ["*"]
    values = raw if isinstance(raw, list | tuple) else str(raw).replace(",", " ").split()
    return [v.strip().rstrip("/") for v in values if v.strip()]


def allow_origin() -> str | None:
    """The `Access-Control-Allow-Origin` value for this request, or None (no CORS headers)."""
    if not request.path.startswith(PATHS):
        return None
    origins = allowed_origins(current_app)
    if "*" in origins:
        return "*"
    origin = request.headers.get("Origin", "").rstrip("/")
    return origin if origin and origin in origins else None


def _is_preflight() -> bool:
    return request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers


def _add_headers(resp: Response, origin: str) -> Response:
    resp.headers["Access-Control-Allow-Origin"] = origin
    resp.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if origin != "*":
        resp.vary.add("Origin")
    return resp


def init_app(app: Flask) -> None:
    @app.before_request
    def _preflight() -> Response | None:
        if not _is_preflight():
            return None
        origin = allow_origin()
        if origin is None:
            return None  # not ours to allow: Flask answers OPTIONS as for any client
        resp = Response(status=204)
        resp.headers["Access-Control-Allow-Methods"] = METHODS
        asked = request.headers.get("Access-Control-Request-Headers", "")
        resp.headers["Access-Control-Allow-Headers"] = ", ".join(
            h for h in [ALLOWED_HEADERS, asked.strip()] if h
        )
        resp.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        return resp

    @app.after_request
    def _cors(resp: Response) -> Response:
        origin = allow_origin()
        if origin is not None:
            _add_headers(resp, origin)
        return resp
