"""Checks an untrusted file passes before a parser reads it, where the format allows one.

- ZIP archives and XLSX workbooks: the unpacked size and the ratio to the packed size, read
  from the central directory before any member is opened (zipfile never inflates a member
  beyond the size the directory declares, so the check holds);
- XML (RDF/XML, the RNCP flow, the parts of an XLSX): no external entity, no entity defined by
  other entities (the « billion laughs »), no long entity, elements nested at most MAX_XML_DEPTH
  deep — the prolog is read by expat, which stops at the first element;
- JSON-LD: nested at most MAX_JSON_DEPTH deep (Oxigraph's JSON-LD parser recurses: a few
  thousand levels overflow its stack).

Each refusal is a LimitExceeded (an InputError naming the file: exit code 2, HTTP 413 or 422).
These checks run in the parse child (cqpi_graph.sandbox) with the parser they protect.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.parsers import expat

from .messages import Message, Quoted, Size, msg
from .sandbox import LimitExceeded, Limits, current_limits

MAX_XML_DEPTH = 256
MAX_JSON_DEPTH = 100
MAX_ENTITY_CHARS = 1024  # replacement text of one internal entity


def _size(n: float) -> Size:
    return Size(n)


def check_archive(zf: zipfile.ZipFile, name: str, lim: Limits | None = None) -> int:
    """The total unpacked size of a ZIP (or XLSX), refused above the limits before reading."""
    lim = lim or current_limits()
    members = [i for i in zf.infolist() if not i.is_dir()]
    unpacked = sum(i.file_size for i in members)
    packed = max(1, sum(i.compress_size for i in members))
    ratio = unpacked / packed
    if unpacked > lim.unpacked_bytes or (unpacked > lim.unpack_floor and ratio > lim.unpack_ratio):
        biggest = max(members, key=lambda i: i.file_size)
        raise LimitExceeded(
            msg(
                "archive trop grosse une fois décompressée : {unpacked} pour {packed} compressés "
                "(×{ratio}) ; membre le plus gros : {member} ({member_size})",
                unpacked=_size(unpacked),
                packed=_size(packed),
                ratio=f"{ratio:,.0f}".replace(",", " "),
                member=biggest.filename,
                member_size=_size(biggest.file_size),
            ),
            kind="unpacked",
            file=name,
            expected=msg(
                "au plus {unpacked} décompressés et, au-delà de {floor}, "
                "un taux de compression d'au plus ×{ratio}",
                unpacked=_size(lim.unpacked_bytes),
                floor=_size(lim.unpack_floor),
                ratio=f"{lim.unpack_ratio:g}",
            ),
        )
    return unpacked


# ---------------------------------------------------------------- XML


class _Stop(Exception):
    """The prolog is over: the first element started."""


_ENTITY_REF = re.compile(r"&([^;#\s]+);")


def _refuse_xml(name: str, message: str | Message, kind: str = "entities") -> LimitExceeded:
    return LimitExceeded(
        message, kind=kind, file=name, expected=msg("un XML sans entité externe ni entité imbriquée")
    )


def _too_deep(depth: int) -> Message:
    return msg("éléments imbriqués sur plus de {depth} niveaux", depth=depth)


def _xml_parser(name: str, max_depth: int, prolog_only: bool, entities: bool) -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = [0]

    def entity(ent, is_param, value, base, system_id, public_id, notation):  # noqa: ANN001, ANN202
        if system_id or public_id or notation:
            raise _refuse_xml(
                name,
                msg("entité externe « {ent} » ({source}) refusée", ent=ent, source=system_id or public_id),
            )
        if is_param:
            raise _refuse_xml(name, msg("entité paramètre « %{ent} » refusée", ent=ent))
        if not entities:
            raise _refuse_xml(name, msg("entité « {ent} » refusée : ce format n'en a jamais", ent=ent))
        text = value or ""
        if _ENTITY_REF.search(text):
            raise _refuse_xml(name, msg("entité « {ent} » définie par d'autres entités : refusée", ent=ent))
        if len(text) > MAX_ENTITY_CHARS:
            raise _refuse_xml(
                name,
                msg(
                    "entité « {ent} » de {n} caractères (au plus {most}) refusée",
                    ent=ent,
                    n=len(text),
                    most=MAX_ENTITY_CHARS,
                ),
            )

    def start(tag, attrs):  # noqa: ANN001, ANN202
        if prolog_only:
            raise _Stop
        depth[0] += 1
        if depth[0] > max_depth:
            raise _refuse_xml(name, _too_deep(max_depth), "nesting")

    def end(tag):  # noqa: ANN001, ANN202
        depth[0] -= 1

    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    return parser


def check_xml(
    source: bytes | IO[bytes],
    name: str,
    *,
    max_depth: int = MAX_XML_DEPTH,
    prolog_only: bool = False,
    entities: bool = True,
) -> None:
    """Refuse external, parameter, nested or long entities (any entity if not `entities`) and
    deep nesting (see the module doc). With prolog_only, stop at the first element.

    A syntax error is left to the real parser, which reports it with its own position.
    """
    parser = _xml_parser(name, max_depth, prolog_only, entities)
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        return
    except expat.ExpatError as exc:
        if "amplification" in str(exc):  # expat's own guard against entity expansion
            raise _refuse_xml(
                name, msg("expansion d'entités refusée ({detail})", detail=Quoted(str(exc)))
            ) from None
        return


# XML 1.0 refuses C0 controls but lets DEL and C1 through: no registry means them.
_C1 = re.compile("[\x7f-\x9f]")
_C1_UTF8 = re.compile(b"\x7f|\xc2[\x80-\x9f]")


def xml_records(path: Path, record: str, *, max_depth: int = MAX_XML_DEPTH) -> Iterator[tuple]:
    """Stream an XML file (for sandbox.stream): ("root", tag), ("text", tag, text) for the root's
    direct children that are not records, ("record", bytes) for each `record` element.

    The prolog is checked first (entities); nesting deeper than max_depth is refused; DEL and C1
    control characters are removed.
    """
    import xml.etree.ElementTree as ET

    with open(path, "rb") as fh:
        check_xml(fh, path.name, prolog_only=True)
        fh.seek(0)
        depth = 0
        root: ET.Element | None = None
        for event, el in ET.iterparse(fh, events=("start", "end")):
            if event == "start":
                depth += 1
                if depth > max_depth:
                    raise _refuse_xml(path.name, _too_deep(max_depth), "nesting")
                if root is None:
                    root = el
                    yield ("root", el.tag)
                continue
            depth -= 1
            if depth != 1 or root is None:
                continue
            if el.tag == record:
                yield ("record", _C1_UTF8.sub(b"", ET.tostring(el, encoding="utf-8")))
            else:
                yield ("text", el.tag, _C1.sub("", el.text or ""))
            root.clear()


def xml_record_batches(path: Path, record: str) -> Iterator[list]:
    """xml_records in batches of about 512 KB, for sandbox.stream."""
    batch: list = []
    size = 0
    for item in xml_records(path, record):
        batch.append(item)
        size += len(item[-1]) + 64 if isinstance(item[-1], str | bytes) else 64
        if size >= 1 << 19:
            yield batch
            batch, size = [], 0
    yield batch


# ---------------------------------------------------------------- JSON


def check_json(data: bytes, name: str, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than max_depth; a syntax error is left to the real parser."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        doc = None
        depth = max_depth + 1
    except ValueError:
        return
    else:
        depth = _json_depth(doc, max_depth)
    if depth > max_depth:
        raise LimitExceeded(
            msg("JSON imbriqué sur plus de {depth} niveaux : lecture refusée", depth=max_depth),
            kind="nesting",
            file=name,
            expected=msg("un document JSON-LD imbriqué sur au plus {depth} niveaux", depth=max_depth),
        )


def _json_depth(doc: object, stop: int) -> int:
    deepest = 0
    todo = [(doc, 1)]
    while todo:
        node, depth = todo.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if deepest > stop:
                return deepest
            children = node.values() if isinstance(node, dict) else node
            todo.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return deepest


__all__ = [
    "LimitExceeded",
    "check_archive",
    "check_json",
    "check_xml",
    "xml_record_batches",
    "xml_records",
]
