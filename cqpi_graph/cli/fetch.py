"""cqpi fetch, cqpi update."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..fetch import fetch, load_sources, update
from ..fetch.config import select
from ..fetch.download import Http
from ..fetch.results import FetchReport
from ..fetch.verify import DEFAULT_MAX_SHRINK
from .options import format_option, reasoner_option


def _common(f):  # noqa: ANN001, ANN202 - a click command
    """The options fetch and update share."""
    options = [
        click.option(
            "--into",
            type=click.Path(file_okay=False, path_type=Path),
            envvar="CQPI_REGISTRIES",
            help="Dossier des exports (défaut : $CQPI_REGISTRIES ou ~/.local/share/cqpi-graph/registries).",
        ),
        click.option(
            "--source",
            "names",
            multiple=True,
            metavar="NOM",
            help="Seulement cette source (répétable) : rncp, bcn, kit, rome, esco…",
        ),
        click.option(
            "--from-mirror",
            "mirror",
            metavar="URL",
            help="Lire un miroir interne (un dossier rempli par cqpi fetch, servi tel quel, ou son chemin).",
        ),
        click.option(
            "--sources",
            "config",
            type=click.Path(dir_okay=False, path_type=Path),
            envvar="CQPI_SOURCES",
            help="Fichier TOML qui complète ou remplace les sources "
            "(défaut : ~/.config/cqpi-graph/sources.toml).",
        ),
        click.option(
            "--allow-shrink",
            is_flag=True,
            help=f"Accepter un export de plus de {int(DEFAULT_MAX_SHRINK * 100)} % plus court "
            "que celui en place.",
        ),
        click.option(
            "--timeout", type=float, default=60.0, show_default=True, help="Secondes d'attente du serveur."
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _print(report: FetchReport, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        return
    for line in report.lines():
        click.echo(line)


def _list_sources(config: Path | None) -> None:
    for src in select(load_sources(config), ()):
        click.echo(f"{src.name}\t{src.title}")
        click.echo(f"\t{src.publisher} — {src.licence}")
        click.echo(f"\t{src.where or 'pas d’adresse configurée : ' + src.note}")


@click.command("fetch")
@_common
@click.option("--dry-run", is_flag=True, help="Dire ce qui changerait, sans rien télécharger ni modifier.")
@click.option("--list", "list_only", is_flag=True, help="Lister les sources configurées et quitter.")
@format_option("text", "json")
def fetch_cmd(
    into: Path | None,
    names: tuple[str, ...],
    mirror: str | None,
    config: Path | None,
    allow_shrink: bool,
    timeout: float,
    dry_run: bool,
    list_only: bool,
    fmt: str,
) -> None:
    """Télécharger les exports officiels actuels, les vérifier et les mettre en place.

    Download the current official exports (RNCP/RS, BCN, kit, ROME, ESCO), verify them and put
    them in a folder that `cqpi build --registries` reads. A download that fails or does not
    verify leaves the previous files in place; an interrupted download resumes on the next run.

    \b
    Exemples :
      cqpi fetch --into registries && cqpi build --registries registries
      cqpi fetch --dry-run
      cqpi fetch --from-mirror https://miroir.intranet/cqpi/
    """
    if list_only:
        _list_sources(config)
        return
    report = fetch(
        into,
        sources=names,
        dry_run=dry_run,
        mirror=mirror,
        config=config,
        http=Http(timeout=timeout),
        max_shrink=None if allow_shrink else DEFAULT_MAX_SHRINK,
    )
    _print(report, fmt)
    if fmt == "text" and not dry_run and report.imports():
        click.echo(f"dossier : {report.folder} (cqpi build --registries {report.folder})")
    if report.failed:
        sys.exit(1)


@click.command("update")
@_common
@reasoner_option("Moteur d'inférence relancé après un import.")
@click.pass_obj
def update_cmd(
    obj,
    into: Path | None,
    names: tuple[str, ...],
    mirror: str | None,
    config: Path | None,
    allow_shrink: bool,
    timeout: float,
    reasoner: str,
) -> None:
    """Télécharger les exports officiels, puis importer dans le graphe ce qui a changé.

    Fetch, then import only the exports the graph does not hold yet (an export already imported
    is recognised by its SHA-256 and skipped); the first run builds the graph. Exit code 1 if a
    download failed or an import was refused: the graph keeps what it had for that source.

    \b
    Exemple (tous les jours à 6 h 30, crontab) :
      30 6 * * * cqpi update >> ~/.local/state/cqpi-update.log 2>&1
    """
    from ..progress import Progress

    progress = Progress()
    report = update(
        obj.store_path,
        endpoint=obj.endpoint,
        into=into,
        sources=names,
        mirror=mirror,
        config=config,
        reasoner=reasoner,
        http=Http(timeout=timeout),
        progress=progress,
        max_shrink=None if allow_shrink else DEFAULT_MAX_SHRINK,
    )
    progress.close()
    _print(report.fetch, "text")
    for imp in report.imports:
        click.echo(imp.summary())
    for err in report.errors:
        click.echo(f"import refusé : {err}", err=True)
    if report.built:
        click.echo("graphe construit avec les exports téléchargés")
    elif not report.imported:
        click.echo("graphe à jour : aucun export nouveau à importer")
    if not report.ok:
        sys.exit(1)


def register(group: click.Group) -> None:
    group.add_command(fetch_cmd)
    group.add_command(update_cmd)
