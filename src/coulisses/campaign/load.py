"""Read a campaign file: size limit, safe YAML, version upgrades, validation, links.

``load_campaign(path)`` and ``loads_campaign(text, path)`` return a ``Campaign`` whose
``where(loc)`` answers line and column; every problem is a located ``CampaignError``, and when
there are several the first is raised with all of them on ``.errors``.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from coulisses.campaign.positions import SourceMap, compose
from coulisses.campaign.refs import check_refs, suggest
from coulisses.campaign.schema import CLOCK_PATTERN, SLUG_PATTERN, Campaign
from coulisses.errors import CampaignError

MAX_BYTES = 1024 * 1024
CURRENT_VERSION = 1

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]
#: ``UPGRADES[n]`` turns a version-n file's data into version n+1 (only version 1 exists yet).
UPGRADES: dict[int, Upgrade] = {}


def load_campaign(path: Path | str, *, platform_ids: Collection[str] | None = None) -> Campaign:
    """Read and validate the campaign file at ``path``.

    ``platform_ids``: known platform ids; None loads the built-in registry's.

    Raises:
        CampaignError: unreadable, too large, malformed, invalid or with broken links; located
            by line and column, with every problem on ``.errors``.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _too_large(path, size)
        raw = path.read_bytes()
    except OSError as exc:
        raise CampaignError(f"cannot read the campaign file: {exc.strerror or exc}", path=path,
                            hint="check the path") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise CampaignError("the file is not UTF-8 text", path=path, line=line,
                            hint="save it as UTF-8") from None
    return loads_campaign(text, path, platform_ids=platform_ids)


def loads_campaign(text: str, path: Path | str | None = None, *,
                   platform_ids: Collection[str] | None = None) -> Campaign:
    """Validate campaign YAML ``text``; ``path`` only names it in errors.

    Raises:
        CampaignError: as ``load_campaign``.
    """
    where = Path(path) if path is not None else None
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise _too_large(where, size)
    data, source = compose(text.lstrip("\ufeff"), where)
    if not isinstance(data, dict):
        raise source.error("a campaign file is a mapping of keys (version, id, name, ...)", (),
                           hint="start from `coulisses campaign new FILE`")
    data = upgrade(data, source)
    try:
        campaign = Campaign.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # a list that fails on its items also reports "too short": keep only the items' errors
        errors = [e for e in errors if not (e["type"] == "too_short" and any(
            o is not e and tuple(o["loc"])[:len(e["loc"])] == tuple(e["loc"]) for o in errors))]
        problems = [_located(err, source) for err in errors]
        raise _together(problems) from None
    campaign._source = source
    if platform_ids is None:
        platform_ids = _builtin_platform_ids()
    problems = check_refs(campaign, platform_ids)
    if problems:
        raise _together(problems)
    return campaign


def upgrade(data: dict[str, Any], source: SourceMap) -> dict[str, Any]:
    """Bring ``data`` to the current version through the registered upgrades.

    Raises:
        CampaignError: no version, an unknown one, or one newer than this coulisses.
    """
    if "version" not in data:
        raise source.error("the file has no `version`", (),
                           hint=f"add `version: {CURRENT_VERSION}` as the first line")
    version = data["version"]
    if not isinstance(version, int) or isinstance(version, bool):
        raise source.error(f"version {version!r} is not a number", ("version",),
                           hint=f"write `version: {CURRENT_VERSION}`")
    if version > CURRENT_VERSION:
        raise source.error(f"version {version} is newer than this coulisses reads "
                           f"({CURRENT_VERSION})", ("version",), hint="upgrade coulisses")
    while version < CURRENT_VERSION:
        step = UPGRADES.get(version)
        if step is None:
            raise source.error(f"version {version} is not a campaign file version",
                               ("version",), hint=f"write `version: {CURRENT_VERSION}`")
        data = step(dict(data))
        version += 1
        data["version"] = version
    return data


