"""The demo's backstage page: the example campaign in the studio database of the data folder
in use, its page published with beats, shoot days, a "we changed it because of you" note, a
poll on two covers (frames of the demo's rush) and a few sample comments, one answered by the
team and one waiting in the moderation queue. Running the demo again reuses what is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.backstage import comments, decisions, page, platform_tallies, polls
from coulisses.backstage.challenge import Visitor
from coulisses.backstage.tables import BackstagePage, Poll
from coulisses.media.ffmpeg import Command, Runner
from coulisses.settings import Settings
from coulisses.studio.tables import Campaign, Workspace, utcnow

WORKSPACE = "coulisses demo"
COVERS = ("cover-a.jpg", "cover-b.jpg")
COVER_TIMES = (2.0, 8.0)  # seconds into the demo's 12 s rush: two different looks
SAMPLES = (("Inès fan", "The red cover, no doubt: it feels like the skatepark.", "en"),
           ("Marc", "Le bleu ! On voit mieux la bande.", "fr"),
           ("Lou", "Can you show more of the casting day?", "en"))


@dataclass(frozen=True)
class DemoBackstage:
    url: str  # where ``coulisses serve`` (same data folder) serves the page
    database: str
    poll_id: int
    held: int  # comments waiting for the team


def cover_commands(rush: Path, folder: Path,
                   times: tuple[float, float] = COVER_TIMES) -> list[Command]:
    """Two frames of the rush, 720 pixels wide, as the poll's covers."""
    return [Command(args=("-loglevel", "error", "-y", "-ss", f"{at:g}", "-i", str(rush),
                          "-frames:v", "1", "-vf", "scale=720:-2", "-q:v", "4",
                          str(folder / name)), label="demo covers")
            for at, name in zip(times, COVERS, strict=True)]


def publish_demo(settings: Settings, rush: Path, runner: Runner, *, campaign_source: str,
                 host: str = "127.0.0.1", port: int = 8000,
                 cover_times: tuple[float, float] = COVER_TIMES) -> DemoBackstage:
    """Publish the demo's backstage page in the data folder's studio database.

    Raises:
        UsageError: the database URL cannot be used.
        FFmpegError: the covers cannot be cut from the rush.
    """
    from coulisses.studio.db import default_url, open_database

    folder = settings.data_dir / "backstage" / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    for command in cover_commands(rush, folder, cover_times):
        runner.run(command)
    url = default_url(settings)
    engine, sessions = open_database(url)
    try:
        with sessions() as db:
            space = db.scalars(select(Workspace).where(Workspace.name == WORKSPACE)).first()
            if space is None:
                space = Workspace(name=WORKSPACE)
                db.add(space)
                db.flush()
            campaign = db.scalars(select(Campaign).where(
                Campaign.workspace_id == space.id)).first()
            if campaign is None:
                campaign = Campaign(workspace_id=space.id, name="Cités — casting",
                                    filename="casting-series-fr.yaml", source=campaign_source,
                                    version_id=1)
                db.add(campaign)
                db.flush()
            the_page = page.page_for(db, campaign)
            poll = db.scalars(select(Poll).where(Poll.page_id == the_page.id)).first()
            if poll is None:
                poll = _fill(db, the_page, settings, folder)
            the_page.published = True
            db.commit()
            held = len(comments.queue(db, the_page))
            return DemoBackstage(f"http://{host}:{port}/b/{the_page.slug}", url, poll.id, held)
    finally:
        engine.dispose()


def _fill(db: Session, the_page: BackstagePage, settings: Settings, folder: Path) -> Poll:
    """Compose the page, its poll and sample comments (first run only)."""
    now = utcnow()
    made = page.production(db, the_page, settings)
    the_page.intro = ("We are casting a series in our neighbourhoods. Follow the shoot, "
                      "choose with us, tell us what you think.")
    page.compose(db, the_page, settings, beats=[b[0] for b in made.beats],
                 days=[d[0] for d in made.days[:2]], cuts={})
    page.add_update(db, the_page, "Day one: lights rigged, the dolly squeaks, we start again.")
    relative = folder.relative_to(settings.data_dir)
    poll = polls.create_poll(
        db, page_id=the_page.id, question="Which cover for episode 1?",
        options=[polls.OptionSpec("Red frame", "cover", str(relative / COVERS[0])),
                 polls.OptionSpec("Blue frame", "cover", str(relative / COVERS[1]))],
        opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=14),
        results="after_vote", retention_days=30)
    db.commit()
    posted = []
    for i, (name, body, lang) in enumerate(SAMPLES):
        posted.append(comments.post(
            db, page=the_page, visitor=Visitor(f"demo-{i}"), address=f"192.0.2.{10 + i}",
            body=body, name=name, lang=lang, poll_id=poll.id if i < 2 else None,
            now=now - timedelta(minutes=30 - i)))
    comments.moderate(db, page=the_page, comment_ids=[c.id for c in posted[:2]],
                      action="approve", user_id=None, now=now)
    comments.reply(db, page=the_page, parent_id=posted[0].id, name="coulisses team",
                   body="Thank you! The vote is open for two weeks.", user_id=None, now=now)
    # the decision log and a platform's tally, as a team would keep them (issue 14, part 2)
    decisions.record(db, the_page, decision="Two extra casting interviews go out this week.",
                     reason="You asked to see more of the casting day.", theme="casting",
                     comment_ids=[posted[2].id], now=now)
    red, blue = polls.options_of(db, poll)
    platform_tallies.enter(db, poll, "instagram_story", {red.id: 42, blue.id: 31},
                           estimated=False, user_id=None, now=now)
    db.commit()
    return poll
