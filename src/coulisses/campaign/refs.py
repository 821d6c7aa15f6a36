"""Links between the parts of a campaign: unique ids, no dangling link, no cycle.

``check_refs(campaign, platform_ids)`` returns every problem as a located ``CampaignError``;
the loader raises them together.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping, Sequence

from coulisses.campaign.positions import Loc, SourceMap
from coulisses.campaign.schema import Campaign, Location, Music, Person, ShootDay
from coulisses.errors import CampaignError


def suggest(value: str, known: Iterable[str]) -> str | None:
    """A "did you mean" hint for ``value`` among ``known``, or the list when short."""
    options = sorted(set(known))
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    if not options:
        return None
    if len(options) <= 12:
        return "known: " + ", ".join(options)
    return f"known: {', '.join(options[:12])}, ... ({len(options)} in all)"


class _Checker:
    def __init__(self, campaign: Campaign, platform_ids: Collection[str]) -> None:
        self.c = campaign
        self.platform_ids = platform_ids
        self.src = campaign.source or SourceMap(None)
        self.problems: list[CampaignError] = []

    def add(self, message: str, loc: Loc, hint: str | None = None) -> None:
        self.problems.append(self.src.error(message, loc, hint=hint))

    def ids(self) -> None:
        seen: dict[str, Loc] = {}
        for loc, value in _all_ids(self.c):
            if value in seen:
                where = self.src.where(seen[value])
                line = f" (line {where[0]})" if where else ""
                self.add(f"id {value!r} is used twice: first{line}", (*loc, "id"),
                         "every id in a campaign file must be unique")
            else:
                seen[value] = loc

    def link(self, value: str, loc: Loc, known: Collection[str], what: str) -> None:
        if value not in known:
            self.add(f"{what} {value!r} does not exist", loc, suggest(value, known))

    def links(self) -> None:
        c = self.c
        beats = {b.id for b in c.beats}
        bts = {b.id for b in c.bts}
        days = {d.id for d in c.shoot_days}
        places = {p.id for p in c.locations}
        people = {p.id for p in c.people}
        music = {m.id for m in c.music}
        for i, beat in enumerate(c.beats):
            for j, ref in enumerate(beat.after):
                self.link(ref, ("beats", i, "after", j), beats, "beat")
        for i, shoot in enumerate(c.shoot_days):
            self.link(shoot.location, ("shoot_days", i, "location"), places, "location")
        shots: list[tuple[Loc, Sequence[str], Sequence[str], str | None]] = []
        for s, series in enumerate(c.series):
            for e, ep in enumerate(series.episodes):
                loc: Loc = ("series", s, "episodes", e)
                shots.append((loc, ep.people, ep.music, ep.shoot_day))
                for j, ref in enumerate(ep.beats):
                    self.link(ref, (*loc, "beats", j), beats, "beat")
        for i, item in enumerate(c.bts):
            loc = ("bts", i)
            shots.append((loc, item.people, item.music, item.shoot_day))
            for j, ref in enumerate(item.beats):
                self.link(ref, (*loc, "beats", j), beats, "beat")
            for j, ref in enumerate(item.after):
                self.link(ref, (*loc, "after", j), bts, "behind-the-scenes item")
        for loc, who, tracks, day in shots:
            for j, ref in enumerate(who):
                self.link(ref, (*loc, "people", j), people, "person")
            for j, ref in enumerate(tracks):
                self.link(ref, (*loc, "music", j), music, "music")
            if day is not None:
                self.link(day, (*loc, "shoot_day"), days, "shoot day")

    def platforms(self) -> None:
        c = self.c
        planned: dict[str, set[str]] = {}
        for i, plan in enumerate(c.platforms):
            self._platform(plan.platform, ("platforms", i, "platform"))
            if plan.platform in planned:
                self.add(f"platform {plan.platform!r} is planned twice", ("platforms", i),
                         "merge its formats into one entry")
            planned[plan.platform] = {f.id for f in plan.formats}
        for i, series in enumerate(c.series):
            self._platform(series.platform, ("series", i, "platform"))
        for loc, item in c.deliverables():
            if item.platform not in planned:
                hint = suggest(item.platform, planned) if item.platform in self.platform_ids \
                    else suggest(item.platform, self.platform_ids)
                self.add(f"platform {item.platform!r} is not in this campaign's platforms",
                         (*loc, "platform"), hint)
            elif item.format not in planned[item.platform]:
                self.add(f"format {item.format!r} is not planned on {item.platform}",
                         (*loc, "format"), suggest(item.format, planned[item.platform]))
        for i, obj in enumerate(c.objectives):
            for k, kpi in enumerate(obj.kpis):
                if kpi.platform is not None:
                    self._platform(kpi.platform, ("objectives", i, "kpis", k, "platform"))
        for i, track in enumerate(c.music):
            for j, lic in enumerate(track.licences):
                self._platform(lic.platform, ("music", i, "licences", j, "platform"))
        for i, person in enumerate(c.people):
            if person.release is not None:
                for j, pid in enumerate(person.release.platforms):
                    self._platform(pid, ("people", i, "release", "platforms", j))

    def _platform(self, value: str, loc: Loc) -> None:
        if self.platform_ids and value not in self.platform_ids:
            self.add(f"unknown platform {value!r}", loc, suggest(value, self.platform_ids))

    def series(self) -> None:
        for s, series in enumerate(self.c.series):
            if len(series.episodes) > series.episodes_planned:
                self.add(f"series {series.id!r} lists {len(series.episodes)} episodes but plans "
                         f"{series.episodes_planned}", ("series", s, "episodes_planned"),
                         "raise episodes_planned or remove episodes")
            numbers: set[int] = set()
            for e, ep in enumerate(series.episodes):
                loc = ("series", s, "episodes", e)
                if ep.number in numbers:
                    self.add(f"episode number {ep.number} is used twice in {series.id!r}",
                             (*loc, "number"))
                numbers.add(ep.number)
                if ep.number > series.episodes_planned:
                    self.add(f"episode {ep.number} is beyond the {series.episodes_planned} "
                             "planned", (*loc, "number"))
                if ep.duration_s > series.max_seconds:
                    self.add(f"episode {ep.id!r} lasts {ep.duration_s:g} s, more than the "
                             f"series' {series.max_seconds:g} s", (*loc, "duration_s"),
                             "shorten it or raise the series' max_seconds")

    def dates(self) -> None:
        p = self.c.period
        if p.end < p.start:
            self.add(f"the campaign ends ({p.end}) before it starts ({p.start})",
                     ("period", "end"))

    def cycles(self) -> None:
        beats = {b.id: b.after for b in self.c.beats}
        self._cycles(beats, "beats", {b.id: i for i, b in enumerate(self.c.beats)}, "beat")
        items = {b.id: b.after for b in self.c.bts}
        self._cycles(items, "bts", {b.id: i for i, b in enumerate(self.c.bts)},
                     "behind-the-scenes item")

    def _cycles(self, graph: Mapping[str, Sequence[str]], key: str, index: Mapping[str, int],
                what: str) -> None:
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        reported: set[frozenset[str]] = set()

        def visit(node: str, path: list[str]) -> None:
            state[node] = 1
            path.append(node)
            for nxt in graph.get(node, ()):
                if nxt not in graph:
                    continue  # dangling: reported by links()
                if state.get(nxt) == 1:
                    cycle = [*path[path.index(nxt):], nxt]
                    members = frozenset(cycle)
                    if members not in reported:
                        reported.add(members)
                        j = list(graph[node]).index(nxt)
                        self.add(f"{what}s form a cycle: {' -> '.join(cycle)}",
                                 (key, index[node], "after", j),
                                 "remove one of these `after` links")
                elif state.get(nxt) is None:
                    visit(nxt, path)
            path.pop()
            state[node] = 2

        for start in graph:
            if state.get(start) is None:
                visit(start, [])


def _all_ids(c: Campaign) -> Iterable[tuple[Loc, str]]:
    yield (), c.id
    for i, obj in enumerate(c.objectives):
        yield ("objectives", i), obj.id
        for k, kpi in enumerate(obj.kpis):
            yield ("objectives", i, "kpis", k), kpi.id
    for i, beat in enumerate(c.beats):
        yield ("beats", i), beat.id
    for s, series in enumerate(c.series):
        yield ("series", s), series.id
        for e, ep in enumerate(series.episodes):
            yield ("series", s, "episodes", e), ep.id
    for i, item in enumerate(c.bts):
        yield ("bts", i), item.id
    for loc, d in c.deliverables():
        yield loc, d.id
    for i, plan in enumerate(c.platforms):
        for j, fmt in enumerate(plan.formats):
            yield ("platforms", i, "formats", j), fmt.id
    groups: tuple[tuple[str, Sequence[Location | ShootDay | Person | Music]], ...] = (
        ("locations", c.locations), ("shoot_days", c.shoot_days), ("people", c.people),
        ("music", c.music))
    for key, seq in groups:
        for i, thing in enumerate(seq):
            yield (key, i), thing.id


def check_refs(campaign: Campaign, platform_ids: Collection[str] = ()) -> list[CampaignError]:
    """Every broken link of ``campaign``, located: duplicate ids, dangling links, cycles,
    unknown platforms or formats, episodes beyond their series. Empty when all is sound.

    ``platform_ids``: the registry's ids; empty skips the platform-id check.
    """
    checker = _Checker(campaign, platform_ids)
    checker.ids()
    checker.links()
    checker.platforms()
    checker.series()
    checker.dates()
    checker.cycles()
    return sorted(checker.problems, key=lambda e: (e.line or 0, e.column or 0))
