"""The one CSV reader of the importers, as it runs in the parse child (cqpi_graph.sandbox).

It turns a registry file into events the importer's process applies (`CsvRows` in common.py):

    ("encoding", name)                        the encoding found, when it is not UTF-8
    ("header", cells, delimiter)              the header line, once
    ("row", line, cells)                      a row with as many cells as the header
    ("rows", lines, text)                     rows packed by `csv_batches` (see there)
    ("error", line, field, message, expected, counted)
                                              a row that cannot be read (skipped; counted as a
                                              row read unless the CSV syntax itself failed)
    ("warn", line, field, message, expected)  an odd value (a too long field, control characters)
    ("truncated", line, message)              the file ends in the middle of a row

What it guarantees, whatever the bytes:
- the encoding is detected, not assumed: UTF-8 (with or without BOM), else Windows-1252 (what
  French registries such as the BCN publish), else Latin-1;
- no C0/C1 control character (tab, line feed and carriage return aside) leaves it: they are
  removed and the field is reported;
- memory stays bounded: a physical line longer than LINE_CAP characters is skipped and
  reported, a field longer than FIELD_CAP characters is emptied with a warning;
- a file that ends without its last line feed, inside a quoted field or with a short last row
  is reported as truncated (an interrupted download), for the shrink guard to refuse.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Callable, Iterator
from typing import IO

from ..errors import InputError
from ..messages import Quoted, msg

# A field above FIELD_CAP is emptied with a warning (a 10 MB label); a physical line above
# LINE_CAP is skipped as an error: what bounds the reader's memory (a few times LINE_CAP).
FIELD_CAP = int(os.environ.get("CQPI_MAX_FIELD_CHARS") or 100_000)
LINE_CAP = max(int(os.environ.get("CQPI_MAX_LINE_CHARS") or 32_000_000), FIELD_CAP)
# C0 controls but tab, LF and CR; DEL; C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}

Opener = Callable[[], IO[bytes]]


def detect_encoding(opener: Opener, name: str) -> str:
    """utf-8-sig (BOM), utf-8, cp1252 when the bytes are not UTF-8 but are Windows-1252, else latin-1.

    Windows-1252 and Latin-1 differ only on 0x80–0x9F: printable characters (’ … œ €) in the
    former, control characters in the latter, which no registry means. Reads the file in
    chunks (constant memory), a second time only if it is not UTF-8; the caller reopens it to
    parse.
    """
    with opener() as fh:
        head = fh.read(1 << 16)
        if not head:
            raise InputError(
                msg("fichier vide"), file=name, expected=msg("une ligne d'en-tête puis des lignes de données")
            )
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise InputError(
                msg("fichier en UTF-16"), file=name, expected=msg("UTF-8, Windows-1252 ou Latin-1")
            )
        if _decodes(fh, head, "utf-8"):
            return "utf-8"
    with opener() as fh:
        return "cp1252" if _decodes(fh, fh.read(1 << 16), "cp1252") else "latin-1"


def _decodes(fh: IO[bytes], chunk: bytes, encoding: str) -> bool:
    dec = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk:
            dec.decode(chunk)
            chunk = fh.read(1 << 20)
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


class _Lines:
    """Physical lines of a text stream, each at most LINE_CAP characters; longer ones are
    drained and replaced by an empty line, their number and length kept in `cut`."""

    def __init__(self, text: io.TextIOBase) -> None:
        self.text = text
        self.count = 0
        self.cut: dict[int, int] = {}
        self.last_complete = True  # the last line read ended with a line break

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self.text.readline(LINE_CAP + 1)
        if not line:
            raise StopIteration
        self.count += 1
        self.last_complete = line.endswith(("\n", "\r"))
        if len(line) > LINE_CAP and not self.last_complete:
            total = len(line)
            while not self.last_complete:
                more = self.text.readline(1 << 20)
                if not more:
                    break
                total += len(more)
                self.last_complete = more.endswith(("\n", "\r"))
            self.cut[self.count] = total
            return "\n"
        return line


def sniff_delimiter(header: str, preferred: str) -> str:
    return preferred if preferred in header else ("," if header.count(",") > header.count(";") else ";")


def _clean_cells(cells: list[str], header: list[str], line: int) -> Iterator[tuple]:
    """Remove control characters and empty over-long fields in place; warn for each."""
    for i, c in enumerate(cells):
        fld = header[i] if i < len(header) else None
        if len(c) > FIELD_CAP:
            cells[i] = ""
            yield (
                "warn",
                line,
                fld,
                f"champ de {len(c):,} caractères : valeur ignorée".replace(",", " "),
                f"au plus {FIELD_CAP:,} caractères".replace(",", " "),
            )
        elif CONTROL.search(c):
            cells[i] = CONTROL.sub("", c)
            codes = sorted({f"U+{ord(ch):04X}" for ch in CONTROL.findall(c)})
            yield ("warn", line, fld, f"caractères de contrôle retirés ({', '.join(codes[:5])})", None)


def csv_events(opener: Opener, name: str, delimiter: str, encoding: str | None = None) -> Iterator[tuple]:
    """The events of one CSV file (see the module doc). Runs in the parse child."""
    csv.field_size_limit(LINE_CAP)
    enc = encoding or detect_encoding(opener, name)
    if enc not in ("utf-8", "utf-8-sig"):
        yield ("encoding", ENCODING_NAMES.get(enc, enc))
    with opener() as raw:
        text = io.TextIOWrapper(raw, encoding=enc, newline="")
        lines = _Lines(text)
        try:
            first = next(lines, "")
        except UnicodeDecodeError as exc:  # a BOM, then bytes that are not UTF-8
            raise _bad_bytes(name, enc, exc, 1) from None
        if not first.strip():
            raise InputError(
                msg("fichier vide (pas de ligne d'en-tête)"), file=name, expected=msg("une ligne d'en-tête")
            )
        delim = sniff_delimiter(first, delimiter)
        header = [
            CONTROL.sub("", h).strip().lstrip("\ufeff") for h in next(csv.reader([first], delimiter=delim))
        ]
        yield ("header", header, delim)
        yield from _rows(csv.reader(lines, delimiter=delim), lines, header, delim, name, enc)


def _bad_bytes(name: str, enc: str, exc: UnicodeDecodeError, line: int) -> InputError:
    return InputError(
        msg(
            "octets invalides pour l'encodage {encoding} : {detail}",
            encoding=ENCODING_NAMES.get(enc, enc),
            detail=Quoted(exc.reason),
        ),
        file=name,
        line=line,
        expected=msg("UTF-8, Windows-1252 ou Latin-1"),
    )


def _rows(reader, lines: _Lines, header: list[str], delim: str, name: str, enc: str) -> Iterator[tuple]:  # noqa: ANN001
    width = len(header)
    expected = f"{width} champs séparés par « {delim} »"
    last: tuple | None = None  # the last row's outcome, to tell a truncated end
    while True:
        first_line = lines.count + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            last = ("error", first_line, None, f"ligne CSV illisible : {exc}", expected, False)
            yield last
            continue
        except UnicodeDecodeError as exc:
            raise _bad_bytes(name, enc, exc, first_line) from None
        cut = [(n, size) for n, size in lines.cut.items() if n >= first_line]
        if cut:
            for n, _ in cut:
                del lines.cut[n]
            n, size = cut[0]
            last = (
                "error",
                n,
                None,
                f"ligne de {size:,} caractères : ligne ignorée".replace(",", " "),
                f"au plus {LINE_CAP:,} caractères par ligne".replace(",", " "),
                True,
            )
            yield last
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) < width:
            last = (
                "error",
                first_line,
                header[len(cells)],
                f"{len(cells)} champ(s) au lieu de {width} : colonnes manquantes",
                expected,
                True,
            )
            yield last
            continue
        if len(cells) > width:
            if any(c.strip() for c in cells[width:]):
                last = (
                    "error",
                    first_line,
                    None,
                    f"{len(cells)} champs au lieu de {width} : colonnes en trop",
                    expected,
                    True,
                )
                yield last
                continue
            cells = cells[:width]
        joined = "".join(cells)  # one check for the whole row: the common case is clean
        if len(joined) > FIELD_CAP or CONTROL.search(joined):
            yield from _clean_cells(cells, header, first_line)
        last = ("row", first_line, cells)
        yield last
    if not lines.last_complete and last is not None and last[0] == "error":
        yield (
            "truncated",
            last[1],
            "le fichier se termine au milieu d'une ligne (téléchargement interrompu ?)",
        )


BATCH_CHARS = 1 << 19  # characters of rows sent to the importer's process at once
CELL, ROW = "\x00", "\x01"  # control characters: never in a cell once the reader cleaned it


def csv_batches(
    opener: Opener, name: str, delimiter: str, encoding: str | None = None
) -> Iterator[list[tuple]]:
    """csv_events in batches for sandbox.stream, rows packed into one string per batch: the cells
    of a row joined by CELL, the rows by ROW (one string pickles and splits far faster than
    thousands of tuples of lists). Other events keep their place between rows."""
    lines: list[int] = []
    texts: list[str] = []
    size = 0
    batch: list[tuple] = []
    for ev in csv_events(opener, name, delimiter, encoding):
        if ev[0] == "row":
            text = CELL.join(ev[2])
            lines.append(ev[1])
            texts.append(text)
            size += len(text) + 16
            if size < BATCH_CHARS:
                continue
        if texts:
            batch.append(("rows", lines, ROW.join(texts)))
            lines, texts, size = [], [], 0
        if ev[0] != "row":
            batch.append(ev)
        if ev[0] == "row" or len(batch) >= 1000:
            yield batch
            batch = []
    if texts:
        batch.append(("rows", lines, ROW.join(texts)))
    yield batch


def unpack_rows(lines: list[int], text: str) -> Iterator[tuple[int, list[str]]]:
    """The rows of a ("rows", lines, text) event."""
    return zip(lines, (row.split(CELL) for row in text.split(ROW)), strict=True)
