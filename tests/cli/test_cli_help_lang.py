"""``coulisses --help`` in the interface language: every command, option and argument has its
help in English and French in the text table (``cli_help.yaml``), and the help shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from clirun import run_cli
from coulisses.cli.helptext import walk
from coulisses.cli.main import _register, app
from coulisses.i18n import help_table


def keys() -> list[str]:
    _register()
    return [key for key, _ in walk(typer.main.get_command(app))]


def test_every_command_option_and_argument_has_help_in_both_languages() -> None:
    table = help_table()
    missing = {lang: [k for k in [*keys(), "--help"] if not table.get(k, {}).get(lang)]
               for lang in ("en", "fr")}
    assert missing == {"en": [], "fr": []}
    # and the table holds nothing the command line no longer has
    assert sorted(set(table) - {*keys(), "--help"}) == []
    same = [k for k, t in table.items() if t["en"] == t["fr"]]
    # only lists of literal values read the same in both languages
    assert all("|" in table[k]["en"] or "," in table[k]["en"] or table[k]["en"].islower()
               for k in same), same
    assert len(same) < len(table) / 10


@pytest.mark.parametrize("argv", [["--help"], ["cut", "--help"], ["plan", "cut", "--help"],
                                  ["kpi", "import", "--help"], ["campaign", "--help"]])
def test_help_in_french(argv: list[str], capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    table = help_table()
    english = run_cli(capsys, *argv)
    monkeypatch.setenv("COULISSES_LANG", "fr")
    french = run_cli(capsys, *argv)
    assert english.rc == french.rc == 0
    assert "afficher cette aide et quitter" in french.out
    assert "show this message" not in french.out
    assert "show this message and exit" in english.out
    path = " ".join(a for a in argv if a != "--help")
    flat = " ".join(french.out.replace("│", " ").split())
    # the command's own help (its first sentence) shows in French, not in English
    first = table[path]["fr"].split(". ")[0].split(":")[0]
    assert " ".join(first.split()) in flat
    assert " ".join(table[path]["en"].split(":")[0].split()) not in " ".join(
        french.out.replace("│", " ").split())


def test_help_in_french_from_the_settings_file(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('lang = "fr"\n', encoding="utf-8")
    monkeypatch.setenv("COULISSES_SETTINGS", str(settings))
    run = run_cli(capsys, "cut", "--help")
    assert run.rc == 0
    flat = " ".join(run.out.replace("│", " ").split())
    assert "identifiants de plateformes, séparés par des virgules" in flat
    assert "[obligatoire]" in flat and "[required]" not in flat
    assert "[par défaut : fill]" in flat
    assert "Commandes" not in run.out  # a command without subcommands


def test_bad_language_still_gives_english_help(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COULISSES_LANG", "klingon")
    run = run_cli(capsys, "--help")
    assert run.rc == 0
    assert "Plan, cut and check social video" in run.out
