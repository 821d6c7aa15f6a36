"""Capture sheets: per shoot day, where and when, who (consent flagged) and what to capture.

As HTML with print CSS (Jinja) and as a PDF a crew can print (fpdf2, DejaVu Sans from
matplotlib so accents print). One shoot day per page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coulisses.campaign.pages import label
from coulisses.campaign.plan import CaptureItem, CaptureSheet, Plan, consent_label


def item_warnings(plan: Plan, item: CaptureItem, lang: str) -> list[str]:
    """One line per person expected in the shot who may not be filmed."""
    out = []
    for pid in item.people:
        person = plan.person(pid)
        if person is None:
            out.append(f"{pid}: {label(lang, 'unknown')}: {label(lang, 'not_cleared')}")
        elif not person.cleared:
            out.append(f"{person.name}: {consent_label(lang, person)}")
    return out


def to_html(plan: Plan, lang: str = "en") -> str:
    """Every shoot day's sheet in one printable page (a page break between days)."""
    from coulisses.campaign.pages import render

    return render("capture.html", lang, page_title=f"{label(lang, 'capture_title')} · "
                  f"{plan.title}", campaign_title=plan.title, timezone=plan.timezone,
                  sheets=plan.sheets, consent=lambda p: consent_label(lang, p),
                  warnings=lambda item: item_warnings(plan, item, lang))


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def pdf_document(plan: Plan, lang: str = "en", created: datetime | None = None) -> Any:
    """The capture sheets as an ``fpdf.FPDF`` document, one page (or more) per shoot day.

    ``created`` is the document's creation date (now when not given).
    """
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(created or datetime.now(UTC))
    pdf.set_title(f"{label(lang, 'capture_title')} · {plan.title}")
    pdf.set_creator("coulisses")
    pdf.set_lang(lang)
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(12, 12, 12)
    for sheet in plan.sheets:
        _sheet_page(pdf, plan, sheet, lang)
    if not plan.sheets:
        pdf.add_page()
        pdf.set_font("DejaVu", "B", 16)
        pdf.cell(text=f"{label(lang, 'capture_title')} · {plan.title}")
    return pdf


def to_pdf(plan: Plan, lang: str = "en", created: datetime | None = None) -> bytes:
    """The capture sheets as PDF bytes."""
    pdf = pdf_document(plan, lang, created)
    try:
        return bytes(pdf.output())
    finally:
        close_fonts(pdf)


def close_fonts(pdf: Any) -> None:
    """Close the font files an ``fpdf.FPDF`` document keeps open (fpdf2 reads them lazily and
    never closes them), so none is left for the garbage collector to warn about."""
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


def _sheet_page(pdf: Any, plan: Plan, sheet: CaptureSheet, lang: str) -> None:
    from fpdf.fonts import FontFace

    def t(key: str) -> str:
        return label(lang, key)

    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, f"{t('capture_title')} · {plan.title}", new_x="LMARGIN",
                   new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    call = sheet.call_time.strftime("%H:%M") if sheet.call_time else t("tbc")
    if sheet.wrap_time:
        call += f" → {sheet.wrap_time.strftime('%H:%M')}"
    facts = [(t("day"), sheet.day), (t("date"), sheet.date.isoformat()),
             (t("location"), sheet.location or t("tbc")), (t("call"), f"{call} "
                                                                    f"({plan.timezone})")]
    pdf.set_font("DejaVu", "B", 11)
    label_width = max(pdf.get_string_width(f"{name}:") for name, _ in facts) + 3
    for name, value in facts:
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(label_width, 6, f"{name}:")
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    if sheet.notes:
        pdf.ln(1)
        pdf.multi_cell(0, 5, sheet.notes, new_x="LMARGIN", new_y="NEXT")
    heading = FontFace(emphasis="BOLD", fill_color=(235, 235, 240))
    warn = FontFace(emphasis="BOLD", color=(179, 38, 30))
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, t("people"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    if sheet.people:
        header = [t("people"), t("consent")]
        cells = [[f"{p.name} ({p.role})" if p.role else p.name, consent_label(lang, p)]
                 for p in sheet.people]
        with _table(pdf, header, cells, heading, 6) as table:
            for p, (who, consent) in zip(sheet.people, cells, strict=True):
                row = table.row()
                row.cell(who)
                row.cell(consent, style=None if p.cleared else warn)
    else:
        pdf.cell(0, 6, t("nobody"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, t("items"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    header = [t("done"), t("what"), t("kind"), t("beat"), t("platforms"), t("notes")]
    # the style (raw, staged...) goes with the kind; the notes column holds only the
    # consent warnings, in red
    items = [["☐", "\n".join(x for x in (item.title, item.what) if x),
              "\n".join(x for x in (item.kind, item.notes) if x),
              item.beat_title or item.beat, ", ".join(item.platforms),
              "\n".join(item_warnings(plan, item, lang))] for item in sheet.items]
    with _table(pdf, header, items, heading, 5) as table:
        for values in items:
            row = table.row()
            for i, value in enumerate(values):
                row.cell(value, style=warn if i == len(values) - 1 and value else None)


PADDING = 1.0  # mm inside each cell, on every side


def column_widths(pdf: Any, header: Sequence[str], rows: Sequence[Sequence[str]],
                  width: float) -> list[float]:
    """Column widths (mm) that add up to ``width``: every column at least as wide as its
    longest word (bold in the header), and the room left shared by how much wider each
    column's text would like to be; a sheet printed on A4 never runs past its margin.
    Measured in the document's current font."""
    family, size = pdf.font_family, pdf.font_size_pt

    def words(text: str) -> list[str]:
        return text.split() or [""]

    def measure(text: str, style: str) -> float:
        pdf.set_font(family, style, size)
        return float(pdf.get_string_width(text)) + 2 * PADDING + 0.5

    columns = list(zip(header, *rows, strict=True)) if rows else [(h,) for h in header]
    least, wanted = [], []
    for head, *cells in columns:
        least.append(max([measure(w, "B") for w in words(head)]
                         + [measure(w, "") for c in cells for w in words(c)]))
        wanted.append(max([measure(head, "B")]
                          + [measure(line, "") for c in cells for line in c.splitlines()]))
    pdf.set_font(family, "", size)
    wanted = [max(w, m) for w, m in zip(wanted, least, strict=True)]
    if sum(wanted) <= width:  # everything fits on one line: share the rest evenly
        return [w + (width - sum(wanted)) * w / sum(wanted) for w in wanted]
    if sum(least) >= width:  # even the words do not fit: shrink them all (words break)
        return [m * width / sum(least) for m in least]
    spare, stretch = width - sum(least), [w - m for w, m in zip(wanted, least, strict=True)]
    return [m + spare * s / sum(stretch) for m, s in zip(least, stretch, strict=True)]


@contextmanager
def _table(pdf: Any, header: list[str], rows: Sequence[Sequence[str]], heading: Any,
           line_height: float) -> Iterator[Any]:
    """A table across the printable width, columns sized to their text, cells wrapped and
    aligned left, the header row repeated on every page the table runs onto."""
    from fpdf.enums import TableHeadingsDisplay

    widths = column_widths(pdf, header, rows, pdf.epw)
    with pdf.table(col_widths=tuple(widths), width=pdf.epw, headings_style=heading,
                   line_height=line_height, text_align="LEFT", padding=PADDING,
                   repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE) as table:
        table.row(header)
        yield table
