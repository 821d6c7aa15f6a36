"""A publishing rehearsal, all on this machine: the sandbox on a free loopback port, a sandbox
account per platform, a cut's variants scheduled to them (the plan's deliverables through the
plan and its gates, the other variants directly), the worker until idle, then a sync of their
numbers into the analytics store, matched by platform id. ``coulisses demo`` runs it.

Its studio database, token key and sandbox record live in its own folder, never in the user's.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coulisses.platforms.spec import PlatformSpec
    from coulisses.publish.sync import SyncResult

ACCOUNT = "demo"


@dataclass(frozen=True)
class RehearsedPost:
    """One post of the rehearsal, as it ended, with its numbers once synced."""

    platform: str
    variant: str
    deliverable: str  # empty: not planned in the campaign
    state: str
    platform_id: str
    views: float | None = None


@dataclass(frozen=True)
class Rehearsal:
    folder: Path
    sandbox_url: str
    posts: tuple[RehearsedPost, ...]
    synced: SyncResult


def rehearse(folder: Path, campaign_file: Path, cut_folder: Path,
             registry: dict[str, PlatformSpec], store: Path) -> Rehearsal:
    """Publish the cut in ``cut_folder`` to a fresh sandbox and sync it into ``store``.

    Each variant of the cut goes to the sandbox account of its platform: as the first planned
    BTS deliverable of that platform, drafted from the plan and confirmed (QC, rights gates),
    else as a post outside the plan.

    Raises:
        CampaignError: the campaign file does not validate.
        QCFailedError, RightsError: a planned variant does not pass its gates.
        OutputError: the folder or the store cannot be written.
    """
    from cryptography.fernet import Fernet

    from coulisses.campaign.load import load_campaign
    from coulisses.campaign.plan import plan_campaign
    from coulisses.kpi.store import open_store
    from coulisses.publish import accounts, queue
    from coulisses.publish.api import builtin_apis, validate_options
    from coulisses.publish.plan_posts import (
        api_for,
        draft_posts,
        offer_from_results,
        schedule_drafts,
        variants_of,
    )
    from coulisses.publish.sandbox.app import SandboxServer
    from coulisses.publish.studio import open_url
    from coulisses.publish.sync import sync
    from coulisses.publish.tables import Post, now_ms
    from coulisses.publish.worker import Worker, WorkerConfig, sha256_of

    shutil.rmtree(folder, ignore_errors=True)  # a rehearsal starts from nothing
    folder.mkdir(parents=True)
    campaign = load_campaign(campaign_file, platform_ids=set(registry))
    plan = plan_campaign(campaign, registry)
    apis = builtin_apis()
    variants = variants_of(cut_folder)
    fernet = Fernet(Fernet.generate_key())  # the rehearsal's tokens die with it
    engine, sessions = open_url(f"sqlite:///{folder / 'studio.sqlite3'}")
    try:
        with SandboxServer(folder / "sandbox") as server:
            planned = {}
            for platform in variants:
                first = next((d for d in plan.deliverables if d.platform == platform
                              and d.source_kind == "bts"), None)
                if first is not None:
                    planned[platform] = first.id
            with sessions() as session:
                used = {api_for(p, apis).id for p in variants}
                made = {a: accounts.add(session, fernet, apis[a], ACCOUNT, sandbox_url=server.url)
                        for a in sorted(used)}
                ids = {a: m.id for a, m in made.items()}
                offers = [offer_from_results(d, cut_folder, p) for p, d in planned.items()]
                drafts = draft_posts(campaign, plan, offers, apis,
                                     lambda api: made[api.id], at_once=True)
                posts = schedule_drafts(session, drafts, confirm=True)
                for platform, video in variants.items():
                    if platform in planned:
                        continue
                    api = api_for(platform, apis)
                    posts.append(queue.schedule(
                        session, account_id=ids[api.id], platform=api.id,
                        video_path=str(video.resolve()), video_sha256=sha256_of(video),
                        size_bytes=video.stat().st_size, due_ms=now_ms(),
                        caption=f"{campaign.name} #coulisses", options=validate_options(api, {})))
                post_ids = [p.id for p in posts]
            worker = Worker(sessions, fernet, apis, WorkerConfig(
                backoff_s=0.05, poll_s=0.05, packs=folder / "packs"))
            try:
                worker.run(until_idle=True)
            finally:
                worker.close()
            synced = sync(sessions, fernet, apis, store, backoff_s=0.05)
            url = server.url
        with sessions() as session:
            rows = [session.get(Post, i) for i in post_ids]
            ended = [(r.platform, Path(r.video_path).name, r.state, r.platform_post_id)
                     for r in rows if r is not None]
    finally:
        engine.dispose()
    deliverable_of = {Path(variants[p]).name: d for p, d in planned.items()}
    with open_store(store) as db:
        views = {(r[0], r[1]): r[2] for r in db.con.execute(
            "SELECT platform, post_id, value FROM metrics WHERE metric = 'views' AND "
            "source_sheet = 'api'").fetchall()}
    out = tuple(RehearsedPost(p, v, deliverable_of.get(v, ""), s, pid, views.get((p, pid)))
                for p, v, s, pid in ended)
    return Rehearsal(folder, url, out, synced)
