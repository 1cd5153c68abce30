"""cqpi validate, cqpi template, cqpi convert."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import rdflib

from ..errors import InputError
from ..validate import (
    FORMATS,
    TEMPLATE_FORMATS,
    convert_spreadsheet,
    load_input,
    validate_referentiel,
    validate_store,
    write_template,
)
from .options import lang_option


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        output.write_text(text, encoding="utf-8")


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--store",
    "whole_store",
    is_flag=True,
    help="Vérifier tout le graphe stocké (imports compris) et résumer par règle.",
)
@click.option(
    "--against-store",
    is_flag=True,
    help="Valider le fichier avec ce que le graphe dit des ressources qu'il cite (branches, "
    "certifications…) et chercher ses codes (ROME, NSF, Formacode, IDCC, RNCP) dans les répertoires "
    "du graphe ; un code d'un répertoire que le graphe ne contient pas est signalé non vérifié.",
)
@click.option(
    "--shapes",
    "shape_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ajouter les formes SHACL d'un fichier (Turtle, JSON-LD, RDF/XML, N-Triples) à celles du "
    "projet ; répétable. Toute forme SHACL Core est vérifiée (pyshacl pour ce qui ne se compile pas).",
)
@lang_option("Langue du rapport.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Format du rapport (turtle = sh:ValidationReport standard).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Écrire le rapport dans un fichier plutôt que sur la sortie standard.",
)
@click.option(
    "--engine",
    type=click.Choice(["sparql", "shacl"]),
    default="sparql",
    show_default=True,
    help="Moteur pour un fichier : formes compilées en SPARQL (Oxigraph, pyshacl pour ce qui ne se "
    "compile pas) ou pyshacl pour toutes (référence).",
)
@click.pass_obj
def validate_cmd(
    obj,
    files: tuple[Path, ...],
    whole_store: bool,
    against_store: bool,
    lang: str,
    fmt: str,
    output: Path | None,
    engine: str,
    shape_files: tuple[Path, ...],
) -> None:
    """Valider un référentiel (Turtle, JSON-LD, RDF/XML, N-Triples, XLSX, CSV) ou tout le graphe.

    Validate a new référentiel, or the whole stored graph with --store.
    Codes de sortie : 0 conforme (avertissements permis), 1 violations, 2 entrée illisible.

    Exemples : cqpi validate referentiel.xlsx ; cqpi validate --shapes profil.ttl referentiel.ttl ;
    cqpi validate --store
    """
    if whole_store and files:
        raise click.UsageError("--store vérifie tout le graphe : ne donnez pas de fichier avec --store")
    if whole_store and shape_files:
        raise click.UsageError("--shapes s'applique à la validation d'un fichier, pas à --store")
    if not whole_store and not files:
        raise click.UsageError("donnez au moins un fichier, ou --store")
    if whole_store:
        with obj.open() as store:
            report = validate_store(store, lang=lang)
    elif against_store:
        with obj.open() as store:
            report = validate_referentiel(
                list(files), against_store=store, lang=lang, engine=engine, shapes=list(shape_files)
            )
    else:
        report = validate_referentiel(list(files), lang=lang, engine=engine, shapes=list(shape_files))
    _emit(report.render(fmt), output)
    sys.exit(report.exit_code)


@click.command("template")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(TEMPLATE_FORMATS),
    default=None,
    help="xlsx ou csv (défaut : l'extension du fichier, sinon xlsx).",
)
@click.option(
    "--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Fichier à écrire."
)
def template_cmd(fmt: str | None, output: Path) -> None:
    """Écrire le modèle tableur vide d'un référentiel, avec ses instructions.

    Write the empty spreadsheet template. Exemple : cqpi template --format xlsx -o referentiel.xlsx
    """
    path = write_template(output, fmt)
    click.echo(f"modèle écrit : {path}", err=True)


@click.command("convert")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier Turtle à écrire (défaut : sortie standard).",
)
def convert_cmd(file: Path, output: Path | None) -> None:
    """Convertir un modèle tableur rempli (XLSX, CSV) ou un fichier RDF en Turtle.

    Convert a filled template to Turtle. Exemple : cqpi convert referentiel.xlsx -o referentiel.ttl
    """
    if file.suffix.lower() in (".xlsx", ".csv"):
        if not file.is_file():
            raise InputError("fichier introuvable", file=str(file), expected="un modèle XLSX ou CSV rempli")
        graph: rdflib.Graph = convert_spreadsheet(file)
    else:
        graph = load_input(file)
    text = graph.serialize(format="turtle")
    _emit(text, output)
    if output is not None:
        click.echo(f"{len(graph)} triplets écrits dans {output}", err=True)


def register(group: click.Group) -> None:
    for cmd in (validate_cmd, template_cmd, convert_cmd):
        group.add_command(cmd)
