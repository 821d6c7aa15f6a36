"""Capture sheets: one per shoot day, consent flagged, as HTML and as a real, printable PDF."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from planworld import load_world, pdf_text

from coulisses.campaign import capture


def test_html_sheet_lists_every_item_and_flags_consent(tmp_path: Path) -> None:
    _, campaign, plan = load_world(tmp_path)
    html = capture.to_html(plan, "en")
    for item in campaign.bts:
        if item.shoot_day:
            assert f'id="item-{item.id}"' in html
    for day in campaign.shoot_days:
        assert f'id="day-{day.id}"' in html
    assert "@media print" in html and "page-break-after" in html
    # Sam (pending) and Lou (a minor whose guardian has not agreed) are flagged, Ana is not
    assert "Sam Roux: PENDING: do not film" in html
    assert "minor, no guardian consent: do not film" in html
    assert "Ana Léger" in html and "Ana Léger: " not in html


def test_html_is_in_french_when_asked(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    html = capture.to_html(plan, "fr")
    assert "Liste de captation BTS" in html and "EN ATTENTE" in html and "ne pas filmer" in html


def test_html_escapes_what_the_file_says(tmp_path: Path) -> None:
    from planworld import CAMPAIGN_YAML

    text = CAMPAIGN_YAML.replace("Les rires entre deux prises", "<script>alert(1)</script>")
    _, _, plan = load_world(tmp_path, text)
    html = capture.to_html(plan)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_pdf_is_a_real_pdf_with_one_page_per_day_and_accents(tmp_path: Path) -> None:
    _, campaign, plan = load_world(tmp_path)
    stamp = datetime(2026, 5, 1, tzinfo=UTC)
    data = capture.to_pdf(plan, "fr", created=stamp)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert data == capture.to_pdf(plan, "fr", created=stamp)  # same plan, same bytes
    doc = capture.pdf_document(plan, "fr", created=stamp)
    assert doc.pages_count == len(campaign.shoot_days)
    assert all(not f.missing_glyphs for f in doc.fonts.values())  # every character printed
    # table cells wrap lines: compare without white space
    pages = ["".join(p.split()) for p in pdf_text(doc)]
    capture.close_fonts(doc)

    def on(page: int, phrase: str) -> bool:
        return "".join(phrase.split()) in pages[page]

    assert on(0, "Le décor qui se monte, les câbles, les lumières") and on(0, "preparation")
    assert on(0, "Studio Belleville, 12 rue de Belleville, Paris") and on(0, "08:30 (UTC)")
    assert on(0, "Sam Roux") and on(0, "EN ATTENTE : ne pas filmer".replace(" :", ":"))
    assert on(0, "☐") and not on(0, "Les rires entre deux prises")
    assert on(1, "Les rires entre deux prises") and on(1, "sans accord parental")
