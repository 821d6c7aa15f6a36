"""``coulisses probe`` and ``coulisses check``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from coulisses.errors import QCFailedError
from coulisses.i18n import text
from coulisses.settings import load_settings


def register(app: typer.Typer) -> None:
    app.command("probe")(probe_cmd)
    app.command("check")(check_cmd)


def probe_cmd(
    file: str = typer.Argument(..., help="media file to describe"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Describe a media file: streams, exact frame rate, rotation, colour, audio layout."""
    from coulisses.media.probe import describe, probe

    info = probe(file)
    if as_json:
        typer.echo(json.dumps(info.to_json(), indent=2, ensure_ascii=False))
    else:
        typer.echo("\n".join(describe(info)))


def check_cmd(
    file: str = typer.Argument(..., help="video file to check"),
    platform: str = typer.Option(..., "--for", help="platform id, e.g. tiktok"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
) -> None:
    """Check an existing video against a platform's spec; exit 0 when it passes."""
    from coulisses.media.ffmpeg import SubprocessRunner
    from coulisses.platforms.registry import Registry
    from coulisses.render.qc import check_file, summary

    settings = load_settings()
    spec = Registry.load(settings.platform_dirs)[platform.strip().lower()]
    from coulisses.media.probe import probe

    info = probe(file)
    info.require_video()
    result = check_file(info.path, spec, SubprocessRunner(settings.ffmpeg or None), info=info)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        key = "check_pass" if result.passed else "check_fail"
        typer.echo(text(settings.lang, key, file=Path(file).name, platform=spec.name))
        typer.echo(summary([result], settings.lang))
    if not result.passed:
        reasons = result.reasons_in(settings.lang)
        raise QCFailedError(text(settings.lang, "qc_fails", file=Path(file).name, n=len(reasons),
                                 platform=spec.id, reasons="; ".join(reasons)),
                            reasons=result.reasons)
