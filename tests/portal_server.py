"""A local stand-in for the publishers' servers, on 127.0.0.1 only, for the `cqpi fetch` tests.

It answers like data.gouv.fr's dataset API (`/api/1/datasets/{id}/`: resources with url, title,
format, last_modified, filesize, checksum) and serves files as a static web server does
(ETag, Last-Modified, conditional requests, byte ranges). Faults are injected per path: an HTTP
status, a delay before the answer, a transfer cut after N bytes, so that each failure of the
real services can be replayed.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Fault:
    status: int | None = None
    delay: float = 0.0
    cut_after: int | None = None  # send the full Content-Length, then only this many bytes
    times: int = 1  # requests it applies to (then the path behaves again)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Served:
    data: bytes
    last_modified: float  # epoch seconds

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.data).hexdigest() + '"'

    @property
    def http_date(self) -> str:
        return email.utils.formatdate(self.last_modified, usegmt=True)


@dataclass
class Portal:
    """The server's state: files by path, datasets by id, faults, and every request seen."""

    port: int = 0
    files: dict[str, Served] = field(default_factory=dict)
    datasets: dict[str, list[dict]] = field(default_factory=dict)
    faults: dict[str, Fault] = field(default_factory=dict)
    static: dict[str, Path] = field(default_factory=dict)  # URL prefix -> folder
    seen: list[Seen] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def put(self, path: str, data: bytes, when: float = 1_700_000_000.0) -> str:
        self.files[path] = Served(data, when)
        return self.url(path)

    def resource(self, dataset: str, title: str, data: bytes, modified: str, checksum: bool = True) -> dict:
        """Publish a file as a new resource of a dataset (as a portal upload does)."""
        path = f"/resources/{dataset}/{title}"
        self.put(path, data)
        res = {
            "id": hashlib.md5(title.encode()).hexdigest(),
            "title": title,
            "format": title.rsplit(".", 1)[-1],
            "url": self.url(path),
            "last_modified": modified,
            "filesize": len(data),
            "type": "main",
        }
        if checksum:
            res["checksum"] = {"type": "sha1", "value": hashlib.sha1(data).hexdigest()}
        self.datasets.setdefault(dataset, []).append(res)
        return res

    def dataset_url(self, dataset: str) -> str:
        return self.url(f"/api/1/datasets/{dataset}/")

    def requests_to(self, path: str, method: str = "GET") -> list[Seen]:
        return [s for s in self.seen if s.path == path and s.method == method]

    def take_fault(self, path: str) -> Fault | None:
        fault = self.faults.get(path)
        if fault is None:
            return None
        fault.times -= 1
        if fault.times <= 0:
            del self.faults[path]
        return fault


class _Handler(BaseHTTPRequestHandler):
    portal: Portal

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server convention
        self._answer(body=True)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._answer(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        portal = self.portal
        path = self.path.split("?", 1)[0]
        portal.seen.append(Seen(self.command, path, dict(self.headers.items())))
        fault = portal.take_fault(path)
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.status:
            self.send_error(fault.status)
            return
        if path.startswith("/api/1/datasets/"):
            self._dataset(path.split("/")[4], body)
            return
        served = portal.files.get(path) or self._static(path)
        if served is None:
            self.send_error(404)
            return
        self._file(served, body, fault.cut_after if fault else None)

    def _static(self, path: str) -> Served | None:
        for prefix, folder in self.portal.static.items():
            if path.startswith(prefix):
                from urllib.parse import unquote

                file = folder / unquote(path[len(prefix) :])
                if file.is_file():
                    return Served(file.read_bytes(), file.stat().st_mtime)
        return None

    def _dataset(self, dataset: str, body: bool) -> None:
        if dataset not in self.portal.datasets:
            self.send_error(404)
            return
        data = json.dumps({"id": dataset, "title": dataset, "resources": self.portal.datasets[dataset]})
        self._send(200, data.encode(), {"Content-Type": "application/json"}, body)

    def _file(self, served: Served, body: bool, cut_after: int | None) -> None:
        headers = {"ETag": served.etag, "Last-Modified": served.http_date, "Accept-Ranges": "bytes"}
        if self.command in ("GET", "HEAD") and self._not_modified(served):
            self._send(304, b"", headers, False)
            return
        data, status = served.data, 200
        wanted = self.headers.get("Range", "")
        if_range = self.headers.get("If-Range")
        if wanted.startswith("bytes=") and if_range in (None, served.etag, served.http_date):
            start = int(wanted[6:].split("-")[0])
            if start >= len(data):
                self._send(416, b"", {"Content-Range": f"bytes */{len(data)}"}, False)
                return
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            data, status = data[start:], 206
        if cut_after is not None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:cut_after])
            self.wfile.flush()
            self.close_connection = True
            return
        self._send(status, data, headers, body)

    def _not_modified(self, served: Served) -> bool:
        """RFC 9110: If-None-Match, when present, decides; else If-Modified-Since."""
        if self.headers.get("If-None-Match") is not None:
            return self.headers["If-None-Match"] == served.etag
        return self.headers.get("If-Modified-Since") == served.http_date

    def _send(self, status: int, data: bytes, headers: dict[str, str], body: bool) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body and data:
            self.wfile.write(data)


def start(portal: Portal) -> tuple[ThreadingHTTPServer, threading.Thread]:
    handler = type("Handler", (_Handler,), {"portal": portal})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    portal.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread
