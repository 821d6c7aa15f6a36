"""``coulisses backstage build``: a published backstage page as static files."""

from __future__ import annotations

from pathlib import Path

import typer

from coulisses.settings import load_settings

backstage_app = typer.Typer(
    name="backstage", no_args_is_help=True, add_completion=False,
    help="The campaigns' public backstage pages (composed and published in the studio).",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def register(app: typer.Typer) -> None:
    app.add_typer(backstage_app)


@backstage_app.command("build")
def build_cmd(
    campaign: str = typer.Argument(..., help="the campaign's id or name in the studio"),
    out: Path = typer.Option(..., "--out", help="folder for the page's files"),
    studio_url: str | None = typer.Option(None, "--studio-url", help=(
        "the studio's address the polls link back to (default: the public_url setting, "
        "else http://127.0.0.1:8000)")),
) -> None:
    """Export a published backstage page as static files (English and French), read-only:
    its polls and comments link back to the studio."""
    from coulisses.backstage.export import build, find_page
    from coulisses.studio.db import default_url, open_database

    settings = load_settings()
    engine, sessions = open_database(default_url(settings))
    try:
        with sessions() as db:
            written = build(db, find_page(db, campaign), settings, out,
                            studio_url or settings.public_url or "http://127.0.0.1:8000")
    finally:
        engine.dispose()
    for path in written:
        if path.suffix == ".html":
            typer.echo(str(path))
