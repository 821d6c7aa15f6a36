"""``cut(...)``: one source span to every platform asked for, in one render, checked.

Order: validate everything that can be validated without work (platforms, source, span,
durations, captions, output folder), measure loudness once, render all variants in one ffmpeg
pass, check each against its spec, then move the finished files into place and write the
report, covers, contact sheet, sidecars and timelines. What a cut returns and writes about
itself (``CutResult``, ``report.json``, ``report.txt``) is ``render/result.py``'s.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from coulisses import output
from coulisses.analysis.model import Analysis, Transcript
from coulisses.analysis.transcript import load_transcript
from coulisses.media.ffmpeg import Runner, SubprocessRunner
from coulisses.media.fingerprint import source_fingerprint
from coulisses.media.probe import Probe, probe
from coulisses.platforms.registry import Registry
from coulisses.platforms.spec import PlatformSpec
from coulisses.render import captions as cap
from coulisses.render import encoders, enrich, graph, loudness, pictures, qc, timeline
from coulisses.render.enrich import CaptionSource, ReframeSource
from coulisses.render.manifest import CACHE_DIR, Manifest, variant_key
from coulisses.render.plan import (
    CutOptions,
    Loudness,
    RenderPlan,
    Variant,
    build_plan,
    with_captions,
    with_loudness,
    with_stem,
)
from coulisses.render.result import CutResult, VariantResult, report_json, summary_text
from coulisses.settings import Settings, load_settings

# (stage, done fraction 0..1) for progress bars
ProgressFn = Callable[[str, float], None]


@dataclass
class _Cut:
    """What one cut works with, gathered once by ``_prepare`` and refined stage by stage: the
    probed source, the output folder and its manifest, and the one plan."""

    info: Probe
    by_id: dict[str, PlatformSpec]
    folder: Path
    store: Manifest
    fingerprint: str
    stem: str
    plan: RenderPlan
    cues: list[cap.Cue]
    notes: dict[str, list[str]]
    run: Runner
    formats: list[timeline.TimelineFormat]
    progress: ProgressFn
    timings: dict[str, float] = field(default_factory=dict)
    scripts: dict[str, str] = field(default_factory=dict)
    sidecars: dict[str, list[cap.Cue]] = field(default_factory=dict)

    def note(self, platform: str, *lines: str) -> None:
        self.notes[platform].extend(lines)

    def note_all(self, line: str) -> None:
        for v in self.plan.variants:
            self.notes[v.platform].append(line)


def cut(source: str | Path, platforms: Sequence[str], out_dir: Path, *,
        options: CutOptions | None = None, captions: CaptionSource = None,
        transcript: Path | None = None, reframe: ReframeSource = None,
        caption_style: str | None = None,
        timeline_formats: list[timeline.TimelineFormat] | None = None,
        registry: Registry | None = None, runner: Runner | None = None,
        settings: Settings | None = None, progress: ProgressFn | None = None) -> CutResult:
    """Cut ``source`` to each platform; variants already finished in ``out_dir`` are kept.

    ``platforms``: platform ids. ``captions``: an SRT/VTT file, or ``"auto"`` for word-by-word
    captions from speech (from ``transcript`` when a corrected transcript file is given).
    ``reframe``: ``"auto"`` for crops that follow the subject, or a crop-path JSON file a
    person edited. The surfaces parse what users type; ``coulisses.cut`` takes the loose forms.
    One plan is built, then refined: its stem, its loudness, its crops, its captions.

    Raises:
        InputError (and leaves): bad source, span, platform, crop or captions.
        UsageError: ``nvenc`` asked for where h264_nvenc does not work.
        OutputError (and leaves): the folder cannot be written, or the disk filled up.
        FFmpegError: the render failed.
    """
    opts = options or CutOptions()
    clock = time.perf_counter()
    corrected = load_transcript(transcript) if transcript is not None else None
    job = _prepare(source, (registry or Registry.load()).select(platforms), out_dir, opts,
                   captions, reframe, list(timeline_formats or []), runner or SubprocessRunner(),
                   progress or (lambda stage, done: None))
    encoders.require_encoder(opts.encoder, job.run)  # before the loudness pass: refuse early
    measured, lkey = _measure_loudness(job)
    job.plan = with_loudness(job.plan, measured)
    analysis = _analyse(job, enrich.analysers_needed(captions, transcript, reframe), settings)
    if reframe == "auto" and analysis is not None:
        job.plan, reasons = enrich.auto_reframe(job.plan, analysis)
        for platform, lines in reasons.items():
            job.note(platform, *lines)
    elif isinstance(reframe, Path):
        job.plan = enrich.file_reframe(job.plan, reframe)
    spoken = corrected or (analysis.transcript if analysis is not None else None)
    if measured is not None:
        _correct_loudness(job, measured, lkey, spoken)
    if captions == "auto":
        words = enrich.span_words(spoken.words if spoken else (), job.plan.start,
                                  job.plan.duration)
        job.scripts, job.sidecars = enrich.word_captions(job.plan, words, job.by_id,
                                                         caption_style,
                                                         analysis.faces if analysis else None)
        if not words:
            job.note_all("captions: no speech found, nothing to caption")
    elif job.cues:
        job.scripts, job.sidecars, warnings = enrich.file_captions(job.plan, job.cues, job.by_id)
        for platform, lines in warnings.items():
            job.note(platform, *lines)
    _span_notes(job)
    job.timings["prepare"] = time.perf_counter() - clock
    return _render_and_publish(job)


def _prepare(source: str | Path, specs: list[PlatformSpec], out_dir: Path, opts: CutOptions,
             captions: CaptionSource, reframe: ReframeSource,
             formats: list[timeline.TimelineFormat], run: Runner,
             progress: ProgressFn) -> _Cut:
    """Everything checked before any work: the source, the span (the plan), the captions
    file, the output folder, the stem this source owns there and every name it will write."""
    progress("probing", 0.0)
    info = probe(source)
    base_stem = output.safe_stem(info.path.stem)
    plan = build_plan(info, specs, opts, None, base_stem)  # validates span, crop, durations
    cues: list[cap.Cue] = []
    if isinstance(captions, Path):
        cues = cap.clip_to_span(cap.load_cues(captions), plan.start, plan.duration)
    folder = output.prepare(out_dir)
    store = Manifest.load(folder)
    fingerprint = source_fingerprint(info.path)
    # "clip a.mp4" and "clip  a.mov" share a safe stem: another source's outputs are kept.
    # Only plain files count: a link named like an output is refused below, never worked around
    files = [p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink()]
    stem = output.claim_stem(base_stem, fingerprint, store.stem_owners(), files)
    if stem != base_stem:
        plan = with_stem(plan, stem)
    by_id = {s.id: s for s in specs}
    for name in _output_names(plan, by_id, bool(cues) or captions == "auto", formats,
                              reframe == "auto"):
        output.safe_child(folder, name)
    job = _Cut(info=info, by_id=by_id, folder=folder, store=store, fingerprint=fingerprint,
               stem=stem, plan=plan, cues=cues,
               notes={v.platform: [] for v in plan.variants}, run=run, formats=formats,
               progress=progress)
    if stem != base_stem:
        job.note_all(f"named {stem}.*: {base_stem}.* in this folder was made from another "
                     "source and is kept")
    return job


def _measure_loudness(job: _Cut) -> tuple[Loudness | None, str]:
    """The source span's loudness, measured once and kept in the manifest (and its key)."""
    audio = job.info.main_audio
    if audio is None:
        return None, ""
    plan = job.plan
    lkey = Manifest.loudness_key(job.fingerprint, plan.start, plan.duration, audio.index)
    measured = job.store.loudness(lkey)
    if measured is None:
        job.progress("measuring loudness", 0.0)
        measured = loudness.measure(job.run, job.info.path, plan.start, plan.duration,
                                    audio.index)
        job.store.set_loudness(lkey, measured)
    return measured, lkey


