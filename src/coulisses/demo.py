"""What ``coulisses demo`` makes on the spot (no network): sample rushes (a behind-the-scenes
clip with speech-like sound and its captions), the plan of a packaged example campaign, its
measure (sample analytics exports imported into a store, and the KPI report), and a publishing
rehearsal of the cuts to the local sandbox, synced back into that report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coulisses.media.ffmpeg import Command, Runner

if TYPE_CHECKING:
    from coulisses.campaign.outputs import PlanFiles, Progress
    from coulisses.kpi.sample import SampleExports
    from coulisses.kpi.store import ImportResult
    from coulisses.platforms.spec import PlatformSpec
    from coulisses.publish.rehearsal import Rehearsal

DEMO_PLATFORMS = "tiktok,instagram-feed,linkedin,youtube"
DURATION = 12

CAPTIONS_EN = [
    (0.3, 3.4, "Day one on set: we rig the lights."),
    (3.6, 6.6, "First take. The dolly squeaks!"),
    (6.8, 9.2, "So we start again."),
    (9.4, 11.8, "Vote for the next take!"),
]


@dataclass(frozen=True)
class DemoRushes:
    landscape: Path
    captions: Path


def rushes_commands(folder: Path) -> tuple[list[Command], DemoRushes]:
    """Commands that make the sample rushes (run them with a ``Runner``)."""
    video = folder / "bts-day1.mp4"
    # A moving test pattern with a bouncing "subject", and a voice-like tone that pauses:
    # amplitude-modulated harmonics between silences, at about -24 LUFS.
    picture = (f"testsrc2=size=1920x1080:rate=30:duration={DURATION},"
               "drawbox=x='760+300*sin(t*1.3)':y=340:w=400:h=400:color=0xE04E39@0.85:t=fill,"
               "drawgrid=w=240:h=240:t=2:c=white@0.25")
    voice = (f"aevalsrc='(0.5*sin(2*PI*180*t)+0.3*sin(2*PI*360*t)+0.15*sin(2*PI*540*t))"
             "*(0.5+0.5*sin(2*PI*3*t))*gt(mod(t,2.4),0.3)*0.12':"
             f"sample_rate=48000:duration={DURATION}:channel_layout=stereo")
    make = Command(args=(
        "-loglevel", "error", "-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", voice,
        "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-shortest",
        "-movflags", "+faststart", str(video)), label="sample rushes")
    captions = folder / "bts-day1.srt"
    return [make], DemoRushes(landscape=video, captions=captions)


def srt_text() -> str:
    def clock(t: float) -> str:
        ms = round(t * 1000)
        return f"00:00:{ms // 1000:02d},{ms % 1000:03d}"

    return "\n".join(f"{i}\n{clock(a)} --> {clock(b)}\n{line}\n"
                     for i, (a, b, line) in enumerate(CAPTIONS_EN, 1))


def make_rushes(folder: Path, runner: Runner) -> DemoRushes:
    """Write the sample rushes into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    commands, rushes = rushes_commands(folder)
    for command in commands:
        runner.run(command)
    rushes.captions.write_text(srt_text(), encoding="utf-8")
    return rushes


DEMO_CAMPAIGN = "casting-series-fr"


@dataclass(frozen=True)
class DemoPlan:
    campaign: Path  # the example campaign file, written out to edit and plan again
    files: PlanFiles


