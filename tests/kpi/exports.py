"""Realistic analytics exports, written from the headers documented in
``../shared/research/anchors-social.md`` section 4.1 (English) and coulisses' French spellings.

Each writer takes ``Video`` rows (or dated values) and writes the file the way the platform
does: TikTok's ``18,400`` and no-year daily dates, Meta's UTF-16 per-metric files with
``sep=,``, YouTube's ``Total`` row and ``H:MM:SS`` durations, LinkedIn's XLSX/XLS with a
fraction CTR. French variants use ``1 234,5`` numbers (narrow no-break spaces) and
day-first dates. A cell given as a ``str`` is written as is, so tests can inject ``1.2K``,
``undefined`` or ``-1``. ``Video``, the number formats and TikTok's content export live in
``coulisses.kpi.sample`` (the demo writes its sample exports with them) and are re-exported here.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from coulisses.kpi.sample import (
    NNBSP,
    TIKTOK_CONTENT,
    Video,
    clock,
    count,
    pct,
    tiktok_link,
    write_tiktok_content,
)
from coulisses.kpi.sample import write_csv as _csv
from coulisses.kpi.sample import write_xlsx as _xlsx

__all__ = ["NNBSP", "TIKTOK_CONTENT", "Video", "clock", "count", "pct", "tiktok_link",
           "write_tiktok_content"]  # the library's writers, re-exported for the tests

FR_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
             "nov.", "déc.")
FR_MONTHS_LONG = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                  "septembre", "octobre", "novembre", "décembre")


def _xls(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    import xlwt

    book = xlwt.Workbook()
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


# --- TikTok ---------------------------------------------------------------------------------

TIKTOK_DAILY = {
    "overview": {"en": ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
                 "fr": ["Date", "Vues de la vidéo", "Vues du profil", "J'aime", "Commentaires",
                        "Partages"]},
    "followers": {"en": ["Date", "Followers", "Difference in followers from previous day"],
                  "fr": ["Date", "Abonnés", "Différence d'abonnés par rapport à la veille"]},
    "viewers": {"en": ["Date", "Total Viewers", "New Viewers", "Returning Viewers"],
                "fr": ["Date", "Nombre total de spectateurs", "Nouveaux spectateurs",
                       "Spectateurs récurrents"]},
}


def no_year(day: date, lang: str) -> str:
    """``August 31`` / ``31 août``: TikTok's daily files carry no year."""
    if lang == "fr":
        return f"{day.day} {FR_MONTHS_LONG[day.month - 1]}"
    return f"{day:%B} {day.day}"


def write_tiktok_daily(path: Path, kind: str, rows: list[tuple[date, list[Any]]], *,
                       lang: str = "en") -> Path:
    """A TikTok daily account file: ``overview``, ``followers`` or ``viewers``."""
    table = [list(TIKTOK_DAILY[kind][lang])]
    for day, values in rows:
        table.append([no_year(day, lang), *(count(v, lang) for v in values)])
    return _csv(path, table)


# --- Meta -----------------------------------------------------------------------------------