def _analyse(job: _Cut, need: Collection[str], settings: Settings | None) -> Analysis | None:
    """The analysis the cut needs (cached by content), or None when it needs none."""
    if not need:
        return None
    from coulisses.analysis.run import analyze, default_analyzers

    sets = settings or load_settings()
    chosen = [a for a in default_analyzers(sets) if a.name in need]
    return analyze(job.info.path, sets, chosen,
                   lambda file, name, done: job.progress(f"analysing {name}", done))


def _correct_loudness(job: _Cut, measured: Loudness, lkey: str,
                      spoken: Transcript | None) -> None:
    """Decide whether the span is noise only, then run the audio-only passes that bring each
    variant's chain to its target; the decision is cached with the measurement."""
    audio = job.info.main_audio
    if audio is None:
        return
    plan = job.plan
    heard = (len(enrich.span_words(spoken.words, plan.start, plan.duration))
             if spoken is not None else None)
    decided = replace(measured, noise_only=loudness.noise_only_reason(measured, heard))
    if not decided.left_quiet and any(decided.makeup_for(v) is None for v in plan.variants):
        job.progress("correcting loudness", 0.0)
    decided = loudness.correct(job.run, job.info.path, plan.start, plan.duration,
                               audio.index, decided, plan.variants)
    if decided != measured:
        job.store.set_loudness(lkey, decided)
    job.plan = with_loudness(plan, decided)
    for v in job.plan.variants:
        job.note(v.platform, *_loudness_notes(decided, v))


