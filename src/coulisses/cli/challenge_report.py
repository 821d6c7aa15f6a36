"""``coulisses challenge report CAMPAIGN CHALLENGE --out report.html``: the funnel from entries
to the shortlist, the reason for every exclusion, the shortlist and the duplicate groups."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from coulisses.errors import UsageError
from coulisses.settings import Settings, load_settings

if TYPE_CHECKING:
    from coulisses.campaign.schema import Campaign, Challenge
    from coulisses.challenges.entry import EntryRecord
    from coulisses.kpi.report import OwnMetric

#: where the records come from: (settings, campaign, challenge) -> one record per entry; the
#: command passes ``partial(stored_records, entry_records=results.entry_records)``
Records = Callable[["Settings", "Campaign", "Challenge"], "Sequence[EntryRecord]"]
#: ``challenges.results.entry_records``: (session, challenge row, folder) -> records
EntryRecords = Callable[[Any, Any, Path], "Sequence[EntryRecord]"]


def find_challenge(campaign: Campaign, key: str) -> Challenge:
    """The challenge ``key`` of a campaign file.

    Raises:
        UsageError: the campaign has no such challenge.
    """
    for challenge in campaign.challenges:
        if challenge.id == key:
            return challenge
    known = ", ".join(c.id for c in campaign.challenges) or "none"
    raise UsageError(f"campaign {campaign.id!r} has no challenge {key!r} (its challenges: "
                     f"{known})")


def stored_records(settings: Settings, campaign: Campaign, challenge: Challenge, *,
                   entry_records: EntryRecords) -> Sequence[EntryRecord]:
    """The records triage stored for the challenge, joined by ``entry_records``
    (``challenges.results.entry_records(session, challenge_row, folder)``).

    Raises:
        UsageError: no entry was taken for the challenge yet.
    """
    from sqlalchemy import select

    from coulisses.challenges.entry import challenge_folder
    from coulisses.challenges.tables import ChallengeRow
    from coulisses.studio.db import default_url, open_database

    engine, sessions = open_database(default_url(settings))
    try:
        with sessions() as db:
            row = db.scalars(select(ChallengeRow).where(
                ChallengeRow.campaign_key == campaign.id, ChallengeRow.key == challenge.id)
                .order_by(ChallengeRow.workspace_id.is_not(None), ChallengeRow.id)).first()
            if row is None:
                raise UsageError(f"no entry taken for challenge {challenge.id!r} yet: run "
                                 f"coulisses challenge ingest {campaign.id} {challenge.id} ...")
            return entry_records(db, row, challenge_folder(settings.data_dir, row.id))
    finally:
        engine.dispose()


def _untriaged(settings: Settings, campaign: Campaign,
               challenge: Challenge) -> Sequence[EntryRecord]:
    raise UsageError(f"challenge {challenge.id!r} has no triage results in this install: run "
                     f"coulisses challenge triage {campaign.id} {challenge.id} first")


def challenge_metrics(settings: Settings, campaign: Campaign,
                      entry_records: EntryRecords | None = None) -> tuple[OwnMetric, ...]:
    """The KPIs of the campaign's challenges from the studio database, for the KPI report;
    none when the campaign has no challenge or the studio database does not exist yet.
    Without ``entry_records`` (triage's results), valid entries and shortlist are unknown."""
    if not campaign.challenges:
        return ()
    from coulisses.challenges.entry import challenge_folder
    from coulisses.challenges.kpis import campaign_metrics
    from coulisses.studio.db import default_url, open_database

    url = default_url(settings)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        return ()  # never create a studio database just to report
    engine, sessions = open_database(url)
    try:
        with sessions() as db:
            return campaign_metrics(db, campaign.id, lambda row: None if entry_records is None
                                    else entry_records(db, row, challenge_folder(
                                        settings.data_dir, row.id)))
    finally:
        engine.dispose()


def report(campaign: Path, challenge: str, out: Path, *, lang: str | None = None,
           records: Records = _untriaged) -> Path:
    """Write the challenge's HTML report to ``out`` (in the lang setting unless ``lang``).

    Raises:
        CampaignError: the campaign file is invalid.
        UsageError: no such challenge, or it has no entries yet.
        OutputError: ``out`` cannot be written.
    """
    from coulisses.campaign.load import load_campaign
    from coulisses.challenges.report import write_report

    settings = load_settings(lang=lang)
    loaded = load_campaign(campaign)
    found = find_challenge(loaded, challenge)
    return write_report(records(settings, loaded, found), found, out, lang=settings.lang)


def report_cmd(
    campaign: Path = typer.Argument(..., help="the campaign file"),
    challenge: str = typer.Argument(..., help="the challenge's id in the campaign file"),
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="the HTML file to write"),
    lang: str | None = typer.Option(None, "--lang", help="en|fr (default: the lang setting)"),
) -> None:
    """Report a challenge: the funnel from entries to the shortlist, every exclusion and its
    reason, the shortlist and the duplicate groups, as one HTML file."""
    typer.echo(str(report(campaign, challenge, out, lang=lang)))
