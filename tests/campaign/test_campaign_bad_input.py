"""Bad campaign files: a clear located error, never a crash, never code execution."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from campaignworld import healthy, line_of, to_yaml

from coulisses.campaign.load import MAX_BYTES, load_campaign, loads_campaign
from coulisses.errors import CampaignError


def _error(text: str, name: str = "bad.yaml") -> CampaignError:
    with pytest.raises(CampaignError) as info:
        loads_campaign(text, name)
    error = info.value
    assert error.exit_code == 3
    assert "\n" not in error.one_line()
    return error


def _edit(path: tuple[Any, ...], value: Any) -> str:
    data = healthy()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return to_yaml(data)


def test_malformed_yaml_is_located() -> None:
    text = "version: 1\nid: x\nbrand: {name: a\nperiod: 3\n"
    error = _error(text)
    assert error.one_line().startswith("bad.yaml:4:")
    assert "malformed YAML" in error.message


def test_bad_indentation_is_located_with_a_hint() -> None:
    error = _error("version: 1\nid: x\n  name: y\n")
    assert (error.line, error.column) == (3, 7)
    assert error.hint


def test_tabs_get_a_hint() -> None:
    error = _error("version: 1\nbrand:\n\tname: x\n")
    assert error.line == 3 and error.hint == "indent with spaces, not tabs"


def test_wrong_type_is_located() -> None:
    text = _edit(("bts", 0, "deliverables", 0, "duration_s"), "long")
    error = _error(text)
    line = line_of(text, "duration_s: long")
    assert (error.line, error.column) == (line, text.splitlines()[line - 1].index("dur") + 1)
    assert "bts[0].deliverables[0].duration_s" in error.message
    assert error.hint == "planned length in seconds"


def test_unknown_key_suggests_the_right_one() -> None:
    data = healthy()
    data["bts"][0]["shootday"] = "day-1"
    text = to_yaml(data)
    error = _error(text)
    assert error.line == line_of(text, "shootday:")
    assert "unknown key 'shootday'" in error.message
    assert error.hint is not None and error.hint.startswith("did you mean 'shoot_day'?")


def test_wrong_choice_lists_the_allowed_values() -> None:
    text = _edit(("bts", 0, "kind"), "fail")
    error = _error(text)
    assert error.line == line_of(text, "kind: fail")
    assert "'failure'" in error.message and error.hint == "did you mean 'failure'?"


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-01", "2025-02-29"])
def test_dates_that_do_not_exist_are_located(day: str) -> None:
    data = healthy()
    data["shoot_days"][0]["date"] = day
    text = to_yaml(data).replace(f"'{day}'", day)  # unquoted, as people write dates
    error = _error(text)
    assert (error.line, error.column) == (line_of(text, f"date: {day}"), 3)
    assert "not a date that exists" in error.message and "YYYY-MM-DD" in (error.hint or "")


def test_duplicate_ids_name_both_lines() -> None:
    data = healthy()
    data["bts"][1]["id"] = "hard-work"
    text = to_yaml(data)
    error = _error(text)
    first, second = (n for n, line in enumerate(text.splitlines(), 1)
                     if line == "- id: hard-work")
    assert error.line == second
    assert f"id 'hard-work' is used twice: first (line {first})" in error.message


def test_dangling_link_suggests_an_existing_id() -> None:
    text = _edit(("bts", 0, "beats"), ["setpu"])
    error = _error(text)
    assert error.line == line_of(text, "- setpu")
    assert error.message == "beat 'setpu' does not exist" and error.hint == "did you mean 'setup'?"


def test_cycles_report_their_path() -> None:
    data = healthy()
    data["beats"][0]["after"] = ["finale"]
    text = to_yaml(data)
    error = _error(text)
    assert "beats form a cycle: setup -> finale -> setup" in error.message
    assert error.line == line_of(text, "- setup", after="id: finale")


def test_every_problem_is_kept_on_the_error() -> None:
    data = healthy()
    data["bts"][0]["kind"] = "fail"
    data["bts"][1]["colour"] = "red"
    data["period"]["end"] = "2026-02-30"
    error = _error(to_yaml(data))
    assert len(error.errors) == 3
    assert "(and 2 more problems)" in error.message
    lines = [e.line for e in error.errors]
    assert all(lines) and lines == sorted(lines)


def test_a_10_mb_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("version: 1\nnotes: |\n" + ("  " + "x" * 98 + "\n") * 100_000)
    assert path.stat().st_size > 9_000_000
    started = time.perf_counter()
    with pytest.raises(CampaignError, match="at most 1024 KiB"):
        load_campaign(path)
    assert time.perf_counter() - started < 1.0  # refused by size, not parsed
    with pytest.raises(CampaignError, match="at most"):
        loads_campaign("x" * (MAX_BYTES + 1))


BILLION_LAUGHS = """\
version: 1
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""


