"""cqpi import rncp|bcn|kit|rome|esco PATH."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError
from ..importers import SOURCES
from ..importers.run import import_registry
from ..progress import Progress

HELP = {
    "rncp": (
        "Importer un export RNCP/RS : l'archive ZIP des CSV ou le flux XML v4.1 "
        "(détecté d'après le contenu).",
        "cqpi import rncp ../shared/data/rncp/export-fiches-csv-2024-02-22.zip",
    ),
    "bcn": (
        "Importer les diplômes de la BCN (N_FORMATION_DIPLOME.csv, Latin-1).",
        "cqpi import bcn ../shared/data/bcn/N_FORMATION_DIPLOME.csv",
    ),
    "kit": (
        "Importer la correspondance diplômes BCN - fiches RNCP (kit apprentissage).",
        "cqpi import kit ../shared/data/kit/kit-apprentissage-rncp-v3.0.csv",
    ),
    "rome": (
        "Importer le ROME 4.0 (dossier des fichiers unix_*_utf8.csv).",
        "cqpi import rome ../shared/data/rome",
    ),
    "esco": (
        "Importer ESCO en français (dossier des CSV : skills_fr.csv, occupations_fr.csv…).",
        "cqpi import esco ../shared/data/esco",
    ),
}


@click.group("import")
def import_group() -> None:
    """Importer un registre officiel dans son graphe nommé (RNCP/RS, BCN, kit, ROME, ESCO).

    Le graphe de la source est remplacé ; le même fichier importé deux fois ne change rien.
    Un fichier illisible arrête l'import et laisse le graphe tel qu'il était (code de sortie 2),
    de même qu'un fichier tronqué ou bien plus court que l'import précédent (--allow-shrink).
    """


def _make(name: str) -> click.Command:
    text, example = HELP[name]

    @click.command(name, help=f"{text}\n\nExemple : {example}")
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option(
        "--reasoner",
        type=click.Choice(["rules", "reasonable", "owlrl"]),
        default="rules",
        show_default=True,
        help="Moteur d'inférence relancé après l'import.",
    )
    @click.option(
        "--allow-shrink",
        is_flag=True,
        help="Accepter un import qui réduit le graphe de la source (fichier plus court que "
        "l'import précédent) ; sans cette option, il est refusé (code de sortie 2).",
    )
    @click.pass_obj
    def cmd(obj, path: Path, reasoner: str, allow_shrink: bool) -> None:
        if not path.exists():
            raise InputError("fichier ou dossier introuvable", file=str(path))
        progress = Progress()
        report = import_registry(
            obj.store_path,
            name,
            path,
            endpoint=obj.endpoint,
            reasoner=reasoner,
            progress=progress,
            allow_shrink=allow_shrink,
        )
        progress.close()
        click.echo(report.summary())

    return cmd


for _n in SOURCES:
    import_group.add_command(_make(_n))


def register(group: click.Group) -> None:
    group.add_command(import_group)
