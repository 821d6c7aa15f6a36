"""CSV files for people: the byte-order mark and the separator a spreadsheet of the
interface language expects (``;`` and decimal commas in French, ``,`` in English).

Files that tools read back (golden files, exports meant for re-import) do not go through here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

BOM = "\ufeff"


def delimiter(lang: str) -> str:
    """The field separator a spreadsheet set to ``lang`` splits on."""
    return ";" if lang == "fr" else ","


def decimal(value: object, lang: str, spec: str = "") -> str:
    """A number (formatted with ``spec``, as ``str`` does when empty) as a spreadsheet of
    ``lang`` reads it: ``0,25`` in French. Text stays as it is, ``None`` is an empty cell and
    booleans stay ``True``/``False``."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    shown = format(value, spec)
    return shown.replace(".", ",") if lang == "fr" else shown


def table(header: Sequence[str], rows: Iterable[Sequence[object]], lang: str) -> str:
    """The header and rows as CSV text (no byte-order mark) in ``lang``'s separator."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter(lang), lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def file_bytes(text: str) -> bytes:
    """CSV text as a file's bytes: UTF-8 with a byte-order mark, so a double-click opens it
    with its accents in Excel."""
    return (BOM + text.removeprefix(BOM)).encode("utf-8")
