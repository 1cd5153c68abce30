"""The spreadsheet template a branch fills in without knowing RDF (XLSX or CSV).

Layout (the same in XLSX sheets and in CSV sections):
- « Certification »: one row per field (columns Champ, Valeur, Aide);
- « Compétences »: one row per competence (capacité) with its bloc, activity, expected results,
  conditions of realisation and evaluation methods. Several values in one cell go on separate
  lines (Alt+Entrée in a spreadsheet); evaluation methods may also be separated by « ; ».
An empty bloc cell repeats the bloc of the row above.

Every coded cell has a drop-down list in the XLSX (the lists are on a hidden « Listes » sheet);
a brand-new référentiel without an RNCP code uses provisional codes (PROV-<sigle>, blocs
PROV-<sigle>-BC01…), which the instructions explain.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SKOS

from ..cells import looks_like_formula, neutralise_row
from ..errors import InputError
from ..messages import msg
from ..namespaces import CQ
from .shacl_engine import vocabulary

CQN = rdflib.Namespace(CQ)
CERT_SHEET = "Certification"
COMP_SHEET = "Compétences"
INSTR_SHEET = "Instructions"
LISTS_SHEET = "Listes"
TEMPLATE_FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Field:
    label: str
    prop: str  # key used by the converter and for cell lookup
    help: str
    required: bool = True  # a row the template always has (its absence is reported)


CERT_FIELDS = [
    Field("Intitulé", "label", "Intitulé de la certification, en français. Obligatoire."),
    Field(
        "Sigle", "abbreviation", "Sigle, par exemple CEI. Sert à nommer les ressources et le code provisoire."
    ),
    Field(
        "Type", "type", "Choisissez dans la liste : CQP, CQPM ou CQPI (ou un autre type de certification)."
    ),
    Field(
        "Niveau",
        "level",
        "Niveau du cadre national des certifications, de 1 à 8 (vide pour le Répertoire spécifique).",
    ),
    Field(
        "Code RNCP",
        "rncpCode",
        "Code RNCP ou RS attribué par France compétences (RNCP12345, RS1234). Pas encore de code : "
        "donnez un code provisoire PROV-<sigle> (ex. PROV-OCD) "
        "et codez les blocs PROV-OCD-BC01, PROV-OCD-BC02…",
    ),
    Field("Délivré par", "deliveredBy", "Instance qui délivre la certification, par exemple la CPNE."),
    Field(
        "Nature de l'instance qui délivre",
        "bodyKind",
        "Choisissez dans la liste : CPNE, instance paritaire ou autre.",
    ),
    Field(
        "Branches",
        "adoptedBy",
        "Branches qui adoptent la certification, une par ligne : numéro IDCC (4 chiffres) ou nom. "
        "Un CQPI en compte au moins deux.",
    ),
    Field("Métiers ROME", "romeJob", "Codes ROME visés, un par ligne (ex. H2102)."),
    Field("Codes NSF", "nsf", "Codes NSF (spécialités de formation), un par ligne (ex. 250, 227n).", False),
    Field("Formacodes", "formacode", "Formacodes, un par ligne (5 chiffres, ex. 31054).", False),
    Field("Date de début de validité", "startDate", "jj/mm/aaaa (ex. 01/09/2025).", False),
    Field(
        "Date de fin de validité", "endDate", "jj/mm/aaaa ; un enregistrement dure au plus cinq ans.", False
    ),
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
        "Code du bloc (RNCP12345BC01, ou provisoire PROV-OCD-BC01) ; vide = bloc de la ligne au-dessus.",
    ),
    ("Intitulé du bloc", "blocLabel", "Intitulé du bloc de compétences."),
    ("Activité", "activity", "Activité du référentiel d'activités où la compétence est mise en œuvre."),
    ("Compétence ou capacité", "competence", "La capacité professionnelle (savoir-faire attendu)."),
    ("Résultats attendus", "expectedResult", "Résultats attendus observables ou mesurables, un par ligne."),
    ("Conditions de réalisation", "condition", "Conditions de réalisation, une par ligne."),
    (
        "Modalités d'évaluation",
        "evaluationMethod",
        "Une ou plusieurs de la liste déroulante, une par ligne (Alt+Entrée) ou séparées par « ; ».",
    ),
]
BODY_KINDS = {
    "cpne": CQN.CPNE,
    "instance paritaire": CQN.InstanceParitaire,
    "paritaire": CQN.InstanceParitaire,
    "autre": CQN.Organisation,
}
BODY_KIND_LIST = ["CPNE", "instance paritaire", "autre"]
LEVEL_LIST = [str(n) for n in range(1, 9)]
INSTRUCTIONS = [
    "Modèle de référentiel cqpi-graph (CQP, CQPM, CQPI)",
    "1. Remplissez la feuille « Certification » : une valeur par champ, dans la colonne Valeur.",
    "2. Remplissez la feuille « Compétences » : une ligne par compétence (capacité), avec son bloc, "
    "son activité, ses résultats attendus observables ou mesurables, ses conditions de réalisation "
    "et ses modalités d'évaluation.",
    "3. Plusieurs valeurs dans une cellule : une par ligne (Alt+Entrée).",
    "4. Les cellules codées (type, niveau, nature de l'instance, modalités d'évaluation) ont une liste "
    "déroulante : choisissez-y la valeur.",
    "5. Pas encore de code RNCP ? Donnez un code provisoire : PROV- suivi du sigle (PROV-OCD) pour la "
    "certification, et PROV-OCD-BC01, PROV-OCD-BC02… pour ses blocs. Remplacez-les par les codes que "
    "France compétences attribuera (RNCP12345, RNCP12345BC01…).",
    "6. Ne renommez ni les feuilles ni les en-têtes de colonnes ; n'en supprimez pas.",
    "7. Vérifiez le fichier : cqpi validate FICHIER.xlsx (ou la page de validation du site). Toutes les "
    "cellules sont lues : chaque problème est signalé avec sa cellule et ce qui y est attendu.",
    "Charte CQPI : référentiel d'activités, référentiel de compétences avec indicateurs, référentiel "
    "d'évaluation ; délivrance paritaire ; au moins deux branches.",
]


def _pref(node: rdflib.term.Node) -> str:
    for label in vocabulary().objects(node, SKOS.prefLabel):
        if isinstance(label, rdflib.Literal) and label.language == "fr":
            return str(label)
    return str(vocabulary().value(node, SKOS.notation) or node)


@functools.lru_cache(maxsize=1)
def code_lists() -> dict[str, list[str]]:
    """The values of each coded column, as the drop-down lists offer them (French labels)."""
    vocab = vocabulary()
    types = sorted(
        str(vocab.value(t, SKOS.notation)) for t in vocab.subjects(RDF.type, CQN.TypeCertification)
    )
    first = ["CQP", "CQPM", "CQPI"]
    methods = sorted(
        vocab.subjects(RDF.type, CQN.ModaliteEvaluation), key=lambda m: str(vocab.value(m, SKOS.notation))
    )
    return {
        "type": first + [t for t in types if t not in first],
        "level": LEVEL_LIST,
        "bodyKind": BODY_KIND_LIST,
        "evaluationMethod": sorted(_pref(m) for m in methods),
    }


def write_template(path: Path | str, fmt: str | None = None) -> Path:
    """Write the empty template (with instructions) as XLSX or CSV; fmt defaults to the extension."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "xlsx").lower()
    if fmt not in TEMPLATE_FORMATS:
        raise InputError(msg("format de modèle inconnu : {format}", format=fmt), expected=msg("xlsx ou csv"))
    if fmt == "csv":
        _write_csv(path)
    else:
        _write_xlsx(path)
    return path


