"""What a cut returns and writes about itself: ``VariantResult`` and ``CutResult``, and their one
serialiser (``VariantResult.to_json``), shared by ``report.json``, the manifest and the studio's
render job; ``report.txt`` from the same results."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from coulisses import __version__
from coulisses.media.probe import Probe
from coulisses.render import qc
from coulisses.render.plan import RenderPlan


@dataclass(frozen=True)
class VariantResult:
    platform: str
    video: Path
    cover: Path
    qc: qc.QCResult
    sidecar: Path | None = None
    timelines: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()
    strip: Path | None = None  # frames for the contact sheet (in the hidden cache folder)
    label: str = ""
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        """The variant with paths relative to the output folder: what ``report.json`` lists
        and the studio's render job returns."""
        return {
            "platform": self.platform, "video": self.video.name, "cover": self.cover.name,
            "sidecar": self.sidecar.name if self.sidecar else None,
            "timelines": [t.name for t in self.timelines], "notes": list(self.notes),
            "qc": self.qc.to_json() | {"path": self.video.name},
        }

    def to_manifest(self) -> dict[str, Any]:
        """``to_json`` with what a resumed cut needs besides (strip, label, detail), for the
        manifest; ``from_json`` reads it back."""
        data = self.to_json()
        qc_json = data.pop("qc")
        return data | {
            "strip": str(self.strip.relative_to(self.video.parent)) if self.strip else None,
            "label": self.label, "detail": self.detail, "qc": qc_json}

    @classmethod
    def from_json(cls, data: dict[str, Any], folder: Path) -> VariantResult:
        return cls(platform=data["platform"], video=folder / data["video"],
                   cover=folder / data["cover"],
                   qc=qc.QCResult.from_json(data["qc"] | {"path": str(folder / data["video"])}),
                   sidecar=folder / data["sidecar"] if data.get("sidecar") else None,
                   timelines=tuple(folder / t for t in data.get("timelines", [])),
                   notes=tuple(data.get("notes", [])),
                   strip=folder / data["strip"] if data.get("strip") else None,
                   label=data.get("label", ""), detail=data.get("detail", ""))


@dataclass(frozen=True)
class CutResult:
    out_dir: Path
    report: Path
    summary: Path
    contact_sheet: Path
    variants: tuple[VariantResult, ...]
    plan: RenderPlan
    seconds: dict[str, float] = field(default_factory=dict)
    resumed: tuple[str, ...] = ()  # platforms kept from an earlier run

    @property
    def passed(self) -> bool:
        return all(v.qc.passed for v in self.variants)


def summary_text(results: list[VariantResult]) -> str:
    """``report.txt``: the QC summary, then each variant's notes."""
    text = qc.summary([r.qc for r in results])
    extra = [f"      - {r.platform}: {n}" for r in results for n in r.notes]
    return text + ("\nnotes:\n" + "\n".join(extra) if extra else "")


def report_json(plan: RenderPlan, info: Probe, results: list[VariantResult], sheet: Path,
            timings: dict[str, float], resumed: list[str]) -> dict[str, Any]:
    """``report.json``: the source, the span, the plan's choices and every variant."""

    def frac(x: Fraction) -> str:
        return f"{x.numerator}/{x.denominator}"

    return {
        "coulisses": __version__,
        "source": info.to_json(),
        "span": {"start": float(plan.start), "duration": float(plan.duration),
                 "start_exact": frac(plan.start), "duration_exact": frac(plan.duration)},
        "preset": plan.preset,
        "encoder": plan.variants[0].video.encoder if plan.variants else "x264",
        "normalised": {"rotation": plan.normalise.rotation, "tonemap": plan.normalise.tonemap,
                       "square_pixels": plan.normalise.fix_sar,
                       "constant_frame_rate": True},
        "loudness_source": None if plan.loudness is None else {
            "integrated_lufs": plan.loudness.input_i, "true_peak_dbtp": plan.loudness.input_tp,
            "lra_lu": plan.loudness.input_lra,
            "momentary_spread_lu": plan.loudness.momentary_spread_lu,
            "noise_only": plan.loudness.noise_only or None,
            "makeup": [asdict(m) for m in plan.loudness.makeup]},
        "passed": all(r.qc.passed for r in results),
        "variants": [r.to_json() for r in results],
        "contact_sheet": sheet.name,
        "resumed": resumed,
        "seconds": {k: round(v, 3) for k, v in timings.items()},
    }
