"""Sample analytics exports of a campaign, written as the platforms write them: TikTok Studio's
content export (French or English) of every published TikTok deliverable, numbers drawn from a
small seeded model, a few posts outside the plan, and a comments CSV with its mapping.

``coulisses demo`` imports them to show the "measure" step; the import tests write their
realistic files with the same writers (``Video``, ``count``, ``write_tiktok_content``...).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coulisses.errors import OutputError
from coulisses.output import write_bytes

if TYPE_CHECKING:
    from coulisses.campaign.schema import Campaign, Deliverable

NNBSP = "\u202f"
Cell = int | float | str | None  # a number, a text written as is ("1.2K", "--"), or empty


@dataclass(frozen=True)
class Video:
    """One published post and its lifetime numbers (None: the export leaves the cell empty)."""

    id: str
    title: str
    published: datetime
    views: Cell = None
    likes: Cell = None
    comments: Cell = None
    shares: Cell = None
    saves: Cell = None
    reach: Cell = None
    impressions: Cell = None
    clicks: Cell = None
    follows: Cell = None
    watch_time_s: Cell = None
    avg_watch_s: Cell = None
    completion: Cell = None  # fraction 0..1
    duration_s: Cell = None
    url: str | None = None


def count(value: Cell, lang: str) -> str:
    """A count as the platform writes it: ``18,400`` or ``18 400`` (narrow no-break space)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if float(value).is_integer():
        text = f"{int(value):,}"
        return text.replace(",", NNBSP) if lang == "fr" else text
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text.replace(",", NNBSP).replace(".", ",") if lang == "fr" else text


def clock(seconds: Cell, *, hours: bool = True) -> str:
    """``0:00:31`` (YouTube) or ``0:09`` (TikTok)."""
    if seconds is None:
        return ""
    if isinstance(seconds, str):
        return seconds
    s = round(seconds)
    if hours:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def pct(value: Cell, lang: str) -> str:
    """A share as ``12.5%`` / ``12,5%``."""
    if value is None or isinstance(value, str):
        return value or ""
    return count(round(value * 100, 2), lang) + "%"


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8",
              delimiter: str = ",", prefix: str = "") -> Path:
    """A CSV as exporters write it (CRLF line ends), atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return write_bytes(path, (prefix + buffer.getvalue()).encode(encoding))


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]],
               merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook of ``sheets`` (name -> rows), with merged ranges, atomically."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for ref in (merges or {}).get(name, []):
            sheet.merge_cells(ref)
    buffer = io.BytesIO()
    book.save(buffer)
    return write_bytes(path, buffer.getvalue())


TIKTOK_CONTENT = {
    "en": ["Video title", "Video link", "Post time", "Total likes", "Total comments",
           "Total shares", "Total views", "Total play time", "Average watch time",
           "Watched full video", "Add to favorites"],
    "fr": ["Titre de la vidéo", "Lien de la vidéo", "Heure de publication",
           "Nombre total de J'aime", "Nombre total de commentaires", "Nombre total de partages",
           "Vues de la vidéo", "Durée totale de lecture", "Durée moyenne de visionnage",
           "Vidéo regardée en entier", "Ajouts aux favoris"],
}


def tiktok_link(video_id: str, handle: str = "maison.coulisses") -> str:
    return f"https://www.tiktok.com/@{handle.lstrip('@')}/video/{video_id}"


def write_tiktok_content(path: Path, rows: list[Video], *, lang: str = "en",
                         fmt: str = "csv") -> Path:
    """TikTok Studio's per-video content export (CSV, or XLSX with real numbers); post times
    are UTC, day first in French."""
    table: list[list[Any]] = [list(TIKTOK_CONTENT[lang])]
    for v in rows:
        when = (v.published.strftime("%Y-%m-%d %H:%M") if lang == "en"
                else v.published.strftime("%d/%m/%Y %H:%M"))
        if fmt == "xlsx":
            table.append([v.title, v.url or tiktok_link(v.id), v.published, v.likes,
                          v.comments, v.shares, v.views, v.watch_time_s, v.avg_watch_s,
                          v.completion, v.saves])
            continue
        table.append([v.title, v.url or tiktok_link(v.id), when, count(v.likes, lang),
                      count(v.comments, lang), count(v.shares, lang), count(v.views, lang),
                      clock(v.watch_time_s), clock(v.avg_watch_s, hours=False),
                      pct(v.completion, lang), count(v.saves, lang)])
    if fmt == "xlsx":
        return write_xlsx(path, {"Sheet1": table})
    return write_csv(path, table, encoding="utf-8-sig" if lang == "fr" else "utf-8")


# --- the demo's numbers: a small seeded model ------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What a kind of post typically gets; each post draws around it (log-normal noise)."""

    views: float  # median lifetime views
    likes: float  # per view
    comments: float  # per 1,000 views
    shares: float  # per 1,000 views
    saves: float  # per 1,000 views
    watched: float  # average share of the video watched
    completion: float  # share of views watched to the end
    replied: float  # share of audience comments the brand answers


