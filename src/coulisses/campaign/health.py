"""The campaign health report: the seeds' lessons as rules, each finding located in the file.

Rule wording, severities and the data they use (BTS sweet spots per platform, difficult kinds,
raw styles) live in ``data/health.yaml``; each rule here yields where it fires and the values
its message needs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

from coulisses.campaign.positions import Loc
from coulisses.campaign.schema import Campaign, Deliverable

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """One thing the health report says about a campaign."""

    rule: str
    severity: Severity
    message: str
    line: int | None
    column: int | None
    hint: str | None
    loc: tuple[str | int, ...]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleText(_Frozen):
    severity: Severity
    en: str
    fr: str
    hint_en: str
    hint_fr: str
    why: str


class SweetSpot(_Frozen):
    min: float
    max: float
    source: str


class HealthData(_Frozen):
    sweet_spots: dict[str, SweetSpot]
    difficult_kinds: tuple[str, ...]
    raw_styles: tuple[str, ...]
    rules: dict[str, RuleText]


@cache
def health_data() -> HealthData:
    """The packaged rule data (validated once)."""
    text = (resources.files("coulisses.campaign") / "data" / "health.yaml").read_text("utf-8")
    return HealthData.model_validate(yaml.safe_load(text))


Hit = tuple[Loc, dict[str, Any]]
Rule = Callable[[Campaign, HealthData], Iterator[Hit]]
RULES: dict[str, Rule] = {}


def rule(rule_id: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[rule_id] = fn
        return fn
    return register


def check_health(campaign: Campaign, *, lang: str = "en") -> list[Finding]:
    """Every finding of every rule on ``campaign``, in file order, worded in ``lang``."""
    data = health_data()
    findings: list[Finding] = []
    for rule_id, fn in RULES.items():
        text = data.rules[rule_id]
        message, hint = (text.fr, text.hint_fr) if lang == "fr" else (text.en, text.hint_en)
        for loc, values in fn(campaign, data):
            line, column = campaign.where(loc) or (None, None)
            findings.append(Finding(rule_id, text.severity, message.format(**values), line,
                                    column, hint.format(**values), tuple(loc)))
    return sorted(findings, key=lambda f: (f.line or 0, f.column or 0, f.rule))


# --- the shots: episodes and BTS items, with what they show and where they go -----------

@dataclass(frozen=True)
class _Shot:
    loc: Loc
    id: str
    people: tuple[str, ...]
    music: tuple[str, ...]
    shoot_day: str | None
    deliverables: tuple[Deliverable, ...]


def _shots(c: Campaign) -> Iterator[_Shot]:
    for s, series in enumerate(c.series):
        for e, ep in enumerate(series.episodes):
            yield _Shot(("series", s, "episodes", e), ep.id, ep.people, ep.music, ep.shoot_day,
                        ep.deliverables)
    for i, item in enumerate(c.bts):
        yield _Shot(("bts", i), item.id, item.people, item.music, item.shoot_day,
                    item.deliverables)


def _first_publish(items: tuple[Deliverable, ...]) -> dt.date | None:
    dates = [d.publish for d in items if d.publish is not None]
    return min(dates) if dates else None


# --- the rules ----------------------------------------------------------------------------

@rule("bts-missing")
def _bts_missing(c: Campaign, data: HealthData) -> Iterator[Hit]:
    if not c.bts:
        yield ("bts",), {}


@rule("bts-no-beat")
def _bts_no_beat(c: Campaign, data: HealthData) -> Iterator[Hit]:
    for i, item in enumerate(c.bts):
        if not item.beats:
            yield ("bts", i, "id"), {"item": item.id}


@rule("bts-too-long")
def _bts_too_long(c: Campaign, data: HealthData) -> Iterator[Hit]:
    own = {p.platform: p.bts_max_seconds for p in c.platforms}
    for i, item in enumerate(c.bts):
        for d, out in enumerate(item.deliverables):
            spot = data.sweet_spots.get(out.platform, data.sweet_spots["default"])
            limit = own.get(out.platform) or spot.max
            if out.duration_s > limit:
                yield (("bts", i, "deliverables", d, "duration_s"),
                       {"item": out.id, "seconds": out.duration_s, "platform": out.platform,
                        "limit": limit})


@rule("only-positive")
def _only_positive(c: Campaign, data: HealthData) -> Iterator[Hit]:
    if c.bts and not any(item.kind in data.difficult_kinds for item in c.bts):
        yield ("bts",), {}


@rule("no-raw-capture")
def _no_raw(c: Campaign, data: HealthData) -> Iterator[Hit]:
    if c.bts and not any(item.style in data.raw_styles for item in c.bts):
        yield ("bts",), {}


@rule("objective-no-kpi")
def _objective_no_kpi(c: Campaign, data: HealthData) -> Iterator[Hit]:
    for i, obj in enumerate(c.objectives):
        if not obj.kpis:
            yield ("objectives", i, "id"), {"objective": obj.id}


@rule("kpi-no-target")
def _kpi_no_target(c: Campaign, data: HealthData) -> Iterator[Hit]:
    for i, obj in enumerate(c.objectives):
        for k, kpi in enumerate(obj.kpis):
            if kpi.target is None:
                yield ("objectives", i, "kpis", k, "id"), {"kpi": kpi.id, "metric": kpi.metric}


@rule("bts-no-kpi")
def _bts_no_kpi(c: Campaign, data: HealthData) -> Iterator[Hit]:
    if c.bts and not any(k.scope == "bts" for o in c.objectives for k in o.kpis):
        yield ("objectives",), {}


@rule("platform-no-native")
def _platform_no_native(c: Campaign, data: HealthData) -> Iterator[Hit]:
    used = {(d.platform, d.format) for _, d in c.deliverables()}
    for i, plan in enumerate(c.platforms):
        if not any(f.native and (plan.platform, f.id) in used for f in plan.formats):
            yield ("platforms", i, "platform"), {"platform": plan.platform}


@rule("reveal-before-teaser")
def _reveal_before_teaser(c: Campaign, data: HealthData) -> Iterator[Hit]:
    items = {b.id: b for b in c.bts}
    for i, item in enumerate(c.bts):
        reveal = _first_publish(item.deliverables)
        if item.kind != "reveal" or reveal is None:
            continue
        teasers = {t for t in item.after if t in items and items[t].kind == "teaser"}
        teasers |= {b.id for b in c.bts if b.kind == "teaser" and set(b.beats) & set(item.beats)}
        for tid in sorted(teasers):
            teased = _first_publish(items[tid].deliverables)
            if teased is not None and teased >= reveal:
                yield ("bts", i, "deliverables"), {"item": item.id, "reveal": reveal,
                                                   "teaser": tid, "teased": teased}


@rule("consent-missing")
def _consent(c: Campaign, data: HealthData) -> Iterator[Hit]:
    people = {p.id: p for p in c.people}
    for shot in _shots(c):
        for j, pid in enumerate(shot.people):
            person = people.get(pid)
            if person is None:
                continue
            detail = None
            if person.consent != "granted":
                detail = f"consent: {person.consent}"
            elif person.minor and person.guardian is None:
                detail = "minor, no guardian"
            elif person.minor and person.guardian is not None and \
                    person.guardian.consent != "granted":
                detail = f"minor, guardian consent: {person.guardian.consent}"
            if detail:
                yield (*shot.loc, "people", j), {"person": pid, "item": shot.id, "detail": detail}


@rule("release-scope")
def _release_scope(c: Campaign, data: HealthData) -> Iterator[Hit]:
    people = {p.id: p for p in c.people}
    for shot in _shots(c):
        for j, pid in enumerate(shot.people):
            person = people.get(pid)
            release = person.release if person is not None else None
            if release is None:
                continue
            for out in shot.deliverables:
                outside = bool(release.platforms) and out.platform not in release.platforms
                late = release.expires is not None and out.publish is not None and \
                    out.publish > release.expires
                if outside or late:
                    yield (*shot.loc, "people", j), {"person": pid, "platform": out.platform,
                                                     "date": out.publish, "item": shot.id}


@rule("music-unlicensed")
def _music(c: Campaign, data: HealthData) -> Iterator[Hit]:
    tracks = {m.id: m for m in c.music}
    for shot in _shots(c):
        for j, mid in enumerate(shot.music):
            track = tracks.get(mid)
            if track is None:
                continue
            for platform in sorted({d.platform for d in shot.deliverables}):
                dates = [d.publish for d in shot.deliverables
                         if d.platform == platform and d.publish is not None]
                ok = any(lic.platform == platform and lic.status == "licensed" and (
                    lic.expires is None or all(day <= lic.expires for day in dates))
                    for lic in track.licences)
                if not ok:
                    yield (*shot.loc, "music", j), {"music": mid, "platform": platform,
                                                    "item": shot.id}


@rule("cadence-gap")
def _cadence_gap(c: Campaign, data: HealthData) -> Iterator[Hit]:
    for plan in c.platforms:
        if plan.cadence is None:
            continue
        limit = plan.cadence.max_gap_days or math.ceil(2 * 7 / plan.cadence.posts_per_week)
        dated = sorted(((d.publish, loc) for loc, d in c.deliverables()
                        if d.platform == plan.platform and d.publish is not None),
                       key=lambda pair: pair[0])
        for (before, _), (after, loc) in itertools.pairwise(dated):
            days = (after - before).days
            if days > limit:
                yield (*loc, "publish"), {"days": days, "platform": plan.platform,
                                          "date": after, "limit": limit}


@rule("cadence-empty")
def _cadence_empty(c: Campaign, data: HealthData) -> Iterator[Hit]:
    dated = {d.platform for _, d in c.deliverables() if d.publish is not None}
    for i, plan in enumerate(c.platforms):
        if plan.cadence is not None and plan.platform not in dated:
            yield ("platforms", i, "cadence"), {"platform": plan.platform}


@rule("published-before-shot")
def _before_shot(c: Campaign, data: HealthData) -> Iterator[Hit]:
    days: Mapping[str, dt.date] = {d.id: d.date for d in c.shoot_days}
    for shot in _shots(c):
        shot_on = days.get(shot.shoot_day or "")
        for d, out in enumerate(shot.deliverables):
            if shot_on is not None and out.publish is not None and out.publish < shot_on:
                yield (*shot.loc, "deliverables", d, "publish"), {
                    "deliverable": out.id, "date": out.publish, "shot": shot_on}


@rule("outside-period")
def _outside_period(c: Campaign, data: HealthData) -> Iterator[Hit]:
    start, end = c.period.start, c.period.end
    for loc, out in c.deliverables():
        if out.publish is not None and not start <= out.publish <= end:
            yield (*loc, "publish"), {"deliverable": out.id, "date": out.publish,
                                      "start": start, "end": end}
