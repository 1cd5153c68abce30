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

    config = {
        "CQPI_STORE": str(obj.store_path) if obj.store_path else None,
        "CQPI_ENDPOINT": obj.endpoint and obj.endpoint.url,
    }
    app = create_app({k: v for k, v in config.items() if v})
    if not debug:
        import time

        from web.warm import warm

        t = time.perf_counter()
        warm(app)  # the generation's indexes, read before the first request (built by `cqpi build`)
        click.echo(f"index chargés en {time.perf_counter() - t:.1f} s")
        if not obj.endpoint:
            _prepare_downloads(obj, f"http://{host}:{port}")
    click.echo(f"cqpi-graph : http://{host}:{port}/  (SPARQL : http://{host}:{port}/sparql)")
    app.run(host=host, port=port, debug=debug, threaded=True, use_reloader=False)


def _prepare_downloads(obj, base_url: str) -> None:  # noqa: ANN001
    """/downloads offers the dumps and profiles of `cqpi export --all`: when its folder has none,
    a background process writes them (files appear as each is complete)."""
    import subprocess
    import sys

    from .export import default_downloads_dir

    directory = default_downloads_dir(obj)
    if (directory / "SHA256SUMS").is_file():
        return
    cmd = [sys.executable, "-m", "cqpi_graph"]
    if obj.store_path:
        cmd += ["--store", str(obj.store_path)]
    cmd += ["export", "--all", "-o", str(directory), "--base-url", base_url]
    directory.mkdir(parents=True, exist_ok=True)
    log = open(directory.parent / "exports.log", "ab")  # noqa: SIM115 - the child keeps it
    subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    click.echo(f"téléchargements en préparation dans {directory} (cqpi export --all)")


def register(group: click.Group) -> None:
    group.add_command(serve_cmd)
