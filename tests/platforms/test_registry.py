"""The built-in platform specs and the registry that loads them."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from coulisses.errors import SpecError
from coulisses.platforms.registry import Registry, builtin_dir, load_dir, load_file
from coulisses.platforms.spec import PlatformSpec

EXPECTED_IDS = {
    "tiktok",
    "instagram-reels",
    "instagram-feed",
    "instagram-story",
    "youtube-shorts",
    "youtube",
    "linkedin",
    "linkedin-landscape",
    "facebook-reels",
    "x",
    "x-vertical",
}

GROUPS = (
    "canvas",
    "frame_rate",
    "duration",
    "file",
    "video",
    "audio",
    "loudness",
    "safe_zone",
    "captions",
    "cover",
)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


def _raw(name: str) -> dict:
    return yaml.safe_load((builtin_dir() / f"{name}.yaml").read_text(encoding="utf-8"))


def _write(folder: Path, name: str, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_all_builtin_ids_load(registry: Registry) -> None:
    assert set(registry) == EXPECTED_IDS
    assert len(registry) == len(EXPECTED_IDS)


def test_file_name_matches_id() -> None:
    for path in sorted(builtin_dir().glob("*.yaml")):
        assert load_file(path).id == path.stem


@pytest.mark.parametrize("platform", sorted(EXPECTED_IDS))
def test_canvas_aspect_matches_size(registry: Registry, platform: str) -> None:
    canvas = registry[platform].canvas
    a, b = (int(x) for x in canvas.aspect.split(":"))
    assert Fraction(canvas.width, canvas.height) == Fraction(a, b)
    assert canvas.width % 2 == 0 and canvas.height % 2 == 0


@pytest.mark.parametrize(
    ("platform", "size"),
    [
        ("instagram-reels", (1080, 1920)),
        ("instagram-feed", (1080, 1350)),
        ("instagram-story", (1080, 1920)),
        ("youtube-shorts", (1080, 1920)),
        ("youtube", (1920, 1080)),
        ("linkedin", (1080, 1080)),
        ("linkedin-landscape", (1920, 1080)),
        ("facebook-reels", (1080, 1920)),
        ("x", (1280, 720)),
        ("x-vertical", (720, 1280)),
    ],
)
def test_canvas_sizes(registry: Registry, platform: str, size: tuple[int, int]) -> None:
    canvas = registry[platform].canvas
    assert (canvas.width, canvas.height) == size


def test_x_landscape_fits_api_cap(registry: Registry) -> None:
    canvas = registry["x"].canvas
    assert canvas.width <= 1280 and canvas.height <= 1024


@pytest.mark.parametrize("platform", sorted(EXPECTED_IDS))
def test_every_group_names_a_listed_source(registry: Registry, platform: str) -> None:
    spec = registry[platform]
    for group in GROUPS:
        assert getattr(spec, group).source in spec.sources, (platform, group)
    for source in spec.sources.values():
        assert source.url.startswith("https://")


@pytest.mark.parametrize("platform", sorted(EXPECTED_IDS))
def test_disputed_sources_carry_a_note(registry: Registry, platform: str) -> None:
    spec = registry[platform]
    for group in GROUPS:
        value = getattr(spec, group)
        if spec.sources[value.source].confidence == "disputed":
            assert value.note, (platform, group)


def test_unknown_source_names_the_file(tmp_path: Path) -> None:
    data = _raw("youtube")
    data["video"]["source"] = "no-such-source"
    _write(tmp_path, "broken.yaml", data)
    with pytest.raises(SpecError) as info:
        load_dir(tmp_path)
    assert "broken.yaml" in info.value.message
    assert "no-such-source" in info.value.message


def test_default_loudness_everywhere(registry: Registry) -> None:
    for spec in registry.values():
        assert spec.loudness.integrated_lufs == -14.0, spec.id
        assert spec.loudness.true_peak_dbtp == -1.0, spec.id
        assert spec.loudness.lra_lu == 11.0, spec.id
        assert spec.loudness.tolerance_lu == 1.0, spec.id


def test_vertical_captions_are_shorter_than_landscape(registry: Registry) -> None:
    specs = list(registry.values())
    vertical = [s.captions.chars_per_line for s in specs if s.is_vertical]
    landscape = [s.captions.chars_per_line for s in specs if s.canvas.width > s.canvas.height]
    assert len(vertical) >= 6 and len(landscape) == 3
    assert max(vertical) < min(landscape)
    for spec in specs:
        assert spec.captions.max_cps == 17, spec.id


def test_safe_zone_leaves_a_usable_area(registry: Registry) -> None:
    for spec in registry.values():
        z, c = spec.safe_zone, spec.canvas
        assert c.width - z.left - z.right >= c.width // 2, spec.id
        assert c.height - z.top - z.bottom >= c.height // 3, spec.id


def test_safe_choices_where_sources_disagree(registry: Registry) -> None:
    assert registry["instagram-reels"].file.max_bytes == 300_000_000
    assert registry["facebook-reels"].file.max_bytes == 1_000_000_000
    assert registry["linkedin"].file.max_bytes == 200_000_000
    assert registry["youtube"].duration.max_seconds == 900
    shorts = registry["youtube-shorts"].duration
    assert shorts.max_seconds == 180 and shorts.recommended_max_seconds == 60
    assert registry["x"].duration.min_seconds == 0.5
    assert registry["x"].duration.max_seconds == 140
    assert registry["linkedin"].frame_rate.max == 30


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    shutil.copy(builtin_dir() / "tiktok.yaml", tmp_path / "a.yaml")
    shutil.copy(builtin_dir() / "tiktok.yaml", tmp_path / "b.yaml")
    with pytest.raises(SpecError, match="defined twice") as info:
        load_dir(tmp_path)
    assert "b.yaml" in info.value.message


def test_extra_folder_overrides_builtin(tmp_path: Path) -> None:
    data = _raw("x")
    data["name"] = "X, house rules"
    _write(tmp_path, "house-x.yaml", data)
    registry = Registry.load([tmp_path])
    assert registry["x"].name == "X, house rules"
    assert set(registry) == EXPECTED_IDS


def test_select_strips_lowercases_and_dedupes(registry: Registry) -> None:
    chosen = registry.select("tiktok, TikTok ,youtube")
    assert [s.id for s in chosen] == ["tiktok", "youtube"]
    assert all(isinstance(s, PlatformSpec) for s in chosen)


def test_select_nothing_is_refused(registry: Registry) -> None:
    with pytest.raises(SpecError):
        registry.select(" , ")


def test_unknown_id_lists_known_ids(registry: Registry) -> None:
    with pytest.raises(SpecError) as info:
        registry.select("tiktok,myspace")
    err = info.value
    assert err.platform == "myspace"
    assert err.hint is not None
    for platform in EXPECTED_IDS:
        assert platform in err.hint
    assert "myspace" in err.one_line()


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    data = _raw("linkedin")
    data["audio"]["loudness_boost"] = 3
    _write(tmp_path, "extra-key.yaml", data)
    with pytest.raises(SpecError) as info:
        load_dir(tmp_path)
    assert "extra-key.yaml" in info.value.message
    assert "loudness_boost" in info.value.message


def test_unknown_top_level_key_is_refused(tmp_path: Path) -> None:
    data = _raw("instagram-feed")
    data["max_hashtags"] = 30
    path = _write(tmp_path, "top.yaml", data)
    with pytest.raises(SpecError, match="max_hashtags"):
        load_file(path)


def test_non_yaml_files_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("not a spec", encoding="utf-8")
    _write(tmp_path, "tiktok.yaml", _raw("tiktok"))
    assert list(load_dir(tmp_path)) == ["tiktok"]


def test_unreadable_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"bad\.yaml"):
        load_dir(tmp_path)
