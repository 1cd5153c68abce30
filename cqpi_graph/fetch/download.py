"""HTTP for `cqpi fetch`: resumable downloads (Range), conditional requests, clear errors.

A transfer writes into a `.part` file beside a small JSON note of the URL and validators it
belongs to; an interrupted transfer is resumed with `Range` (and `If-Range`, so that a file
changed on the server meanwhile is downloaded again from the start). `file://` URLs (a mirror
on a mounted disk) are copied. Every failure becomes a FetchError that names the URL and says
what happened: HTTP status, timeout, refused connection, interrupted transfer.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
import urllib3

from .. import __version__
from ..errors import FetchError
from ..progress import NullProgress, Progress

USER_AGENT = f"cqpi-graph/{__version__} (cqpi fetch)"
CHUNK = 256 * 1024
_RANGE = re.compile(r"bytes (\d+)-(\d+)?/(\d+|\*)")


def human_size(n: int | None) -> str:
    if n is None:
        return "?"
    for unit, scale in (("Go", 1 << 30), ("Mo", 1 << 20), ("Ko", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}".replace(".", ",")
    return f"{n} o"


class ByteProgress(Progress):
    """The project's progress line, counting bytes in Ko/Mo."""

    def _amount(self, n: int) -> str:
        return human_size(n)

    def _running_text(self) -> str:
        return f"{self.stage_name} … {human_size(self.done)}"


@dataclass
class Download:
    """What a transfer gave: not modified (304), or a complete file in the .part path."""

    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""
    resumed_from: int = 0  # bytes already there when the transfer resumed (0: from the start)
    size: int = 0


