"""``coulisses plan cut``: planned deliverables cut from their rushes after the rights gate; one
at a time here, or every one (``all``) as one job each on a process pool or Ray."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coulisses.errors import InputError, UsageError
from coulisses.settings import Settings, load_settings

if TYPE_CHECKING:
    from coulisses.campaign.plan import Plan, PlannedDeliverable
    from coulisses.render.plan import CutOptions


def cut_cmd(
    file: Path = typer.Argument(..., help="the campaign file"),
    deliverable: str = typer.Argument(..., help="id of a planned deliverable, several "
                                                "comma-separated, or all"),
    rush: list[str] = typer.Option(..., "--rush", help="the rush to cut from; or ITEM=RUSH "
                                                       "per episode, BTS item or deliverable "
                                                       "(repeat it)"),
    start: str | None = typer.Option(None, "--start", help="span start (75.5, 1:15.5 ...)"),
    end: str | None = typer.Option(None, "--end", help="span end (default: start + the "
                                                       "planned duration)"),
    people: str | None = typer.Option(None, "--people", help="ids of the people in the clip, "
                                                             "comma-separated (default: as "
                                                             "planned; none for nobody)"),
    music: str | None = typer.Option(None, "--music", help="ids of the music in the clip "
                                                           "(default: as planned)"),
    override_rights: str | None = typer.Option(None, "--override-rights",
                                               help="cut despite the rights gate; the reason "
                                                    "is logged"),
    preset: str | None = typer.Option(None, "--preset", help="final, master or draft"),
    out: Path | None = typer.Option(None, "--out", help="plan folder"),
    ray: str | None = typer.Option(None, "--ray", help=(
        "cut each deliverable as a job on a Ray cluster: its address, or auto to start a "
        "local one")),
    workers: int | None = typer.Option(None, "--workers", help=(
        "cut each deliverable as a job in this many worker processes (or Ray tasks at a "
        "time); 0: one per CPU")),
) -> None:
    """Cut a planned deliverable from a rush for its platform, after the rights gate."""
    from coulisses.campaign import rights
    from coulisses.campaign.outputs import default_folder
    from coulisses.cli.cut import print_result
    from coulisses.cli.plan import _load
    from coulisses.cli.progress import progress_bar
    from coulisses.render.batch import CutJob, cut_many, cut_one

    if workers is not None and workers < 0:  # checked here: a range widens the help's columns
        raise UsageError(f"--workers {workers} is below 0", hint="0 means one per CPU")
    settings = load_settings(preset=preset)
    _, plan, _ = _load(file, settings)
    assets = _chosen(plan, deliverable, file)
    sources = _rushes(rush, plan)
    chosen = [(asset, _rush_for(asset, sources)) for asset in assets]
    folder = out or default_folder(file)
    for asset in assets:  # every gate before any render: a closed one stops them all
        overridden = rights.gate(plan, asset, folder, people=_ids(people), music=_ids(music),
                                 override=override_rights)
        if overridden:
            typer.echo(f"{asset.id}: rights gate overridden ({len(overridden)} reason(s)), "
                       f"logged in {folder / rights.OVERRIDE_LOG}", err=True)
    jobs = [CutJob(asset.id, rush_path, asset.platform, folder / "cuts" / asset.id,
                   _options(asset, rush_path, start, end, settings), settings)
            for asset, rush_path in chosen]
    if ray is None and workers is None:
        for job in jobs:  # here, one after another: what a single `plan cut` always did
            with progress_bar(settings.lang) as bar:
                result = cut_one(job, progress=bar)
            if len(jobs) > 1:
                typer.echo(f"{job.id}:")
            print_result(result, settings.lang)
        return
    with progress_bar(settings.lang) as bar:
        results, run = cut_many(jobs, workers=workers or 0, ray_address=ray,
                                progress=lambda done, total: bar("rendering",
                                                                 done / max(1, total)))
    for job in jobs:
        if job.id in results:
            typer.echo(f"{job.id}:")
            print_result(results[job.id], settings.lang)
    if run.failed:
        key, reason = run.failed[0]
        others = f" (and {len(run.failed) - 1} more)" if len(run.failed) > 1 else ""
        raise InputError(f"deliverable {key} could not be cut: {reason}{others}",
                         hint="the other cuts are done; run again: finished cuts are kept")


def _chosen(plan: Plan, value: str, file: Path) -> list[PlannedDeliverable]:
    """The deliverables ``value`` names: ``all``, or ids separated by commas.

    Raises:
        UsageError: an id that is not planned, or a plan without deliverables.
    """
    if value.strip().lower() == "all":
        if not plan.deliverables:
            raise UsageError(f"no deliverable is planned in {file}")
        return list(plan.deliverables)
    chosen = []
    for wanted in (v.strip() for v in value.split(",") if v.strip()):
        try:
            chosen.append(plan.deliverable(wanted))
        except KeyError:
            known = ", ".join(d.id for d in plan.deliverables) or "none"
            raise UsageError(f"no deliverable {wanted!r} in {file}",
                             hint=f"known: {known}") from None
    if not chosen:
        raise UsageError("name a deliverable, several comma-separated, or all")
    return chosen


def _rushes(values: list[str], plan: Plan) -> dict[str, Path]:
    """``--rush`` values by what they are for: ``""`` for every deliverable, else the id of an
    episode, a BTS item or a deliverable."""
    known = {d.id for d in plan.deliverables} | {d.source for d in plan.deliverables}
    found: dict[str, Path] = {}
    for value in values:
        item, sep, path = value.partition("=")
        if sep and item.strip() in known:
            found[item.strip()] = Path(path)
        else:
            found[""] = Path(value)
    return found


def _rush_for(asset: PlannedDeliverable, rushes: dict[str, Path]) -> Path:
    """The rush of one deliverable: its own, its episode's or BTS item's, or the one for all.

    Raises:
        UsageError: none was given.
    """
    for key in (asset.id, asset.source, ""):
        if key in rushes:
            return rushes[key]
    raise UsageError(f"no rush for deliverable {asset.id} ({asset.source})",
                     hint=f"add --rush {asset.source}=RUSH, or one --rush RUSH for all")


def _options(asset: PlannedDeliverable, rush: Path, start: str | None, end: str | None,
             settings: Settings) -> CutOptions:
    """The span and render settings of one deliverable: from ``--start`` for its planned
    duration (to the rush's end when that is shorter), or to ``--end``."""
    from coulisses.media.probe import probe
    from coulisses.render.plan import CutOptions
    from coulisses.timecode import parse_time

    first = parse_time(start) if start else Fraction(0)
    last = parse_time(end) if end else None
    if last is None and asset.target_seconds:
        wanted = first + Fraction(asset.target_seconds).limit_denominator(1000)
        last = wanted if wanted < probe(rush).duration else None
    return CutOptions(start=first, end=last, preset=settings.preset, encoder=settings.encoder)


def _ids(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [] if value.strip().lower() == "none" else [v.strip() for v in value.split(",")
                                                       if v.strip()]
