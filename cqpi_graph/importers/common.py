"""What every registry importer shares: row errors, the report, CSV reading, quad batches.

Rules (issue 3):
- a row that cannot be read is reported (file, row, field, what was expected) and counted as an
  error, and the import goes on;
- a value that is odd but not fatal (an unknown access route, a reference to a fiche that is not
  in the export) is kept where it can be and reported as a warning;
- a file that cannot be read at all raises InputError: the import stops and, since every import
  writes into a copy-on-write generation of the store, the store stays as it was.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO
from urllib.parse import quote

from ..errors import InputError
from ..namespaces import CQ, ID, PROV, RDF, RDFS, XSD, Graphs
from ..progress import NullProgress, Progress
from ..provenance import GraphRecord, SourceFile, graph_checksums, now_iso, record_graph, source_node
from ..store.base import Store

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

BATCH = 50_000  # quads handed to the store at once
MAX_LISTED = 200  # problems kept with their details in a report (all are counted)


# ---------------------------------------------------------------- problems and reports


@dataclass
class RowProblem:
    """One row that could not be read (error) or one odd value (warning)."""

    file: str
    row: int | None
    field: str | None
    message: str
    expected: str | None = None
    unit: str = "ligne"  # "ligne" for CSV rows, "fiche n°" for the fiches of an XML flow

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"{self.unit} {self.row}")
        if self.field:
            where.append(f"champ « {self.field} »")
        text = ", ".join(where) + " : " + self.message
        if self.expected:
            text += f" (attendu : {self.expected})"
        return text


_QUOTED = re.compile(r"«[^»]*»")
_DIGITS = re.compile(r"\b(RNCP|RS)?\d+(BC\d+)?\b")


def problem_kind(severity: str, fld: str | None, message: str) -> tuple[str, str, str]:
    """What groups problems of the same kind: severity, field, and the message without the
    values it quotes (« … ») or the codes it names."""
    return severity, fld or "", _DIGITS.sub("…", _QUOTED.sub("« … »", message))


@dataclass
class ProblemGroup:
    """Problems of one kind: how many, and the first one as an example."""

    severity: str  # "erreur" or "avertissement"
    example: RowProblem
    count: int = 0

    def line(self) -> str:
        ex = self.example
        where = f"{ex.unit} {ex.row}" if ex.row is not None else ex.file
        field_part = f" (champ « {ex.field} »)" if ex.field else ""
        return f"{self.count} × {self.severity}{field_part} : {ex.message} — ex. {ex.file}, {where}"


@dataclass
class ImportReport:
    """What an import did: rows read, entities created, warnings and row errors.

    Problems are counted by kind (`groups`, for a summary a person can act on) and every one of
    them is written to `problems_file` (TSV) when the import names one.
    """

    source: str
    graph: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    triples: int = 0
    entities: Counter = field(default_factory=Counter)
    warnings: list[RowProblem] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    warning_count: int = 0
    error_count: int = 0
    skipped: bool = False  # the same file was already imported: nothing changed
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    row_unit: str = "ligne"
    groups: dict[tuple[str, str, str], ProblemGroup] = field(default_factory=dict)
    problems_file: Path | None = None
    _log: IO[str] | None = field(default=None, repr=False)

    def _record(self, severity: str, problem: RowProblem) -> None:
        key = problem_kind(severity, problem.field, problem.message)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = ProblemGroup(severity, problem)
        group.count += 1
        if self._log is not None:
            cells = (severity, problem.file, problem.row, problem.field, problem.message, problem.expected)
            self._log.write("\t".join("" if c is None else str(c).replace("\t", " ") for c in cells) + "\n")

    def open_log(self, path: Path) -> None:
        """Write every problem, as it is found, to a TSV file at path."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.problems_file = path
        self._log = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed by close_log
        self._log.write("gravité\tfichier\tligne\tchamp\tproblème\tattendu\n")

    def close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.problems_file is not None and not self.groups:
            self.problems_file.unlink(missing_ok=True)
            self.problems_file = None

    def warn(
        self, file: str, row: int | None, fld: str | None, message: str, expected: str | None = None
    ) -> None:
        self.warning_count += 1
        problem = RowProblem(file, row, fld, message, expected, self.row_unit)
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(problem)
        self._record("avertissement", problem)

    def error(
        self, file: str, row: int | None, fld: str | None, message: str, expected: str | None = None
    ) -> None:
        self.error_count += 1
        problem = RowProblem(file, row, fld, message, expected, self.row_unit)
        if len(self.errors) < MAX_LISTED:
            self.errors.append(problem)
        self._record("erreur", problem)

    @property
    def entities_created(self) -> int:
        return sum(self.entities.values())

    def summary(self, details: int = 12) -> str:
        head = f"import {self.source} ({', '.join(self.files)}) -> {self.graph}"
        if self.skipped:
            return head + "\n  déjà importé (même somme SHA-256) : rien n'a changé"
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.entities.items()))
        lines = [
            head,
            f"  lignes lues : {self.rows_read}",
            f"  entités créées : {self.entities_created}" + (f" ({kinds})" if kinds else ""),
            f"  triplets : {self.triples}",
            f"  avertissements : {self.warning_count}",
            f"  erreurs : {self.error_count}",
        ]
        lines += [f"  note : {n}" for n in self.notes]
        groups = sorted(self.groups.values(), key=lambda g: (g.severity != "erreur", -g.count))
        for g in groups[:details]:
            lines.append(f"  {g.line()}")
        if len(groups) > details:
            lines.append(f"  … {len(groups) - details} autre(s) sorte(s) de problème")
        if self.problems_file is not None:
            lines.append(f"  liste complète des problèmes : {self.problems_file}")
        return "\n".join(lines)