def _span_notes(job: _Cut) -> None:
    for v in job.plan.variants:
        if v.hold > 0:
            job.note(v.platform, f"extended by {float(v.hold):.3f} s (last frame held) to "
                                 "reach the platform's minimum")
        if v.duration < job.plan.duration:
            job.note(v.platform, f"trimmed to the first {float(v.duration):.3f} s (--trim)")


def _render_and_publish(job: _Cut) -> CutResult:
    """Keep the variants already finished, render the rest in one pass in a work folder, then
    move everything into place and record it in the manifest."""
    plan, folder, store = job.plan, job.folder, job.store
    keys = {v.platform: variant_key(job.fingerprint, plan, v, job.sidecars.get(v.platform, []),
                                    [*job.formats, job.scripts.get(v.platform, "")])
            for v in plan.variants}
    done: dict[str, VariantResult] = {}
    for v in plan.variants:
        record = store.finished(v.output.name, keys[v.platform])
        if record is not None:
            done[v.platform] = VariantResult.from_json(record, folder)
    todo = replace(plan, variants=tuple(v for v in plan.variants if v.platform not in done))
    work = output.make_work_dir(folder)
    try:
        fresh: dict[str, VariantResult] = {}
        moves: list[tuple[Path, Path]] = []
        if todo.variants:
            rendered, moves = _render(job, todo, work)
            fresh = {r.platform: r for r in rendered}
        results = [done.get(v.platform) or fresh[v.platform] for v in plan.variants]
        where = {final: temp for temp, final in moves}
        moves += _write_reports(plan, job.info, results, folder, work, where, job.timings,
                                sorted(done))
        output.publish_all(moves)
        for r in fresh.values():
            store.record(r.video.name, keys[r.platform], r.to_manifest())
        store.set_stem_owner(job.stem, job.fingerprint)
        store.save()
    except OSError as exc:
        raise output.write_error(exc, folder) from exc
    finally:
        output.remove_work_dir(work)
    job.progress("done", 1.0)
    return CutResult(out_dir=folder, report=folder / "report.json",
                     summary=folder / "report.txt", contact_sheet=folder / "contact-sheet.png",
                     variants=tuple(results), plan=plan, seconds=job.timings,
                     resumed=tuple(sorted(done)))


def _output_names(plan: RenderPlan, by_id: dict[str, PlatformSpec], captions: bool,
                  formats: list[timeline.TimelineFormat], crop_paths: bool) -> list[str]:
    """Every file name a cut may write, checked before any work starts."""
    names = ["report.json", "report.txt", "contact-sheet.png"]
    for v in plan.variants:
        stem = v.output.stem
        cover = ".jpg" if by_id[v.platform].cover.format == "jpeg" else ".png"
        names += [str(v.output), stem + cover, f"{CACHE_DIR}/{stem}.strip.png"]
        if captions:
            names += [stem + ".srt", stem + ".vtt"]
        names += [stem + timeline.SUFFIX[f] for f in formats]
        if crop_paths:
            names.append(stem + ".crop.json")
    return names


