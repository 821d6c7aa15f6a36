"""The campaign file, version 1: pydantic models with unknown keys refused.

Public models: ``Campaign`` (the file), ``Brand``, ``Period``, ``Objective``, ``Kpi``, ``Beat``,
``Series``, ``Episode``, ``BtsItem``, ``Deliverable``, ``PlatformPlan``, ``Format``,
``Cadence``, ``ShootDay``, ``Location``, ``Person``, ``Release``, ``Guardian``, ``Music``,
``Licence``, ``Challenge``, ``Eligibility``, ``ConsentScope``; the literal types ``Goal``,
``BtsKind``, ``CaptureStyle``, ``Role``, ``Consent``, ``LicenceStatus``, ``Comparator``,
``KpiScope``, ``Status``, ``AgeBand``, ``ConsentItem``; ``Slug`` (the id pattern) and
``ClockTime`` (HH:MM).

Links are by id and are checked after validation (``coulisses.campaign.refs``); platform ids
are the registry's (``coulisses platforms``). ``Campaign.where(loc)`` gives the line and column
of any value when the campaign was read from a file (``coulisses.campaign.load``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from coulisses.campaign.positions import Loc, SourceMap

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, min_length=1, max_length=64,
                            description="an id: lower-case letters, digits and dashes")]
PlatformId = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=64,
                                  description="a platform id from `coulisses platforms`")]
Text = Annotated[str, Field(max_length=4000)]
Seconds = Annotated[float, Field(gt=0, le=36000, description="a duration in seconds")]
CLOCK_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
ClockTime = Annotated[str, Field(pattern=CLOCK_PATTERN, description="a time of day, HH:MM")]

Goal = Literal["awareness", "acquisition", "conversion", "retention", "credibility"]
BtsKind = Literal["preparation", "craft", "effort", "failure", "doubt", "laughter", "teaser",
                  "reveal"]
CaptureStyle = Literal["raw", "spontaneous", "staged", "polished"]
Role = Literal["talent", "crew", "extra"]
Consent = Literal["granted", "pending", "refused", "none"]
LicenceStatus = Literal["licensed", "pending", "refused", "none"]
Comparator = Literal[">=", ">", "<=", "<", "="]
KpiScope = Literal["all", "campaign", "bts"]
Status = Literal["planned", "in-edit", "in-review", "approved", "published"]
DUE_LEAD_DAYS = 2  # an asset is due this many days before it is published, unless it says


def check_zone(name: str) -> str:
    """``name`` when it is an IANA time zone (or UTC), in its canonical spelling.

    Raises:
        PydanticCustomError: an unknown zone, with a "did you mean" hint.
    """
    import zoneinfo

    if name.upper() == "UTC":
        return "UTC"
    try:
        zoneinfo.ZoneInfo(name)
        return name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        pass
    import difflib

    known = sorted(zoneinfo.available_timezones())
    exact = [z for z in known if z.lower() == name.lower()]
    close = exact or difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise PydanticCustomError("unknown_time_zone", "'{zone}' is not a time zone", {
        "zone": name, "hint": hint + "use an IANA name such as Europe/Paris, "
                                     "America/New_York or UTC"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Brand(_Model):
    """Who the campaign speaks for."""

    name: Text = Field(min_length=1, description="the brand's name as the audience knows it")
    handle: str | None = Field(default=None, max_length=100,
                               description="the brand's social handle, e.g. @primevideofr")
    voice: Text | None = Field(default=None, description="how the brand sounds, in a sentence")


class Period(_Model):
    """When the campaign runs (inclusive)."""

    start: dt.date = Field(description="first day of the campaign, YYYY-MM-DD")
    end: dt.date = Field(description="last day of the campaign, YYYY-MM-DD")


class Kpi(_Model):
    """One measurable indicator with its target."""

    id: Slug
    metric: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64, description=(
        "what is measured: a canonical metric of the analytics store (views, reach, likes, "
        "comments, shares, saves, follows, completion_rate, avg_watch_time_s, clicks, ...) "
        "or the team's own, e.g. casting_entries"))
    comparator: Comparator = Field(default=">=", description="how the result meets the target")
    target: float | None = Field(default=None, description="the value to reach; a KPI without "
                                 "one is flagged by the health report")
    unit: str = Field(default="count", max_length=32,
                      description="unit of the target: count, percent, seconds, eur, ...")
    scope: KpiScope = Field(default="all", description=(
        "what it measures: the campaign's own posts, the behind-the-scenes posts, or all"))
    platform: PlatformId | None = Field(default=None,
                                        description="measured on this platform only")
    by: dt.date | None = Field(default=None, description="date the target should be met")
    description: Text | None = Field(default=None, description="why this KPI, in a sentence")


class Objective(_Model):
    """A business objective the campaign serves, with the KPIs that show it."""

    id: Slug
    goal: Goal = Field(description="awareness, acquisition, conversion, retention or "
                       "credibility")
    summary: Text = Field(min_length=1, description="the objective in one sentence")
    kpis: tuple[Kpi, ...] = Field(default=(), description="indicators and targets")


class Beat(_Model):
    """One step of the campaign's story."""

    id: Slug
    title: Text = Field(min_length=1, description="the beat in a few words")
    summary: Text = Field(default="", description="what happens in this beat")
    after: tuple[Slug, ...] = Field(default=(), description="ids of beats that come before it")


