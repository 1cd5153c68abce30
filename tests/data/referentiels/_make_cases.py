"""Regenerate the defective référentiels of this folder from valid.ttl and valid.csv.

Each case breaks one rule of shapes/README.md (in Turtle, and in the spreadsheet template where
the template can say it); expected.json says which results it must yield: the rule under test
first, then the consequences the same defect has on other rules (a bloc cut off from its
certification also leaves that certification without blocs…). tests/test_validate_rules.py
checks every case in every format, and that every rule has a case.

Run from the repository root: python tests/data/referentiels/_make_cases.py
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
Rows = list[list[str]]
Edit = Callable[[Rows], Rows]


@dataclass
class Case:
    rule: str
    expect: list[tuple[str, str]]  # (rule, focus after https://w3id.org/cqpi/id/) in Turtle; first = rule
    ttl: list[tuple[str, str]] | None = None  # (old, new) edits of the base Turtle; old "" appends
    csv: list[Edit] | None = None  # edits of the base CSV rows
    expect_csv: list[tuple[str, str]] | None = None  # when the spreadsheet route says otherwise
    base: str = "valid"  # or valid-provisoire (a référentiel without RNCP code yet)
    store: str | None = None  # curated | full | nomenclatures: validated --against-store
    xlsx: bool = True  # the spreadsheet case as a workbook too


# ---------------------------------------------------------------- CSV edits


def _locate(rows: Rows, section: str, key: int | str) -> int:
    current, n = None, 0
    for i, row in enumerate(rows):
        first = row[0] if row else ""
        if first.startswith("["):
            current, n = first.strip("[]"), -1
            continue
        if current != section or not row or first.startswith("#"):
            continue
        n += 1
        if (isinstance(key, int) and n == key) or (isinstance(key, str) and first == key):
            return i
    raise KeyError((section, key))


def cell(section: str, key: int | str, col: int, value: str) -> Edit:
    """Set a cell: key is the data row number (1 = the first row after the header) or the field."""

    def edit(rows: Rows) -> Rows:
        row = rows[_locate(rows, section, key)]
        row.extend([""] * (col + 1 - len(row)))
        row[col] = value
        return rows

    return edit


def field_(name: str, value: str) -> Edit:
    return cell("Certification", name, 1, value)


def comp(n: int, col: int, value: str) -> Edit:
    return cell("Compétences", n, col, value)


def drop(section: str, key: int | str) -> Edit:
    def edit(rows: Rows) -> Rows:
        del rows[_locate(rows, section, key)]
        return rows

    return edit


def drop_section(section: str) -> Edit:
    def edit(rows: Rows) -> Rows:
        out, skip = [], False
        for row in rows:
            first = row[0] if row else ""
            if first.startswith("["):
                skip = first.strip("[]") == section
            if not skip:
                out.append(row)
        return out

    return edit


def replace_text(old: str, new: str) -> Edit:
    def edit(rows: Rows) -> Rows:
        return [[c.replace(old, new) for c in row] for row in rows]

    return edit


def prepend(row: list[str]) -> Edit:
    def edit(rows: Rows) -> Rows:
        at = next(i for i, r in enumerate(rows) if r and r[0].startswith("["))
        return rows[:at] + [row] + rows[at:]

    return edit


# ---------------------------------------------------------------- bases

PROVISOIRE_TTL = [
    ('cq:rncpCode "RNCP99901" ;', 'cq:provisionalCode "PROV-OCD" ;'),
    ('cq:rncpCode "RNCP99901BC01"', 'cq:provisionalCode "PROV-OCD-BC01"'),
    ('cq:rncpCode "RNCP99901BC02"', 'cq:provisionalCode "PROV-OCD-BC02"'),
    ("RNCP99901BC0", "PROV-OCD-BC0"),
]
PROVISOIRE_CSV = [field_("Code RNCP", "PROV-OCD"), replace_text("RNCP99901BC0", "PROV-OCD-BC0")]
RECO = "\n@prefix reco: <https://w3id.org/cqpi/id/reco/> .\n"


def reco(body: str) -> list[tuple[str, str]]:
    return [
        (
            "",
            RECO
            + 'reco:OCD-CEI a cq:EquivalenceTotale ;\n    rdfs:label "Reconnaissance du CQPI OCD"@fr ;\n'
            + body,
        )
    ]


PROCESS = (
    "\n@prefix etape: <https://w3id.org/cqpi/id/etape/> .\n"
    "referentiel:OCD-evaluation cq:evaluationProcess <https://w3id.org/cqpi/id/processus/OCD> .\n"
    "<https://w3id.org/cqpi/id/processus/OCD> a cq:ProcessusEvaluation"
)
OCD, BC1, BC2 = "cqpi/OCD", "bloc/RNCP99901BC01", "bloc/RNCP99901BC02"
# Validated with the curated store, which holds no registry: the codes the file cites are unverified.
UNVERIFIED = [("CodeNotVerified", "nsf/200"), ("CodeNotVerified", "rome/H3301"), ("CodeNotVerified", OCD)]
ROME_INFO = ("CodeNotVerified", "rome/H3301")  # the nomenclatures store holds no ROME

CASES: dict[str, Case] = {
    # ------------------------------------------------------------ consistency.ttl
    "01-capacite-sans-resultat": Case(
        "CapaciteExpectedResult",
        [("CapaciteExpectedResult", "competence/OCD-3")],
        [("    cq:expectedResult resultat:OCD-3-1 ;\n", "")],
        [comp(3, 4, "")],
    ),
    "02-capacite-sans-condition": Case(
        "CapaciteCondition",
        [("CapaciteCondition", "competence/OCD-2")],
        [("    cq:condition condition:OCD-2 .\n", "    .\n")],
        [comp(2, 5, "")],
    ),
    "03-cqpi-une-seule-branche": Case(
        "CQPIBranches",
        [("CQPIBranches", OCD)],
        [("cq:adoptedBy branche:chimie , branche:plasturgie ;", "cq:adoptedBy branche:chimie ;")],
        [field_("Branches", "Chimie")],
    ),
    "04-cqpi-non-paritaire": Case(
        "CQPIParitaire",
        [("CQPIParitaire", OCD)],
        [("org:cpne-ocd a cq:CPNE ;", "org:cpne-ocd a cq:Entreprise ;")],
        [field_("Nature de l'instance qui délivre", "autre")],
    ),
    "05-code-rncp-mal-forme": Case(
        "CertificationCode",
        [("CertificationCode", OCD)],
        [('cq:rncpCode "RNCP99901" ;', 'cq:rncpCode "99901" ;')],
        [field_("Code RNCP", "99901")],
    ),
    "06-bloc-d-une-autre-fiche": Case(
        "BlocCodePrefix",
        [("BlocCodePrefix", "bloc/RNCP99902BC02")],
        [("RNCP99901BC02", "RNCP99902BC02")],
        [replace_text("RNCP99901BC02", "RNCP99902BC02")],
    ),
    "07-niveau-hors-cadre": Case(
        "CertificationLevelValue",
        [("CertificationLevelValue", OCD)],
        [("cq:level niv:3 ;", "cq:level niv:9 ;")],
        [field_("Niveau", "9")],
    ),
    "08-sans-niveau": Case(
        "CertificationLevelRegistered",
        [("CertificationLevelRegistered", OCD)],
        [("    cq:level niv:3 ;\n", "")],
        [field_("Niveau", "")],
    ),
    "09-bloc-sans-modalite": Case(
        "BlocEvaluation",
        [("BlocEvaluation", BC2)],
        [
            (
                "    cq:hasCompetence competence:OCD-2 , competence:OCD-3 ;\n"
                "    cq:evaluationMethod mod:observation-poste .",
                "    cq:hasCompetence competence:OCD-2 , competence:OCD-3 .",
            )
        ],
        [comp(2, 6, ""), comp(3, 6, "")],
    ),
    "10-code-rome-mal-forme": Case(
        "RomeCode", [("RomeCode", "rome/H33011")], [("H3301", "H33011")], [field_("Métiers ROME", "H33011")]
    ),
    "11-sans-intitule": Case(
        "CertificationLabel",
        [("CertificationLabel", OCD)],
        [('    rdfs:label "Opérateur de conditionnement"@fr ;\n', "")],
        [field_("Intitulé", "")],
    ),
    "12-sans-referentiel-evaluation": Case(
        "ReferentielEvaluation",
        [("ReferentielEvaluation", "referentiel/OCD")],
        [("    cq:evaluationPart referentiel:OCD-evaluation .", "    .")],
    ),
    "13-reconnaissance-vers-certification-inexistante": Case(
        "RecognitionToExists",
        [("RecognitionToExists", "reco/OCD-CEI")],
        reco("    cq:fromCertification cqpi:OCD ;\n    cq:toCertification cqpi:INCONNU .\n"),
    ),
    "14-succession-en-cycle": Case(
        "SuccessionCycle", [("SuccessionCycle", OCD)], [("", "\ncqpi:OCD cq:replacedBy cqpi:OCD .\n")]
    ),
    "15-dates-inversees": Case(
        "DateOrder",
        [("DateOrder", OCD)],
        [('"2025-09-01"^^xsd:date', '"2031-09-01"^^xsd:date')],
        [field_("Date de début de validité", "01/09/2031")],
    ),
    "16-code-bcn-mal-forme": Case(
        "BcnCode", [("BcnCode", OCD)], [("", '\ncqpi:OCD cq:bcnCode "5002200" .\n')]
    ),
    "17-code-bloc-mal-forme": Case(
        "BlocCode",
        [("BlocCode", "bloc/RNCP99901-BC1")],
        [("RNCP99901BC01", "RNCP99901-BC1")],
        [replace_text("RNCP99901BC01", "RNCP99901-BC1")],
    ),
    "18-deux-niveaux": Case(
        "CertificationLevelMax",
        [("CertificationLevelMax", OCD)],
        [("cq:level niv:3 ;", "cq:level niv:3 , niv:4 ;")],
    ),
    "19-modalite-hors-liste": Case(
        "EvaluationMethodValue",
        [("EvaluationMethodValue", BC2)],
        [("    cq:evaluationMethod mod:observation-poste .", "    cq:evaluationMethod mod:telepathie .")],
        [comp(2, 6, "Observation")],
    ),
    "20-reconnaissance-depuis-certification-inexistante": Case(
        "RecognitionFromExists",
        [("RecognitionFromExists", "reco/OCD-CEI"), *UNVERIFIED],
        reco("    cq:fromCertification cqpi:INCONNU ;\n    cq:toCertification cqpi:CEI .\n"),
        store="curated",
    ),
    "21-correspondance-sans-blocs": Case(
        "PartialRecognitionScope",
        [("PartialRecognitionScope", "reco/OCD-CEI"), *UNVERIFIED],
        [
            (
                "",
                RECO
                + 'reco:OCD-CEI a cq:CorrespondanceBlocs ;\n    rdfs:label "Correspondance OCD CEI"@fr ;\n'
                "    cq:fromCertification cqpi:OCD ;\n    cq:toCertification cqpi:CEI .\n",
            )
        ],
        store="curated",
    ),
    "22-bloc-detenu-hors-origine": Case(
        "RecognitionFromBloc",
        [("RecognitionFromBloc", "reco/OCD-CEI"), *UNVERIFIED],
        reco(
            "    cq:fromCertification cqpi:OCD ;\n    cq:toCertification cqpi:CEI ;\n"
            "    cq:fromBloc <https://w3id.org/cqpi/id/bloc/RNCP12345BC01> .\n"
        ),
        store="curated",
    ),
    "23-bloc-accorde-hors-cible": Case(
        "RecognitionGrantsBloc",
        [("RecognitionGrantsBloc", "reco/OCD-CEI"), *UNVERIFIED],
        reco(
            "    cq:fromCertification cqpi:OCD ;\n    cq:toCertification cqpi:CEI ;\n"
            "    cq:grantsBloc bloc:RNCP99901BC01 .\n"
        ),
        store="curated",
    ),
    "24-reconnaissance-sans-origine": Case(
        "RecognitionFrom",
        [("RecognitionFrom", "reco/OCD-CEI"), *UNVERIFIED],
        reco("    cq:toCertification cqpi:CEI .\n"),
        store="curated",
    ),
    "25-reconnaissance-sans-cible": Case(
        "RecognitionTo", [("RecognitionTo", "reco/OCD-CEI")], reco("    cq:fromCertification cqpi:OCD .\n")
    ),
    # ------------------------------------------------------------ completeness.ttl
    "26-sans-type": Case(
        "CertificationType",
        [("CertificationType", OCD)],
        [("    cq:certificationType typ:CQPI ;\n", "")],
        [field_("Type", "")],
        # Without a type the spreadsheet cannot say it is a CQPI: a certification named by its code.
        expect_csv=[("CertificationType", "cert/RNCP99901")],
    ),
    "27-sans-certificateur": Case(
        "CertificationCertifier",
        [("CertificationCertifier", OCD), ("CQPIParitaire", OCD)],
        [("    cq:deliveredBy org:cpne-ocd ;\n", "")],
        [field_("Délivré par", "")],
    ),
    "28-sans-bloc": Case(
        "CertificationBloc",
        [("CertificationBloc", OCD), ("BlocOfCertification", BC1), ("BlocOfCertification", BC2)],
        [("    cq:hasBloc bloc:RNCP99901BC01 , bloc:RNCP99901BC02 ;\n", "")],
    ),
    "29-bloc-sans-intitule": Case(
        "BlocLabel",
        [("BlocLabel", BC1)],
        [('    rdfs:label "Préparer la production"@fr ;\n', "")],
        [comp(1, 1, "")],
    ),
    "30-bloc-sans-competence": Case(
        "BlocCompetence",
        [("BlocCompetence", BC1), ("CapaciteInBloc", "competence/OCD-1")],
        [("    cq:hasCompetence competence:OCD-1 ;\n", "")],
    ),
    "31-cqp-sans-referentiel": Case(
        "CQPReferentiel",
        [("CQPReferentiel", OCD), ("ReferentielOfCertification", "referentiel/OCD")],
        [("    cq:hasReferentiel referentiel:OCD .", "    .")],
    ),
    "32-referentiel-non-decrit": Case(
        "ReferentielResolves",
        [("ReferentielResolves", OCD), ("ReferentielOfCertification", "referentiel/OCD")]
        # The référentiel cited and not described has none of its parts either.
        + [
            (r, "referentiel/OCD-v2")
            for r in ("ReferentielActivities", "ReferentielCompetences", "ReferentielEvaluation")
        ],
        [("    cq:hasReferentiel referentiel:OCD .", "    cq:hasReferentiel referentiel:OCD-v2 .")],
    ),
    "33-referentiel-orphelin": Case(
        "ReferentielOfCertification",
        [("ReferentielOfCertification", "referentiel/OCD-2019")],
        [
            (
                "",
                "\nreferentiel:OCD-2019 a cq:Referentiel ;\n"
                '    rdfs:label "Ancien référentiel du CQPI OCD"@fr ;\n'
                "    cq:activitiesPart referentiel:OCD-activites ;\n"
                "    cq:competencesPart referentiel:OCD-competences ;\n"
                "    cq:evaluationPart referentiel:OCD-evaluation .\n",
            )
        ],
    ),
    "34-sans-referentiel-activites": Case(
        "ReferentielActivities",
        [("ReferentielActivities", "referentiel/OCD")],
        [("    cq:activitiesPart referentiel:OCD-activites ;\n", "")],
    ),
    "35-sans-referentiel-competences": Case(
        "ReferentielCompetences",
        [("ReferentielCompetences", "referentiel/OCD")],
        [("    cq:competencesPart referentiel:OCD-competences ;\n", "")],
    ),
    "36-resultat-non-enonce": Case(
        "ExpectedResultText",
        [("ExpectedResultText", "resultat/OCD-1-1")],
        [
            (
                "resultat:OCD-1-1 a cq:ResultatAttendu ; rdfs:label",
                "resultat:OCD-1-1 a cq:ResultatAttendu ; rdfs:comment",
            )
        ],
    ),
    # ------------------------------------------------------------ advice.ttl
    "37-intitule-sans-francais": Case(
        "CertificationFrenchLabel",
        [("CertificationFrenchLabel", OCD)],
        [('"Opérateur de conditionnement"@fr', '"Packaging operator"@en')],
    ),
    "38-sans-metier-rome": Case(
        "CertificationRome",
        [("CertificationRome", OCD)],
        [("    cq:romeJob rome:H3301 ;\n", "")],
        [field_("Métiers ROME", "")],
    ),
    "39-activites-non-decrites": Case(
        "ActivitiesDescribed",
        [
            ("ActivitiesDescribed", "referentiel/OCD-activites"),
            ("ActivityListed", "competence/OCD-1"),
            ("ActivityListed", "competence/OCD-2"),
            ("ActivityListed", "competence/OCD-3"),
        ],
        [("    cq:hasActivity activite:OCD-1 , activite:OCD-2 .", "    .")],
    ),
    # ------------------------------------------------------------ referentiel.ttl: codes
    "40-code-rncp-partage": Case(
        "CertificationCodeUnique",
        [("CertificationCodeUnique", OCD), ("CertificationCodeUnique", "cert/RNCP99901")]
        # The other certification, described by its label and code only, lacks the rest.
        + [
            (r, "cert/RNCP99901")
            for r in (
                "CertificationType",
                "CertificationLevelRegistered",
                "CertificationCertifier",
                "CertificationBloc",
                "CertificationRome",
            )
        ],
        [
            (
                "",
                "\n<https://w3id.org/cqpi/id/cert/RNCP99901> a cq:Certification ;\n"
                '    rdfs:label "Autre certification"@fr ; cq:rncpCode "RNCP99901" .\n',
            )
        ],
    ),
    "41-deux-codes-rncp": Case(
        "CertificationCodeSingle",
        [("CertificationCodeSingle", OCD)],
        [('cq:rncpCode "RNCP99901" ;', 'cq:rncpCode "RNCP99901" , "RNCP99902" ;')],
    ),
    "42-code-bloc-partage": Case(
        "BlocCodeUnique",
        [("BlocCodeUnique", BC1), ("BlocCodeUnique", BC2)],
        [('cq:rncpCode "RNCP99901BC02"', 'cq:rncpCode "RNCP99901BC01"')],
    ),
    "43-bloc-deux-codes": Case(
        "BlocCodeSingle",
        [("BlocCodeSingle", BC1)],
        [('cq:rncpCode "RNCP99901BC01" ;', 'cq:rncpCode "RNCP99901BC01" , "RNCP99901BC03" ;')],
    ),
    "44-code-provisoire-mal-forme": Case(
        "ProvisionalCode",
        [("ProvisionalCode", OCD)],
        [('"PROV-OCD" ;', '"PROV_OCD" ;')],
        [field_("Code RNCP", "PROV_OCD")],
        base="valid-provisoire",
    ),
    "45-code-provisoire-de-bloc-mal-forme": Case(
        "ProvisionalBlocCode",
        [("ProvisionalBlocCode", "bloc/PROV-OCD-B1")],
        [("PROV-OCD-BC01", "PROV-OCD-B1")],
        [replace_text("PROV-OCD-BC01", "PROV-OCD-B1")],
        base="valid-provisoire",
    ),
    "46-code-provisoire-d-une-autre-certification": Case(
        "BlocProvisionalPrefix",
        [("BlocProvisionalPrefix", "bloc/PROV-ABC-BC01")],
        [("PROV-OCD-BC01", "PROV-ABC-BC01")],
        [replace_text("PROV-OCD-BC01", "PROV-ABC-BC01")],
        base="valid-provisoire",
    ),
    "47-code-rncp-de-bloc-sans-code-rncp": Case(
        "BlocCodeWithoutCertificationCode",
        [("BlocCodeWithoutCertificationCode", BC1)],
        [
            ('cq:provisionalCode "PROV-OCD-BC01"', 'cq:rncpCode "RNCP99901BC01"'),
            ("bloc:PROV-OCD-BC01", "bloc:RNCP99901BC01"),
        ],
        [replace_text("PROV-OCD-BC01", "RNCP99901BC01")],
        base="valid-provisoire",
    ),
    "48-code-provisoire-et-code-rncp": Case(
        "ProvisionalAndOfficialCode",
        [("ProvisionalAndOfficialCode", OCD)],
        [("", '\ncqpi:OCD cq:provisionalCode "PROV-OCD" .\n')],
    ),
    "49-code-nsf-mal-forme": Case(
        "NsfCode",
        [("NsfCode", "nsf/200")],
        [('skos:notation "200"', 'skos:notation "20"')],
        [field_("Codes NSF", "20")],
        expect_csv=[("NsfCode", "nsf/20")],
    ),
    "50-formacode-mal-forme": Case(
        "FormacodeCode",
        [("FormacodeCode", "formacode/3105")],
        [
            (
                "",
                "\ncqpi:OCD cq:formacode <https://w3id.org/cqpi/id/formacode/3105> .\n"
                '<https://w3id.org/cqpi/id/formacode/3105> skos:notation "3105" .\n',
            )
        ],
        [field_("Formacodes", "3105")],
    ),
    "51-idcc-mal-forme": Case(
        "IdccCode",
        [("IdccCode", "branche/chimie")],
        [("", '\nbranche:chimie cq:idcc "12345" .\n')],
        [field_("Branches", "Chimie\n12345")],
        expect_csv=[("IdccCode", "idcc/12345")],
    ),
    # ------------------------------------------------------------ type, level
    "52-type-hors-liste": Case(
        "CertificationTypeValue",
        [("CertificationTypeValue", OCD)],
        [("typ:CQPI ;", "typ:CQPX ;")],
        [field_("Type", "CQPX")],
        expect_csv=[("CertificationTypeValue", "cert/RNCP99901")],
    ),
    "53-type-incoherent": Case(
        "CertificationTypeClass", [("CertificationTypeClass", OCD)], [("typ:CQPI ;", "typ:TP ;")]
    ),
    "54-repertoire-specifique-avec-niveau": Case(
        "RsWithoutLevel",
        [("RsWithoutLevel", OCD)],
        [('cq:rncpCode "RNCP99901" ;', 'cq:rncpCode "RS9901" ;')],
        [field_("Code RNCP", "RS9901")],
    ),
    "55-habilitation-rs-code-rncp": Case(
        "RsTypeCode",
        [("RsTypeCode", OCD)],
        [
            ("cqpi:OCD a cq:CQPI ;", "cqpi:OCD a cq:CQPI , cq:HabilitationRS ;"),
            ("    cq:level niv:3 ;\n", ""),
        ],
    ),
    "56-niveau-du-diplome": Case(
        "DiplomaLevel",
        [("DiplomaLevel", OCD)],
        [("cqpi:OCD a cq:CQPI ;", "cqpi:OCD a cq:CQPI , cq:CAP ;"), ("cq:level niv:3 ;", "cq:level niv:4 ;")],
    ),
    "57-cqp-sans-branche": Case(
        "CQPBranch",
        [("CQPBranch", OCD)],
        [
            ("cqpi:OCD a cq:CQPI ;", "cqpi:OCD a cq:CQP ;"),
            ("typ:CQPI ;", "typ:CQP ;"),
            ("    cq:adoptedBy branche:chimie , branche:plasturgie ;\n", ""),
        ],
        [field_("Type", "CQP"), field_("Branches", "")],
        expect_csv=[("CQPBranch", "cert/RNCP99901")],
    ),
    "58-cqp-non-paritaire": Case(
        "CQPParitaire",
        [("CQPParitaire", OCD)],
        [
            ("cqpi:OCD a cq:CQPI ;", "cqpi:OCD a cq:CQP ;"),
            ("typ:CQPI ;", "typ:CQP ;"),
            ("org:cpne-ocd a cq:CPNE ;", "org:cpne-ocd a cq:Entreprise ;"),
        ],
        [field_("Type", "CQP"), field_("Nature de l'instance qui délivre", "autre")],
        expect_csv=[("CQPParitaire", "cert/RNCP99901")],
    ),
    # ------------------------------------------------------------ bodies, branches
    "59-instance-sans-nom": Case(
        "BodyLabel",
        [("BodyLabel", "org/cpne-ocd")],
        [
            (
                'org:cpne-ocd a cq:CPNE ; rdfs:label "CPNE des branches adhérentes au CQPI OCD"@fr .',
                "org:cpne-ocd a cq:CPNE .",
            )
        ],
    ),
    "60-branche-non-identifiee": Case(
        "BrancheIdentified",
        [("BrancheIdentified", "branche/chimie")],
        [('branche:chimie a cq:Branche ; rdfs:label "Chimie"@fr .', "branche:chimie a cq:Branche .")],
    ),
    # ------------------------------------------------------------ the référentiel, blocs, capacités
    "61-partie-mal-typee": Case(
        "ReferentielParts",
        [("ReferentielParts", "referentiel/OCD")],
        [
            (
                "referentiel:OCD-evaluation a cq:ReferentielEvaluation ;",
                "referentiel:OCD-evaluation a cq:Referentiel ;",
            )
        ],
    ),
    "62-bloc-non-decrit": Case(
        "BlocResolves",
        [("BlocResolves", OCD)],
        [
            (
                "cq:hasBloc bloc:RNCP99901BC01 , bloc:RNCP99901BC02 ;",
                "cq:hasBloc bloc:RNCP99901BC01 , bloc:RNCP99901BC02 , bloc:RNCP99901BC03 ;",
            )
        ],
    ),
    "63-bloc-orphelin": Case(
        "BlocOfCertification",
        [("BlocOfCertification", "bloc/RNCP99901BC03"), ("CapaciteSingleBloc", "competence/OCD-1")],
        [
            (
                "",
                '\nbloc:RNCP99901BC03 a cq:BlocDeCompetences ; rdfs:label "Bloc isolé"@fr ;\n'
                "    cq:hasCompetence competence:OCD-1 ; cq:evaluationMethod mod:entretien .\n",
            )
        ],
    ),
    "64-bloc-de-deux-certifications": Case(
        "BlocOfOneCertification",
        [("BlocOfOneCertification", BC1)],
        [("", "\n<https://w3id.org/cqpi/id/cqpi/AUTRE> cq:hasBloc bloc:RNCP99901BC01 .\n")],
    ),
    "65-competence-non-decrite": Case(
        "CapaciteResolves",
        [("CapaciteResolves", BC2)],
        [
            (
                "cq:hasCompetence competence:OCD-2 , competence:OCD-3 ;",
                "cq:hasCompetence competence:OCD-2 , competence:OCD-3 , competence:OCD-9 ;",
            )
        ],
    ),
    "66-capacite-sans-intitule": Case(
        "CapaciteLabel",
        [("CapaciteLabel", "competence/OCD-1")],
        [
            (
                '    rdfs:label "Approvisionner et préparer la ligne, les machines et les accessoires"'
                "@fr ;\n",
                "",
            )
        ],
    ),
    "67-capacite-hors-bloc": Case(
        "CapaciteInBloc",
        [("CapaciteInBloc", "competence/OCD-4")],
        [
            (
                "competence:OCD-1 , competence:OCD-2 , competence:OCD-3 .",
                "competence:OCD-1 , competence:OCD-2 , competence:OCD-3 , competence:OCD-4 .",
            ),
            (
                "",
                '\ncompetence:OCD-4 a cq:Capacite ; rdfs:label "Nettoyer la ligne"@fr ;\n'
                "    cq:activity activite:OCD-2 ; cq:expectedResult resultat:OCD-3-1 ;\n"
                "    cq:condition condition:OCD-3 .\n",
            ),
        ],
    ),
    "68-capacite-dans-deux-blocs": Case(
        "CapaciteSingleBloc",
        [("CapaciteSingleBloc", "competence/OCD-2")],
        [
            (
                "    cq:hasCompetence competence:OCD-1 ;\n",
                "    cq:hasCompetence competence:OCD-1 , competence:OCD-2 ;\n",
            )
        ],
    ),
    "69-capacite-hors-referentiel-de-competences": Case(
        "CapaciteInCompetencesPart",
        [("CapaciteInCompetencesPart", "competence/OCD-3")],
        [
            (
                "competence:OCD-1 , competence:OCD-2 , competence:OCD-3 .",
                "competence:OCD-1 , competence:OCD-2 .",
            )
        ],
    ),
    "70-capacite-sans-activite": Case(
        "CapaciteActivity",
        [("CapaciteActivity", "competence/OCD-1"), ("ActivityCovered", "activite/OCD-1")],
        [("    cq:activity activite:OCD-1 ;\n", "")],
        [comp(1, 2, "")],
        # The spreadsheet lists only the activities its rows name: none is left uncovered.
        expect_csv=[("CapaciteActivity", "competence/OCD-1")],
    ),
    "71-intitules-en-double": Case(
        "DuplicateLabel",
        [("DuplicateLabel", "competence/OCD-3"), ("DuplicateLabel", "competence/OCD-2")],
        [('"Contrôler la conformité des produits conditionnés"@fr', '"Régler et mettre en production"@fr')],
        [comp(3, 3, "Régler et mettre en production")],
    ),
    # ------------------------------------------------------------ activities, results, conditions, texts
    "72-activite-non-decrite": Case(
        "ActivityResolves",
        [("ActivityResolves", "competence/OCD-1"), ("ActivityCovered", "activite/OCD-1")],
        [("    cq:activity activite:OCD-1 ;\n", "    cq:activity activite:OCD-9 ;\n")],
    ),
    "73-activite-sans-intitule": Case(
        "ActivityLabel",
        [("ActivityLabel", "activite/OCD-2")],
        [
            (
                'activite:OCD-2 a cq:Activite ; rdfs:label "Conduite de la ligne"@fr .',
                "activite:OCD-2 a cq:Activite .",
            )
        ],
    ),
    "74-activite-hors-referentiel-d-activites": Case(
        "ActivityListed",
        [("ActivityListed", "competence/OCD-2"), ("ActivityListed", "competence/OCD-3")],
        [("cq:hasActivity activite:OCD-1 , activite:OCD-2 .", "cq:hasActivity activite:OCD-1 .")],
    ),
    "75-activite-non-couverte": Case(
        "ActivityCovered",
        [("ActivityCovered", "activite/OCD-3")],
        [
            (
                "cq:hasActivity activite:OCD-1 , activite:OCD-2 .",
                "cq:hasActivity activite:OCD-1 , activite:OCD-2 , activite:OCD-3 .",
            ),
            ("", '\nactivite:OCD-3 a cq:Activite ; rdfs:label "Nettoyage de la ligne"@fr .\n'),
        ],
    ),
    "76-resultat-non-decrit": Case(
        "ExpectedResultResolves",
        [("ExpectedResultResolves", "competence/OCD-1"), ("ExpectedResultText", "resultat/OCD-1-9")],
        [
            (
                "    cq:expectedResult resultat:OCD-1-1 ;\n",
                "    cq:expectedResult resultat:OCD-1-1 , resultat:OCD-1-9 ;\n",
            )
        ],
    ),
    "77-condition-non-decrite": Case(
        "ConditionResolves",
        [("ConditionResolves", "competence/OCD-1"), ("ConditionText", "condition/OCD-9")],
        [("    cq:condition condition:OCD-1 .\n", "    cq:condition condition:OCD-1 , condition:OCD-9 .\n")],
    ),
    "78-condition-non-enoncee": Case(
        "ConditionText",
        [("ConditionText", "condition/OCD-1")],
        [
            (
                "condition:OCD-1 a cq:ConditionRealisation ; "
                'rdfs:label "Ordres de fabrication et instructions mis à disposition."@fr .',
                "condition:OCD-1 a cq:ConditionRealisation .",
            )
        ],
    ),
    "79-texte-a-completer": Case(
        "TextSaysSomething",
        [("TextSaysSomething", "resultat/OCD-1-1")],
        [('"Conformité des matières approvisionnées vérifiée ; écarts signalés."@fr', '"à compléter"@fr')],
        [comp(1, 4, "à compléter")],
    ),
    # ------------------------------------------------------------ evaluation, recognitions, dates
    "80-evaluation-sans-modalite": Case(
        "EvaluationPartMethod",
        [
            ("EvaluationPartMethod", "referentiel/OCD-evaluation"),
            ("BlocMethodInEvaluationPart", BC1),
            ("BlocMethodInEvaluationPart", BC1),
            ("BlocMethodInEvaluationPart", BC2),
        ],
        [
            (
                "referentiel:OCD-evaluation a cq:ReferentielEvaluation ;\n"
                "    cq:evaluationMethod mod:livret-activite , mod:observation-poste , mod:entretien .",
                "referentiel:OCD-evaluation a cq:ReferentielEvaluation .",
            )
        ],
    ),
    "81-modalite-hors-referentiel-d-evaluation": Case(
        "BlocMethodInEvaluationPart",
        [("BlocMethodInEvaluationPart", BC1)],
        [
            (
                "mod:livret-activite , mod:observation-poste , mod:entretien .",
                "mod:livret-activite , mod:observation-poste .",
            )
        ],
    ),
    "82-demarche-sans-etape": Case(
        "EvaluationProcessSteps", [("EvaluationProcessSteps", "processus/OCD")], [("", PROCESS + " .\n")]
    ),
    "83-etape-suivante-non-decrite": Case(
        "EvaluationStepNext",
        [("EvaluationStepNext", "etape/OCD-1")],
        [
            (
                "",
                PROCESS
                + " ; cq:step etape:OCD-1 .\n"
                + 'etape:OCD-1 a cq:EtapeEvaluation ; rdfs:label "Positionnement"@fr ;\n'
                "    cq:nextStep etape:OCD-9 .\n",
            )
        ],
    ),
    "84-etape-sans-intitule": Case(
        "EvaluationStepLabel",
        [("EvaluationStepLabel", "etape/OCD-1")],
        [("", PROCESS + " ; cq:step etape:OCD-1 .\netape:OCD-1 a cq:EtapeEvaluation .\n")],
    ),
    "85-reconnaissance-vers-elle-meme": Case(
        "RecognitionSelf",
        [("RecognitionSelf", "reco/OCD-CEI")],
        reco("    cq:fromCertification cqpi:OCD ;\n    cq:toCertification cqpi:OCD .\n"),
    ),
    "86-date-invalide": Case(
        "DateValid",
        [("DateValid", OCD)],
        [('"2025-09-01"^^xsd:date', '"2025-02-31"^^xsd:date')],
        [field_("Date de début de validité", "31/02/2025")],
    ),
    "87-plus-de-cinq-ans": Case(
        "RegistrationDuration",
        [("RegistrationDuration", OCD)],
        [('"2030-08-31"^^xsd:date', '"2031-09-01"^^xsd:date')],
        [field_("Date de fin de validité", "01/09/2031")],
    ),
    # ------------------------------------------------------------ registries.ttl (--against-store)
    "88-code-rome-inconnu": Case(
        "RomeCodeInRegistry",
        [("RomeCodeInRegistry", "rome/N9999")],
        [("H3301", "N9999")],
        [field_("Métiers ROME", "N9999")],
        base="valid-provisoire",
        store="full",
    ),
    "89-code-rncp-inconnu": Case("RncpCodeInRegistry", [("RncpCodeInRegistry", OCD)], [], [], store="full"),
    "90-codes-non-verifies": Case(
        "CodeNotVerified", UNVERIFIED[2:] + UNVERIFIED[:2], [], [], store="curated"
    ),
    "91-code-nsf-inconnu": Case(
        "NsfCodeInRegistry",
        [("NsfCodeInRegistry", "nsf/999"), ROME_INFO],
        [("nsf:200", "nsf:999"), ('"200"', '"999"')],
        [field_("Codes NSF", "999")],
        base="valid-provisoire",
        store="nomenclatures",
    ),
    "92-formacode-inconnu": Case(
        "FormacodeInRegistry",
        [("FormacodeInRegistry", "formacode/99999"), ROME_INFO],
        [("", "\ncqpi:OCD cq:formacode <https://w3id.org/cqpi/id/formacode/99999> .\n")],
        [field_("Formacodes", "99999")],
        base="valid-provisoire",
        store="nomenclatures",
    ),
    "93-idcc-inconnu": Case(
        "IdccInRegistry",
        [("IdccInRegistry", "idcc/9999"), ROME_INFO],
        [
            (
                "cq:adoptedBy branche:chimie ,",
                "cq:adoptedBy <https://w3id.org/cqpi/id/idcc/9999> , branche:chimie ,",
            ),
            ("", '\n<https://w3id.org/cqpi/id/idcc/9999> a cq:Branche ; cq:idcc "9999" .\n'),
        ],
        [field_("Branches", "Chimie\nPlasturgie\n9999")],
        base="valid-provisoire",
        store="nomenclatures",
    ),
    # ------------------------------------------------------------ spreadsheet.ttl (reading rules)
    "94-feuille-manquante": Case(
        "SheetMissing", [("SheetMissing", "reading")], None, [drop_section("Compétences")]
    ),
    "95-champ-manquant": Case(
        "SheetMissingField", [("SheetMissingField", "reading")], None, [drop("Certification", "Niveau")]
    ),
    "96-colonne-manquante": Case(
        "SheetMissingColumn",
        [("SheetMissingColumn", "reading")],
        None,
        [replace_text("Conditions de réalisation", "Conditions")],
    ),
    "97-nature-hors-liste": Case(
        "SheetCodeValue",
        [("SheetCodeValue", OCD)],
        None,
        [field_("Nature de l'instance qui délivre", "syndicat")],
    ),
    "98-competence-sans-bloc": Case(
        "SheetCompetenceWithoutBloc",
        [("SheetCompetenceWithoutBloc", "reading")],
        None,
        [comp(1, 0, ""), comp(1, 1, "")],
    ),
    "99-ligne-sans-competence": Case(
        "SheetRowWithoutCompetence", [("SheetRowWithoutCompetence", "reading")], None, [comp(3, 3, "")]
    ),
    "100-donnees-hors-section": Case(
        "SheetDataOutsideSection",
        [("SheetDataOutsideSection", "reading")],
        None,
        [prepend(["Intitulé", "Opérateur de conditionnement"])],
        xlsx=False,
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


def edit_csv(text: str, edits: list[Edit]) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    for e in edits:
        rows = e(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def main() -> None:
    bases = {
        "valid": (
            (HERE / "valid.ttl").read_text(encoding="utf-8"),
            (HERE / "valid.csv").read_text(encoding="utf-8"),
        )
    }
    ttl, table = bases["valid"]
    bases["valid-provisoire"] = (edit_turtle(ttl, PROVISOIRE_TTL), edit_csv(table, PROVISOIRE_CSV))
    (HERE / "valid-provisoire.ttl").write_text(bases["valid-provisoire"][0], encoding="utf-8")
    (HERE / "valid-provisoire.csv").write_text(bases["valid-provisoire"][1], encoding="utf-8")
    expected = {}
    for name, case in CASES.items():
        ttl, table = bases[case.base]
        entry: dict = {"rule": case.rule, "store": case.store, "expect": {}}
        if case.ttl is not None:
            (HERE / f"{name}.ttl").write_text(edit_turtle(ttl, case.ttl), encoding="utf-8")
            entry["expect"]["ttl"] = [list(e) for e in case.expect]
        if case.csv is not None:
            (HERE / f"{name}.csv").write_text(edit_csv(table, case.csv), encoding="utf-8")
            csv_expect = [list(e) for e in (case.expect_csv or case.expect)]
            entry["expect"]["csv"] = csv_expect
            if case.xlsx:
                entry["expect"]["xlsx"] = csv_expect
        expected[name] = entry
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()


# ---------------------------------------------------------------- the real template, ten mistakes

# (sheet, row, column, value, rule it breaks): ten mistakes of ten kinds, on the XLSX template as
# `cqpi template` writes it (drop-down lists included), filled from valid.csv.
TEN_MISTAKES = [
    ("Certification", 4, 2, "CQPX", "CertificationTypeValue"),  # off the type list
    ("Certification", 5, 2, "trois", "CertificationLevelValue"),  # a level in words
    ("Certification", 8, 2, "syndicat", "SheetCodeValue"),  # off the list of kinds of body
    ("Certification", 9, 2, "Chimie\n12345", "IdccCode"),  # an IDCC of 5 digits
    ("Certification", 10, 2, "H33O1", "RomeCode"),  # a letter O for a zero
    ("Certification", 13, 2, "31/02/2025", "DateValid"),  # no 31 February
    ("Compétences", 2, 5, "", "CapaciteExpectedResult"),  # no expected result
    ("Compétences", 3, 6, "", "CapaciteCondition"),  # no condition
    ("Compétences", 4, 7, "Observation", "EvaluationMethodValue"),  # off the list of methods
    ("Compétences", 2, 3, "TODO", "TextSaysSomething"),  # a placeholder for an activity
]


def ten_mistakes() -> None:
    import sys

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    sys.path.insert(0, str(HERE.parents[2]))
    from cqpi_graph.validate import write_template

    path = write_template(HERE / "dix-erreurs.xlsx", "xlsx")
    wb = load_workbook(path)
    section = None
    fields = {}
    comps = []
    for row in csv.reader(io.StringIO((HERE / "valid.csv").read_text(encoding="utf-8"))):
        if row and row[0].startswith("["):
            section = row[0].strip("[]")
        elif (
            section == "Certification" and row and row[0] not in ("Champ", "") and not row[0].startswith("#")
        ):
            fields[row[0]] = row[1]
        elif section == "Compétences" and row and row[0] != "Code du bloc" and not row[0].startswith("#"):
            comps.append(row)
    ws = wb["Certification"]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value in fields:
            ws.cell(r, 2).value = fields[ws.cell(r, 1).value]
    for row in comps:
        wb["Compétences"].append(row)
    expected = []
    for sheet, r, c, value, rule in TEN_MISTAKES:
        wb[sheet].cell(r, c).value = value
        expected.append([rule, f"{sheet}!{get_column_letter(c)}{r}"])
    wb.save(path)
    (HERE / "dix-erreurs.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    ten_mistakes()
