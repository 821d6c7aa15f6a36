"""``coulisses publish`` end to end against the sandbox, and its one-line refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from publishkit import sandbox_posts

from clirun import error_line, run_cli
from coulisses.publish.sandbox.app import SandboxServer


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("COULISSES_DATA_DIR", str(data))
    monkeypatch.setenv("COULISSES_SETTINGS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("COULISSES_PUBLISH_POLL_MS", "1")
    monkeypatch.setenv("COULISSES_PUBLISH_BACKOFF_MS", "1")
    monkeypatch.setenv("COULISSES_LANG", "en")
    return data


def test_connect_schedule_run_and_list(env: Path, sandbox: SandboxServer, video: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    for platform in ("tiktok", "youtube"):
        run = run_cli(capsys, "publish", "accounts", "add", platform, "--name", "alice",
                      "--sandbox", sandbox.url)
        assert run.rc == 0, run.err
    run = run_cli(capsys, "publish", "accounts", "list", "--json")
    assert [a["platform"] for a in json.loads(run.out)] == ["tiktok", "youtube"]
    assert "tiktok.alice" not in run.out  # tokens are never shown
    run = run_cli(capsys, "publish", "schedule", video, "--to", "tiktok:alice", "--at", "now",
                  "--caption", "backstage #bts", "--option", "disable_duet=true", "--skip-qc",
                  "--cover", "00:00:01.5")
    assert run.rc == 0, run.err
    post_id = int(run.out.strip())
    run = run_cli(capsys, "publish", "run", "--until-idle")
    assert run.rc == 0, run.err
    listed = json.loads(run_cli(capsys, "publish", "list", "--json").out)
    assert [(p["id"], p["state"]) for p in listed] == [(post_id, "published")]
    [record] = sandbox_posts(sandbox.url)
    assert record["platform_id"] == listed[0]["platform_id"]
    assert record["options"]["disable_duet"] is True
    assert record["options"]["video_cover_timestamp_ms"] == 1500
    shown = json.loads(run_cli(capsys, "publish", "show", str(post_id), "--json").out)
    assert [e["kind"] for e in shown["history"]][:3] == ["transition", "transition", "intent"]
    assert "tiktok.alice" not in (env / "studio.sqlite3").read_bytes().decode("latin-1")


def test_the_manual_channel_writes_a_pack_and_waits_for_the_url(
        env: Path, video: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "publish", "accounts", "add", "instagram", "--manual").rc == 0
    run = run_cli(capsys, "publish", "schedule", video, "--to", "instagram", "--at", "now",
                  "--caption", "by hand #bts", "--first-comment", "credits", "--skip-qc")
    post_id = run.out.strip()
    assert run_cli(capsys, "publish", "run", "--until-idle").rc == 0
    pack = env / "publish-packs" / f"post-{post_id}-instagram"
    assert (pack / "caption.txt").read_text() == "by hand #bts\n"
    assert (pack / "first_comment.txt").read_text() == "credits\n"
    assert (pack / "video.mp4").read_bytes() == video.read_bytes()
    assert f"publish complete {post_id} URL" in (pack / "checklist.md").read_text()
    listed = json.loads(run_cli(capsys, "publish", "list", "--json").out)
    assert listed[0]["state"] == "needs_attention"
    url = "https://www.instagram.com/reel/C0ffee/"
    assert run_cli(capsys, "publish", "complete", post_id, url).rc == 0
    listed = json.loads(run_cli(capsys, "publish", "list", "--json").out)
    assert (listed[0]["state"], listed[0]["platform_id"]) == ("published", "C0ffee")


@pytest.mark.parametrize(("args", "words"), [
    (["--to", "tiktok", "--caption", "x" * 2201], "2201 characters"),
    (["--to", "instagram", "--caption", "#a " * 31], "31 hashtags"),
    (["--to", "tiktok", "--option", "privacy=FRIENDS"], "not allowed"),
    (["--to", "tiktok", "--option", "colour=red"], "no option 'colour'"),
    (["--to", "youtube"], "no youtube account"),
    (["--to", "instagram", "--cover", "soon"], "neither an image file nor a time"),
    (["--to", "tiktok", "--at", "2020-01-01 10:00 Europe/Paris"], "in the past"),
    (["--to", "tiktok", "--at", "2027-03-28 02:30 Europe/Paris"], "does not exist"),
])
def test_bad_schedules_get_one_clear_line(args: list[str], words: str, env: Path, video: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(capsys, "publish", "accounts", "add", "tiktok", "--manual")
    run_cli(capsys, "publish", "accounts", "add", "instagram", "--manual")
    if "--at" not in args:
        args = [*args, "--at", "now"]
    run = run_cli(capsys, "publish", "schedule", video, *args, "--skip-qc")
    assert run.rc in (2, 3, 8) and words in error_line(run)
    assert json.loads(run_cli(capsys, "publish", "list", "--json").out) == []


def test_a_video_that_breaks_the_platform_spec_is_refused_before_scheduling(
        env: Path, landscape_clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(capsys, "publish", "accounts", "add", "tiktok", "--manual")
    run = run_cli(capsys, "publish", "schedule", landscape_clip, "--to", "tiktok", "--at", "now")
    assert run.rc == 6 and "does not meet tiktok" in error_line(run)
    run = run_cli(capsys, "publish", "schedule", landscape_clip, "--to", "tiktok", "--at", "now",
                  "--skip-qc")
    assert run.rc == 0
    run = run_cli(capsys, "publish", "schedule", landscape_clip, "--to", "tiktok", "--at", "now",
                  "--skip-qc")
    assert run.rc == 9 and "already scheduled" in error_line(run)


def test_a_real_account_without_an_app_is_refused_in_one_line(
        env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "publish", "accounts", "add", "tiktok")
    assert run.rc == 2 and "no tiktok app is configured" in error_line(run)
    run = run_cli(capsys, "publish", "accounts", "add", "myspace", "--manual")
    assert run.rc == 3 and "no publishing API for 'myspace'" in error_line(run)


def test_a_removed_account_takes_no_new_posts_but_keeps_its_history(
        env: Path, video: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(capsys, "publish", "accounts", "add", "facebook", "--manual")
    post_id = run_cli(capsys, "publish", "schedule", video, "--to", "facebook", "--at", "now",
                      "--skip-qc").out.strip()
    run = run_cli(capsys, "publish", "accounts", "remove", "facebook")
    assert run.rc == 9 and f"post {post_id}" in error_line(run)
    assert run_cli(capsys, "publish", "cancel", post_id).rc == 0
    assert run_cli(capsys, "publish", "accounts", "remove", "facebook").rc == 0
    run = run_cli(capsys, "publish", "schedule", video, "--to", "facebook", "--at", "now",
                  "--skip-qc", "--force")
    assert run.rc == 8 and "no facebook account" in error_line(run)
    listed = json.loads(run_cli(capsys, "publish", "list", "--json").out)
    assert [p["state"] for p in listed] == ["cancelled"]
