"""The plan becomes a calendar of posts: each planned deliverable offered a rendered variant
becomes a draft post (caption from the deliverable, its BTS item or episode; time from the
calendar) that a person confirms, linked to what it was made from.

Three gates come first, for every deliverable, before anything is written: the variant's QC
passed, its rights gate is clear (consent and music licences for that platform), and, for a
studio cut, the cut version was approved. The first that is closed stops the whole schedule
with one line naming the deliverable and the gate; then nothing is scheduled.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coulisses.errors import InputError, NotApprovedError, QCFailedError, RightsError, UsageError
from coulisses.publish.api import PlatformApi, check_caption, validate_options
from coulisses.publish.links import PostLink

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from coulisses.campaign.plan import Plan, PlannedDeliverable
    from coulisses.campaign.schema import Campaign
    from coulisses.publish.tables import Post, PublishAccount

#: a check of a file against a registry platform: (passed, reasons)
QcCheck = Callable[[Path, str], tuple[bool, list[str]]]


@dataclass(frozen=True)
class Offer:
    """A rendered variant offered for one deliverable, with what is known of its gates."""

    deliverable: str
    video: Path
    qc_passed: bool | None = None  # None: not checked yet (a file named by hand)
    qc_reasons: tuple[str, ...] = ()
    cut: str = ""  # the results folder, or "studio cut version N"
    approved: bool | None = None  # None: not a studio cut (no approval to check)
    moment_kinds: tuple[str, ...] = ()
    duration_s: float = 0.0


@dataclass(frozen=True)
class Draft:
    """A post ready to be scheduled (every gate passed)."""

    deliverable: PlannedDeliverable
    api: PlatformApi
    account_id: int
    offer: Offer
    caption: str
    due: datetime  # UTC
    link: PostLink
    options: dict[str, object]


def _report(folder: Path) -> dict[str, Any]:
    report = folder / "report.json"
    try:
        data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{report}: cannot read the cut's report ({exc})", path=report,
                         hint="give the folder coulisses cut wrote") from None
    return data


def variants_of(folder: Path) -> dict[str, Path]:
    """The rendered file of each platform in a ``coulisses cut`` results folder.

    Raises:
        InputError: no readable report.json there.
    """
    return {v["platform"]: folder / v["video"] for v in _report(folder).get("variants", [])}


def offer_from_results(deliverable: str, folder: Path, platform: str) -> Offer:
    """The variant for ``platform`` in a ``coulisses cut`` results folder (its report.json).

    Raises:
        InputError: no report there, or no variant for that platform in it.
    """
    data = _report(folder)
    for variant in data.get("variants", []):
        if variant.get("platform") == platform:
            qc = variant.get("qc") or {}
            reasons = tuple(f"{c['name']}: expected {c['expected']}, got {c['actual']}"
                            for c in qc.get("checks", []) if not c.get("passed", True))
            duration = float((data.get("span") or {}).get("duration") or 0.0)
            return Offer(deliverable, folder / variant["video"], bool(qc.get("passed")),
                         reasons, cut=str(folder), duration_s=duration)
    raise InputError(f"{folder}: the cut has no {platform} variant for {deliverable}",
                     path=folder, hint=f"cut it to {platform}: coulisses cut SOURCE "
                                       f"--platforms {platform}")


def api_for(platform: str, apis: Mapping[str, PlatformApi]) -> PlatformApi:
    """The publishing API of a registry platform id (``instagram-reels`` -> instagram)."""
    for api in apis.values():
        if platform in api.specs:
            return api
    found = apis.get(platform.split("-")[0])
    if found is None:
        raise UsageError(f"no publishing API publishes {platform}",
                         hint=f"known: {', '.join(sorted(apis))}")
    return found


def caption_for(campaign: Campaign, deliverable: PlannedDeliverable) -> str:
    """The deliverable's working caption, else its BTS item's (or episode's) title and what was
    filmed; the brand's handle closes it when the text does not name it."""
    text = deliverable.caption.strip()
    if not text:
        item = next((b for b in campaign.bts if b.id == deliverable.source), None)
        text = f"{item.title}: {item.capture}" if item is not None else deliverable.title
    handle = (campaign.brand.handle or "").strip()
    if handle and handle.lower() not in text.lower():
        text = f"{text} {handle if handle.startswith('@') else '@' + handle}"
    return text


def _due(plan: Plan, deliverable: PlannedDeliverable, now: datetime, at_once: bool) -> datetime:
    from coulisses.publish.when import parse_at

    if at_once:
        return now
    publish = deliverable.publish
    if not isinstance(publish, datetime):
        raise UsageError(f"{deliverable.id}: no publication time in the plan",
                         hint="give it publish and publish_time (or the platform's), or --now")
    try:
        return parse_at(f"{publish:%Y-%m-%d %H:%M} {plan.timezone}", now)
    except UsageError as exc:
        raise UsageError(f"{deliverable.id}: planned for {publish:%Y-%m-%d %H:%M} "
                         f"{plan.timezone}: {exc.message.split(': ', 1)[-1]}",
                         hint="move it in the campaign file, or --now to publish at once"
                         ) from None


def _link(campaign: Campaign, deliverable: PlannedDeliverable, offer: Offer) -> PostLink:
    item = next((b for b in campaign.bts if b.id == deliverable.source), None)
    episode = next((e for s in campaign.series for e in s.episodes
                    if e.id == deliverable.source), None)
    beats = item.beats if item is not None else episode.beats if episode is not None else ()
    kinds = tuple(dict.fromkeys(([item.kind] if item is not None else []) +
                                list(offer.moment_kinds)))
    return PostLink(campaign=campaign.id, deliverable=deliverable.id,
                    kind="bts" if item is not None else "campaign", cut=offer.cut,
                    variant=offer.video.name, bts_item=item.id if item is not None else "",
                    beats=tuple(beats), moment_kinds=kinds)


def gate(offer: Offer, check: QcCheck | None, on: datetime, *, label: str, platform: str,
         plan: Plan | None = None, deliverable: PlannedDeliverable | None = None) -> None:
    """The three gates of one variant, in order: QC, rights, approval. ``label`` names it in
    the refusal (the deliverable's id, or the studio cut); the rights gate is the campaign's
    (``plan`` and ``deliverable``) when the variant was made for one. The one check used by
    ``publish schedule --from-plan`` and by the studio's scheduling.

    Raises:
        QCFailedError: the variant does not meet the platform.
        RightsError: a consent or a music licence is missing for that platform.
        NotApprovedError: the studio cut version was not approved.
    """
    from coulisses.campaign import rights

    passed, reasons = offer.qc_passed, list(offer.qc_reasons)
    if passed is None:
        if check is None:
            raise QCFailedError(f"{label}: its variant's QC was not run",
                                hint="cut it with coulisses cut, or give its results folder")
        passed, reasons = check(offer.video, platform)
    if not passed:
        raise QCFailedError(f"{label}: not scheduled: its variant {offer.video.name} "
                            f"did not pass QC for {platform}"
                            + (f" ({reasons[0]})" if reasons else ""), reasons=reasons,
                            hint="cut it again, then schedule it")
    found = rights.reasons(plan, deliverable, on=on.date()) \
        if plan is not None and deliverable is not None else []
    if found:
        raise RightsError(f"{label}: not scheduled: rights gate closed: {found[0]}"
                          + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""),
                          reasons=found, hint="record the consent or licence in the campaign "
                                              "file, then schedule it")
    if offer.approved is False:
        raise NotApprovedError(f"{label}: not scheduled: {offer.cut} was not approved",
                               hint="approve the cut in the studio's review, then schedule it")


