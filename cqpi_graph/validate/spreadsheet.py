"""The spreadsheet template a branch fills in without knowing RDF, and its converter to RDF.

Layout (the same in XLSX sheets and in CSV sections):
- « Certification »: one row per field (columns Champ, Valeur, Aide);
- « Compétences »: one row per competence (capacité) with its bloc, activity, expected results,
  conditions of realisation and evaluation methods. Several values in one cell go on separate
  lines (Alt+Entrée in a spreadsheet); evaluation methods may also be separated by « ; ».
An empty bloc cell repeats the bloc of the row above.

Every node the converter produces keeps the cell it comes from (SheetGraph.cells), so that a
validation result maps back to a cell: Compétences!E7 in XLSX, « ligne 14, colonne E » in CSV.
"""

from __future__ import annotations

import csv
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .. import sandbox
from ..cells import looks_like_formula, neutralise_row
from ..errors import InputError
from ..namespaces import CQ, ID
from ..untrusted import check_archive, check_xml
from .shacl_engine import vocabulary

CQN = rdflib.Namespace(CQ)
NIV = rdflib.Namespace(ID + "niveau/")
CERT_SHEET = "Certification"
COMP_SHEET = "Compétences"
INSTR_SHEET = "Instructions"


@dataclass(frozen=True)
class Field:
    label: str
    prop: str  # key used by the converter and for cell lookup
    help: str


CERT_FIELDS = [
    Field("Intitulé", "label", "Intitulé de la certification, en français. Obligatoire."),
    Field("Sigle", "abbreviation", "Sigle, par exemple CEI. Sert à nommer les ressources."),
    Field("Type", "type", "CQP, CQPM ou CQPI (ou DIPLOME, TP, TITRE, RS)."),
    Field("Niveau", "level", "Niveau du cadre national des certifications, de 1 à 8."),
    Field("Code RNCP", "rncpCode", "Code RNCP ou RS s'il existe (RNCP12345), sinon vide."),
    Field("Délivré par", "deliveredBy", "Instance qui délivre la certification, par exemple la CPNE."),
    Field("Nature de l'instance qui délivre", "bodyKind", "CPNE, instance paritaire ou autre."),
    Field(
        "Branches",
        "adoptedBy",
        "Branches qui adoptent la certification, une par ligne : numéro IDCC ou nom. "
        "Un CQPI en compte au moins deux.",
    ),
    Field("Métiers ROME", "romeJob", "Codes ROME visés, un par ligne (ex. H2102)."),
    Field(
        "Description des activités",
        "activitiesDescription",
        "Description générale du référentiel d'activités.",
    ),
]
COMP_COLUMNS = [
    (
        "Code du bloc",
        "blocCode",
        "Code du bloc (RNCP12345BC01) s'il existe ; vide = bloc de la ligne au-dessus.",
    ),
    ("Intitulé du bloc", "blocLabel", "Intitulé du bloc de compétences."),
    ("Activité", "activity", "Activité du référentiel d'activités où la compétence est mise en œuvre."),
    ("Compétence ou capacité", "competence", "La capacité professionnelle (savoir-faire attendu)."),
    ("Résultats attendus", "expectedResult", "Résultats attendus observables ou mesurables, un par ligne."),
    ("Conditions de réalisation", "condition", "Conditions de réalisation, une par ligne."),
    (
        "Modalités d'évaluation",
        "evaluationMethod",
        "Une ou plusieurs parmi : livret d'activité, observation en situation de travail, questionnement, "
        "entretien, mise en situation, épreuve écrite, épreuve orale, dossier professionnel, "
        "contrôle continu.",
    ),
]
BODY_KINDS = {
    "cpne": CQN.CPNE,
    "instance paritaire": CQN.InstanceParitaire,
    "paritaire": CQN.InstanceParitaire,
    "autre": CQN.Organisation,
}
INSTRUCTIONS = [
    "Modèle de référentiel cqpi-graph (CQP, CQPM, CQPI)",
    "1. Remplissez la feuille « Certification » : une valeur par champ, dans la colonne Valeur.",
    "2. Remplissez la feuille « Compétences » : une ligne par compétence (capacité), avec son bloc, "
    "son activité, ses résultats attendus observables ou mesurables, ses conditions de réalisation "
    "et ses modalités d'évaluation.",
    "3. Plusieurs valeurs dans une cellule : une par ligne (Alt+Entrée).",
    "4. Ne renommez ni les feuilles ni les en-têtes de colonnes ; n'en supprimez pas.",
    "5. Vérifiez le fichier : cqpi validate FICHIER.xlsx (ou la page de validation du site).",
    "Charte CQPI : référentiel d'activités, référentiel de compétences avec indicateurs, référentiel "
    "d'évaluation ; délivrance paritaire ; au moins deux branches.",
]
TEMPLATE_FORMATS = ("xlsx", "csv")


