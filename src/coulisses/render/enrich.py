"""What analysis brings to a cut: word-by-word captions from speech, and crops that follow the
subject. Both are decided per variant before the single render pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from coulisses.analysis.model import Analysis, FaceTrack, Word
from coulisses.errors import UsageError
from coulisses.platforms.spec import PlatformSpec
from coulisses.render import captions as cap
from coulisses.render.plan import CropKeyframe, CropPath, RenderPlan, Variant

if TYPE_CHECKING:
    from coulisses.render.wordcaptions import FaceBox

CaptionSource = Path | Literal["auto"] | None
ReframeSource = Path | Literal["auto"] | None


def analysers_needed(captions: CaptionSource, transcript: Path | None,
                     reframe: ReframeSource) -> list[str]:
    """The analysers a cut needs to run (their ``Analysis`` field names)."""
    need: list[str] = []
    if captions == "auto" and transcript is None:
        need.append("transcript")
    if reframe == "auto":
        need += ["shots", "faces"]
    return need


def span_words(words: tuple[Word, ...], start: Fraction, duration: Fraction) -> list[Word]:
    """Words of the span, timed from its start."""
    from coulisses.render.wordcaptions import shift_words

    return shift_words(words, float(start), float(duration))


def word_captions(plan: RenderPlan, words: list[Word], by_id: dict[str, PlatformSpec],
                  style: str | None, faces: Sequence[FaceTrack] | None = None
                  ) -> tuple[dict[str, str], dict[str, list[cap.Cue]]]:
    """Per platform: the ASS script that highlights each word as it is spoken, and the cues
    for SRT/VTT sidecars, both from the same grouping of words. With ``faces`` (the face
    tracks of the source), a caption that would cover a face moves to the top of the safe
    zone."""
    from coulisses.render.wordcaptions import group_words, karaoke_ass, words_to_cues

    scripts: dict[str, str] = {}
    sidecars: dict[str, list[cap.Cue]] = {}
    for v in plan.variants:
        spec = by_id[v.platform]
        mine = [w for w in words if w.start < float(v.duration)]
        if not mine:
            continue
        scripts[v.platform] = karaoke_ass(mine, spec, v.width, v.height, style,
                                          faces_on_canvas(faces or (), plan, v))
        sidecars[v.platform] = words_to_cues(group_words(mine, spec.captions), spec.captions)
    return scripts, sidecars


def faces_on_canvas(tracks: Sequence[FaceTrack], plan: RenderPlan, v: Variant
                    ) -> list[FaceBox]:
    """The face boxes of the cut's span where they land on ``v``'s canvas: through its crop
    window (``fill``) or its fitted picture (``pad``, ``blur``), timed from the cut's start."""
    from coulisses.render.wordcaptions import FaceBox

    n = plan.normalise
    t0, end = float(plan.start), float(min(v.duration, plan.duration))
    fit_scale = min(v.width / n.display_width, v.height / n.display_height)
    out: list[FaceBox] = []
    for track in tracks:
        for b in track.boxes:
            t = b.t - t0
            if not 0 <= t <= end:
                continue
            if v.fit == "fill":
                cx, cy = v.crop.position_at(Fraction(t))
                sx, sy = v.width / v.crop.width, v.height / v.crop.height
                x, y = (b.x - float(cx)) * sx, (b.y - float(cy)) * sy
            else:
                sx = sy = fit_scale
                x = (v.width - n.display_width * sx) / 2 + b.x * sx
                y = (v.height - n.display_height * sy) / 2 + b.y * sy
            out.append(FaceBox(round(t, 3), x, y, b.w * sx, b.h * sy))
    return out


def file_captions(plan: RenderPlan, cues: list[cap.Cue], by_id: dict[str, PlatformSpec]
                  ) -> tuple[dict[str, str], dict[str, list[cap.Cue]], dict[str, list[str]]]:
    """Per platform, cues from a caption file re-broken to its rules, as ASS and sidecars,
    with reading-speed warnings."""
    scripts: dict[str, str] = {}
    sidecars: dict[str, list[cap.Cue]] = {}
    warnings: dict[str, list[str]] = {}
    for v in plan.variants:
        spec = by_id[v.platform]
        fitted, warnings[v.platform] = cap.fit_cues(cues, spec)
        if fitted:
            sidecars[v.platform] = fitted
            scripts[v.platform] = cap.to_ass(fitted, spec, v.width, v.height)
    return scripts, sidecars, warnings


def auto_reframe(plan: RenderPlan, analysis: Analysis) -> tuple[RenderPlan, dict[str, list[str]]]:
    """Each variant's crop follows the subject found by face analysis, shot by shot; where
    two speakers cannot share the frame it cuts between them turn by turn, and where their
    turns are unsure or too fast the variant falls back to a blurred-background fit."""
    from coulisses.render.reframe import reframe

    tracks = analysis.faces or ()
    shots = [(s.start, s.end) for s in analysis.shots or ()]
    n = plan.normalise
    notes: dict[str, list[str]] = {}
    variants: list[Variant] = []
    for v in plan.variants:
        # the source span only: a held last frame keeps the last position
        decision = reframe(tracks, shots, plan.start, min(v.duration, plan.duration),
                           n.display_width,
                           n.display_height, v.width, v.height)
        notes[v.platform] = [f"reframe: {r}" for r in decision.reasons]
        if decision.fit == "blur":
            whole = CropPath(n.display_width, n.display_height,
                             (CropKeyframe(Fraction(0), 0, 0),))
            variants.append(replace(v, fit="blur", crop=whole))
        elif decision.path is not None:
            variants.append(replace(v, crop=decision.path))
        else:
            variants.append(v)
    return replace(plan, variants=tuple(variants)), notes


def file_reframe(plan: RenderPlan, file: Path) -> RenderPlan:
    """The crop path a person edited, for every variant of its shape.

    Raises:
        InputError: an unreadable or invalid file.
        UsageError: no variant has the path's shape.
    """
    from coulisses.render.croppath import load_crop_path

    n = plan.normalise
    path = load_crop_path(file, source_size=(n.display_width, n.display_height))
    aspect = Fraction(path.width, path.height)
    variants = []
    matched = False
    for v in plan.variants:
        if abs(Fraction(v.width, v.height) - aspect) < Fraction(1, 100):
            variants.append(replace(v, crop=path))
            matched = True
        else:
            variants.append(v)
    if not matched:
        raise UsageError(f"{file.name}: its {path.width}x{path.height} window fits none of the "
                         "platforms asked for", hint="cut to a platform of that shape")
    return replace(plan, variants=tuple(variants))
