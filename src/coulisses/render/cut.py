"""``cut(...)``: one source span to every platform asked for, in one render, checked.

Order: validate everything that can be validated without work (platforms, source, span,
durations, captions, output folder), measure loudness once, render all variants in one ffmpeg
pass, check each against its spec, then move the finished files into place and write the
report, covers, contact sheet, sidecars and timelines.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from coulisses import __version__
from coulisses.media.ffmpeg import Runner, SubprocessRunner
from coulisses.media.probe import Probe, probe
from coulisses.platforms.registry import Registry
from coulisses.platforms.spec import PlatformSpec
from coulisses.render import captions as cap
from coulisses.render import graph, loudness, output, pictures, qc, timeline
from coulisses.render.plan import CutOptions, Loudness, RenderPlan, build_plan, with_captions

# (stage, done fraction 0..1) for progress bars
ProgressFn = Callable[[str, float], None]


@dataclass(frozen=True)
class VariantResult:
    platform: str
    video: Path
    cover: Path
    qc: qc.QCResult
    sidecar: Path | None = None
    timelines: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CutResult:
    out_dir: Path
    report: Path
    summary: Path
    contact_sheet: Path
    variants: tuple[VariantResult, ...]
    plan: RenderPlan
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(v.qc.passed for v in self.variants)


def cut(source: str | Path, platforms: str | list[str], out_dir: Path, *,
        options: CutOptions | None = None, captions: Path | None = None,
        timeline_formats: list[timeline.TimelineFormat] | None = None,
        registry: Registry | None = None, runner: Runner | None = None,
        progress: ProgressFn | None = None) -> CutResult:
    """Cut ``source`` to each platform.

    Raises:
        InputError (and leaves): bad source, span, platform, crop or captions.
        OutputError (and leaves): the folder cannot be written, or the disk filled up.
        FFmpegError: the render failed.
    """
    opts = options or CutOptions()
    reg = registry or Registry.load()
    run = runner or SubprocessRunner()
    report_progress = progress or (lambda stage, done: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    specs = reg.select(platforms)
    info = probe(source)
    stem = output.safe_stem(info.path.stem)
    draft_plan = build_plan(info, specs, opts, None, stem)  # validates span, crop, durations
    cues = cap.load_cues(captions) if captions is not None else []
    cues = cap.clip_to_span(cues, draft_plan.start, draft_plan.duration)
    folder = output.prepare(out_dir)
    for v in draft_plan.variants:
        output.safe_child(folder, str(v.output))

    measured: Loudness | None = None
    if info.main_audio is not None:
        report_progress("measuring loudness", 0.0)
        measured = loudness.measure(run, info.path, draft_plan.start, draft_plan.duration,
                                    info.main_audio.index)
    plan = build_plan(info, specs, opts, measured, stem)
    timings["prepare"] = time.perf_counter() - clock

    work = output.make_work_dir(folder)
    try:
        return _render_and_publish(plan, specs, info, cues, folder, work, run,
                                   timeline_formats or [], report_progress, timings)
    finally:
        output.remove_work_dir(work)


def _render_and_publish(plan: RenderPlan, specs: list[PlatformSpec], info: Probe,
                        cues: list[cap.Cue], folder: Path, work: Path, run: Runner,
                        timeline_formats: list[timeline.TimelineFormat],
                        report_progress: ProgressFn, timings: dict[str, float]) -> CutResult:
    by_id = {s.id: s for s in specs}
    fitted: dict[str, list[cap.Cue]] = {}
    notes: dict[str, list[str]] = {v.platform: [] for v in plan.variants}
    if cues:
        fonts = cap.font_dir()
        if fonts is not None:
            (work / "fonts").mkdir()
            shutil.copy(fonts / "DejaVuSans-Bold.ttf", work / "fonts" / "DejaVuSans-Bold.ttf")
        names = {}
        for i, v in enumerate(plan.variants):
            spec = by_id[v.platform]
            fitted[v.platform], warnings = cap.fit_cues(cues, spec)
            notes[v.platform].extend(warnings)
            name = f"v{i}.ass"
            (work / name).write_text(cap.to_ass(fitted[v.platform], spec, v.width, v.height),
                                     encoding="utf-8")
            names[v.platform] = name
        plan = with_captions(plan, names)
    for v in plan.variants:
        if v.hold > 0:
            notes[v.platform].append(f"extended by {float(v.hold):.3f} s (last frame held) to "
                                     f"reach the platform's minimum")
        if v.duration < plan.duration:
            notes[v.platform].append(f"trimmed to the first {float(v.duration):.3f} s "
                                     f"(--trim)")

    temps = [work / f"v{i}.mp4" for i in range(len(plan.variants))]
    clock = time.perf_counter()
    total = float(max(v.duration for v in plan.variants)) or 1.0
    report_progress("rendering", 0.0)
    run.run(graph.to_command(plan, temps, work),
            lambda t: report_progress("rendering", min(1.0, float(t) / total)))
    timings["render"] = time.perf_counter() - clock

    clock = time.perf_counter()
    silent = plan.loudness is None or plan.loudness.is_silent
    results: list[VariantResult] = []
    rows: list[pictures.SheetRow] = []
    for i, (v, temp) in enumerate(zip(plan.variants, temps, strict=True)):
        report_progress("checking", i / len(plan.variants))
        spec = by_id[v.platform]
        check = qc.check_file(temp, spec, run, expected_duration=v.duration,
                              draft=plan.preset == "draft", silent_source=silent)
        cover_tmp = work / f"v{i}.cover.{'jpg' if spec.cover.format == 'jpeg' else 'png'}"
        run.run(pictures.cover_command(temp, cover_tmp, spec, v.duration))
        strip = work / f"v{i}.strip.png"
        run.run(pictures.strip_command(temp, strip, v.duration))
        final = output.safe_child(folder, str(v.output))
        cover = output.safe_child(folder, f"{v.output.stem}{cover_tmp.suffix}")
        check = _relocate(check, final)
        output.publish(cover_tmp, cover)
        output.publish(temp, final)
        sidecar = None
        if fitted.get(v.platform):
            srt = output.write_text_atomic(output.safe_child(folder, f"{v.output.stem}.srt"),
                                           cap.to_srt(fitted[v.platform]))
            vtt = output.write_text_atomic(output.safe_child(folder, f"{v.output.stem}.vtt"),
                                           cap.to_vtt(fitted[v.platform]))
            sidecar = vtt if spec.captions.sidecar == "vtt" else srt
        written: list[Path] = []
        for fmt in timeline_formats:
            tl = timeline.build_timeline(plan, v, fitted.get(v.platform, []), info.duration,
                                         audio=plan.audio_stream is not None)
            target = output.safe_child(folder, f"{v.output.stem}{timeline.SUFFIX[fmt]}")
            tmp = work / f"v{i}{timeline.SUFFIX[fmt]}"
            timeline.write_timeline(tl, tmp, fmt)
            written.append(output.publish(tmp, target))
        results.append(VariantResult(platform=v.platform, video=final, cover=cover, qc=check,
                                     sidecar=sidecar, timelines=tuple(written),
                                     notes=tuple(notes[v.platform])))
        detail = (f"{v.width}x{v.height}  {float(v.frame_rate):.3g} fps  "
                  f"{float(v.duration):.2f} s  {check.measured.get('lufs', 'n/a')} LUFS")
        rows.append(pictures.SheetRow(spec.name, detail, check.passed, strip))
    sheet_tmp = work / "contact-sheet.png"
    pictures.contact_sheet(rows, sheet_tmp, f"{info.path.name}: {len(rows)} variants "
                                            f"({plan.preset})")
    sheet = output.publish(sheet_tmp, folder / "contact-sheet.png")
    timings["check"] = time.perf_counter() - clock
    report = output.write_text_atomic(folder / "report.json", json.dumps(
        _report(plan, info, results, sheet, timings), indent=2, ensure_ascii=False) + "\n")
    summary = output.write_text_atomic(folder / "report.txt", _summary_text(results) + "\n")
    report_progress("done", 1.0)
    return CutResult(out_dir=folder, report=report, summary=summary, contact_sheet=sheet,
                     variants=tuple(results), plan=plan, seconds=timings)


def _relocate(result: qc.QCResult, final: Path) -> qc.QCResult:
    from dataclasses import replace

    return replace(result, path=str(final))


def _summary_text(results: list[VariantResult]) -> str:
    text = qc.summary([r.qc for r in results])
    extra = [f"      - {n}" for r in results for n in r.notes]
    return text + ("\nnotes:\n" + "\n".join(extra) if extra else "")


def _report(plan: RenderPlan, info: Probe, results: list[VariantResult], sheet: Path,
            timings: dict[str, float]) -> dict[str, Any]:
    def frac(x: Fraction) -> str:
        return f"{x.numerator}/{x.denominator}"

    return {
        "coulisses": __version__,
        "source": info.to_json(),
        "span": {"start": float(plan.start), "duration": float(plan.duration),
                 "start_exact": frac(plan.start), "duration_exact": frac(plan.duration)},
        "preset": plan.preset,
        "normalised": {"rotation": plan.normalise.rotation, "tonemap": plan.normalise.tonemap,
                       "square_pixels": plan.normalise.fix_sar,
                       "constant_frame_rate": True},
        "loudness_source": None if plan.loudness is None else {
            "integrated_lufs": plan.loudness.input_i, "true_peak_dbtp": plan.loudness.input_tp,
            "lra_lu": plan.loudness.input_lra},
        "passed": all(r.qc.passed for r in results),
        "variants": [{
            "platform": r.platform, "video": r.video.name, "cover": r.cover.name,
            "sidecar": r.sidecar.name if r.sidecar else None,
            "timelines": [t.name for t in r.timelines], "notes": list(r.notes),
            "qc": r.qc.to_json() | {"path": r.video.name},
        } for r in results],
        "contact_sheet": sheet.name,
        "seconds": {k: round(v, 3) for k, v in timings.items()},
    }
