"""``publish schedule --from-plan``: a real cut of a planned deliverable becomes a draft post
linked to its campaign, deliverable, BTS item, beats and moment kinds; the QC, rights and
studio-approval gates each refuse in one line, and a refusal schedules nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import media
from clirun import error_line, run_cli
from coulisses.campaign.load import load_campaign
from coulisses.campaign.plan import Plan, plan_campaign
from coulisses.campaign.schema import Campaign
from coulisses.campaign.template import write_example
from coulisses.errors import NotApprovedError, QCFailedError, RightsError, UsageError
from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.platforms.registry import Registry
from coulisses.publish import accounts, links, queue
from coulisses.publish.api import PlatformApi
from coulisses.publish.plan_posts import (
    Offer,
    draft_posts,
    offer_from_results,
    schedule_drafts,
)
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.studio import offer_from_cut
from coulisses.publish.tables import Post
from coulisses.render.cut import cut
from coulisses.render.plan import CutOptions
from coulisses.render.qc import check_file
from coulisses.studio.tables import Cut, CutVariant, CutVersion, Rush, Workspace

NOW = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)  # before the campaign's first publication


@pytest.fixture(scope="module")
def cut_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real cut of a 5 s clip to TikTok (its results folder, report.json and QC)."""
    folder = tmp_path_factory.mktemp("cut")
    clip = media.make_clip(folder / "rush.mp4", width=640, height=360, duration=5.0,
                           audio="speech")
    result = cut(clip, ["tiktok"], folder / "results", options=CutOptions(preset="draft"),
                 registry=Registry.load(), runner=SubprocessRunner())
    assert result.passed
    return folder / "results"


@pytest.fixture
def campaign(tmp_path: Path) -> tuple[Path, Campaign, Plan]:
    path = write_example(tmp_path / "casting.yaml", "casting-series-fr")
    loaded = load_campaign(path, platform_ids=set(Registry.load()))
    return path, loaded, plan_campaign(loaded, Registry.load())


@pytest.fixture
def sandbox_accounts(db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi],
                     tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "sb") as server:
        with db() as session:
            accounts.add(session, fernet, apis["tiktok"], "brand", sandbox_url=server.url)
        yield server


def _check(video: Path, platform: str) -> tuple[bool, list[str]]:
    result = check_file(video, Registry.load()[platform], SubprocessRunner())
    return result.passed, result.reasons


def _drafts(db: sessionmaker[Session], campaign: tuple[Path, Campaign, Plan],
            apis: dict[str, PlatformApi], offers: list[Offer], **kw: object) -> list[Post]:
    _, loaded, plan = campaign
    with db() as session:
        drafts = draft_posts(loaded, plan, offers, apis,
                             lambda api: accounts.find(session, api.id), check=_check,
                             now=NOW, **kw)  # type: ignore[arg-type]
        return schedule_drafts(session, drafts)


def _count(db: sessionmaker[Session]) -> int:
    with db() as session:
        return len(list(session.scalars(select(Post.id))))


def test_a_planned_cut_becomes_a_linked_draft_at_its_calendar_time(
        db: sessionmaker[Session], apis: dict[str, PlatformApi], cut_folder: Path,
        campaign: tuple[Path, Campaign, Plan], sandbox_accounts: SandboxServer) -> None:
    [post] = _drafts(db, campaign, apis,
                     [offer_from_results("challenge-tt", cut_folder, "tiktok")])
    _, loaded, plan = campaign
    planned = plan.deliverable("challenge-tt")
    assert post.state == "draft" and post.platform == "tiktok"
    # the calendar's time, in the campaign's zone (Paris)
    assert isinstance(planned.publish, datetime)
    local = planned.publish.replace(tzinfo=ZoneInfo("Europe/Paris"))
    assert post.due_ms == int(local.timestamp() * 1000)
    assert planned.caption in post.caption and "@cinequartiers" in post.caption
    report = json.loads((cut_folder / "report.json").read_text("utf-8"))
    assert Path(post.video_path).name == report["variants"][0]["video"]
    with db() as session:
        link = links.links_of(session, [post.id])[post.id]
        assert link == links.PostLink(
            campaign=loaded.id, deliverable="challenge-tt", kind="bts", cut=str(cut_folder),
            variant=Path(post.video_path).name, bts_item="lancement-challenge",
            beats=("appel",), moment_kinds=("preparation",))
        confirmed = queue.confirm(session, post.id)
        assert (confirmed.state, confirmed.due_ms) == ("scheduled", post.due_ms)


