"""Word-by-word captions: timed words grouped into platform-sized cues, burned as ASS karaoke
(each word lights up as it is spoken) or written as SRT/VTT cues from the same grouping.

Times are seconds from the start of the cut; ``shift_words`` moves a file's words there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from coulisses.analysis.model import Word
from coulisses.errors import UsageError
from coulisses.platforms.spec import CaptionRules, PlatformSpec
from coulisses.render.captions import (
    CaptionStyle,
    Cue,
    _ass_color,
    _ass_escape,
    _ass_time,
    ass_header,
    balanced_lines,
    font_size,
)

PAUSE_SECONDS = 0.6  # a silence this long ends a caption
MAX_CUE_SECONDS = 7.0  # a slow speaker's caption is split rather than left up longer
LINGER_SECONDS = 1.0  # a caption may stay up this long after its last word, to be read
FACE_COVER = 0.1  # a caption hiding more of a face than this moves out of its way
FACE_MARGIN_S = 0.2  # faces seen this close to a caption's display count (5 samples a second)
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？")
_CLAUSE_END = (",", ";", ":", "，", "、")
_CLOSERS = "\"'”’»)]}\u00a0 "
#: rules for sidecars made without a platform (42 x 2 at 17 characters/s, broadcast practice)
DEFAULT_RULES = CaptionRules(source="default", chars_per_line=42, max_lines=2, max_cps=17)


@dataclass(frozen=True)
class WordStyle(CaptionStyle):
    """A ``CaptionStyle`` with karaoke colours: ``text_rgb`` for words not yet spoken,
    ``highlight_rgb`` for the word being spoken and those before it."""

    highlight_rgb: tuple[int, int, int] = (255, 229, 0)
    box: bool = False  # text on a translucent box (ASS BorderStyle 3) instead of an outline
    box_alpha: int = 0x60  # 0 opaque .. 255 transparent


STYLES: dict[str, WordStyle] = {
    "clean": WordStyle(text_rgb=(170, 170, 170), highlight_rgb=(255, 255, 255)),
    "pop": WordStyle(outline_ratio=0.1),
    "box": WordStyle(outline_ratio=0.25, box=True, outline_rgb=(0, 0, 0)),
}
DEFAULT_STYLE = "pop"


def word_style(name: str) -> WordStyle:
    """A named caption template.

    Raises:
        UsageError: an unknown name.
    """
    try:
        return STYLES[name.strip().lower()]
    except KeyError:
        raise UsageError(f"caption style {name!r} is unknown",
                         hint=f"choose one of {', '.join(sorted(STYLES))}") from None


def shift_words(words: Sequence[Word], start: float, duration: float) -> list[Word]:
    """Words overlapping ``[start, start + duration)``, clipped and shifted so it starts at 0."""
    end = start + duration
    return [Word(w.text, round(max(w.start, start) - start, 3),
                 round(min(w.end, end) - start, 3), w.confidence)
            for w in words if w.end > start and w.start < end]


def group_words(words: Sequence[Word], rules: CaptionRules) -> list[list[Word]]:
    """Words shared among cues that each fit ``rules`` (characters per line, lines).

    A cue ends at a sentence end and before a pause over ``PAUSE_SECONDS``; between those,
    words are shared among the fewest cues that fit, as evenly as possible, preferring breaks
    after commas, and no cue spans more than ``MAX_CUE_SECONDS`` (unless it is one word).
    """
    groups: list[list[Word]] = []
    for run in _runs(words):
        groups.extend(_split_run(run, rules))
    return groups


def _runs(words: Sequence[Word]) -> list[list[Word]]:
    runs: list[list[Word]] = []
    for w in words:
        if not runs or _ends_sentence(runs[-1][-1]) or w.start - runs[-1][-1].end > PAUSE_SECONDS:
            runs.append([])
        runs[-1].append(w)
    return runs


def _ends_sentence(w: Word) -> bool:
    return w.text.rstrip(_CLOSERS).endswith(_SENTENCE_END)


def _fits(words: Sequence[Word], rules: CaptionRules) -> bool:
    if len(words) > 1 and words[-1].end - words[0].start > MAX_CUE_SECONDS:
        return False
    return len(words) == 1 or _lines(words, rules) is not None


def _lines(words: Sequence[Word], rules: CaptionRules) -> list[str] | None:
    return balanced_lines([w.text for w in words], rules.chars_per_line, rules.max_lines)


def _split_run(run: list[Word], rules: CaptionRules) -> list[list[Word]]:
    """The fewest fitting groups; among those the most even, with breaks after commas."""
    n = len(run)
    # best[i] = (groups, cost, previous cut) for run[:i]
    best: list[tuple[int, float, int] | None] = [None] * (n + 1)
    best[0] = (0, 0.0, 0)
    for i in range(1, n + 1):
        for j in range(i - 1, -1, -1):
            if not _fits(run[j:i], rules):
                break  # adding words in front never makes a group fit again
            prev = best[j]
            if prev is None:
                continue
            length = len(" ".join(w.text for w in run[j:i]))
            cost = prev[1] + length ** 2
            if i < n and not run[i - 1].text.rstrip(_CLOSERS).endswith(_CLAUSE_END):
                cost += (rules.chars_per_line / 2) ** 2
            candidate = (prev[0] + 1, cost, j)
            current = best[i]
            if current is None or candidate[:2] < current[:2]:
                best[i] = candidate
    groups: list[list[Word]] = []
    i = n
    while i > 0:
        entry = best[i]
        assert entry is not None  # a one-word group always fits
        groups.append(run[entry[2]:i])
        i = entry[2]
    return groups[::-1]


def display_spans(groups: Sequence[Sequence[Word]], rules: CaptionRules | None = None
                  ) -> list[tuple[Fraction, Fraction]]:
    """When each group shows: from its first word until its last word ends, held longer (up to
    ``LINGER_SECONDS``, never past the next group) when ``rules.max_cps`` needs more time to
    read it. Times are whole centiseconds, as ASS stores them."""
    spans: list[tuple[Fraction, Fraction]] = []
    for k, group in enumerate(groups):
        start = _cs(group[0].start)
        end = max(_cs(group[-1].end), start + Fraction(1, 100))
        if rules is not None:
            chars = len(" ".join(w.text for w in group))
            wanted = start + _cs(chars / rules.max_cps)
            end = max(end, min(wanted, _cs(group[-1].end + LINGER_SECONDS)))
        if k + 1 < len(groups):
            end = max(min(end, _cs(groups[k + 1][0].start)), start + Fraction(1, 100))
        spans.append((start, end))
    return spans


def _cs(seconds: float) -> Fraction:
    return Fraction(round(seconds * 100), 100)


def words_to_cues(groups: Sequence[Sequence[Word]], rules: CaptionRules | None = None
                  ) -> list[Cue]:
    """One cue per group, lines broken to ``rules`` (one line without them): SRT/VTT sidecars
    that match the burned word-by-word captions."""
    cues = []
    for group, (start, end) in zip(groups, display_spans(groups, rules), strict=True):
        lines = _lines(group, rules) if rules is not None else None
        cues.append(Cue(start, end, "\n".join(lines or [" ".join(w.text for w in group)])))
    return cues


def karaoke_events(groups: Sequence[Sequence[Word]], rules: CaptionRules,
                   tops: Sequence[bool] = (), top_margin: int = 0) -> list[str]:
    """The ``Dialogue`` lines: each word's ``\\k`` lasts from its start to the next word's
    start (gaps folded in), rounded on absolute centiseconds so the sum equals the span.
    Events marked in ``tops`` sit at the top of the safe zone, ``top_margin`` pixels down."""
    events = []
    spans = display_spans(groups, rules)
    for n, (group, (start, end)) in enumerate(zip(groups, spans, strict=True)):
        top = n < len(tops) and tops[n]
        lines = _lines(group, rules) or [" ".join(w.text for w in group)]
        breaks = _line_breaks(group, lines)
        marks = [int(start * 100)]
        marks += [min(max(round(w.start * 100), marks[0]), int(end * 100)) for w in group[1:]]
        marks.append(int(end * 100))
        for i in range(1, len(marks)):  # keep boundaries in order after clamping and rounding
            marks[i] = max(marks[i], marks[i - 1])
        parts = []
        for i, w in enumerate(group):
            sep = "" if i == len(group) - 1 else ("\\N" if i + 1 in breaks else " ")
            parts.append(f"{{\\k{marks[i + 1] - marks[i]}}}{_ass_escape(w.text)}{sep}")
        where = f"{top_margin},,{{\\an8}}" if top else "0,,"
        events.append(f"Dialogue: 0,{_ass_time(start)},{_ass_time(end)},Word,,0,0,{where}"
                      + "".join(parts))
    return events


def _line_breaks(group: Sequence[Word], lines: list[str]) -> set[int]:
    """Indices of the words that start a new line (a word's text may hold spaces)."""
    out: set[int] = set()
    index = 0
    for line in lines[:-1]:
        taken: list[str] = []
        while index < len(group) and len(" ".join(taken)) < len(line):
            taken.append(group[index].text)
            index += 1
        out.add(index)
    return out


def karaoke_ass(words: Sequence[Word], spec: PlatformSpec, width: int, height: int,
                style: WordStyle | str | None = None,
                faces: Sequence[FaceBox] = ()) -> str:
    """An ASS script at the output size: captions bottom-centred in the platform's safe zone,
    each word changing from ``text_rgb`` to ``highlight_rgb`` as it is spoken. A caption
    that would cover one of ``faces`` (boxes on the output canvas) moves to the top of the
    safe zone when the face is clear of it there.

    Raises:
        UsageError: an unknown style name.
    """
    st = word_style(style) if isinstance(style, str) else style or STYLES[DEFAULT_STYLE]
    groups = group_words(words, spec.captions)
    scale = Fraction(width, spec.canvas.width)
    z = spec.safe_zone
    size = font_size(spec, width, height)
    outline = max(1, round(size * st.outline_ratio))
    margin_v = round((z.bottom + height * Fraction(1, 100) / scale) * scale)
    top_margin = round((z.top + height * Fraction(1, 100) / scale) * scale)
    tops: list[bool] = []
    if faces:
        spans = display_spans(groups, spec.captions)
        blocks = [_blocks(_lines(g, spec.captions) or [" ".join(w.text for w in g)], size,
                          outline, width, height, margin_v, top_margin) for g in groups]
        tops = [place_caption((float(a), float(b)), faces, *block) == "top"
                for (a, b), block in zip(spans, blocks, strict=True)]
    outline_color = _ass_color(st.outline_rgb, st.box_alpha if st.box else 0)
    header = ass_header(width, height, (
        f"Style: Word,{st.font},{size},{_ass_color(st.highlight_rgb)},{_ass_color(st.text_rgb)},"
        f"{outline_color},{_ass_color(st.outline_rgb, 0x80)},"
        f"{-1 if st.bold else 0},0,0,0,100,100,0,0,{3 if st.box else 1},{outline},0,2,"
        f"{round(z.left * scale)},{round(z.right * scale)},{margin_v},1"))
    events = karaoke_events(groups, spec.captions, tops, top_margin)
    return header + "\n" + "\n".join(events) + "\n"


@dataclass(frozen=True)
class FaceBox:
    """A face on the output canvas at ``t`` seconds from the start of the cut (pixels)."""

    t: float
    x: float
    y: float
    w: float
    h: float


Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 on the output canvas


def _blocks(lines: Sequence[str], size: int, outline: int, width: int, height: int,
            margin_v: int, top_margin: int) -> tuple[Rect, Rect]:
    """Where a caption of ``lines`` sits at the bottom and at the top of the safe zone
    (centred; glyphs are about 0.62 of the font size wide, lines 1.25 of it high)."""
    text_w = max(len(line) for line in lines) * size * 0.62 + 2 * outline
    text_h = len(lines) * size * 1.25 + 2 * outline
    x0, x1 = (width - text_w) / 2, (width + text_w) / 2
    bottom = (x0, height - margin_v - text_h, x1, float(height - margin_v))
    top = (x0, float(top_margin), x1, top_margin + text_h)
    return bottom, top


def _covered(faces: Sequence[FaceBox], block: Rect) -> float:
    """How much of a face ``block`` hides, the worst over ``faces``: the share of the face's
    height under the block, counted in full once the block spans half the face's width."""
    worst = 0.0
    for f in faces:
        w = min(f.x + f.w, block[2]) - max(f.x, block[0])
        h = min(f.y + f.h, block[3]) - max(f.y, block[1])
        if w > 0 and h > 0 and f.w > 0 and f.h > 0:
            worst = max(worst, h / f.h * min(1.0, w / (0.5 * f.w)))
    return worst


def place_caption(span: tuple[float, float], faces: Sequence[FaceBox], bottom: Rect,
                  top: Rect) -> Literal["bottom", "top"]:
    """``bottom`` unless a face seen while the caption shows (give or take ``FACE_MARGIN_S``)
    would be more than ``FACE_COVER`` hidden by it there (see ``_covered``), and less hidden
    at the top of the safe zone."""
    seen = [f for f in faces if span[0] - FACE_MARGIN_S <= f.t <= span[1] + FACE_MARGIN_S]
    at_bottom = _covered(seen, bottom)
    if at_bottom <= FACE_COVER:
        return "bottom"
    return "top" if _covered(seen, top) < at_bottom else "bottom"
