"""Real YouTube Studio exports (tests/kpi/real, sources in SOURCES.md) and the header spellings
real downloads carry: soft hyphens, BOMs, no-break spaces, case, trailing spaces, older and
newer names of the same column. Every header goes through the one ``normalise``."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from coulisses.kpi.imports.detect import detect
from coulisses.kpi.imports.headers import export_specs, guess_vocabulary, match_header, normalise
from coulisses.kpi.imports.model import Context
from coulisses.kpi.imports.read import read_export
from coulisses.kpi.imports.readers import open_sheets

REAL = Path(__file__).parent / "real"
AS_OF = date(2026, 12, 1)


class ListSink:
    def __init__(self) -> None:
        self.posts: dict[str, tuple[object, ...]] = {}
        self.values: dict[tuple[str, str], float] = {}

    def post(self, platform: str, post_id: str, *rest: object) -> None:
        self.posts[post_id] = (platform, *rest)

    def value(self, platform: str, post_id: str, scope: str, day: date, metric: str,
              value: float, *rest: object) -> None:
        self.values[(post_id, metric)] = value


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]], *, bom: bool = False) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(("\ufeff" if bom else "") + out.getvalue(), encoding="utf-8")
    return path


def _import(path: Path) -> tuple[ListSink, list[str], list[str]]:
    sink = ListSink()
    ctx, adapters = read_export(path, sink, as_of=AS_OF)
    return sink, adapters, ctx.warnings


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.glob("*.csv")))
def test_every_real_export_imports_every_video_once(name: str) -> None:
    rows = _rows(REAL / name)
    ids = [r[0].strip() for r in rows[1:] if r and r[0] != "Total"]
    sink, adapters, _ = _import(REAL / name)
    assert adapters == ["youtube.table"]
    assert sorted(sink.posts) == sorted(ids)  # the Total row is not a video
    views_col = next(i for i, h in enumerate(rows[0]) if h in ("Views", "Video views"))
    for row in rows[1:]:
        if row[0] != "Total":
            assert sink.values[(row[0].strip(), "views")] == float(row[views_col])


def test_older_names_video_and_video_views_are_youtubes_table() -> None:
    """Ken Jee's export says ``Video`` (not ``Content``), ``Video views``, ``Average % viewed``
    and writes dates as ``7-16-2020``."""
    sink, _, warnings = _import(REAL / "youtube-aggregated-metrics-by-video.csv")
    assert sink.values[("4OZip0cgOho", "views")] == 1253559
    assert sink.values[("4OZip0cgOho", "avg_pct_watched")] == pytest.approx(0.3665)
    assert sink.values[("4OZip0cgOho", "ctr")] == pytest.approx(0.0314)
    assert sink.values[("4OZip0cgOho", "impressions")] == 26498799
    published = sink.posts["hO_YKK_0Qck"][3]
    assert published is not None and published.date() == date(2020, 7, 16)  # type: ignore[attr-defined]
    assert "-pdXWmj9xxU" in sink.posts  # the leading space of the id is not part of it
    assert not any("Average % viewed" in w or "Video views" in w for w in warnings)


def test_newer_advanced_mode_columns_are_read_or_knowingly_skipped() -> None:
    sink, _, warnings = _import(REAL / "youtube-table-data-viewers.csv")
    assert sink.values[("6xFxE92I6Nk", "engaged_views")] == 27102
    assert sink.values[("6xFxE92I6Nk", "avg_watch_time_s")] == 263
    assert not warnings  # every column is either read or listed as ignored in headers.yaml


def test_soft_hyphens_bom_nbsp_case_and_trailing_spaces_in_real_headers(tmp_path: Path) -> None:
    """The issue's failing download: ``Dis\\u00adlikes``, ``Aver\\u00adage percentage viewed``,
    here on the real Ken Jee export, with a BOM, no-break spaces, upper case and trailing
    spaces as well."""
    rows = _rows(REAL / "youtube-aggregated-metrics-by-video.csv")
    header = [h.replace("Dislikes", "Dis\u00adlikes")
              .replace("Average % viewed", "Aver\u00adage percentage viewed (%)")
              .replace("Video title", "Video\u00a0title ").replace("Video views", "VIDEO VIEWS")
              .replace("Comments added", "Comments\u200b added")
              for h in rows[0]]
    path = _write(tmp_path / "soft-hyphens.csv", [header, *rows[1:]], bom=True)
    sink, adapters, warnings = _import(path)
    assert adapters == ["youtube.table"]
    assert sink.values[("4OZip0cgOho", "views")] == 1253559
    assert sink.values[("4OZip0cgOho", "avg_pct_watched")] == pytest.approx(0.3665)
    assert sink.values[("4OZip0cgOho", "comments")] == 907
    assert sink.posts["4OZip0cgOho"][2] == "How I Would Learn Data Science (If I Had to Start Over)"
    assert not warnings


def test_thumbnail_names_are_the_same_columns_as_impressions(tmp_path: Path) -> None:
    """Studio renamed ``Impressions`` and its CTR to ``Thumbnail ...``: both import alike."""
    rows = _rows(REAL / "youtube-table-data-2021.csv")
    renamed = [h.replace("Impressions click-through rate (%)", "Thumbnail click-through rate (%)")
               .replace("Impressions", "Thumbnail impressions") for h in rows[0]]
    assert renamed != rows[0]
    old, _, _ = _import(REAL / "youtube-table-data-2021.csv")
    new, _, _ = _import(_write(tmp_path / "thumbnail.csv", [renamed, *rows[1:]]))
    assert new.values == old.values
    assert new.values[("oEDe6JMwL7Q", "impressions")] == 797168
    assert new.values[("oEDe6JMwL7Q", "ctr")] == pytest.approx(0.0632)


def test_detection_uses_the_same_normalised_headers(tmp_path: Path) -> None:
    rows = _rows(REAL / "youtube-table-data-2021.csv")
    header = ["\u00a0" + h.upper() + " \u00ad" for h in rows[0]]
    path = _write(tmp_path / "shouting.csv", [header, *rows[1:]])
    sheet = next(iter(open_sheets(path)))
    found = detect(sheet, Context(path=path, as_of=AS_OF))
    assert found is not None and found.match.spec.id == "youtube.table"
    assert set(found.match.columns) >= {"post_id", "views", "impressions", "ctr"}
    sheet.close()


@pytest.mark.parametrize(("written", "same_as"), [
    ("Dis\u00adlikes", "Dislikes"), ("\ufeffContent", "Content"), ("Vues\u00a0", "vues"),
    ("J\u2019aime", "J'aime"), ("Average  percentage\tviewed (%)", "Average percentage viewed (%)"),
    ("Watch\u200b time (hours)", "Watch time (hours)"), ("\uff36\uff49\uff45\uff57\uff53", "Views"),
    ("Nombre\u202fde vues", "Nombre de vues"), ('"Reach"', "reach"),
])
def test_normalise(written: str, same_as: str) -> None:
    assert normalise(written) == normalise(same_as)


def test_normalise_keeps_accents_apart() -> None:
    assert normalise("Durée") != normalise("Duree")


def test_every_alias_has_a_source() -> None:
    for key, spec in export_specs().items():
        assert spec.source or all(h in spec.sources for c in spec.columns.values()
                                  for h in (*c.en, *c.fr, *c.es)), key
        spellings = {normalise(h) for c in spec.columns.values() for h in (*c.en, *c.fr, *c.es)}
        spellings |= spec.ignored()
        for named in spec.sources:
            assert normalise(named) in spellings, f"{key}: source for unknown spelling {named!r}"
    assert guess_vocabulary().source


def test_match_header_reports_unknown_columns_as_written() -> None:
    spec = export_specs()["youtube.table"]
    found = match_header(spec, ["Content", "Views ", "Video publish time", "Mystery\u00ad"], 1)
    assert set(found.columns) == {"post_id", "views", "published_at"}
    assert found.columns["views"] == (1, "Views")
    assert found.unknown == ("Mystery\u00ad",)
