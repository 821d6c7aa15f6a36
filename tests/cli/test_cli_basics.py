"""The ``coulisses`` command on good input: help, platforms, probe, check, cut, languages.

Everything runs through ``coulisses.cli.main.main`` in-process (fast), plus one run of the
real console script; clips are the small generated ones of ``tests/media.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clirun import PREFIX, Run, error_line, run_cli
from coulisses.errors import QCFailedError
from coulisses.media.probe import probe

COMMANDS = ("probe", "platforms", "cut", "check", "demo")
PLATFORM_IDS = (
    "facebook-reels", "instagram-feed", "instagram-reels", "instagram-story", "linkedin",
    "linkedin-landscape", "tiktok", "x", "x-vertical", "youtube", "youtube-shorts",
)
GROUPS = ("canvas", "frame_rate", "duration", "file", "video", "audio", "loudness",
          "safe_zone", "captions", "cover")


def ok(run: Run) -> Run:
    assert run.rc == 0, f"exit {run.rc}: {run.err}"
    assert "Traceback" not in run.err
    return run


def probe_json(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, Any]:
    run = ok(run_cli(capsys, "probe", path, "--json"))
    data = json.loads(run.out)
    assert isinstance(data, dict)
    return data


# --- help ----------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_every_command(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    run = ok(run_cli(capsys, flag))
    assert run.err == ""
    for command in COMMANDS:
        assert command in run.out, f"{command} missing from --help"


def test_command_help(capsys: pytest.CaptureFixture[str]) -> None:
    run = ok(run_cli(capsys, "cut", "--help"))
    for option in ("--to", "--start", "--end", "--captions", "--crop", "--fit", "--preset",
                   "--out", "--trim", "--extend", "--export-timeline", "--json"):
        assert option in run.out, option


def test_help_through_the_console_script() -> None:
    script = Path(sys.executable).parent / ("coulisses.exe" if os.name == "nt" else "coulisses")
    if not script.exists():
        pytest.skip(f"no coulisses console script next to {sys.executable}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COULISSES_")}
    env["PYTHONIOENCODING"] = "utf-8"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True,
                          encoding="utf-8", env=env, stdin=subprocess.DEVNULL, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    for command in COMMANDS:
        assert command in done.stdout


def test_unknown_command_is_one_usage_line(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "frobnicate")
    assert run.rc == 2
    assert "frobnicate" in error_line(run)


def test_no_arguments_shows_help_without_an_empty_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys)
    assert run.rc in (0, 2)
    assert "cut" in run.out + run.err
    for line in run.err.splitlines():
        if line.startswith(PREFIX):
            assert line[len(PREFIX):].strip(), f"empty error line: {line!r}"


# --- platforms ------------------------------------------------------------------------------


def test_platforms_lists_all_eleven(capsys: pytest.CaptureFixture[str]) -> None:
    run = ok(run_cli(capsys, "platforms"))
    for platform_id in PLATFORM_IDS:
        assert platform_id in run.out, platform_id
    assert "1080x1920" in run.out


def test_platforms_json_names_a_source_for_every_group(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(ok(run_cli(capsys, "platforms", "--json")).out)
    assert sorted(data) == sorted(PLATFORM_IDS)
    for platform_id, spec in data.items():
        assert spec["id"] == platform_id
        sources = spec["sources"]
        assert isinstance(sources, dict) and sources
        groups = {k: v for k, v in spec.items()
                  if isinstance(v, dict) and k != "sources"}
        assert set(GROUPS) <= set(groups), (platform_id, sorted(groups))
        for name, group in groups.items():
            assert "source" in group, (platform_id, name)
            assert group["source"] in sources, (platform_id, name, group["source"])
        for source in sources.values():
            assert source["url"].startswith("https://")


def test_platforms_one_id(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(ok(run_cli(capsys, "platforms", "tiktok", "--json")).out)
    assert list(data) == ["tiktok"]
    assert (data["tiktok"]["canvas"]["width"], data["tiktok"]["canvas"]["height"]) == (1080, 1920)
    run = run_cli(capsys, "platforms", "tikitok")
    assert run.rc == 3
    assert "tikitok" in error_line(run)


# --- probe ------------------------------------------------------------------------------------


def test_probe_rotated_phone_clip(rotated_clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = probe_json(capsys, rotated_clip)["video"]
    assert (video["coded_width"], video["coded_height"]) == (320, 180)
    assert (video["display_width"], video["display_height"]) == (180, 320)
    assert video["rotation"] == 90
    text = ok(run_cli(capsys, "probe", rotated_clip)).out
    assert "shown 180x320" in text and "rotation 90" in text


def test_probe_variable_frame_rate(vfr_clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = probe_json(capsys, vfr_clip)
    video = data["video"]
    assert video["is_vfr"] is True
    assert video["frame_rate"] == "30/1"
    assert video["average_rate"] == "25/1"
    assert data["duration"] == "3/1"
    assert "variable" in ok(run_cli(capsys, "probe", vfr_clip)).out


def test_probe_constant_frame_rate(landscape_clip: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    video = probe_json(capsys, landscape_clip)["video"]
    assert video["is_vfr"] is False
    assert video["frame_rate"] == "30/1"
    assert (video["display_width"], video["display_height"]) == (320, 180)


def test_probe_hlg(hlg_clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = probe_json(capsys, hlg_clip)["video"]
    assert video["transfer"] == "hlg"
    assert video["color_trc"] == "arib-std-b67"
    assert video["color_primaries"] == "bt2020"
    assert video["bit_depth"] == 10
    assert video["codec"] == "hevc"


def test_probe_anamorphic(anamorphic_clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = probe_json(capsys, anamorphic_clip)["video"]
    assert video["sample_aspect"] == "4/3"
    assert (video["coded_width"], video["coded_height"]) == (240, 180)
    assert (video["display_width"], video["display_height"]) == (320, 180)


def test_probe_extra_tracks(extra_tracks_clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = probe_json(capsys, extra_tracks_clip)
    assert data["video"]["index"] == 0
    assert [(a["index"], a["channels"]) for a in data["audio"]] == [(1, 2), (2, 4)]
    assert all(a["decodable"] for a in data["audio"])
    other = {(o["index"], o["kind"]) for o in data["other"]}
    assert other == {(3, "subtitle"), (4, "data")}
    text = ok(run_cli(capsys, "probe", extra_tracks_clip)).out
    assert "subtitle #3" in text and "data #4" in text and "(ignored)" in text


# --- check ------------------------------------------------------------------------------------


def test_check_passes_a_final_tiktok_cut(landscape_clip: Path,
                                         capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    out = tmp_path / "out"
    ok(run_cli(capsys, "cut", landscape_clip, "--to", "tiktok", "--preset", "final",
               "--out", out))
    video = out / "landscape.tiktok.mp4"
    info = probe(video)
    assert info.video is not None
    assert (info.video.display_width, info.video.display_height) == (1080, 1920)
    run = ok(run_cli(capsys, "check", video, "--for", "tiktok"))
    assert "PASS" in run.out
    data = json.loads(ok(run_cli(capsys, "check", video, "--for", "tiktok", "--json")).out)
    assert data["passed"] is True and data["reasons"] == []


def test_check_fails_the_raw_landscape_clip(landscape_clip: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "check", landscape_clip, "--for", "tiktok")
    assert run.rc == QCFailedError.exit_code == 6
    line = error_line(run)
    assert "landscape.mp4" in line and "canvas" in line and "1080x1920" in line
    assert "canvas" in run.out and "FAIL" in run.out
    run = run_cli(capsys, "check", landscape_clip, "--for", "tiktok", "--json")
    assert run.rc == 6
    data = json.loads(run.out)
    assert data["passed"] is False
    assert any(r.startswith("canvas") for r in data["reasons"])
    failed = {c["name"] for c in data["checks"] if not c["passed"]}
    assert "canvas" in failed


# --- cut --------------------------------------------------------------------------------------


def test_cut_two_platforms_json(landscape_clip: Path, capsys: pytest.CaptureFixture[str],
                                tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = ok(run_cli(capsys, "cut", landscape_clip, "--to", "tiktok,instagram-feed",
                     "--preset", "draft", "--json", "--out", out))
    assert run.err == ""
    report = json.loads(run.out)
    assert report == json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["passed"] is True
    assert report["preset"] == "draft"
    assert [v["platform"] for v in report["variants"]] == ["tiktok", "instagram-feed"]
    sizes = {"tiktok": (540, 960), "instagram-feed": (540, 674)}  # draft: half the canvas
    for variant in report["variants"]:
        assert variant["qc"]["passed"] is True, variant["qc"]["reasons"]
        video, cover = out / variant["video"], out / variant["cover"]
        assert video.suffix == ".mp4" and cover.suffix == ".jpg"
        assert cover.read_bytes()[:3] == b"\xff\xd8\xff"
        info = probe(video)
        assert info.video is not None
        assert (info.video.display_width, info.video.display_height) == \
            sizes[variant["platform"]]
        assert float(info.duration) == pytest.approx(3.0, abs=0.15)
    assert report["contact_sheet"] == "contact-sheet.png"
    assert (out / "contact-sheet.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "PASS" in (out / "report.txt").read_text(encoding="utf-8")
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted([
        "contact-sheet.png", "report.json", "report.txt",
        "landscape.tiktok.mp4", "landscape.tiktok.jpg",
        "landscape.instagram-feed.mp4", "landscape.instagram-feed.jpg"])
    assert not [p for p in out.iterdir() if p.name.startswith(".coulisses-work-")]


def test_cut_in_french(landscape_clip: Path, capsys: pytest.CaptureFixture[str],
                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COULISSES_LANG", "fr")
    run = ok(run_cli(capsys, "cut", landscape_clip, "--to", "tiktok", "--preset", "draft",
                     "--out", tmp_path / "out"))
    assert "Vidéos" in run.out
    assert "Rapport de contrôle" in run.out and "Planche contact" in run.out
    assert "Videos:" not in run.out


def test_french_from_the_system_locale(landscape_clip: Path,
                                       capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    run = run_cli(capsys, "check", landscape_clip, "--for", "tiktok")
    assert run.rc == 6
    assert "ne passe pas les contrôles" in run.out
    error_line(run)


def test_bad_language_setting(landscape_clip: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COULISSES_LANG", "klingon")
    run = run_cli(capsys, "check", landscape_clip, "--for", "tiktok")
    assert run.rc == 2
    assert "klingon" in error_line(run)
