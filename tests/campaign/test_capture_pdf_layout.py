"""The printed capture sheet: columns sized to their text and inside the printable width, long
cells wrapped, the header row repeated on every page a long list runs onto."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from planworld import load_world, pdf_text

from coulisses.campaign import capture

LONG = ("Une journée entière à l'atelier, de l'arrivée au rangement, caméra à l'épaule, sans "
        "couper les moments de doute ni les ratés. ") * 3
RECT = re.compile(rb"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re")


def rectangles(doc: Any, page: int) -> list[tuple[float, float, float, float]]:
    """Every rectangle (table cell) drawn on ``page``, in points: x, y, width, height."""
    stream = bytes(doc.pages[page].contents)
    return [(float(a), float(b), float(c), float(d)) for a, b, c, d in RECT.findall(stream)]


def long_plan(tmp_path: Path, lang: str) -> Any:
    _, _, plan = load_world(tmp_path, lang=lang)
    sheet = plan.sheets[0]
    long = dataclasses.replace(sheet.items[0], title="Un titre assez long pour l'élément",
                               what=LONG)
    many = dataclasses.replace(sheet, items=(long, *sheet.items) * 10)
    return dataclasses.replace(plan, sheets=(many,))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_cell_is_inside_the_printable_width(lang: str, tmp_path: Path) -> None:
    doc = capture.pdf_document(long_plan(tmp_path, lang), lang)
    try:
        left, right = doc.l_margin * doc.k, (doc.w - doc.r_margin) * doc.k
        assert doc.pages_count >= 3  # the long list runs onto more pages
        for page in range(1, doc.pages_count + 1):
            cells = rectangles(doc, page)
            assert cells, f"no table on page {page}"
            for x, _, w, _ in cells:
                assert x >= left - 0.01, (page, x)
                assert x + w <= right + 0.01, (page, x + w, right)
        # the header row is on top of every page of the list, and no header word is broken
        header = ("Fait", "Quoi", "Type", "Plateformes") if lang == "fr" else (
            "Done", "What", "Kind", "Platforms")
        for text in pdf_text(doc)[1:]:
            words = text.split()
            assert all(h in words for h in header), words[:12]
        # the long text is all there, wrapped inside its cell
        first = "".join(pdf_text(doc)[0].split())
        assert "".join(LONG.split())[:200] in first
    finally:
        capture.close_fonts(doc)


def test_the_widest_text_gets_the_widest_column(tmp_path: Path) -> None:
    doc = capture.pdf_document(long_plan(tmp_path, "fr"), "fr")
    try:
        doc.set_font("DejaVu", "", 9)
        header = ["Fait", "Quoi", "Type", "Temps du récit", "Plateformes", "Notes"]
        rows = [["☐", LONG, "preparation\nraw", "L'arrivée", "instagram-reels, tiktok",
                 "Sam Roux: EN ATTENTE: ne pas filmer"]]
        widths = capture.column_widths(doc, header, rows, doc.epw)
        assert sum(widths) == pytest.approx(doc.epw)
        assert max(widths) == widths[1]
        # each column holds its longest word, the bold header included
        for width, head, cell in zip(widths, header, rows[0], strict=True):
            doc.set_font("DejaVu", "B", 9)
            need = max(doc.get_string_width(w) for w in head.split())
            doc.set_font("DejaVu", "", 9)
            need = max([need, *(doc.get_string_width(w) for w in cell.split())])
            assert width >= need + 2 * capture.PADDING, (head, width, need)
        # a table too wide even for its words shrinks to the page instead of running off
        wide = capture.column_widths(doc, ["x"] * 12, [["Anticonstitutionnellement"] * 12],
                                     doc.epw)
        assert sum(wide) == pytest.approx(doc.epw)
    finally:
        capture.close_fonts(doc)


def red_text(doc: Any, page: int) -> list[str]:
    """The text drawn in the warning red on ``page``, one string per line."""
    fonts = {f"F{f.i}": {code: "".join(map(chr, glyph.unicode))
                         for glyph, code in f.subset.items()} for f in doc.fonts.values()}
    font: dict[int, str] = {}
    out = []
    for block in re.findall(rb"BT (.*?) ET", bytes(doc.pages[page].contents), re.S):
        if m := re.search(rb"/(F\d+) [\d.]+ Tf", block):
            font = fonts[m.group(1).decode()]
        string = re.search(rb"\(((?:\\.|[^\\)])*)\) ?Tj", block, re.S)
        if string is None or RED not in block:
            continue
        raw = re.sub(rb"\\(.)", lambda e: {b"r": b"\r", b"n": b"\n"}.get(e.group(1),
                                                                          e.group(1)),
                     string.group(1), flags=re.S)
        out.append("".join(font.get(int.from_bytes(raw[i:i + 2], "big"), "?")
                           for i in range(0, len(raw), 2)))
    return out


RED = b"0.702 0.149 0.1176 rg"  # (179, 38, 30)


def test_style_is_not_a_warning(tmp_path: Path) -> None:
    """The style (raw, spontaneous) prints with the kind; only consent warnings are red."""
    _, _, plan = load_world(tmp_path, lang="en")
    doc = capture.pdf_document(plan, "en")
    try:
        assert "raw" in pdf_text(doc)[0].split()
        red = " ".join(red_text(doc, 1))
        assert "Sam Roux" in red and "PENDING" in red
        assert "raw" not in red.split()
        assert "spontaneous" not in " ".join(red_text(doc, 2)).split()
    finally:
        capture.close_fonts(doc)
