"""A comments export (any CSV with a ``comments:`` mapping) read row by row: comment id, post,
parent, author, time and text; the brand's own comments are those its account wrote.

Comment files are small (a post gets thousands of comments, not millions), so rows are parsed
in Python and staged by the store, which merges them in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coulisses.kpi.imports import dates, numbers
from coulisses.kpi.imports.generic import Mapping
from coulisses.kpi.imports.headers import normalise
from coulisses.kpi.imports.model import Context
from coulisses.kpi.imports.readers import open_sheets


@dataclass(frozen=True)
class CommentRow:
    """One comment as read, with its row in the file."""

    comment_id: str
    post: str
    post_is_url: bool
    parent_id: str | None
    author: str
    by_brand: bool
    created_at: datetime
    text: str | None
    row: int


def account(name: str) -> str:
    """Compare account names without case or a leading ``@``."""
    return name.strip().lstrip("@").casefold()


def read_comments(path: Path, spec: Mapping, ctx: Context,
                  brand_account: str | None) -> Iterator[CommentRow]:
    """The comments of ``path`` as ``spec.comments`` maps them.

    Raises:
        AnalyticsImportError: a mapped column missing from the header, or a row without a
            comment id, post, author or a readable time (with its row and column).
    """
    columns = spec.comments
    assert columns is not None
    brand = account(brand_account or columns.brand_account or "") or None
    ctx.dayfirst = spec.decimal == ","
    sheet = next(iter(open_sheets(path, delimiter=spec.delimiter, encoding=spec.encoding)))
    ctx.sheet = sheet.name
    header = next(sheet.rows, None)
    if header is None:
        raise ctx.error("the file has no header row")
    number, cells = header
    index = {normalise(c): i for i, c in enumerate(cells)}
    wanted = {"id": columns.id_column, "post": columns.post_column,
              "url": columns.post_url_column, "parent": columns.parent_column,
              "author": columns.author_column, "created": columns.created_column,
              "text": columns.text_column}
    missing = [h for h in wanted.values() if h is not None and normalise(h) not in index]
    if missing:
        raise ctx.error(f"column(s) {', '.join(repr(m) for m in missing)} named in the mapping "
                        "are not in the header", row=number,
                        hint=f"the header has: {', '.join(str(c) for c in cells if c)}")
    at = {k: index[normalise(h)] for k, h in wanted.items() if h is not None}
    for number, cells in sheet.rows:
        if all(numbers.is_missing(c) for c in cells):
            continue
        ctx.rows_read += 1

        def cell(key: str, cells: list[object] = cells) -> str | None:
            i = at.get(key)
            value = cells[i] if i is not None and i < len(cells) else None
            return None if numbers.is_missing(value) else str(value).strip()

        def need(key: str, what: str, number: int = number) -> str:
            value = cell(key)
            if value is None:
                raise ctx.error(f"no {what} on this row", row=number, column=wanted[key])
            return value

        comment_id = need("id", "comment id")
        post = cell("post")
        post_is_url = post is None
        if post is None:
            post = need("url" if columns.post_url_column else "post", "post id or link")
        author = need("author", "author")
        raw_time = need("created", "time")
        try:
            created = (dates.parse_formatted(raw_time, spec.date_format) if spec.date_format
                       else dates.parse_datetime(raw_time, dayfirst=ctx.dayfirst))
        except ValueError as exc:
            raise ctx.error(str(exc), row=number, column=wanted["created"]) from None
        assert created is not None
        ctx.rows_stored += 1
        yield CommentRow(comment_id, post, post_is_url, cell("parent"), author,
                         brand is not None and account(author) == brand, created,
                         cell("text"), number)
