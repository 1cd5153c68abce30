"""cqpi export: full dumps and the registry profiles (ELM, schema.org, RNCP XML, VoID)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..export.dump import export_dump

PROFILES = ("elm", "schemaorg", "rncp-xml", "void")
FORMATS = ("turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml")


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Format RDF (défaut : turtle ; nquads/trig/jsonld gardent les graphes nommés).",
)
@click.option(
    "--graph",
    "graph",
    metavar="NAME",
    help="Un seul graphe nommé (IRI ou nom court : curated, import/rncp…).",
)
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default=None,
    help="Profil : elm (ELM v3 / LOQ, Europass QDR), schemaorg, rncp-xml (flux v4.1), void (DCAT/VoID).",
)
@click.option(
    "--all",
    "all_",
    is_flag=True,
    help="Tous les dumps et profils, avec leurs sommes SHA-256, dans le dossier -o "
    "(défaut : $DOWNLOADS_DIR ou STORE/exports, le dossier de /downloads).",
)
@click.option(
    "--gzip/--no-gzip",
    "compress",
    default=None,
    help="--all : compresser les dumps (défaut : au-delà de 200 000 quads).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Fichier de sortie (défaut : sortie standard) ; avec --all, un dossier.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="elm, rncp-xml, schemaorg : écrire le rapport des certifications exclues et de ce qui leur "
    "manque dans ce fichier (TSV ; JSON si le nom finit par .json).",
)
@click.option(
    "--code",
    "codes",
    multiple=True,
    metavar="CODE",
    help="rncp-xml, elm, schemaorg : seulement ces fiches (RNCP…/RS…, répétable).",
)
@click.option(
    "--base-url",
    default="http://localhost:5000",
    show_default=True,
    help="void : racine publique du site (le point SPARQL est BASE/sparql).",
)
@click.option(
    "--dump",
    "dumps",
    multiple=True,
    metavar="URL",
    help="void : URL d'un fichier de dump téléchargeable (répétable).",
)
@click.pass_obj
def export_cmd(
    obj,
    fmt: str | None,
    graph: str | None,
    profile: str | None,
    all_: bool,
    compress: bool | None,
    output: Path | None,
    report_path: Path | None,
    codes: tuple[str, ...],
    base_url: str,
    dumps: tuple[str, ...],
) -> None:
    """Exporter le graphe : dumps complets ou profils des registres.

    Export the graph: full dumps (streamed) or registry profiles.

    \b
    Exemples :
      cqpi export --format nquads -o cqpi-graph.nq
      cqpi export --format turtle --graph curated
      cqpi export --profile elm --format jsonld -o qdr.jsonld --report exclues.tsv
      cqpi export --profile rncp-xml -o fiches.xml --report rncp-exclues.json
      cqpi export --profile schemaorg -o credentials.jsonld
      cqpi export --profile rncp-xml --code RNCP35340 -o fiches.xml
      cqpi export --profile void --base-url https://cqpi.example.org
      cqpi export --all --base-url https://cqpi.example.org
    """
    if all_:
        _export_all(obj, fmt, graph, profile, output, codes, base_url, compress)
        return
    if compress is not None:
        raise click.UsageError("--gzip / --no-gzip ne s'emploient qu'avec --all")
    if output is not None and output.is_dir():
        raise click.UsageError(f"-o {output} est un dossier (un dossier ne va qu'avec --all)")
    out = output if output is not None else "-"
    iris = [f"https://w3id.org/cqpi/id/cert/{c.strip().upper()}" for c in codes] if codes else None
    with obj.open() as store:
        if profile is None:
            export_dump(store, fmt or "turtle", graph, out)
            return
        if graph:
            raise click.UsageError("--graph ne s'emploie qu'avec les dumps (sans --profile)")
        if profile == "void":
            _void(store, fmt, base_url, dumps, out)
            return
        report = _profile(store, profile, fmt, out, iris, codes)
        click.echo(report.summary(), err=True)
        for note in report.notes:
            click.echo(f"note : {note}", err=True)
        if report_path is None and report.excluded:
            from ..export.report import default_report_path

            report_path = default_report_path(store, profile)
        if report_path is not None:
            report.write(report_path)
            click.echo(f"rapport (une ligne par certification exclue) : {report_path}", err=True)
    sys.stdout.flush()


def _profile(store, profile: str, fmt: str | None, out, iris, codes):  # noqa: ANN001, ANN202
    """Run one registry profile; its ExportReport."""
    from ..export.report import ExportReport

    if profile == "elm":
        from ..export.elm import export_elm

        if fmt not in (None, "turtle", "jsonld"):
            raise click.UsageError("--profile elm : --format turtle ou jsonld")
        return export_elm(store, fmt or "turtle", out, iris=iris)[1]
    report = ExportReport()
    if profile == "schemaorg":
        from ..export.schemaorg import export_schemaorg

        export_schemaorg(store, out, iris=iris, report=report)
    else:
        from ..export.rncp_xml import export_rncp_xml

        export_rncp_xml(store, list(codes) if codes else None, out, report)
    return report


def _void(store, fmt: str | None, base_url: str, dumps, out) -> None:  # noqa: ANN001
    from ..export.dump import open_output
    from ..export.void import dataset_description

    data = dataset_description(store, base_url, fmt=fmt or "turtle", dumps=dumps)
    with open_output(out) as fh:
        fh.write(data)


def _export_all(
    obj,
    fmt: str | None,
    graph: str | None,
    profile: str | None,  # noqa: ANN001
    output: Path | None,
    codes: tuple[str, ...],
    base_url: str,
    compress: bool | None = None,
) -> None:
    from ..export.downloads import write_downloads

    if fmt or graph or profile or codes:
        raise click.UsageError(
            "--all écrit tous les formats et profils : sans --format, --graph, --profile ni --code"
        )
    with obj.open() as store:
        directory = output if output is not None else default_downloads_dir(obj)
        for path in write_downloads(store, directory, base_url=base_url, compress=compress):
            click.echo(f"{path}\t{path.stat().st_size}")


def default_downloads_dir(obj) -> Path:  # noqa: ANN001
    """$DOWNLOADS_DIR, else the store's `exports` folder: where the web view's /downloads looks."""
    import os

    from ..store import default_location

    configured = os.environ.get("DOWNLOADS_DIR")
    if configured:
        return Path(configured)
    if obj.store_path is None and obj.endpoint:
        raise click.UsageError("--all avec --endpoint : donnez le dossier de sortie par -o")
    return Path(obj.store_path or default_location()) / "exports"


def register(group: click.Group) -> None:
    group.add_command(export_cmd)