class Deliverable(_Model):
    """One video to publish: a platform, one of its formats, a length and a date."""

    id: Slug
    platform: PlatformId = Field(description="where it is published (a platform id)")
    format: Slug = Field(description="id of a format planned for that platform")
    duration_s: Seconds = Field(description="planned length in seconds")
    publish: dt.date | None = Field(default=None, description="publication date, YYYY-MM-DD")
    publish_time: ClockTime | None = Field(default=None, description=(
        "time it goes out, HH:MM in the campaign's time zone; default: the platform's "
        "publish_time, else the whole day"))
    due: dt.date | None = Field(default=None, description=(
        f"day the finished video is due; default: {DUE_LEAD_DAYS} days before publication"))
    status: Status = Field(default="planned", description=(
        "where it stands: planned, in-edit, in-review, approved or published"))
    caption: Text | None = Field(default=None, description="working caption or hook")

    @field_validator("publish_time")
    @classmethod
    def _time_needs_a_date(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and "publish" in info.data and info.data["publish"] is None:
            raise PydanticCustomError("time_without_date", "a publish time needs a publish "
                                      "date", {"hint": "add `publish: YYYY-MM-DD`"})
        return value

    @field_validator("due")
    @classmethod
    def _due_before_publish(cls, value: dt.date | None,
                            info: ValidationInfo) -> dt.date | None:
        publish = info.data.get("publish")
        if value is not None and publish is not None and value > publish:
            raise PydanticCustomError(
                "due_after_publish", "due on {due}, after its publication on {publish}",
                {"due": value.isoformat(), "publish": publish.isoformat(),
                 "hint": "a video is due on or before the day it is published"})
        return value


class Episode(_Model):
    """One episode of a series."""

    id: Slug
    number: int = Field(ge=1, le=1000, description="position in the series, from 1")
    title: Text = Field(min_length=1, description="the episode's title")
    beats: tuple[Slug, ...] = Field(default=(), description="ids of the story beats it tells")
    duration_s: Seconds = Field(description="planned length in seconds")
    shoot_day: Slug | None = Field(default=None, description="id of the shoot day it is "
                                   "filmed on")
    people: tuple[Slug, ...] = Field(default=(), description="ids of the people on screen")
    music: tuple[Slug, ...] = Field(default=(), description="ids of the music it uses")
    deliverables: tuple[Deliverable, ...] = Field(default=(), description="what is published")


class Series(_Model):
    """A series of episodes, e.g. 12 vertical episodes of at most 60 s."""

    id: Slug
    title: Text = Field(min_length=1, description="the series' title")
    platform: PlatformId = Field(description="the platform it is made for")
    episodes_planned: int = Field(ge=1, le=1000, description="how many episodes it will have")
    max_seconds: Seconds = Field(description="the longest an episode may be")
    episodes: tuple[Episode, ...] = Field(default=(), description="the episodes written so far")


class BtsItem(_Model):
    """One piece of the behind-the-scenes story: what to capture, when, and what it shows."""

    id: Slug
    title: Text = Field(min_length=1, description="the moment in a few words")
    capture: Text = Field(min_length=1, description="what to film, for the crew on the day")
    kind: BtsKind = Field(description=(
        "what it shows: preparation, craft, effort, failure, doubt, laughter, teaser, reveal"))
    style: CaptureStyle = Field(description=(
        "how it is filmed: raw or spontaneous (phone, no set-up), staged, or polished"))
    beats: tuple[Slug, ...] = Field(default=(), description="ids of the story beats it extends")
    shoot_day: Slug | None = Field(default=None, description="id of the shoot day it is "
                                   "captured on")
    after: tuple[Slug, ...] = Field(default=(), description=(
        "ids of behind-the-scenes items published before it (a teaser before its reveal)"))
    people: tuple[Slug, ...] = Field(default=(), description="ids of the people on screen")
    music: tuple[Slug, ...] = Field(default=(), description="ids of the music it uses")
    deliverables: tuple[Deliverable, ...] = Field(default=(), description="what is published")


class Format(_Model):
    """A format the team plans on a platform."""

    id: Slug
    name: Text = Field(min_length=1, description="e.g. vertical episode, carousel reel")
    native: bool = Field(default=True, description=(
        "made for this platform (true) or reposted from another one (false)"))
    max_seconds: Seconds | None = Field(default=None, description="the longest it may be")
    description: Text | None = Field(default=None, description="what it looks like")


class Cadence(_Model):
    """How often the platform gets a post."""

    posts_per_week: float = Field(gt=0, le=50, description="planned rhythm")
    max_gap_days: int | None = Field(default=None, ge=1, le=365, description=(
        "longest silence allowed between two posts; default: twice the rhythm's interval"))


class PlatformPlan(_Model):
    """A platform the campaign publishes on, with its tone and formats."""

    platform: PlatformId = Field(description="a platform id from `coulisses platforms`")
    tone: Text = Field(min_length=1, description=(
        "how the BTS sounds here, e.g. fast and fun, aesthetic, craft and know-how"))
    formats: tuple[Format, ...] = Field(default=(), description="formats planned here")
    cadence: Cadence | None = Field(default=None, description="publishing rhythm")
    bts_max_seconds: Seconds | None = Field(default=None, description=(
        "longest a BTS video should be here; default: the platform's sweet spot"))
    publish_time: ClockTime | None = Field(default=None, description=(
        "usual time posts go out here, HH:MM in the campaign's time zone; a deliverable's "
        "own publish_time wins"))


class Location(_Model):
    """A place where the team shoots."""

    id: Slug
    name: Text = Field(min_length=1, description="the place's name")
    address: Text | None = Field(default=None, description="where it is")
    notes: Text | None = Field(default=None, description="access, power, permits")


class ShootDay(_Model):
    """A day of shooting."""

    id: Slug
    date: dt.date = Field(description="YYYY-MM-DD")
    location: Slug = Field(description="id of the location")
    call: ClockTime | None = Field(default=None, description="crew call time, HH:MM")
    wrap: ClockTime | None = Field(default=None, description=(
        "when the day ends, HH:MM, after the call; default: 10 hours after the call"))
    notes: Text | None = Field(default=None, description="what the day is for")

    @field_validator("wrap")
    @classmethod
    def _wrap_after_call(cls, value: str | None, info: ValidationInfo) -> str | None:
        call = info.data.get("call")
        if value is not None and call is not None and value <= call:
            raise PydanticCustomError(
                "wrap_before_call", "wrap {wrap} is not after the call time {call}",
                {"wrap": value, "call": call,
                 "hint": "a shoot day wraps on the day it starts; for a night shoot, "
                         "end it at 23:59 and add the next day"})
        return value


class Release(_Model):
    """A signed image release."""

    signed_on: dt.date | None = Field(default=None, description="date it was signed")
    reference: str | None = Field(default=None, max_length=200,
                                  description="where the signed document is filed")
    platforms: tuple[PlatformId, ...] = Field(default=(), description=(
        "platforms it covers; empty means every platform"))
    expires: dt.date | None = Field(default=None, description="last day it is valid")


class Guardian(_Model):
    """A minor's legal guardian and their consent."""

    name: Text = Field(min_length=1, description="the guardian's name")
    consent: Consent = Field(description="granted, pending, refused or none")
    signed_on: dt.date | None = Field(default=None, description="date they signed")


class Person(_Model):
    """Someone who may appear on screen."""

    id: Slug
    name: Text = Field(min_length=1, description="name or stage name")
    role: Role = Field(description="talent, crew or extra")
    minor: bool = Field(default=False, description="under 18: needs a guardian's consent")
    consent: Consent = Field(description="their own consent: granted, pending, refused, none")
    release: Release | None = Field(default=None, description="the signed release, if any")
    guardian: Guardian | None = Field(default=None, description="for minors")

    @model_validator(mode="after")
    def _guardian_for_minors(self) -> Person:
        if self.guardian is not None and not self.minor:
            raise ValueError("a guardian is only for minors: set `minor: true` or remove it")
        return self


class Licence(_Model):
    """Whether a piece of music may be used on one platform."""

    platform: PlatformId = Field(description="a platform id")
    status: LicenceStatus = Field(description="licensed, pending, refused or none")
    reference: str | None = Field(default=None, max_length=200,
                                  description="contract or library reference")
    expires: dt.date | None = Field(default=None, description="last day it is valid")


class Music(_Model):
    """A track the videos use, with its licence per platform."""

    id: Slug
    title: Text = Field(min_length=1, description="track title")
    artist: Text | None = Field(default=None, description="artist or library")
    licences: tuple[Licence, ...] = Field(default=(), description="one per platform")


AgeBand = Literal["under-13", "13-14", "15", "16-17", "18-24", "25-34", "35-49", "50+"]
ConsentItem = Literal["data", "release", "scope"]


class ConsentScope(_Model):
    """What an entrant's image and voice release lets the team do with an entry."""

    platforms: tuple[PlatformId, ...] = Field(default=(), description=(
        "where entries may be published; empty means every platform of the campaign"))
    paid_media: bool = Field(default=False, description="whether entries may be used in paid ads")
    months: int = Field(default=12, ge=1, le=120, description="how long the release lasts")


class Eligibility(_Model):
    """Who may enter a challenge."""

    age_bands: tuple[AgeBand, ...] = Field(default=(), description=(
        "declared age bands accepted; empty means every band"))
    countries: tuple[str, ...] = Field(default=(), description=(
        "ISO 3166 alpha-2 country codes accepted, e.g. FR, BE; empty means anywhere"))


class Challenge(_Model):
    """A public call for entries (a casting call, a duet challenge): brief, rules, consents."""

    id: Slug
    title: Text = Field(min_length=1, description="the challenge's public title")
    brief: Text = Field(min_length=1, description=(
        "what entrants must do, in the team's words; entries are scored against it"))
    rules: Text = Field(default="", description="the rules shown to entrants")
    opens: dt.date = Field(description="first day entries are taken, YYYY-MM-DD")
    closes: dt.date = Field(description="last day entries are taken, YYYY-MM-DD")
    eligibility: Eligibility = Field(default_factory=Eligibility, description="who may enter")
    formats: tuple[str, ...] = Field(default=("mp4", "mov", "webm", "m4v"), description=(
        "accepted file extensions"))
    min_duration_s: float = Field(default=3.0, ge=0, le=3600,
                                  description="shortest accepted entry, seconds")
    max_duration_s: float = Field(default=60.0, gt=0, le=3600,
                                  description="longest accepted entry, seconds")
    min_height: int = Field(default=480, ge=1, le=4320, description=(
        "smallest accepted shorter side, pixels"))
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$", description=(
        "the entries' spoken language; empty means detected per entry"))
    consents: tuple[ConsentItem, ...] = Field(default=("data", "release", "scope"), description=(
        "the consents collected, each a separate item: data processing, image and voice "
        "release, scope of use"))
    scope: ConsentScope = Field(default_factory=ConsentScope,
                                description="the scope of use entrants agree to")
    shortlist: int = Field(default=10, ge=1, le=1000, description="how many to shortlist")
    min_relevance: float = Field(default=0.5, ge=0, le=1, description=(
        "entries whose speech scores below this against the brief are off brief and not "
        "shortlisted; 0 for challenges without speech (a dance, a silent trick)"))
    diversity: tuple[str, ...] = Field(default=(), description=(
        "declared fields the shortlist is spread across, e.g. city, age_band"))
    public_vote: bool = Field(default=False,
                              description="whether the public votes on the shortlist")

    @model_validator(mode="after")
    def _ordered(self) -> Challenge:
        if self.closes < self.opens:
            raise PydanticCustomError("challenge_dates", "closes is before opens")
        if self.max_duration_s < self.min_duration_s:
            raise PydanticCustomError("challenge_durations",
                                      "max_duration_s is shorter than min_duration_s")
        return self



