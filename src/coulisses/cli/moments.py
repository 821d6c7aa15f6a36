"""``coulisses moments``: rank candidate clips in analysed rushes."""

from __future__ import annotations

import json
from dataclasses import asdict

import typer

from coulisses.settings import load_settings


def register(app: typer.Typer) -> None:
    app.command("moments")(moments_cmd)


def moments_cmd(
    files: list[str] = typer.Argument(..., help="analysed (or to analyse) rushes"),
    kind: str = typer.Option("bts", "--for", help="bts, episode or hook"),
    max_len: float = typer.Option(60.0, "--max", help="longest clip, in seconds"),
    brief: str | None = typer.Option(None, "--brief", help="rank by relevance to this text"),
    limit: int = typer.Option(10, "--limit", help="how many moments per file"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Rank candidate clips, each with sub-scores and a one-line reason."""
    from coulisses.analysis.embeddings import Embedder
    from coulisses.analysis.moments import WEIGHTS, find_moments
    from coulisses.analysis.run import analyze
    from coulisses.errors import UsageError

    if kind not in WEIGHTS:
        raise UsageError(f"--for {kind!r} is not bts, episode or hook")
    if max_len < 1:
        raise UsageError("--max must be at least 1 second")
    settings = load_settings()
    relevance = Embedder(settings).relevance(brief) if brief else None
    out = []
    for file in files:
        analysis = analyze(file, settings)
        found = find_moments(analysis, kind, max_len=max_len, limit=limit,
                             brief_relevance=relevance, lang=settings.lang)
        out.append({"path": analysis.path, "moments": [asdict(m) for m in found]})
        if not as_json:
            typer.echo(f"{analysis.path}:")
            for i, m in enumerate(found, 1):
                typer.echo(f"  {i:>2}. {m.start:7.2f}-{m.end:7.2f} s  score {m.score:.2f}  "
                           f"{m.reason}")
                if m.text:
                    typer.echo(f"      \"{m.text[:100]}\"")
    if as_json:
        typer.echo(json.dumps(out[0] if len(out) == 1 else out, indent=1, ensure_ascii=False))
