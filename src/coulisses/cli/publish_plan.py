"""``coulisses publish schedule --from-plan CAMPAIGN.yaml``: planned deliverables with a rendered
variant become draft posts (or scheduled ones with ``--confirm``), behind the QC, rights and
approval gates; nothing is scheduled when one is closed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coulisses.errors import UsageError
from coulisses.settings import Settings

if TYPE_CHECKING:
    from coulisses.publish.api import PlatformApi
    from coulisses.publish.plan_posts import Offer, QcCheck
    from coulisses.publish.tables import PublishAccount

MESSAGES: dict[str, dict[str, str]] = {
    "en": {"draft": "{id:>5}  {state:<9} {deliverable:<18} {target:<20} {due}  {caption}",
           "tone": "tone on {platform}: {tone}",
           "confirm": "{n} draft(s): read each caption, then: coulisses publish confirm ID",
           "scheduled": "{n} post(s) scheduled"},
    "fr": {"draft": "{id:>5}  {state:<9} {deliverable:<18} {target:<20} {due}  {caption}",
           "tone": "ton sur {platform} : {tone}",
           "confirm": "{n} brouillon(s) : relisez chaque légende, puis : coulisses publish "
                      "confirm ID",
           "scheduled": "{n} publication(s) programmée(s)"},
}


def _pairs(values: list[str], option: str) -> list[tuple[str, str]]:
    out = []
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"{option} {item!r} is not DELIVERABLE=VALUE")
        out.append((key.strip(), value.strip()))
    return out


def _qc_check(settings: Settings) -> QcCheck:
    from coulisses.media.ffmpeg import SubprocessRunner
    from coulisses.platforms.registry import Registry
    from coulisses.render.qc import check_file

    registry = Registry.load(settings.platform_dirs)
    runner = SubprocessRunner(settings.ffmpeg or None)

    def check(video: Path, platform: str) -> tuple[bool, list[str]]:
        result = check_file(video, registry[platform], runner)
        return result.passed, result.reasons

    return check


def schedule_from_plan(settings: Settings, campaign_file: Path, *, cuts: list[str],
                       variants: list[str], studio_cuts: list[str], at_once: bool,
                       confirm: bool, force: bool) -> None:
    """Draft (or schedule) the offered deliverables of a campaign; print them.

    Raises:
        UsageError: nothing offered, or an offer that is not DELIVERABLE=VALUE.
        CampaignError: the campaign file does not validate.
        QCFailedError, RightsError, NotApprovedError: a gate is closed; nothing is scheduled.
    """
    from coulisses.campaign.load import load_campaign
    from coulisses.campaign.plan import plan_campaign
    from coulisses.platforms.registry import Registry
    from coulisses.publish import accounts
    from coulisses.publish.api import builtin_apis
    from coulisses.publish.plan_posts import (
        Offer,
        draft_posts,
        offer_from_results,
        schedule_drafts,
    )
    from coulisses.publish.studio import offer_from_cut, sessions

    if not (cuts or variants or studio_cuts):
        raise UsageError("--from-plan needs the cuts to publish",
                         hint="--cut DELIVERABLE=RESULTS_FOLDER, --variant DELIVERABLE=FILE or "
                              "--studio-cut DELIVERABLE=VERSION_ID")
    registry = Registry.load(settings.platform_dirs)
    campaign = load_campaign(campaign_file, platform_ids=set(registry))
    plan = plan_campaign(campaign, registry, settings.lang)
    platform_of = {d.id: d.platform for d in plan.deliverables}

    def platform(deliverable: str) -> str:
        if deliverable not in platform_of:
            raise UsageError(f"{campaign.id} has no deliverable {deliverable!r}")
        return platform_of[deliverable]

    db = sessions(settings)
    offers: list[Offer] = []
    offers += [offer_from_results(d, Path(folder), platform(d))
               for d, folder in _pairs(cuts, "--cut")]
    offers += [Offer(d, Path(file)) for d, file in _pairs(variants, "--variant")]
    with db() as session:
        for d, version in _pairs(studio_cuts, "--studio-cut"):
            if not version.isdigit():
                raise UsageError(f"--studio-cut {d}={version}: the version id is a number")
            offers.append(offer_from_cut(session, settings.data_dir, d, int(version),
                                         platform(d)))
        check = _qc_check(settings)

        def account_for(api: PlatformApi) -> PublishAccount:
            return accounts.find(session, api.id)

        drafts = draft_posts(campaign, plan, offers, builtin_apis(), account_for, check=check,
                             at_once=at_once)
        posts = schedule_drafts(session, drafts, confirm=confirm, force=force)
        names = {a.id: f"{a.platform}:{a.name}" for a in accounts.listing(session)}
        rows = [(p.id, p.state, d.deliverable.id, names.get(p.account_id, ""), p.due_ms,
                 p.caption) for p, d in zip(posts, drafts, strict=True)]
    words = MESSAGES.get(settings.lang, MESSAGES["en"])
    tones = {p.platform: p.tone for p in campaign.platforms}
    for platform_id in dict.fromkeys(d.deliverable.platform for d in drafts):
        if platform_id in tones:
            typer.echo(words["tone"].format(platform=platform_id, tone=tones[platform_id]))
    for post_id, state, deliverable, target, due_ms, caption in rows:
        due = datetime.fromtimestamp(due_ms / 1000, UTC).isoformat(timespec="minutes")
        typer.echo(words["draft"].format(id=post_id, state=state, deliverable=deliverable,
                                         target=target, due=due, caption=caption[:60]))
    typer.echo(words["scheduled" if confirm else "confirm"].format(n=len(rows)))
