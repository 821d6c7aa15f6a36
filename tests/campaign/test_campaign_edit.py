"""Campaign forms write the same file: an edit changes only the lines of what it changed, the
comments and the order of everything else survive, and the loader reads the new value back."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import TypeVar

import pytest

from coulisses.campaign import edit
from coulisses.campaign.load import loads_campaign
from coulisses.campaign.template import example_names, example_text
from coulisses.errors import CampaignError, UsageError

NAMES = example_names()
T = TypeVar("T")


def _changed(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")
            or " # " in line]


def _first_and_last(found: Iterable[T]) -> list[T]:
    """The first and the last of a section's lists: nested sections have one list per parent
    (19 deliverables lists in one example), and each edit re-reads the whole file."""
    every = list(found)
    return every[:1] + every[1:][-1:]


def _keys(text: str) -> list[str]:
    return re.findall(r"^([a-z_]+):", text, re.M)


@pytest.mark.parametrize("name", NAMES)
def test_saving_every_form_unchanged_gives_the_file_back_byte_for_byte(name: str) -> None:
    text = example_text(name)
    doc = edit.parse(text)
    assert edit.splice(text, doc) == text
    for section in edit.SECTIONS.values():
        for path, _, items in _first_and_last(edit.lists(doc, section)):
            for i in sorted({0, len(items) - 1} - {-1}):  # the first and the last item
                item = items[i]
                values = {f.key: edit.show(item.get(f.key), f.kind) for f in section.fields}
                assert edit.edit(text, section.name, "save", path, i, values) == text, (
                    section.name, path, i)


@pytest.mark.parametrize("name", NAMES)
def test_an_edit_changes_its_item_only_and_keeps_comments_and_order(name: str) -> None:
    text = example_text(name)
    doc = edit.parse(text)
    for section in edit.SECTIONS.values():
        for path, _, items in _first_and_last(edit.lists(doc, section)):
            if not items:
                continue
            field = next((f for f in section.fields if f.kind == "text"), None)
            if field is None:
                continue
            after = edit.edit(text, section.name, "save", path, 0,
                              {field.key: "Édité : « oui », #2"})
            changed = _changed(text, after)
            assert 0 < len(changed) <= 8, (section.name, changed)
            assert _comments(after) == _comments(text), section.name
            assert _keys(after) == _keys(text)
            campaign = loads_campaign(after, f"{name}.yaml")
            node: object = campaign
            for step in (*path, 0):
                node = node[step] if isinstance(step, int) else getattr(node, str(step))
            assert getattr(node, field.key) == "Édité : « oui », #2"


@pytest.mark.parametrize("name", NAMES)
def test_add_and_remove_touch_only_their_item(name: str) -> None:
    text = example_text(name)
    doc = edit.parse(text)
    beats = [b["id"] for b in doc["beats"]]
    added = edit.edit(text, "beats", "add", ("beats",), None,
                      {"id": "epilogue", "title": "18:00 yes", "after": beats[-1]})
    campaign = loads_campaign(added, "x.yaml")
    assert campaign.beats[-1].id == "epilogue" and campaign.beats[-1].title == "18:00 yes"
    assert campaign.beats[-1].after == (beats[-1],)
    assert _comments(added) == _comments(text)
    removed = edit.edit(added, "beats", "remove", ("beats",), len(beats))
    assert [b.id for b in loads_campaign(removed, "x.yaml").beats] == beats
    assert _comments(removed) == _comments(text)


def test_typed_fields_are_read_as_the_loader_expects() -> None:
    text = example_text("casting-series-fr")
    after = edit.edit(text, "shoot_days", "save", ("shoot_days",), 0,
                      {"date": "2026-01-06", "call": "07:30", "notes": ""})
    day = loads_campaign(after, "x.yaml").shoot_days[0]
    assert str(day.date) == "2026-01-06" and day.call == "07:30"
    after = edit.edit(text, "people", "save", ("people",), 0, {"minor": "1"})
    assert loads_campaign(after, "x.yaml").people[0].minor is True
    after = edit.edit(text, "kpis", "save", ("objectives", 0, "kpis"), 0, {"target": "2,5e6"})
    assert loads_campaign(after, "x.yaml").objectives[0].kpis[0].target == 2_500_000
    for field, value in (("date", "demain"), ("call", "7h30")):
        with pytest.raises(UsageError):
            edit.edit(text, "shoot_days", "save", ("shoot_days",), 0, {field: value})
    with pytest.raises(UsageError):
        edit.edit(text, "beats", "save", ("beats",), 99, {"title": "x"})
    with pytest.raises(UsageError):
        edit.edit(text, "beats", "save", ("people",), 0, {"title": "x"})
    with pytest.raises(UsageError):
        edit.edit(text, "nothing", "save", ("beats",), 0, {})
    with pytest.raises(CampaignError):
        edit.parse("a: [unclosed\n")


def test_nested_deliverables_are_added_edited_and_removed_in_their_parent_only() -> None:
    """Two levels down (a series' episode's deliverables) and one (a BTS item's): each add,
    save and remove changes its own lines; comments and the rest stay byte for byte."""
    text = example_text("casting-series-fr")
    section = edit.SECTIONS["deliverables"]
    found = {path: (label, len(items)) for path, label, items in
             edit.lists(edit.parse(text), section)}
    episode = ("series", 0, "episodes", 1, "deliverables")
    item = ("bts", 1, "deliverables")
    assert found[episode] == ("cites › ep-02", 1) and found[item][1] == 3
    added = edit.edit(text, "deliverables", "add", episode, None, {
        "id": "ep-02-tt-bis", "platform": "tiktok", "format": "episode", "duration_s": "45",
        "publish": "2026-02-06", "status": "in-edit", "caption": "Deux : la suite"})
    assert _comments(added) == _comments(text)
    # only the episode holding the list changes (a flow mapping is written back on one line)
    assert all("ep-02" in line for line in _changed(text, added))
    episodes = loads_campaign(added, "x.yaml").series[0].episodes
    extra = episodes[1].deliverables[1]
    assert (extra.id, extra.duration_s, extra.status, extra.caption) == (
        "ep-02-tt-bis", 45, "in-edit", "Deux : la suite")
    saved = edit.edit(added, "deliverables", "save", item, 2, {"duration_s": "28,5"})
    assert len(_changed(added, saved)) == 2  # the one line out, the same line in
    assert loads_campaign(saved, "x.yaml").bts[1].deliverables[2].duration_s == 28.5
    removed = edit.edit(saved, "deliverables", "remove", episode, 1)
    assert [d.id for d in loads_campaign(removed, "x.yaml").series[0].episodes[1].deliverables
            ] == ["ep-02-tt"]
    assert all("ep-02" in line for line in _changed(saved, removed))
    with pytest.raises(UsageError, match="no deliverables list at"):
        edit.edit(text, "deliverables", "add", ("series", 0, "episodes", 99, "deliverables"))
