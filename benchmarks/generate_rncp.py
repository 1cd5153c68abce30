"""Generate an RNCP/RS export of N fiches in the real CSV-zip format (benchmarks, not tests).

Same ten files, columns and quirks as France compétences' daily export: `;` separator, every
value quoted, CRLF line ends, SIRET prefixed with a TAB, dates dd/mm/yyyy, `''` inside ROME
labels, fiches whose successor is not in the export. Blocs (5 per RNCP fiche on average) carry
competence-like labels; ROME codes are drawn from the real ROME file when it is available;
about a third of the fiches belong to succession chains of 2 to 5 versions.

Library use:  generate_rncp_zip(path, n_fiches, seed=0)
Command line: python benchmarks/generate_rncp.py --fiches 45000 /tmp/export-fiches-csv-2024-02-22.zip
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import random
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROME_FILE = ROOT.parent / "shared" / "data" / "rome" / "unix_referentiel_code_rome_v460_utf8.csv"
DATE = "2024_02_22"

HEADERS = {
    "Standard": [
        "Id_Fiche",
        "Numero_Fiche",
        "Intitule",
        "Abrege_Libelle",
        "Abrege_Intitule",
        "Nomenclature_Europe_Niveau",
        "Nomenclature_Europe_Intitule",
        "Accessible_Nouvelle_Caledonie",
        "Accessible_Polynesie_Francaise",
        "Date_dernier_jo",
        "Date_Decision",
        "Date_Fin_Enregistrement",
        "Date_Effet",
        "Type_Enregistrement",
        "Validation_Partielle",
        "Actif",
    ],
    "Blocs_De_Compétences": ["Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle"],
    "Certificateurs": ["Numero_Fiche", "Siret_Certificateur", "Nom_Certificateur"],
    "Partenaires": ["Numero_Fiche", "Nom_Partenaire", "Siret_Partenaire", "Habilitation_Partenaire"],
    "Rome": ["Numero_Fiche", "Codes_Rome_Code", "Codes_Rome_Libelle"],
    "Nsf": ["Numero_Fiche", "Nsf_Code", "Nsf_Intitule"],
    "Formacode": ["Numero_Fiche", "Formacode_Code", "Formacode_Libelle"],
    "CCN": [
        "Numero_Fiche",
        "Ccn_1_Numero",
        "Ccn_1_Libelle",
        "Ccn_2_Numero",
        "Ccn_2_Libelle",
        "Ccn_3_Numero",
        "Ccn_3_Libelle",
    ],
    "VoixdAccès": ["Numero_Fiche", "Si_Jury"],
    "Ancienne_Nouvelle_Certification": ["Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification"],
}
ABBR = [
    ("CAP", "Certificat d'aptitude professionnelle", 3),
    ("BAC PRO", "Baccalauréat professionnel", 4),
    ("BTS", "Brevet de technicien supérieur", 5),
    ("TP", "Titre professionnel", 0),
    ("", "", 0),
    ("", "", 0),
    ("", "", 0),
    ("MC4", "Mention complémentaire", 4),
]
ROUTES = [
    "Par expérience",
    "Par candidature individuelle",
    "Après un parcours de formation sous statut d’élève ou d’étudiant",
    "En contrat d’apprentissage",
    "En contrat de professionnalisation",
    "Après un parcours de formation continue",
]
VERBS = [
    "Gérer",
    "Concevoir",
    "Réaliser",
    "Contrôler",
    "Organiser",
    "Piloter",
    "Maintenir",
    "Animer",
    "Analyser",
    "Installer",
    "Superviser",
    "Préparer",
    "Conduire",
    "Diagnostiquer",
    "Commercialiser",
]
OBJECTS = [
    "une installation industrielle",
    "un projet d'équipe",
    "la relation client",
    "un système d'information",
    "la production",
    "la qualité des produits",
    "les approvisionnements",
    "un chantier",
    "la sécurité des personnes",
    "un budget",
    "des données",
    "la maintenance préventive",
    "un service informatique",
    "l'accueil du public",
    "une ligne de conditionnement",
]
CCNS = [
    ("3117", "Boulangerie-pâtisserie (Entreprises artisanales)"),
    ("3248", "Métallurgie"),
    ("1486", "Bureaux d'études techniques (Syntec)"),
    ("0016", "Transports routiers"),
    ("2216", "Commerce de détail et de gros à prédominance alimentaire"),
]


@functools.lru_cache(maxsize=2)
def load_texts(folder: Path = ROME_FILE.parent) -> tuple[list[str], list[str]]:
    """Titles and competence phrases as varied as the real export's: the ROME's appellations and
    competence labels when its files are there (issue 20: bloc texts drawn from 16 verbs x 16
    objects made every bloc similar to tens of thousands of others, which no real export does, and
    the text model's all-pairs step then ran for tens of minutes); the verbs x objects otherwise."""
    out: list[list[str]] = []
    for name, column in (
        ("unix_referentiel_appellation_v460_utf8.csv", "libelle_appellation_long"),
        ("unix_referentiel_competence_v460_utf8.csv", "libelle_competence"),
    ):
        path = folder / name
        if not path.is_file():
            return [], []
        with open(path, encoding="utf-8", newline="") as fh:
            out.append(sorted({r[column] for r in csv.DictReader(fh) if r.get(column)}))
    return out[0], out[1]


def load_rome(path: Path = ROME_FILE) -> list[tuple[str, str]]:
    """(code, label) of the real ROME file; a small synthetic list when it is absent."""
    if path.is_file():
        with open(path, encoding="utf-8", newline="") as fh:
            return [(r["code_rome"], r["libelle_rome"]) for r in csv.DictReader(fh)]
    return [(f"{chr(65 + i % 14)}{1000 + i:04d}", f"Métier {i}") for i in range(500)]


def _date(rng: random.Random, y0: int, y1: int) -> str:
    return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(y0, y1)}"