# The story the seeds tell: episodes reach more people, behind-the-scenes posts start more
# conversations and get more answers; posts outside the plan do less of everything.
PROFILES = {
    "campaign": Profile(420_000, 0.072, 1.5, 1.9, 4.2, 0.64, 0.38, 0.3),
    "bts": Profile(160_000, 0.088, 3.2, 2.7, 2.8, 0.58, 0.31, 0.75),
    "other": Profile(45_000, 0.05, 1.2, 0.8, 1.5, 0.45, 0.22, 0.5),
}
CAPTIONS = {
    "fr": {"campaign": ("Épisode {n} : {title}", "{title} : vous l'aviez reconnu ?",
                        "{title} ! La suite jeudi", "{title}, épisode {n}"),
           "bts": ("{title}", "{title} ?", "Coulisses : {title}", "{title} !"),
           "other": ("Bonne année de toute l'équipe {brand}", "On lit tous vos messages, promis",
                     "Merci d'avoir suivi jusqu'au bout")},
    "en": {"campaign": ("Episode {n}: {title}", "{title}: did you recognise it?",
                        "{title}! More on Thursday", "{title}, episode {n}"),
           "bts": ("{title}", "{title}?", "Behind the scenes: {title}", "{title}!"),
           "other": ("Happy new year from everyone at {brand}", "We read all your messages",
                     "Thank you for watching to the end")},
}
COMMENTS = {
    "fr": {"audience": ("Trop hâte de voir la suite", "C'est mon quartier ça !",
                        "Vous tournez où la semaine prochaine ?", "Le fou rire mdr",
                        "Ça donne envie de tenter le casting", "On veut une saison 2",
                        "Magnifique", "Qui joue la fille du square ?"),
           "brand": ("Merci ! La suite jeudi à 18 h", "Merci à toi", "Tout est dans la bio",
                     "Bien vu !")},
    "en": {"audience": ("Can't wait for the next one", "That's my neighbourhood!",
                        "Where are you filming next week?", "I can't stop laughing",
                        "Makes me want to try the casting", "We want a season 2", "Beautiful",
                        "Who plays the girl in the square?"),
           "brand": ("Thank you! More on Thursday at 6pm", "Thanks to you", "Link in bio",
                     "Well spotted!")},
}
COMMENT_HEADER = {"fr": ["ID du commentaire", "ID de la vidéo", "Répond à", "Auteur", "Date",
                         "Commentaire"],
                  "en": ["Comment ID", "Video ID", "Reply to", "Author", "Date", "Comment"]}
COMMENTERS = ("lina.93", "samir_off", "jade.mrs", "noah.skt", "ines_lvr", "theo.bzh",
              "maelys", "adam.91", "sarah_k", "yassine.dz")


@dataclass(frozen=True)
class SampleExports:
    """The files written, and what the matching should find (post id -> deliverable id)."""

    folder: Path
    content: Path
    comments: Path
    mapping: Path
    as_of: date  # the day the exports were "downloaded"
    brand_account: str
    videos: tuple[Video, ...]
    planned: dict[str, str] = field(default_factory=dict)


