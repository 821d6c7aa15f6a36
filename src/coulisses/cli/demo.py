"""``coulisses demo``: make sample rushes and cut them to four platforms, no network needed."""

from __future__ import annotations

from pathlib import Path

import typer

from coulisses.i18n import text
from coulisses.settings import load_settings


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_cmd)


def demo_cmd(
    out: Path = typer.Option(Path("coulisses-demo"), "--out", help="folder for everything"),
    preset: str | None = typer.Option(None, "--preset", help="final or draft"),
) -> None:
    """Make sample rushes, cut them to TikTok, Instagram feed, LinkedIn and YouTube with
    captions, check every output, and say where everything is."""
    from coulisses.cli.cut import print_result
    from coulisses.cli.progress import progress_bar
    from coulisses.demo import DEMO_PLATFORMS, make_rushes
    from coulisses.errors import QCFailedError
    from coulisses.media.ffmpeg import SubprocessRunner
    from coulisses.platforms.registry import Registry
    from coulisses.render.cut import cut
    from coulisses.render.plan import CutOptions

    settings = load_settings(preset=preset)
    runner = SubprocessRunner(settings.ffmpeg or None)
    typer.echo(text(settings.lang, "demo_intro", platforms=DEMO_PLATFORMS.replace(",", ", ")))
    rushes = make_rushes(out / "rushes", runner)
    typer.echo(f"{text(settings.lang, 'demo_rushes')}: {rushes.landscape}")
    options = CutOptions(preset="draft" if settings.preset == "draft" else "final")
    with progress_bar(settings.lang) as bar:
        result = cut(rushes.landscape, DEMO_PLATFORMS, out / "cuts", options=options,
                     captions=rushes.captions, timeline_formats=["otio", "fcp7xml"],
                     registry=Registry.load(settings.platform_dirs), runner=runner,
                     progress=bar)
    print_result(result, settings.lang)
    if not result.passed:
        raise QCFailedError("the demo's outputs do not all pass their checks")
