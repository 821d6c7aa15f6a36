"""The column sets of the bulk CSV round trip, as data: coulisses' own, and those of the
scheduling tools teams already use (Metricool, Buffer, Hootsuite), each with where it comes from.

A dialect turns one file row into ``Entry`` values (one per platform it names) and one post
back into a row. Sources (``../shared/research/anchors-social.md`` section 4.2):

- Metricool: the downloadable bulk-planning template, whose header is reproduced verbatim in
  several public scripts; coulisses reads and writes the columns about video posts (names and
  value styles exactly as there: ``Date`` ``YYYY-MM-DD``, ``Time`` ``HH:MM:SS``, ``true/false``).
- Buffer: the bulk upload of Buffer's help article "How to upload posts in bulk to Buffer"
  (support.buffer.com/article/926), whose columns two public scripts quote from it: ``Text``,
  ``Image URL``, ``Tags``, ``Posting Time`` (``YYYY-MM-DD HH:mm``); one channel per file, chosen
  at upload (here ``--to``). The article itself was not read (secondary).
- Hootsuite: the classic Bulk Composer file: no header, ``date time, message, link``, one
  profile per file, dates ``dd/mm/yyyy hh:mm`` or ``mm/dd/yyyy hh:mm`` (chosen at upload there;
  coulisses takes day first unless told ``month_first``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FORMATS = ("csv", "metricool", "buffer", "hootsuite")

COULISSES = ("post_id", "state", "platform", "account", "video", "at", "timezone", "caption",
             "first_comment", "cover", "options", "url")

#: Metricool's network columns that coulisses publishes to, and the ones it does not
METRICOOL_NETWORKS = {"Facebook": "facebook", "LinkedIn": "linkedin", "Instagram": "instagram",
                      "TikTok": "tiktok", "Youtube": "youtube"}
METRICOOL_OTHER = ("Twitter/X", "GBP", "Pinterest", "Threads", "Bluesky")
#: Metricool column -> (platform, option key); values as the template writes them
METRICOOL_OPTIONS: dict[str, tuple[str, str]] = {
    "Instagram Show Reel On Feed": ("instagram", "share_to_feed"),
    "Youtube Video Title": ("youtube", "title"),
    "Youtube Video Privacy": ("youtube", "privacy"),
    "Youtube video for kids": ("youtube", "made_for_kids"),
    "Youtube AI generated content": ("youtube", "ai_generated"),
    "Youtube notify subscribers": ("youtube", "notify_subscribers"),
    "Youtube Video Category": ("youtube", "category"),
    "Youtube Video Tags": ("youtube", "tags"),
    "Facebook Title": ("facebook", "title"),
    "TikTok disable comments": ("tiktok", "disable_comment"),
    "TikTok disable duet": ("tiktok", "disable_duet"),
    "TikTok disable stitch": ("tiktok", "disable_stitch"),
    "TikTok Post Privacy": ("tiktok", "privacy"),
    "TikTok Branded Content": ("tiktok", "branded_content"),
    "TikTok Your Brand": ("tiktok", "your_brand"),
    "TikTok Ai generated content": ("tiktok", "ai_generated"),
}
METRICOOL = ("Text", "Date", "Time", "Draft", "Facebook", "Twitter/X", "LinkedIn", "GBP",
             "Instagram", "Pinterest", "TikTok", "Youtube", "Threads", "Bluesky",
             "Picture Url 1", "Video Thumbnail Url", "Video Cover Frame",
             "Instagram Post Type", "Instagram Show Reel On Feed", "Youtube Video Title",
             "Youtube Video Privacy", "Youtube video for kids", "Youtube AI generated content",
             "Youtube notify subscribers", "Youtube Video Category", "Youtube Video Tags",
             "Facebook Post Type", "Facebook Title", "First Comment Text",
             "TikTok disable comments", "TikTok disable duet", "TikTok disable stitch",
             "TikTok Post Privacy",
             "TikTok Branded Content", "TikTok Your Brand", "TikTok Ai generated content",
             "Brand name")
BUFFER = ("Text", "Image URL", "Tags", "Posting Time")
HOOTSUITE_DATE = "%d/%m/%Y %H:%M"
HOOTSUITE_US_DATE = "%m/%d/%Y %H:%M"  # the other order Hootsuite offers at upload


@dataclass
class Entry:
    """One post a row asks for, before it is checked: texts as the file has them."""

    line: int
    platform: str
    account: str = ""
    video: str = ""
    when: str = ""  # "YYYY-MM-DD HH:MM[:SS]" in the import's zone, or ISO 8601 with an offset
    zone: str = ""  # the row's own zone, when the file has one
    caption: str = ""
    first_comment: str = ""
    cover: str = ""
    options: dict[str, str] = field(default_factory=dict)
    draft: bool = False
    brand: bool = False  # ``account`` is a Metricool brand name, not an account name


@dataclass(frozen=True)
class Outgoing:
    """One post as the exporter sees it: values already turned to text."""

    post_id: int
    state: str
    platform: str
    account: str
    video: str
    due: datetime  # in the export's zone
    zone: str
    caption: str
    first_comment: str
    cover: str
    options: dict[str, Any]
    url: str


def detect(header: list[str]) -> str:
    """The dialect of a file from its first row ("" when none matches)."""
    names = {h.strip() for h in header}
    if {"platform", "video", "at"} <= names:
        return "csv"
    if {"Text", "Date", "Time"} <= names and names & set(METRICOOL_NETWORKS):
        return "metricool"
    if set(BUFFER) <= names:
        return "buffer"
    if header and (_hootsuite_time(header[0]) or _hootsuite_time(header[0], True)):
        return "hootsuite"
    return ""


def header(dialect: str) -> tuple[str, ...] | None:
    """The header row a dialect writes (None: Hootsuite's files have none)."""
    return {"csv": COULISSES, "metricool": METRICOOL, "buffer": BUFFER}.get(dialect)


def _hootsuite_time(text: str, month_first: bool = False) -> datetime | None:
    try:
        return datetime.strptime(text.strip(),
                                 HOOTSUITE_US_DATE if month_first else HOOTSUITE_DATE)
    except ValueError:
        return None


def _true(text: str) -> bool:
    return text.strip().lower() in ("true", "yes", "1", "oui", "vrai", "x")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return "" if value is None else str(value)


def read(dialect: str, line: int, row: dict[str, str], *, to: str = "",
         month_first: bool = False) -> list[Entry]:
    """The posts one row asks for (several for a Metricool row naming several networks).

    Raises:
        ValueError: the row cannot be read (the message names the column).
    """
    def get(key: str) -> str:
        return (row.get(key) or "").strip()

    if dialect == "csv":
        options = get("options")
        try:
            parsed = json.loads(options) if options else {}
        except ValueError:
            raise ValueError("options: not a JSON object") from None
        if not isinstance(parsed, dict):
            raise ValueError("options: not a JSON object")
        return [Entry(line, get("platform").lower(), get("account"), get("video"), get("at"),
                      get("timezone"), row.get("caption") or "", get("first_comment"),
                      get("cover"), {k: _text(v) for k, v in parsed.items()},
                      draft=get("state") == "draft")]
    if dialect == "metricool":
        others = [name for name in METRICOOL_OTHER if _true(get(name))]
        if others:
            raise ValueError(f"{others[0]}: coulisses does not publish there")
        chosen = [p for name, p in METRICOOL_NETWORKS.items() if _true(get(name))]
        if not chosen:
            raise ValueError("no network column is true (Facebook, LinkedIn, Instagram, "
                             "TikTok, Youtube)")
        cover, frame = get("Video Thumbnail Url"), get("Video Cover Frame")
        entries = []
        for platform in chosen:
            chosen_options = {key: get(column)
                              for column, (p, key) in METRICOOL_OPTIONS.items()
                              if p == platform and get(column)}
            entries.append(Entry(line, platform, get("Brand name"), get("Picture Url 1"),
                                 f"{get('Date')} {get('Time')}".strip(), "",
                                 row.get("Text") or "", get("First Comment Text"),
                                 cover or frame, chosen_options, draft=_true(get("Draft")),
                                 brand=True))
        return entries
    if dialect == "buffer":  # one channel per file: the profile comes from --to
        platform, _, account = to.partition(":")
        return [Entry(line, platform.strip().lower(), account.strip(), get("Image URL"),
                      get("Posting Time"), "", row.get("Text") or "")]
    # hootsuite: no header; the profile comes from --to
    cells = [row.get(str(i)) or "" for i in range(3)]
    stamp = _hootsuite_time(cells[0], month_first)
    if stamp is None:
        order = "mm/dd/yyyy" if month_first else "dd/mm/yyyy"
        raise ValueError(f"date: {cells[0][:40]!r} is not {order} hh:mm")
    platform, _, account = to.partition(":")
    return [Entry(line, platform.strip().lower(), account.strip(), cells[2].strip(),
                  stamp.strftime("%Y-%m-%d %H:%M"), "", cells[1])]


def write(dialect: str, post: Outgoing, *, month_first: bool = False) -> list[str]:
    """One post as a row of ``dialect``."""
    if dialect == "csv":
        return [str(post.post_id), post.state, post.platform, post.account, post.video,
                post.due.isoformat(timespec="seconds"), post.zone, post.caption,
                post.first_comment, post.cover,
                json.dumps(post.options, sort_keys=True, ensure_ascii=False), post.url]
    if dialect == "metricool":
        values = dict.fromkeys(METRICOOL, "")
        values.update({"Text": post.caption, "Date": post.due.strftime("%Y-%m-%d"),
                       "Time": post.due.strftime("%H:%M:%S"),
                       "Draft": _text(post.state == "draft"), "Picture Url 1": post.video,
                       "First Comment Text": post.first_comment, "Brand name": post.account})
        for name in (*METRICOOL_NETWORKS, *METRICOOL_OTHER):
            values[name] = _text(METRICOOL_NETWORKS.get(name) == post.platform)
        if post.cover:
            values["Video Thumbnail Url"] = post.cover
        for column, (platform, key) in METRICOOL_OPTIONS.items():
            if platform == post.platform and key in post.options:
                values[column] = _text(post.options[key])
        if post.platform == "instagram":
            values["Instagram Post Type"] = "REEL"
        if post.platform == "facebook":
            values["Facebook Post Type"] = "REEL"
        return [values[name] for name in METRICOOL]
    if dialect == "buffer":
        return [post.caption, post.video, "", post.due.strftime("%Y-%m-%d %H:%M")]
    return [post.due.strftime(HOOTSUITE_US_DATE if month_first else HOOTSUITE_DATE),
            post.caption, post.video]
