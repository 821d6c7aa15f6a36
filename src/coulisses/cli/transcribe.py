"""``coulisses transcribe``: a file's speech as SRT, WebVTT or a correctable JSON transcript."""

from __future__ import annotations

from pathlib import Path

import typer

from coulisses.analysis.model import Transcript
from coulisses.errors import UsageError
from coulisses.platforms.spec import CaptionRules
from coulisses.settings import Settings, load_settings

FORMATS = ("srt", "vtt", "json")


def register(app: typer.Typer) -> None:
    app.command("transcribe")(transcribe_cmd)


def parse_vocabulary(value: str | None) -> list[str]:
    """``"Brand,Jane Doe"`` -> ``["Brand", "Jane Doe"]``."""
    return [w.strip() for w in (value or "").split(",") if w.strip()]


def check_format(fmt: str) -> str:
    """Raises:
        UsageError: not srt, vtt or json.
    """
    kind = fmt.strip().lower()
    if kind not in FORMATS:
        raise UsageError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}")
    return kind


def caption_rules(settings: Settings, platform: str | None) -> CaptionRules:
    """``platform``'s caption rules, or 42 x 2 lines at 17 characters/s without one.

    Raises:
        SpecError: an unknown platform.
    """
    from coulisses.render.wordcaptions import DEFAULT_RULES

    if not platform:
        return DEFAULT_RULES
    from coulisses.platforms.registry import Registry

    return Registry.load(settings.platform_dirs)[platform.strip().lower()].captions


def render_transcript(transcript: Transcript, fmt: str,
                      rules: CaptionRules | None = None) -> str:
    """The text of ``transcript`` as SRT, WebVTT (cues broken to ``rules``) or JSON.

    Raises:
        UsageError: an unknown format.
    """
    from coulisses.analysis.transcript import transcript_json
    from coulisses.render.captions import to_srt, to_vtt
    from coulisses.render.wordcaptions import DEFAULT_RULES, group_words, words_to_cues

    kind = check_format(fmt)
    if kind == "json":
        return transcript_json(transcript)
    rules = rules or DEFAULT_RULES
    cues = words_to_cues(group_words(transcript.words, rules), rules)
    return to_srt(cues) if kind == "srt" else to_vtt(cues)


def transcribe_cmd(
    file: str = typer.Argument(..., help="video or audio file"),
    fmt: str = typer.Option("srt", "--format", help="srt, vtt or json (correctable, for "
                                                   "cut --transcript)"),
    language: str | None = typer.Option(None, "--language", help="language code (fr, en, ...); "
                                                                "detected when not given"),
    vocabulary: str | None = typer.Option(None, "--vocabulary",
                                          help="brand and people names, comma-separated"),
    model: str | None = typer.Option(None, "--model", help="speech model name or folder "
                                                          "(setting whisper_model)"),
    platform: str | None = typer.Option(None, "--for", help="break caption lines to this "
                                                           "platform's rules"),
    out: Path | None = typer.Option(None, "--out", help="file to write (default: stdout)"),
) -> None:
    """Transcribe speech into timed words: captions, or a JSON transcript to correct."""
    from coulisses.analysis.speech import transcribe_file
    from coulisses.cli.progress import progress_bar
    from coulisses.output import write_error, write_text

    check_format(fmt)
    settings = load_settings(whisper_model=model)
    rules = caption_rules(settings, platform)
    with progress_bar(settings.lang) as update:
        transcript = transcribe_file(file, settings, language=language,
                                     vocabulary=parse_vocabulary(vocabulary),
                                     progress=lambda done: update("transcribing", done))
    body = render_transcript(transcript, fmt, rules)
    if out is None:
        typer.echo(body, nl=False)
        return
    try:
        write_text(out, body)
    except OSError as exc:
        raise write_error(exc, out.parent) from None
