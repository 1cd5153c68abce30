"""cqpi serve: the web view on the embedded store (or on --endpoint)."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port d'écoute.")
@click.option(
    "--debug", is_flag=True, help="Mode débogage (rechargement, traces d'erreur) : jamais en production."
)
@click.pass_obj
def serve_cmd(obj, host: str, port: int, debug: bool) -> None:
    """Servir l'interface web et le point d'accès SPARQL /sparql.

    Serve the web view and the SPARQL endpoint. For production use several workers:
    gunicorn -w 4 -b 127.0.0.1:8000 'web:create_app()'
    """
    try:
        from web import create_app
    except ImportError as exc:  # the web package sits beside cqpi_graph in the project
        raise click.ClickException(f"interface web introuvable : {exc}") from None

    config = {"CQPI_STORE": str(obj.store_path) if obj.store_path else None, "CQPI_ENDPOINT": obj.endpoint}
    app = create_app({k: v for k, v in config.items() if v})
    if not debug:
        import time

        from web.warm import warm

        t = time.perf_counter()
        warm(app)  # the generation's indexes, read before the first request (built by `cqpi build`)
        click.echo(f"index chargés en {time.perf_counter() - t:.1f} s")
    click.echo(f"cqpi-graph : http://{host}:{port}/  (SPARQL : http://{host}:{port}/sparql)")
    app.run(host=host, port=port, debug=debug, threaded=True, use_reloader=False)


def register(group: click.Group) -> None:
    group.add_command(serve_cmd)
