"""The backstage page of a campaign, built from production data: the beats the team reveals,
shoot days (the place only when the team allows it), approved cuts whose rights gate is clear,
text updates and "what we changed because of you", and the polls. Nothing is typed twice.

A page is found by its unguessable slug only, and only once published: an unpublished page or a
deleted campaign answers exactly as an unknown address does.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coulisses.backstage.tables import BackstagePage, PageItem, PageUpdate, Poll
from coulisses.errors import CampaignError, NotFoundError, SpecError, UsageError
from coulisses.settings import Settings
from coulisses.studio.tables import Campaign, Cut, CutVariant, CutVersion, utcnow

UPDATE_MAX = 2000
KINDS = ("beat", "day", "cut")


def new_slug() -> str:
    """128 random bits, URL-safe: a page cannot be found by trying addresses."""
    return secrets.token_urlsafe(16)


def page_for(db: Session, campaign: Campaign) -> BackstagePage:
    """The campaign's page, created unpublished on first use (flushed)."""
    page = db.scalars(select(BackstagePage).where(
        BackstagePage.campaign_id == campaign.id)).first()
    if page is None:
        page = BackstagePage(workspace_id=campaign.workspace_id, campaign_id=campaign.id,
                             slug=new_slug(), secret=secrets.token_hex(32),
                             title=campaign.name[:200], lang="en", published=False,
                             show_places=False, moderation="pre", blocked_words="{}",
                             embed_origins="")
        db.add(page)
        db.flush()
    return page


def published(db: Session, slug: str) -> BackstagePage:
    """The published page at ``slug``.

    Raises:
        NotFoundError: no page there, or it is not published (the same answer either way).
    """
    page = by_slug(db, slug)
    if page is None or not page.published:
        raise NotFoundError("No such page.", hint="check the link")
    return page


def by_slug(db: Session, slug: str) -> BackstagePage | None:
    """The page at ``slug``, published or not (the team's preview)."""
    if not 10 <= len(slug) <= 40:
        return None
    return db.scalars(select(BackstagePage).where(BackstagePage.slug == slug)).first()


@dataclass(frozen=True)
class CutChoice:
    """An approved cut the team may reveal, with the BTS item its rights are checked against."""

    cut_id: int
    title: str
    video: str  # relative to data_dir
    poster: str
    bts: str
    blocked: tuple[str, ...]  # why the rights gate is closed (empty: clear)


@dataclass(frozen=True)
class Production:
    """What the campaign offers the page: beats, shoot days, BTS items, approved cuts."""

    beats: tuple[tuple[str, str, str], ...]  # id, title, summary
    days: tuple[tuple[str, date, str], ...]  # id, date, place
    bts: tuple[tuple[str, str], ...]  # id, title
    cuts: tuple[CutChoice, ...]


def _campaign(db: Session, page: BackstagePage, settings: Settings) -> tuple[Any, Any]:
    """The campaign model and its plan (for the rights gate), from the studio's copy."""
    row = db.get(Campaign, page.campaign_id)
    if row is None:
        raise NotFoundError("No such page.", hint="check the link")
    return _planned(row.source, row.filename, tuple(settings.platform_dirs), page.lang)


def time_zone(db: Session, page: BackstagePage) -> tzinfo:
    """The campaign's time zone (its file's ``timezone``), in which the team types and the
    page shows poll times; UTC when the studio's copy no longer loads."""
    from datetime import UTC

    from coulisses.campaign.calendar import text_zone

    row = db.get(Campaign, page.campaign_id)
    return UTC if row is None else text_zone(row.source, row.filename)


@lru_cache(maxsize=32)
def _planned(source: str, filename: str, platform_dirs: tuple[Path, ...],
             lang: str) -> tuple[Any, Any]:
    """Validate and plan a campaign text once per process: a public page is read far more
    often than its campaign changes (an edit changes the text, so the key)."""
    from coulisses.campaign.load import loads_campaign
    from coulisses.campaign.plan import plan_campaign

    registry = _registry(platform_dirs)
    campaign = loads_campaign(source, filename, platform_ids=set(registry))
    return campaign, plan_campaign(campaign, registry, lang)


@lru_cache(maxsize=8)
def _registry(platform_dirs: tuple[Path, ...]) -> Any:
    """The platform registry, read once per process and folder list (a campaign that does
    not validate is not cached above, and must not cost a reading of every spec file)."""
    from coulisses.platforms.registry import Registry

    return Registry.load(platform_dirs)


def _approved(db: Session, workspace_id: int, cut_id: int) -> tuple[Cut, CutVariant] | None:
    """The cut and the first passing file of its latest approved, rendered version."""
    cut = db.get(Cut, cut_id)
    if cut is None or cut.workspace_id != workspace_id:
        return None
    version = db.scalars(select(CutVersion).where(
        CutVersion.cut_id == cut.id, CutVersion.decision == "approved",
        CutVersion.status == "done").order_by(CutVersion.number.desc())).first()
    if version is None:
        return None
    variant = next((v for v in version.variants if v.passed), None)
    return (cut, variant) if variant is not None else None