class SheetGraph(rdflib.Graph):
    """An rdflib graph converted from a spreadsheet, with the cell of every node it produced."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.cells: dict[tuple[rdflib.term.Node, str | None], str] = {}
        self.source: str = ""

    def cell_for(self, node: rdflib.term.Node, prop: str | None = None) -> str | None:
        """The cell a node (or one of its properties, by IRI) comes from."""
        if prop is not None and (node, prop) in self.cells:
            return self.cells[(node, prop)]
        return self.cells.get((node, None))


# ---------------------------------------------------------------- template


def write_template(path: Path | str, fmt: str | None = None) -> Path:
    """Write the empty template (with instructions) as XLSX or CSV; fmt defaults to the extension."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "xlsx").lower()
    if fmt not in TEMPLATE_FORMATS:
        raise InputError(f"format de modèle inconnu : {fmt}", expected="xlsx ou csv")
    rows_cert = [["Champ", "Valeur", "Aide"]] + [[f.label, "", f.help] for f in CERT_FIELDS]
    rows_comp = [[c[0] for c in COMP_COLUMNS], [c[2] for c in COMP_COLUMNS]]
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            for line in INSTRUCTIONS:
                w.writerow([f"# {line}"])
            w.writerow([f"[{CERT_SHEET}]"])
            w.writerows(neutralise_row(r) for r in rows_cert)
            w.writerow([])
            w.writerow([f"[{COMP_SHEET}]"])
            w.writerow(neutralise_row(rows_comp[0]))
            w.writerow(["# " + rows_comp[1][0]] + neutralise_row(rows_comp[1][1:]))
        return path
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = INSTR_SHEET
    for i, line in enumerate(INSTRUCTIONS, 1):
        ws.cell(i, 1, line).font = Font(bold=(i == 1))
    ws.column_dimensions["A"].width = 120
    wc = wb.create_sheet(CERT_SHEET)
    for row in rows_cert:
        wc.append(row)
    for c in wc[1]:
        c.font = Font(bold=True)
    wc.column_dimensions["A"].width = 34
    wc.column_dimensions["B"].width = 60
    wc.column_dimensions["C"].width = 90
    for r in range(2, len(rows_cert) + 1):
        wc.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
    dv_type = DataValidation(type="list", formula1='"CQP,CQPM,CQPI,DIPLOME,TP,TITRE,RS"', allow_blank=True)
    dv_level = DataValidation(type="list", formula1='"1,2,3,4,5,6,7,8"', allow_blank=True)
    dv_kind = DataValidation(type="list", formula1='"CPNE,instance paritaire,autre"', allow_blank=True)
    for dv, key in ((dv_type, "type"), (dv_level, "level"), (dv_kind, "bodyKind")):
        wc.add_data_validation(dv)
        dv.add(f"B{2 + [f.prop for f in CERT_FIELDS].index(key)}")
    wk = wb.create_sheet(COMP_SHEET)
    wk.append(rows_comp[0])
    for c in wk[1]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    for i, (_, _, help_text) in enumerate(COMP_COLUMNS, 1):
        wk.cell(1, i).comment = None
        wk.column_dimensions[chr(64 + i)].width = 40
        from openpyxl.comments import Comment

        wk.cell(1, i).comment = Comment(help_text, "cqpi-graph")
    wk.freeze_panes = "A2"
    for sheet in wb.worksheets:  # text that looks like a formula stays text (never a formula)
        for row in sheet.iter_rows():
            for c in row:
                if isinstance(c.value, str) and looks_like_formula(c.value):
                    c.data_type = "s"
    wb.save(path)
    return path


