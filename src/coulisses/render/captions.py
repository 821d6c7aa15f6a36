"""Captions: read SRT/VTT, fit them to a platform's line rules, write ASS to burn and sidecars.

Cues are timed in exact seconds from the start of the cut. Text is re-broken to the platform's
characters per line and lines per cue; a cue that holds more is split, its time shared by length.
Burned captions sit inside the platform's safe zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from coulisses.errors import CaptionError
from coulisses.media.inputs import read_text_file
from coulisses.platforms.spec import PlatformSpec

MAX_CAPTION_BYTES = 5 * 1024 * 1024
_TAGS = re.compile(r"<[^>]+>|\{[^}]*\}")


@dataclass(frozen=True)
class Cue:
    start: Fraction
    end: Fraction
    text: str  # lines joined by "\n"


@dataclass(frozen=True)
class CaptionStyle:
    """How burned captions look; sizes are relative to the canvas width."""

    font: str = "DejaVu Sans"
    bold: bool = True
    text_rgb: tuple[int, int, int] = (255, 255, 255)
    outline_rgb: tuple[int, int, int] = (0, 0, 0)
    outline_ratio: float = 0.08  # outline thickness as a share of the font size


def load_cues(path: Path) -> list[Cue]:
    """Read an SRT or WebVTT file.

    Raises:
        CaptionError: missing, too large, unreadable, or holding no cue.
    """
    import pysubs2

    raw = read_text_file(path, "caption file", MAX_CAPTION_BYTES, error=CaptionError)
    fmt = "vtt" if path.suffix.lower() == ".vtt" or raw.lstrip().startswith("WEBVTT") else "srt"
    try:
        subs = pysubs2.SSAFile.from_string(raw, format_=fmt)
    except Exception as exc:  # pysubs2 raises many kinds of errors on bad input
        raise CaptionError(f"{path.name}: not a readable {fmt.upper()} file ({exc})",
                           path=path) from None
    cues = []
    for event in subs:
        text = _TAGS.sub("", event.plaintext).strip()
        if text and event.end > event.start >= 0:
            cues.append(Cue(Fraction(event.start, 1000), Fraction(event.end, 1000), text))
    if not cues:
        raise CaptionError(f"{path.name}: holds no caption cue", path=path)
    return sorted(cues, key=lambda c: c.start)


def clip_to_span(cues: list[Cue], start: Fraction, duration: Fraction) -> list[Cue]:
    """Cues overlapping ``[start, start + duration)``, shifted so the span starts at 0."""
    end = start + duration
    out = []
    for c in cues:
        if c.end <= start or c.start >= end:
            continue
        out.append(Cue(max(c.start, start) - start, min(c.end, end) - start, c.text))
    return out


def balanced_lines(words: list[str], width: int, lines: int) -> list[str] | None:
    """Break ``words`` into at most ``lines`` lines of at most ``width`` characters, as even
    in length as possible; None when they do not fit."""
    if lines == 1 or len(" ".join(words)) <= width:
        text = " ".join(words)
        return [text] if len(text) <= width else None
    best: list[str] | None = None
    best_score = -1
    for i in range(1, len(words)):
        head = " ".join(words[:i])
        if len(head) > width:
            break
        rest = balanced_lines(words[i:], width, lines - 1)
        if rest is None:
            continue
        candidate = [head, *rest]
        score = min(len(x) for x in candidate)  # the shortest line as long as possible
        if score > best_score:
            best, best_score = candidate, score
    return best


def split_words(words: list[str], width: int, lines: int) -> list[list[str]]:
    """Share words among the fewest cues that each fit ``lines`` x ``width``, evenly."""
    pieces: list[str] = []
    for word in words:  # a word longer than a line is split, marked with a hyphen
        while len(word) > width:
            pieces.append(word[: width - 1] + "-")
            word = word[width - 1:]
        pieces.append(word)
    total = len(" ".join(pieces))
    count = max(1, -(-total // (width * lines)))
    while True:
        target = total / count
        groups: list[list[str]] = [[]]
        length = 0
        for word in pieces:
            if groups[-1] and length + len(word) / 2 > target * len(groups) \
                    and len(groups) < count:
                groups.append([])
            groups[-1].append(word)
            length += len(word) + 1
        if all(balanced_lines(g, width, lines) is not None for g in groups):
            return groups
        count += 1


def fit_cues(cues: list[Cue], spec: PlatformSpec) -> tuple[list[Cue], list[str]]:
    """Re-break cues to the platform's line rules; return them with reading-speed warnings."""
    rules = spec.captions
    out: list[Cue] = []
    warnings: list[str] = []
    for c in cues:
        groups = split_words(c.text.split(), rules.chars_per_line, rules.max_lines)
        total = sum(len(" ".join(g)) for g in groups) or 1
        t = c.start
        for i, g in enumerate(groups):
            share = Fraction(len(" ".join(g)), total)
            end = c.end if i == len(groups) - 1 else t + (c.end - c.start) * share
            lines = balanced_lines(g, rules.chars_per_line, rules.max_lines) or [" ".join(g)]
            out.append(Cue(t, end, "\n".join(lines)))
            t = end
    for c in out:
        seconds = float(c.end - c.start)
        cps = len(c.text.replace("\n", " ")) / seconds if seconds > 0 else float("inf")
        if cps > rules.max_cps:
            warnings.append(f"{spec.id}: caption at {float(c.start):.2f} s reads at {cps:.0f} "
                            f"characters/s (limit {rules.max_cps:g})")
    return out, warnings


