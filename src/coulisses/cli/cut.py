"""``coulisses cut``: one source span to every platform asked for, checked."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from coulisses.errors import QCFailedError, UsageError
from coulisses.i18n import text
from coulisses.render.plan import CutOptions, Fit, Rect
from coulisses.settings import load_settings
from coulisses.timecode import parse_time


def register(app: typer.Typer) -> None:
    app.command("cut")(cut_cmd)


def parse_crop(value: str | None) -> Rect | str | None:
    """``X,Y,W,H`` in display pixels, or ``center``.

    Raises:
        UsageError: anything else.
    """
    if value is None:
        return None
    if value.strip().lower() in ("center", "centre"):
        return "center"
    parts = value.split(",")
    try:
        x, y, w, h = (int(p) for p in parts)
    except ValueError:
        raise UsageError(f"--crop {value!r} is not X,Y,W,H or center") from None
    return Rect(x, y, w, h)


def cut_cmd(
    file: str = typer.Argument(..., help="source video"),
    to: str = typer.Option(..., "--to", help="platform ids, comma-separated"),
    start: str | None = typer.Option(None, "--start", help="span start (75.5, 1:15.5 ...)"),
    end: str | None = typer.Option(None, "--end", help="span end"),
    captions: str | None = typer.Option(None, "--captions", help="FILE.srt, FILE.vtt, auto "
                                                             "(word by word, from speech) or "
                                                             "none"),
    caption_style: str | None = typer.Option(None, "--caption-style",
                                             help="pop, clean or box (with --captions auto)"),
    transcript: Path | None = typer.Option(None, "--transcript",
                                           help="a corrected transcript (coulisses transcribe "
                                                "--format json) for --captions auto"),
    reframe: str | None = typer.Option(None, "--reframe", help="auto (follow the subject) or "
                                                               "a crop-path FILE.json"),
    crop: str | None = typer.Option(None, "--crop", help="X,Y,W,H region to keep, or center"),
    fit: str = typer.Option("fill", "--fit", help="fill (crop), pad (bars) or blur (blurred "
                                                  "background)"),
    preset: str | None = typer.Option(None, "--preset", help="final, master (slowest, "
                                                             "smallest) or draft (half size, "
                                                             "fast)"),
    encoder: str | None = typer.Option(None, "--encoder", help="x264 (CPU) or nvenc (NVIDIA "
                                                               "GPU)"),
    out: Path | None = typer.Option(None, "--out", help="output folder"),
    trim: bool = typer.Option(False, "--trim", help="cut a span that is too long to the "
                                                   "platform's maximum instead of refusing"),
    extend: bool = typer.Option(False, "--extend", help="hold the last frame of a span that "
                                                       "is too short instead of refusing"),
    export_timeline: str | None = typer.Option(None, "--export-timeline",
                                               help="otio, edl and/or fcp7xml"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Cut a video to platform-native versions in one pass, and check each one."""
    from coulisses.cli.progress import progress_bar
    from coulisses.media.ffmpeg import SubprocessRunner
    from coulisses.platforms.registry import Registry
    from coulisses.render.cut import cut
    from coulisses.render.timeline import parse_formats

    settings = load_settings(preset=preset, encoder=encoder)
    if fit not in ("fill", "pad", "blur"):
        raise UsageError(f"--fit {fit!r} is not fill, pad or blur")
    crop_value = parse_crop(crop)
    if crop_value is not None and fit != "fill":
        raise UsageError("--crop works with --fit fill only")
    options = CutOptions(
        start=parse_time(start) if start else None, end=parse_time(end) if end else None,
        crop=crop_value if isinstance(crop_value, Rect) or crop_value is None else "center",
        fit=_fit(fit), preset=settings.preset, trim=trim, extend=extend,
        encoder=settings.encoder)
    caption_source = None if captions in (None, "none") else source_of(captions)
    if reframe is not None and crop is not None:
        raise UsageError("--reframe and --crop cannot be used together")
    if transcript is not None and caption_source != "auto":
        raise UsageError("--transcript goes with --captions auto")
    with progress_bar(settings.lang, enabled=not as_json, lines=True) as bar:
        result = cut(file, to.split(","), out or settings.out_dir, options=options,
                     captions=caption_source, transcript=transcript,
                     reframe=source_of(reframe),
                     caption_style=caption_style, settings=settings,
                     timeline_formats=parse_formats(export_timeline),
                     registry=Registry.load(settings.platform_dirs),
                     runner=SubprocessRunner(settings.ffmpeg or None), progress=bar)
    if as_json:
        typer.echo(result.report.read_text(encoding="utf-8"))
    else:
        print_result(result, settings.lang)
    failed = [v for v in result.variants if not v.qc.passed]
    if failed:
        raise QCFailedError(text(settings.lang, "cut_fails", n=len(failed),
                                 total=len(result.variants), summary=result.summary),
                            reasons=[r for v in failed for r in v.qc.reasons])


def _fit(value: str) -> Fit:
    return "pad" if value == "pad" else "blur" if value == "blur" else "fill"


def print_result(result: object, lang: str) -> None:
    """The summary a person reads after a cut."""
    from coulisses.render.result import CutResult

    assert isinstance(result, CutResult)
    typer.echo(f"{text(lang, 'videos')}:")
    for v in result.variants:
        mark = text(lang, "pass" if v.qc.passed else "fail")
        typer.echo(f"  {mark:<6} {v.platform:<20} {v.video}")
        for reason in v.qc.reasons_in(lang):
            typer.echo(f"         x {reason}")
        for note in (*v.notes, *v.qc.warnings):
            typer.echo(f"         - {note}")
    typer.echo(f"{text(lang, 'report')}: {result.report}")
    typer.echo(f"{text(lang, 'contact_sheet')}: {result.contact_sheet}")
    n_fail = sum(not v.qc.passed for v in result.variants)
    typer.echo(text(lang, "all_pass", n=len(result.variants)) if not n_fail
               else text(lang, "some_fail", n=n_fail))


def source_of(value: str | None) -> Path | Literal["auto"] | None:
    """``--captions`` or ``--reframe`` as the core takes it: ``"auto"``, a file, or None."""
    return "auto" if value == "auto" else Path(value) if value else None