# ---------------------------------------------------------------- reading


@dataclass
class Cell:
    value: str
    ref: str  # Sheet!C5 or « ligne 14, colonne E »


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
        v = v.text  # an array formula: its text, never its result
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _check_workbook(path: Path) -> None:
    """Before openpyxl reads it: the unpacked size and ratio, and no entity in any XML part."""
    try:
        with zipfile.ZipFile(path) as zf:
            check_archive(zf, str(path))
            for info in zf.infolist():
                if not info.is_dir() and info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    with zf.open(info) as fh:
                        check_xml(fh, f"{path} ({info.filename})", prolog_only=True, entities=False)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise InputError(
            f"classeur XLSX illisible : {exc}",
            file=str(path),
            expected="un classeur XLSX du modèle (cqpi template --format xlsx)",
        ) from None


def _read_xlsx(path: Path) -> dict[str, list[list[Cell]]]:
    from openpyxl import load_workbook

    _check_workbook(path)
    sheets: dict[str, list[list[Cell]]] = {}
    try:
        # data_only=False: a formula cell is read as its text (=HYPERLINK(…)), never as a result
        # (neither computed here nor the value a spreadsheet cached in the file).
        wb = load_workbook(path, read_only=True, data_only=False)
        for ws in wb.worksheets:
            rows = []
            for r, row in enumerate(ws.iter_rows(values_only=True), 1):
                rows.append([Cell(_text(v), f"{ws.title}!{_col_letter(c)}{r}") for c, v in enumerate(row)])
            sheets[ws.title] = rows
        wb.close()
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # openpyxl and the XML parser raise many kinds (ParseError, KeyError…)
        raise InputError(
            f"classeur XLSX illisible : {type(exc).__name__}: {exc}",
            file=str(path),
            expected="un classeur XLSX du modèle (cqpi template --format xlsx)",
        ) from None
    return sheets