# ---------------------------------------------------------------- RDF terms
#
# Terms are N-Triples text, handed to Oxigraph's N-Quads parser in batches. Measured (pyoxigraph
# 0.5, 200,000 quads): formatting a line costs ~0.3 µs a quad in Python and parsing it ~7 µs in
# Oxigraph, while building ox.NamedNode/ox.Literal/ox.Quad objects costs ~3 µs a quad for the
# same load time, so text is the faster path. What was slow was percent-encoding every IRI with
# urllib.parse.quote: the IRIs of the vocabularies are cached, and per-row paths made only of
# unreserved characters (the codes) skip quote.

_SAFE_PATH = re.compile(r"[A-Za-z0-9\-._~/]*")


@lru_cache(maxsize=1 << 16)
def _encoded(path: str) -> str:
    if _SAFE_PATH.fullmatch(path):
        return path  # nothing to percent-encode (the common case: codes)
    return "/".join(quote(seg, safe="-._~") for seg in path.split("/"))


def iri(path: str) -> str:
    """<https://w3id.org/cqpi/id/{path}> with each segment percent-encoded where needed."""
    return "<" + ID + _encoded(path) + ">"


@lru_cache(maxsize=4096)
def named(uri: str) -> str:
    """A vocabulary IRI (cached: properties, classes, concepts of code lists)."""
    return f"<{uri}>"


def ext(uri: str) -> str:
    """An IRI outside …/id/ (not cached: may be one per row)."""
    return f"<{uri}>"


def _escape(text: str) -> str:
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return text


_XSD_STRING = XSD + "string"