class Campaign(_Model):
    """A campaign and its behind-the-scenes story: the whole file."""

    version: Literal[1] = Field(description="the file format's version: 1")
    id: Slug = Field(description="the campaign's id (analytics are matched to it)")
    name: Text = Field(min_length=1, description="the campaign's name")
    language: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$",
                          description="language of the content, e.g. fr or en-GB")
    timezone: str = Field(default="UTC", max_length=64, description=(
        "IANA time zone of the file's times (call, wrap, publish), e.g. Europe/Paris; "
        "default UTC"))
    brand: Brand = Field(description="the brand")
    period: Period = Field(description="when it runs")
    summary: Text | None = Field(default=None, description="the idea in two sentences")
    objectives: tuple[Objective, ...] = Field(min_length=1, description=(
        "what it must achieve, each with KPIs and targets"))
    beats: tuple[Beat, ...] = Field(default=(), description="the story, beat by beat")
    series: tuple[Series, ...] = Field(default=(), description="series and their episodes")
    bts: tuple[BtsItem, ...] = Field(default=(), description=(
        "the behind-the-scenes story, linked to beats"))
    platforms: tuple[PlatformPlan, ...] = Field(min_length=1, description=(
        "where it is published, with tone, formats and cadence"))
    locations: tuple[Location, ...] = Field(default=(), description="where it is shot")
    shoot_days: tuple[ShootDay, ...] = Field(default=(), description="when it is shot")
    people: tuple[Person, ...] = Field(default=(), description="who appears, with consent")
    music: tuple[Music, ...] = Field(default=(), description="tracks and their licences")
    challenges: tuple[Challenge, ...] = Field(default=(), description=(
        "public calls for entries: casting calls, challenges"))

    _source: SourceMap | None = PrivateAttr(default=None)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_zone(value)

    @property
    def source(self) -> SourceMap | None:
        """Where the campaign was read from, when it came from a file."""
        return self._source

    def where(self, loc: Loc) -> tuple[int, int] | None:
        """The (line, column) of ``loc`` (e.g. ``("bts", 3, "beats")``) in the source file,
        or of its nearest written parent; None when the campaign was not read from a file."""
        return self._source.where(loc) if self._source is not None else None

    def deliverables(self) -> list[tuple[Loc, Deliverable]]:
        """Every deliverable in the file with its location path, episodes first."""
        out: list[tuple[Loc, Deliverable]] = []
        for s, series in enumerate(self.series):
            for e, episode in enumerate(series.episodes):
                for d, item in enumerate(episode.deliverables):
                    out.append((("series", s, "episodes", e, "deliverables", d), item))
        for b, bts in enumerate(self.bts):
            for d, item in enumerate(bts.deliverables):
                out.append((("bts", b, "deliverables", d), item))
        return out
