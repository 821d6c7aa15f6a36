"""A studio workspace's post numbers: ``publish sync`` for that workspace's published posts
into that workspace's analytics store, and the latest totals of its posts read back for the
publishing page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from coulisses.settings import Settings
from coulisses.studio.files import analytics_store

if TYPE_CHECKING:
    from coulisses.kpi.published import PostNumbers
    from coulisses.publish.sync import SyncResult
    from coulisses.publish.tables import Post


def sync_workspace(settings: Settings, sessions: sessionmaker[Session],
                   workspace_id: int) -> SyncResult:
    """Read the numbers of ``workspace_id``'s published posts into its analytics store, by
    the code of ``coulisses publish sync``.

    Raises:
        UsageError: the publish key is not a Fernet key.
        OutputError: the analytics store cannot be opened.
        PlatformError, TransientError, AuthenticationError: no account could be read.
    """
    from coulisses.publish.accounts import sealer
    from coulisses.publish.api import builtin_apis
    from coulisses.publish.sync import sync

    return sync(sessions, sealer(settings.publish_key, settings.data_dir), builtin_apis(),
                analytics_store(settings.data_dir, workspace_id), apps=settings.publish_apps,
                backoff_s=settings.publish_backoff_ms / 1000, workspace_id=workspace_id)


def run_job(payload: dict[str, Any], progress: Callable[[float, str], None]) -> dict[str, Any]:
    """The studio job ``sync_metrics``: ``sync_workspace`` for the job's workspace; its
    result is what was read, and one line per account that could not be.

    Raises:
        UsageError: the job runs without a database (not in the studio's worker).
        PlatformError, TransientError, AuthenticationError, OutputError: as ``sync_workspace``.
    """
    from coulisses.errors import AccessError, AuthenticationError, TransientError, UsageError
    from coulisses.studio.jobs.registry import current

    job = current()
    if job.sessions is None:
        raise UsageError("a metrics sync runs in the studio's job worker")
    progress(0.0, "")
    try:
        result = sync_workspace(job.settings, job.sessions, job.workspace_id)
    except TransientError as exc:  # its hint speaks of the publishing worker: this is a sync
        raise TransientError(f"Metrics not synced: {exc.message}",
                             hint="try the sync again in a few minutes",
                             retry_after=exc.retry_after) from None
    except AuthenticationError as exc:  # the platform's refusal, not a studio session's
        raise AccessError(f"Metrics not synced: {exc.message}", hint=exc.hint) from None
    progress(1.0, "")
    return {"posts": result.posts, "values": result.values, "matched": result.matched,
            "skipped": result.skipped, "problems": list(result.problems)}


def numbers_of(store: Path, posts: list[Post]) -> dict[int, PostNumbers]:
    """The latest synced totals of the published ``posts``, by post id (none before a sync).

    Raises:
        OutputError: the analytics store exists but cannot be opened.
    """
    from coulisses.kpi.published import latest_numbers
    from coulisses.kpi.store import open_store

    keys = {(p.platform, p.platform_post_id): p.id for p in posts
            if p.state == "published" and p.platform_post_id}
    if not keys or not store.is_file():  # nothing published or never synced: no store to make
        return {}
    with open_store(store) as opened:
        found = latest_numbers(opened, list(keys))
    return {keys[key]: numbers for key, numbers in found.items()}
