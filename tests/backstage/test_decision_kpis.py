"""A decision's cut shows its KPIs once it is published and its numbers synced: a cut posted
to the sandbox through the publish queue (linked to the studio cut), ``publish sync`` reading
its real numbers into the workspace's analytics store, and the decision log picking them up."""

from __future__ import annotations

import os
from pathlib import Path

from backstageworld import World
from cryptography.fernet import Fernet

from coulisses.backstage import decision_kpis, decisions
from coulisses.kpi.published import latest_numbers
from coulisses.kpi.store import open_store
from coulisses.publish import accounts, queue
from coulisses.publish.api import builtin_apis, validate_options
from coulisses.publish.links import PostLink
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.sync import sync
from coulisses.publish.tables import Post, now_ms
from coulisses.publish.worker import Worker, WorkerConfig, sha256_of
from coulisses.studio.files import analytics_store
from coulisses.studio.tables import Cut, Rush


def _cut(world: World, title: str) -> Cut:
    rush = Rush(workspace_id=world.page.workspace_id, name="r.mp4", path="rushes/r.mp4")
    world.db.add(rush)
    world.db.flush()
    cut = Cut(workspace_id=world.page.workspace_id, rush_id=rush.id, title=title)
    world.db.add(cut)
    world.db.flush()
    return cut


def test_a_decided_cut_shows_its_synced_kpis(world: World, tmp_path: Path) -> None:
    from coulisses.studio.db import open_database

    engine, sessions = open_database(f"sqlite:///{tmp_path / 'studio.sqlite3'}")
    fernet = Fernet(Fernet.generate_key())
    apis = builtin_apis()
    ws = world.page.workspace_id
    red, blue, unposted = _cut(world, "Red cover"), _cut(world, "Blue cover"), _cut(world, "x")
    video = tmp_path / "red.mp4"
    video.write_bytes(os.urandom(150_000))
    other = tmp_path / "blue.mp4"
    other.write_bytes(os.urandom(150_000))
    store = analytics_store(world.settings.data_dir, ws)
    try:
        with SandboxServer(tmp_path / "sandbox") as server:
            account = accounts.add(world.db, fernet, apis["tiktok"], "team",
                                   sandbox_url=server.url, workspace_id=ws)
            for path, cut in ((video, red), (other, blue)):
                queue.schedule(world.db, account_id=account.id, platform="tiktok",
                               video_path=str(path), video_sha256=sha256_of(path),
                               size_bytes=path.stat().st_size, due_ms=now_ms(), caption="bts",
                               options=validate_options(apis["tiktok"], {}),
                               link=PostLink("cites", "ep1-teaser",
                                             cut=f"studio cut {cut.id} version 1"))
            world.db.commit()
            worker = Worker(sessions, fernet, apis,
                            WorkerConfig(backoff_s=0.0, poll_s=0.0, packs=tmp_path / "p"))
            try:
                worker.run(until_idle=True)
            finally:
                worker.close()
            before = decision_kpis.cut_kpis(world.db, world.settings.data_dir, ws, [red.id])
            assert before == {}  # published, never synced: nothing to show yet
            result = sync(sessions, fernet, apis, store, workspace_id=ws, backoff_s=0.0)
        assert result.posts == 2
        decisions.record(world.db, world.page, decision="Red it is", now=world.now,
                         poll_id=world.poll.id, cut_id=red.id)
        world.db.commit()
        entries = decisions.timeline(world.db, world.page)
        assert [e.cut_id for e in entries] == [red.id]
        found = decision_kpis.cut_kpis(world.db, world.settings.data_dir, ws,
                                       [red.id, blue.id, unposted.id])
        assert set(found) == {red.id, blue.id}  # the cut never published has none
        [kpis] = found[red.id]
        red_post = world.db.query(Post).filter(Post.video_path == str(video)).one()
        assert (kpis.post_id, kpis.platform) == (red_post.id, "tiktok")
        with open_store(store) as opened:
            stored = latest_numbers(opened, [("tiktok", red_post.platform_post_id)])
        numbers = dict(kpis.values)
        assert numbers["views"] > 0 and numbers["likes"] <= numbers["views"]
        assert numbers == {m: v for m, v in stored[("tiktok", red_post.platform_post_id)].values
                           if m in decision_kpis.KEY_METRICS}
        assert kpis.synced_at is not None
    finally:
        engine.dispose()


def test_cut_labels_are_read_strictly() -> None:
    assert decision_kpis._cut_of("studio cut 12 version 3") == 12
    assert decision_kpis._cut_of("results/2024-cut") is None
    assert decision_kpis._cut_of("studio cut x version 1") is None
