"""``PlatformSpec``: one platform surface's delivery rules, validated from a data file.

Every group of values names the source it comes from (a key of ``sources``) and may carry a
``note`` that says which value was chosen when sources disagree, and why.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A public document a value was taken from."""

    title: str
    url: str
    confidence: Literal["primary", "secondary", "disputed", "unverified"]


class _Sourced(_Strict):
    source: str = Field(description="key into the spec's `sources`")
    note: str | None = Field(default=None, description="why this value, when sources disagree")


class Canvas(_Sourced):
    width: int = Field(gt=0, le=8192)
    height: int = Field(gt=0, le=8192)
    aspect: str = Field(pattern=r"^\d+:\d+$", description="display aspect, e.g. 9:16")

    @model_validator(mode="after")
    def _even_and_consistent(self) -> Canvas:
        if self.width % 2 or self.height % 2:
            raise ValueError("canvas sides must be even for 4:2:0 video")
        a, b = (int(x) for x in self.aspect.split(":"))
        if Fraction(self.width, self.height) != Fraction(a, b):
            raise ValueError(f"canvas {self.width}x{self.height} is not {self.aspect}")
        return self


class FrameRates(_Sourced):
    min: float = Field(gt=0)
    max: float = Field(gt=0)
    default: int = Field(gt=0, description="rate used when the source's rate is not allowed")


class Duration(_Sourced):
    min_seconds: float = Field(ge=0)
    max_seconds: float = Field(gt=0)
    recommended_max_seconds: float | None = Field(
        default=None, description="longer is allowed but reaches fewer people: a QC warning"
    )


class FileRules(_Sourced):
    container: Literal["mp4"] = "mp4"
    max_bytes: int = Field(gt=0)


class VideoRules(_Sourced):
    codec: Literal["h264"] = "h264"
    profile: Literal["high", "main", "baseline"] = "high"
    pix_fmt: Literal["yuv420p"] = "yuv420p"
    gop_seconds: float = Field(gt=0, le=10, description="closed GOP length")
    target_kbps: int = Field(gt=0, description="typical video bitrate at this canvas")
    max_kbps: int = Field(gt=0, description="ceiling for the video bitrate")


class AudioRules(_Sourced):
    codec: Literal["aac"] = "aac"
    sample_rate: int = 48000
    channels: int = Field(default=2, ge=1, le=2)
    bitrate_kbps: int = Field(default=192, gt=0)


class Loudness(_Sourced):
    integrated_lufs: float = -14.0
    true_peak_dbtp: float = -1.0
    lra_lu: float = 11.0
    tolerance_lu: float = Field(default=1.0, gt=0, description="QC accepts target ± this")


class SafeZone(_Sourced):
    """Margins, in canvas pixels, where platform UI covers the picture."""

    top: int = Field(ge=0)
    bottom: int = Field(ge=0)
    left: int = Field(ge=0)
    right: int = Field(ge=0)


class CaptionRules(_Sourced):
    chars_per_line: int = Field(gt=4, le=80)
    max_lines: int = Field(ge=1, le=3)
    max_cps: float = Field(gt=0, description="reading speed, characters per second")
    sidecar: Literal["srt", "vtt", "none"] = "srt"


class Cover(_Sourced):
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    format: Literal["jpeg", "png"] = "jpeg"
    max_bytes: int = Field(gt=0)


class PlatformSpec(_Strict):
    """Delivery rules for one platform surface."""

    version: Literal[1] = 1
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: str
    surface: str = Field(description="which product surface and upload path the rules describe")
    canvas: Canvas
    frame_rate: FrameRates
    duration: Duration
    file: FileRules
    video: VideoRules
    audio: AudioRules
    loudness: Loudness
    safe_zone: SafeZone
    captions: CaptionRules
    cover: Cover
    sources: dict[str, Source]

    @model_validator(mode="after")
    def _sources_exist(self) -> PlatformSpec:
        groups: list[_Sourced] = [self.canvas, self.frame_rate, self.duration, self.file,
                                  self.video, self.audio, self.loudness, self.safe_zone,
                                  self.captions, self.cover]
        for group in groups:
            if group.source not in self.sources:
                raise ValueError(f"{type(group).__name__} names unknown source {group.source!r}")
        z = self.safe_zone
        if z.left + z.right >= self.canvas.width or z.top + z.bottom >= self.canvas.height:
            raise ValueError("safe zone leaves no room on the canvas")
        if self.duration.min_seconds >= self.duration.max_seconds:
            raise ValueError("duration min must be below max")
        if self.frame_rate.min > self.frame_rate.max:
            raise ValueError("frame rate min must not exceed max")
        return self

    @property
    def is_vertical(self) -> bool:
        return self.canvas.height > self.canvas.width
