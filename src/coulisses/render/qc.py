"""The QC gate: probe a rendered file again and check it against its platform's spec.

Every rule gives a ``Check`` with what was expected and what was measured, so the report says
why a file fails, not only that it does. Loudness and true peak are measured on the file itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from coulisses.media.ffmpeg import Runner
from coulisses.media.probe import AudioStream, Probe, VideoStream, probe
from coulisses.platforms.spec import PlatformSpec
from coulisses.render import loudness

SILENT_LUFS = -60.0


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    expected: str
    actual: str


@dataclass(frozen=True)
class QCResult:
    platform: str
    path: str
    passed: bool
    checks: tuple[Check, ...]
    warnings: tuple[str, ...] = ()
    measured: dict[str, Any] = field(default_factory=dict)

    @property
    def reasons(self) -> list[str]:
        """One line per failed check."""
        return [f"{c.name}: expected {c.expected}, got {c.actual}"
                for c in self.checks if not c.passed]

    def reasons_in(self, lang: str) -> list[str]:
        """The failed checks in ``lang`` (``reasons`` word for word in English)."""
        from coulisses.i18n import text, word

        return [text(lang, "qc_reason", name=word(lang, "qc", c.name),
                     expected=word(lang, "qcv", c.expected), actual=word(lang, "qcv", c.actual))
                for c in self.checks if not c.passed]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["reasons"] = self.reasons
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QCResult:
        return cls(platform=data["platform"], path=data["path"], passed=bool(data["passed"]),
                   checks=tuple(Check(**c) for c in data["checks"]),
                   warnings=tuple(data.get("warnings", [])),
                   measured=dict(data.get("measured", {})))


def moov_before_mdat(path: Path) -> bool:
    """True when the MP4 index comes before the media data (``+faststart``)."""
    with path.open("rb") as fh:
        offset = 0
        size_total = path.stat().st_size
        while offset + 8 <= size_total:
            fh.seek(offset)
            header = fh.read(16)
            size = int.from_bytes(header[:4], "big")
            kind = header[4:8]
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            if size == 1:
                size = int.from_bytes(header[8:16], "big")
            if size < 8:
                return False
            offset += size
    return False


def start_check(video: VideoStream, audio: AudioStream, *,
                at_zero: bool) -> tuple[bool, str, str]:
    """``(passed, expected, measured)``: audio starts within one video frame of the video, and
    both within one frame of 0 when ``at_zero`` (MP4). Our outputs (no edit lists, negative
    CTS offsets) measure exactly 0 for both streams at every preset; an offset shows as
    lip-sync drift or a frozen first frame. An unset start time counts as 0.
    """
    frame = 1 / video.frame_rate
    v0, a0 = video.start_time or Fraction(0), audio.start_time or Fraction(0)
    ok = abs(a0 - v0) <= frame and (not at_zero or (abs(v0) <= frame and abs(a0) <= frame))
    expected = (f"audio within 1 frame ({float(frame) * 1000:.1f} ms) of video"
                + (", both at 0 s" if at_zero else ""))
    lag = a0 - v0
    actual = (f"video {float(v0):.3f} s, audio {float(a0):.3f} s (audio "
              f"{abs(float(lag)):.3f} s {'late' if lag >= 0 else 'early'})")
    return ok, expected, actual


def check_file(path: Path, spec: PlatformSpec, runner: Runner, *,
               expected_duration: Fraction | None = None, draft: bool = False,
               silent_source: bool = False, noise_source: str = "",
               info: Probe | None = None) -> QCResult:
    """Check one file against one platform.

    ``draft`` expects half the canvas (review copies). ``silent_source`` accepts silent audio.
    ``noise_source`` (why the source is noise or room tone only) accepts a quiet output: it
    was left as it is rather than boosted into hiss.

    Raises:
        MediaError: the file cannot be probed.
        FFmpegError: the loudness measurement failed.
    """
    p = info or probe(path)
    checks: list[Check] = []
    warnings: list[str] = []

    def add(name: str, ok: bool, expected: object, actual: object) -> None:
        checks.append(Check(name, bool(ok), str(expected), str(actual)))

    add("container", "mp4" in p.container.split(","), "mp4", p.container)
    is_mp4 = "mp4" in p.container.split(",")
    add("fast start", is_mp4 and moov_before_mdat(path), "index (moov) before media data",
        "yes" if is_mp4 and moov_before_mdat(path) else "no")
    v = p.video
    add("video stream", v is not None, "one video stream", "present" if v else "none")
    measured: dict[str, Any] = {"size_bytes": p.size_bytes, "duration": float(p.duration)}
    if v is not None:
        scale = 2 if draft else 1
        want_w, want_h = spec.canvas.width // scale, spec.canvas.height // scale
        want_w, want_h = want_w - want_w % 2, want_h - want_h % 2
        add("canvas", (v.display_width, v.display_height) == (want_w, want_h),
            f"{want_w}x{want_h}" + (" (draft: half size)" if draft else ""),
            f"{v.display_width}x{v.display_height}")
        add("square pixels", v.sample_aspect in (0, 1), "1:1", str(v.sample_aspect))
        add("codec", v.codec == spec.video.codec, spec.video.codec, v.codec)
        profile = (v.profile or "").lower()
        add("profile", profile == spec.video.profile, spec.video.profile, profile or "unknown")
        add("pixel format", v.pix_fmt == spec.video.pix_fmt, spec.video.pix_fmt, v.pix_fmt)
        add("constant frame rate", not v.is_vfr, "constant", "variable" if v.is_vfr else
            "constant")
        rate = float(v.frame_rate)
        add("frame rate", spec.frame_rate.min - 0.01 <= rate <= spec.frame_rate.max + 0.01,
            f"{spec.frame_rate.min:g}-{spec.frame_rate.max:g} fps", f"{rate:.3f} fps")
        add("colour", v.color_trc in ("bt709", "unknown") and v.transfer == "sdr",
            "SDR BT.709", f"{v.transfer.upper()} {v.color_trc}")
        if v.color_trc == "unknown":
            warnings.append("colour transfer is untagged; players will assume BT.709")
        measured.update(width=v.display_width, height=v.display_height, fps=rate)
    d = float(p.duration)
    add("duration", spec.duration.min_seconds - 0.001 <= d <= spec.duration.max_seconds + 0.05,
        f"{spec.duration.min_seconds:g}-{spec.duration.max_seconds:g} s", f"{d:.3f} s")
    if expected_duration is not None:
        slack = 0.1 + (1 / float(v.frame_rate) if v else 0.0)
        add("duration as planned", abs(d - float(expected_duration)) <= slack,
            f"{float(expected_duration):.3f} s", f"{d:.3f} s")
    if spec.duration.recommended_max_seconds and d > spec.duration.recommended_max_seconds:
        warnings.append(f"{d:.0f} s is longer than the {spec.duration.recommended_max_seconds:g}"
                        f" s that works best on {spec.name}")
    add("file size", p.size_bytes <= spec.file.max_bytes, f"<= {spec.file.max_bytes:,} bytes",
        f"{p.size_bytes:,} bytes")
    kbps = p.size_bytes * 8 / 1000 / d if d > 0 else 0
    ceiling = (spec.video.max_kbps + spec.audio.bitrate_kbps) * 1.10
    add("bitrate", kbps <= ceiling, f"<= {ceiling:.0f} kb/s", f"{kbps:.0f} kb/s")
    measured["kbps"] = round(kbps)
    a = p.main_audio
    add("audio stream", a is not None, "one AAC stream", "present" if a else "none")
    if a is not None:
        add("audio codec", a.codec == spec.audio.codec, spec.audio.codec, a.codec)
        add("sample rate", a.sample_rate == spec.audio.sample_rate,
            f"{spec.audio.sample_rate} Hz", f"{a.sample_rate} Hz")
        add("audio channels", a.channels == spec.audio.channels, spec.audio.channels,
            a.channels)
        if v is not None:
            add("streams start together", *start_check(v, a, at_zero=is_mp4))
        lv = loudness.verify(runner, path)
        measured.update(lufs=lv.integrated_lufs, true_peak=lv.true_peak_dbtp, lra=lv.lra_lu)
        target = spec.loudness
        if noise_source and SILENT_LUFS < lv.integrated_lufs <= loudness.NOISE_MAX_LUFS:
            warnings.append(f"the source is noise or room tone only ({noise_source}): left "
                            f"quiet at {lv.integrated_lufs:g} LUFS, not boosted")
            add("loudness", True,
                f"{target.integrated_lufs:g} ± {target.tolerance_lu:g} LUFS, or left quiet "
                "when the source is noise only",
                f"left quiet: {lv.integrated_lufs:g} LUFS (noise or room tone only)")
            add("true peak", lv.true_peak_dbtp <= target.true_peak_dbtp + 0.05,
                f"<= {target.true_peak_dbtp:g} dBTP", f"{lv.true_peak_dbtp:g} dBTP")
        elif lv.integrated_lufs <= SILENT_LUFS:
            quiet_source = silent_source or bool(noise_source)
            (warnings if quiet_source else []).append("the audio is silent")
            add("loudness", quiet_source, f"{target.integrated_lufs:g} LUFS",
                f"silent ({lv.integrated_lufs:g} LUFS)" + (", as the source" if quiet_source
                                                           else ""))
        else:
            add("loudness",
                abs(lv.integrated_lufs - target.integrated_lufs) <= target.tolerance_lu,
                f"{target.integrated_lufs:g} ± {target.tolerance_lu:g} LUFS",
                f"{lv.integrated_lufs:g} LUFS")
            add("true peak", lv.true_peak_dbtp <= target.true_peak_dbtp + 0.05,
                f"<= {target.true_peak_dbtp:g} dBTP", f"{lv.true_peak_dbtp:g} dBTP")
    return QCResult(platform=spec.id, path=str(path), passed=all(c.passed for c in checks),
                    checks=tuple(checks), warnings=tuple(warnings), measured=measured)


def summary(results: list[QCResult], lang: str = "en") -> str:
    """A readable summary of several results, the reasons in ``lang``."""
    from coulisses.i18n import text

    lines = []
    for r in results:
        mark = text(lang, "pass" if r.passed else "fail")
        lines.append(f"{mark:<4}  {r.platform:<20} {Path(r.path).name}")
        lines.extend(f"      x {reason}" for reason in r.reasons_in(lang))
        lines.extend(f"      ! {w}" for w in r.warnings)
    return "\n".join(lines)