def draft_posts(campaign: Campaign, plan: Plan, offers: Sequence[Offer],
                apis: Mapping[str, PlatformApi],
                account_for: Callable[[PlatformApi], PublishAccount], *,
                check: QcCheck | None = None, now: datetime | None = None,
                at_once: bool = False) -> list[Draft]:
    """The drafts of the offered deliverables, every gate passed. Pure but for ``check``.

    Raises:
        UsageError: a deliverable the plan does not have, offered twice, a time that has passed
            or does not exist, a caption over the platform's limits.
        QCFailedError, RightsError, NotApprovedError: a gate is closed (the first found).
        NotFoundError: no account connected for a deliverable's platform.
    """
    now = now or datetime.now(UTC)
    seen: set[str] = set()
    drafts = []
    for offer in offers:
        try:
            deliverable = plan.deliverable(offer.deliverable)
        except KeyError:
            raise UsageError(f"{plan.campaign} has no deliverable {offer.deliverable!r}",
                             hint=f"known: {', '.join(d.id for d in plan.deliverables[:8])}"
                             ) from None
        if offer.deliverable in seen:
            raise UsageError(f"{offer.deliverable} is offered twice")
        seen.add(offer.deliverable)
        api = api_for(deliverable.platform, apis)
        due = _due(plan, deliverable, now, at_once)
        gate(offer, check, due, label=deliverable.id, platform=deliverable.platform, plan=plan,
             deliverable=deliverable)
        caption = caption_for(campaign, deliverable)
        check_caption(api, caption)
        account = account_for(api)
        drafts.append(Draft(deliverable, api, account.id, offer, caption, due,
                            _link(campaign, deliverable, offer), validate_options(api, {})))
    return drafts


def schedule_drafts(session: Session, drafts: Sequence[Draft], *, confirm: bool = False,
                    force: bool = False) -> list[Post]:
    """Add the drafts (scheduled at once when ``confirm``) in one transaction.

    Raises:
        ConflictError: a variant is already scheduled to that account (nothing is added).
        InputError: a variant's file cannot be read.
    """
    from coulisses.publish import queue
    from coulisses.publish.worker import sha256_of

    posts = []
    for d in drafts:
        try:
            size, digest = d.offer.video.stat().st_size, sha256_of(d.offer.video)
        except OSError as exc:
            session.rollback()
            raise InputError(f"{d.offer.video}: cannot read the variant ({exc.strerror})",
                             path=d.offer.video) from None
        posts.append(queue.schedule(
            session, account_id=d.account_id, platform=d.api.id,
            video_path=str(d.offer.video.resolve()), video_sha256=digest, size_bytes=size,
            due_ms=int(d.due.timestamp() * 1000), caption=d.caption, options=d.options,
            duration_ms=int(d.offer.duration_s * 1000), draft=not confirm, force=force,
            link=d.link, commit=False))
    session.commit()
    return posts
