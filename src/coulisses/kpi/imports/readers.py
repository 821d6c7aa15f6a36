"""Read an export as rows, streaming: CSV (delimiter sniffed, UTF-8/UTF-16 with BOM, Meta's
``sep=,`` line), XLSX through openpyxl in read-only mode, legacy XLS through xlrd.

Spreadsheets are read as values: a formula cell is refused (platform exports never contain
formulas; a formula means the file was edited) and merged cells in or below the header are
refused, both with the cell named. Each ``Sheet`` yields ``(row_number, cells)``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from coulisses.errors import AnalyticsImportError

Row = list[object]
_DELIMITERS = (",", ";", "\t")


@dataclass
class Sheet:
    """One table of an export: its rows, and a byte position for progress bars."""

    path: Path
    name: str | None
    rows: Iterator[tuple[int, Row]]
    size: int
    position: Callable[[], int]
    merged: list[tuple[str, int, int]] = field(default_factory=list)  # (ref, first, last row)
    delimiter: str | None = None
    closer: Callable[[], None] = lambda: None

    def close(self) -> None:
        """Release the file when its rows will not be read to the end."""
        self.closer()

    def check_merged(self, from_row: int) -> None:
        """Refuse merged cells at or below the header row.

        Raises:
            AnalyticsImportError: naming the first merged range found.
        """
        for ref, first, last in self.merged:
            if last >= from_row:
                raise AnalyticsImportError(
                    f"merged cells {ref}: coulisses reads one value per cell", path=self.path,
                    sheet=self.name, row=first,
                    hint="unmerge them, or import the file as the platform exported it")


def open_sheets(path: Path, *, delimiter: str | None = None,
                encoding: str | None = None) -> Iterator[Sheet]:
    """The tables of ``path``: one for a CSV, one per worksheet for XLSX and XLS.

    Raises:
        AnalyticsImportError: an empty, unreadable or unknown kind of file.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise AnalyticsImportError(f"cannot read the file ({exc.strerror or exc})",
                                   path=path) from None
    if size == 0:
        raise AnalyticsImportError("the file is empty (0 bytes)", path=path,
                                   hint="download the export again")
    if head.startswith(b"PK\x03\x04"):
        yield from _xlsx_sheets(path, size)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        yield from _xls_sheets(path, size)
    else:
        yield _csv_sheet(path, size, delimiter=delimiter, encoding=encoding)


def encoding_of(path: Path) -> str:
    """The text encoding of a CSV, from its BOM or first 64 KiB."""
    with path.open("rb") as fh:
        sample = fh.read(65536)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(sample) >= 4 and sample[1] == 0 and sample[3] == 0:
        return "utf-16-le"
    if len(sample) >= 4 and sample[0] == 0 and sample[2] == 0:
        return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"  # Excel's "CSV" in Western locales
    return "utf-8"


def _csv_sheet(path: Path, size: int, *, delimiter: str | None,
               encoding: str | None) -> Sheet:
    enc = encoding or encoding_of(path)
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=enc, newline="")
    first = text.readline()
    line_offset = 0
    match = re.match(r'^"?sep=(.)"?\s*$', first.lstrip("\ufeff"))
    if match:  # Excel's delimiter hint, as in Meta Business Suite exports
        delimiter = delimiter or match.group(1)
        line_offset = 1
        lines: list[str] = []
    else:
        lines = [first]
    if delimiter is None:
        while len(lines) < 20:
            line = text.readline()
            if not line:
                break
            lines.append(line)
        delimiter = _sniff(lines)
    reader = csv.reader(_chain(lines, text), delimiter=delimiter)

    def rows() -> Iterator[tuple[int, Row]]:
        try:
            for cells in reader:
                yield reader.line_num + line_offset, list(cells)
        except UnicodeDecodeError as exc:
            raise AnalyticsImportError(
                f"text is not {enc} (byte {exc.start} of a chunk cannot be decoded)", path=path,
                row=reader.line_num + line_offset + 1,
                hint="save the file as UTF-8 or UTF-16") from None
        except csv.Error as exc:
            raise AnalyticsImportError(f"malformed CSV ({exc})", path=path,
                                       row=reader.line_num + line_offset) from None
        finally:
            text.close()

    return Sheet(path, None, rows(), size, raw.tell, delimiter=delimiter, closer=text.close)


