"""What the command line prints from the core, in French: QC check names and reasons, moment
reasons and the error line, from one table per language (``i18n.MESSAGES``); English stays
word for word what it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from clirun import PREFIX_FR, error_line, run_cli
from coulisses.analysis.model import Analysis, AudioMeasures, Shot, Span, Transcript, Word
from coulisses.analysis.moments import WEIGHTS, find_moments
from coulisses.i18n import MESSAGES
from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.platforms.registry import Registry
from coulisses.render.qc import check_file


def spoken(text: str, start: float, step: float = 0.4) -> list[Word]:
    return [Word(token, round(start + i * step, 3), round(start + i * step + step * 0.8, 3), 0.9)
            for i, token in enumerate(text.split())]


def rush() -> Analysis:
    """A rush with a mishap and laughter at 6 s, known by construction."""
    words = (spoken("Welcome to the brand film.", 1.0)
             + spoken("Oops the light stand broke, we start again.", 6.0)
             + spoken("Our product is made in France.", 14.0))
    return Analysis(fingerprint="x", path="/rush.mp4", duration=30.0, width=1920, height=1080,
                    fps=25.0, transcript=Transcript("en", 0.99, tuple(words)),
                    shots=(Shot(0.0, 30.0, "start"),),
                    audio=AudioMeasures(laughter=(Span(6.5, 8.5),)))


def test_every_english_key_has_french() -> None:
    assert sorted(set(MESSAGES["en"]) - set(MESSAGES["fr"])) == []
    assert sorted(set(MESSAGES["fr"]) - set(MESSAGES["en"])) == []
    empty = [k for lang in ("en", "fr") for k, v in MESSAGES[lang].items() if not v.strip()]
    assert empty == []
    # every measure a moment is ranked on has its words
    for weights in WEIGHTS.values():
        for name in weights:
            assert f"moment.{name}" in MESSAGES["en"], name
    for kind in WEIGHTS:
        assert f"moment.kind.{kind}" in MESSAGES["en"], kind


def test_qc_checks_in_french(landscape_clip: Path) -> None:
    result = check_file(landscape_clip, Registry.load()["tiktok"], SubprocessRunner())
    assert not result.passed
    for c in result.checks:  # every check the gate runs has a French name
        assert f"qc.{c.name}" in MESSAGES["en"], c.name
        assert MESSAGES["fr"][f"qc.{c.name}"] != c.name or c.name in ("codec",), c.name
    english = result.reasons_in("en")
    assert english == result.reasons  # word for word as before
    french = result.reasons_in("fr")
    assert len(french) == len(english)
    assert all(" : attendu " in r and ", mesuré " in r for r in french)
    assert "format d'image : attendu 1080x1920" in french[[c.name for c in result.checks
                                                           if not c.passed].index("canvas")]


def test_check_command_in_french(landscape_clip: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COULISSES_LANG", "fr")
    run = run_cli(capsys, "check", landscape_clip, "--for", "tiktok")
    assert run.rc == 6
    assert "ÉCHEC" in run.out and "format d'image : attendu" in run.out
    assert "expected" not in run.out
    line = error_line(run)
    assert line.startswith(PREFIX_FR)
    assert "échoue à" in line and "format d'image" in line and "expected" not in line


def test_check_command_in_english_is_unchanged(landscape_clip: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "check", landscape_clip, "--for", "tiktok")
    assert run.rc == 6
    assert "FAIL" in run.out and "canvas: expected 1080x1920, got " in run.out
    line = error_line(run)
    assert line.startswith("coulisses: error: landscape.mp4 fails ")
    assert "tiktok check(s): " in line


def test_moment_reasons_in_french() -> None:
    analysis = rush()
    english = find_moments(analysis, "bts", max_len=8, limit=3)
    french = find_moments(analysis, "bts", max_len=8, limit=3, lang="fr")
    assert [m.start for m in english] == [m.start for m in french]
    assert english[0].reason.startswith("bts: ")
    assert "laughter or applause" in english[0].reason
    assert french[0].reason.startswith("coulisses : ")
    assert "rires ou applaudissements" in french[0].reason
    assert "un souci technique" in french[0].reason
    for m in french:
        assert not any(MESSAGES["en"][f"moment.{k}"] in m.reason
                       for k in WEIGHTS["bts"] if MESSAGES["en"][f"moment.{k}"] !=
                       MESSAGES["fr"][f"moment.{k}"])


def test_usage_error_line_in_french(capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COULISSES_LANG", "fr")
    run = run_cli(capsys, "check", tmp_path / "absent.mp4", "--for", "tiktok")
    assert run.rc != 0
    assert error_line(run).startswith("coulisses: erreur : ")
