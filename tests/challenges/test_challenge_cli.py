"""``coulisses challenge sample|ingest|triage|entries|shortlist`` end to end on a small sample
challenge (its ground truth known by construction), and the demo's challenge step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from core_world import campaign_file  # noqa: F401

from clirun import run_cli
from coulisses.challenges.demo import run_challenge_demo
from coulisses.challenges.sample import make_sample
from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.settings import load_settings

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "media"


def test_a_sample_challenge_goes_through_every_command(
        tmp_path: Path, campaign_file: Path, capsys: pytest.CaptureFixture[str],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COULISSES_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "sample"
    made = run_cli(capsys, "challenge", "sample", "--entries", "12", "--out", out,
                   *(["--media", SHARED] if SHARED.is_dir() else []))
    assert made.rc == 0, made.err
    truth = {e["file"]: e for e in json.loads((out / "truth.json").read_text("utf-8"))["entries"]}
    assert len(truth) == 12 and sum(e["kind"] == "duplicate" for e in truth.values()) == 4
    assert sum(e["kind"] == "bad" for e in truth.values()) == 2
    taken = run_cli(capsys, "challenge", "ingest", campaign_file, "casting", out,
                    "--consents", out / "consents.csv")
    assert taken.rc == 0, taken.err
    triaged = run_cli(capsys, "challenge", "triage", campaign_file, "casting", "--workers", "2")
    assert triaged.rc == 0, triaged.err
    assert "stage qc: 12 entries" in triaged.out
    listed = run_cli(capsys, "challenge", "entries", campaign_file, "casting", "--json")
    records = {Path(r["file"]).name: r for r in json.loads(listed.out)}
    assert set(records) == set(truth)
    for name, record in records.items():
        assert record["qc"]["passed"] is truth[name]["qc_expected"], (name, record["qc"])
        assert record["id"].startswith("e") and record["status"] == "triaged"
    # every copy is grouped with the file it copies; in each group only the first to arrive
    # (the group's id) may be shortlisted; no two originals share a group
    for name, entry in truth.items():
        if entry["kind"] == "duplicate":
            original = records[entry["original"]]
            assert records[name]["duplicate_group"] is not None, name
            assert records[name]["duplicate_group"] == original["duplicate_group"], name
    for record in records.values():
        if record["duplicate_group"] not in (None, record["id"]):
            assert not record["shortlisted"] and record["exclusion"], record
    groups = [r["duplicate_group"] for n, r in records.items()
              if truth[n]["kind"] == "original" and r["duplicate_group"] is not None]
    assert len(groups) == len(set(groups))
    last = sorted(truth)[-1]  # the consents CSV has no row for the last file
    assert records[last]["consent"] == "missing" and not records[last]["shortlisted"]
    top = run_cli(capsys, "challenge", "shortlist", campaign_file, "casting", "--top", "3",
                  "--json")
    chosen = json.loads(top.out)
    assert [r["rank"] for r in chosen] == list(range(1, len(chosen) + 1)) and len(chosen) <= 3
    assert all(r["qc"]["passed"] and r["consent"] == "complete" for r in chosen)
    html = run_cli(capsys, "challenge", "report", campaign_file, "casting", "--out",
                   tmp_path / "report.html")
    assert html.rc == 0, html.err
    assert (tmp_path / "report.html").read_text("utf-8").lstrip().lower().startswith("<!doctype")
    plain = run_cli(capsys, "challenge", "entries", campaign_file, "casting")
    assert len(plain.out.splitlines()) == 12
    # triage again: nothing left to run
    again = run_cli(capsys, "challenge", "triage", campaign_file, "casting", "--workers", "1")
    assert "stage qc: 0 entries" in again.out
    # a known video on the blocklist: the entries that copy it are excluded as such
    known = next(n for n, e in truth.items() if e["kind"] == "duplicate")
    blocked = run_cli(capsys, "challenge", "triage", campaign_file, "casting",
                      "--blocklist", out / truth[known]["original"])
    assert blocked.rc == 0, blocked.err
    after = {Path(r["file"]).name: r for r in json.loads(run_cli(
        capsys, "challenge", "entries", campaign_file, "casting", "--json").out)}
    group = after[known]["duplicate_group"]
    assert group == truth[known]["original"]  # the blocklist item, by its file name
    assert all(not r["shortlisted"] for r in after.values() if r["duplicate_group"] == group)


def test_the_sample_is_deterministic(tmp_path: Path) -> None:
    runner = SubprocessRunner()
    first = make_sample(tmp_path / "a", 4, runner)
    second = make_sample(tmp_path / "b", 4, runner)
    assert [e.file for e in first.entries] == [e.file for e in second.entries]
    for entry in first.entries:
        assert (tmp_path / "a" / entry.file).read_bytes() == \
            (tmp_path / "b" / entry.file).read_bytes()
    assert first.consents.read_text("utf-8") == second.consents.read_text("utf-8")


def test_the_demo_step_shortlists_a_casting_challenge(
        tmp_path: Path, campaign_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("COULISSES_DATA_DIR", str(tmp_path / "data"))
    settings = load_settings()
    shown = run_challenge_demo(tmp_path / "challenge", campaign_file, settings,
                               SubprocessRunner(), entries=6, workers=2)
    assert shown.entries == 6  # 4 originals and 2 copies (a re-encode, a crop)
    assert shown.shortlist and [r.rank for r in shown.shortlist] == \
        list(range(1, len(shown.shortlist) + 1))
    assert shown.report is not None and "<svg" in shown.report.read_text("utf-8")
    again = run_challenge_demo(tmp_path / "challenge", campaign_file, settings,
                               SubprocessRunner(), entries=6, workers=1)
    assert again.entries == shown.entries  # the same files: already taken
    assert shown.speech  # the packaged base model is here


def test_offline_without_a_speech_model_the_demo_triages_without_speech(
        tmp_path: Path, campaign_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from coulisses.analysis.speechmodel import whisper_model_here

    monkeypatch.setenv("COULISSES_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COULISSES_WHISPER_MODEL", "no-such-model")  # neither shipped nor cached
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    settings = load_settings()
    assert not whisper_model_here(settings.whisper_model, settings.cache_dir)
    shown = run_challenge_demo(tmp_path / "challenge", campaign_file, settings,
                               SubprocessRunner(), entries=6, workers=1)
    assert not shown.speech and shown.shortlist  # shortlisted on QC and copies alone
    folder = shown.shortlist[0].file
    assert all(r.status == "triaged" for r in shown.shortlist), folder
