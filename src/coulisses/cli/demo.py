"""``coulisses demo``: make sample rushes and cut them to four platforms, plan an example
campaign, then measure it from sample analytics exports; no network needed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coulisses.i18n import text
from coulisses.settings import load_settings

if TYPE_CHECKING:
    from coulisses.challenges.demo import DemoChallenge
    from coulisses.demo import DemoMeasure, DemoPlan
    from coulisses.publish.rehearsal import Rehearsal


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_cmd)


def demo_cmd(
    out: Path = typer.Option(Path("coulisses-demo"), "--out", help="folder for everything"),
    preset: str | None = typer.Option(None, "--preset", help="final, master or draft"),
) -> None:
    """Make sample rushes, cut them to TikTok, Instagram feed, LinkedIn and YouTube with
    captions, check every output, plan an example campaign (capture sheets, deliverables,
    calendar, health report), rehearse publishing the cuts to the local sandbox and sync their
    numbers, measure it with sample TikTok exports too (KPI report), publish its backstage page
    (a poll on two covers, sample comments) in the studio database of the data folder, and say
    where everything is."""
    from coulisses.cli.cut import print_result
    from coulisses.cli.progress import progress_bar
    from coulisses.demo import (
        DEMO_PLATFORMS,
        make_rushes,
        measure_example,
        publish_example,
        write_example_plan,
    )
    from coulisses.errors import QCFailedError
    from coulisses.media.ffmpeg import SubprocessRunner
    from coulisses.platforms.registry import Registry
    from coulisses.render.cut import cut
    from coulisses.render.plan import CutOptions

    settings = load_settings(preset=preset)
    runner = SubprocessRunner(settings.ffmpeg or None)
    registry = Registry.load(settings.platform_dirs)
    typer.echo(text(settings.lang, "demo_intro", platforms=DEMO_PLATFORMS.replace(",", ", ")))

    # 1. sample rushes, made on the spot
    rushes = make_rushes(out / "rushes", runner)
    typer.echo(f"{text(settings.lang, 'demo_rushes')}: {rushes.landscape}")

    # 2. cut them to four platforms, with captions, checked
    options = CutOptions(preset=settings.preset, encoder=settings.encoder)
    with progress_bar(settings.lang) as bar:
        result = cut(rushes.landscape, DEMO_PLATFORMS, out / "cuts", options=options,
                     captions=rushes.captions, timeline_formats=["otio", "fcp7xml"],
                     registry=registry, runner=runner, progress=bar)
    print_result(result, settings.lang)

    # 3. the plan of an example campaign: capture sheets, deliverables, calendar, health
    with progress_bar(settings.lang) as bar:
        planned = write_example_plan(out, registry, lang=settings.lang, progress=bar)
    print_plan(planned, settings.lang)

    # 4. publish the cuts to the local sandbox and sync their numbers into the store
    rehearsal = publish_example(out, planned.campaign, out / "cuts", registry)
    print_rehearsal(rehearsal, settings.lang)

    # 5. measure it: sample analytics exports imported into the store, and the KPI report
    with progress_bar(settings.lang) as bar:
        measured = measure_example(out, planned.campaign, registry, lang=settings.lang,
                                   progress=bar)
    print_measure(measured, planned.campaign, settings.lang)

    # 6. open the making: its backstage page, published in the data folder's studio database
    from coulisses.backstage.demo import WORKSPACE, publish_demo
    from coulisses.web.demo_account import demo_account

    shown = publish_demo(settings, rushes.landscape, runner,
                         campaign_source=planned.campaign.read_text(encoding="utf-8"))
    typer.echo(text(settings.lang, "demo_backstage", database=shown.database))
    typer.echo(text(settings.lang, "demo_backstage_open", url=shown.url, held=shown.held))
    account = demo_account(settings, WORKSPACE)
    typer.echo(text(settings.lang, "demo_sign_in", email=account.email,
                    password=account.password, file=account.file))

    # 6. a casting challenge: sample entries with copies, triaged, shortlisted (issue 15)
    from coulisses.challenges.demo import run_challenge_demo

    media = Path("../shared/media")
    with progress_bar(settings.lang) as bar:
        casting = run_challenge_demo(out / "challenge", planned.campaign, settings, runner,
                                     media=media if media.is_dir() else None, progress=bar)
    print_challenge(casting, planned.campaign, settings.lang)

    if not result.passed:
        raise QCFailedError("the demo's outputs do not all pass their checks")


def print_challenge(casting: DemoChallenge, campaign: Path, lang: str) -> None:
    """Say where the sample entries are and print the challenge's shortlist."""
    typer.echo(text(lang, "demo_challenge", n=casting.entries, folder=casting.folder,
                    seconds=f"{casting.seconds:.0f}"))
    for record in casting.shortlist:
        relevance = f"{record.relevance:.2f}" if record.relevance is not None else "-"
        typer.echo(f"  {record.rank:>2}. {record.id}  {Path(record.file).name}  {relevance}")
    typer.echo(text(lang, "demo_challenge_relevance" if casting.speech
                    else "demo_challenge_no_speech"))
    if casting.report is not None:
        typer.echo(text(lang, "demo_challenge_report", file=casting.report))
    typer.echo(text(lang, "demo_challenge_entries", campaign=campaign))


def print_plan(planned: DemoPlan, lang: str) -> None:
    """Say where the plan's files are: sheets, matrix, calendar, health report."""
    from coulisses.demo import DEMO_CAMPAIGN

    files = planned.files
    typer.echo(text(lang, "demo_plan", name=DEMO_CAMPAIGN, file=planned.campaign))
    names = text(lang, "demo_plan_files").split("|")
    shown = (("capture.pdf", "capture.html"), ("deliverables.html", "deliverables.csv"),
             ("calendar.ics",), ("health.html",))
    for name, paths in zip(names, shown, strict=True):
        typer.echo(f"  {name}: " + ", ".join(str(files[p]) for p in paths))
    typer.echo(text(lang, "demo_plan_again", file=planned.campaign, folder=files.folder))


def print_measure(measured: DemoMeasure, campaign: Path, lang: str) -> None:
    """Say where the exports, the store and the KPI report are, and what they show."""
    exports = measured.exports
    typer.echo(text(lang, "demo_measure"))
    names = text(lang, "demo_measure_files").split("|")
    shown = ((exports.content, exports.comments, exports.mapping), (measured.store,),
             (measured.html,), (measured.json,))
    for name, paths in zip(names, shown, strict=True):
        typer.echo(f"  {name}: " + ", ".join(str(p) for p in paths))
    typer.echo(text(lang, "demo_measure_summary", matched=measured.matched,
                    unmatched=measured.unmatched,
                    advice=measured.advice or text(lang, "demo_measure_no_advice")))
    typer.echo(text(lang, "demo_measure_again", file=campaign, store=measured.store))


def print_rehearsal(rehearsal: Rehearsal, lang: str) -> None:
    """Say what the publishing rehearsal published and what came back, matched by id."""
    typer.echo(text(lang, "demo_publish", url=rehearsal.sandbox_url))
    for post in rehearsal.posts:
        views = "-" if post.views is None else f"{post.views:,.0f}"
        typer.echo(text(lang, "demo_publish_post", platform=post.platform, variant=post.variant,
                        state=post.state, id=post.platform_id or "-", views=views,
                        deliverable=post.deliverable or text(lang, "demo_publish_unplanned")))
    typer.echo(text(lang, "demo_publish_summary", posts=rehearsal.synced.posts,
                    matched=rehearsal.synced.matched, store=rehearsal.synced.store))
    typer.echo(text(lang, "demo_publish_again"))