def write_meta_metric_file(path: Path, title: str, rows: list[tuple[date, Any]], *,
                           lang: str = "en") -> Path:
    """A Meta Business Suite per-metric export: UTF-16LE with BOM, ``sep=,``, a title line,
    then ``"Date","Primary"`` and ISO dates, as the real Excel-ready files are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([title])
    writer.writerow(["Date", "Primary" if lang == "en" else "Principal"])
    for day, value in rows:
        writer.writerow([f"{day.isoformat()}T00:00:00",
                         value if isinstance(value, str) else count(value, "en").replace(",", "")])
    path.write_bytes(b"\xff\xfe" + ("sep=,\r\n" + buffer.getvalue()).encode("utf-16-le"))
    return path


META_CONTENT = {
    "en": ["Post ID", "Account ID", "Account username", "Account name", "Description",
           "Duration (sec)", "Publish time", "Permalink", "Post type", "Data comment", "Date",
           "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves"],
    "fr": ["ID de la publication", "ID du compte", "Nom d'utilisateur du compte",
           "Nom du compte", "Description", "Durée (s)", "Heure de publication", "Permalien",
           "Type de publication", "Commentaire sur les données", "Date", "Vues", "Couverture",
           "J'aime", "Partages", "Abonnements", "Commentaires", "Enregistrements"],
}


def write_meta_content(path: Path, rows: list[Video], *, lang: str = "en",
                       post_type: str = "IG reel", day: str = "Lifetime") -> Path:
    """Meta Business Suite's post-level content export (lifetime rows by default)."""
    table = [list(META_CONTENT[lang])]
    for v in rows:
        when = v.published.strftime("%m/%d/%Y %H:%M" if lang == "en" else "%d/%m/%Y %H:%M")
        table.append([v.id, "17841400000000001", "maison.coulisses", "Maison Coulisses",
                      v.title, count(v.duration_s, lang), when,
                      v.url or f"https://www.instagram.com/reel/{v.id}/", post_type, "",
                      day if lang == "en" or day != "Lifetime" else "Durée de vie",
                      count(v.views, lang), count(v.reach, lang), count(v.likes, lang),
                      count(v.shares, lang), count(v.follows, lang), count(v.comments, lang),
                      count(v.saves, lang)])
    return _csv(path, table, encoding="utf-8-sig")


def write_facebook_video(path: Path, rows: list[Video], *, lang: str = "en") -> Path:
    """The Facebook video export (``3-second video views``, ``1-minute video views``)."""
    header = {"en": ["Video asset ID", "Page ID", "Page name", "Title", "Duration (sec)",
                     "Publish time", "Reach", "3-second video views", "1-minute video views",
                     "Reactions", "Comments", "Shares"],
              "fr": ["ID de l'élément vidéo", "ID de la Page", "Nom de la Page", "Titre",
                     "Durée (s)", "Heure de publication", "Couverture", "Vues de 3 secondes",
                     "Vues d'une minute", "Réactions", "Commentaires", "Partages"]}[lang]
    table = [header]
    for v in rows:
        when = v.published.strftime("%m/%d/%Y %H:%M" if lang == "en" else "%d/%m/%Y %H:%M")
        table.append([v.id, "102030405060708", "Maison Coulisses", v.title,
                      count(v.duration_s, lang), when, count(v.reach, lang),
                      count(v.views, lang), count(v.impressions, lang), count(v.likes, lang),
                      count(v.comments, lang), count(v.shares, lang)])
    return _csv(path, table)


# --- YouTube --------------------------------------------------------------------------------

YOUTUBE = {
    "en": ["Content", "Video title", "Video publish time", "Duration", "Views",
           "Watch time (hours)", "Average view duration", "Average percentage viewed (%)",
           "Impressions", "Impressions click-through rate (%)", "Likes", "Comments added",
           "Shares", "Subscribers gained", "Subscribers lost"],
    "fr": ["Contenu", "Titre de la vidéo", "Heure de publication de la vidéo", "Durée", "Vues",
           "Durée de visionnage (heures)", "Durée moyenne de visionnage",
           "Pourcentage moyen regardé (%)", "Impressions", "Taux de clics de l'impression (%)",
           "J'aime", "Commentaires ajoutés", "Partages", "Abonnés gagnés", "Abonnés perdus"],
}


def youtube_date(day: datetime, lang: str) -> str:
    """``Oct 3, 2026`` / ``3 oct. 2026``."""
    if lang == "fr":
        return f"{day.day} {FR_MONTHS[day.month - 1]} {day.year}"
    return f"{day:%b} {day.day}, {day.year}"


