"""Hostile files of the adversarial pass (issue 16), built on demand, and a web server in a process
of its own (so that a parser crash would show as a dead server, not as a dead test run)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def deep_jsonld(path: Path, levels: int = 5000) -> Path:
    """A JSON-LD document nested `levels` deep (about 190 KB): overflowed the parser's stack."""
    doc = '{"@id":"_:b","https://w3id.org/p":' * levels
    path.write_text(doc + '"v"' + "}" * levels, encoding="utf-8")
    return path


def billion_laughs(path: Path, levels: int = 10) -> Path:
    """RDF/XML whose one literal expands to 10^levels × 30 bytes (a few kilobytes on disk)."""
    ents = ['<!ENTITY l0 "lollollollollollollollollollol">']
    ents += [f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, levels + 1)]
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [' + "\n".join(ents) + "]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
        f'<rdf:Description rdf:about="https://w3id.org/cqpi/id/cqp/X"><rdfs:label>&l{levels};</rdfs:label>'
        "</rdf:Description></rdf:RDF>",
        encoding="utf-8",
    )
    return path


def deep_rdfxml(path: Path, levels: int = 30_000) -> Path:
    """RDF/XML nested `levels` deep: the parser's time grows with the square of the depth."""
    head = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/">'
        + "<rdf:Description><ex:p>" * levels
    )
    path.write_text(head + "</ex:p></rdf:Description>" * levels + "</rdf:RDF>", encoding="utf-8")
    return path


def _rewrite_xlsx(template: Path, dest: Path, replace: dict[str, bytes | Iterator[bytes]]) -> Path:
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = replace.pop(info.filename, None)
            if data is None:
                out.writestr(info, src.read(info))
            elif isinstance(data, bytes):
                out.writestr(info.filename, data)
            else:
                with out.open(info.filename, "w", force_zip64=True) as fh:
                    for chunk in data:
                        fh.write(chunk)
        for name, data in replace.items():
            out.writestr(name, data if isinstance(data, bytes) else b"".join(data))
    return dest


def xlsx_bomb(path: Path, megabytes: int = 400) -> Path:
    """A filled-in template whose shared strings hold one title of `megabytes` MB (a few hundred KB
    packed: deflate packs repeated bytes about a thousand to one)."""
    from cqpi_graph.validate.spreadsheet import write_template

    template = write_template(path.with_name("modele-" + path.name))

    def strings() -> Iterator[bytes]:
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            b'uniqueCount="1"><si><t>'
        )
        block = b"A" * (1 << 20)
        for _ in range(megabytes):
            yield block
        yield b"</t></si></sst>"

    out = _rewrite_xlsx(template, path, {"xl/sharedStrings.xml": strings()})
    template.unlink()
    return out


def xlsx_with_entity(path: Path) -> Path:
    """A template whose first sheet declares and uses an XML entity (was a raw ParseError)."""
    from cqpi_graph.validate.spreadsheet import write_template

    template = write_template(path.with_name("modele-" + path.name))
    with zipfile.ZipFile(template) as zf:
        sheet = next(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
        xml = zf.read(sheet)
    decl = b'<!DOCTYPE worksheet [<!ENTITY e "Intitul&#233;">]>'
    head, sep, rest = xml.partition(b"?>")
    xml = head + sep + decl + rest if sep else decl + xml
    xml = xml.replace(
        b"<sheetData>", b'<sheetData><row r="99"><c r="A99" t="inlineStr"><is><t>&e;</t></is></c></row>', 1
    )
    out = _rewrite_xlsx(template, path, {sheet: xml})
    template.unlink()
    return out


# ---------------------------------------------------------------- a web server of its own

SERVER = """
import json, sys
from werkzeug.serving import make_server
from web import create_app
app = create_app(json.loads(sys.argv[1]))
srv = make_server("127.0.0.1", 0, app, threaded=True)
print(srv.server_port, flush=True)
srv.serve_forever()
"""


class LiveServer:
    """The web app served by a separate Python process on a loopback port."""

    def __init__(self, proc: subprocess.Popen, port: int) -> None:
        self.proc, self.port = proc, port
        self.base = f"http://127.0.0.1:{port}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def peak_memory(self) -> int:
        """The server process's peak resident memory (bytes), its children not included."""
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        return 0

    def get(self, path: str, timeout: float = 30) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def upload(self, name: str, data: bytes, timeout: float = 120) -> tuple[int, str]:
        boundary = "cqpiboundary7f3a"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        req = urllib.request.Request(
            self.base + "/validate",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")


@contextlib.contextmanager
def live_server(config: dict, env: dict | None = None) -> Iterator[LiveServer]:
    full_env = dict(os.environ, **(env or {}))
    full_env["PYTHONPATH"] = str(ROOT) + (
        os.pathsep + full_env["PYTHONPATH"] if full_env.get("PYTHONPATH") else ""
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=full_env,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        if not line.strip().isdigit():
            raise RuntimeError(f"the server did not start: {line!r}")
        server = LiveServer(proc, int(line))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if server.get("/", timeout=10)[0] == 200:
                    break
            time.sleep(0.2)
        yield server
    finally:
        proc.kill()
        proc.wait(10)