def rights_blocked(plan: Any, bts: str) -> tuple[str, ...]:
    """Why a cut of BTS item ``bts`` may not be shown (consent of every person in it, minors'
    rules, music licences, on every platform it is planned for); empty when it may."""
    from coulisses.campaign.rights import reasons

    if not bts:
        return ("no behind-the-scenes item chosen: its people and music cannot be checked",)
    planned = [d for d in plan.deliverables if d.source == bts and d.source_kind == "bts"]
    if not planned:
        return (f"{bts}: no planned deliverable to check the rights of",)
    found: list[str] = []
    for deliverable in planned:
        found += [r for r in reasons(plan, deliverable) if r not in found]
    return tuple(found)


def production(db: Session, page: BackstagePage, settings: Settings,
               bts_of: dict[int, str] | None = None) -> Production:
    """Everything the team can reveal, each approved cut with its rights gate.

    Raises:
        CampaignError: the studio's copy of the campaign no longer validates.
    """
    campaign, plan = _campaign(db, page, settings)
    places = {loc.id: loc.name for loc in campaign.locations}
    chosen = bts_of if bts_of is not None else {
        int(i.ref): i.bts for i in items(db, page) if i.kind == "cut"}
    cuts = []
    for cut in db.scalars(select(Cut).where(Cut.workspace_id == page.workspace_id)
                          .order_by(Cut.id)):
        found = _approved(db, page.workspace_id, cut.id)
        if found is None:
            continue
        bts = chosen.get(cut.id, "")
        cuts.append(CutChoice(cut.id, cut.title, found[1].video, found[1].cover, bts,
                              rights_blocked(plan, bts)))
    return Production(
        beats=tuple((b.id, b.title, b.summary) for b in campaign.beats),
        days=tuple((d.id, d.date, places.get(d.location, d.location))
                   for d in sorted(campaign.shoot_days, key=lambda d: d.date)),
        bts=tuple((b.id, b.title) for b in campaign.bts), cuts=tuple(cuts))


def items(db: Session, page: BackstagePage) -> list[PageItem]:
    """What the page reveals, in order."""
    return list(db.scalars(select(PageItem).where(PageItem.page_id == page.id)
                           .order_by(PageItem.position, PageItem.id)))


def compose(db: Session, page: BackstagePage, settings: Settings, *, beats: list[str],
            days: list[str], cuts: dict[int, str]) -> list[str]:
    """Replace what the page reveals (flushed); returns why some cuts were left out.

    Raises:
        UsageError: a beat or shoot day the campaign does not have.
    """
    made = production(db, page, settings, bts_of=cuts)
    known_beats = {b[0] for b in made.beats}
    known_days = {d[0] for d in made.days}
    for name, chosen, known in (("beat", beats, known_beats), ("shoot day", days, known_days)):
        unknown = [x for x in chosen if x not in known]
        if unknown:
            raise UsageError(f"the campaign has no {name} {unknown[0]!r}")
    left_out = []
    db.execute(delete(PageItem).where(PageItem.page_id == page.id))
    position = 0
    for kind, refs in (("beat", beats), ("day", days)):
        for ref in dict.fromkeys(refs):
            db.add(PageItem(page_id=page.id, kind=kind, ref=ref, bts="", position=position))
            position += 1
    by_id = {c.cut_id: c for c in made.cuts}
    for cut_id, bts in cuts.items():
        choice = by_id.get(cut_id)
        if choice is None:
            left_out.append(f"cut {cut_id}: not approved, or no file passed its checks")
            continue
        if choice.blocked:
            left_out.append(f"{choice.title}: {choice.blocked[0]}")
        db.add(PageItem(page_id=page.id, kind="cut", ref=str(cut_id), bts=bts[:100],
                        position=position))
        position += 1
    page.updated_at = utcnow()
    db.flush()
    return left_out


def add_update(db: Session, page: BackstagePage, body: str, *, kind: str = "update",
               author_id: int | None = None) -> PageUpdate:
    """A short update, or a "what we changed because of you" note (``kind="changed"``).

    Raises:
        UsageError: empty, too long, or an unknown kind.
    """
    body = body.strip()
    if kind not in ("update", "changed"):
        raise UsageError(f"an update is 'update' or 'changed', not {kind!r}")
    if not body or len(body) > UPDATE_MAX:
        raise UsageError(f"an update has 1 to {UPDATE_MAX} characters")
    update = PageUpdate(page_id=page.id, kind=kind, body=body, author_id=author_id)
    db.add(update)
    db.flush()
    return update


def blocked_words(page: BackstagePage) -> dict[str, list[str]]:
    """The page's blocked words per language."""
    try:
        data = json.loads(page.blocked_words or "{}")
    except ValueError:
        return {}
    return {str(k): [str(w) for w in v] for k, v in data.items() if isinstance(v, list)}


