"""Validation page: upload a référentiel (RDF or the spreadsheet template), read the report in the
page, download it (HTML/CSV/Turtle), download the empty template. Uploads are size-capped,
type-checked, kept in memory, and parsed and validated in a child process under CPU, memory and
output limits (cqpi_graph.sandbox): a hostile file costs a 413 or a 422, never this process.
Uses cqpi_graph.validate."""

from __future__ import annotations

import base64
import csv
import io
import os
import tempfile
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request
from markupsafe import Markup

from cqpi_graph import sandbox
from cqpi_graph.cells import neutralise
from cqpi_graph.errors import CqpiError
from cqpi_graph.sandbox import LimitExceeded, Limits
from cqpi_graph.validate import validate_referentiel, write_template

from ..i18n import error_html, page_lang
from ..i18n import gettext as _

bp = Blueprint("validate", __name__, template_folder="templates")

RDF_EXT = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
}
SHEET_EXT = {".xlsx": "xlsx", ".csv": "csv"}
OX_FORMAT = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class UploadRefused(Exception):
    def __init__(self, status: int, title: str, message: str | Markup) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def check_upload(filename: str, data: bytes) -> str:
    """The format of an upload, from its extension checked against its content."""
    ext = os.path.splitext(filename or "")[1].lower()
    fmt = RDF_EXT.get(ext) or SHEET_EXT.get(ext)
    if fmt is None:
        raise UploadRefused(
            415,
            _("Type de fichier refusé"),
            _(
                "« {name} » : Turtle (.ttl), N-Triples (.nt), JSON-LD (.jsonld), "
                "RDF/XML (.rdf, .xml) ou tableur (.xlsx, .csv) attendu"
            ).format(name=ext or filename),
        )
    if fmt == "xlsx":
        if not data.startswith(b"PK\x03\x04"):
            raise UploadRefused(
                415, _("Type de fichier refusé"), _("ce fichier .xlsx n'est pas un classeur Excel (zip)")
            )
        return fmt
    if b"\x00" in data[:8192] or data.startswith(b"PK\x03\x04"):
        raise UploadRefused(
            415,
            _("Type de fichier refusé"),
            _("fichier binaire : un fichier texte {ext} est attendu").format(ext=ext),
        )
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadRefused(
            415,
            _("Type de fichier refusé"),
            _("le fichier n'est pas en UTF-8 (octet {offset})").format(offset=exc.start),
        ) from None
    return fmt


def _at_most(cap: int) -> str:
    size = f"{cap / 1e6:g}"
    return _("au plus {size} Mo").format(size=size if page_lang() == "en" else size.replace(".", ","))


def upload_limits() -> Limits:
    """The limits of the child that reads and validates an upload (UPLOAD_* settings)."""
    cfg = current_app.config
    return Limits(
        cpu_seconds=float(cfg["UPLOAD_CPU_SECONDS"]),
        memory_bytes=int(cfg["UPLOAD_MEMORY_BYTES"]),
        output_bytes=64 << 20,  # the report that comes back
        unpacked_bytes=int(cfg["UPLOAD_MAX_UNPACKED_BYTES"]),
    )


def refused(exc: LimitExceeded, names: dict[str, str]) -> UploadRefused:
    title = _("Fichier trop volumineux") if exc.http_status == 413 else _("Fichier refusé")
    return UploadRefused(exc.http_status, title, _shown(error_html(exc), names))


def _shown(message: Markup, names: dict[str, str]) -> Markup:
    for tmp_name, shown in names.items():
        message = message.replace(tmp_name, shown)
    return message


def validate_in_child(paths: list, store_at: tuple[str | None, str | None] | None, **kwargs):  # noqa: ANN003, ANN201
    """What the child does: validate the files, against the site's graph if asked (opened here,
    read-only: a store does not cross into another process)."""
    if store_at is None:
        return validate_referentiel(paths, **kwargs)
    from cqpi_graph.store import open_store
    from web.graph import remote

    with open_store(store_at[0], endpoint=remote(store_at[1])) as store:
        return validate_referentiel(paths, against_store=store, **kwargs)


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    keys = list(dict.fromkeys(k for r in rows for k in r)) or ["message"]
    w = csv.DictWriter(out, fieldnames=keys)
    w.writeheader()
    for r in rows:
        w.writerow({k: neutralise(v) for k, v in r.items()})
    return out.getvalue()


