"""The plan a crew works from: capture sheets, deliverables and calendar, as frozen dataclasses.

``plan_campaign(campaign, registry)`` turns a loaded campaign into a ``Plan`` without touching a
file; the renderers (``capture``, ``deliverables``, ``calendar``) only read a ``Plan``. Canvas
and duration limits come from the platform registry, never from this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from coulisses.campaign.pages import LABELS, label
from coulisses.campaign.schema import DUE_LEAD_DAYS

if TYPE_CHECKING:
    from coulisses.campaign import schema
    from coulisses.campaign.schema import Campaign
    from coulisses.platforms.spec import PlatformSpec

Clock = datetime | date  # a timed moment, or a whole day


@dataclass(frozen=True)
class Person:
    """Someone who may appear on camera, and what they agreed to."""

    id: str
    name: str
    role: str = ""
    consent: str = "none"  # granted, pending, refused, none
    minor: bool = False
    guardian_consent: bool = False
    platforms: tuple[str, ...] = ()  # what the release covers; empty: every platform
    expires: date | None = None  # last day the release is valid

    @property
    def cleared(self) -> bool:
        """True when this person may be shown (with a guardian's consent for a minor)."""
        return self.consent == "granted" and (not self.minor or self.guardian_consent)


def consent_label(lang: str, person: Person) -> str:
    """What a sheet prints beside a person: consent, and a warning when not cleared."""
    text = label(lang, person.consent if person.consent in LABELS["en"] else "unknown")
    if person.minor:
        text += f", {label(lang, 'minor')}"
        if not person.guardian_consent:
            text += f", {label(lang, 'no_guardian')}"
    if not person.cleared:
        text += f": {label(lang, 'not_cleared')}"
    return text


@dataclass(frozen=True)
class Music:
    """A track, and the platforms its licence covers (empty: none)."""

    id: str
    title: str
    licensed: tuple[str, ...] = ()  # platform ids, or "*" for every platform
    expires: tuple[tuple[str, date], ...] = ()  # (platform, last valid day)

    def licensed_for(self, platform: str, on: date | None = None) -> bool:
        """Licensed on ``platform`` (on the day ``on``, when given)."""
        if on is not None and any(p == platform and on > last for p, last in self.expires):
            return False
        return "*" in self.licensed or platform in self.licensed


@dataclass(frozen=True)
class CaptureItem:
    """One behind-the-scenes moment to capture on a shoot day."""

    id: str
    what: str
    kind: str  # preparation, craft, effort, failure, doubt, laughter, teaser, reveal
    title: str = ""
    beat: str = ""  # the story beat it serves (id)
    beat_title: str = ""
    platforms: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # person ids expected in the shot
    notes: str = ""
    line: int | None = None  # where it is written in the campaign file


@dataclass(frozen=True)
class CaptureSheet:
    """A call-sheet-lite for one shoot day."""

    day: str
    date: date
    location: str = ""
    call_time: time | None = None
    wrap_time: time | None = None
    people: tuple[Person, ...] = ()
    items: tuple[CaptureItem, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class PlannedDeliverable:
    """One asset: an episode or BTS item cut for one platform, with its spec and dates."""

    id: str
    source: str  # id of the episode or BTS item
    source_kind: str  # episode or bts
    title: str
    platform: str
    platform_name: str
    width: int
    height: int
    aspect: str
    min_seconds: float
    max_seconds: float
    target_seconds: float | None = None
    due: date | None = None
    publish: Clock | None = None
    status: str = "planned"  # planned, in-edit, in-review, approved, published
    day: str = ""  # shoot day the footage comes from
    people: tuple[str, ...] = ()
    music: tuple[str, ...] = ()
    caption: str = ""
    format: str = ""

    @property
    def canvas(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def duration_label(self) -> str:
        limits = f"{self.min_seconds:g}-{self.max_seconds:g} s"
        return f"{self.target_seconds:g} s ({limits})" if self.target_seconds else limits

    @property
    def publish_label(self) -> str:
        """The publication as text: ``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM`` (campaign's zone)."""
        if isinstance(self.publish, datetime):
            return self.publish.strftime("%Y-%m-%d %H:%M")
        return self.publish.isoformat() if self.publish else ""


@dataclass(frozen=True)
class CalendarEntry:
    """One calendar event: a shoot day, a due date or a publication."""

    uid: str
    kind: str  # shoot, due, publish
    title: str
    start: Clock
    end: Clock
    description: str = ""
    location: str = ""
    platform: str = ""
    deliverable: str = ""

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


@dataclass(frozen=True)
class Plan:
    campaign: str
    title: str
    timezone: str = "UTC"
    sheets: tuple[CaptureSheet, ...] = ()
    deliverables: tuple[PlannedDeliverable, ...] = ()
    calendar: tuple[CalendarEntry, ...] = ()
    people: tuple[Person, ...] = ()
    music: tuple[Music, ...] = ()
    unscheduled: tuple[CaptureItem, ...] = ()  # BTS items without a shoot day

    def deliverable(self, id: str) -> PlannedDeliverable:
        """The deliverable ``id``.

        Raises:
            KeyError: no such deliverable.
        """
        for d in self.deliverables:
            if d.id == id:
                return d
        raise KeyError(id)

    def person(self, id: str) -> Person | None:
        return next((p for p in self.people if p.id == id), None)


_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


def uid(campaign: str, kind: str, subject: str) -> str:
    """A calendar UID that stays the same from one run to the next, so re-importing updates."""
    parts = [_UNSAFE_ID.sub("-", p).strip("-") or "x" for p in (kind, subject, campaign)]
    return f"{parts[0]}-{parts[1]}.{parts[2]}@coulisses"


def to_json(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data (dates as ISO 8601 text)."""
    from dataclasses import asdict

    def clean(value: Any) -> Any:
        if isinstance(value, date | time):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return dict(clean(asdict(plan)))


# --- Campaign -> Plan ------------------------------------------------------------------------

SHOOT_HOURS = 10  # length of a shoot day when only the call time is known


def plan_campaign(campaign: Campaign, registry: Mapping[str, PlatformSpec],
               lang: str = "en") -> Plan:
    """The plan of ``campaign``: sheets per shoot day, deliverables, calendar. Pure.

    Canvas and duration limits come from ``registry`` (``Registry.load(...)``); calendar
    titles are in ``lang`` (en or fr).

    Raises:
        SpecError: a deliverable names a platform the registry does not know.
    """
    people = tuple(_person(p) for p in campaign.people)
    by_person = {p.id: p for p in people}
    beats = {b.id: b.title for b in campaign.beats}
    locations = {loc.id: loc for loc in campaign.locations}
    items = [_item(campaign, i, bts, beats) for i, bts in enumerate(campaign.bts)]
    episodes = [e for s in campaign.series for e in s.episodes]
    sheets = []
    for day in sorted(campaign.shoot_days, key=lambda d: (d.date, d.call or "", d.id)):
        on_day = tuple(it for it, bts in zip(items, campaign.bts, strict=True)
                       if bts.shoot_day == day.id)
        who: list[str] = []
        for pid in [*(p for it in on_day for p in it.people),
                    *(p for e in episodes if e.shoot_day == day.id for p in e.people)]:
            if pid not in who:
                who.append(pid)
        place = locations.get(day.location)
        sheets.append(CaptureSheet(
            day=day.id, date=day.date,
            location=", ".join(x for x in (place.name, place.address) if x) if place
            else day.location,
            call_time=_hhmm(day.call), wrap_time=_hhmm(day.wrap),
            people=tuple(by_person.get(p) or Person(p, p) for p in who),
            items=on_day, notes="\n".join(x for x in (day.notes, place.notes if place else None)
                                          if x)))
    unscheduled = tuple(it for it, bts in zip(items, campaign.bts, strict=True)
                        if bts.shoot_day is None)
    deliverables = _deliverables(campaign, registry)
    plan = Plan(campaign=campaign.id, title=campaign.name, timezone=_timezone(campaign),
                sheets=tuple(sheets), deliverables=deliverables, people=people,
                music=tuple(_music(m) for m in campaign.music), unscheduled=unscheduled)
    return replace(plan, calendar=_calendar(plan, lang))


def _timezone(campaign: Campaign) -> str:
    return campaign.timezone or "UTC"


def _hhmm(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def _person(p: schema.Person) -> Person:
    release = p.release
    return Person(id=p.id, name=p.name, role=p.role, consent=p.consent, minor=p.minor,
                  guardian_consent=bool(p.guardian and p.guardian.consent == "granted"),
                  platforms=release.platforms if release else (),
                  expires=release.expires if release else None)


def _music(m: schema.Music) -> Music:
    return Music(id=m.id, title=m.title if not m.artist else f"{m.title} ({m.artist})",
                 licensed=tuple(lic.platform for lic in m.licences if lic.status == "licensed"),
                 expires=tuple((lic.platform, lic.expires) for lic in m.licences
                               if lic.status == "licensed" and lic.expires))


def _item(campaign: Campaign, index: int, bts: schema.BtsItem,
          beats: dict[str, str]) -> CaptureItem:
    where = campaign.where(("bts", index))
    return CaptureItem(
        id=bts.id, what=bts.capture, kind=bts.kind, title=bts.title,
        beat=", ".join(bts.beats), beat_title=", ".join(beats.get(b, b) for b in bts.beats),
        platforms=tuple(dict.fromkeys(d.platform for d in bts.deliverables)),
        people=bts.people, notes=bts.style, line=where[0] if where else None)


def _deliverables(campaign: Campaign,
                  registry: Mapping[str, PlatformSpec]) -> tuple[PlannedDeliverable, ...]:
    out = []
    sources: list[tuple[str, str, str, schema.Episode | schema.BtsItem]] = [
        ("episode", e.id, f"{s.title} #{e.number}: {e.title}", e)
        for s in campaign.series for e in s.episodes]
    sources += [("bts", b.id, b.title, b) for b in campaign.bts]
    usual = {p.platform: p.publish_time for p in campaign.platforms}
    for kind, source_id, title, parent in sources:
        for d in parent.deliverables:
            spec = registry[d.platform]
            due = d.due or (d.publish - timedelta(days=DUE_LEAD_DAYS) if d.publish else None)
            at = _hhmm(d.publish_time or usual.get(d.platform))
            publish: Clock | None = (datetime.combine(d.publish, at) if d.publish and at
                                     else d.publish)
            out.append(PlannedDeliverable(
                id=d.id, source=source_id, source_kind=kind, title=title, platform=d.platform,
                platform_name=spec.name, width=spec.canvas.width, height=spec.canvas.height,
                aspect=spec.canvas.aspect, min_seconds=spec.duration.min_seconds,
                max_seconds=spec.duration.max_seconds, target_seconds=d.duration_s, due=due,
                publish=publish, status=d.status, day=parent.shoot_day or "",
                people=parent.people,
                music=parent.music, caption=d.caption or "", format=d.format))
    return tuple(out)


def _calendar(plan: Plan, lang: str) -> tuple[CalendarEntry, ...]:

    entries = []
    for sheet in plan.sheets:
        start: Clock
        end: Clock
        if sheet.call_time is not None:
            start = datetime.combine(sheet.date, sheet.call_time)
            end = (datetime.combine(sheet.date, sheet.wrap_time) if sheet.wrap_time
                   else start + timedelta(hours=SHOOT_HOURS))
        else:
            start, end = sheet.date, sheet.date + timedelta(days=1)
        what = "\n".join(f"- {it.title or it.what} ({it.kind})" for it in sheet.items)
        entries.append(CalendarEntry(
            uid=uid(plan.campaign, "shoot", sheet.day), kind="shoot",
            title=label(lang, "cal_shoot").format(title=plan.title, day=sheet.day),
            start=start, end=end,
            description="\n".join(x for x in (sheet.notes, what) if x), location=sheet.location))
    for d in plan.deliverables:
        if d.due is not None:
            entries.append(CalendarEntry(
                uid=uid(plan.campaign, "due", d.id), kind="due",
                title=label(lang, "cal_due").format(asset=d.id, platform=d.platform_name,
                                                   canvas=d.canvas), start=d.due,
                end=d.due + timedelta(days=1), platform=d.platform, deliverable=d.id,
                description=f"{d.title}, {d.duration_label}"))
        if d.publish is not None:
            first = d.publish.date() if isinstance(d.publish, datetime) else d.publish
            entries.append(CalendarEntry(
                uid=uid(plan.campaign, "publish", d.id), kind="publish",
                title=label(lang, "cal_publish").format(platform=d.platform_name, title=d.title),
                start=d.publish,
                end=d.publish + timedelta(minutes=30) if isinstance(d.publish, datetime)
                else first + timedelta(days=1), platform=d.platform, deliverable=d.id,
                description="\n".join(x for x in (d.caption, f"{d.id}, {d.canvas}, "
                                                  f"{d.duration_label}") if x)))
    return tuple(entries)
