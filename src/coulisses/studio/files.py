"""Where the studio keeps a workspace's files under ``data_dir``: the one module that knows the
layout. Nothing else joins paths under ``data_dir`` for a workspace.

    data_dir/
      studio.sqlite3                     the studio database (SQLite, ``db.default_url``)
      media/ws-<id>/                     ``workspace_dir``: the workspace's media
        rushes/  thumbs/  analysis/rush-<n>.json  cuts/cut-<c>/v<n>/
      uploads/ws-<id>/<upload>.part|.json  ``uploads_dir``: unfinished uploads
      workspaces/<id>/analytics.duckdb   ``analytics_store``: the workspace's KPI store

The three roots are historical (media, uploads and analytics were built apart); they are kept
as they are so existing data folders are found without a migration. Rows store paths relative
to ``data_dir``; ``resolve`` turns them back into absolute paths and refuses any that would
leave the workspace's folder. Thumbnails are grabbed by ffmpeg through the runner.
"""

from __future__ import annotations

from pathlib import Path

from coulisses.errors import NotFoundError
from coulisses.media.ffmpeg import Command, Runner, SubprocessRunner
from coulisses.media.inputs import ffmpeg_input
from coulisses.output import replacing

THUMB_WIDTH = 320


def workspace_dir(data_dir: Path, workspace_id: int) -> Path:
    """The workspace's media folder: rushes, thumbnails, analyses, cuts."""
    return Path(data_dir) / "media" / f"ws-{int(workspace_id)}"


def rushes_dir(data_dir: Path, workspace_id: int) -> Path:
    return workspace_dir(data_dir, workspace_id) / "rushes"


def analysis_file(data_dir: Path, workspace_id: int, rush_id: int) -> Path:
    return workspace_dir(data_dir, workspace_id) / "analysis" / f"rush-{int(rush_id)}.json"


def uploads_root(data_dir: Path) -> Path:
    """The folder of every workspace's unfinished uploads."""
    return Path(data_dir) / "uploads"


def uploads_dir(data_dir: Path, workspace_id: int) -> Path:
    return uploads_root(data_dir) / f"ws-{int(workspace_id)}"


def analytics_store(data_dir: Path, workspace_id: int) -> Path:
    """The workspace's analytics store (each workspace has its own)."""
    return Path(data_dir) / "workspaces" / str(int(workspace_id)) / "analytics.duckdb"


def thumbs_dir(data_dir: Path, workspace_id: int) -> Path:
    return workspace_dir(data_dir, workspace_id) / "thumbs"


def cuts_dir(data_dir: Path, workspace_id: int, cut_id: int, number: int) -> Path:
    return workspace_dir(data_dir, workspace_id) / "cuts" / f"cut-{cut_id}" / f"v{number}"


def relative(data_dir: Path, path: Path) -> str:
    """``path`` relative to ``data_dir``, as stored in rows."""
    return str(Path(path).resolve().relative_to(Path(data_dir).resolve()))


def resolve(data_dir: Path, rel: str, workspace_id: int) -> Path:
    """The absolute path of a stored relative path, inside the workspace's own folder.

    Raises:
        NotFoundError: empty, outside the workspace folder, or missing on disk.
    """
    base = workspace_dir(data_dir, workspace_id).resolve()
    if not rel:
        raise NotFoundError("no such file")
    path = (Path(data_dir).resolve() / rel).resolve()
    if base not in path.parents or not path.is_file():
        raise NotFoundError("no such file", hint="it may have been removed")
    return path


def thumbnail_command(video: Path, target: Path, duration: float) -> Command:
    """A representative frame of the first seconds, ``THUMB_WIDTH`` wide, as JPEG."""
    window = max(0.1, min(3.0, duration))
    return Command(args=("-loglevel", "error", "-t", f"{window:.3f}", *ffmpeg_input(video),
                         "-vf", f"thumbnail=n=12,scale={THUMB_WIDTH}:-2,setsar=1",
                         "-frames:v", "1", "-q:v", "4", "-update", "1", "-f", "image2",
                         "-c:v", "mjpeg", str(target)),
                   label="thumbnail")


def make_thumbnail(video: Path, target: Path, duration: float,
                   runner: Runner | None = None) -> Path:
    """Grab the thumbnail into ``target`` atomically (a temporary name, then rename).

    Raises:
        FFmpegError: ffmpeg failed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing(target) as tmp:
        (runner or SubprocessRunner()).run(thumbnail_command(video, tmp, duration))
    return target