def _builtin_platform_ids() -> set[str]:
    from coulisses.platforms.registry import builtin_dir, load_dir

    return set(load_dir(builtin_dir()))


def _too_large(path: Path | None, size: int) -> CampaignError:
    return CampaignError(f"the file is {size / 1e6:.1f} MB; a campaign file is at most "
                         f"{MAX_BYTES // 1024} KiB", path=path,
                         hint="split notes and media out of the campaign file")


def _together(problems: list[CampaignError]) -> CampaignError:
    first = problems[0]
    message = first.message
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})"
    error = CampaignError(message, path=first.path, line=first.line, column=first.column,
                          hint=first.hint, errors=problems)
    return error


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def _located(err: ErrorDetails, source: SourceMap) -> CampaignError:
    loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
    loc = _clean(loc)
    kind = err["type"]
    ctx = err.get("ctx") or {}
    given = err.get("input")
    hint: str | None = None
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        message = f"unknown key {loc[-1]!r} in {_dotted(loc[:-1])}"
        close = suggest(str(loc[-1]), allowed) if allowed else None
        listed = "allowed: " + ", ".join(allowed)
        hint = f"{close} {listed}" if close and close.startswith("did") else listed
        if " " in str(loc[-1]) and given is None:
            hint = "inside { }, quote text that contains a comma"
    elif kind == "missing":
        message = f"{_dotted(loc[:-1])} needs `{loc[-1]}`"
        desc = _description_at(loc)
        hint = f"{loc[-1]}: {desc}" if desc else None
    elif kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",")]
        message = f"{_dotted(loc)}: {given!r} is not one of {expected}"
        hint = suggest(str(given), options)
    elif kind.startswith("date") or kind.startswith("datetime"):
        message = f"{_dotted(loc)}: {given!r} is not a date that exists"
        hint = "write dates as YYYY-MM-DD, e.g. 2026-03-14"
    elif kind == "string_pattern_mismatch" and ctx.get("pattern") == SLUG_PATTERN:
        message = f"{_dotted(loc)}: {given!r} is not a valid id"
        hint = "ids use lower-case letters, digits and dashes, e.g. 'casting-day-1'"
    elif kind == "string_pattern_mismatch" and ctx.get("pattern") == CLOCK_PATTERN:
        message = f"{_dotted(loc)}: {given!r} is not a time of day"
        hint = "write times as HH:MM on 24 hours, e.g. \"18:30\""
    else:
        message = f"{_dotted(loc)}: {err['msg'][0].lower() + err['msg'][1:]}"
        if kind.endswith("_type") and given is not None:
            message += f", not {type(given).__name__} {_short(given)}"
        # our own validators put their hint in the error's context
        hint = str(ctx["hint"]) if ctx.get("hint") else _description_at(loc)
    return source.error(message, loc, hint=hint)


def _clean(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Drop pydantic's internal steps (function names, union branches) from a location."""
    return tuple(p for p in loc if not (isinstance(p, str) and (
        "[" in p or p.startswith("function-"))))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _model_at(loc: tuple[str | int, ...]) -> tuple[type[BaseModel] | None, str | None]:
    """The model that holds ``loc`` (ints skipped) and the field name at its end."""
    model: type[BaseModel] | None = Campaign
    name: str | None = None
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None, None
        name = part
        model = _inner_model(info.annotation)
    return model, name


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (tuple, list, typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def _fields_at(loc: tuple[str | int, ...]) -> list[str]:
    model, _ = _model_at(loc)
    return list(model.model_fields) if model is not None else []


def _description_at(loc: tuple[str | int, ...]) -> str | None:
    while loc and isinstance(loc[-1], int):
        loc = loc[:-1]
    if not loc:
        return None
    parent, _ = _model_at(loc[:-1])
    last = loc[-1]
    if parent is None or not isinstance(last, str):
        return None
    info = parent.model_fields.get(last)
    return info.description if info is not None else None
