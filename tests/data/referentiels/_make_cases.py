"""Regenerate the defective référentiels of this folder from valid.ttl and valid.csv.

Each case breaks exactly one rule; expected.json says which result it must yield.
Run from the repository root: python tests/data/referentiels/_make_cases.py
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ID = "https://w3id.org/cqpi/id/"

# name: (rule, focus, turtle edits [(old, new)], csv edits {(section, first cell): {column: value}} or None)
CASES = {
    "01-capacite-sans-resultat": (
        "CapaciteExpectedResult",
        ID + "competence/OCD-3",
        [("    cq:expectedResult resultat:OCD-3-1 ;\n", "")],
        {("Compétences", 3): {4: ""}},
    ),
    "02-capacite-sans-condition": (
        "CapaciteCondition",
        ID + "competence/OCD-2",
        [("    cq:condition condition:OCD-2 .\n", "    .\n")],
        {("Compétences", 2): {5: ""}},
    ),
    "03-cqpi-une-seule-branche": (
        "CQPIBranches",
        ID + "cqpi/OCD",
        [("cq:adoptedBy branche:chimie , branche:plasturgie ;", "cq:adoptedBy branche:chimie ;")],
        {("Certification", "Branches"): {1: "Chimie"}},
    ),
    "04-cqpi-non-paritaire": (
        "CQPIParitaire",
        ID + "cqpi/OCD",
        [("org:cpne-ocd a cq:CPNE ;", "org:cpne-ocd a cq:Entreprise ;")],
        {("Certification", "Nature de l'instance qui délivre"): {1: "autre"}},
    ),
    "05-code-rncp-mal-forme": (
        "CertificationCode",
        ID + "cqpi/OCD",
        [('cq:rncpCode "RNCP99901" ;', 'cq:rncpCode "99901" ;')],
        {("Certification", "Code RNCP"): {1: "99901"}},
    ),
    "06-bloc-d-une-autre-fiche": (
        "BlocCodePrefix",
        ID + "bloc/RNCP99902BC02",
        [("RNCP99901BC02", "RNCP99902BC02")],
        {("Compétences", 2): {0: "RNCP99902BC02"}},
    ),
    "07-niveau-hors-cadre": (
        "CertificationLevelValue",
        ID + "cqpi/OCD",
        [("cq:level niv:3 ;", "cq:level niv:9 ;")],
        {("Certification", "Niveau"): {1: "9"}},
    ),
    "08-sans-niveau": (
        "CertificationLevel",
        ID + "cqpi/OCD",
        [("    cq:level niv:3 ;\n", "")],
        {("Certification", "Niveau"): {1: ""}},
    ),
    "09-bloc-sans-modalite": (
        "BlocEvaluation",
        ID + "bloc/RNCP99901BC02",
        [
            (
                "    cq:hasCompetence competence:OCD-2 , competence:OCD-3 ;\n"
                "    cq:evaluationMethod mod:observation-poste .",
                "    cq:hasCompetence competence:OCD-2 , competence:OCD-3 .",
            )
        ],
        {("Compétences", 2): {6: ""}, ("Compétences", 3): {6: ""}},
    ),
    "10-code-rome-mal-forme": (
        "RomeCode",
        ID + "rome/H33011",
        [("H3301", "H33011")],
        {("Certification", "Métiers ROME"): {1: "H33011"}},
    ),
    "11-sans-intitule": (
        "CertificationLabel",
        ID + "cqpi/OCD",
        [('    rdfs:label "Opérateur de conditionnement"@fr ;\n', "")],
        {("Certification", "Intitulé"): {1: ""}},
    ),
    "12-sans-referentiel-evaluation": (
        "ReferentielEvaluation",
        ID + "referentiel/OCD",
        [("    cq:evaluationPart referentiel:OCD-evaluation .", "    .")],
        None,
    ),
    "13-reconnaissance-vers-certification-inexistante": (
        "RecognitionToExists",
        ID + "reco/OCD-vers-inconnu",
        [
            (
                "",
                "\n@prefix reco: <https://w3id.org/cqpi/id/reco/> .\n"
                "reco:OCD-vers-inconnu a cq:EquivalenceTotale ;\n"
                '    rdfs:label "Équivalence du CQPI OCD vers une certification absente"@fr ;\n'
                "    cq:fromCertification cqpi:OCD ;\n    cq:toCertification cqpi:INCONNU .\n",
            )
        ],
        None,
    ),
    "14-succession-en-cycle": (
        "SuccessionCycle",
        ID + "cqpi/OCD",
        [("", "\ncqpi:OCD cq:replacedBy cqpi:OCD .\n")],
        None,
    ),
    "15-dates-inversees": (
        "DateOrder",
        ID + "cqpi/OCD",
        [
            (
                "",
                '\ncqpi:OCD cq:startDate "2024-09-01"^^<http://www.w3.org/2001/XMLSchema#date> ;\n'
                '    cq:endDate "2019-09-01"^^<http://www.w3.org/2001/XMLSchema#date> .\n',
            )
        ],
        None,
    ),
}


def edit_turtle(text: str, edits: list[tuple[str, str]]) -> str:
    for old, new in edits:
        if old == "":
            text += new
            continue
        assert old in text, old
        text = text.replace(old, new)
    return text


def edit_csv(text: str, edits: dict) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    section = None
    data_index = 0
    for row in rows:
        first = row[0] if row else ""
        if first.startswith("["):
            section, data_index = first.strip("[]"), -1
            continue
        if section is None or not row or first.startswith("#"):
            continue
        data_index += 1
        for (sec, key), changes in edits.items():
            if sec != section:
                continue
            if (isinstance(key, int) and data_index == key) or (isinstance(key, str) and first == key):
                for col, value in changes.items():
                    row[col] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def main() -> None:
    ttl = (HERE / "valid.ttl").read_text(encoding="utf-8")
    table = (HERE / "valid.csv").read_text(encoding="utf-8")
    expected = {}
    for name, (rule, focus, ttl_edits, csv_edits) in CASES.items():
        (HERE / f"{name}.ttl").write_text(edit_turtle(ttl, ttl_edits), encoding="utf-8")
        formats = ["ttl"]
        if csv_edits is not None:
            (HERE / f"{name}.csv").write_text(edit_csv(table, csv_edits), encoding="utf-8")
            formats.append("csv")
        expected[name] = {"rule": rule, "focus": focus, "formats": formats}
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
