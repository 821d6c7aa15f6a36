"""``coulisses analyze``: run every analyser on rushes, cached by content."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coulisses.settings import load_settings

if TYPE_CHECKING:
    from coulisses.analysis.model import Analysis


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_cmd)


def analyze_cmd(
    files: list[str] = typer.Argument(..., help="rushes to analyse"),
    as_json: bool = typer.Option(False, "--json", help="print the analysis as JSON"),
    only: str | None = typer.Option(None, "--only", help="analysers to run: shots, transcript, "
                                                         "faces, audio, picture"),
    language: str | None = typer.Option(None, "--language", help="force the spoken language "
                                        "(fr, en, ...) instead of detecting it"),
    vocabulary: str | None = typer.Option(None, "--vocabulary", help="brand and people names "
                                          "to expect, comma-separated"),
    ray: str | None = typer.Option(None, "--ray", help=(
        "analyse each rush as a job on a Ray cluster: its address, or auto to start a local "
        "one")),
    workers: int | None = typer.Option(None, "--workers", min=0, help=(
        "analyse each rush as a job in this many worker processes (or Ray tasks at a time); "
        "0: one per CPU")),
) -> None:
    """Find shots, speech, faces, sound and picture problems; cached, so a second run is
    instant and an interrupted one resumes."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

    from coulisses.analysis.run import analyze, default_analyzers
    from coulisses.errors import UsageError

    settings = load_settings()
    analyzers = default_analyzers(settings)
    if language or vocabulary:
        from coulisses.analysis.speech import SpeechAnalyzer
        from coulisses.cli.transcribe import parse_vocabulary

        speech = SpeechAnalyzer(settings, language=language,
                                vocabulary=parse_vocabulary(vocabulary))
        analyzers = [speech if a.name == speech.name else a for a in analyzers]
    if only:
        wanted = {w.strip() for w in only.split(",") if w.strip()}
        unknown = wanted - {a.name for a in analyzers}
        if unknown:
            raise UsageError(f"unknown analyser {sorted(unknown)[0]!r}",
                             hint="choose from " + ", ".join(a.name for a in analyzers))
        analyzers = [a for a in analyzers if a.name in wanted]
    console = Console(stderr=True)
    results: list[Analysis] = []
    with Progress(TextColumn("{task.description:<40}"), BarColumn(),
                  TextColumn("{task.percentage:>3.0f}%"), console=console, transient=True,
                  disable=as_json or not console.is_terminal) as bar:
        task = bar.add_task("analysing", total=1000)
        on_executor = ray is not None or workers is not None
        if on_executor:  # each rush one job; the analyses are read back from the cache
            from coulisses.analysis.batch import analyze_many
            from coulisses.i18n import text

            def advance(done: int, total: int) -> None:
                bar.update(task, description=f"{text(settings.lang, 'analysing')} {done}/{total}",
                           completed=int(1000 * done / max(1, total)))

            results, _ = analyze_many(files, settings, analyzers, workers=workers or 0,
                                      ray_address=ray, progress=advance)
        for file in [] if on_executor else files:
            name = Path(file).name[:28]

            def update(fraction: float, stages: tuple[str, ...], name: str = name) -> None:
                bar.update(task, description=f"{name} {', '.join(stages)}"[:40],
                           completed=int(fraction * 1000))

            bar.reset(task)
            results.append(analyze(file, settings, analyzers, overall=update))
    if as_json:
        payload = [r.to_json() for r in results]
        typer.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=1,
                              ensure_ascii=False))
        return
    for r in results:
        typer.echo(f"{r.path}: {r.duration:.2f} s, {r.width}x{r.height}, {r.fps:.3g} fps")
        if r.shots is not None:
            typer.echo(f"  shots: {len(r.shots)}")
        if r.transcript is not None:
            t = r.transcript
            typer.echo(f"  speech: {len(t.words)} words, language {t.language or 'none'}")
            for warning in t.warnings:
                typer.echo(f"  warning: {warning}")
        if r.faces is not None:
            typer.echo(f"  faces: {len(r.faces)} people tracked")
        if r.audio is not None:
            typer.echo(f"  audio: {len(r.audio.silences)} silences, {len(r.audio.peaks)} peaks")
        if r.picture is not None:
            p = r.picture
            typer.echo(f"  picture: {len(p.black)} black, {len(p.frozen)} frozen, "
                       f"{len(p.blurry)} blurry, {len(p.shaky)} shaky, {len(p.dark)} dark spans")
