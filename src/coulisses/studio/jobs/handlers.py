"""The studio's jobs: ``analyze`` a rush and ``render`` a cut version (and ``sleep``, for trying
the queue), run by the worker; ``register_builtin`` in ``registry.py`` registers ``BUILTIN``.

Handlers touch files only: they read the rush, write results under the workspace's folder
(atomically) and return a small summary. ``sync_rush`` and ``sync_version`` copy a finished
job's outcome into the rows: the worker calls them as soon as the job ends (``on_finish``,
in its own session), and pages call them on read in case the server stopped in between. Both
are idempotent, and a version is taken out of ``rendering`` by one conditional update, so a
job's outcome is applied once however many apply it at the same moment.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.output import write_text
from coulisses.settings import Settings
from coulisses.studio.files import analysis_file, relative, resolve, workspace_dir
from coulisses.studio.jobs.registry import FinishHook, Handler, Progress, current
from coulisses.studio.tables import CutVariant, CutVersion, Job, Rush

ANALYSIS_VERSION = 1
# share of a render's progress bar each stage of ``cut`` covers: (from, to)
_STAGES = {"measuring loudness": (0.0, 0.1), "rendering": (0.3, 0.85), "checking": (0.85, 0.98),
           "done": (1.0, 1.0)}


# the analysis job's message (which stage runs), in the studio's languages
_STAGE_TEXT: dict[str, dict[str, str]] = {
    "en": {"running": "Analysing: {stages}", "done": "Analysis done",
           "shots": "shots", "transcript": "speech", "faces": "faces", "audio": "sound",
           "picture": "picture"},
    "fr": {"running": "Analyse : {stages}", "done": "Analyse terminée",
           "shots": "plans", "transcript": "parole", "faces": "visages", "audio": "son",
           "picture": "image"},
}


def stage_message(lang: str, stages: tuple[str, ...]) -> str:
    """``Analysing: shots, faces`` (in ``lang``, English when unknown) for the running
    analysers, ``Analysis done`` when none runs."""
    table = _STAGE_TEXT.get(lang, _STAGE_TEXT["en"])
    if not stages:
        return table["done"]
    return table["running"].format(stages=", ".join(table.get(s, s) for s in stages))


def analyze_rush(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Analyse one rush (``payload``: ``rush_id``, ``path``, optional ``only`` analysers).

    Raises:
        UsageError: an unknown analyser name.
        InputError: the rush cannot be read.
    """
    from coulisses.analysis.moments import find_moments
    from coulisses.analysis.run import analyze, default_analyzers
    from coulisses.errors import UsageError

    job = current()
    settings = job.settings
    source = resolve(settings.data_dir, str(payload["path"]), job.workspace_id)
    analyzers = default_analyzers(settings)
    only = payload.get("only")
    if only:
        unknown = set(only) - {a.name for a in analyzers}
        if unknown:
            raise UsageError(f"unknown analyser {sorted(unknown)[0]!r}")
        analyzers = [a for a in analyzers if a.name in only]

    def update(fraction: float, stages: tuple[str, ...]) -> None:
        progress(fraction, stage_message(settings.lang, stages))

    result = analyze(source, settings, analyzers, overall=update)
    moments = find_moments(result, "bts", limit=8) if result.transcript else []
    target = analysis_file(settings.data_dir, job.workspace_id, int(payload["rush_id"]))
    data = {"version": ANALYSIS_VERSION, "analysis": result.to_json(),
            "moments": [m.__dict__ for m in moments]}
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, json.dumps(data, ensure_ascii=False))
    return {"file": relative(settings.data_dir, target),
            "shots": len(result.shots or ()),
            "words": len(result.transcript.words) if result.transcript else 0,
            "moments": len(moments)}


