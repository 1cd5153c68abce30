"""cqpi import rncp|bcn|kit|rome|esco PATH."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError
from ..importers import SOURCES
from ..imports import import_registry
from ..progress import Progress
from .options import reasoner_option


@click.group("import")
def import_group() -> None:
    """Importer un registre officiel dans son graphe nommé (RNCP/RS, BCN, kit, ROME, ESCO).

    Le graphe de la source est remplacé ; le même fichier importé deux fois ne change rien.
    Un fichier illisible arrête l'import et laisse le graphe tel qu'il était (code de sortie 2),
    de même qu'un fichier tronqué ou bien plus court que l'import précédent (--allow-shrink).
    """


def _make(name: str) -> click.Command:
    src = SOURCES[name]

    @click.command(name, help=f"{src.help}\n\nExemple : {src.example}")
    @click.argument("paths", nargs=-1 if src.several else 1, required=True, type=click.Path(path_type=Path))
    @reasoner_option("Moteur d'inférence relancé après l'import.")
    @click.option(
        "--allow-shrink",
        is_flag=True,
        help="Accepter un import qui réduit le graphe de la source (fichier plus court que "
        "l'import précédent) ; sans cette option, il est refusé (code de sortie 2).",
    )
    @click.pass_obj
    def cmd(obj, paths: Path | tuple[Path, ...], reasoner: str, allow_shrink: bool) -> None:
        files = [paths] if isinstance(paths, Path) else list(paths)
        for path in files:
            if not path.exists():
                raise InputError("fichier ou dossier introuvable", file=str(path))
        progress = Progress()
        report = import_registry(
            obj.store_path,
            name,
            files,
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
