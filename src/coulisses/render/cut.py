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
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from coulisses import output
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
    with_stem,
)
from coulisses.render.result import CutResult, VariantResult, report_json, summary_text
from coulisses.settings import Settings, load_settings

# (stage, done fraction 0..1) for progress bars
ProgressFn = Callable[[str, float], None]


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

    Raises:
        InputError (and leaves): bad source, span, platform, crop or captions.
        UsageError: ``nvenc`` asked for where h264_nvenc does not work.
        OutputError (and leaves): the folder cannot be written, or the disk filled up.
        FFmpegError: the render failed.
    """
    opts = options or CutOptions()
    reg = registry or Registry.load()
    run = runner or SubprocessRunner()
    formats = list(timeline_formats or [])
    report_progress = progress or (lambda stage, done: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    caption_source, reframe_source = captions, reframe

    specs = reg.select(platforms)
    by_id = {s.id: s for s in specs}
    report_progress("probing", 0.0)
    info = probe(source)
    base_stem = output.safe_stem(info.path.stem)
    draft_plan = build_plan(info, specs, opts, None, base_stem)  # validates span, crop, durations
    cues: list[cap.Cue] = []
    if isinstance(caption_source, Path):
        cues = cap.clip_to_span(cap.load_cues(caption_source), draft_plan.start,
                                draft_plan.duration)
    corrected = load_transcript(transcript) if transcript is not None else None
    folder = output.prepare(out_dir)
    store = Manifest.load(folder)
    fingerprint = source_fingerprint(info.path)
    # "clip a.mp4" and "clip  a.mov" share a safe stem: another source's outputs are kept.
    # Only plain files count: a link named like an output is refused below, never worked around
    owners = store.stem_owners()
    files = [p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink()]
    stem = output.claim_stem(base_stem, fingerprint, owners, files)
    if stem != base_stem:
        draft_plan = with_stem(draft_plan, stem)
    has_captions = bool(cues) or caption_source == "auto"
    for name in _output_names(draft_plan, by_id, has_captions, formats,
                              reframe_source == "auto"):
        output.safe_child(folder, name)

    encoders.require_encoder(opts.encoder, run)  # before the loudness pass: refuse early
    measured: Loudness | None = None
    lkey = ""
    if info.main_audio is not None:
        lkey = Manifest.loudness_key(fingerprint, draft_plan.start, draft_plan.duration,
                                     info.main_audio.index)
        measured = store.loudness(lkey)
        if measured is None:
            report_progress("measuring loudness", 0.0)
            measured = loudness.measure(run, info.path, draft_plan.start, draft_plan.duration,
                                        info.main_audio.index)
            store.set_loudness(lkey, measured)
    plan = build_plan(info, specs, opts, measured, stem)

    notes: dict[str, list[str]] = {v.platform: [] for v in plan.variants}
    if stem != base_stem:
        for v in plan.variants:
            notes[v.platform].append(f"named {stem}.*: {base_stem}.* in this folder was made "
                                     "from another source and is kept")
    need = enrich.analysers_needed(caption_source, transcript, reframe_source)
    analysis = None
    if need:
        from coulisses.analysis.run import analyze, default_analyzers

        sets = settings or load_settings()
        chosen = [a for a in default_analyzers(sets) if a.name in need]
        analysis = analyze(info.path, sets, chosen,
                           lambda file, name, done: report_progress(f"analysing {name}", done))
    if reframe_source == "auto" and analysis is not None:
        plan, reasons = enrich.auto_reframe(plan, analysis)
        for platform, lines in reasons.items():
            notes[platform].extend(lines)
    elif isinstance(reframe_source, Path):
        plan = enrich.file_reframe(plan, reframe_source)
    if measured is not None and info.main_audio is not None:
        spoken = corrected or (analysis.transcript if analysis is not None else None)
        heard = (len(enrich.span_words(spoken.words, plan.start, plan.duration))
                 if spoken is not None else None)
        decided = replace(measured, noise_only=loudness.noise_only_reason(measured, heard))
        if not decided.left_quiet and any(decided.makeup_for(v) is None
                                          for v in plan.variants):
            report_progress("correcting loudness", 0.0)
        decided = loudness.correct(run, info.path, plan.start, plan.duration,
                                   info.main_audio.index, decided, plan.variants)
        if decided != measured:
            store.set_loudness(lkey, decided)
        plan = replace(plan, loudness=decided)
        for v in plan.variants:
            notes[v.platform].extend(_loudness_notes(decided, v))
    scripts: dict[str, str] = {}
    sidecars: dict[str, list[cap.Cue]] = {}
    if caption_source == "auto":
        spoken = corrected or (analysis.transcript if analysis is not None else None)
        words = enrich.span_words(spoken.words if spoken else (), plan.start, plan.duration)
        scripts, sidecars = enrich.word_captions(plan, words, by_id, caption_style,
                                                 analysis.faces if analysis else None)
        if not words:
            for v in plan.variants:
                notes[v.platform].append("captions: no speech found, nothing to caption")
    elif cues:
        scripts, sidecars, warnings = enrich.file_captions(plan, cues, by_id)
        for platform, lines in warnings.items():
            notes[platform].extend(lines)
    for v in plan.variants:
        if v.hold > 0:
            notes[v.platform].append(f"extended by {float(v.hold):.3f} s (last frame held) to "
                                     "reach the platform's minimum")
        if v.duration < plan.duration:
            notes[v.platform].append(f"trimmed to the first {float(v.duration):.3f} s (--trim)")
    keys = {v.platform: variant_key(fingerprint, plan, v, sidecars.get(v.platform, []),
                                    [*formats, scripts.get(v.platform, "")])
            for v in plan.variants}
    done: dict[str, VariantResult] = {}
    for v in plan.variants:
        record = store.finished(v.output.name, keys[v.platform])
        if record is not None:
            done[v.platform] = VariantResult.from_json(record, folder)
    todo = replace(plan, variants=tuple(v for v in plan.variants if v.platform not in done))
    timings["prepare"] = time.perf_counter() - clock

    work = output.make_work_dir(folder)
    try:
        fresh: dict[str, VariantResult] = {}
        moves: list[tuple[Path, Path]] = []
        if todo.variants:
            rendered, moves = _render(todo, by_id, info, scripts, sidecars, notes, folder,
                                      work, run, formats, report_progress, timings)
            fresh = {r.platform: r for r in rendered}
        results = [done.get(v.platform) or fresh[v.platform] for v in plan.variants]
        where = {final: temp for temp, final in moves}
        moves += _write_reports(plan, info, results, folder, work, where, timings,
                                sorted(done))
        output.publish_all(moves)
        for r in fresh.values():
            store.record(r.video.name, keys[r.platform], r.to_manifest())
        store.set_stem_owner(stem, fingerprint)
        store.save()
    except OSError as exc:
        raise output.write_error(exc, folder) from exc
    finally:
        output.remove_work_dir(work)
    report_progress("done", 1.0)
    return CutResult(out_dir=folder, report=folder / "report.json",
                     summary=folder / "report.txt", contact_sheet=folder / "contact-sheet.png",
                     variants=tuple(results), plan=plan, seconds=timings,
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


def _render(plan: RenderPlan, by_id: dict[str, PlatformSpec], info: Probe,
            scripts: dict[str, str], sidecars: dict[str, list[cap.Cue]],
            notes: dict[str, list[str]], folder: Path,
            work: Path, run: Runner, timeline_formats: list[timeline.TimelineFormat],
            report_progress: ProgressFn, timings: dict[str, float],
            ) -> tuple[list[VariantResult], list[tuple[Path, Path]]]:
    """Render the plan's variants in one pass and check them; everything is written in the
    work folder and returned with the (temporary, final) moves that publish it."""
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
