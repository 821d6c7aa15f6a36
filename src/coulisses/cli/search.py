"""``coulisses search``: find spoken passages across rushes."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer

from coulisses.settings import load_settings


def register(app: typer.Typer) -> None:
    app.command("search")(search_cmd)


def search_cmd(
    query: str = typer.Argument(..., help="what was said, in your words"),
    paths: list[str] = typer.Argument(..., help="rushes or folders of rushes"),
    limit: int = typer.Option(10, "--limit", help="how many passages"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Find spoken passages across rushes (by meaning when embeddings are installed)."""
    from coulisses.analysis.embeddings import Embedder
    from coulisses.analysis.run import analyze
    from coulisses.analysis.search import search
    from coulisses.media.inputs import expand_videos

    settings = load_settings()
    analyses = [analyze(p, settings) for p in expand_videos(paths)]
    try:
        import sentence_transformers  # noqa: F401

        embedder: Embedder | None = Embedder(settings)
    except ImportError:
        embedder = None
    hits = search(query, analyses, embedder, limit)
    if as_json:
        typer.echo(json.dumps([asdict(h) for h in hits], indent=1, ensure_ascii=False))
        return
    for h in hits:
        typer.echo(f"{h.score:.2f}  {Path(h.path).name}  {h.start:.2f}-{h.end:.2f} s  "
                   f"\"{h.text[:100]}\"")
    if not hits:
        typer.echo("no spoken passage matches")