def _ass_color(rgb: tuple[int, int, int], alpha: int = 0) -> str:
    r, g, b = rgb
    return f"&H{alpha:02X}{b:02X}{g:02X}{r:02X}"


def _ass_time(t: Fraction) -> str:
    cs = round(t * 100)
    h, rest = divmod(cs, 360000)
    m, rest = divmod(rest, 6000)
    s, cs = divmod(rest, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


def font_size(spec: PlatformSpec, width: int, height: int) -> int:
    """A size at which a full caption line fits the safe width."""
    scale = Fraction(width, spec.canvas.width)
    safe_w = (spec.canvas.width - spec.safe_zone.left - spec.safe_zone.right) * scale
    by_width = safe_w / (spec.captions.chars_per_line * Fraction(62, 100))
    return max(10, int(min(by_width, Fraction(height, 18))))


def to_ass(cues: list[Cue], spec: PlatformSpec, width: int, height: int,
           style: CaptionStyle | None = None) -> str:
    """An ASS script at the output's resolution, text bottom-centred in the safe zone."""
    st = style or CaptionStyle()
    scale = Fraction(width, spec.canvas.width)
    z = spec.safe_zone
    size = font_size(spec, width, height)
    outline = max(1, round(size * st.outline_ratio))
    margin_v = round((z.bottom + height * Fraction(1, 100) / scale) * scale)
    header = ass_header(width, height, (
        f"Style: Caption,{st.font},{size},{_ass_color(st.text_rgb)},{_ass_color(st.text_rgb)},"
        f"{_ass_color(st.outline_rgb)},{_ass_color(st.outline_rgb, 0x80)},"
        f"{-1 if st.bold else 0},0,0,0,100,100,0,0,1,{outline},0,2,"
        f"{round(z.left * scale)},{round(z.right * scale)},{margin_v},1"))
    events = [
        f"Dialogue: 0,{_ass_time(c.start)},{_ass_time(c.end)},Caption,,0,0,0,,"
        + _ass_escape(c.text).replace("\n", "\\N")
        for c in cues
    ]
    return header + "\n" + "\n".join(events) + "\n"


def _ass_escape(text: str) -> str:
    return text.replace("\\", "\u29f5").replace("{", "(").replace("}", ")")


def _clock(t: Fraction, sep: str) -> str:
    ms = round(t * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_srt(cues: list[Cue]) -> str:
    blocks = [f"{i}\n{_clock(c.start, ',')} --> {_clock(c.end, ',')}\n{c.text}\n"
              for i, c in enumerate(cues, 1)]
    return "\n".join(blocks)


def to_vtt(cues: list[Cue]) -> str:
    blocks = [f"{_clock(c.start, '.')} --> {_clock(c.end, '.')}\n{c.text}\n" for c in cues]
    return "WEBVTT\n\n" + "\n".join(blocks)


def ass_header(width: int, height: int, style: str) -> str:
    """An ASS script's header at the output's resolution, with one ``Style:`` line, up to the
    events' ``Format:`` line (the captions and the word-by-word captions share it)."""
    return "\n".join([
        "[Script Info]", "ScriptType: v4.00+", f"PlayResX: {width}", f"PlayResY: {height}",
        "WrapStyle: 2", "ScaledBorderAndShadow: yes", "YCbCr Matrix: TV.709", "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
        "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
        "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        style,
        "", "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ])


def font_dir() -> Path | None:
    """A folder holding DejaVu Sans Bold: matplotlib's copy, so captions render the same
    everywhere, or None to let fontconfig find system fonts."""
    try:
        import matplotlib

        folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    except ImportError:
        return None
    return folder if (folder / "DejaVuSans-Bold.ttf").exists() else None