def data_url(mime: str, text: str) -> str:
    return f"data:{mime};charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def run_validation(
    data: bytes,
    filename: str,
    shapes: tuple[str, bytes] | None = None,
    against_store: tuple[str | None, str | None] | None = None,
) -> dict:
    """cqpi_graph.validate.validate_referentiel on the upload (and a shapes file the user adds), which
    it reads from files: names we choose, in a fresh private directory, removed as soon as the report
    is made. ``against_store``: where the site's graph is (location, endpoint), to resolve the
    references and look the codes up. The whole validation runs in a child process under the
    upload limits: this process never holds an upload's graph."""
    from pathlib import Path

    from ..graph import lang

    ext = os.path.splitext(filename)[1].lower()
    with tempfile.TemporaryDirectory(prefix="cqpi-upload-") as tmp:
        path = Path(tmp) / ("referentiel" + ext)
        path.write_bytes(data)
        kwargs: dict = {"lang": lang()}
        names = {str(path): filename}
        if shapes is not None:
            shapes_path = Path(tmp) / ("formes" + os.path.splitext(shapes[0])[1].lower())
            shapes_path.write_bytes(shapes[1])
            kwargs["shapes"] = [shapes_path]
            names[str(shapes_path)] = shapes[0]
        try:
            report = sandbox.call(
                validate_in_child, [path], against_store, name=filename, lim=upload_limits(), **kwargs
            )
        except LimitExceeded as exc:
            raise refused(exc, names) from None
        except CqpiError as exc:  # the library's clear input errors (cell, line)
            raise UploadRefused(400, _("Erreur"), _shown(error_html(exc), names)) from None
    csv_text = report.render("csv")
    # the machine columns (IRIs, RDF terms) stay in the downloads, not in the page
    rows = [
        {k: v for k, v in r.items() if "iri" not in k and "rdf" not in k}
        for r in csv.DictReader(io.StringIO(csv_text))
    ]
    summary = report.summary_line() if hasattr(report, "summary_line") else ""
    return {
        "triples": report.triples,
        "conforms": bool(report.conforms),
        "summary": summary.replace(str(path), filename) if summary else summary,
        "notes": list(getattr(report, "notes", []) or []),
        "engines": report.engine_summary() if hasattr(report, "engine_summary") else "",
        "rows": rows,
        "downloads": [
            ("HTML", "rapport.html", data_url("text/html", report.render("html"))),
            ("CSV", "rapport.csv", data_url("text/csv", csv_text)),
            ("Turtle", "rapport.ttl", data_url("text/turtle", report.render("turtle"))),
        ],
    }


def read_shapes_upload(cap: int) -> tuple[str, bytes] | None:
    """The optional shapes file of the form (RDF text only), size-capped."""
    f = request.files.get("shapes")
    if f is None or not f.filename:
        return None
    data = f.stream.read(cap + 1)
    if len(data) > cap:
        raise UploadRefused(413, _("Fichier trop volumineux"), _at_most(cap))
    name = os.path.basename(f.filename.replace("\\", "/"))[:200]
    fmt = check_upload(name, data)
    if fmt not in OX_FORMAT:
        raise UploadRefused(
            415,
            _("Type de fichier refusé"),
            _("« {name} » : formes SHACL en RDF attendues").format(name=name),
        )
    return name, data  # parsed in the validation's child, like the référentiel


@bp.get("/validate")
def page():  # noqa: ANN201
    return render_template(
        "validate/validate.html",
        report=None,
        max_mb=current_app.config["UPLOAD_MAX_BYTES"] / 1e6,
    )


@bp.post("/validate")
def upload():  # noqa: ANN201
    cap = current_app.config["UPLOAD_MAX_BYTES"]
    ctx: dict = {"report": None, "max_mb": cap / 1e6, "filename": None}
    f = request.files.get("file")
    try:
        if f is None or not f.filename:
            raise UploadRefused(400, _("Erreur"), _("Aucun fichier n'a été envoyé."))
        data = f.stream.read(cap + 1)
        if len(data) > cap:
            raise UploadRefused(413, _("Fichier trop volumineux"), _at_most(cap))
        name = os.path.basename(f.filename.replace("\\", "/"))[:200]
        ctx["filename"] = name
        check_upload(name, data)
        shapes = read_shapes_upload(cap)
        against = None
        if request.form.get("against_store"):
            from ..graph import holder

            against = (str(holder().location), current_app.config["CQPI_ENDPOINT"])
        ctx["report"] = run_validation(data, name, shapes, against)
    except UploadRefused as exc:
        ctx["error"] = {"title": exc.title, "message": exc.message}
        return render_template("validate/validate.html", **ctx), exc.status
    return render_template("validate/validate.html", **ctx)


@bp.get("/validate/template.<ext>")
def template_file(ext: str):  # noqa: ANN201
    if ext not in ("xlsx", "csv"):
        abort(404)
    with tempfile.TemporaryDirectory(prefix="cqpi-template-") as tmp:
        path = os.path.join(tmp, f"modele.{ext}")
        write_template(path, ext)
        with open(path, "rb") as fh:
            payload = fh.read()
    mime = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if ext == "xlsx"
        else "text/csv; charset=utf-8"
    )
    resp = Response(payload, mimetype=mime)
    resp.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'modele-referentiel.{ext}')}"
    return resp
