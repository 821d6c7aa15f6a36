"""``coulisses serve``: the studio on this machine (database migrated to head on start)."""

from __future__ import annotations

import typer

from coulisses.settings import load_settings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)


def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="port to listen on"),
    database_url: str | None = typer.Option(None, "--database-url",
                                            help="SQLAlchemy URL (default: SQLite in the "
                                                 "data folder, or COULISSES_DATABASE_URL)"),
) -> None:
    """Start the studio: campaigns, rushes, cuts, reviews, jobs and results in the browser."""
    import uvicorn

    from coulisses.studio.db import default_url
    from coulisses.web.app import create_app

    settings = load_settings(database_url=database_url)
    app = create_app(settings)
    where = default_url(settings)
    shown = where.split("@")[-1] if "@" in where else where  # never print a password
    typer.echo(f"coulisses studio on http://{host}:{port}/ (database: {shown})")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