def _siret(rng: random.Random) -> str:
    return "\t" + "".join(str(rng.randint(0, 9)) for _ in range(14))


class _Plan:
    """Fiche codes and succession chains; every fiche's content comes from its own seeded RNG."""

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.seed = n, seed
        rng = random.Random(seed)
        self.codes = [("RS" if rng.random() < 0.15 else "RNCP") + str(10000 + i) for i in range(n)]
        self.prev: dict[int, int] = {}
        i = 0
        while i < n:
            length = rng.choice([1, 1, 1, 1, 2, 3, 4, 5])
            for k in range(1, length):
                if i + k < n:
                    self.prev[i + k] = i + k - 1
            i += length

    def rng(self, i: int, part: str) -> random.Random:
        return random.Random(f"{self.seed}-{i}-{part}")


def _rows(plan: _Plan, part: str, rome: list[tuple[str, str]]) -> Iterator[list[str]]:
    nxt = {v: k for k, v in plan.prev.items()}
    titles, phrases = load_texts()

    def title(rng: random.Random) -> str:
        return rng.choice(titles) if titles else f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"

    def phrase(rng: random.Random) -> str:
        return rng.choice(phrases) if phrases else f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"

    for i, code in enumerate(plan.codes):
        r = plan.rng(i, part)
        base = plan.rng(i, "base")
        abbr, abbr_label, lvl = base.choice(ABBR)
        if code.startswith("RS"):
            abbr, abbr_label, lvl = "", "", 0
        level = lvl or base.randint(3, 7)
        if part == "Standard":
            name = title(base)
            reprise = base.random() < 0.03
            niv = "" if code.startswith("RS") else ("REPRISE" if reprise else f"NIV{level}")
            niv_label = (
                ""
                if not niv
                else ("Sans niveau – le positionnement est non déterminé" if reprise else f"Niveau {level}")
            )
            active = "INACTIVE" if i in nxt else "ACTIVE"
            yield [
                str(i + 1),
                code,
                name[:1].upper() + name[1:],
                abbr,
                abbr_label,
                niv,
                niv_label,
                "Non",
                "Non",
                _date(r, 2002, 2023),
                "",
                _date(r, 2024, 2030),
                _date(r, 2019, 2023),
                r.choice(["Enregistrement sur demande", "Enregistrement de droit"]),
                "",
                active,
            ]
        elif part == "Blocs_De_Compétences" and code.startswith("RNCP"):
            for b in range(1, r.randint(3, 8)):
                comps = ", ".join(phrase(r).lower() for _ in range(r.randint(2, 4)))
                yield [code, f"{code}BC{b:02d}", f"{phrase(r)} : {comps}"]
        elif part == "Certificateurs":
            for _ in range(r.choice([1, 1, 1, 2])):
                yield [
                    code,
                    _siret(r),
                    r.choice(["MINISTERE DU TRAVAIL", "ECOLE SUPERIEURE", "CNAM", "UIMM", "AFPA"]),
                ]
        elif part == "Partenaires":
            for _ in range(r.choice([0, 0, 1, 2, 3])):
                yield [
                    code,
                    r.choice(["CFA DES METIERS", "GRETA", "IFRIA", "ORSYS"]),
                    _siret(r),
                    "HABILITATION_ORGA_FORM",
                ]
        elif part == "Rome":
            for c, label in r.sample(rome, r.randint(1, 4)):
                yield [code, c, label.replace("'", "''")]
        elif part == "Nsf":
            n = r.choice(["200", "220", "221w", "250", "251", "326", "312t", "330"])
            yield [code, n, f"{n} : Spécialité {n}"]
        elif part == "Formacode":
            for _ in range(r.randint(1, 2)):
                f = str(r.randint(10000, 45000))
                yield [code, f, f"{f} : Domaine {f}"]
        elif part == "CCN" and r.random() < 0.1:
            idcc, label = r.choice(CCNS)
            yield [code, idcc, label, "", "", "", ""]
        elif part == "VoixdAccès":
            for route in r.sample(ROUTES, r.randint(3, 6)):
                yield [code, route]
        elif part == "Ancienne_Nouvelle_Certification":
            old = plan.codes[plan.prev[i]] if i in plan.prev else ""
            new = plan.codes[nxt[i]] if i in nxt else ""
            if not new and old and r.random() < 0.05:
                new = "RNCP" + str(90000 + i)  # a successor that is not in the export
            if old or new:
                yield [code, old, new]


def _write(zf: zipfile.ZipFile, name: str, header: list[str], rows: Iterator[list[str]]) -> None:
    with (
        zf.open(name, "w", force_zip64=True) as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
    ):
        w = csv.writer(text, delimiter=";", quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
        w.writerow(header)
        for row in rows:
            # the real export leaves empty values unquoted: ;;
            text.write(";".join(f'"{v.replace(chr(34), chr(34) * 2)}"' if v else "" for v in row) + "\r\n")


def generate_rncp_zip(
    path: Path | str,
    n_fiches: int,
    seed: int = 0,
    rome: list[tuple[str, str]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write an RNCP CSV export of n_fiches fiches to path (streamed, constant memory)."""
    path = Path(path)
    rome = rome or load_rome()
    plan = _Plan(n_fiches, seed)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for part, header in HEADERS.items():
            if progress:
                progress(part)
            _write(zf, f"export_fiches_CSV_{part}_{DATE}.csv", header, _rows(plan, part, rome))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("output", type=Path)
    ap.add_argument("--fiches", type=int, default=45_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    generate_rncp_zip(args.output, args.fiches, seed=args.seed)
    print(f"{args.output}: {args.fiches} fiches, {args.output.stat().st_size} octets")


if __name__ == "__main__":
    main()
