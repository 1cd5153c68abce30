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

import datetime as dt
import os
import re
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO
from urllib.parse import quote

from .. import sandbox
from ..errors import InputError
from ..namespaces import CQ, ID, PROV, RDF, RDFS, XSD, Graphs
from ..progress import NullProgress, Progress
from ..provenance import GraphRecord, SourceFile, graph_checksums, now_iso, record_graph, source_node
from ..store.base import Store
from ..untrusted import xml_record_batches
from . import guard
from .csvread import csv_batches, detect_encoding, unpack_rows

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
    rows_by_file: Counter = field(default_factory=Counter)  # rows read in each file (CSV members too)
    truncated: list[str] = field(default_factory=list)  # files that end in the middle of a row
    previous_rows: int | None = None  # rows of the previous import of this source, if recorded
    _keys: dict = field(default_factory=dict, repr=False)  # (file, field) -> code -> (row, hashes)
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
        self._keep(
            self.warnings, "avertissement", RowProblem(file, row, fld, message, expected, self.row_unit)
        )

    def error(
        self, file: str, row: int | None, fld: str | None, message: str, expected: str | None = None
    ) -> None:
        self.error_count += 1
        self._keep(self.errors, "erreur", RowProblem(file, row, fld, message, expected, self.row_unit))

    def _keep(self, listed: list[RowProblem], kind: str, problem: RowProblem) -> None:
        """Listed in the report up to MAX_LISTED; every one grouped (and logged when a log is open)."""
        if len(listed) < MAX_LISTED:
            listed.append(problem)
        self._record(kind, problem)

    def first(self, file: str, row: int | None, fld: str, code: str, values: dict | None = None) -> bool:
        """True the first time a code is read in a file. A later row with the same code is
        reported — an error when its values differ (which one to believe?), a warning when it
        repeats the first row — and the caller skips it."""
        seen = self._keys.setdefault((file, fld), {})
        digest = tuple((k, hash(v)) for k, v in values.items()) if values else ()
        if code not in seen:
            seen[code] = (row, digest)
            return True
        first_row, first_digest = seen[code]
        where = f"{self.row_unit} {first_row}" if first_row is not None else "plus haut"
        if digest == first_digest:
            self.warn(file, row, fld, f"{code} déjà lu ({where}) : ligne en double ignorée")
        else:
            differ = [k for (k, h), (_, h0) in zip(digest, first_digest, strict=False) if h != h0]
            self.error(
                file,
                row,
                fld,
                f"{code} déjà lu ({where}) avec d'autres valeurs ({', '.join(differ[:3]) or '?'}) : "
                "ligne ignorée, la première est gardée",
                "un seul enregistrement par code",
            )
        return False

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
            f"  lignes lues : {self.rows_read:,} ({previous_rows(self.previous_rows)})".replace(",", " "),
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


def previous_rows(n: int | None) -> str:
    """« import précédent : 3 923 lignes », or that there was none."""
    if n is None:
        return "premier import de cette source"
    return f"import précédent : {n:,} lignes"


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


class CsvRows:
    """Rows of one CSV file as dicts, with the header checked and bad rows reported.

    Yields (line number of the row's first line, dict). The file is read in a child process
    under limits (cqpi_graph.sandbox) by the shared reader (csvread.py: encoding detected,
    control characters removed, field and line sizes capped, a truncated end noticed); this
    side applies its events to the report. A row with fewer or more cells than the header is
    reported as an error and skipped (unless the extra cells are empty).
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
        self.encoding = encoding
        self.header: list[str] = []

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        report, name = self.report, self.name
        events = sandbox.stream(csv_batches, self.opener, name, self.delimiter, self.encoding, name=name)
        header: list[str] = []
        rows = 0
        try:
            for ev in events:
                kind = ev[0]
                if kind == "rows":
                    for line, cells in unpack_rows(ev[1], ev[2]):
                        rows += 1
                        yield line, dict(zip(header, cells, strict=True))
                else:
                    rows += self._apply(ev)
                    if kind == "header":
                        header = self.header
        finally:
            report.rows_read += rows
            report.rows_by_file[name] += rows

    def _apply(self, ev: tuple) -> int:
        """Apply an event other than a row to the report; returns the rows it counts as read."""
        report, name, kind = self.report, self.name, ev[0]
        if kind == "error":
            report.error(name, *ev[1:5])
            return 1 if ev[5] else 0
        if kind == "warn":
            report.warn(name, *ev[1:5])
        elif kind == "header":
            self.header = ev[1]
            self._check_header(ev[2])
        elif kind == "truncated":
            report.truncated.append(f"{name}, ligne {ev[1]} : {ev[2]}")
        elif kind == "encoding":
            report.notes.append(f"{name} : encodage {ev[1]}")
        return 0

    def _check_header(self, delim: str) -> None:
        missing = [c for c in self.required if c not in self.header]
        if missing:
            raise InputError(
                f"colonnes absentes de l'en-tête : {', '.join(missing)}",
                file=self.name,
                line=1,
                field=missing[0],
                expected="les colonnes " + ", ".join(self.required),
            )


def iterparse_untrusted(path: Path, record: str) -> Iterator[tuple[str, ET.Element]]:
    """What `ET.iterparse(path, events=("start", "end"))` gives a reader of a flow of `record`
    elements — the root's start, the end of each of its children — parsed in a child process
    under limits, entities and nesting checked first (cqpi_graph.untrusted). A syntax error is
    the parser's own ET.ParseError, with its position."""
    for item in sandbox.stream(xml_record_batches, path, record, name=path.name):
        if item[0] == "root":
            yield "start", ET.Element(item[1])
        elif item[0] == "record":
            yield "end", ET.fromstring(item[1])
        else:
            el = ET.Element(item[1])
            el.text = item[2]
            yield "end", el


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
        previous = guard.previous_import(store, self.graph)
        store.clear_graph(self.graph)
        sink = QuadSink(store, self.graph, report)
        report.open_log(problems_path(store, self.source))
        try:
            fill(sink, report, progress)
            sink.flush()
            guard.report_cycles(store, self.graph, report, report.files[0] if report.files else self.source)
        finally:
            report.close_log()
        guard.check_shrink(report, previous, self.files)
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
        guard.record_file_rows(store, self.graph, report.rows_by_file)
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
