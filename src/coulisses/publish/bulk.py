"""The bulk CSV round trip: export the queue in coulisses' columns or a scheduling tool's, and
import such a file, every row checked first and nothing written unless all pass (or the bad
ones are skipped on request). The column sets live in ``dialects``.

Files are read as UTF-8 (a byte-order mark is fine) or UTF-16 with its mark, separated by
commas, semicolons (French spreadsheets) or tabs, whichever the first line uses.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coulisses import spreadsheet
from coulisses.errors import CoulissesError, InputError, UsageError
from coulisses.publish import accounts, dialects
from coulisses.publish.api import PlatformApi, check_caption, get_api, validate_options
from coulisses.publish.queue import _event
from coulisses.publish.tables import Post, PublishAccount, now_ms

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 10_000

#: ``qc(video, api) -> duration in seconds``: the check a video passes before it is scheduled
QualityCheck = Callable[[Path, PlatformApi], float]


class BulkImportError(InputError):
    """A bulk file with bad rows: each problem names its line."""

    def __init__(self, message: str, *, path: Path | str | None = None,
                 problems: Sequence[str] = (), hint: str | None = None) -> None:
        super().__init__(message, path=path, hint=hint)
        self.problems = list(problems)


@dataclass
class Imported:
    """What an import did: the new posts' ids, and the rows skipped with why."""

    post_ids: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    dialect: str = ""


def _decode(data: bytes, path: Path) -> str:
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 or UTF-16 text", path=path,
                         hint="save the sheet as CSV UTF-8") from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The first row and the others with their line numbers (1-based, as a spreadsheet shows).

    Raises:
        InputError: unreadable, too large, or not text.
    """
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB", path=path)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})", path=path) from None
    text = _decode(data, path)
    if not text.strip():
        raise InputError(f"{path}: the file is empty", path=path)
    reader = csv.reader(io.StringIO(text, newline=""),
                        delimiter=_delimiter(text.split("\n", 1)[0]))
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS + 1:
                raise InputError(f"{path}: more than {MAX_ROWS} rows", path=path,
                                 hint="split the file")
    except csv.Error as exc:
        raise InputError(f"{path} line {reader.line_num}: {exc}", path=path) from None
    if not rows:
        raise InputError(f"{path}: the file is empty", path=path)
    return rows[0][1], rows[1:] if dialects.detect(rows[0][1]) != "hootsuite" else rows


# export

def outgoing(session: Session, posts: Sequence[Post], zone_name: str) -> list[dialects.Outgoing]:
    """The posts as the exporter writes them, times in ``zone_name``.

    Raises:
        UsageError: an unknown zone.
    """
    from coulisses.campaign.calendar import zone

    tz = zone(zone_name)
    names = {a.id: a.name for a in session.scalars(select(PublishAccount))}
    return [dialects.Outgoing(
        post_id=p.id, state=p.state, platform=p.platform, account=names.get(p.account_id, ""),
        video=p.video_path, due=datetime.fromtimestamp(p.due_ms / 1000, UTC).astimezone(tz),
        zone=zone_name, caption=p.caption, first_comment=p.first_comment, cover=p.cover,
        options=json.loads(p.options or "{}"), url=p.url) for p in posts]


def export_text(rows: Sequence[dialects.Outgoing], dialect: str, separator: str, *,
                month_first: bool = False) -> str:
    """The rows as CSV text in ``dialect``'s columns.

    Raises:
        UsageError: an unknown dialect, or Hootsuite or Buffer with several profiles (one per
            file).
    """
    if dialect not in dialects.FORMATS:
        raise UsageError(f"unknown format {dialect!r}",
                         hint=f"one of {', '.join(dialects.FORMATS)}")
    if dialect in ("hootsuite", "buffer") and len({(r.platform, r.account) for r in rows}) > 1:
        raise UsageError(f"a {dialect.capitalize()} file holds one profile; these posts go to "
                         "several", hint="add --to PLATFORM[:ACCOUNT]")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    head = dialects.header(dialect)
    if head is not None:
        writer.writerow(head)
    writer.writerows(dialects.write(dialect, r, month_first=month_first) for r in rows)
    return buffer.getvalue()


def export_bytes(text: str, dialect: str) -> bytes:
    """The file's bytes: coulisses' own columns with the byte-order mark a spreadsheet wants;
    the tools' files as plain UTF-8, as their importers read them."""
    return spreadsheet.file_bytes(text) if dialect == "csv" else text.encode("utf-8")


# import

@dataclass
class _Checked:
    entry: dialects.Entry
    api: PlatformApi
    account_id: int
    video: Path
    sha256: str
    due_ms: int
    options: dict[str, Any]
    cover: str
    duration_ms: int


