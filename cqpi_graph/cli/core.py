"""cqpi build, query, stats."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..build import build
from ..errors import InputError
from ..namespaces import GRAPH
from ..progress import Progress
from ..query import QUERY_FORMATS, compact, run_query
from ..stats import compute_stats
from .options import format_option, reasoner_option


def _parse_with(values: tuple[str, ...]) -> list[tuple[str, Path]]:
    out = []
    for v in values:
        name, sep, path = v.partition("=")
        if not sep or not name or not path:
            raise InputError(f"« {v} » : attendu NOM=CHEMIN, par exemple rncp=export.zip", field="--with")
        out.append((name.strip(), Path(path)))
    return out


def _short_graph(g: str) -> str:
    return g[len(GRAPH) :] if g.startswith(GRAPH) else g


@click.command("build")
@click.option(
    "--with",
    "with_",
    multiple=True,
    metavar="SOURCE=PATH",
    help="Importer aussi un registre (répétable), ex. --with rncp=export.zip --with rome=DIR.",
)
@click.option(
    "--registries",
    type=click.Path(path_type=Path),
    help="Dossier d'exports des registres : importe tous ceux qu'il reconnaît "
    "(RNCP zip/XML, BCN, kit, ROME, ESCO), ex. ../shared/data.",
)
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Fichier ou dossier Turtle à ajouter aux données curées (répétable).",
)
@reasoner_option("Moteur d'inférence OWL 2 RL.")
@click.option(
    "--force", is_flag=True, help="Reconstruire même si rien n'a changé depuis la dernière construction."
)
@click.option(
    "--allow-shrink",
    is_flag=True,
    help="Accepter un import plus court que celui du graphe remplacé (sinon refusé, code 2).",
)
@click.pass_obj
def build_cmd(
    obj,
    with_: tuple[str, ...],
    registries: Path | None,
    data: tuple[Path, ...],
    reasoner: str,
    force: bool,
    allow_shrink: bool,
) -> None:
    """Construire le graphe : ontologie, listes de codes, données, imports, inférence.

    Build the graph. The previous graph stays live until the new one is complete.

    Exemples : cqpi build --registries ../shared/data
               cqpi build --with rncp=../shared/data/rncp/export-fiches-csv-2024-02-22.zip
    """
    imports = _parse_with(with_)
    if registries is not None:
        from ..importers.discover import discover

        imports = discover(registries) + imports
    report = build(
        obj.store_path,
        endpoint=obj.endpoint,
        imports=imports,
        extra_data=data,
        reasoner=reasoner,
        progress=Progress(),
        force=force,
        allow_shrink=allow_shrink,
    )
    if report.skipped:
        click.echo(
            "graphe déjà à jour : construit avec exactement ces fichiers et ce programme "
            "(rien à refaire ; --force pour reconstruire)"
        )
        return
    for imp in report.imports:
        summary = getattr(imp, "summary", None)
        click.echo(summary() if callable(summary) else str(imp))
    click.echo(f"graphe construit dans {report.location} en {report.seconds:.1f} s")
    click.echo("graphe nommé\ttriplets")
    for g, n in sorted(report.graphs.items()):
        click.echo(f"{_short_graph(g)}\t{n}")
    click.echo(f"total\t{sum(report.graphs.values())}")


@click.command("query")
@click.argument("query", required=False)
@click.option(
    "--file",
    "-f",
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Lire la requête dans un fichier .rq.",
)
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True)
@click.pass_obj
def query_cmd(obj, query: str | None, file: Path | None, fmt: str) -> None:
    """Exécuter une requête SPARQL (préfixes cq:, rdfs:, skos:, dct:… prédéclarés).

    Exemple : cqpi query 'SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a cq:CQPI }'
    """
    if file is not None:
        query = file.read_text(encoding="utf-8")
    if not query:
        raise click.UsageError("donnez une requête en argument ou avec --file")
    with obj.open() as store:
        out = run_query(store, query, fmt)
    if isinstance(out, bytes):
        sys.stdout.buffer.write(out)
        if not out.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
    else:
        click.echo(out)


@click.command("stats")
@format_option("text", "json")
@click.pass_obj
def stats_cmd(obj, fmt: str) -> None:
    """Compter les triplets par graphe nommé et les ressources par classe."""
    with obj.open() as store:
        st = compute_stats(store)
    if fmt == "json":
        click.echo(json.dumps({"graphs": st.graphs, "classes": st.classes, "total": st.total}, indent=2))
        return
    click.echo("graphe nommé\ttriplets")
    for g, n in st.graphs.items():
        click.echo(f"{_short_graph(g)}\t{n}")
    click.echo(f"total\t{st.total}\n\nclasse\tressources")
    for c, n in sorted(st.classes.items(), key=lambda kv: -kv[1]):
        click.echo(f"{compact(c)}\t{n}")


def register(group: click.Group) -> None:
    for cmd in (build_cmd, query_cmd, stats_cmd):
        group.add_command(cmd)