def lit(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal in N-Triples syntax (same escaping as store.base.Term.n3)."""
    text = _escape(value)
    if lang:
        return f'"{text}"@{lang}'
    if datatype and datatype != _XSD_STRING:
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


def fr(value: str) -> str:
    return f'"{_escape(value)}"@fr'


TRUE = lit("true", datatype=XSD + "boolean")
FALSE = lit("false", datatype=XSD + "boolean")
A = f"<{RDF}type>"


@lru_cache(maxsize=1024)
def cq(local: str) -> str:
    """A term of the cqpi ontology (cached: the importers ask for the same few on every row)."""
    return f"<{CQ}{local}>"


_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def parse_date(value: str) -> str | None:
    """dd/mm/yyyy -> yyyy-mm-dd, None if it is not a real date."""
    m = _DATE.match(value.strip())
    if not m:
        return None
    d, mth, y = (int(x) for x in m.groups())
    try:
        return dt.date(y, mth, d).isoformat()
    except ValueError:
        return None


def date_lit(iso: str) -> str:
    return f'"{iso}"^^<{XSD}date>'


_SPACES = re.compile(r"\s+")


def clean(value: str | None) -> str:
    """Collapse runs of white space and strip."""
    if not value:
        return ""
    return _SPACES.sub(" ", value).strip()


@lru_cache(maxsize=16)
def level_concepts(n: int) -> tuple[str, str]:
    """niv:N and eqf:N."""
    return iri(f"niveau/{n}"), f"<http://data.europa.eu/snb/eqf/{n}>"


# ---------------------------------------------------------------- writing quads in batches


class QuadSink:
    """Collects triples of one named graph and hands them to the store in batches."""

    def __init__(self, store: Store, graph: str, report: ImportReport, batch: int = BATCH) -> None:
        self.store = store
        self.graph = graph
        self.report = report
        self.batch_size = batch
        self.buf: list[tuple[str, str, str, str]] = []

    def add(self, s: str, p: str, o: str) -> None:
        buf = self.buf
        buf.append((s, p, o, self.graph))
        if len(buf) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.report.triples += self.store.add_quads(self.buf)
            self.buf = []


# ---------------------------------------------------------------- reading text and CSV


def detect_encoding(opener: Callable[[], IO[bytes]], name: str) -> str:
    """utf-8-sig (BOM), utf-8, or latin-1 when the bytes are not valid UTF-8.

    Reads the file once in chunks (constant memory); the caller reopens it to parse.
    """
    with opener() as fh:
        head = fh.read(1 << 16)
        if not head:
            raise InputError(
                "fichier vide", file=name, expected="une ligne d'en-tête puis des lignes de données"
            )
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise InputError("fichier en UTF-16", file=name, expected="UTF-8 ou Latin-1")
        dec = codecs.getincrementaldecoder("utf-8")()
        chunk = head
        try:
            while chunk:
                dec.decode(chunk)
                chunk = fh.read(1 << 20)
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return "latin-1"
    return "utf-8"


def sniff_delimiter(header: str, preferred: str) -> str:
    return preferred if preferred in header else ("," if header.count(",") > header.count(";") else ";")


class CsvRows:
    """Rows of one CSV file as dicts, with the header checked and bad rows reported.

    Yields (line number of the row's first line, dict). A row with fewer or more cells than
    the header is reported as an error and skipped (unless the extra cells are empty).
    """

    def __init__(
        self,
        opener: Callable[[], IO[bytes]],
        name: str,
        report: ImportReport,
        *,
        delimiter: str = ";",
        required: Iterable[str] = (),
        encoding: str | None = None,
    ) -> None:
        self.opener = opener
        self.name = name
        self.report = report
        self.delimiter = delimiter
        self.required = list(required)
        self.encoding = encoding or detect_encoding(opener, name)
        self.header: list[str] = []

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        with self.opener() as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="")
            try:
                first = text.readline()
            except UnicodeDecodeError as exc:  # a BOM, then bytes that are not UTF-8
                raise InputError(
                    f"octets invalides pour l'encodage {self.encoding} : {exc.reason}",
                    file=self.name,
                    line=1,
                    expected="UTF-8 ou Latin-1",
                ) from None
            if not first.strip():
                raise InputError(
                    "fichier vide (pas de ligne d'en-tête)",
                    file=self.name,
                    expected="une ligne d'en-tête : " + self.delimiter.join(self.required),
                )
            delim = sniff_delimiter(first, self.delimiter)
            self.header = [h.strip().lstrip("\ufeff") for h in next(csv.reader([first], delimiter=delim))]
            missing = [c for c in self.required if c not in self.header]
            if missing:
                raise InputError(
                    f"colonnes absentes de l'en-tête : {', '.join(missing)}",
                    file=self.name,
                    line=1,
                    field=missing[0],
                    expected="les colonnes " + ", ".join(self.required),
                )
            reader = csv.reader(text, delimiter=delim)
            width = len(self.header)
            while True:
                start = reader.line_num + 2  # header is line 1
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    self.report.error(
                        self.name,
                        start,
                        None,
                        f"ligne CSV illisible : {exc}",
                        f"{width} champs séparés par « {delim} »",
                    )
                    continue
                except UnicodeDecodeError as exc:
                    raise InputError(
                        f"octets invalides pour l'encodage {self.encoding} : {exc.reason}",
                        file=self.name,
                        line=start,
                        expected="UTF-8 ou Latin-1",
                    ) from None
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                self.report.rows_read += 1
                if len(cells) < width:
                    self.report.error(
                        self.name,
                        start,
                        self.header[len(cells)],
                        f"{len(cells)} champ(s) au lieu de {width} : colonnes manquantes",
                        f"{width} champs séparés par « {delim} »",
                    )
                    continue
                if len(cells) > width:
                    if any(c.strip() for c in cells[width:]):
                        self.report.error(
                            self.name,
                            start,
                            None,
                            f"{len(cells)} champs au lieu de {width} : colonnes en trop",
                            f"{width} champs séparés par « {delim} »",
                        )
                        continue
                    cells = cells[:width]
                yield start, dict(zip(self.header, cells, strict=True))


def path_opener(path: Path) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        try:
            return open(path, "rb")
        except OSError as exc:
            raise InputError(f"lecture impossible : {exc.strerror}", file=str(path)) from None

    return opener


# ---------------------------------------------------------------- running an import


_FILE_DATE = re.compile(r"(20\d{2})[-_](\d{2})[-_](\d{2})")


def date_from_name(name: str) -> str | None:
    """The export date in a file name such as export-fiches-csv-2024-02-22.zip."""
    m = _FILE_DATE.search(name)
    if not m:
        return None
    try:
        return dt.date(*(int(x) for x in m.groups())).isoformat()
    except ValueError:
        return None


def previous_export_date(store: Store, graph: str) -> str | None:
    rows = store.select(
        f"""SELECT ?d WHERE {{ GRAPH <{Graphs.META}> {{
            <{graph}> <http://purl.org/dc/terms/source> ?src . ?src <{CQ}exportDate> ?d }} }}"""
    )
    return max((r["d"].value for r in rows if "d" in r), default=None)


def _nt_integer(n: int) -> str:
    """An xsd:integer in N-Triples syntax (provenance records take N-Triples terms)."""
    return f'"{n}"^^<{XSD}integer>'


@dataclass(frozen=True)
class Origin:
    """Where an imported statement comes from: the export (a source node of the meta graph,
    which holds its file name, checksum and export date), the file inside it, the row, the field."""

    source: str  # IRI of the source file node, N-Triples form
    file: str
    row: int | None = None
    field: str | None = None

    def at(self, row: int | None, fld: str | None = None) -> Origin:
        return Origin(self.source, self.file, row, fld)


def origin(graph: str, index: int, file: str) -> Origin:
    """The origin of the statements read from the index-th file of an import into `graph`."""
    return Origin(f"<{source_node(graph, index)}>", file)


def write_origin(add: Callable[[str, str, str], None], statement: str, where: Origin) -> None:
    """prov:wasDerivedFrom the export, cq:sourceFile, cq:sourceRow and cq:sourceField."""
    add(statement, named(f"{PROV}wasDerivedFrom"), where.source)
    add(statement, cq("sourceFile"), lit(where.file))
    if where.row is not None:
        add(statement, cq("sourceRow"), _nt_integer(where.row))
    if where.field:
        add(statement, cq("sourceField"), lit(where.field))


def write_succession(
    add: Callable[[str, str, str], None],
    old: str,
    new: str,
    statement: str,
    label: str | None = None,
    where: Origin | None = None,
) -> None:
    """old is replaced by new (IRIs): the direct links and the cq:Succession statement (history,
    never a recognition), with where it was read."""
    add(old, cq("replacedBy"), new)
    add(new, cq("replaces"), old)
    add(statement, A, cq("Succession"))
    add(statement, cq("fromCertification"), old)
    add(statement, cq("toCertification"), new)
    add(statement, cq("direction"), fr("unidirectionnel"))
    if label:
        add(statement, named(f"{RDFS}label"), fr(label))
    if where is not None:
        write_origin(add, statement, where)


def problems_path(store: Store, source: str) -> Path:
    """Where an import writes the full list of its problems: beside an embedded store
    (STORE/reports/), else in the temporary folder."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    local = getattr(store, "directory", None) is not None and "://" not in str(store.location)
    location = Path(store.location) if local else None
    folder = location / "reports" if location is not None else Path(tempfile.gettempdir()) / "cqpi-reports"
    return folder / f"import-{source}-{stamp}-{os.getpid()}.tsv"


@dataclass
class ImportJob:
    """One import of one source into its named graph, with provenance and skip-if-same."""

    source: str  # rncp, bcn, kit, rome, esco
    graph: str
    title_fr: str
    title_en: str
    method: str
    files: list[Path]
    export_date: str | None = None
    publisher: str | None = None
    export_dates: list[str | None] | None = None  # one per file, when they differ

    def run(
        self,
        store: Store,
        fill: Callable[[QuadSink, ImportReport, Progress], None],
        progress: Progress | None = None,
    ) -> ImportReport:
        progress = progress or NullProgress()
        t0 = time.monotonic()
        report = ImportReport(self.source, self.graph, files=[f.name for f in self.files])
        dates = self.export_dates or [self.export_date] * len(self.files)
        sources = [
            SourceFile(f, export_date=d, publisher=self.publisher)
            for f, d in zip(self.files, dates, strict=True)
        ]
        if graph_checksums(store, self.graph) == sorted(s.sha256 for s in sources) and store.count(
            self.graph
        ):
            report.skipped = True
            return report
        before = previous_export_date(store, self.graph)
        if before and self.export_date and self.export_date < before:
            report.notes.append(f"export du {self.export_date} plus ancien que celui déjà importé ({before})")
        started = now_iso()
        store.clear_graph(self.graph)
        sink = QuadSink(store, self.graph, report)
        report.open_log(problems_path(store, self.source))
        try:
            fill(sink, report, progress)
        finally:
            report.close_log()
        sink.flush()
        report.triples = store.count(self.graph)
        record_graph(
            store,
            GraphRecord(
                self.graph,
                self.title_fr,
                self.title_en,
                self.method,
                sources=sources,
                started=started,
                extra={
                    CQ + "rowsRead": _nt_integer(report.rows_read),
                    CQ + "warningCount": _nt_integer(report.warning_count),
                    CQ + "errorCount": _nt_integer(report.error_count),
                },
            ),
        )
        report.seconds = time.monotonic() - t0
        return report


__all__ = [
    "A",
    "CsvRows",
    "ImportJob",
    "ImportReport",
    "QuadSink",
    "RowProblem",
    "cq",
    "date_from_name",
    "date_lit",
    "detect_encoding",
    "ext",
    "fr",
    "iri",
    "lit",
    "named",
    "parse_date",
]
