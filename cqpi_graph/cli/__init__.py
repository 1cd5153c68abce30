"""The `cqpi` command line: a thin layer over the library, one module per area."""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from .. import __version__
from ..errors import EXIT_SYSTEM, CqpiError, describe_os_error
from ..store import Endpoint, Store, open_store, store_writer

# Each module defines `register(group)`. Add a line here for a new area.
COMMAND_MODULES = [
    "core",
    "web",
    "importers",
    "paths",
    "gap",
    "validate",
    "export",
    "fetch",
]


@dataclass
class Context:
    """Where the graph is: an embedded store path, or a remote endpoint."""

    store_path: Path | None
    endpoint: Endpoint | None

    def open(self) -> Store:
        return open_store(self.store_path, endpoint=self.endpoint)

    def writer(self, fresh: bool = False):  # noqa: ANN201 - a context manager of Store
        return store_writer(self.store_path, endpoint=self.endpoint, fresh=fresh)


class CqpiGroup(click.Group):
    """Turns every failure into one clear line on stderr and its exit code, never a traceback:
    the library's errors (their own code: 2 for input), system errors such as a full disk
    (naming the path, code 3), anything unexpected (code 3; CQPI_DEBUG=1 shows the traceback)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CqpiError as exc:
            click.echo(f"erreur : {_one_line(exc)}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            sys.exit(0)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except OSError as exc:
            if os.environ.get("CQPI_DEBUG"):
                raise
            click.echo(f"erreur : {describe_os_error(exc)}", err=True)
            sys.exit(EXIT_SYSTEM)
        except KeyboardInterrupt:
            click.echo("interrompu (interrupted) : rien n'a été changé", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback
            if os.environ.get("CQPI_DEBUG"):
                raise
            click.echo(
                f"erreur interne : {type(exc).__name__}: {_one_line(exc)} "
                "(CQPI_DEBUG=1 cqpi … affiche le détail ; internal error)",
                err=True,
            )
            sys.exit(EXIT_SYSTEM)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


@click.group(cls=CqpiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cqpi")
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path),
    envvar="CQPI_STORE",
    help="Dossier du graphe embarqué (défaut : $CQPI_STORE ou ~/.local/share/cqpi-graph/store).",
)
@click.option(
    "--endpoint",
    envvar="CQPI_ENDPOINT",
    help="URL d'un serveur SPARQL 1.1 distant à la place du graphe embarqué.",
)
@click.option("--update-endpoint", envvar="CQPI_UPDATE_ENDPOINT", help="URL SPARQL Update, si distincte.")
@click.option("--graph-store", envvar="CQPI_GRAPH_STORE", help="URL Graph Store Protocol, si distincte.")
@click.pass_context
def main(
    ctx: click.Context,
    store_path: Path | None,
    endpoint: str | None,
    update_endpoint: str | None,
    graph_store: str | None,
) -> None:
    """cqpi-graph : le graphe des certifications professionnelles et de leurs équivalences.

    cqpi-graph: the knowledge graph of French professional certifications.
    """
    remote = (
        Endpoint.from_env(endpoint, update=update_endpoint, graph_store=graph_store) if endpoint else None
    )
    ctx.obj = Context(store_path, remote)


for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(main)
