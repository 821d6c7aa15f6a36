"""Editors' handoff: a cut as an OpenTimelineIO timeline, written as .otio, EDL or FCP 7 XML.

One timeline per variant: the source span on V1 and A1, the variant's canvas and crop path in
metadata (and in FCP 7 XML's sequence format), captions as markers.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from coulisses.errors import UsageError
from coulisses.render.captions import Cue
from coulisses.render.plan import RenderPlan, Variant

TimelineFormat = Literal["otio", "edl", "fcp7xml"]
SUFFIX: dict[str, str] = {"otio": ".otio", "edl": ".edl", "fcp7xml": ".xml"}
ADAPTER: dict[str, str] = {"otio": "otio_json", "edl": "cmx_3600", "fcp7xml": "fcp_xml"}


def parse_formats(text: str | None) -> list[TimelineFormat]:
    """Read ``otio,edl,fcp7xml``.

    Raises:
        UsageError: an unknown format.
    """
    if not text:
        return []
    out: list[TimelineFormat] = []
    for raw in text.split(","):
        name = raw.strip().lower()
        if name not in SUFFIX:
            raise UsageError(f"unknown timeline format {name!r}",
                             hint="choose from otio, edl, fcp7xml")
        if name not in out:
            out.append(name)  # type: ignore[arg-type]
    return out


def build_timeline(plan: RenderPlan, variant: Variant, cues: list[Cue],
                   source_duration: Fraction, *, audio: bool = True) -> Any:
    """The OTIO timeline of one variant."""
    import opentimelineio as otio

    rate = float(variant.frame_rate)

    def rt(seconds: Fraction) -> Any:
        # half frames round up, as ffmpeg's -t does (round() would round halves to even)
        return otio.opentime.RationalTime(math.floor(seconds * variant.frame_rate
                                                     + Fraction(1, 2)), rate)

    tl = otio.schema.Timeline(name=f"{plan.source.stem} {variant.platform}")
    tl.global_start_time = otio.opentime.RationalTime(0, rate)
    available = otio.opentime.TimeRange(rt(Fraction(0)), rt(source_duration))
    span = otio.opentime.TimeRange(rt(plan.start), rt(min(variant.duration, plan.duration)))
    ref = otio.schema.ExternalReference(target_url=plan.source.as_uri(),
                                        available_range=available)
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    clip = otio.schema.Clip(name=plan.source.name, media_reference=ref, source_range=span)
    clip.metadata["coulisses"] = {
        "platform": variant.platform, "canvas": [variant.width, variant.height],
        "fit": variant.fit,
        "crop": {"width": variant.crop.width, "height": variant.crop.height,
                 "keyframes": [{"t": str(k.t), "x": k.x, "y": k.y}
                               for k in variant.crop.keyframes]},
    }
    for i, cue in enumerate(cues, 1):
        marker = otio.schema.Marker(
            name=f"caption {i}",
            marked_range=otio.opentime.TimeRange(rt(plan.start + cue.start),
                                                 rt(cue.end - cue.start)),
            color=otio.schema.MarkerColor.YELLOW)
        marker.metadata["fcp_xml"] = {"comment": cue.text.replace("\n", " ")}
        marker.metadata["coulisses"] = {"text": cue.text}
        clip.markers.append(marker)
    video.append(clip)
    tl.tracks.append(video)
    if audio:
        track = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
        track.append(otio.schema.Clip(name=plan.source.name, media_reference=ref.deepcopy(),
                                      source_range=span))
        tl.tracks.append(track)
    tl.metadata["coulisses"] = {"platform": variant.platform}
    tl.metadata["fcp_xml"] = {"media": {"video": {"format": {"samplecharacteristics": {
        "width": str(variant.width), "height": str(variant.height),
        "pixelaspectratio": "square"}}}}}
    return tl


def write_timeline(timeline: Any, target: Path, fmt: TimelineFormat) -> None:
    """Write a timeline (EDL keeps only the video track, as CMX 3600 allows one)."""
    import opentimelineio as otio

    if fmt == "edl":
        timeline = timeline.deepcopy()
        for track in list(timeline.tracks):
            if track.kind != otio.schema.TrackKind.Video:
                timeline.tracks.remove(track)
    otio.adapters.write_to_file(timeline, str(target), adapter_name=ADAPTER[fmt])


def read_timeline(path: Path, rate: float | None = None) -> Any:
    """Read a timeline back through OpenTimelineIO.

    Raises:
        UsageError: an EDL without its frame ``rate`` (CMX 3600 does not record it).
    """
    import opentimelineio as otio

    suffix = path.suffix.lower()
    adapter = {".otio": "otio_json", ".edl": "cmx_3600", ".xml": "fcp_xml"}.get(suffix)
    if adapter == "cmx_3600":
        if rate is None:
            raise UsageError(f"{path.name}: an EDL does not record its frame rate",
                             hint="give the rate it was written at")
        return otio.adapters.read_from_file(str(path), adapter_name=adapter, rate=rate)
    return otio.adapters.read_from_file(str(path), adapter_name=adapter)
