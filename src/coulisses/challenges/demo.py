"""The demo's casting challenge: sample entries with copies and off-brief clips, taken into
the example campaign's ``casting`` challenge in the data folder's studio database, triaged in
a local process pool, shortlisted and reported (HTML)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from coulisses.challenges.entry import EntryRecord
from coulisses.challenges.executor import Progress
from coulisses.media.ffmpeg import Runner
from coulisses.settings import Settings

DEMO_ENTRIES = 24
DEMO_CHALLENGE = "casting"


@dataclass(frozen=True)
class DemoChallenge:
    """What the demo's challenge step made: the entries' folder, the triage's time, and the
    shortlist in rank order."""

    folder: Path
    entries: int
    seconds: float
    shortlist: tuple[EntryRecord, ...]
    report: Path | None = None  # the challenge's HTML report
    speech: bool = True  # whether the speech stage ran (a speech model was on this machine)


def run_challenge_demo(out: Path, campaign_file: Path, settings: Settings, runner: Runner, *,
                       media: Path | None = None, entries: int = DEMO_ENTRIES,
                       workers: int = 2, progress: Progress | None = None) -> DemoChallenge:
    """Make ``entries`` sample entries in ``out``, take them into the campaign's ``casting``
    challenge (again: already taken), triage them and read the shortlist back.

    Raises:
        CampaignError: the campaign file has no ``casting`` challenge.
        FFmpegError: a sample entry could not be made.
    """
    from coulisses.analysis.speechmodel import whisper_model_here
    from coulisses.challenges.entry import challenge_folder
    from coulisses.challenges.ingest import ingest, read_consents
    from coulisses.challenges.report import write_report
    from coulisses.challenges.results import entry_records
    from coulisses.challenges.sample import make_sample
    from coulisses.challenges.store import open_challenge, sessions
    from coulisses.challenges.triage import default_stages, triage

    sample = make_sample(out, entries, runner, media=media)
    with sessions(settings)() as session:
        row, challenge = open_challenge(session, campaign_file, DEMO_CHALLENGE)
        session.commit()
        # the sample's speech does not act the casting scene (no recording here does): the
        # relevance to the brief is measured and reported, but does not exclude in the demo
        challenge = challenge.model_copy(update={"min_relevance": 0.0})
        ingest(session, row, challenge, [out], consents=read_consents(sample.consents))
        folder = challenge_folder(settings.data_dir, row.id)
        start = time.perf_counter()
        stages = default_stages()
        if not whisper_model_here(settings.whisper_model or "base", settings.cache_dir):
            # offline with no speech model: triage without the speech stage, and say so
            stages = tuple(s for s in stages if s.name != "speech")
        triage(session, row, challenge, folder, workers=workers, progress=progress,
               lang=settings.lang, stages=stages)
        seconds = time.perf_counter() - start
        records = entry_records(session, row, folder)
    chosen = tuple(sorted((r for r in records if r.shortlisted), key=lambda r: r.rank or 0))
    report = write_report(records, challenge, out / "report.html", lang=settings.lang)
    return DemoChallenge(out, len(records), seconds, chosen, report,
                         speech=any(s.name == "speech" for s in stages))
