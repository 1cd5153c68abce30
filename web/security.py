"""Security basics of the web view: headers, error pages without stack traces, escaping.

Jinja autoescaping is on for every template (.html and .svg); nothing here writes files.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from cqpi_graph.errors import InputError, NotFoundError, StoreError, StoreNotBuiltError

from .i18n import gettext as _

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


DESCRIPTIONS = {
    404: "Cette adresse ne correspond à aucune page : vérifiez-la, ou cherchez depuis l'accueil.",
    405: "Cette adresse n'accepte pas cette méthode.",
    413: "Le contenu envoyé dépasse la taille permise.",
    503: "Le service est momentanément indisponible ; réessayez dans un instant.",
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, title: str, message: str, suggestions: list[str] | None = None):  # noqa: ANN201
    json_twin = request.args.get("format") == "json"
    if json_twin or wants_json() or request.path.startswith("/sparql") and request.method == "POST":
        body = {"error": _(title), "message": message, "status": status}
        if suggestions is not None:
            body["suggestions"] = suggestions
        resp = jsonify(body)
        resp.status_code = status
        return resp
    page = render_template(
        "error.html", status=status, title=_(title), message=message, suggestions=suggestions or []
    )
    return page, status


def init_app(app: Flask) -> None:
    app.jinja_options = {**app.jinja_options, "autoescape": True}
    app.jinja_env.autoescape = True

    @app.after_request
    def _headers(resp):  # noqa: ANN001, ANN202
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp

    @app.errorhandler(StoreNotBuiltError)
    def _not_built(exc: StoreNotBuiltError):  # noqa: ANN202
        return error_response(
            503,
            "Service momentanément indisponible",
            _("Le graphe n'est pas encore construit : lancez `cqpi build`."),
        )

    # Library errors, in one place: an unknown code is a 404 with its near matches, bad input a 400.
    @app.errorhandler(NotFoundError)
    def _not_found(exc: NotFoundError):  # noqa: ANN202
        from .forms import not_found_detail

        return error_response(404, "Ressource introuvable", not_found_detail(exc), exc.suggestions)

    @app.errorhandler(InputError)
    def _bad_input(exc: InputError):  # noqa: ANN202
        return error_response(400, "Requête invalide", str(exc))

    @app.errorhandler(StoreError)
    def _store_error(exc: StoreError):  # noqa: ANN202
        app.logger.error("store error: %s", exc)
        return error_response(503, "Service momentanément indisponible", str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):  # noqa: ANN202
        titles = {
            404: "Page introuvable",
            405: "Méthode non autorisée",
            413: "Requête trop volumineuse",
            503: "Service momentanément indisponible",
        }
        # Werkzeug's stock descriptions are English: a page gets ours, in its language.
        stock = exc.description == type(exc).description
        message = _(DESCRIPTIONS.get(exc.code or 500, "")) if stock else _(exc.description or "")
        resp = error_response(exc.code or 500, titles.get(exc.code or 500, "Erreur"), message)
        if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            if isinstance(resp, tuple):
                return resp[0], resp[1], {"Allow": ", ".join(exc.valid_methods)}
            resp.headers["Allow"] = ", ".join(exc.valid_methods)
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # noqa: ANN202
        if app.debug or app.testing and app.config.get("PROPAGATE_EXCEPTIONS"):
            raise exc
        app.logger.exception("unexpected error on %s", request.path)
        return error_response(500, "Erreur interne du serveur", "")