EMBED_MAX = 10
_ORIGIN = re.compile(r"https://[a-z0-9.-]+\.[a-z]{2,}(:\d{1,5})?|http://(localhost|127\.0\.0\.1)"
                     r"(:\d{1,5})?")


def parse_origins(text: str) -> list[str]:
    """The origins a team allows to frame its page, from one per line (or space): each
    ``https://host[:port]`` (``http://`` only for localhost), at most ``EMBED_MAX``.

    Raises:
        UsageError: an address that is not an origin, or too many.
    """
    found = []
    for raw in text.replace(",", " ").split():
        origin = raw.strip().rstrip("/").lower()
        if not _ORIGIN.fullmatch(origin):
            raise UsageError(f"{raw[:80]!r} is not a site's origin",
                             hint="write it as https://example.org, without a path")
        found.append(origin)
    found = list(dict.fromkeys(found))
    if len(found) > EMBED_MAX:
        raise UsageError(f"at most {EMBED_MAX} sites may embed the page, not {len(found)}")
    return found


def embed_origins(page: BackstagePage) -> list[str]:
    """The origins allowed to frame the page (none by default)."""
    try:
        return parse_origins(page.embed_origins or "")
    except UsageError:  # written before a rule tightened: allow none rather than guess
        return []


def frame_ancestors(page: BackstagePage) -> str:
    """The page's ``frame-ancestors`` source list: ``'none'`` unless the team allows sites."""
    return " ".join(embed_origins(page)) or "'none'"


def settings_from_form(page: BackstagePage, *, title: str, intro: str, lang: str,
                       show_places: bool, moderation: str, words: dict[str, str],
                       embed: str = "") -> None:
    """Apply the page's settings from the team's form.

    Raises:
        UsageError: a value out of range, or an embedding site that is not an origin.
    """
    if not title.strip() or len(title) > 200 or len(intro) > UPDATE_MAX:
        raise UsageError("the page needs a title of 1 to 200 characters and an introduction "
                         f"of at most {UPDATE_MAX}")
    if lang not in ("en", "fr") or moderation not in ("pre", "post"):
        raise UsageError("language is en or fr; moderation is pre or post")
    page.embed_origins = "\n".join(parse_origins(embed))
    page.title, page.intro, page.lang = title.strip(), intro.strip(), lang
    page.show_places, page.moderation = show_places, moderation
    page.blocked_words = json.dumps({k: sorted({w.strip().lower() for w in v.split(",")
                                                if w.strip()}) for k, v in words.items()})
    page.updated_at = utcnow()


@dataclass(frozen=True)
class Shown:
    """A revealed cut as the page shows it."""

    item_id: int
    title: str
    video: str
    poster: str


@dataclass(frozen=True)
class PageView:
    """The page as a visitor sees it (or the team previews it)."""

    page: BackstagePage
    beats: tuple[tuple[str, str], ...]
    days: tuple[tuple[date, str], ...]  # place empty unless the team allows it
    cuts: tuple[Shown, ...]
    updates: tuple[PageUpdate, ...]
    changed: tuple[PageUpdate, ...]
    polls: tuple[Poll, ...] = field(default=())


def view(db: Session, page: BackstagePage, settings: Settings) -> PageView:
    """The page from production data; cuts no longer approved or rights-clear drop out."""
    try:
        made = production(db, page, settings)
    except (CampaignError, SpecError):  # the campaign file broke since: show the rest
        made = Production((), (), (), ())
    beats = {b[0]: (b[1], b[2]) for b in made.beats}
    days = {d[0]: (d[1], d[2]) for d in made.days}
    cuts = {c.cut_id: c for c in made.cuts}
    shown_beats, shown_days, shown_cuts = [], [], []
    for item in items(db, page):
        if item.kind == "beat" and item.ref in beats:
            shown_beats.append(beats[item.ref])
        elif item.kind == "day" and item.ref in days:
            day, place = days[item.ref]
            shown_days.append((day, place if page.show_places else ""))
        elif item.kind == "cut" and item.ref.isdigit():
            choice = cuts.get(int(item.ref))
            if choice is not None and not choice.blocked:
                shown_cuts.append(Shown(item.id, choice.title, choice.video, choice.poster))
    updates = list(db.scalars(select(PageUpdate).where(PageUpdate.page_id == page.id)
                              .order_by(PageUpdate.created_at.desc(), PageUpdate.id.desc())))
    polls = tuple(db.scalars(select(Poll).where(Poll.page_id == page.id)
                             .order_by(Poll.opens_at.desc(), Poll.id.desc())))
    return PageView(page, tuple(shown_beats), tuple(shown_days), tuple(shown_cuts),
                    tuple(u for u in updates if u.kind == "update"),
                    tuple(u for u in updates if u.kind == "changed"), polls)
