"""A studio workspace's post numbers: ``publish sync`` for that workspace's published posts
into that workspace's analytics store, and the latest totals of its posts read back for the
publishing page."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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