def import_file(session: Session, path: Path, apis: dict[str, PlatformApi], *,
                zone_name: str = "UTC", dialect: str = "", to: str = "", force: bool = False,
                skip_bad: bool = False, draft: bool = False, qc: QualityCheck | None = None,
                now: datetime | None = None, month_first: bool = False) -> Imported:
    """Check every row of a bulk file, then schedule them all in one transaction. Commits.

    Raises:
        BulkImportError: bad rows (each named by its line), unless ``skip_bad``.
        InputError: the file cannot be read or its columns are not a known set.
        UsageError: a Hootsuite file without ``to``.
    """
    first, rows = read_rows(path)
    found = dialect or dialects.detect(first)
    if not found:
        raise InputError(f"{path}: the columns are not coulisses', Metricool's, Buffer's or "
                         "Hootsuite's", path=path,
                         hint="export one with coulisses publish export to see the columns")
    if found in ("hootsuite", "buffer") and not to:
        raise UsageError(f"a {found.capitalize()} file names no network or account",
                         hint="say which: --to PLATFORM[:ACCOUNT]")
    head = [h.strip() for h in first]
    problems: list[str] = []
    checked: list[_Checked] = []
    seen: dict[str, int] = {}
    hashes: dict[Path, str] = {}
    for line, cells in rows:
        record = (dict(zip(head, cells, strict=False)) if found != "hootsuite" else
                  {str(i): c for i, c in enumerate(cells)})
        try:
            entries = dialects.read(found, line, record, to=to, month_first=month_first)
            for entry in entries:
                item = _check(session, entry, apis, zone_name, hashes, qc, now)
                key = f"{item.account_id}:{item.sha256}"
                if not force and key in seen:
                    raise UsageError(f"the same video to the same account as line {seen[key]}",
                                     hint="use --force to post it twice")
                if not force and session.scalars(select(Post.id).where(
                        Post.dedupe_key == key)).first() is not None:
                    raise UsageError("this video is already scheduled to this account",
                                     hint="use --force to post it again")
                seen.setdefault(key, line)
                item.entry.draft = item.entry.draft or draft
                checked.append(item)
        except (CoulissesError, ValueError) as exc:
            words = exc.one_line() if isinstance(exc, CoulissesError) else str(exc)
            problems.append(f"{path.name} line {line}: {words}")
            checked = [c for c in checked if c.entry.line != line]
    if problems and not skip_bad:
        raise BulkImportError(f"{path}: {len(problems)} bad row(s); nothing was imported",
                              path=path, problems=problems,
                              hint="fix them, or import the others with --skip-bad")
    return Imported(_insert(session, path, checked, force), problems, found)


def _check(session: Session, entry: dialects.Entry, apis: dict[str, PlatformApi],
           zone_name: str, hashes: dict[Path, str], qc: QualityCheck | None,
           now: datetime | None) -> _Checked:
    from coulisses.media.inputs import check_source
    from coulisses.publish.when import parse_at
    from coulisses.publish.worker import sha256_of

    if not entry.platform:
        raise UsageError("no platform")
    api = get_api(apis, entry.platform)
    account = _account(session, api.id, entry.account, entry.brand)
    if not entry.video:
        raise UsageError("no video file")
    video = check_source(entry.video)
    if video not in hashes:
        hashes[video] = sha256_of(video)
    check_caption(api, entry.caption)
    options = validate_options(api, entry.options)
    cover = _cover(entry.cover, api, options)
    if not entry.when:
        raise UsageError("no date and time")
    text = entry.when
    if not _has_offset(text):
        text = f"{text} {entry.zone or zone_name}"
    due = parse_at(text, now)
    duration = qc(video, api) if qc is not None else 0.0
    return _Checked(entry, api, account.id, video, hashes[video], int(due.timestamp() * 1000),
                    options, cover, int(duration * 1000))


def _has_offset(text: str) -> bool:
    try:
        return datetime.fromisoformat(text.strip()).tzinfo is not None
    except ValueError:
        return False


def _account(session: Session, platform: str, name: str, brand: bool) -> PublishAccount:
    """The named account; for a Metricool brand name (not an account name), the account of
    that name when there is one, else the platform's only one.

    Raises:
        NotFoundError: no such account, or several and none named.
    """
    if not brand:
        return accounts.find(session, platform, name or None)
    if name:
        named = session.scalars(select(PublishAccount).where(
            PublishAccount.platform == platform, PublishAccount.name == name,
            PublishAccount.channel != "removed")).first()
        if named is not None:
            return named
    return accounts.find(session, platform, None)


def _cover(text: str, api: PlatformApi, options: dict[str, Any]) -> str:
    """A cover image file is kept; a time becomes the platform's cover-frame option."""
    from coulisses.timecode import parse_time

    if not text:
        return ""
    if Path(text).is_file():
        return str(Path(text).resolve())
    try:
        at = parse_time(text)
    except CoulissesError:
        raise UsageError(f"cover {text[:60]!r} is neither an image file nor a time") from None
    if api.cover_time_option is None:
        raise UsageError(f"{api.name} takes a cover image file, not a time")
    options[api.cover_time_option] = int(at * 1000)
    return ""


def _insert(session: Session, path: Path, checked: list[_Checked], force: bool) -> list[int]:
    ids: list[int] = []
    try:
        for item in checked:
            state = "draft" if item.entry.draft else "scheduled"
            post = Post(account_id=item.account_id, platform=item.api.id,
                        video_path=str(item.video), video_sha256=item.sha256,
                        size_bytes=item.video.stat().st_size, duration_ms=item.duration_ms,
                        caption=item.entry.caption, first_comment=item.entry.first_comment,
                        cover=item.cover, options=json.dumps(item.options, sort_keys=True),
                        due_ms=item.due_ms, state=state,
                        dedupe_key=None if force else f"{item.account_id}:{item.sha256}",
                        created_ms=now_ms(), updated_ms=now_ms())
            session.add(post)
            session.flush()
            _event(session, post.id, "transition", state,
                   detail=f"imported from {path.name} line {item.entry.line}")
            ids.append(post.id)
        session.commit()
    except IntegrityError:  # another import or schedule took one of these meanwhile
        session.rollback()
        raise BulkImportError(f"{path}: a post was scheduled meanwhile to the same account "
                              "with the same video; nothing was imported", path=path,
                              hint="run the import again to see which") from None
    return ids
