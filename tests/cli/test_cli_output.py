"""What the ``coulisses`` command says about itself: its version, and the progress of a cut
when stderr is not a terminal (a log file, CI, a pipe)."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest

from clirun import run_cli


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "--version")
    assert run.rc == 0, run.err
    assert run.out == f"coulisses {version('coulisses')}\n"
    assert re.fullmatch(r"coulisses \d+\.\d+\.\d+\S*\n", run.out)
    assert run.err == ""


def stage_lines(err: str) -> list[str]:
    lines = err.splitlines()
    for line in lines:
        assert line.startswith("coulisses: "), line
        assert not re.search(r"[\x00-\x1f\x7f]", line), repr(line)  # no \r, no escapes
    return [line.removeprefix("coulisses: ") for line in lines]


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("reading the source", "measuring loudness", "correcting loudness", "rendering",
            "checking", "done")),
    ("fr", ("lecture de la source", "mesure du volume", "correction du volume", "rendu",
            "vérification", "terminé")),
])
def test_cut_prints_one_line_per_stage_when_not_a_terminal(
        lang: str, words: tuple[str, ...], landscape_clip: Path,
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COULISSES_LANG", lang)
    run = run_cli(capsys, "cut", landscape_clip, "--to", "tiktok,instagram-feed", "--preset",
                  "draft", "--out", tmp_path / "out")
    assert run.rc == 0, run.err
    lines = stage_lines(run.err)
    probe_, loud, correct, render, check, done = words
    # the stages in order, each once, the render in steps of at most 10 %
    stages = [re.sub(r" \d+ ?%$", "", line) for line in lines]
    assert [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s] == \
        [probe_, loud, correct, render, check, done]
    percents = [int(m.group(1)) for line in lines
                if (m := re.fullmatch(re.escape(render) + r" (\d+) ?%", line))]
    assert percents[0] == 0 and percents[-1] >= 90
    assert percents == sorted(set(percents))
    assert all(p % 10 == 0 for p in percents)
    assert len(percents) <= 11
    assert (" %" in lines[3]) == (lang == "fr")  # French puts a space before %


def test_refused_cut_still_prints_one_line(landscape_clip: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    run = run_cli(capsys, "cut", landscape_clip, "--to", "tikitok", "--preset", "draft",
                  "--out", tmp_path / "out")
    assert run.rc != 0
    assert len(run.err.splitlines()) == 1, run.err
    assert run.err.startswith("coulisses: error:")