def render_version(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Render a cut version (``payload``: ``source``, ``out_dir``, ``platforms``, ``start``,
    ``end``, ``preset``, ``captions``, ``reframe``, ``trim``, ``extend``).

    Raises:
        InputError, OutputError, FFmpegError: from ``coulisses.render.cut.cut``.
    """
    from coulisses.render.cut import cut
    from coulisses.render.plan import CutOptions, as_encoder

    job = current()
    settings = job.settings
    source = resolve(settings.data_dir, str(payload["source"]), job.workspace_id)
    out = settings.data_dir / str(payload["out_dir"])
    if workspace_dir(settings.data_dir, job.workspace_id).resolve() not in out.resolve().parents:
        from coulisses.errors import UnsafeOutputError

        raise UnsafeOutputError("render folder is outside the workspace")

    def seconds(key: str) -> Fraction | None:
        value = payload.get(key)
        return None if value is None else Fraction(str(value))

    options = CutOptions(start=seconds("start"), end=seconds("end"),
                         preset=payload.get("preset", "final"),
                         trim=bool(payload.get("trim")), extend=bool(payload.get("extend")),
                         encoder=as_encoder(settings.encoder))

    def update(stage: str, done: float) -> None:
        low, high = _STAGES.get(stage, (0.1, 0.3))  # "analysing ..." stages
        progress(low + (high - low) * done, stage)

    result = cut(source, list(payload["platforms"]), out, options=options,
                 captions="auto" if payload.get("captions") else None,
                 reframe="auto" if payload.get("reframe") else None,
                 settings=settings, progress=update)
    return {"out_dir": relative(settings.data_dir, result.out_dir), "passed": result.passed,
            "variants": [{"platform": v.platform, "label": v.label, "passed": v.qc.passed,
                          "video": relative(settings.data_dir, v.video),
                          "cover": relative(settings.data_dir, v.cover),
                          "qc": v.to_json()["qc"]}  # as report.json has it
                         for v in result.variants]}


def apply_analysis(session: Session, job: Job, settings: Settings) -> None:
    """The worker's hook: the ended ``analyze`` job's outcome goes into its rush."""
    for rush in session.scalars(select(Rush).where(Rush.job_id == job.id)).all():
        sync_rush(session, rush, settings.data_dir)


def apply_render(session: Session, job: Job, settings: Settings) -> None:
    """The worker's hook: the ended ``render`` job's outcome goes into its cut version."""
    for version in session.scalars(select(CutVersion).where(CutVersion.job_id == job.id)).all():
        sync_version(session, version)


def sync_rush(session: Session, rush: Rush, data_dir: Path) -> Rush:
    """Apply a finished ``analyze`` job to the rush row (commits when something changed)."""
    if rush.status != "analysing" or rush.job_id is None:
        return rush
    job = session.get(Job, rush.job_id)
    if job is None or job.status in ("queued", "running"):
        return rush
    if job.status == "done":
        path = analysis_file(data_dir, rush.workspace_id, rush.id)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            rush.status, rush.error = "failed", "the analysis result is missing"
        else:
            analysis = data["analysis"]
            rush.analysis = json.dumps(analysis, ensure_ascii=False)
            rush.moments = json.dumps(data.get("moments", []), ensure_ascii=False)
            rush.transcript_text = " ".join(
                s.get("text", "").strip()
                for s in (analysis.get("transcript") or {}).get("segments", []))
            rush.status, rush.error = "analysed", ""
    else:
        rush.status, rush.error = "failed", job.error or "the analysis failed"
    session.commit()
    return rush


def sync_version(session: Session, version: CutVersion) -> CutVersion:
    """Apply a finished ``render`` job to the version row and its variants (commits)."""
    if version.status not in ("queued", "rendering") or version.job_id is None:
        return version
    job = session.get(Job, version.job_id)
    if job is None:
        return version
    if job.status == "running" and version.status == "queued":
        version.status = "rendering"
    elif job.status == "done":
        if not _take(session, version.id, "done"):  # another request applied it meanwhile
            session.refresh(version)
            return version
        result = json.loads(job.result or "{}")
        version.out_dir = str(result.get("out_dir", ""))
        version.passed = bool(result.get("passed"))
        for v in result.get("variants", []):
            version.variants.append(CutVariant(
                workspace_id=version.workspace_id, platform=v["platform"],
                label=v.get("label", ""), video=v["video"], cover=v.get("cover", ""),
                passed=bool(v.get("passed")), qc=json.dumps(v.get("qc", {}))))
        version.report = str(Path(version.out_dir) / "report.json") if version.out_dir else ""
        version.status = "done"
    elif job.status == "failed":
        version.status, version.error = "failed", job.error or "the render failed"
    else:
        return version
    session.commit()
    return version


def _take(session: Session, version_id: int, status: str) -> bool:
    """Move a version out of queued/rendering once: True for the one request that did."""
    from sqlalchemy import update

    won = session.execute(update(CutVersion).where(
        CutVersion.id == version_id, CutVersion.status.in_(("queued", "rendering")))
        .values(status=status).execution_options(synchronize_session=False))
    return bool(getattr(won, "rowcount", 0) == 1)


# test-only kinds (a job that sleeps) are registered by the tests, never here (audit M4)
def purge_challenge_entry(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """A withdrawn challenge entry's files go (``challenges/purge.py``)."""
    from coulisses.challenges.purge import run_job

    return run_job(payload, progress)


def apply_challenge_purge(session: Session, job: Job, settings: Settings) -> None:
    """The purge's receipt and blanked fields (``challenges/purge.py``)."""
    from coulisses.challenges.purge import apply_job

    apply_job(session, job, settings)


def sync_metrics(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """A workspace's published posts' numbers read into its analytics store
    (``publish/numbers.py``)."""
    from coulisses.publish.numbers import run_job

    return run_job(payload, progress)


BUILTIN: dict[str, Handler] = {"analyze": analyze_rush, "render": render_version,
                               "challenge_purge": purge_challenge_entry,
                               "sync_metrics": sync_metrics}
# an hour of footage analyses in minutes and renders in tens of minutes on one CPU core
BUILTIN_TIME_LIMITS: dict[str, float] = {"analyze": 2 * 3600.0, "render": 2 * 3600.0}
BUILTIN_FINISH: dict[str, FinishHook] = {"analyze": apply_analysis, "render": apply_render,
                                         "challenge_purge": apply_challenge_purge}