def write_example_plan(out: Path, registry: Mapping[str, PlatformSpec], *, lang: str = "en",
                       progress: Progress | None = None) -> DemoPlan:
    """Write the packaged example campaign into ``out`` and its plan into ``out/plan``.

    Raises:
        OutputError (and leaves): ``out`` cannot be written.
    """
    from coulisses.campaign.health import check_health
    from coulisses.campaign.load import load_campaign
    from coulisses.campaign.outputs import write_plan
    from coulisses.campaign.plan import plan_campaign
    from coulisses.campaign.template import write_example

    out.mkdir(parents=True, exist_ok=True)
    campaign_file = write_example(out / f"{DEMO_CAMPAIGN}.yaml", DEMO_CAMPAIGN, force=True)
    campaign = load_campaign(campaign_file, platform_ids=set(registry))
    plan = plan_campaign(campaign, registry, lang)
    files = write_plan(plan, out / "plan", check_health(campaign, lang=lang),
                       source=str(campaign_file), lang=lang, progress=progress)
    return DemoPlan(campaign=campaign_file, files=files)


@dataclass(frozen=True)
class DemoMeasure:
    """The measure step: exports written, what their import did, and the report."""

    exports: SampleExports
    store: Path
    imports: tuple[ImportResult, ...]
    html: Path
    json: Path
    matched: int  # posts of the store matched to the campaign
    unmatched: int
    advice: str | None  # the top "what to make next" line, with its evidence


def measure_example(out: Path, campaign_file: Path, registry: Mapping[str, PlatformSpec], *,
                    lang: str = "en", progress: Progress | None = None) -> DemoMeasure:
    """Write sample analytics exports of the campaign into ``out/analytics/exports``, import
    them into ``out/analytics/analytics.duckdb`` (matched to the campaign; the same files
    again are "already imported"), and write ``report.html`` and ``report.json`` beside it.

    Raises:
        CampaignError: the campaign file does not validate.
        AnalyticsImportError: an export cannot be imported; the store keeps what it had.
        OutputError (and leaves): ``out`` cannot be written.
    """
    from coulisses.campaign.load import load_campaign
    from coulisses.kpi.campaign_posts import campaign_posts
    from coulisses.kpi.report import build_report, write_report
    from coulisses.kpi.sample import write_sample_exports
    from coulisses.kpi.store import open_store

    def step(stage: str, done: float) -> None:
        if progress is not None:
            progress(stage, done)

    campaign = load_campaign(campaign_file, platform_ids=set(registry))
    folder = out / "analytics"
    step("importing analytics", 0.0)
    exports = write_sample_exports(campaign, folder / "exports", lang="fr")
    store = analytics_store(out)
    with open_store(store) as db:
        step("importing analytics", 0.2)
        content = db.import_file(exports.content, platform="tiktok",
                                 known_posts=campaign_posts(campaign), as_of=exports.as_of)
        step("importing analytics", 0.4)
        comments = db.import_file(exports.comments, mapping=exports.mapping,
                                  as_of=exports.as_of, brand_account=exports.brand_account)
        posts = db.posts(platform="tiktok")
    step("measuring", 0.5)
    report = build_report(store, campaign=campaign, lang=lang)
    html = write_report(report, "html", folder / "report.html")
    step("measuring", 0.9)
    data = write_report(report, "json", folder / "report.json")
    step("measuring", 1.0)
    matched = sum(p.campaign == campaign.id for p in posts)
    top = report.advice[0] if report.advice else None
    return DemoMeasure(exports, store, (content, comments), html, data, matched,
                       len(posts) - matched, f"{top.text} ({top.evidence})" if top else None)


def analytics_store(out: Path) -> Path:
    """The demo's analytics store: the rehearsal syncs into it, the measure imports into it."""
    return out / "analytics" / "analytics.duckdb"


def publish_example(out: Path, campaign_file: Path, cuts: Path,
                    registry: Mapping[str, PlatformSpec]) -> Rehearsal:
    """Rehearse publishing the demo's cuts to the sandbox (in ``out/publish``) and sync their
    numbers into the demo's analytics store, where the measure's report finds them.

    Raises:
        QCFailedError, RightsError: a planned cut does not pass its gates.
        OutputError (and leaves): ``out`` cannot be written.
    """
    from coulisses.publish.rehearsal import rehearse

    return rehearse(out / "publish", campaign_file, cuts, dict(registry), analytics_store(out))