def _read_csv(path: Path) -> dict[str, list[list[Cell]]]:
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw_line(path.read_bytes(), exc.start)
        raise InputError(
            "CSV illisible : le fichier n'est pas en UTF-8",
            file=str(path),
            line=line,
            expected="un CSV UTF-8 du modèle (cqpi template --format csv)",
        ) from None
    sample = raw[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    sheets: dict[str, list[list[Cell]]] = {}
    current: list[list[Cell]] | None = None
    reader = csv.reader(raw.splitlines(keepends=True), delimiter=delimiter)
    try:
        for row in reader:
            line = reader.line_num
            first = row[0].strip() if row else ""
            m = re.fullmatch(r"\[(.+)\]", first)
            if m:
                current = sheets.setdefault(m.group(1).strip(), [])
                continue
            if current is None:
                if first and not first.startswith("#"):
                    raise InputError(
                        "section attendue avant les données",
                        file=str(path),
                        line=line,
                        expected=f"une ligne [{CERT_SHEET}] puis [{COMP_SHEET}]",
                    )
                continue
            current.append(
                [Cell(v.strip(), f"ligne {line}, colonne {_col_letter(c)}") for c, v in enumerate(row)]
            )
    except csv.Error as exc:
        raise InputError(
            f"CSV illisible : {exc}",
            file=str(path),
            line=reader.line_num,
            expected="un CSV du modèle (cqpi template --format csv)",
        ) from None
    return sheets


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


def _lookup_tables() -> tuple[dict[str, rdflib.URIRef], dict[str, tuple[rdflib.URIRef, rdflib.URIRef]]]:
    vocab = vocabulary()
    methods: dict[str, rdflib.URIRef] = {}
    for m in vocab.subjects(RDF.type, CQN.ModaliteEvaluation):
        for p in (SKOS.notation, SKOS.prefLabel, SKOS.altLabel):
            for v in vocab.objects(m, p):
                methods[_norm(str(v))] = m
    methods.setdefault(
        _norm("observation en situation de travail"), rdflib.URIRef(ID + "modalite/observation-poste")
    )
    methods.setdefault(_norm("observation au poste"), rdflib.URIRef(ID + "modalite/observation-poste"))
    methods.setdefault(_norm("mise en situation"), rdflib.URIRef(ID + "modalite/mise-en-situation"))
    methods.setdefault(_norm("controle continu"), rdflib.URIRef(ID + "modalite/controle-continu"))
    types: dict[str, tuple[rdflib.URIRef, rdflib.URIRef]] = {}
    for t in vocab.subjects(RDF.type, CQN.TypeCertification):
        cls = vocab.value(t, CQN["class"])
        for v in vocab.objects(t, SKOS.notation):
            types[_norm(str(v))] = (t, cls)
    return methods, types


def convert_spreadsheet(path: Path | str) -> SheetGraph:
    """A filled template (XLSX or CSV) as RDF; anything unreadable raises InputError with its cell.

    The file is read in a child process under limits (cqpi_graph.sandbox); the graph and the
    cells of its nodes come back to this one.
    """
    path = Path(path)
    if sandbox.in_child():
        return _convert(path)
    triples, cells = sandbox.call(_convert_for_parent, path, name=str(path))
    g = SheetGraph()
    _bind(g)
    g.source = str(path)
    for t in triples:
        g.add(t)
    g.cells = cells
    return g


def _convert_for_parent(path: Path) -> tuple[list[tuple], dict]:
    g = _convert(path)
    return list(g), dict(g.cells)


def _bind(g: rdflib.Graph) -> None:
    for prefix, ns in (("cq", CQ), ("rdfs", str(RDFS)), ("skos", str(SKOS)), ("dct", str(DCTERMS))):
        g.bind(prefix, ns)


def _convert(path: Path) -> SheetGraph:
    ext = path.suffix.lower()
    if ext == ".xlsx":
        sheets = _read_xlsx(path)
    elif ext == ".csv":
        sheets = _read_csv(path)
    else:
        raise InputError(
            f"extension « {ext} » : modèle tableur attendu", file=str(path), expected="xlsx ou csv"
        )
    return _Converter(path, sheets).run()


class _Converter:
    def __init__(self, path: Path, sheets: dict[str, list[list[Cell]]]) -> None:
        self.path = path
        self.sheets = sheets
        self.g = SheetGraph()
        self.g.source = str(path)
        self.methods, self.types = _lookup_tables()
        _bind(self.g)

    def error(
        self, message: str, cell: Cell | None = None, expected: str | None = None, field: str | None = None
    ) -> InputError:
        where = f"{cell.ref} : " if cell else ""
        return InputError(where + message, file=str(self.path), field=field, expected=expected)

    def sheet(self, name: str) -> list[list[Cell]]:
        for title, rows in self.sheets.items():
            if _norm(title) == _norm(name):
                return rows
        raise InputError(
            f"feuille ou section « {name} » manquante",
            file=str(self.path),
            expected=f"les feuilles « {CERT_SHEET} » et « {COMP_SHEET} » du modèle",
        )

    def add(self, s, p, o, cell: Cell | None = None) -> None:
        self.g.add((s, p, o))
        if cell is not None:
            self.g.cells.setdefault((s, str(p)), cell.ref)

    def anchor(self, node, cell: Cell) -> None:
        self.g.cells.setdefault((node, None), cell.ref)

    # -------------------------------------------------------- certification sheet
    def read_certification(self) -> dict[str, Cell]:
        rows = self.sheet(CERT_SHEET)
        fields: dict[str, Cell] = {}
        by_label = {_norm(f.label): f for f in CERT_FIELDS}
        for row in rows:
            if not row or not row[0].value or row[0].value.startswith("#"):
                continue
            f = by_label.get(_norm(row[0].value))
            if f is None:
                continue
            value = (
                row[1]
                if len(row) > 1
                else Cell("", row[0].ref.replace("!A", "!B").replace("colonne A", "colonne B"))
            )
            fields[f.prop] = value
        missing = [f.label for f in CERT_FIELDS if f.prop not in fields]
        if missing:
            raise InputError(
                f"feuille « {CERT_SHEET} » : champ(s) manquant(s) : {', '.join(missing)}",
                file=str(self.path),
                field=missing[0],
                expected="les lignes du modèle (cqpi template), colonne Champ",
            )
        return fields

    def run(self) -> SheetGraph:
        f = self.read_certification()
        g = self.g
        label, sigle, code = f["label"].value, f["abbreviation"].value, f["rncpCode"].value
        type_key = _norm(f["type"].value)
        if type_key and type_key not in self.types:
            raise self.error(
                f"type « {f['type'].value} » inconnu",
                f["type"],
                expected="CQP, CQPM, CQPI, DIPLOME, TP, TITRE ou RS",
            )
        typ, cls = self.types.get(type_key, (None, CQN.Certification))
        owner = sigle or code or _slug(label) or "referentiel"
        owner = re.sub(r"[^A-Za-z0-9_-]", "-", owner)
        if cls in (CQN.CQPI, CQN.CQPM) and sigle:
            cert = rdflib.URIRef(f"{ID}{'cqpi' if cls == CQN.CQPI else 'cqpm'}/{owner}")
        elif re.fullmatch(r"(RNCP|RS)\d+", code):
            cert = rdflib.URIRef(f"{ID}cert/{code}")
        else:
            cert = rdflib.URIRef(f"{ID}cqp/{owner}")
        self.cert, self.owner = cert, owner
        self.anchor(cert, f["label"])
        self.add(cert, RDF.type, cls, f["type"])
        if typ is not None:
            self.add(cert, CQN.certificationType, typ, f["type"])
        else:
            self.g.cells[(cert, str(CQN.certificationType))] = f["type"].ref
        for key, prop in (("label", RDFS.label), ("abbreviation", CQN.abbreviation)):
            if f[key].value:
                self.add(
                    cert, prop, rdflib.Literal(f[key].value, lang="fr" if key == "label" else None), f[key]
                )
            self.g.cells.setdefault((cert, str(prop)), f[key].ref)
        self.g.cells.setdefault((cert, str(SKOS.prefLabel)), f["label"].ref)
        if code:
            self.add(cert, CQN.rncpCode, rdflib.Literal(code), f["rncpCode"])
        self.g.cells.setdefault((cert, str(CQN.rncpCode)), f["rncpCode"].ref)
        level = f["level"].value
        if level:
            m = re.fullmatch(r"(?:niveau\s*)?(\d+)", level, flags=re.IGNORECASE)
            if not m:
                raise self.error(
                    f"niveau « {level} » illisible", f["level"], expected="un nombre de 1 à 8", field="Niveau"
                )
            self.add(cert, CQN.level, NIV[m.group(1)], f["level"])
        self.g.cells.setdefault((cert, str(CQN.level)), f["level"].ref)
        body = f["deliveredBy"].value
        kind_text = _norm(f["bodyKind"].value)
        if kind_text and kind_text not in BODY_KINDS:
            raise self.error(
                f"nature d'instance « {f['bodyKind'].value} » inconnue",
                f["bodyKind"],
                expected="CPNE, instance paritaire ou autre",
                field="Nature de l'instance qui délivre",
            )
        if body:
            org = rdflib.URIRef(f"{ID}org/{_slug(body)}")
            self.add(cert, CQN.deliveredBy, org, f["deliveredBy"])
            self.add(org, RDF.type, BODY_KINDS.get(kind_text, CQN.Organisation), f["bodyKind"])
            self.add(org, RDFS.label, rdflib.Literal(body, lang="fr"), f["deliveredBy"])
            self.anchor(org, f["deliveredBy"])
        for prop in (CQN.deliveredBy, CQN.certifier):
            self.g.cells.setdefault((cert, str(prop)), f["deliveredBy"].ref)
        for name in _values(f["adoptedBy"].value, semicolons=True):
            branch = rdflib.URIRef(f"{ID}idcc/{name}" if name.isdigit() else f"{ID}branche/{_slug(name)}")
            self.add(cert, CQN.adoptedBy, branch, f["adoptedBy"])
            self.add(branch, RDF.type, CQN.Branche)
            if name.isdigit():
                self.add(branch, CQN.idcc, rdflib.Literal(name))
            else:
                self.add(branch, RDFS.label, rdflib.Literal(name, lang="fr"))
            self.anchor(branch, f["adoptedBy"])
        self.g.cells.setdefault((cert, str(CQN.adoptedBy)), f["adoptedBy"].ref)
        for rome in _values(f["romeJob"].value, semicolons=True):
            job = rdflib.URIRef(f"{ID}rome/{_slug(rome).upper()}")
            self.add(cert, CQN.romeJob, job, f["romeJob"])
            self.add(job, RDF.type, CQN.MetierROME)
            self.add(job, SKOS.notation, rdflib.Literal(rome), f["romeJob"])
            self.anchor(job, f["romeJob"])
        self.g.cells.setdefault((cert, str(CQN.romeJob)), f["romeJob"].ref)
        self.read_competences(f)
        return g

    # -------------------------------------------------------- competences sheet
    def read_competences(self, f: dict[str, Cell]) -> None:
        rows = [r for r in self.sheet(COMP_SHEET) if any(c.value for c in r)]
        if not rows:
            raise InputError(
                f"feuille « {COMP_SHEET} » vide",
                file=str(self.path),
                expected="la ligne d'en-têtes du modèle",
            )
        header, data = rows[0], [r for r in rows[1:] if not r[0].value.startswith("#")]
        index: dict[str, int] = {}
        for c, cell in enumerate(header):
            for label, key, _ in COMP_COLUMNS:
                if _norm(cell.value) == _norm(label):
                    index[key] = c
        missing = [label for label, key, _ in COMP_COLUMNS if key not in index]
        if missing:
            raise InputError(
                f"feuille « {COMP_SHEET} » : colonne(s) manquante(s) : {', '.join(missing)}",
                file=str(self.path),
                field=missing[0],
                expected="les en-têtes du modèle (cqpi template) sur la première ligne",
            )
        g, cert, owner = self.g, self.cert, self.owner
        ref = rdflib.URIRef(f"{ID}referentiel/{owner}")
        parts = {
            k: rdflib.URIRef(f"{ID}referentiel/{owner}-{k}")
            for k in ("activites", "competences", "evaluation")
        }
        self.add(cert, CQN.hasReferentiel, ref)
        self.add(ref, RDF.type, CQN.Referentiel)
        self.add(ref, RDFS.label, rdflib.Literal(f"Référentiel de {f['label'].value or owner}", lang="fr"))
        self.anchor(ref, f["label"])

        def part(key: str, prop: rdflib.URIRef, cls: rdflib.URIRef, cell: Cell) -> rdflib.URIRef:
            node = parts[key]
            if (ref, prop, node) not in g:
                self.add(ref, prop, node)
                self.add(node, RDF.type, cls)
                self.anchor(node, cell)
            return node

        if f["activitiesDescription"].value:
            act_part = part(
                "activites", CQN.activitiesPart, CQN.ReferentielActivites, f["activitiesDescription"]
            )
            self.add(
                act_part,
                DCTERMS.description,
                rdflib.Literal(f["activitiesDescription"].value, lang="fr"),
                f["activitiesDescription"],
            )

        def get(row: list[Cell], key: str) -> Cell:
            c = index[key]
            if c < len(row):
                return row[c]
            return Cell("", f"{COMP_SHEET}!{_col_letter(c)}?")

        blocs: dict[str, rdflib.URIRef] = {}
        activities: dict[str, rdflib.URIRef] = {}
        current_bloc: rdflib.URIRef | None = None
        for n, row in enumerate(data, 1):
            code_c, label_c = get(row, "blocCode"), get(row, "blocLabel")
            comp_c = get(row, "competence")
            if code_c.value or label_c.value:
                key = code_c.value or _norm(label_c.value)
                if key not in blocs:
                    bloc = rdflib.URIRef(
                        f"{ID}bloc/{code_c.value}"
                        if re.fullmatch(r"[A-Za-z0-9_-]+", code_c.value)
                        else f"{ID}bloc/{owner}-{len(blocs) + 1}"
                    )
                    blocs[key] = bloc
                    self.add(cert, CQN.hasBloc, bloc, code_c)
                    self.add(bloc, RDF.type, CQN.BlocDeCompetences, code_c)
                    self.anchor(bloc, label_c if label_c.value else code_c)
                    if code_c.value:
                        self.add(bloc, CQN.rncpCode, rdflib.Literal(code_c.value), code_c)
                    if label_c.value:
                        self.add(bloc, RDFS.label, rdflib.Literal(label_c.value, lang="fr"), label_c)
                    for p in (RDFS.label, SKOS.prefLabel):
                        g.cells.setdefault((bloc, str(p)), label_c.ref)
                    g.cells.setdefault((bloc, str(CQN.rncpCode)), code_c.ref)
                    g.cells.setdefault((bloc, str(CQN.hasCompetence)), comp_c.ref)
                    for p in (CQN.evaluationMethod, CQN.evaluationText):
                        g.cells.setdefault((bloc, str(p)), get(row, "evaluationMethod").ref)
                current_bloc = blocs[key]
            if not comp_c.value:
                if any(get(row, k).value for k in ("activity", "expectedResult", "condition")):
                    raise self.error(
                        "compétence ou capacité vide sur une ligne qui en décrit une",
                        comp_c,
                        expected="l'intitulé de la capacité",
                        field="Compétence ou capacité",
                    )
                continue
            if current_bloc is None:
                raise self.error(
                    "compétence sans bloc",
                    code_c,
                    expected="un code ou un intitulé de bloc",
                    field="Intitulé du bloc",
                )
            comp = rdflib.URIRef(f"{ID}competence/{owner}-{n}")
            comp_part = part("competences", CQN.competencesPart, CQN.ReferentielCompetences, comp_c)
            self.add(comp_part, CQN.hasCompetence, comp)
            self.add(current_bloc, CQN.hasCompetence, comp, comp_c)
            self.add(comp, RDF.type, CQN.Capacite, comp_c)
            self.add(comp, RDFS.label, rdflib.Literal(comp_c.value, lang="fr"), comp_c)
            self.anchor(comp, comp_c)
            act_c = get(row, "activity")
            if act_c.value:
                akey = _norm(act_c.value)
                if akey not in activities:
                    act = rdflib.URIRef(f"{ID}activite/{owner}-{len(activities) + 1}")
                    activities[akey] = act
                    act_part = part("activites", CQN.activitiesPart, CQN.ReferentielActivites, act_c)
                    self.add(act_part, CQN.hasActivity, act, act_c)
                    self.add(act, RDF.type, CQN.Activite)
                    self.add(act, RDFS.label, rdflib.Literal(act_c.value, lang="fr"), act_c)
                    self.anchor(act, act_c)
                self.add(comp, CQN.activity, activities[akey], act_c)
            g.cells[(comp, str(CQN.activity))] = act_c.ref
            res_c = get(row, "expectedResult")
            for k, text in enumerate(_values(res_c.value), 1):
                res = rdflib.URIRef(f"{ID}resultat/{owner}-{n}-{k}")
                self.add(comp, CQN.expectedResult, res, res_c)
                self.add(res, RDF.type, CQN.ResultatAttendu)
                self.add(res, RDFS.label, rdflib.Literal(text, lang="fr"), res_c)
                self.anchor(res, res_c)
            g.cells[(comp, str(CQN.expectedResult))] = res_c.ref
            cond_c = get(row, "condition")
            for k, text in enumerate(_values(cond_c.value), 1):
                cond = rdflib.URIRef(f"{ID}condition/{owner}-{n}-{k}")
                self.add(comp, CQN.condition, cond, cond_c)
                self.add(cond, RDF.type, CQN.ConditionRealisation)
                self.add(cond, RDFS.label, rdflib.Literal(text, lang="fr"), cond_c)
                self.anchor(cond, cond_c)
            g.cells[(comp, str(CQN.condition))] = cond_c.ref
            ev_c = get(row, "evaluationMethod")
            for text in _values(ev_c.value, semicolons=True):
                method = self.methods.get(_norm(text))
                if method is None:
                    raise self.error(
                        f"modalité d'évaluation « {text} » inconnue",
                        ev_c,
                        expected=COMP_COLUMNS[-1][2].split(" : ", 1)[1],
                        field="Modalités d'évaluation",
                    )
                self.add(current_bloc, CQN.evaluationMethod, method, ev_c)
                ev_part = part("evaluation", CQN.evaluationPart, CQN.ReferentielEvaluation, ev_c)
                self.add(ev_part, CQN.evaluationMethod, method, ev_c)


def cells_of(graph: rdflib.Graph) -> dict[tuple[rdflib.term.Node, str | None], str]:
    return getattr(graph, "cells", {}) or {}


def iter_rows(sheet: Iterable[list[Cell]]) -> Iterable[list[str]]:
    for row in sheet:
        yield [c.value for c in row]
