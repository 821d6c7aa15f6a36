"""The manual channel: at the post's time, a publish pack a person posts from by hand.

The pack holds the video, the cover, the caption with its hashtags, the first comment, the
options and the platform's checklist; the post waits until someone pastes the published URL.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlparse

from coulisses.errors import UsageError
from coulisses.publish.api import PlatformApi
from coulisses.publish.tables import Post


def pack_dir(packs: Path, post: Post) -> Path:
    return packs / f"post-{post.id}-{post.platform}"


def write_pack(packs: Path, post: Post, api: PlatformApi) -> Path:
    """Write the post's publish pack (atomically: a hidden folder renamed into place)."""
    target = pack_dir(packs, post)
    if target.is_dir():
        return target
    packs.mkdir(parents=True, exist_ok=True)
    work = packs / f".{target.name}.{uuid.uuid4().hex[:8]}.part"
    work.mkdir()
    try:
        video = Path(post.video_path)
        try:
            os.link(video, work / f"video{video.suffix}")
        except OSError:
            shutil.copy2(video, work / f"video{video.suffix}")
        if post.cover and Path(post.cover).is_file():
            shutil.copy2(post.cover, work / f"cover{Path(post.cover).suffix}")
        (work / "caption.txt").write_text(post.caption + "\n", encoding="utf-8")
        if post.first_comment:
            (work / "first_comment.txt").write_text(post.first_comment + "\n", encoding="utf-8")
        (work / "options.json").write_text(json.dumps(json.loads(post.options), indent=2,
                                                      ensure_ascii=False) + "\n",
                                           encoding="utf-8")
        steps = "\n".join(f"{i}. {line.replace('ID', str(post.id))}"
                          for i, line in enumerate(api.checklist, 1))
        (work / "checklist.md").write_text(
            f"# Post {post.id} to {api.name} by hand\n\n{steps}\n\n"
            f"Why by hand: {api.review}\n", encoding="utf-8")
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def platform_id_from_url(url: str) -> str:
    """The id at the end of a published post's URL.

    Raises:
        UsageError: not an http(s) URL with a path.
    """
    parsed = urlparse(url.strip())
    parts = [p for p in parsed.path.split("/") if p]
    if parsed.scheme not in ("http", "https") or not parsed.netloc or not parts:
        raise UsageError(f"{url!r} is not the URL of a published post",
                         hint="paste the link the platform shows for the post")
    query_id = dict(p.split("=", 1) for p in parsed.query.split("&") if "=" in p).get("v")
    return query_id or parts[-1]
