"""``coulisses challenge ...``: take entries into a campaign's challenge, triage them (process
pool or Ray), list them, shortlist them, and make a sample challenge to try it on."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coulisses.i18n import text
from coulisses.settings import load_settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.orm import Session

    from coulisses.campaign.schema import Challenge
    from coulisses.challenges.tables import ChallengeRow
    from coulisses.settings import Settings

challenge_app = typer.Typer(
    name="challenge", no_args_is_help=True, add_completion=False,
    help="Calls for video entries (a casting call): intake, triage, entries, shortlist.",
    context_settings={"help_option_names": ["-h", "--help"]},
)

CAMPAIGN = typer.Argument(..., help="the campaign file")
CHALLENGE = typer.Argument(..., help="the challenge's id in the campaign file")


def register(app: typer.Typer) -> None:
    app.add_typer(challenge_app)


@contextmanager
def opened(campaign: Path, challenge_id: str) -> Iterator[
        tuple[Settings, Session, ChallengeRow, Challenge, Path]]:
    """The settings, a database session, the challenge's row and rules, and its folder."""
    from coulisses.challenges.entry import challenge_folder
    from coulisses.challenges.store import open_challenge, sessions

    settings = load_settings()
    with sessions(settings)() as session:
        row, challenge = open_challenge(session, campaign, challenge_id)
        session.commit()
        yield settings, session, row, challenge, challenge_folder(settings.data_dir, row.id)


@challenge_app.command("ingest")
def ingest_cmd(
    campaign: Path = CAMPAIGN,
    challenge: str = CHALLENGE,
    paths: list[Path] = typer.Argument(..., help="entry files or folders (walked recursively)"),
    consents: Path | None = typer.Option(None, "--consents", help=(
        "CSV of entrants and consents: file, entrant, contact, age_band, country, city, data, "
        "release, scope, parent, terms, face_matching, and any other declared field")),
    copy: bool = typer.Option(False, "--copy", help=(
        "copy the files into the challenge's own media store (in the data folder) instead of "
        "recording where they are")),
) -> None:
    """Take entry files into a challenge, each with its entrant and consent record; a file
    already taken is reported, not taken twice (and its new place recorded if its entry's file
    is missing). Files under the campaign file's folder are recorded relative to it. Exits
    non-zero if any file failed."""
    from coulisses.challenges.ingest import ingest, read_consents, shown

    table = read_consents(consents) if consents is not None else None
    with opened(campaign, challenge) as (settings, session, row, rules, folder):
        report = ingest(session, row, rules, paths, consents=table,
                        base=campaign.resolve().parent, copy_to=folder if copy else None)
    lang = settings.lang
    for taken in report.taken:
        key = "challenge_moved" if taken.moved else \
            "challenge_already" if taken.already else "challenge_taken"
        typer.echo(text(lang, key, file=shown(taken.path), id=taken.public_id,
                        consent=taken.consent))
    for refused in report.refused:
        key = "challenge_failed" if refused.failed else "challenge_skipped"
        typer.echo(text(lang, key, file=shown(refused.path), reason=refused.reason),
                   err=refused.failed)
    for name in report.unmatched:
        typer.echo(text(lang, "challenge_unmatched", file=shown(name)), err=True)
    new = sum(1 for t in report.taken if not t.already)
    typer.echo(text(lang, "challenge_ingested", new=new,
                    already=len(report.taken) - new, refused=len(report.refused)))
    if report.failed:
        raise typer.Exit(3)


@challenge_app.command("triage")
def triage_cmd(
    campaign: Path = CAMPAIGN,
    challenge: str = CHALLENGE,
    ray: str | None = typer.Option(None, "--ray", help=(
        "run on a Ray cluster: its address, or auto to start a local one")),
    workers: int = typer.Option(0, "--workers", min=0, help=(
        "worker processes (or Ray tasks at a time); 0: one per CPU")),
    blocklist: list[Path] = typer.Option([], "--blocklist", help=(
        "known videos entries must not copy (the campaign's own, known clips): files or "
        "folders; kept for later runs")),
) -> None:
    """Run every triage stage on the entries not yet triaged (technical check first, then
    copies, speech and relevance), then the duplicate groups and the shortlist; resumable."""
    from coulisses.challenges.ingest import shown
    from coulisses.challenges.triage import keep_blocklist, triage
    from coulisses.cli.progress import progress_bar

    with opened(campaign, challenge) as (settings, session, row, rules, folder), \
            progress_bar(settings.lang) as bar:
        if blocklist:
            keep_blocklist(folder, blocklist)
        report = triage(session, row, rules, folder, workers=workers, ray_address=ray,
                        progress=lambda stage, done: bar(stage, done), lang=settings.lang,
                        base=campaign.resolve().parent)
    lang = settings.lang
    for run in report.runs:
        typer.echo(text(lang, "challenge_stage", stage=run.stage, done=run.done,
                        seconds=f"{run.wall_s:.1f}", busy=round(run.busy_share * 100),
                        workers=run.workers, backend=run.backend))
    for entry_id, reason in report.failed:
        typer.echo(text(lang, "challenge_stage_failed", id=entry_id, reason=reason), err=True)
    for _stage, waiting in report.waiting:
        typer.echo(text(lang, "challenge_faces_waiting", n=waiting), err=True)
    for lost in report.missing:
        typer.echo(text(lang, "challenge_file_missing", id=lost.public_id, name=lost.name,
                        path=shown(lost.expected), campaign=shown(campaign),
                        challenge=challenge), err=True)
    typer.echo(text(lang, "challenge_triaged", entries=report.entries,
                    shortlisted=report.shortlisted))
    if report.missing:
        raise typer.Exit(3)