def test_each_gate_refuses_in_one_line_and_nothing_is_scheduled(
        db: sessionmaker[Session], apis: dict[str, PlatformApi], cut_folder: Path,
        campaign: tuple[Path, Campaign, Plan], sandbox_accounts: SandboxServer,
        landscape_clip: Path, tmp_path: Path) -> None:
    good = offer_from_results("challenge-tt", cut_folder, "tiktok")
    # QC: a landscape 320x180 file is no TikTok video (checked with the real QC)
    with pytest.raises(QCFailedError, match=r"^best-of-1-tt: not scheduled: its variant "
                                            r"landscape.mp4 did not pass QC for tiktok"):
        _drafts(db, campaign, apis, [good, Offer("best-of-1-tt", landscape_clip)])
    # rights: the director's consent is pending in this copy of the campaign
    path, _, _ = campaign
    text = path.read_text("utf-8").replace("{id: realisateur, name: Karim B., role: crew, "
                                           "consent: granted,",
                                           "{id: realisateur, name: Karim B., role: crew, "
                                           "consent: pending,")
    path.write_text(text, "utf-8")
    pending = load_campaign(path, platform_ids=set(Registry.load()))
    with pytest.raises(RightsError, match=r"^challenge-tt: not scheduled: rights gate closed: "
                                          r"Karim B\. \(realisateur\) has not given consent"):
        _drafts(db, (path, pending, plan_campaign(pending, Registry.load())), apis, [good])
    # a time that has passed, unless published at once
    with pytest.raises(UsageError, match=r"challenge-tt: planned for 2026-01-06 \d\d:\d\d "
                                         r"Europe/Paris: .* is in the past"):
        _, loaded, plan = campaign
        with db() as session:
            draft_posts(loaded, plan, [good], apis, lambda api: accounts.find(session, api.id),
                        now=datetime(2026, 6, 1, tzinfo=UTC))
    assert _count(db) == 0


