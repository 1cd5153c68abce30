"""A filled spreadsheet template (XLSX or CSV, see template.py) read into RDF, cell by cell.

The converter never stops at a cell it cannot read. A value that has a property to carry it is
kept as written (a level « trois », a type « CQPX », an evaluation method « Observation », a
date « 31/02/2025 ») and the shapes report it; what has none (a missing sheet, column or field,
an off-list kind of body, a competence without bloc) becomes a ReadingProblem, reported as a
violation of a reading rule (shapes/spreadsheet.ttl). Only a file that is not a workbook, or a
CSV that is not UTF-8, is refused whole (InputError).

Every node the converter produces keeps the cell it comes from (SheetGraph.cells), so that a
validation result maps back to a cell: Compétences!E7 in XLSX, « ligne 14, colonne E » in CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .. import sandbox
from ..errors import InputError
from ..messages import Quoted, msg
from ..namespaces import CQ, ID
from ..untrusted import check_archive, check_xml
from .reading import ReadingProblem
from .shacl_engine import vocabulary
from .template import (
    BODY_KIND_LIST,
    BODY_KINDS,
    CERT_FIELDS,
    CERT_SHEET,
    COMP_COLUMNS,
    COMP_SHEET,
    INSTR_SHEET,
    LISTS_SHEET,
    TEMPLATE_FORMATS,
    code_lists,
    write_template,
)

__all__ = [
    "TEMPLATE_FORMATS",
    "Cell",
    "SheetGraph",
    "cells_of",
    "convert_spreadsheet",
    "iter_rows",
    "write_template",
]

CQN = rdflib.Namespace(CQ)
NIV = rdflib.Namespace(ID + "niveau/")
CODE = re.compile(r"(RNCP|RS)\d+")


class SheetGraph(rdflib.Graph):
    """An rdflib graph converted from a spreadsheet, with the cell of every node it produced and
    what could not be read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cells: dict[tuple, str] = {}
        self.problems: list[ReadingProblem] = []
        self.source: str = ""

    def cell_for(self, node: rdflib.term.Node, prop: str | None = None) -> str | None:
        """The cell a node (or one of its properties, by IRI) comes from."""
        if prop is not None and (node, prop) in self.cells:
            return self.cells[(node, prop)]
        return self.cells.get((node, None))


# ---------------------------------------------------------------- reading the file


@dataclass
class Cell:
    value: str
    ref: str  # Sheet!C5 or « ligne 14, colonne E »
    raw: object = None  # the spreadsheet's own value (a date cell's datetime)


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _text(v: object) -> str:
    if v is None:
        return ""
    if not isinstance(v, str | int | float) and isinstance(getattr(v, "text", None), str):
        v = getattr(v, "text")  # noqa: B009 - an array formula: its text, never its result
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        v = v.date()
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _check_workbook(path: Path) -> None:
    """Before openpyxl reads it: the unpacked size and ratio, and no entity in any XML part
    (OOXML never has one; a parser expanding them is what an attacker wants)."""
    try:
        with zipfile.ZipFile(path) as zf:
            check_archive(zf, str(path))
            for info in zf.infolist():
                if not info.is_dir() and info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    with zf.open(info) as fh:
                        check_xml(fh, f"{path} ({info.filename})", prolog_only=True, entities=False)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise InputError(
            msg("classeur XLSX illisible : {detail}", detail=Quoted(str(exc))),
            file=str(path),
            expected=msg("un classeur XLSX du modèle (cqpi template --format xlsx)"),
        ) from None


