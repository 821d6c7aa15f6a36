"""Capture sheets: per shoot day, where and when, who (consent flagged) and what to capture.

As HTML with print CSS (Jinja) and as a PDF a crew can print (fpdf2, DejaVu Sans from
matplotlib so accents print). One shoot day per page.
"""

from __future__ import annotations

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
    for name, value in facts:
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(32, 6, f"{name}:")
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
        with pdf.table(col_widths=(60, 40), headings_style=heading, line_height=6) as table:
            table.row([t("people"), t("consent")])
            for p in sheet.people:
                row = table.row()
                row.cell(f"{p.name} ({p.role})" if p.role else p.name)
                row.cell(consent_label(lang, p), style=None if p.cleared else warn)
    else:
        pdf.cell(0, 6, t("nobody"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, t("items"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    with pdf.table(col_widths=(8, 50, 25, 28, 30, 45), headings_style=heading,
                   line_height=5) as table:
        table.row([t("done"), t("what"), t("kind"), t("beat"), t("platforms"), t("notes")])
        for item in sheet.items:
            row = table.row()
            row.cell("☐")
            row.cell(item.what)
            row.cell(item.kind)
            row.cell(item.beat_title or item.beat)
            row.cell(", ".join(item.platforms))
            warnings = item_warnings(plan, item, lang)
            row.cell("\n".join([item.notes, *warnings]).strip(),
                     style=warn if warnings else None)