def _studio_cut(db: sessionmaker[Session], data_dir: Path, cut_folder: Path,
                decision: str) -> int:
    """A studio cut version of a rush whose analysis found a laughter moment, with its
    TikTok variant (the real cut's file and QC)."""
    report = json.loads((cut_folder / "report.json").read_text("utf-8"))
    variant = report["variants"][0]
    target = data_dir / "renders" / variant["video"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((cut_folder / variant["video"]).read_bytes())
    moments = [{"start": 0.5, "end": 2.5, "score": 0.9, "kind": "bts", "reason": "laughs",
                "scores": {"laughter": 0.8, "speech": 0.4}, "text": ""},
               {"start": 9.0, "end": 12.0, "score": 0.7, "kind": "bts", "reason": "oops",
                "scores": {"trouble": 0.7}, "text": ""}]
    with db() as session:
        space = Workspace(name="crew")
        session.add(space)
        session.flush()
        rush = Rush(workspace_id=space.id, name="rush.mp4", path="rushes/rush.mp4",
                    moments=json.dumps(moments))
        session.add(rush)
        session.flush()
        the_cut = Cut(workspace_id=space.id, rush_id=rush.id, title="challenge")
        session.add(the_cut)
        session.flush()
        version = CutVersion(workspace_id=space.id, cut_id=the_cut.id, number=1,
                             platforms="tiktok", start=0.0, end=5.0, status="done",
                             decision=decision)
        session.add(version)
        session.flush()
        session.add(CutVariant(workspace_id=space.id, version_id=version.id, platform="tiktok",
                               video=f"renders/{variant['video']}", passed=variant["qc"]["passed"],
                               qc=json.dumps(variant["qc"])))
        session.commit()
        return version.id


def test_a_studio_cut_must_be_approved_and_brings_its_moment_kinds(
        db: sessionmaker[Session], apis: dict[str, PlatformApi], cut_folder: Path,
        campaign: tuple[Path, Campaign, Plan], sandbox_accounts: SandboxServer,
        tmp_path: Path) -> None:
    version = _studio_cut(db, tmp_path / "data", cut_folder, "pending")
    with db() as session:
        offer = offer_from_cut(session, tmp_path / "data", "challenge-tt", version, "tiktok")
    assert offer.approved is False and offer.moment_kinds == ("laughter",)
    with pytest.raises(NotApprovedError, match=r"^challenge-tt: not scheduled: studio cut \d+ "
                                               r"version 1 was not approved"):
        _drafts(db, campaign, apis, [offer])
    assert _count(db) == 0
    with db() as session:
        row = session.get(CutVersion, version)
        assert row is not None
        row.decision = "approved"
        session.commit()
        offer = offer_from_cut(session, tmp_path / "data", "challenge-tt", version, "tiktok")
    [post] = _drafts(db, campaign, apis, [offer])
    with db() as session:
        link = links.links_of(session, [post.id])[post.id]
    assert link.moment_kinds == ("preparation", "laughter") and link.cut.startswith("studio cut")


def test_the_cli_drafts_from_the_plan_then_confirm_publishes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        cut_folder: Path, campaign: tuple[Path, Campaign, Plan], sandbox: SandboxServer) -> None:
    monkeypatch.setenv("COULISSES_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COULISSES_SETTINGS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("COULISSES_PUBLISH_POLL_MS", "1")
    monkeypatch.setenv("COULISSES_LANG", "en")
    path, _, _ = campaign
    assert run_cli(capsys, "publish", "accounts", "add", "tiktok", "--sandbox",
                   sandbox.url).rc == 0
    refused = run_cli(capsys, "publish", "schedule", "--from-plan", path, "--cut",
                      f"nope-tt={cut_folder}")
    assert refused.rc == 2 and "has no deliverable 'nope-tt'" in error_line(refused)
    run = run_cli(capsys, "publish", "schedule", "--from-plan", path, "--cut",
                  f"challenge-tt={cut_folder}", "--now")
    assert run.rc == 0, run.err
    assert "tone on tiktok: rapide, drôle" in run.out and "coulisses publish confirm" in run.out
    [draft] = json.loads(run_cli(capsys, "publish", "list", "--json").out)
    post_id = draft["id"]
    assert f"{post_id:>5}  draft" in run.out
    assert run_cli(capsys, "publish", "run", "--until-idle").rc == 0  # a draft waits
    assert json.loads(run_cli(capsys, "publish", "list", "--json").out)[0]["state"] == "draft"
    assert run_cli(capsys, "publish", "confirm", str(post_id)).rc == 0
    assert run_cli(capsys, "publish", "run", "--until-idle").rc == 0
    [row] = json.loads(run_cli(capsys, "publish", "list", "--json").out)
    assert row["state"] == "published"
    run = run_cli(capsys, "publish", "sync", "--store", tmp_path / "a.duckdb")
    assert run.rc == 0, run.err
    assert "1 post(s) synced, 1 matched to their deliverable by id" in run.out


def test_bad_input_gets_one_line_and_changes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        cut_folder: Path, campaign: tuple[Path, Campaign, Plan]) -> None:
    monkeypatch.setenv("COULISSES_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COULISSES_SETTINGS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("COULISSES_LANG", "en")
    path, _, _ = campaign
    cases = [
        (("--from-plan", path), 2, "--from-plan needs the cuts to publish"),
        (("--from-plan", path, "--cut", "challenge-tt"), 2, "is not DELIVERABLE=VALUE"),
        (("--from-plan", path, "--cut", f"challenge-tt={cut_folder}", "--now"), 8,
         "no tiktok account is connected"),
        (("--from-plan", path, "--cut", f"challenge-tt={tmp_path}", "--now"), 3,
         "cannot read the cut's report"),
        ((cut_folder / "x.mp4", "--from-plan", path), 2, "--from-plan takes its videos"),
        ((), 2, "schedule needs VIDEO, --to and --at"),
    ]
    for argv, rc, words in cases:
        run = run_cli(capsys, "publish", "schedule", *argv)
        assert (run.rc, words in error_line(run)) == (rc, True), (argv, run.err)
    run = run_cli(capsys, "publish", "sync", "--since", "last week")
    assert run.rc == 2 and "--since 'last week' is not a date" in error_line(run)
    run = run_cli(capsys, "publish", "sync", "--store", tmp_path / "a.duckdb")
    assert run.rc == 0 and "0 post(s) synced" in run.out
    assert json.loads(run_cli(capsys, "publish", "list", "--json").out) == []
