"""``coulisses kpi report``: objectives against targets, BTS against campaign, what to make next."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coulisses.cli.kpi import _parse_day  # the one date option parser of the kpi group
from coulisses.errors import UsageError
from coulisses.settings import load_settings

if TYPE_CHECKING:
    from coulisses.kpi.report import OwnMetric


def register(kpi_app: typer.Typer) -> None:
    kpi_app.command("report")(report_cmd)


def report_cmd(
    campaign: Path | None = typer.Option(None, "--campaign", "-c",
                                         help="campaign file: objectives and targets"),
    fmt: str = typer.Option("html", "--format", "-f", help="html|json|csv"),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="file to write (default: kpi-report.FORMAT)"),
    store: Path | None = typer.Option(None, "--store", help="DuckDB file (default: "
                                      "<data_dir>/analytics.duckdb)"),
    since: str | None = typer.Option(None, "--since", help="first publication day, YYYY-MM-DD"),
    until: str | None = typer.Option(None, "--until", help="last publication day, YYYY-MM-DD"),
    lang: str | None = typer.Option(None, "--lang", help="en|fr (default: the lang setting)"),
) -> None:
    """Report KPIs by objective, BTS against campaign, platform, format, length, hook and hour,
    with recommendations and their evidence."""
    from coulisses.kpi.compute import Period
    from coulisses.kpi.report import FORMATS, build_report, write_report

    settings = load_settings(lang=lang)
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}")
    period = Period(_parse_day(since, "--since"), _parse_day(until, "--until"))
    if period.since and period.until and period.since > period.until:
        raise UsageError("--since is after --until")
    loaded = None
    own: tuple[OwnMetric, ...] = ()
    if campaign is not None:
        from coulisses.campaign.load import load_campaign
        from coulisses.cli.challenge_report import challenge_metrics

        loaded = load_campaign(campaign)
        own = challenge_metrics(settings, loaded)  # its challenges' KPIs, when it has any
    path = store if store is not None else settings.data_dir / "analytics.duckdb"
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("measuring" if settings.lang == "en" else "calcul des KPI"):
        report = build_report(path, campaign=loaded, period=period, lang=settings.lang,
                              own=own)
        target = out if out is not None else Path(f"kpi-report.{fmt}")
        write_report(report, fmt, target)
    typer.echo(str(target))