def _render(job: _Cut, plan: RenderPlan,
            work: Path) -> tuple[list[VariantResult], list[tuple[Path, Path]]]:
    """Render the plan's variants in one pass and check them; everything is written in the
    work folder and returned with the (temporary, final) moves that publish it."""
    by_id, info, run, folder = job.by_id, job.info, job.run, job.folder
    scripts, sidecars, notes, timings = job.scripts, job.sidecars, job.notes, job.timings
    report_progress, timeline_formats = job.progress, job.formats
    if scripts:
        fonts = cap.font_dir()
        if fonts is not None:
            (work / "fonts").mkdir()
            shutil.copy(fonts / "DejaVuSans-Bold.ttf", work / "fonts" / "DejaVuSans-Bold.ttf")
        names = {}
        for i, v in enumerate(plan.variants):
            if v.platform in scripts:
                name = f"v{i}.ass"
                (work / name).write_text(scripts[v.platform], encoding="utf-8")
                names[v.platform] = name
        plan = with_captions(plan, names)

    temps = [work / f"v{i}.mp4" for i in range(len(plan.variants))]
    clock = time.perf_counter()
    total = float(max(v.duration for v in plan.variants)) or 1.0
    report_progress("rendering", 0.0)
    run.run(graph.to_command(plan, temps, work),
            lambda t: report_progress("rendering", min(1.0, float(t) / total)))
    timings["render"] = time.perf_counter() - clock

    clock = time.perf_counter()
    silent = plan.loudness is None or plan.loudness.is_silent
    noise = plan.loudness.noise_only if plan.loudness is not None else ""
    results: list[VariantResult] = []
    moves: list[tuple[Path, Path]] = []
    for i, (v, temp) in enumerate(zip(plan.variants, temps, strict=True)):
        report_progress("checking", i / len(plan.variants))
        spec = by_id[v.platform]
        stem = v.output.stem
        check = qc.check_file(temp, spec, run, expected_duration=v.duration,
                              draft=plan.preset == "draft", silent_source=silent,
                              noise_source=noise)
        cover_tmp = work / f"v{i}.cover.{'jpg' if spec.cover.format == 'jpeg' else 'png'}"
        run.run(pictures.cover_command(temp, cover_tmp, spec, v.duration))
        strip_tmp = work / f"v{i}.strip.png"
        run.run(pictures.strip_command(temp, strip_tmp, v.duration))
        final = output.safe_child(folder, str(v.output))
        cover = output.safe_child(folder, f"{stem}{cover_tmp.suffix}")
        strip = output.safe_child(folder, f"{CACHE_DIR}/{stem}.strip.png")
        moves += [(temp, final), (cover_tmp, cover), (strip_tmp, strip)]
        sidecar = None
        if sidecars.get(v.platform):
            for suffix, text in ((".srt", cap.to_srt(sidecars[v.platform])),
                                 (".vtt", cap.to_vtt(sidecars[v.platform]))):
                tmp = work / f"v{i}{suffix}"
                tmp.write_text(text, encoding="utf-8")
                target = output.safe_child(folder, stem + suffix)
                moves.append((tmp, target))
                if suffix == "." + spec.captions.sidecar:
                    sidecar = target
        if len(v.crop.keyframes) > 1 or any(n.startswith("reframe:") for n in notes[v.platform]):
            from coulisses.render.croppath import save_crop_path

            tmp = work / f"v{i}.crop.json"
            save_crop_path(v.crop, tmp, source_size=(plan.normalise.display_width,
                                                     plan.normalise.display_height))
            moves.append((tmp, output.safe_child(folder, stem + ".crop.json")))
        written: list[Path] = []
        for fmt in timeline_formats:
            tl = timeline.build_timeline(plan, v, sidecars.get(v.platform, []), info.duration,
                                         audio=plan.audio_stream is not None)
            tmp = work / f"v{i}{timeline.SUFFIX[fmt]}"
            timeline.write_timeline(tl, tmp, fmt)
            target = output.safe_child(folder, f"{stem}{timeline.SUFFIX[fmt]}")
            moves.append((tmp, target))
            written.append(target)
        detail = (f"{v.width}x{v.height}  {float(v.frame_rate):.3g} fps  "
                  f"{float(v.duration):.2f} s  {check.measured.get('lufs', 'n/a')} LUFS")
        results.append(VariantResult(platform=v.platform, video=final, cover=cover,
                                     qc=_relocate(check, final), sidecar=sidecar,
                                     timelines=tuple(written), notes=tuple(notes[v.platform]),
                                     strip=strip, label=spec.name, detail=detail))
    timings["check"] = time.perf_counter() - clock
    return results, moves


def _write_reports(plan: RenderPlan, info: Probe, results: list[VariantResult], folder: Path,
                   work: Path, where: dict[Path, Path], timings: dict[str, float],
                   resumed: list[str]) -> list[tuple[Path, Path]]:
    """Contact sheet and reports over every variant (fresh ones are still in ``work``)."""
    rows = [pictures.SheetRow(r.label, r.detail, r.qc.passed, where.get(r.strip, r.strip))
            for r in results if r.strip is not None]
    sheet_tmp = work / "contact-sheet.png"
    pictures.contact_sheet(rows, sheet_tmp, f"{info.path.name}: {len(rows)} variants "
                                            f"({plan.preset})")
    report_tmp = work / "report.json"
    report = report_json(plan, info, results, folder / "contact-sheet.png", timings, resumed)
    report_tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                          encoding="utf-8")
    summary_tmp = work / "report.txt"
    summary_tmp.write_text(summary_text(results) + "\n", encoding="utf-8")
    return [(sheet_tmp, folder / "contact-sheet.png"), (report_tmp, folder / "report.json"),
            (summary_tmp, folder / "report.txt")]


def _loudness_notes(m: Loudness, v: Variant) -> list[str]:
    """What the loudness passes decided for one variant, for the report (a noise-only source
    is said once per variant by QC's warning)."""
    found = m.makeup_for(v)
    return [loudness.makeup_note(m, found)] if found is not None else []


def _relocate(result: qc.QCResult, final: Path) -> qc.QCResult:
    return replace(result, path=str(final))
