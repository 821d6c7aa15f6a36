from dataclasses import fields
from pathlib import Path

import pytest

from coulisses.errors import UsageError
from coulisses.settings import Settings, load_settings

DOCS = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for f in fields(Settings):
        assert f"| `{f.name}` |" in text, f"docs/settings.md misses {f.name}"
        assert f.metadata.get("help"), f"{f.name} has no description"


def test_layers_file_then_environment_then_flags(tmp_path: Path) -> None:
    file = tmp_path / "settings.toml"
    file.write_text('preset = "draft"\nout_dir = "from-file"\nlang = "fr"\n')
    s = load_settings(env={"COULISSES_OUT_DIR": "from-env"}, file=file)
    assert (s.preset, s.out_dir, s.lang) == ("draft", Path("from-env"), "fr")
    s = load_settings(env={"COULISSES_OUT_DIR": "from-env"}, file=file, out_dir=Path("flag"),
                      preset=None)
    assert (s.out_dir, s.preset) == (Path("flag"), "draft")


def test_platform_dirs_from_environment(tmp_path: Path) -> None:
    s = load_settings(env={"COULISSES_PLATFORM_DIRS": "/a:/b"}, file=tmp_path / "none.toml")
    assert s.platform_dirs == (Path("/a"), Path("/b"))


def test_french_system_locale_picks_french(tmp_path: Path) -> None:
    assert load_settings(env={"LANG": "fr_FR.UTF-8"}, file=tmp_path / "x").lang == "fr"
    assert load_settings(env={"LANG": "C.UTF-8"}, file=tmp_path / "x").lang == "en"


@pytest.mark.parametrize("content", ['colour = "red"\n', 'preset = "ultra"\n', "preset = [\n"])
def test_bad_settings_files_are_refused(content: str, tmp_path: Path) -> None:
    file = tmp_path / "settings.toml"
    file.write_text(content)
    with pytest.raises(UsageError):
        load_settings(env={}, file=file)


def test_preset_and_encoder_from_file_environment_and_flags(tmp_path: Path) -> None:
    file = tmp_path / "settings.toml"
    file.write_text('preset = "master"\nencoder = "nvenc"\n')
    s = load_settings(env={}, file=file)
    assert (s.preset, s.encoder) == ("master", "nvenc")
    s = load_settings(env={"COULISSES_ENCODER": "x264"}, file=file, encoder=None)
    assert s.encoder == "x264"
    assert load_settings(env={}, file=tmp_path / "none.toml").encoder == "x264"
    with pytest.raises(UsageError, match="x264 or nvenc"):
        load_settings(env={}, file=tmp_path / "none.toml", encoder="qsv")
    with pytest.raises(UsageError, match="final, master or draft"):
        load_settings(env={}, file=tmp_path / "none.toml", preset="best")
