"""The cqpi-graph web view: a Flask application, one blueprint per area.

    from web import create_app
    app = create_app({"CQPI_STORE": "/path/to/store"})

Production: ``gunicorn -w 4 -b 127.0.0.1:8000 'web:create_app()'`` (see the README).
"""

from __future__ import annotations

import io
import os
from typing import Any

from flask import Flask, Request

# Defaults; override with create_app(config) or environment variables of the same name.
DEFAULTS: dict[str, Any] = {
    "CQPI_STORE": None,  # embedded store location (default: $CQPI_STORE or ~/.local/share/…)
    "CQPI_ENDPOINT": None,  # remote SPARQL endpoint instead of the embedded store
    "SPARQL_TIMEOUT": 10.0,  # seconds for a whole answer on /sparql (evaluation and sending)
    "SPARQL_MAX_RESULTS": 10_000,  # rows (SELECT) or triples (CONSTRUCT/DESCRIBE)
    "SPARQL_MAX_RESPONSE_BYTES": 32 * 2**20,  # bytes of one serialised answer
    "SPARQL_WORKER_MEMORY": 1024 * 2**20,  # memory a query worker may add to what it holds idle
    "SPARQL_MAX_QUERY_BYTES": 64 * 1024,  # size of a query
    "SPARQL_WORKERS": 2,  # query worker processes per web process
    "SPARQL_QUEUE_WAIT": 5.0,  # seconds a request waits for a free worker before a 503
    "SPARQL_ALLOW_SERVICE": False,  # federated queries (requests to hosts a caller chooses)
    "UPLOAD_MAX_BYTES": 5_000_000,  # validation uploads
    "UPLOAD_CPU_SECONDS": 30.0,  # CPU time of the child that reads and validates an upload
    "UPLOAD_MEMORY_BYTES": 512 * 2**20,  # memory that child may use
    "UPLOAD_MAX_UNPACKED_BYTES": 50_000_000,  # an XLSX upload once unpacked
    "DOWNLOADS_DIR": None,  # folder of dumps/exports offered on /downloads
    "PUBLIC_URL": None,  # public root of the site for /.well-known/void (default: the request's)
    "CORS_ORIGINS": "*",  # origins allowed to read /sparql, resources, downloads ("" = none; see web/cors.py)
    # Who publishes the dataset, in /.well-known/void (DCAT-AP); default: the site itself.
    "PUBLISHER_NAME": None,
    "PUBLISHER_URL": None,
    "PUBLISHER_TYPE": None,  # ADMS publisher type, e.g. NonProfitOrganisation
    "CONTACT_EMAIL": None,
    "CQPI_WARM": False,  # load the generation's indexes before serving (web/warm.py; `cqpi serve` does)
}


class MemoryRequest(Request):
    """Uploads stay in memory (the size cap bounds them): nothing is written to disk."""

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):  # noqa: ANN001, ANN202
        return io.BytesIO()


BLUEPRINTS = [
    "home",
    "search",
    "resource",
    "paths",
    "socle",
    "sparql",
    "builder",
    "vocab",
    "figures",
    "validate",
    "downloads",
]


def _env_config() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, default in DEFAULTS.items():
        raw = os.environ.get(key)
        if raw is None or raw == "":
            continue
        if isinstance(default, bool):
            out[key] = raw.lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            out[key] = int(raw)
        elif isinstance(default, float):
            out[key] = float(raw)
        else:
            out[key] = raw
    return out


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The application factory (also the gunicorn entry point: ``'web:create_app()'``)."""
    import importlib

    from . import cors, graph, i18n, negotiation, security

    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.request_class = MemoryRequest
    app.config.update(DEFAULTS)
    app.config.update(_env_config())
    app.config.update(config or {})
    # Whole request bodies above this are refused with 413 before a view runs.
    app.config["MAX_CONTENT_LENGTH"] = (
        max(app.config["UPLOAD_MAX_BYTES"], app.config["SPARQL_MAX_QUERY_BYTES"]) + 64 * 1024
    )
    app.config.setdefault("JSON_AS_ASCII", False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # the default provider has it

    graph.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    negotiation.init_app(app)
    cors.init_app(app)
    for name in BLUEPRINTS:
        module = importlib.import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)
    if app.config["CQPI_WARM"]:
        from .warm import warm

        app.logger.info("warm-up: %s", warm(app))
    return app