class _Retry(Exception):
    """A failure worth another attempt (timeout, 5xx, interrupted transfer)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _local_path(url: str) -> Path | None:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        return Path(urllib.request.url2pathname(parsed.path))
    return None


def _host(url: str) -> str:
    return urllib.parse.urlparse(url).netloc or url


def _meta_path(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def discard(part: Path) -> None:
    """Remove a partial download and its note."""
    part.unlink(missing_ok=True)
    _meta_path(part).unlink(missing_ok=True)


@dataclass
class Http:
    """One client for a fetch: timeouts, retries, a session with our User-Agent."""

    timeout: float = 60.0
    retries: int = 2
    backoff: float = 1.0
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = USER_AGENT

    # ------------------------------------------------------------ requests with retries

    def _attempts(self, url: str, action):  # noqa: ANN001, ANN202 - a callable and its result
        for attempt in range(self.retries + 1):
            try:
                return action()
            except _Retry as exc:
                if attempt >= self.retries:
                    raise FetchError(str(exc), url=url, status=exc.status) from None
                time.sleep(self.backoff * (attempt + 1))
        raise AssertionError("unreachable")

    def _send(self, method: str, url: str, headers: dict[str, str], stream: bool) -> requests.Response:
        try:
            resp = self.session.request(
                method, url, headers=headers, stream=stream, timeout=self.timeout, allow_redirects=True
            )
        except requests.Timeout:
            raise _Retry(f"délai dépassé : pas de réponse de {_host(url)} en {self.timeout:g} s") from None
        except requests.ConnectionError as exc:
            raise _Retry(f"connexion impossible à {_host(url)} ({_reason(exc)})") from None
        except requests.RequestException as exc:
            raise FetchError(f"requête impossible : {exc}", url=url) from None
        if resp.status_code >= 400 and not (resp.status_code == 416 and "Range" in headers):
            resp.close()
            message = f"HTTP {resp.status_code} {resp.reason or ''}".strip() + f" pour {url}"
            if resp.status_code >= 500 or resp.status_code == 429:
                raise _Retry(message, resp.status_code)
            raise FetchError(message, url=url, status=resp.status_code)
        return resp

    def get_json(self, url: str) -> object:
        """A JSON document (a portal's dataset description, a mirror's index)."""
        local = _local_path(url)
        if local is not None:
            try:
                text = local.read_text(encoding="utf-8")
            except OSError as exc:
                raise FetchError(f"lecture impossible : {exc.strerror}", url=url) from None
        else:

            def action() -> str:
                resp = self._send("GET", url, {"Accept": "application/json"}, stream=False)
                return resp.text

            text = self._attempts(url, action)
        try:
            return json.loads(text)
        except ValueError:
            raise FetchError(f"réponse qui n'est pas du JSON : « {text[:80]!s} »", url=url) from None

    def head(self, url: str, headers: dict[str, str]) -> requests.Response:
        """A HEAD request (for --dry-run), with the conditional headers given."""
        return self._attempts(url, lambda: self._send("HEAD", url, headers, stream=False))

    # ------------------------------------------------------------ downloads

    def download(
        self,
        url: str,
        part: Path,
        *,
        method: str = "GET",
        validator: str = "",
        conditional: dict[str, str] | None = None,
        progress: Progress | None = None,
        label: str = "",
    ) -> Download:
        """Download url into part, resuming a previous partial transfer of the same file."""
        progress = progress or NullProgress()
        part.parent.mkdir(parents=True, exist_ok=True)
        local = _local_path(url)
        if local is not None:
            return _copy_local(url, local, part)
        return self._attempts(
            url,
            lambda: self._transfer(url, part, method, validator, conditional or {}, progress, label),
        )

    def _resume_offset(self, url: str, part: Path, method: str, validator: str) -> tuple[int, dict]:
        meta = _read_meta(part)
        if (
            method == "GET"
            and part.is_file()
            and meta.get("url") == url
            and meta.get("validator") == validator
        ):
            return part.stat().st_size, meta
        discard(part)
        return 0, {}

    def _transfer(
        self,
        url: str,
        part: Path,
        method: str,
        validator: str,
        conditional: dict[str, str],
        progress: Progress,
        label: str,
    ) -> Download:
        offset, meta = self._resume_offset(url, part, method, validator)
        headers = {"Accept-Encoding": "identity"}  # the bytes as published: sizes, ranges, checksums
        if offset:
            headers["Range"] = f"bytes={offset}-"
            if meta.get("etag") or meta.get("last_modified"):
                headers["If-Range"] = meta.get("etag") or meta["last_modified"]
        else:
            headers.update(conditional)
        resp = self._send(method, url, headers, stream=True)
        with resp:
            if resp.status_code == 304:
                return Download(not_modified=True, etag=_etag(resp), last_modified=_lastmod(resp))
            if resp.status_code == 416:
                return _range_refused(resp, part, offset)
            if resp.status_code == 206:
                match = _RANGE.match(resp.headers.get("Content-Range", ""))
                if not match or int(match.group(1)) != offset:
                    discard(part)
                    raise _Retry("reprise du téléchargement mal servie : il recommence au début")
            else:
                offset = 0
            length = resp.headers.get("Content-Length")
            total = offset + int(length) if length and length.isdigit() else None
            note = {"url": url, "validator": validator, "etag": _etag(resp), "last_modified": _lastmod(resp)}
            _meta_path(part).write_text(json.dumps(note), encoding="utf-8")
            received = _stream(resp, part, offset, total, progress, label)
        if total is not None and received < total:
            raise _Retry(_interrupted(received, total))
        return Download(False, _etag(resp), _lastmod(resp), resumed_from=offset, size=received)


def _reason(exc: Exception) -> str:
    text = str(exc)
    for hint in ("Connection refused", "Name or service not known", "No route to host", "timed out"):
        if hint in text:
            return hint
    return text[:200]


def _etag(resp: requests.Response) -> str:
    return resp.headers.get("ETag", "")


def _lastmod(resp: requests.Response) -> str:
    return resp.headers.get("Last-Modified", "")


def _read_meta(part: Path) -> dict:
    try:
        data = json.loads(_meta_path(part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _interrupted(received: int, total: int | None) -> str:
    return (
        f"téléchargement interrompu à {human_size(received)} sur {human_size(total)} : "
        "la partie reçue est gardée et la prochaine tentative reprend là"
    )


def _stream(
    resp: requests.Response, part: Path, offset: int, total: int | None, progress: Progress, label: str
) -> int:
    received = offset
    progress.stage(label, total=total)
    progress.advance(offset)
    try:
        with open(part, "ab" if offset else "wb") as fh:
            for chunk in _chunks(resp):
                fh.write(chunk)
                received += len(chunk)
                progress.advance(len(chunk))
    except (requests.RequestException, urllib3.exceptions.HTTPError):
        raise _Retry(_interrupted(received, total)) from None
    except OSError as exc:
        raise FetchError(f"écriture impossible dans {part} : {exc.strerror}") from None
    finally:
        progress.close()
    return received


def _chunks(resp: requests.Response) -> Iterator[bytes]:
    """The body as it arrives (urllib3 2's read1), so that a cut keeps every byte received."""
    read1 = getattr(resp.raw, "read1", None)
    if read1 is None:
        yield from resp.iter_content(CHUNK)
        return
    while chunk := read1(CHUNK):
        yield chunk


def _range_refused(resp: requests.Response, part: Path, offset: int) -> Download:
    """416: the partial file is already complete, or no longer fits the file served."""
    match = _RANGE.match(resp.headers.get("Content-Range", "").replace("bytes */", "bytes 0-0/"))
    if match and match.group(3).isdigit() and int(match.group(3)) == offset:
        return Download(False, _etag(resp), _lastmod(resp), resumed_from=offset, size=offset)
    discard(part)
    raise _Retry("reprise refusée par le serveur : le téléchargement recommence au début", 416)


def _copy_local(url: str, local: Path, part: Path) -> Download:
    try:
        shutil.copyfile(local, part)
    except FileNotFoundError:
        raise FetchError(f"fichier introuvable : {local}", url=url) from None
    except OSError as exc:
        raise FetchError(f"copie impossible de {local} : {exc.strerror}", url=url) from None
    return Download(size=part.stat().st_size)
