"""Downloads: the dumps and exports of `cqpi export --all` found in the downloads folder
(config DOWNLOADS_DIR, default STORE/exports), each with its format, size, date and SHA-256.
Only files listed in that folder are served (no sub-folders, no path from the caller reaches
the file system), with the media type of their format.

Also the DCAT/VoID description of the dataset at `/.well-known/void` (Turtle by default; JSON-LD,
N-Triples and RDF/XML by Accept, `?format=` or suffix `.jsonld`, `.nt`, `.rdf`; 406 otherwise),
which lists the SPARQL endpoint and the dumps of the downloads folder."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from cqpi_graph.export.downloads import PROFILE_NAMES, file_format, is_dump, read_checksums, sha256_file

from ..graph import holder, store
from ..negotiation import BY_KEY, Format, alternates_link, pick, set_headers
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


# (path, size, mtime_ns) → SHA-256: a file is hashed once per version, not once per request.
_SUMS: dict[tuple[str, int, int], str] = {}
_SUMS_LOCK = threading.Lock()


def checksum(path: Path, recorded: dict[str, str], recorded_mtime: int | None) -> str:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _SUMS_LOCK:
        if key in _SUMS:
            return _SUMS[key]
    # SHA256SUMS written after the file (as `cqpi export --all` does) is trusted; else hash it.
    if path.name in recorded and recorded_mtime is not None and recorded_mtime >= st.st_mtime_ns:
        value = recorded[path.name]
    else:
        value = sha256_file(path)
    with _SUMS_LOCK:
        if len(_SUMS) > 1000:
            _SUMS.clear()
        _SUMS[key] = value
    return value


def file_infos() -> list[dict]:
    files = listing()
    sums_path = folder() / "SHA256SUMS"
    recorded = read_checksums(folder())
    recorded_mtime = sums_path.stat().st_mtime_ns if "SHA256SUMS" in files else None
    out = []
    for name, path in files.items():
        st = path.stat()
        fmt, media_type = file_format(name)
        out.append(
            {
                "name": name,
                "url": url_for("downloads.file", name=name),
                "size": st.st_size,
                "format": fmt,
                "media_type": media_type,
                "modified": datetime.fromtimestamp(st.st_mtime, UTC).isoformat(timespec="seconds"),
                "sha256": checksum(path, recorded, recorded_mtime),
                "dump": is_dump(name),
                "description": PROFILE_NAMES.get(name, "dump complet du graphe" if is_dump(name) else ""),
            }
        )
    return out


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("o", "Kio", "Mio", "Gio"):
        if size < 1024 or unit == "Gio":
            return f"{size:.0f} {unit}" if unit == "o" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} o"


@bp.get("/downloads")
def index():  # noqa: ANN201
    files = file_infos()
    if request.args.get("format") == "json" or wants_json():
        return jsonify({"files": files, "void": url_for("downloads.void")})
    for f in files:
        f["size_text"] = human_size(f["size"])
    alternates = [
        {"type": "application/json", "name": "JSON", "href": url_for("downloads.index", format="json")},
        {"type": "text/turtle", "name": "VoID", "href": url_for("downloads.void")},
    ]
    return render_template("downloads/downloads.html", files=files, alternates=alternates)


@bp.get("/downloads/<name>")
def file(name: str):  # noqa: ANN201
    files = listing()
    if name not in files:  # only names the server listed itself
        abort(404)
    return send_from_directory(folder(), name, as_attachment=True, mimetype=file_format(name)[1])


# ---------------------------------------------------------------- /.well-known/void

VOID_FORMATS = tuple(BY_KEY[k] for k in ("turtle", "jsonld", "ntriples", "rdfxml"))  # Turtle first
_VOID_CACHE: dict[tuple, tuple[float, bytes]] = {}
VOID_TTL = 300.0  # seconds; a new build (a new store generation) also starts afresh
_VOID_LOCK = threading.Lock()


def void_format() -> Format:
    return pick(VOID_FORMATS)


def base_url() -> str:
    """The public root of the site: config PUBLIC_URL, else the root of this request."""
    return current_app.config.get("PUBLIC_URL") or request.url_root


def _publisher():  # noqa: ANN202 - cqpi_graph.export.void.Publisher
    from cqpi_graph.export.void import Publisher

    cfg = current_app.config
    keys = ("PUBLISHER_NAME", "PUBLISHER_URL", "PUBLISHER_TYPE", "CONTACT_EMAIL")
    return Publisher(*(cfg.get(k) or None for k in keys))


def void_response(fmt: Format) -> BaseResponse:
    from cqpi_graph.export.void import dataset_description

    base = base_url().rstrip("/") + "/"
    dumps = tuple(f"{base}downloads/{n}" for n in listing() if is_dump(n))
    publisher = _publisher()
    key = (holder().generation(), base, fmt.key, dumps, publisher)
    now = time.monotonic()
    with _VOID_LOCK:
        cached = _VOID_CACHE.get(key)
    if cached is not None and now - cached[0] < VOID_TTL:
        data = cached[1]
    else:
        data = dataset_description(store(), base, fmt=fmt.key, dumps=dumps, publisher=publisher)
        with _VOID_LOCK:
            if len(_VOID_CACHE) > 32:  # bounded: the base comes from the request's Host
                _VOID_CACHE.clear()
            _VOID_CACHE[key] = (now, data)
    resp = Response(data, mimetype=fmt.media)
    if fmt.media.startswith("text/"):
        resp.headers["Content-Type"] = f"{fmt.media}; charset=utf-8"
    here = url_for("downloads.void")
    link = alternates_link((here + f.suffix, f) for f in VOID_FORMATS)
    return set_headers(resp, here + fmt.suffix, link)


@bp.get("/.well-known/void")
def void():  # noqa: ANN201
    return void_response(void_format())


@bp.get("/.well-known/void<any('.ttl', '.jsonld', '.nt', '.rdf'):suffix>")
def void_suffix(suffix: str):  # noqa: ANN201
    return void_response(next(f for f in VOID_FORMATS if f.suffix == suffix))