def _chain(lines: list[str], rest: IO[str]) -> Iterator[str]:
    yield from lines
    yield from rest


def _sniff(lines: list[str]) -> str:
    """The delimiter that splits most sample lines into the same, largest number of fields."""
    best, best_score = ",", (0, 0)
    for candidate in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=candidate) if r]
        except csv.Error:  # a field over the csv module's limit: the reader reports it
            continue
        if not counts:
            continue
        widest = max(counts)
        score = (counts.count(widest) if widest > 1 else 0, widest)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _xlsx_sheets(path: Path, size: int) -> Iterator[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged archive
        raise AnalyticsImportError(f"cannot be read as an XLSX workbook ({exc})",
                                   path=path) from None
    merged = _xlsx_merged(path)
    try:
        for sheet in book.worksheets:
            total = max(sheet.max_row or 1, 1)
            done = [0]
            yield Sheet(path, sheet.title, _xlsx_rows(path, sheet, done), size,
                        _fraction_of(size, done, total), merged=merged.get(sheet.title, []))
    finally:
        book.close()


def _fraction_of(size: int, done: list[int], total: int) -> Callable[[], int]:
    return lambda: int(size * done[0] / total)


def _xlsx_rows(path: Path, sheet: Any, done: list[int]) -> Iterator[tuple[int, Row]]:
    """Rows of a read-only worksheet as values; a formula cell is a located error."""
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        done[0] = number
        values: Row = []
        for col, cell in enumerate(cells, start=1):
            if getattr(cell, "data_type", None) == "f":
                raise AnalyticsImportError(
                    f"cell {_col_letter(col)}{number} is a formula ({cell.value}); coulisses "
                    "imports values only", path=path, sheet=sheet.title, row=number,
                    hint="paste the sheet as values, or use the file as the platform "
                         "exported it")
            values.append(cell.value)
        yield number, values


def _xlsx_merged(path: Path) -> dict[str, list[tuple[str, int, int]]]:
    """Merged ranges per sheet name, read from the workbook XML (read-only mode hides them)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    result: dict[str, list[tuple[str, int, int]]] = {}
    with zipfile.ZipFile(path) as archive:
        try:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        except KeyError:
            return result
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        for sheet in book.iterfind("m:sheets/m:sheet", ns):
            target = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            if part not in archive.namelist():
                continue
            ranges = []
            with archive.open(part) as stream:
                for _, element in ElementTree.iterparse(stream):
                    if element.tag == f"{{{ns['m']}}}mergeCell":
                        ref = element.get("ref", "")
                        rows = [int(n) for n in re.findall(r"\d+", ref)] or [0]
                        ranges.append((ref, min(rows), max(rows)))
                    element.clear()
            result[sheet.get("name", "")] = ranges
    return result


def _col_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xls_sheets(path: Path, size: int) -> Iterator[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(path, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, struct.error, ... on damaged files
        raise AnalyticsImportError(f"cannot be read as an XLS workbook ({exc})",
                                   path=path) from None
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            merged = [(f"{_col_letter(c0 + 1)}{r0 + 1}:{_col_letter(c1)}{r1}", r0 + 1, r1)
                      for r0, r1, c0, c1 in sheet.merged_cells]

            def rows(sheet: xlrd.sheet.Sheet = sheet) -> Iterator[tuple[int, Row]]:
                for r in range(sheet.nrows):
                    values: Row = []
                    for c in range(sheet.ncols):
                        cell = sheet.cell(r, c)
                        if cell.ctype == xlrd.XL_CELL_DATE:
                            values.append(xlrd.xldate.xldate_as_datetime(cell.value,
                                                                         book.datemode))
                        elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                            values.append(None)
                        else:
                            values.append(cell.value)
                    yield r + 1, values

            yield Sheet(path, sheet.name, rows(), size, lambda: size, merged=merged)
            book.unload_sheet(index)
    finally:
        book.release_resources()