def _cert_rows() -> list[list[str]]:
    return [["Champ", "Valeur", "Aide"]] + [[f.label, "", f.help] for f in CERT_FIELDS]


def _write_csv(path: Path) -> None:
    lists = code_lists()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for line in INSTRUCTIONS:
            w.writerow([f"# {line}"])
        for key, label in (
            ("type", "Type"),
            ("bodyKind", "Nature de l'instance"),
            ("evaluationMethod", "Modalités"),
        ):
            w.writerow([f"# Valeurs possibles — {label} : " + " ; ".join(lists[key])])
        w.writerow([f"[{CERT_SHEET}]"])
        w.writerows(neutralise_row(r) for r in _cert_rows())
        w.writerow([])
        w.writerow([f"[{COMP_SHEET}]"])
        w.writerow(neutralise_row([c[0] for c in COMP_COLUMNS]))
        w.writerow(["# " + COMP_COLUMNS[0][2]] + neutralise_row([c[2] for c in COMP_COLUMNS[1:]]))


def _write_xlsx(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = INSTR_SHEET
    for i, line in enumerate(INSTRUCTIONS, 1):
        ws.cell(i, 1, line).font = Font(bold=(i == 1))
    ws.column_dimensions["A"].width = 120
    wc = wb.create_sheet(CERT_SHEET)
    rows = _cert_rows()
    for row in rows:
        wc.append(row)
    for c in wc[1]:
        c.font = Font(bold=True)
    for col, width in (("A", 34), ("B", 60), ("C", 90)):
        wc.column_dimensions[col].width = width
    for r in range(2, len(rows) + 1):
        wc.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
    wk = wb.create_sheet(COMP_SHEET)
    wk.append([c[0] for c in COMP_COLUMNS])
    for i, (_, _, help_text) in enumerate(COMP_COLUMNS, 1):
        cell = wk.cell(1, i)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(help_text, "cqpi-graph")
        wk.column_dimensions[chr(64 + i)].width = 40
    wk.freeze_panes = "A2"
    _dropdowns(wb, wc, wk)
    for sheet in wb.worksheets:  # text that looks like a formula stays text (never a formula)
        for row in sheet.iter_rows():
            for c in row:
                if isinstance(c.value, str) and looks_like_formula(c.value):
                    c.data_type = "s"
    wb.save(path)


def _dropdowns(wb, wc, wk) -> None:  # noqa: ANN001 - openpyxl objects
    """A drop-down on every coded cell, its values on the hidden « Listes » sheet."""
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = code_lists()
    wl = wb.create_sheet(LISTS_SHEET)
    wl.sheet_state = "hidden"
    ranges = {}
    for col, (key, values) in enumerate(lists.items(), 1):
        letter = chr(64 + col)
        wl.cell(1, col, key)
        for r, value in enumerate(values, 2):
            wl.cell(r, col, value)
        ranges[key] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    fields = [f.prop for f in CERT_FIELDS]
    for key in ("type", "level", "bodyKind"):
        dv = DataValidation(type="list", formula1=ranges[key], allow_blank=True, showErrorMessage=True)
        dv.error = "Choisissez une valeur de la liste."
        wc.add_data_validation(dv)
        dv.add(f"B{2 + fields.index(key)}")
    for key in ("startDate", "endDate"):
        dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        dv.error = "Une date jj/mm/aaaa."
        wc.add_data_validation(dv)
        dv.add(f"B{2 + fields.index(key)}")
    # Several methods may share a cell (one per line): the list proposes, a warning lets pass.
    column = chr(65 + [c[1] for c in COMP_COLUMNS].index("evaluationMethod"))
    dv = DataValidation(
        type="list",
        formula1=ranges["evaluationMethod"],
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
    )
    dv.error = "Une modalité de la liste par ligne (Alt+Entrée)."
    wk.add_data_validation(dv)
    dv.add(f"{column}2:{column}1000")