def test_an_alias_bomb_is_refused_at_its_line() -> None:
    error = _error(BILLION_LAUGHS)
    assert "aliases" in error.message
    assert error.line == 8  # the 51st alias


def test_a_small_expanding_alias_chain_is_refused_by_the_value_budget() -> None:
    lines = ["version: 1", "l0: &l0 [" + ",".join(["x"] * 40) + "]"]
    for i in range(1, 6):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 8) + "]")
    error = _error("\n".join(lines) + "\n")
    assert "values once aliases are expanded" in error.message and error.line


def test_a_recursive_alias_is_refused() -> None:
    error = _error("version: 1\nloop: &x [1, *x]\n")
    assert "its own parent" in error.message and error.line == 2


def test_merge_keys_are_refused() -> None:
    error = _error("version: 1\nbase: &b {name: x}\nbrand:\n  <<: *b\n")
    assert "merge keys" in error.message and error.line == 4


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/name:os.system",
    "!!python/object:pathlib.Path {{}}",
    "!include secrets.yaml",
    "!!binary aGVsbG8=",
    "!!set {{a, b}}",
])
def test_tags_are_refused_and_never_run(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    text = "version: 1\nid: x\nname: " + tag.format(marker=marker) + "\n"
    error = _error(text)
    assert "is not allowed" in error.message
    assert (error.line, error.column) == (3, 7)
    assert not marker.exists()


def test_duplicate_keys_in_a_mapping_are_refused() -> None:
    error = _error("version: 1\nid: a\nid: b\n")
    assert "appears twice" in error.message and (error.line, error.column) == (3, 1)


def test_deep_nesting_is_refused() -> None:
    error = _error("version: 1\nx: " + "[" * 200 + "]" * 200 + "\n")
    assert "nested" in error.message and error.line == 2


@pytest.mark.parametrize(("text", "words", "line"), [
    ("", "empty", 1),
    ("# only a comment\n", "empty", 1),
    ("- a\n- b\n", "mapping", 1),
    ("id: x\nname: y\n", "no `version`", 1),
    ("version: 2\n", "newer", 1),
    ("version: one\n", "not a number", 1),
    ("version: 0\n", "not a campaign file version", 1),
    ("version: 1\n---\nversion: 1\n", "malformed YAML", 2),
])
def test_wrong_shapes_and_versions(text: str, words: str, line: int) -> None:
    error = _error(text)
    assert words in error.message and error.line == line


def test_missing_keys_name_what_is_needed() -> None:
    error = _error("version: 1\nid: x\n")
    messages = [e.message for e in error.errors]
    assert "the file needs `name`" in messages and "the file needs `platforms`" in messages
    assert all(e.line == 1 for e in error.errors)


def test_binary_and_unreadable_files(tmp_path: Path) -> None:
    binary = tmp_path / "photo.yaml"
    binary.write_bytes(b"version: 1\nname: \xff\xfe\x00\n")
    with pytest.raises(CampaignError, match="not UTF-8") as info:
        load_campaign(binary)
    assert info.value.line == 2
    with pytest.raises(CampaignError, match="cannot read"):
        load_campaign(tmp_path / "missing.yaml")
    with pytest.raises(CampaignError, match="cannot read"):
        load_campaign(tmp_path)


def test_yaml_words_do_not_become_booleans_or_base_60() -> None:
    data = healthy()
    data["shoot_days"][0]["call"] = "10:30"
    data["language"] = "no"
    text = to_yaml(data).replace("'10:30'", "10:30").replace("language: 'no'", "language: no")
    campaign = loads_campaign(text, "c.yaml")
    assert campaign.shoot_days[0].call == "10:30" and campaign.language == "no"
