"""The rights gate: consent, minors' guardians, release scope and music licences; overrides
are logged with who, when and why, and never rewritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from planworld import load_world

from coulisses.campaign import rights
from coulisses.errors import RightsError, UsageError


def test_clear_deliverable_passes(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    rights.check(plan, plan.deliverable("ep-1-tiktok"))  # Ana has consented, no music


def test_person_without_consent_blocks(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    with pytest.raises(RightsError) as caught:
        rights.check(plan, plan.deliverable("installation-tiktok"))
    assert caught.value.exit_code == 7
    assert any("Sam Roux (sam) has not given consent" in r for r in caught.value.reasons)
    # the same clip without Sam in it passes
    rights.check(plan, plan.deliverable("installation-tiktok"), people=["ana"])


def test_minor_without_guardian_and_unlicensed_music_block(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    found = rights.reasons(plan, plan.deliverable("fou-rire-tiktok"))
    assert found == ["Lou (lou) is a minor without a guardian's consent"]
    # the theme is licensed for TikTok but only pending on Instagram
    reels = plan.deliverable("installation-reels")
    found = rights.reasons(plan, reels, people=["ana"], music=["theme"])
    assert found == ['music "Thème de l\'été" is not licensed for instagram-reels']
    assert rights.reasons(plan, reels, people=["nobody-known"], music=[]) == [
        "nobody-known is not among the campaign's people: no consent on file"]


def test_release_scope_and_expiry(tmp_path: Path) -> None:
    from planworld import CAMPAIGN_YAML

    text = CAMPAIGN_YAML.replace(
        "{id: ana, name: Ana Léger, role: talent, consent: granted}",
        "{id: ana, name: Ana Léger, role: talent, consent: granted,\n"
        "     release: {platforms: [tiktok], expires: 2026-06-09}}")
    _, _, plan = load_world(tmp_path, text)
    found = rights.reasons(plan, plan.deliverable("ep-1-tiktok"))
    assert found == ["Ana Léger (ana)'s release expires on 2026-06-09, before publication on "
                     "2026-06-10"]
    found = rights.reasons(plan, plan.deliverable("installation-reels"), people=["ana"])
    assert found == ["Ana Léger (ana)'s release does not cover instagram-reels",
                     "Ana Léger (ana)'s release expires on 2026-06-09, before publication on "
                     "2026-06-12"]


def test_override_needs_a_reason_and_is_appended(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    folder = tmp_path / "plan"
    asset = plan.deliverable("installation-tiktok")
    with pytest.raises(UsageError, match="needs a reason"):
        rights.gate(plan, asset, folder, override="  ")
    with pytest.raises(RightsError):
        rights.gate(plan, asset, folder)
    assert rights.overrides(folder) == []
    passed = rights.gate(plan, asset, folder, override="paper release signed", who="lea")
    assert passed and "Sam Roux" in passed[0]
    rights.gate(plan, asset, folder, override="second take", who="max")
    log = rights.overrides(folder)
    assert [(e["who"], e["why"], e["deliverable"]) for e in log] == [
        ("lea", "paper release signed", "installation-tiktok"),
        ("max", "second take", "installation-tiktok")]
    assert log[0]["reasons"] == passed and log[0]["at"].endswith("+00:00")
    lines = (folder / rights.OVERRIDE_LOG).read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == log
    # a clear clip logs nothing
    assert rights.gate(plan, plan.deliverable("ep-1-tiktok"), folder, override="x") == []
    assert len(rights.overrides(folder)) == 2


def test_plan_cut_is_gated_then_renders_the_deliverable(
        tmp_path: Path, landscape_clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from planworld import write_campaign

    from clirun import error_line, run_cli
    from coulisses.media.probe import probe

    path = write_campaign(tmp_path)
    out = tmp_path / "plan"
    blocked = run_cli(capsys, "plan", "cut", path, "installation-tiktok", "--rush",
                      landscape_clip, "--out", out, "--preset", "draft")
    assert blocked.rc == 7 and "Sam Roux" in error_line(blocked)
    assert not (out / "cuts").exists()
    unknown = run_cli(capsys, "plan", "cut", path, "nope", "--rush", landscape_clip)
    assert unknown.rc == 2 and "ep-1-tiktok" in error_line(unknown)

    run = run_cli(capsys, "plan", "cut", path, "installation-tiktok", "--rush", landscape_clip,
                  "--out", out, "--preset", "draft", "--override-rights", "release on paper")
    assert run.rc == 0, run.err
    assert "overridden" in run.err
    (video,) = (out / "cuts" / "installation-tiktok").glob("*.tiktok.mp4")
    info = probe(video).require_video()
    assert (info.display_width, info.display_height) == (540, 960)  # draft: half of 1080x1920
    assert [e["why"] for e in rights.overrides(out)] == ["release on paper"]