def _read_xlsx(path: Path) -> dict[str, list[list[Cell]]]:
    from openpyxl import load_workbook

    _check_workbook(path)
    try:
        # data_only=False: a formula cell is read as its text (=HYPERLINK(…)), never as a result
        # (neither computed here nor the value a spreadsheet cached in the file).
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFileException)
        raise InputError(
            msg("classeur XLSX illisible : {detail}", detail=Quoted(str(exc))),
            file=str(path),
            expected=msg("un classeur XLSX du modèle (cqpi template --format xlsx)"),
        ) from None
    sheets: dict[str, list[list[Cell]]] = {}
    try:
        for ws in wb.worksheets:
            rows = []
            for r, row in enumerate(ws.iter_rows(values_only=True), 1):
                rows.append([Cell(_text(v), f"{ws.title}!{_col_letter(c)}{r}", v) for c, v in enumerate(row)])
            sheets[ws.title] = rows
    except (MemoryError, RecursionError):
        raise  # the parse child's limits, reported as such
    except Exception as exc:  # a damaged sheet inside a readable zip
        raise InputError(
            msg("classeur XLSX illisible : {detail}", detail=Quoted(str(exc))),
            file=str(path),
            expected=msg("un classeur XLSX du modèle"),
        ) from None
    finally:
        wb.close()
    return sheets


