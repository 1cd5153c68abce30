"""Downloads: the dumps and exports of `cqpi export` found in the downloads folder
(config DOWNLOADS_DIR, default STORE/exports). Only files listed in that folder are served
(no sub-folders, no path from the caller reaches the file system)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_from_directory

from ..graph import holder
from ..security import wants_json

bp = Blueprint("downloads", __name__, template_folder="templates")


def folder() -> Path:
    configured = current_app.config.get("DOWNLOADS_DIR")
    return Path(configured) if configured else holder().location / "exports"


def listing() -> dict[str, Path]:
    d = folder()
    if not d.is_dir():
        return {}
    return {
        p.name: p
        for p in sorted(d.iterdir())
        if p.is_file() and not p.is_symlink() and not p.name.startswith(".")
    }


@bp.get("/downloads")
def index():  # noqa: ANN201
    files = [{"name": n, "size": p.stat().st_size} for n, p in listing().items()]
    if request.args.get("format") == "json" or wants_json():
        return jsonify({"files": files})
    return render_template("downloads/downloads.html", files=files)


@bp.get("/downloads/<name>")
def file(name: str):  # noqa: ANN201
    files = listing()
    if name not in files:  # only names the server listed itself
        abort(404)
    return send_from_directory(folder(), name, as_attachment=True)