@challenge_app.command("entries")
def entries_cmd(
    campaign: Path = CAMPAIGN,
    challenge: str = CHALLENGE,
    as_json: bool = typer.Option(False, "--json", help="print JSON, one object per entry"),
) -> None:
    """List the entries with their status, QC, duplicate group, relevance and shortlist."""
    from coulisses.challenges.results import entry_records, record_json

    with opened(campaign, challenge) as (settings, session, row, _rules, folder):
        records = entry_records(session, row, folder, campaign.resolve().parent)
    if as_json:
        typer.echo(json.dumps([record_json(r) for r in records], ensure_ascii=False, indent=2))
        return
    missing = text(settings.lang, "challenge_missing_mark")
    for r in records:
        qc = "-" if r.qc_passed is None else ("ok" if r.qc_passed else "QC")
        relevance = "-" if r.relevance is None else f"{r.relevance:.2f}"
        mark = f"#{r.rank}" if r.shortlisted else ""
        name = f"{Path(r.file).name} ({missing})" if r.file_missing else Path(r.file).name
        typer.echo(f"{r.id}  {qc:<2}  {r.consent:<14} {r.duplicate_group or '-':<12} "
                   f"{relevance:>5}  {mark:<4} {name}  {r.exclusion}".rstrip())


@challenge_app.command("shortlist")
def shortlist_cmd(
    campaign: Path = CAMPAIGN,
    challenge: str = CHALLENGE,
    top: int = typer.Option(..., "--top", min=1, help="how many entries to shortlist"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Shortlist the best N triaged entries (by relevance and quality, spread across the
    declared fields the challenge names), each exclusion with its reason."""
    from coulisses.challenges.entry import Rules
    from coulisses.challenges.results import entry_records, record_json
    from coulisses.challenges.triage import default_decide, entry_facts, write_decision

    with opened(campaign, challenge) as (settings, session, row, rules, folder):
        facts = list(entry_facts(session, row, rules))
        write_decision(folder, default_decide(folder, facts, replace(Rules.of(rules),
                                                                       shortlist=top),
                                              lang=settings.lang))
        chosen = sorted((r for r in entry_records(session, row, folder,
                                                  campaign.resolve().parent) if r.shortlisted),
                        key=lambda r: r.rank or 0)
    if as_json:
        typer.echo(json.dumps([record_json(r) for r in chosen], ensure_ascii=False, indent=2))
        return
    if not chosen:
        typer.echo(text(settings.lang, "challenge_none_shortlisted"))
    for r in chosen:
        relevance = "-" if r.relevance is None else f"{r.relevance:.2f}"
        typer.echo(f"{r.rank:>3}. {r.id}  {relevance:>5}  {Path(r.file).name}  "
                   f"{r.relevance_reason}".rstrip())


@challenge_app.command("sample")
def sample_cmd(
    entries: int = typer.Option(24, "--entries", min=4, max=2000, help="how many entries"),
    out: Path = typer.Option(..., "--out", help="folder for the entries"),
    media: Path | None = typer.Option(None, "--media", help=(
        "folder of real clips to draw from (default: ../shared/media when present)")),
) -> None:
    """Make a sample challenge: entries from generated and real clips, with copies and
    off-brief entries at known places, a consents CSV and the ground truth (truth.json)."""
    from coulisses.challenges.sample import make_sample
    from coulisses.media.ffmpeg import SubprocessRunner

    settings = load_settings()
    source = media if media is not None else Path("../shared/media")
    made = make_sample(out, entries, SubprocessRunner(settings.ffmpeg or None),
                       media=source if source.is_dir() else None)
    typer.echo(text(settings.lang, "challenge_sample", n=len(made.entries), folder=made.folder,
                    consents=made.consents, truth=made.truth))


@challenge_app.command("report")
def report_cmd(
    campaign: Path = CAMPAIGN,
    challenge: str = CHALLENGE,
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="the HTML file to write"),
    lang: str | None = typer.Option(None, "--lang", help="en|fr (default: the lang setting)"),
) -> None:
    """Report a challenge: the funnel from entries to the shortlist, every exclusion and its
    reason, the shortlist and the duplicate groups, as one HTML file."""
    from functools import partial

    from coulisses.challenges.results import entry_records
    from coulisses.cli.challenge_report import report, stored_records

    located = partial(entry_records, base=campaign.resolve().parent)
    typer.echo(str(report(campaign, challenge, out, lang=lang,
                          records=partial(stored_records, entry_records=located))))
