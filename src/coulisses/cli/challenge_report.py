"""``coulisses challenge report CAMPAIGN CHALLENGE --out report.html``: the funnel from entries
to the shortlist, the reason for every exclusion, the shortlist and the duplicate groups."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from coulisses.errors import UsageError
from coulisses.settings import Settings, load_settings

if TYPE_CHECKING:
    from coulisses.campaign.schema import Campaign, Challenge
    from coulisses.challenges.entry import EntryRecord

#: where the records come from: (settings, campaign, challenge) -> one record per entry
Records = Callable[["Settings", "Campaign", "Challenge"], "Sequence[EntryRecord]"]


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


def stored_records(settings: Settings, campaign: Campaign,
                   challenge: Challenge) -> Sequence[EntryRecord]:
    """The records triage stored for the challenge (``challenges.results.entry_records``).

    Raises:
        UsageError: the challenge has not been ingested, or triage is not installed.
    """
    from sqlalchemy import select

    from coulisses.challenges.entry import challenge_folder
    from coulisses.challenges.tables import ChallengeRow
    from coulisses.studio.db import default_url, open_database

    try:  # challenges.results joins the entries, the checkpoints and the verdicts
        results: Any = importlib.import_module("coulisses.challenges.results")
    except ImportError as exc:
        raise UsageError("this install has no challenge triage: run coulisses challenge "
                         "triage first") from exc
    engine, sessions = open_database(default_url(settings))
    try:
        with sessions() as db:
            row = db.scalars(select(ChallengeRow).where(
                ChallengeRow.campaign_key == campaign.id, ChallengeRow.key == challenge.id)
                .order_by(ChallengeRow.workspace_id.is_not(None), ChallengeRow.id)).first()
            if row is None:
                raise UsageError(f"no entry taken for challenge {challenge.id!r} yet: run "
                                 f"coulisses challenge ingest {campaign.id} {challenge.id} ...")
            records: Sequence[EntryRecord] = results.entry_records(
                db, row, challenge_folder(settings.data_dir, row.id))
            return records
    finally:
        engine.dispose()


def report(campaign: Path, challenge: str, out: Path, *, lang: str | None = None,
           records: Records = stored_records) -> Path:
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
