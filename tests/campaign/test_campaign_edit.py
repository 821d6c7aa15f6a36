"""Campaign forms write the same file: an edit changes only the lines of what it changed, the
comments and the order of everything else survive, and the loader reads the new value back."""

from __future__ import annotations

import difflib
import re

import pytest

from coulisses.campaign import edit
from coulisses.campaign.load import loads_campaign
from coulisses.campaign.template import example_names, example_text
from coulisses.errors import CampaignError, UsageError

NAMES = example_names()


def _changed(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")
            or " # " in line]


def _keys(text: str) -> list[str]:
    return re.findall(r"^([a-z_]+):", text, re.M)


@pytest.mark.parametrize("name", NAMES)
def test_saving_every_form_unchanged_gives_the_file_back_byte_for_byte(name: str) -> None:
    text = example_text(name)
    doc = edit.parse(text)
    assert edit.splice(text, doc) == text
    for section in edit.SECTIONS.values():
        for path, _, items in edit.lists(doc, section):
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
        for path, _, items in edit.lists(doc, section):
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