def write_sample_exports(campaign: Campaign, folder: Path, *, lang: str = "fr",
                         seed: int = 2026) -> SampleExports:
    """Write a TikTok content export (in ``lang``) of ``campaign``'s dated TikTok deliverables
    plus three posts outside the plan, and a comments CSV with its mapping, into ``folder``.
    The same campaign and seed always give the same bytes (a re-import is recognised).

    Raises:
        OutputError: ``folder`` cannot be written.
    """
    import yaml

    from coulisses.kpi.campaign_posts import campaign_posts, network

    rng = random.Random(seed)
    words = CAPTIONS["fr" if campaign.language.startswith("fr") else "en"]
    handle = (campaign.brand.handle or campaign.brand.name).lstrip("@").replace(" ", "").lower()
    planned_at = {k.variant: k.published_at or (
        datetime.combine(k.published_day, datetime.min.time()) + timedelta(hours=17)
        if k.published_day else None) for k in campaign_posts(campaign)}
    items: list[tuple[str, str, int, Deliverable]] = []  # kind, title, episode number
    for series in campaign.series:
        items += [("campaign", e.title, e.number, d)
                  for e in series.episodes for d in e.deliverables]
    items += [("bts", b.title, 0, d) for b in campaign.bts for d in b.deliverables]
    posts: list[tuple[str, str, datetime, float, str | None]] = []
    for kind, title, number, d in items:
        when = planned_at.get(d.id)
        if network(d.platform) != "tiktok" or when is None:
            continue
        caption = d.caption or rng.choice(words[kind]).format(n=number, title=title)
        jitter = timedelta(minutes=rng.randint(-4, 9))  # scheduled posts go out near the time
        posts.append((kind, caption, when + jitter, float(d.duration_s), d.id))
    busy = {p[2].date() for p in posts}
    start, end = campaign.period.start, campaign.period.end
    days = (start - timedelta(days=3), start + timedelta(days=(end - start).days // 2), end)
    for i, (template, day) in enumerate(zip(words["other"], days, strict=True)):
        while busy & {day - timedelta(days=1), day, day + timedelta(days=1)}:
            day += timedelta(days=1)
        posts.append(("other", template.format(brand=campaign.brand.name),
                      datetime.combine(day, datetime.min.time()) + timedelta(hours=9 + 3 * i),
                      float(rng.choice((15, 20, 30))), None))
    posts.sort(key=lambda p: p[2])
    videos: list[Video] = []
    planned: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for i, (kind, caption, when, duration, variant) in enumerate(posts):
        video_id = str(7_461_000_000_000_000_000 + 7919 * (i + 1))
        videos.append(_draw(rng, PROFILES[kind], video_id, caption, when, duration, handle))
        kinds[video_id] = kind
        if variant is not None:
            planned[video_id] = variant
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder}: {exc.strerror or exc}",
                          path=folder) from None
    content = write_tiktok_content(folder / "tiktok-content.csv", videos[::-1], lang=lang)
    comments = write_csv(folder / "tiktok-comments.csv",
                         _comments(rng, videos, kinds, campaign.language, handle, lang),
                         encoding="utf-8")
    header = COMMENT_HEADER[lang]
    mapping = {"version": 1, "platform": "tiktok", "comments": {
        "id_column": header[0], "post_column": header[1], "parent_column": header[2],
        "author_column": header[3], "created_column": header[4], "text_column": header[5],
        "brand_account": handle}}
    mapping_path = write_bytes(folder / "tiktok-comments.mapping.yaml", yaml.safe_dump(
        mapping, allow_unicode=True, sort_keys=False).encode("utf-8"))
    as_of = max(campaign.period.end, videos[-1].published.date()) + timedelta(days=3)
    return SampleExports(folder, content, comments, mapping_path, as_of, handle,
                         tuple(videos), planned)


def _draw(rng: random.Random, p: Profile, video_id: str, caption: str, when: datetime,
          duration: float, handle: str) -> Video:
    """One post's lifetime numbers around its profile."""
    def noise(spread: float) -> float:
        return rng.lognormvariate(0.0, spread)

    views = round(p.views * noise(0.5))
    avg_watch = round(min(0.95, p.watched * noise(0.1)) * duration)
    return Video(video_id, caption, when, views=views,
                 likes=round(views * p.likes * noise(0.2)),
                 comments=round(views / 1000 * p.comments * noise(0.3)),
                 shares=round(views / 1000 * p.shares * noise(0.3)),
                 saves=round(views / 1000 * p.saves * noise(0.3)),
                 watch_time_s=views * avg_watch, avg_watch_s=avg_watch,
                 completion=round(min(0.9, p.completion * noise(0.15)), 4),
                 duration_s=duration, url=tiktok_link(video_id, handle))


def _comments(rng: random.Random, videos: list[Video], kinds: dict[str, str], language: str,
              handle: str, lang: str) -> list[list[str]]:
    """Audience comments on eight posts (four of each kind where there are), some answered by
    the brand; a few commenters come back on other posts."""
    words = COMMENTS["fr" if language.startswith("fr") else "en"]
    chosen: list[Video] = []
    for kind in ("bts", "campaign"):
        pool = [v for v in videos if kinds[v.id] == kind]
        chosen += rng.sample(pool, min(4, len(pool)))
    rows = [list(COMMENT_HEADER[lang])]
    n = 0
    for v in sorted(chosen, key=lambda v: v.published):
        for _ in range(rng.randint(3, 6)):
            n += 1
            asked = v.published + timedelta(minutes=rng.randint(10, 1800))
            comment_id = str(7_470_000_000_000_000_000 + 101 * n)
            rows.append([comment_id, v.id, "", rng.choice(COMMENTERS), _when(asked),
                         rng.choice(words["audience"])])
            if rng.random() < PROFILES[kinds[v.id]].replied:
                n += 1
                answered = asked + timedelta(minutes=rng.randint(15, 480))
                rows.append([str(7_470_000_000_000_000_000 + 101 * n), v.id, comment_id,
                             handle, _when(answered), rng.choice(words["brand"])])
    return rows


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
