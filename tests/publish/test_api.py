from datetime import date
from pathlib import Path

import pytest
import yaml

from coulisses.errors import SpecError, UsageError
from coulisses.publish.api import (
    PlatformApi,
    builtin_apis,
    check_caption,
    load_dir,
    validate_options,
)


def test_builtins_cover_the_five_platforms_with_sources(apis: dict[str, PlatformApi]) -> None:
    assert set(apis) == {"tiktok", "instagram", "facebook", "youtube", "linkedin"}
    for api in apis.values():
        assert api.sources[api.limits.source].url.startswith("https://")
        assert api.checklist and api.review
    assert apis["linkedin"].api_version.header == "LinkedIn-Version"
    assert apis["linkedin"].api_version.retires is not None
    assert apis["youtube"].chunks.chunk_bytes % (256 * 1024) == 0
    assert apis["tiktok"].chunks.single_max_bytes == 64_000_000  # decimal MB, not MiB


def test_a_team_folder_is_read_the_same_way_and_unknown_keys_are_refused(
        tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "src/coulisses/publish/data/youtube.yaml"
    data = yaml.safe_load(source.read_text())
    data["id"] = "youtube-team"
    (tmp_path / "team.yaml").write_text(yaml.safe_dump(data))
    assert load_dir(tmp_path)["youtube-team"].name == "YouTube"
    data["limits"]["caption_max_charz"] = 3
    (tmp_path / "team.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(SpecError, match="caption_max_charz"):
        load_dir(tmp_path)


def test_a_retired_version_is_a_data_change(apis: dict[str, PlatformApi]) -> None:
    linkedin = apis["linkedin"]
    retires = linkedin.api_version.retires
    assert retires is not None
    assert not linkedin.retired(date(2026, 12, 3))
    assert linkedin.retired(retires)


def test_options_are_typed_and_checked_against_the_data() -> None:
    api = builtin_apis()["tiktok"]
    options = validate_options(api, {"privacy": "PUBLIC_TO_EVERYONE", "disable_duet": "yes"})
    assert options["privacy"] == "PUBLIC_TO_EVERYONE"
    assert options["disable_duet"] is True
    assert options["disable_stitch"] is False  # the default from the data
    with pytest.raises(UsageError, match="no option 'made_for_kids'"):
        validate_options(api, {"made_for_kids": "true"})
    with pytest.raises(UsageError, match="not allowed"):
        validate_options(api, {"privacy": "FRIENDS"})
    with pytest.raises(UsageError, match="not true or false"):
        validate_options(api, {"disable_comment": "maybe"})
    youtube = builtin_apis()["youtube"]
    assert validate_options(youtube, {"tags": "bts, launch"})["tags"] == ["bts", "launch"]


def test_captions_over_the_limits_are_refused(apis: dict[str, PlatformApi]) -> None:
    check_caption(apis["instagram"], "#a " * 30)
    with pytest.raises(UsageError, match="31 hashtags"):
        check_caption(apis["instagram"], "#a " * 31)
    with pytest.raises(UsageError, match="2201 characters"):
        check_caption(apis["tiktok"], "x" * 2201)
