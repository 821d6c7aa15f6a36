"""Guess a mapping for a CSV or spreadsheet no export signature recognises: which column is the
post (its id, link or caption), its date, and which metric each column of numbers holds, from
the header names (headers.yaml, in English and French) and a few sample values.

``propose_mapping`` is pure; ``read_sample`` reads the header and first rows of a file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from coulisses.kpi.imports import dates, numbers
from coulisses.kpi.imports.headers import LANGS, export_specs, guess_vocabulary, normalise
from coulisses.kpi.imports.model import Context
from coulisses.kpi.imports.readers import open_sheets
from coulisses.kpi.imports.table import cell_parsers
from coulisses.kpi.imports.youtube import TOTAL_ROWS

#: A guess at or above this confidence needs no second look.
CONFIDENT = 0.75
SAMPLE_ROWS = 50
#: Mapping keys of the fields that describe a post rather than carry a number.
POST_KEYS = {"post_id": "id_column", "url": "url_column", "caption": "caption_column",
             "published_at": "published_column", "day": "date_column"}
#: Recognised, but a mapping file has nowhere to put them.
NOT_IMPORTED = {"format": "the post type", "duration_s": "the video length",
                "account": "the account name"}
METRIC_KINDS = frozenset({"count", "adjusted_count", "duration", "hours", "fraction", "percent"})
HOSTS = (("instagram.com", "instagram"), ("instagr.am", "instagram"), ("tiktok.com", "tiktok"),
         ("youtube.com", "youtube"), ("youtu.be", "youtube"), ("facebook.com", "facebook"),
         ("fb.watch", "facebook"), ("linkedin.com", "linkedin"), ("twitter.com", "x"),
         ("x.com", "x"))
NAME_HINTS = (("instagram", "instagram"), ("insta", "instagram"), ("tiktok", "tiktok"),
              ("youtube", "youtube"), ("facebook", "facebook"), ("linkedin", "linkedin"))
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_SLASH_DATE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[ t]+(\d{1,2}:\d{2}(:\d{2})?))?$",
                         re.IGNORECASE)
_LONG_ID = re.compile(r"^\d{9,}$")
_TOKEN = re.compile(r"^[\w-]{5,}$")


@dataclass(frozen=True)
class Guess:
    """One column's role: ``field`` is post_id, url, caption, published_at, day or a metric."""

    field: str
    column: str  # the header as written
    kind: str  # how its cells are read: count, percent, duration, datetime...
    confidence: float  # 0..1
    why: str


@dataclass(frozen=True)
class Unmapped:
    column: str
    why: str


@dataclass(frozen=True)
class Proposal:
    """What the guess found, what it left out and why, and what it could not find."""

    guesses: tuple[Guess, ...]
    unmapped: tuple[Unmapped, ...]
    missing: tuple[str, ...]  # required things no column provides, in plain words
    platform: str
    platform_why: str
    decimal: str
    date_format: str | None
    notes: tuple[str, ...]  # assumptions and ties worth a look

    @property
    def unambiguous(self) -> bool:
        """True when the mapping can be used as written: nothing missing, nothing to check,
        every guess sure."""
        return (not self.missing and not self.notes and self.platform != "other"
                and all(g.confidence >= CONFIDENT for g in self.guesses))

    def get(self, field: str) -> Guess | None:
        return next((g for g in self.guesses if g.field == field), None)

    def mapping(self) -> dict[str, Any]:
        """The mapping file's content, as ``generic.Mapping`` reads it."""
        data: dict[str, Any] = {"version": 1, "platform": self.platform}
        for guess in self.guesses:
            if guess.field in POST_KEYS:
                data[POST_KEYS[guess.field]] = guess.column
        if self.date_format:
            data["date_format"] = self.date_format
        data["decimal"] = self.decimal
        data["metrics"] = {g.column: g.field if g.kind == "count" else
                           {"metric": g.field, "kind": g.kind}
                           for g in self.guesses if g.field not in POST_KEYS}
        return data


@dataclass(frozen=True)
class _Word:
    field: str
    kind: str
    lang: str
    weight: float
    origin: str


@dataclass(frozen=True)
class _Profile:
    """What a column's sample values look like."""

    values: tuple[object, ...]
    looks: str  # empty, links, dates, durations, rates, ids, counts, numbers, captions, text
    unique: bool


def read_sample(path: Path, rows: int = SAMPLE_ROWS) -> tuple[list[object], list[list[object]]]:
    """The header row (the first row with two cells filled) and up to ``rows`` rows below it,
    from the first sheet that has one.

    Raises:
        AnalyticsImportError: an unreadable or empty file, or no header row in it.
    """
    from coulisses.errors import AnalyticsImportError

    for sheet in open_sheets(path):
        header: list[object] | None = None
        sample: list[list[object]] = []
        try:
            for number, cells in sheet.rows:
                if header is None:
                    if sum(not numbers.is_missing(c) for c in cells) >= 2:
                        header = cells
                    elif number > 12:
                        break
                    continue
                if any(not numbers.is_missing(c) for c in cells):
                    sample.append(cells)
                if len(sample) >= rows:
                    break
        finally:
            sheet.close()
        if header is not None:
            return header, sample
    raise AnalyticsImportError("no header row (a row with at least two column names) in the "
                               "first rows", path=path,
                               hint="save the sheet with its column names on the first row")


def propose_mapping(headers: Sequence[object], sample_rows: Sequence[Sequence[object]], *,
                    name: str = "") -> Proposal:
    """Guess a mapping from the header names and sample values (``name``: the file's name,
    a hint for the platform). Never raises on odd input: what it cannot place is unmapped."""
    columns = [(i, str(h).strip()) for i, h in enumerate(headers)
               if not numbers.is_missing(h) and str(h).strip()]
    vocab = _vocabulary()
    lang = _language([normalise(h) for _, h in columns], vocab)
    raw = {i: tuple(row[i] for row in sample_rows
                    if i < len(row) and not numbers.is_missing(row[i])) for i, _ in columns}
    decimal = _decimal([v for values in raw.values() for v in values], lang)
    ctx = Context(path=Path(name or "file"), as_of=date.today(), decimal=decimal,
                  dayfirst=decimal == ",")
    profiles = {i: _profile(raw[i], ctx) for i, _ in columns}
    notes: list[str] = []
    guesses: list[Guess] = []
    unmapped: list[Unmapped] = []
    for i, header in columns:
        found = _guess(header, vocab.get(normalise(header), []), profiles[i], ctx)
        if isinstance(found, Guess):
            guesses.append(found)
        else:
            unmapped.append(Unmapped(header, found))
    guesses = _place_dates(guesses, profiles, columns, notes)
    guesses, losers = _resolve(guesses, notes)
    unmapped.extend(losers)
    date_format = _date_format(guesses, profiles, columns, decimal, notes)
    platform, platform_why = _platform(guesses, profiles, columns, name)
    if key := next((g for g in guesses if g.field in ("post_id", "url", "caption")), None):
        totals = [v for v in profiles[dict((h, i) for i, h in columns)[key.column]].values
                  if str(v).strip().casefold() in TOTAL_ROWS]
        if totals:
            notes.append(f"a {str(totals[0]).strip()!r} row in {key.column!r} sums the others: "
                         "delete it from the file, or it is imported as a post")
    missing = []
    if not any(g.field not in POST_KEYS for g in guesses):
        missing.append("a column of numbers named like a metric (views, likes, reach...)")
    if not any(g.field in ("post_id", "url", "day") for g in guesses):
        missing.append("the post (its id or link), or a date for account-level daily rows")
    order = {h: n for n, (_, h) in enumerate(columns)}
    return Proposal(tuple(sorted(guesses, key=lambda g: order[g.column])),
                    tuple(sorted(unmapped, key=lambda u: order.get(u.column, 0))),
                    tuple(missing), platform, platform_why, decimal, date_format, tuple(notes))


def _vocabulary() -> dict[str, list[_Word]]:
    """Normalised spelling -> the fields it names: the guess vocabulary decides for the
    spellings it lists; the others come from every export's columns (a spelling exports use
    for several fields lists each field once)."""
    out: dict[str, list[_Word]] = {}
    for field, column in guess_vocabulary().columns.items():
        for lang in LANGS:
            for header in getattr(column, lang):
                out.setdefault(normalise(header), []).append(
                    _Word(field, column.kind, lang, 0.9, "a usual name"))
    chosen = set(out)
    for spec in export_specs().values():
        for field, column in spec.columns.items():
            if field in ("value", "meta_day"):
                continue
            for lang in LANGS:
                for header in getattr(column, lang):
                    key = normalise(header)
                    if key not in chosen and not any(w.field == field for w in out.get(key, [])):
                        out.setdefault(key, []).append(
                            _Word(field, column.kind, lang, 0.8, f"the {spec.label}'s name"))
    return out


def _language(keys: list[str], vocab: dict[str, list[_Word]]) -> str:
    votes: Counter[str] = Counter()
    for key in keys:
        langs = {w.lang for w in vocab.get(key, [])}
        if len(langs) == 1:
            votes[langs.pop()] += 1
    return "fr" if votes["fr"] > votes["en"] else "en"


def _decimal(values: list[object], lang: str) -> str:
    """``,`` when numbers like ``12,5`` or ``1 234,56`` outnumber ``12.5``; else by language."""
    comma = dot = 0
    for value in values:
        if not isinstance(value, str):
            continue
        text = re.sub(r"[\s\u00a0\u202f%]", "", value)
        if re.fullmatch(r"-?\d+,\d{1,2}", text) or re.fullmatch(r"-?\d{1,3}(\.\d{3})+,\d+", text):
            comma += 1
        elif re.fullmatch(r"-?\d+\.\d{1,2}", text) or re.fullmatch(r"-?\d{1,3}(,\d{3})+\.\d+",
                                                                    text):
            dot += 1
    if comma != dot:
        return "," if comma > dot else "."
    return "," if lang == "fr" else "."


def _profile(values: tuple[object, ...], ctx: Context) -> _Profile:
    n = len(values)
    unique = len({str(v).strip() for v in values}) == n
    if not n:
        return _Profile(values, "empty", unique)

    def share(test: Any) -> float:
        return sum(1 for v in values if test(v)) / n

    text = [str(v).strip() for v in values]
    parsers = cell_parsers(ctx)
    if share(lambda v: isinstance(v, str) and _URL.match(v.strip())) >= 0.8:
        return _Profile(values, "links", unique)
    if all(_LONG_ID.match(t) for t in text):
        return _Profile(values, "ids", unique)
    if share(lambda v: _is_date(v)) >= 0.8:
        return _Profile(values, "dates", unique)
    if share(lambda v: isinstance(v, str) and ":" in v
             and _parses(parsers["duration"], v)) >= 0.8:
        return _Profile(values, "durations", unique)
    if share(lambda v: _parses(parsers["count"], v)) >= 0.8:
        if share(lambda v: str(v).strip().endswith("%")) >= 0.5:
            return _Profile(values, "rates", unique)
        parsed = [parsers["count"](v) for v in values if _parses(parsers["count"], v)]
        whole = all(isinstance(p, float) and p.is_integer() for p in parsed)
        return _Profile(values, "counts" if whole else "numbers", unique)
    if sum(len(t.split()) >= 3 or len(t) > 40 for t in text) / n >= 0.5:
        return _Profile(values, "captions", unique)
    if all(_TOKEN.match(t) for t in text) and unique:
        return _Profile(values, "ids", unique)
    return _Profile(values, "text", unique)


def _is_date(value: object) -> bool:
    if isinstance(value, datetime | date):
        return True
    if not isinstance(value, str) or not re.search(r"\d{4}", value):
        return False
    for dayfirst in (False, True):
        try:
            if dates.parse_datetime(value, dayfirst=dayfirst) is not None:
                return True
        except ValueError:
            continue
    return False


def _parses(parse: Any, value: object) -> bool:
    try:
        parsed = parse(value)
    except ValueError:
        return False
    return not (isinstance(parsed, float) and parsed < 0)


_LOOKS = {"links": "links", "ids": "ids", "dates": "dates", "durations": "durations",
          "rates": "rates", "counts": "whole numbers", "numbers": "numbers",
          "captions": "sentences", "text": "short text", "empty": "empty in the sample"}


def _guess(header: str, words: list[_Word], profile: _Profile, ctx: Context) -> Guess | str:
    """The column's guess, or why it is left out."""
    looks = _LOOKS[profile.looks]
    if not words:
        if profile.looks == "links":
            return Guess("url", header, "url", 0.7, f"no known name, but its values are {looks}")
        if profile.looks == "dates":
            return Guess("date", header, "date", 0.5, f"no known name, but its values are {looks}")
        if profile.looks in ("counts", "numbers", "rates", "durations"):
            return (f"{looks}, but the name is no metric coulisses knows: add it under metrics "
                    "with a metric name to import it")
        return f"{looks}; the name says nothing coulisses imports"
    word = max(words, key=lambda w: (w.weight, -words.index(w)))
    fields = {w.field for w in words}
    weight = word.weight if len(fields) == 1 else word.weight - 0.2
    named = f'"{header}" is {word.origin}'
    if len(fields) > 1:
        named += f" (also used for {', '.join(sorted(fields - {word.field}))})"
    if word.field in NOT_IMPORTED:
        return f"{NOT_IMPORTED[word.field]}: a mapping file does not import it"
    if word.field == "post":
        role = {"links": ("url", "url", 0.9), "ids": ("post_id", "id", 0.85),
                "counts": ("post_id", "id", 0.6), "captions": ("caption", "text", 0.8),
                "text": ("caption", "text", 0.6)}.get(profile.looks)
        if role is None:
            return f"named like the post, but its values are {looks}"
        return Guess(role[0], header, role[1], role[2], f'"{header}" names the post and its '
                     f"values are {looks}")
    if word.field in ("date", "day", "published_at"):
        if profile.looks not in ("dates", "empty"):
            return f"named like a date, but its values are {looks}"
        return Guess(word.field, header, word.kind, weight, f"{named}; values are dates")
    if word.field in ("post_id", "url", "caption"):
        if word.field == "url" and profile.looks not in ("links", "empty"):
            return f"named like a link, but its values are {looks}"
        return Guess(word.field, header, word.kind, weight, named)
    kind = _metric_kind(word.kind, profile)
    if kind is None:
        return f"named like {word.field}, but its values are {looks}"
    parse = cell_parsers(ctx)[kind]
    bad = [v for v in profile.values if not _parses(parse, v)]
    if bad:
        return f"named like {word.field}, but {bad[0]!r} is not a {kind.replace('_', ' ')}"
    sure = round(min(weight + (0.05 if profile.values else -0.2), 1.0), 2)
    return Guess(word.field, header, kind, sure, f"{named}; values are {looks}")


def _metric_kind(kind: str, profile: _Profile) -> str | None:
    looks = profile.looks
    if kind not in METRIC_KINDS:
        return None
    if looks in ("links", "dates", "captions", "text"):
        return None
    if kind in ("count", "adjusted_count") and looks == "durations":
        return "duration"
    if kind in ("count", "adjusted_count") and looks == "rates":
        return None
    if kind == "fraction" and looks in ("counts", "numbers") and any(
            _over_one(v) for v in profile.values):
        return "percent"  # 4.5 in an "Engagement rate" column means 4.5 %
    return kind


def _over_one(value: object) -> bool:
    try:
        parsed = numbers.parse_number(value, decimal=".")
    except ValueError:
        return False
    return parsed is not None and parsed > 1.0


def _place_dates(guesses: list[Guess], profiles: dict[int, _Profile],
                 columns: list[tuple[int, str]], notes: list[str]) -> list[Guess]:
    """A plain ``Date`` column is the publication date when each post has one row, the day of
    the row's numbers when a post comes back on several rows or there is no post column."""
    index = {h: i for i, h in columns}
    key = next((g for g in guesses if g.field in ("post_id", "url")), None)
    out = []
    for guess in guesses:
        if guess.field != "date":
            out.append(guess)
            continue
        if key is None:
            field, why = "day", "no post column: each row is the account's numbers for that day"
        elif profiles[index[key.column]].unique:
            field, why = "published_at", (f"one row per post in {key.column!r}: the day it "
                                          "was posted")
        else:
            field, why = "day", f"posts come back on several rows of {key.column!r}: daily numbers"
        kind = "datetime" if field == "published_at" else "date"
        out.append(Guess(field, guess.column, kind, min(guess.confidence, 0.8),
                         f"{guess.why}; {why}"))
    return out


def _resolve(guesses: list[Guess], notes: list[str]) -> tuple[list[Guess], list[Unmapped]]:
    """One column per field: the surest, the first on a tie (noted, and no longer sure)."""
    kept: dict[str, Guess] = {}
    losers: list[Unmapped] = []
    for guess in guesses:
        held = kept.get(guess.field)
        if held is None:
            kept[guess.field] = guess
            continue
        winner, loser = (guess, held) if guess.confidence > held.confidence else (held, guess)
        if guess.confidence == held.confidence:
            notes.append(f"{held.column!r} and {guess.column!r} both look like {guess.field}: "
                         f"kept {held.column!r}")
            winner = Guess(held.field, held.column, held.kind, min(held.confidence, 0.5),
                           f"{held.why}; {guess.column!r} looks the same")
        kept[guess.field] = winner
        losers.append(Unmapped(loser.column, f"also looks like {guess.field}; "
                                             f"{winner.column!r} is used"))
    return list(kept.values()), losers


def _date_format(guesses: list[Guess], profiles: dict[int, _Profile],
                 columns: list[tuple[int, str]], decimal: str, notes: list[str]) -> str | None:
    """A strptime format when the dates' order (day or month first) is not the one the
    decimal mark implies (``,``: day first)."""
    index = {h: i for i, h in columns}
    formats: set[str] = set()
    dayfirst: bool | None = None
    for guess in guesses:
        if guess.field not in ("published_at", "day"):
            continue
        for value in profiles[index[guess.column]].values:
            m = _SLASH_DATE.match(str(value).strip()) if isinstance(value, str) else None
            if m is None:
                continue
            first, second = int(m[1]), int(m[3])
            if first > 12 >= second:
                dayfirst = True
            elif second > 12 >= first:
                dayfirst = False
            clock = "" if not m[5] else " %H:%M:%S" if m[6] else " %H:%M"
            formats.add(f"{m[2]}{clock}")
    if not formats:
        return None
    implied = decimal == ","
    if dayfirst is None:
        notes.append("dates like 03/04/2026 could be day or month first: read "
                     + ("day first (French conventions)" if implied else "month first")
                     + "; set date_format if that is wrong")
        return None
    if dayfirst == implied:
        return None
    if len(formats) > 1:
        notes.append("the dates are written several ways: set date_format by hand")
        return None
    sep, clock = next(iter(formats))[0], next(iter(formats))[1:]
    order = ("%d", "%m") if dayfirst else ("%m", "%d")
    return f"{order[0]}{sep}{order[1]}{sep}%Y{clock}"


def _platform(guesses: list[Guess], profiles: dict[int, _Profile],
              columns: list[tuple[int, str]], name: str) -> tuple[str, str]:
    index = {h: i for i, h in columns}
    link = next((g for g in guesses if g.field == "url"), None)
    if link is not None:
        found: Counter[str] = Counter()
        for value in profiles[index[link.column]].values:
            text = str(value).casefold()
            for host, platform in HOSTS:
                if f"{host}/" in text or f".{host}" in text or f"//{host}" in text:
                    found[platform] += 1
                    break
        if found:
            platform = found.most_common(1)[0][0]
            return platform, f"the links in {link.column!r} are {platform} posts"
    lowered = name.casefold()
    for hint, platform in NAME_HINTS:
        if hint in lowered:
            return platform, f"the file's name says {hint}"
    return "other", "nothing in the file says which platform: set it"