def write_youtube_table(path: Path, rows: list[Video], *, lang: str = "en",
                        total: bool = True) -> Path:
    """YouTube Studio advanced mode's "Table data.csv", with its ``Total`` row first."""
    def line(v: Video, first: str, title: str, when: str, duration: str) -> list[str]:
        hours = None if v.watch_time_s is None else round(v.watch_time_s / 3600, 4)
        pct_viewed = (None if v.avg_watch_s is None or not v.duration_s
                      else round(100 * v.avg_watch_s / v.duration_s, 2))
        return [first, title, when, duration, count(v.views, lang), count(hours, lang),
                clock(v.avg_watch_s), count(pct_viewed, lang), count(v.impressions, lang),
                count(2.5, lang), count(v.likes, lang), count(v.comments, lang),
                count(v.shares, lang), count(v.follows, lang), count(1, lang)]

    table = [list(YOUTUBE[lang])]
    if total:
        summed = Video("", "", datetime(2000, 1, 1), **{
            k: sum(getattr(v, k) or 0 for v in rows)
            for k in ("views", "likes", "comments", "shares", "impressions", "follows",
                      "watch_time_s")})
        table.append(line(summed, "Total", "", "", ""))
    for v in rows:
        table.append(line(v, v.id, v.title, youtube_date(v.published, lang),
                          str(int(v.duration_s or 0))))
    return _csv(path, table)


# --- LinkedIn -------------------------------------------------------------------------------

LINKEDIN = {
    "en": ["Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date",
           "Campaign start date", "Campaign end date", "Audience", "Impressions",
           "Views (excluding off-site video views)", "Off-site Views", "Clicks",
           "Click through rate (CTR)", "Likes", "Comments", "Reposts", "Follows",
           "Engagement rate", "Content Type"],
    "fr": ["Titre de la publication", "Lien de la publication", "Type de publication",
           "Nom de la campagne", "Publié par", "Date de création",
           "Date de début de la campagne", "Date de fin de la campagne", "Audience",
           "Impressions", "Vues (hors vues de vidéos hors site)", "Vues hors site", "Clics",
           "Taux de clics (CTR)", "Réactions", "Commentaires", "Republications",
           "Nouveaux abonnés", "Taux d'engagement", "Type de contenu"],
}


def linkedin_link(activity: str) -> str:
    return f"https://www.linkedin.com/feed/update/urn:li:activity:{activity}"


def _linkedin_sheets(rows: list[Video], lang: str) -> dict[str, list[list[Any]]]:
    note = ("All posts published in the selected period. Metrics are lifetime."
            if lang == "en" else "Toutes les publications de la période choisie.")
    table: list[list[Any]] = [[note], list(LINKEDIN[lang])]
    for v in rows:
        when = v.published.strftime("%m/%d/%Y" if lang == "en" else "%d/%m/%Y")
        ctr = None if not v.clicks or not v.impressions else round(v.clicks / v.impressions, 4)
        table.append([v.title, v.url or linkedin_link(v.id), "Organic", None, "Camille R.",
                      when, None, None, "All followers", v.impressions, v.views, 0, v.clicks,
                      ctr, v.likes, v.comments, v.shares, v.follows, 0.05, "Video"])
    metrics = [["Date", "Impressions (total)"], ["10/01/2026", 1200]]
    return {"Metrics": metrics, "All posts": table}


def write_linkedin_posts_xlsx(path: Path, rows: list[Video], *, lang: str = "en",
                              merges: list[str] | None = None) -> Path:
    """LinkedIn's content export: a "Metrics" sheet and "All posts" (note row, then header)."""
    return _xlsx(path, _linkedin_sheets(rows, lang), {"All posts": merges or []})


def write_linkedin_posts_xls(path: Path, rows: list[Video], *, lang: str = "en") -> Path:
    """The same export in the legacy XLS format LinkedIn also serves (written with xlwt)."""
    return _xls(path, _linkedin_sheets(rows, lang))


# --- generic --------------------------------------------------------------------------------

def write_generic_csv(path: Path, header: list[str], rows: list[list[Any]], *,
                      delimiter: str = ",", encoding: str = "utf-8") -> Path:
    """Any CSV, for ``--platform generic --mapping``."""
    return _csv(path, [header, *[[("" if c is None else str(c)) for c in r] for r in rows]],
                delimiter=delimiter, encoding=encoding)


def write_mapping(path: Path, mapping: dict[str, Any]) -> Path:
    import yaml

    path.write_text(yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path
