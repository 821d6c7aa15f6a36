"""``coulisses backstage build``: the published page as static files a team can host anywhere,
read-only, in English and French (``index.html``, ``index.fr.html``), its media copied beside
it; each poll links back to the studio to vote, and comments link there too. Everything is
written in a work folder first and moved into place at the end.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.backstage import decisions, page, polls
from coulisses.backstage.tables import BackstagePage
from coulisses.errors import NotFoundError, UsageError
from coulisses.settings import Settings
from coulisses.studio.tables import Campaign, utcnow

HERE = Path(__file__).resolve().parent / "templates"
WORDS = {
    "en": {"kicker": "Behind the scenes", "changed": "What we changed because of you",
           "results": "Results", "vote": "Vote on the studio page", "cuts": "Behind the scenes",
           "beats": "The story so far", "days": "Shoot days", "updates": "Updates",
           "comment": "Comment on the studio page", "name": "English",
           "winner": "won"},
    "fr": {"kicker": "Dans les coulisses", "changed": "Ce que nous avons changé grâce à vous",
           "results": "Résultats", "vote": "Voter sur la page du studio",
           "cuts": "Les coulisses", "beats": "L'histoire jusqu'ici",
           "days": "Jours de tournage", "updates": "Nouvelles",
           "comment": "Commenter sur la page du studio", "name": "Français",
           "winner": "l'a emporté"},
}


def find_page(db: Session, campaign: str) -> BackstagePage:
    """The published page of the campaign named by id or by name.

    Raises:
        NotFoundError: no such campaign, or its page is not published.
    """
    query = select(Campaign)
    query = query.where(Campaign.id == int(campaign)) if campaign.isdigit() and \
        len(campaign) < 19 else query.where(Campaign.name == campaign)
    rows = db.scalars(query).all()
    if len(rows) != 1:
        raise NotFoundError(f"no campaign {campaign!r} in the studio database" if not rows
                            else f"{len(rows)} campaigns are named {campaign!r}",
                            hint="name it by its id (shown in the studio's address)")
    found = db.scalars(select(BackstagePage).where(
        BackstagePage.campaign_id == rows[0].id)).first()
    if found is None or not found.published:
        raise NotFoundError(f"the backstage page of {rows[0].name!r} is not published",
                            hint="publish it in the studio first")
    return found


def build(db: Session, the_page: BackstagePage, settings: Settings, out: Path,
          studio_url: str) -> list[Path]:
    """Write the page into ``out``; returns the files written.

    Raises:
        UsageError: ``studio_url`` is not an http(s) address.
        UnwritableOutputError, DiskFullError: ``out`` cannot be written.
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from coulisses import output

    studio = studio_url.rstrip("/")
    if not studio.startswith(("http://", "https://")):
        raise UsageError(f"--studio-url {studio_url!r} is not an http(s) address",
                         hint="e.g. https://studio.example.org")
    folder = output.prepare(out)
    work = output.make_work_dir(folder)
    try:
        view = page.view(db, the_page, settings)
        now = utcnow()
        blocks: list[tuple[Any, Any, Any]] = []
        files: set[str] = set()
        for poll in view.polls:
            options = polls.options_of(db, poll)
            files |= {x for o in options for x in (o.media, o.poster) if x}
            shown = polls.state(poll, now) == "closed" or poll.results == "live"
            blocks.append((poll, options, polls.tally(db, poll) if shown else None))
        files |= {x for c in view.cuts for x in (c.video, c.poster) if x}
        media: dict[str, str] = {}
        root = settings.data_dir.resolve()
        moves = []
        for index, relative in enumerate(sorted(files)):
            source = (root / relative).resolve()
            if not source.is_relative_to(root) or not source.is_file():
                continue
            name = f"media/{index:03d}{source.suffix.lower()}"
            (work / "media").mkdir(exist_ok=True)
            shutil.copyfile(source, work / name)
            media[relative] = name
            moves.append((work / name, folder / name))
        env = Environment(loader=FileSystemLoader(str(HERE)),
                          autoescape=select_autoescape(default=True,
                                                       default_for_string=True))
        template = env.get_template("static.html")
        for lang, name in (("en", "index.html"), ("fr", "index.fr.html")):
            other = "fr" if lang == "en" else "en"
            html = template.render(
                lang=lang, view=view, polls=blocks, media=media, studio=studio,
                decisions=decisions.timeline(db, the_page),
                words=WORDS[lang], other_lang=other, other_name=WORDS[other]["name"],
                other_href="index.fr.html" if lang == "en" else "index.html")
            output.write_text(work / name, html)
            moves.append((work / name, folder / name))
        shutil.copyfile(HERE / "static.css", work / "backstage.css")
        moves.append((work / "backstage.css", folder / "backstage.css"))
        try:
            output.publish_all(moves)
        except OSError as exc:
            raise output.write_error(exc, folder) from None
        return [final for _, final in moves]
    finally:
        output.remove_work_dir(work)