def _read_csv(path: Path) -> tuple[dict[str, list[list[Cell]]], list[ReadingProblem]]:
    data = path.read_bytes()
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            msg("CSV illisible : le fichier n'est pas en UTF-8"),
            file=str(path),
            line=raw_line(data, exc.start),
            expected=msg("un CSV UTF-8 du modèle (cqpi template --format csv)"),
        ) from None
    sample = raw[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    sheets: dict[str, list[list[Cell]]] = {}
    problems: list[ReadingProblem] = []
    current: list[list[Cell]] | None = None
    reader = csv.reader(raw.splitlines(keepends=True), delimiter=delimiter)
    try:
        for row in reader:
            line = reader.line_num
            first = row[0].strip() if row else ""
            m = re.fullmatch(r"\[(.+)\]", first)
            if m:
                current = sheets.setdefault(m.group(1).strip(), [])
            elif current is not None:
                current.append(
                    [Cell(v.strip(), f"ligne {line}, colonne {_col_letter(c)}") for c, v in enumerate(row)]
                )
            elif first and not first.startswith("#"):
                expected = f"une ligne [{CERT_SHEET}] puis [{COMP_SHEET}] avant les données"
                english = f"a [{CERT_SHEET}] row, then [{COMP_SHEET}], before the data"
                problems.append(
                    ReadingProblem("SheetDataOutsideSection", f"ligne {line}", first, expected, english)
                )
    except csv.Error as exc:
        raise InputError(
            msg("CSV illisible : {detail}", detail=Quoted(str(exc))),
            file=str(path),
            line=reader.line_num,
            expected=msg("un CSV du modèle (cqpi template --format csv)"),
        ) from None
    return sheets, problems


def raw_line(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _slug(text: str) -> str:
    return _norm(text).replace(" ", "-")[:60] or "x"


def _values(text: str, *, semicolons: bool = False) -> list[str]:
    parts = re.split(r"[\n;]" if semicolons else r"\n", text)
    return [" ".join(p.split()) for p in parts if p.strip()]


Types = dict[str, tuple[rdflib.term.Node, rdflib.term.Node]]


def _lookup_tables() -> tuple[dict[str, rdflib.term.Node], Types]:
    vocab = vocabulary()
    methods: dict[str, rdflib.term.Node] = {}
    for m in vocab.subjects(RDF.type, CQN.ModaliteEvaluation):
        for p in (SKOS.notation, SKOS.prefLabel, SKOS.altLabel):
            for v in vocab.objects(m, p):
                methods[_norm(str(v))] = m
    for synonym, local in (
        ("observation en situation de travail", "observation-poste"),
        ("observation au poste", "observation-poste"),
        ("mise en situation", "mise-en-situation"),
        ("controle continu", "controle-continu"),
    ):
        methods.setdefault(_norm(synonym), rdflib.URIRef(ID + "modalite/" + local))
    types: Types = {}
    for t in vocab.subjects(RDF.type, CQN.TypeCertification):
        cls = vocab.value(t, CQN["class"]) or CQN.Certification
        for v in vocab.objects(t, SKOS.notation):
            types[_norm(str(v))] = (t, cls)
    return methods, types


def _date(cell: Cell) -> rdflib.Literal:
    """A date cell as xsd:date; what is not a date stays as written (the shapes report it)."""
    if isinstance(cell.raw, dt.datetime | dt.date):
        day = cell.raw.date() if isinstance(cell.raw, dt.datetime) else cell.raw
        return rdflib.Literal(day.isoformat(), datatype=XSD.date)
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{2})-(\d{2})", cell.value)
    if m:
        d, mo, y = (
            (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(6), m.group(5), m.group(4))
        )
        try:
            return rdflib.Literal(dt.date(int(y), int(mo), int(d)).isoformat(), datatype=XSD.date)
        except ValueError:
            pass
    return rdflib.Literal(cell.value)


def convert_spreadsheet(path: Path | str) -> SheetGraph:
    """A filled template (XLSX or CSV) as RDF, with the cell of every node and what could not be read.

    The file is read in a child process under limits (cqpi_graph.sandbox); the graph, the cells
    of its nodes and the problems come back to this one.
    """
    path = Path(path)
    if sandbox.in_child():
        return _convert(path)
    triples, cells, problems = sandbox.call(_convert_for_parent, path, name=str(path))
    g = SheetGraph()
    _bind(g)
    g.source = str(path)
    for t in triples:
        g.add(t)
    g.cells = cells
    g.problems = problems
    return g


def _convert_for_parent(path: Path) -> tuple[list[tuple], dict, list[ReadingProblem]]:
    g = _convert(path)
    return list(g), dict(g.cells), list(g.problems)


def _bind(g: rdflib.Graph) -> None:
    for prefix, ns in (("cq", CQ), ("rdfs", str(RDFS)), ("skos", str(SKOS)), ("dct", str(DCTERMS))):
        g.bind(prefix, ns)


def _convert(path: Path) -> SheetGraph:
    ext = path.suffix.lower()
    problems: list[ReadingProblem] = []
    if ext == ".xlsx":
        sheets = _read_xlsx(path)
    elif ext == ".csv":
        sheets, problems = _read_csv(path)
    else:
        raise InputError(
            msg("extension « {ext} » : modèle tableur attendu", ext=ext),
            file=str(path),
            expected=msg("xlsx ou csv"),
        )
    converter = _Converter(path, sheets)
    converter.g.problems.extend(problems)
    return converter.run()


# ---------------------------------------------------------------- the converter


class _Converter:
    def __init__(self, path: Path, sheets: dict[str, list[list[Cell]]]) -> None:
        self.path = path
        self.sheets = sheets
        self.g = SheetGraph()
        self.g.source = str(path)
        self.methods, self.types = _lookup_tables()
        _bind(self.g)

    def problem(self, rule: str, cell: Cell, **kw: object) -> None:
        self.g.problems.append(ReadingProblem(rule, cell.ref, **kw))  # type: ignore[arg-type]

    def sheet(self, name: str) -> list[list[Cell]] | None:
        for title, rows in self.sheets.items():
            if _norm(title) == _norm(name):
                return rows
        expected = f"les feuilles « {CERT_SHEET} » et « {COMP_SHEET} » du modèle"
        english = f"the template's sheets « {CERT_SHEET} » and « {COMP_SHEET} »"
        self.problem(
            "SheetMissing",
            Cell("", f"feuille « {name} »"),
            field=name,
            expected=expected,
            expected_en=english,
        )
        return None

    def add(self, s, p, o, cell: Cell | None = None) -> None:  # noqa: ANN001
        self.g.add((s, p, o))
        if cell is not None:
            self.g.cells.setdefault((s, str(p)), cell.ref)
            if not isinstance(o, rdflib.URIRef) or p == CQN.evaluationMethod:
                key = (s, str(p), o)
                refs = self.g.cells.get(key)
                self.g.cells[key] = cell.ref if refs is None or cell.ref in refs else f"{refs} ; {cell.ref}"

    def anchor(self, node, cell: Cell) -> None:  # noqa: ANN001
        self.g.cells.setdefault((node, None), cell.ref)

    def point(self, node, props: Iterable[rdflib.URIRef], cell: Cell) -> None:  # noqa: ANN001
        """Results about these properties of a node name this cell (where they would be given)."""
        for p in props:
            self.g.cells.setdefault((node, str(p)), cell.ref)

    # -------------------------------------------------------- certification sheet
    def read_certification(self) -> dict[str, Cell]:
        rows = self.sheet(CERT_SHEET)
        fields: dict[str, Cell] = {}
        by_label = {_norm(f.label): f for f in CERT_FIELDS}
        for row in rows or []:
            if not row or not row[0].value or row[0].value.startswith("#"):
                continue
            f = by_label.get(_norm(row[0].value))
            if f is not None and f.prop not in fields:
                fields[f.prop] = row[1] if len(row) > 1 else Cell("", _next_cell(row[0].ref))
        for f in CERT_FIELDS:
            if f.prop in fields:
                continue
            # Without the sheet, every field points at the missing sheet (one problem, one message).
            where = Cell("", f"feuille « {CERT_SHEET} »" + ("" if rows is None else f", ligne « {f.label} »"))
            fields[f.prop] = where
            if f.required and rows is not None:
                self.problem(
                    "SheetMissingField",
                    where,
                    field=f.label,
                    expected="la ligne du modèle (cqpi template)",
                    expected_en="the template's row (cqpi template)",
                )
        return fields

    def run(self) -> SheetGraph:
        f = self.read_certification()
        self.certification(f)
        self.codes(f)
        self.body(f)
        self.branches(f)
        self.concepts(f)
        self.dates(f)
        self.read_competences(f)
        return self.g

    def certification(self, f: dict[str, Cell]) -> None:
        label, sigle, code = f["label"].value, f["abbreviation"].value, f["rncpCode"].value
        type_key = _norm(f["type"].value)
        typ, cls = self.types.get(type_key, (None, CQN.Certification))
        owner = re.sub(r"[^A-Za-z0-9_-]", "-", sigle or code or _slug(label) or "referentiel")
        if cls in (CQN.CQPI, CQN.CQPM) and sigle:
            cert = rdflib.URIRef(f"{ID}{'cqpi' if cls == CQN.CQPI else 'cqpm'}/{owner}")
        elif CODE.fullmatch(code):
            cert = rdflib.URIRef(f"{ID}cert/{code}")
        else:
            cert = rdflib.URIRef(f"{ID}cqp/{owner}")
        self.cert, self.owner = cert, owner
        self.anchor(cert, f["label"])
        self.add(cert, RDF.type, cls, f["type"])
        if typ is not None:
            self.add(cert, CQN.certificationType, typ, f["type"])
        elif f["type"].value:  # off the list: kept as written, the shapes say what is expected
            self.add(cert, CQN.certificationType, rdflib.Literal(f["type"].value), f["type"])
        self.point(cert, [CQN.certificationType], f["type"])
        if label:
            self.add(cert, RDFS.label, rdflib.Literal(label, lang="fr"), f["label"])
        if sigle:
            self.add(cert, CQN.abbreviation, rdflib.Literal(sigle), f["abbreviation"])
        self.point(cert, [RDFS.label, SKOS.prefLabel], f["label"])
        self.point(cert, [CQN.abbreviation], f["abbreviation"])
        level = f["level"].value
        if level:
            m = re.fullmatch(r"(?:niveau\s*)?(\d+)", level, flags=re.IGNORECASE)
            self.add(cert, CQN.level, NIV[m.group(1)] if m else rdflib.Literal(level), f["level"])
        self.point(cert, [CQN.level], f["level"])

    def codes(self, f: dict[str, Cell]) -> None:
        """The RNCP or RS code, or a provisional code (PROV-…), as written."""
        code = f["rncpCode"].value
        if code.upper().startswith("PROV"):
            self.add(self.cert, CQN.provisionalCode, rdflib.Literal(code), f["rncpCode"])
        elif code:
            self.add(self.cert, CQN.rncpCode, rdflib.Literal(code), f["rncpCode"])
        self.point(self.cert, [CQN.rncpCode, CQN.provisionalCode], f["rncpCode"])

    def body(self, f: dict[str, Cell]) -> None:
        cert, body, kind = self.cert, f["deliveredBy"].value, f["bodyKind"]
        known = BODY_KINDS.get(_norm(kind.value))
        if kind.value and known is None:
            self.problem(
                "SheetCodeValue",
                kind,
                value=kind.value,
                expected=", ".join(BODY_KIND_LIST),
                focus=cert,
                field="Nature de l'instance qui délivre",
            )
        if body:
            org = rdflib.URIRef(f"{ID}org/{_slug(body)}")
            self.add(cert, CQN.deliveredBy, org, f["deliveredBy"])
            self.add(org, RDF.type, known or CQN.Organisation, kind)
            self.add(org, RDFS.label, rdflib.Literal(body, lang="fr"), f["deliveredBy"])
            self.anchor(org, f["deliveredBy"])
        self.point(cert, [CQN.certifier], f["deliveredBy"])
        # Whether the body is joint is what the kind cell says: results about it point there.
        self.g.cells[(cert, str(CQN.deliveredBy))] = (kind if body else f["deliveredBy"]).ref

    def branches(self, f: dict[str, Cell]) -> None:
        cell = f["adoptedBy"]
        for name in _values(cell.value, semicolons=True):
            number = name.replace(" ", "")
            if number.isdigit():
                idcc = number.zfill(4)
                branch = rdflib.URIRef(f"{ID}idcc/{idcc}")
                self.add(branch, CQN.idcc, rdflib.Literal(idcc), cell)
            else:
                branch = rdflib.URIRef(f"{ID}branche/{_slug(name)}")
                self.add(branch, RDFS.label, rdflib.Literal(name, lang="fr"), cell)
            self.add(self.cert, CQN.adoptedBy, branch, cell)
            self.add(branch, RDF.type, CQN.Branche)
            self.anchor(branch, cell)
        self.point(self.cert, [CQN.adoptedBy], cell)

    def concepts(self, f: dict[str, Cell]) -> None:
        """ROME jobs, NSF and Formacode domains: one node per code, the code as written."""
        for key, prop, folder, cls in (
            ("romeJob", CQN.romeJob, "rome", CQN.MetierROME),
            ("nsf", CQN.nsf, "nsf", SKOS.Concept),
            ("formacode", CQN.formacode, "formacode", SKOS.Concept),
        ):
            cell = f[key]
            for code in _values(cell.value, semicolons=True):
                code = code.lower() if key == "nsf" else code.upper() if key == "romeJob" else code
                node = rdflib.URIRef(
                    f"{ID}{folder}/{_slug(code).upper() if key == 'romeJob' else _slug(code)}"
                )
                self.add(self.cert, prop, node, cell)
                self.add(node, RDF.type, cls)
                self.add(node, SKOS.notation, rdflib.Literal(code), cell)
                self.anchor(node, cell)
            self.point(self.cert, [prop], cell)

    def dates(self, f: dict[str, Cell]) -> None:
        for key, prop in (("startDate", CQN.startDate), ("endDate", CQN.endDate)):
            if f[key].value:
                self.add(self.cert, prop, _date(f[key]), f[key])
            self.point(self.cert, [prop], f[key])

    # -------------------------------------------------------- competences sheet
    def read_competences(self, f: dict[str, Cell]) -> None:
        sheet = self.sheet(COMP_SHEET)
        rows = [r for r in sheet or [] if any(c.value for c in r)]
        if sheet is None:  # what the sheet would have given points at the missing sheet
            where = Cell("", f"feuille « {COMP_SHEET} »")
            self.point(self.cert, [CQN.hasBloc, CQN.hasReferentiel], where)
            self.anchor(rdflib.URIRef(f"{ID}referentiel/{self.owner}"), where)
        index: dict[str, int] = {}
        if rows:
            for c, cell in enumerate(rows[0]):
                for label, key, _ in COMP_COLUMNS:
                    if _norm(cell.value) == _norm(label):
                        index[key] = c
        missing: dict[str, Cell] = {}
        for label, key, _ in COMP_COLUMNS:
            if key not in index and (rows or self.sheet_present(COMP_SHEET)):
                missing[key] = Cell("", f"feuille « {COMP_SHEET} », colonne « {label} »")
                self.problem(
                    "SheetMissingColumn",
                    missing[key],
                    field=label,
                    expected=f"l'en-tête « {label} » sur la ligne d'en-têtes",
                    expected_en=f"the header « {label} » on the header row",
                )
        self.referentiel(f)
        data = [r for r in rows[1:] if not r[0].value.startswith("#")]
        self._rows = _Rows(self, index, missing)
        for n, row in enumerate(data, 1):
            self._rows.read(n, row)

    def sheet_present(self, name: str) -> bool:
        return any(_norm(t) == _norm(name) for t in self.sheets)

    def referentiel(self, f: dict[str, Cell]) -> None:
        cert, owner = self.cert, self.owner
        ref = rdflib.URIRef(f"{ID}referentiel/{owner}")
        self.parts = {
            k: rdflib.URIRef(f"{ID}referentiel/{owner}-{k}")
            for k in ("activites", "competences", "evaluation")
        }
        self.ref = ref
        self.add(cert, CQN.hasReferentiel, ref)
        self.add(ref, RDF.type, CQN.Referentiel)
        self.add(ref, RDFS.label, rdflib.Literal(f"Référentiel de {f['label'].value or owner}", lang="fr"))
        self.anchor(ref, f["label"])
        if f["activitiesDescription"].value:
            node = self.part(
                "activites", CQN.activitiesPart, CQN.ReferentielActivites, f["activitiesDescription"]
            )
            text = rdflib.Literal(f["activitiesDescription"].value, lang="fr")
            self.add(node, DCTERMS.description, text, f["activitiesDescription"])

    def part(self, key: str, prop: rdflib.URIRef, cls: rdflib.URIRef, cell: Cell) -> rdflib.URIRef:
        node = self.parts[key]
        if (self.ref, prop, node) not in self.g:
            self.add(self.ref, prop, node)
            self.add(node, RDF.type, cls)
            self.anchor(node, cell)
        return node


def _next_cell(ref: str) -> str:
    return ref.replace("!A", "!B").replace("colonne A", "colonne B")


class _Rows:
    """The rows of the « Compétences » sheet: blocs, capacités, activities, results, methods."""

    def __init__(self, conv: _Converter, index: dict[str, int], missing: dict[str, Cell]) -> None:
        self.c = conv
        self.index = index
        self.missing = missing
        self.blocs: dict[str, rdflib.URIRef] = {}
        self.activities: dict[str, rdflib.URIRef] = {}
        self.bloc: rdflib.URIRef | None = None

    def get(self, row: list[Cell], key: str) -> Cell:
        if key in self.missing:
            return self.missing[key]
        c = self.index[key]
        if c < len(row):
            return row[c]
        return Cell(
            "", f"{row[0].ref.rsplit('!', 1)[0]}!{_col_letter(c)}" if "!" in row[0].ref else row[0].ref
        )

    def read(self, n: int, row: list[Cell]) -> None:
        code_c, label_c, comp_c = (
            self.get(row, "blocCode"),
            self.get(row, "blocLabel"),
            self.get(row, "competence"),
        )
        if code_c.value or label_c.value:
            self.bloc = self.bloc_of(code_c, label_c, row)
        if not comp_c.value:
            if any(self.get(row, k).value for k in ("activity", "expectedResult", "condition")):
                self.c.problem(
                    "SheetRowWithoutCompetence",
                    comp_c,
                    expected="l'intitulé de la capacité",
                    expected_en="the capacity's label",
                    field="Compétence ou capacité",
                )
            return
        if self.bloc is None:
            self.c.problem(
                "SheetCompetenceWithoutBloc",
                code_c,
                value=comp_c.value,
                expected="un code ou un intitulé de bloc",
                expected_en="a bloc code or label",
                field="Code du bloc",
            )
            return
        self.capacite(n, row, comp_c)

    def bloc_of(self, code_c: Cell, label_c: Cell, row: list[Cell]) -> rdflib.URIRef:
        c = self.c
        key = code_c.value or _norm(label_c.value)
        if key in self.blocs:
            return self.blocs[key]
        local = (
            code_c.value
            if re.fullmatch(r"[A-Za-z0-9_-]+", code_c.value)
            else f"{c.owner}-{len(self.blocs) + 1}"
        )
        bloc = rdflib.URIRef(f"{ID}bloc/{local}")
        self.blocs[key] = bloc
        c.add(c.cert, CQN.hasBloc, bloc, code_c)
        c.add(bloc, RDF.type, CQN.BlocDeCompetences, code_c)
        c.anchor(bloc, label_c if label_c.value else code_c)
        if code_c.value.upper().startswith("PROV"):
            c.add(bloc, CQN.provisionalCode, rdflib.Literal(code_c.value), code_c)
        elif code_c.value:
            c.add(bloc, CQN.rncpCode, rdflib.Literal(code_c.value), code_c)
        if label_c.value:
            c.add(bloc, RDFS.label, rdflib.Literal(label_c.value, lang="fr"), label_c)
        c.point(bloc, [RDFS.label, SKOS.prefLabel], label_c)
        c.point(bloc, [CQN.rncpCode, CQN.provisionalCode], code_c)
        c.point(bloc, [CQN.hasCompetence], self.get(row, "competence"))
        c.point(bloc, [CQN.evaluationMethod, CQN.evaluationText], self.get(row, "evaluationMethod"))
        return bloc

    def capacite(self, n: int, row: list[Cell], comp_c: Cell) -> None:
        c, bloc = self.c, self.bloc
        comp = rdflib.URIRef(f"{ID}competence/{c.owner}-{n}")
        comp_part = c.part("competences", CQN.competencesPart, CQN.ReferentielCompetences, comp_c)
        c.add(comp_part, CQN.hasCompetence, comp)
        c.add(bloc, CQN.hasCompetence, comp, comp_c)
        c.add(comp, RDF.type, CQN.Capacite, comp_c)
        c.add(comp, RDFS.label, rdflib.Literal(comp_c.value, lang="fr"), comp_c)
        c.anchor(comp, comp_c)
        self.activity(comp, self.get(row, "activity"))
        for key, prop, folder, cls in (
            ("expectedResult", CQN.expectedResult, "resultat", CQN.ResultatAttendu),
            ("condition", CQN.condition, "condition", CQN.ConditionRealisation),
        ):
            cell = self.get(row, key)
            for k, text in enumerate(_values(cell.value), 1):
                node = rdflib.URIRef(f"{ID}{folder}/{c.owner}-{n}-{k}")
                c.add(comp, prop, node, cell)
                c.add(node, RDF.type, cls)
                c.add(node, RDFS.label, rdflib.Literal(text, lang="fr"), cell)
                c.anchor(node, cell)
            c.g.cells[(comp, str(prop))] = cell.ref
        self.methods(self.get(row, "evaluationMethod"))

    def activity(self, comp: rdflib.URIRef, cell: Cell) -> None:
        c = self.c
        if cell.value:
            key = _norm(cell.value) or cell.value
            if key not in self.activities:
                act = rdflib.URIRef(f"{ID}activite/{c.owner}-{len(self.activities) + 1}")
                self.activities[key] = act
                part = c.part("activites", CQN.activitiesPart, CQN.ReferentielActivites, cell)
                c.add(part, CQN.hasActivity, act, cell)
                c.add(act, RDF.type, CQN.Activite)
                c.add(act, RDFS.label, rdflib.Literal(cell.value, lang="fr"), cell)
                c.anchor(act, cell)
            c.add(comp, CQN.activity, self.activities[key], cell)
        c.g.cells[(comp, str(CQN.activity))] = cell.ref

    def methods(self, cell: Cell) -> None:
        """Each method of the cell: from the list, on the bloc and the assessment part; off the list,
        kept as written on the bloc only (the shapes name the cell and the list)."""
        c = self.c
        for text in _values(cell.value, semicolons=True):
            method = c.methods.get(_norm(text))
            if method is None:
                c.add(self.bloc, CQN.evaluationMethod, rdflib.Literal(text), cell)
                continue
            c.add(self.bloc, CQN.evaluationMethod, method, cell)
            part = c.part("evaluation", CQN.evaluationPart, CQN.ReferentielEvaluation, cell)
            c.add(part, CQN.evaluationMethod, method, cell)


def cells_of(graph: rdflib.Graph) -> dict[tuple, str]:
    return getattr(graph, "cells", {}) or {}


def iter_rows(sheet: Iterable[list[Cell]]) -> Iterable[list[str]]:
    for row in sheet:
        yield [c.value for c in row]


_ = (INSTR_SHEET, LISTS_SHEET, code_lists)  # the template's names, re-exported for callers
