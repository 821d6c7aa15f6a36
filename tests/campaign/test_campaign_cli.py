"""``coulisses campaign new|validate|schema`` run in-process, and the examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from campaignworld import healthy, to_yaml

from clirun import error_line, run_cli
from coulisses.campaign.health import check_health
from coulisses.campaign.load import load_campaign
from coulisses.campaign.template import example_names, example_text, json_schema, load_example

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "src" / "coulisses" / "campaign" / "data" / "examples"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_new_writes_a_commented_file_that_validates_and_is_healthy(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    target = tmp_path / "campaign.yaml"
    run = run_cli(capsys, "campaign", "new", target, "--lang", lang)
    assert run.rc == 0 and str(target) in run.out
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# ") and text.count("\n#") >= 10
    assert check_health(load_campaign(target)) == []
    assert [p.name for p in tmp_path.iterdir()] == ["campaign.yaml"]  # no temporary left
    run = run_cli(capsys, "campaign", "validate", target)
    assert run.rc == 0 and "valid and healthy" in run.out


def test_new_never_overwrites_without_force(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("my work\n", encoding="utf-8")
    run = run_cli(capsys, "campaign", "new", target)
    assert run.rc == 4 and "--force" in error_line(run)
    assert target.read_text(encoding="utf-8") == "my work\n"
    assert run_cli(capsys, "campaign", "new", target, "--force").rc == 0
    assert target.read_text(encoding="utf-8").startswith("# A coulisses campaign file")


def test_new_refuses_an_unknown_language_or_folder(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "campaign", "new", tmp_path / "a.yaml", "--lang", "de").rc == 2
    run = run_cli(capsys, "campaign", "new", tmp_path / "missing" / "a.yaml")
    assert run.rc == 4 and "does not exist" in error_line(run)


def test_validate_prints_every_located_error_and_exits_3(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = healthy()
    data["bts"][0]["kind"] = "fail"
    data["beats"][0]["afterwards"] = ["nowhere"]
    path = tmp_path / "bad.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    run = run_cli(capsys, "campaign", "validate", path)
    assert run.rc == 3
    assert "2 problem(s)" in error_line(run)
    lines = run.out.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"{path}:") for line in lines)
    assert "did you mean 'failure'?" in run.out and "unknown key 'afterwards'" in run.out


def test_validate_json_and_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = healthy()
    data["objectives"][0]["kpis"][0].pop("target")
    path = tmp_path / "c.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    run = run_cli(capsys, "campaign", "validate", path, "--json")
    assert run.rc == 0
    report = json.loads(run.out)
    assert report["valid"] is True
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [
        ("kpi-no-target", "error")]
    assert report["findings"][0]["line"] > 1
    run = run_cli(capsys, "campaign", "validate", path, "--strict")
    assert run.rc == 3 and "[kpi-no-target]" in run.out and "1 error" in error_line(run)
    path.write_text("version: 1\nid: [\n", encoding="utf-8")
    run = run_cli(capsys, "campaign", "validate", path, "--json")
    assert run.rc == 3 and json.loads(run.out)["errors"][0]["line"] == 3


def test_validate_speaks_french(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COULISSES_LANG", "fr")
    data = healthy()
    data["bts"][0]["beats"] = []
    path = tmp_path / "c.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    run = run_cli(capsys, "campaign", "validate", path)
    assert run.rc == 0 and "avertissement" in run.out and "temps fort" in run.out


def test_schema_is_the_golden_json_schema(capsys: pytest.CaptureFixture[str],
                                          golden) -> None:  # type: ignore[no-untyped-def]
    run = run_cli(capsys, "campaign", "schema")
    assert run.rc == 0 and run.out == json_schema()
    schema = json.loads(run.out)
    assert schema["additionalProperties"] is False
    assert "bts" in schema["properties"] and "BtsItem" in schema["$defs"]
    golden("campaign.schema.json", run.out)


@pytest.mark.parametrize(("name", "rules"), [
    ("casting-series-fr.yaml", []),
    ("fashion-show-instagram.yaml", ["bts-too-long"]),  # documented in the file's header
    ("b2b-know-how-linkedin.yaml", []),
])
def test_examples_are_valid_and_as_healthy_as_they_say(name: str, rules: list[str]) -> None:
    campaign = load_campaign(EXAMPLES / name)
    assert [f.rule for f in check_health(campaign)] == rules
    assert len(campaign.deliverables()) >= 8 and campaign.people and campaign.music


def test_the_casting_example_is_the_seed_done_right() -> None:
    campaign = load_example("casting-series-fr")
    [series] = campaign.series
    assert campaign.language == "fr" and series.platform == "tiktok"
    assert series.episodes_planned == len(series.episodes) == 12
    assert all(ep.duration_s <= 60 for ep in series.episodes)
    assert all(o.kpis and all(k.target is not None for k in o.kpis) for o in campaign.objectives)
    minors = [p for p in campaign.people if p.minor]
    assert minors and all(p.guardian and p.guardian.consent == "granted" for p in minors)


def test_the_docs_describe_every_key_and_rule() -> None:
    from pydantic import BaseModel

    from coulisses.campaign import schema
    from coulisses.campaign.health import RULES

    doc = (REPO / "docs" / "campaign.md").read_text(encoding="utf-8")
    models = [m for m in vars(schema).values()
              if isinstance(m, type) and issubclass(m, BaseModel)
              and m.__module__ == schema.__name__ and not m.__name__.startswith("_")]
    assert len(models) == 23
    for model in models:
        section = doc.split(f"### {model.__name__}\n", 1)[1].split("###", 1)[0]
        for name in model.model_fields:
            assert f"| `{name}` |" in section, (model.__name__, name)
    for rule_id in RULES:
        assert f"| `{rule_id}` |" in doc


# --- the packaged examples ------------------------------------------------------------------


def test_examples_are_packaged_once_and_pointed_to() -> None:
    names = example_names()
    assert names == sorted(p.stem for p in EXAMPLES.glob("*.yaml")) and len(names) == 3
    # the repository's examples/ folder holds no second copy to drift: a README naming all and
    # one link per packaged file
    shown = sorted(p.name for p in (REPO / "examples").iterdir())
    assert shown == sorted(["README.md", *(f"{n}.yaml" for n in names)])
    for name in names:
        link = REPO / "examples" / f"{name}.yaml"
        assert link.is_symlink() and link.resolve() == (EXAMPLES / f"{name}.yaml").resolve()
    readme = (REPO / "examples" / "README.md").read_text("utf-8")
    doc = (REPO / "docs" / "campaign.md").read_text("utf-8")
    for name in names:
        assert f"`{name}`" in readme and f"`{name}`" in doc
    # and the wheel ships them (setuptools package-data)
    assert '"campaign/data/examples/*.yaml"' in (REPO / "pyproject.toml").read_text("utf-8")


def test_examples_use_the_plan_fields() -> None:
    for name in example_names():
        campaign = load_example(name)
        assert campaign.timezone == "Europe/Paris", name
        assert any(p.publish_time for p in campaign.platforms), name
        assert any(d.status != "planned" for _, d in campaign.deliverables()), name
        assert any(day.wrap for day in campaign.shoot_days), name


def test_new_writes_an_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "cites.yaml"
    run = run_cli(capsys, "campaign", "new", target, "--example", "casting-series-fr")
    assert run.rc == 0 and f"coulisses plan {target}" in run.out
    assert target.read_text("utf-8") == example_text("casting-series-fr")
    assert check_health(load_campaign(target)) == []
    run = run_cli(capsys, "campaign", "new", target, "--example", "casting-series-fr")
    assert run.rc == 4 and "--force" in error_line(run)


def test_an_unknown_example_is_one_line_with_the_known_ones(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "campaign", "new", tmp_path / "a.yaml", "--example", "casting")
    assert run.rc == 2
    line = error_line(run)
    assert "'casting'" in line and "casting-series-fr" in line
    assert not (tmp_path / "a.yaml").exists()


def test_examples_lists_them(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "campaign", "examples")
    assert run.rc == 0
    listed = [line.split(":")[0].strip() for line in run.out.splitlines()[1:]]
    assert listed == example_names()
