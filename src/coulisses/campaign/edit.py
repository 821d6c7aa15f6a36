"""Edit a campaign file as forms do, keeping the file the source of truth: change, add or
remove one item of a list (a beat, an episode, a BTS item, a person, a shoot day, a platform,
a KPI) and get the file's new text back.

The file is read with ruamel.yaml's round trip. Only the top-level sections the edit changed
are written again (with their comments); every other line of the file is kept byte for byte,
so an edit never reflows the rest of the file nor loses a comment. Pure: text in, text out;
the caller validates the result with ``load.loads_campaign`` before saving it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, get_args

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from coulisses.campaign import schema
from coulisses.errors import CampaignError, UsageError

Kind = Literal["text", "slug", "list", "int", "number", "bool", "date", "time", "choice"]
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Field:
    """One form field: the item's key, how its value is read, the choices of a ``choice``."""

    key: str
    kind: Kind = "text"
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A list of the file edited as forms: where its lists are (``within`` names the chains
    of lists whose items each hold one, e.g. the episodes of each series, the deliverables
    of each series' episodes and of each BTS item) and the fields of an item."""

    name: str
    key: str
    fields: tuple[Field, ...]
    within: tuple[tuple[str, ...], ...] = ()  # none: a top-level list under ``key``


_CONSENT: tuple[str, ...] = get_args(schema.Consent)

SECTIONS: dict[str, Section] = {s.name: s for s in (
    Section("beats", "beats", (Field("id", "slug"), Field("title"), Field("summary"),
                               Field("after", "list"))),
    Section("episodes", "episodes", (
        Field("id", "slug"), Field("number", "int"), Field("title"), Field("beats", "list"),
        Field("duration_s", "number"), Field("shoot_day", "slug"), Field("people", "list")),
        within=(("series",),)),
    Section("bts", "bts", (
        Field("id", "slug"), Field("title"), Field("capture"),
        Field("kind", "choice", get_args(schema.BtsKind)),
        Field("style", "choice", get_args(schema.CaptureStyle)),
        Field("beats", "list"), Field("shoot_day", "slug"), Field("people", "list"))),
    Section("people", "people", (
        Field("id", "slug"), Field("name"), Field("role", "choice", get_args(schema.Role)),
        Field("minor", "bool"), Field("consent", "choice", _CONSENT))),
    Section("shoot_days", "shoot_days", (
        Field("id", "slug"), Field("date", "date"), Field("location", "slug"),
        Field("call", "time"), Field("wrap", "time"), Field("notes"))),
    Section("platforms", "platforms", (
        Field("platform", "slug"), Field("tone"), Field("publish_time", "time"))),
    Section("kpis", "kpis", (
        Field("id", "slug"), Field("metric", "slug"),
        Field("comparator", "choice", get_args(schema.Comparator)), Field("target", "number"),
        Field("unit", "slug"), Field("scope", "choice", get_args(schema.KpiScope)),
        Field("platform", "slug"), Field("by", "date")), within=(("objectives",),)),
    Section("deliverables", "deliverables", (
        Field("id", "slug"), Field("platform", "slug"), Field("format", "slug"),
        Field("duration_s", "number"), Field("publish", "date"), Field("publish_time", "time"),
        Field("due", "date"), Field("status", "choice", get_args(schema.Status)),
        Field("caption")), within=(("series", "episodes"), ("bts",))),
)}


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # a changed flow item stays on its line rather than wrapping oddly
    return y


def _indents(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) as the file writes them: ``  - x`` under a key, or ``- x``."""
    for line in text.splitlines():
        if re.match(r"^- ", line):
            return 2, 2, 0
        if re.match(r"^  - ", line):
            return 2, 4, 2
    return 2, 4, 2


def parse(text: str) -> CommentedMap:
    """The file as a round-trip tree.

    Raises:
        CampaignError: not YAML, or not a mapping.
    """
    try:
        doc = _yaml().load(text.lstrip("\ufeff"))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CampaignError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                            line=mark.line + 1 if mark else None,
                            column=mark.column + 1 if mark else None) from None
    if not isinstance(doc, CommentedMap):
        raise CampaignError("a campaign file is a mapping of keys (version, id, name, ...)")
    return doc


def lists(doc: CommentedMap, section: Section) -> Iterator[tuple[Path, str, CommentedSeq]]:
    """Every list of ``section`` in the file: (path, label of its parents, the list)."""
    if not section.within:
        found = doc.get(section.key)
        yield (section.key,), "", found if isinstance(found, CommentedSeq) else CommentedSeq()
        return
    for chain in section.within:
        for path, labels, holder in _holders(doc, chain, (), ()):
            found = holder.get(section.key)
            yield ((*path, section.key), " › ".join(labels),
                   found if isinstance(found, CommentedSeq) else CommentedSeq())


def _holders(node: CommentedMap, chain: tuple[str, ...], path: Path, labels: tuple[str, ...]
             ) -> Iterator[tuple[Path, tuple[str, ...], CommentedMap]]:
    """The items at the end of ``chain`` (list keys, each inside the previous one's items)."""
    if not chain:
        yield path, labels, node
        return
    items = node.get(chain[0])
    if not isinstance(items, CommentedSeq):
        return
    for i, item in enumerate(items):
        if isinstance(item, CommentedMap):
            yield from _holders(item, chain[1:], (*path, chain[0], i),
                                (*labels, str(item.get("id", i + 1))))


def show(value: Any, kind: Kind) -> str:
    """A value as its form field shows it."""
    if value is None:
        return ""
    if kind == "list" and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if kind == "bool":
        return "1" if value else ""
    return str(value)


def _value(raw: str, field: Field) -> Any:
    """A form field's text as the YAML value; None removes the key.

    Raises:
        UsageError: a number, date or time that cannot be read.
    """
    text = (raw or "").strip()
    if field.kind == "bool":
        return True if text in ("1", "on", "true", "yes") else None
    if not text:
        return None
    if field.kind == "list":
        seq = CommentedSeq([_plain(p.strip()) for p in text.split(",") if p.strip()])
        seq.fa.set_flow_style()
        return seq
    try:
        if field.kind == "int":
            return int(text)
        if field.kind == "number":
            number = float(text.replace(",", "."))
            return int(number) if number.is_integer() else number
        if field.kind == "date":
            return dt.date.fromisoformat(text)
    except ValueError:
        if field.kind == "date":
            raise UsageError(f"{field.key}: {text[:40]!r} is not a date (YYYY-MM-DD)") from None
        raise UsageError(f"{field.key}: {text[:40]!r} is not a number") from None
    if field.kind == "time" and not re.fullmatch(r"\d{1,2}:\d{2}", text):
        raise UsageError(f"{field.key}: {text[:40]!r} is not a time (HH:MM)")
    return _plain(text)


def _plain(text: str) -> Any:
    """A string that the campaign loader (PyYAML, YAML 1.1) reads back as this same string:
    quoted when it would read as something else (``18:00``, ``yes``, ``1e3``, ``[x]``)."""
    try:
        same = pyyaml.safe_load(text) == text
    except pyyaml.YAMLError:
        same = False
    if same and not re.search(r"[:#,\[\]{}]|^[-?!&*|>'\"%@`]", text):
        return text
    return DoubleQuotedScalarString(text)


def _target(doc: CommentedMap, path: Path, create: bool) -> CommentedSeq:
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    key = path[-1]
    found = node.get(key) if isinstance(node, CommentedMap) else None
    if not isinstance(found, CommentedSeq):
        if not create:
            raise UsageError(f"no list at {'.'.join(map(str, path))}")
        found = CommentedSeq()
        node[key] = found
    return found


def _fill(item: CommentedMap, section: Section, values: dict[str, str]) -> None:
    for field in section.fields:
        if field.key not in values:
            continue
        value = _value(values[field.key], field)
        if value is None:
            item.pop(field.key, None)
        elif show(item.get(field.key), field.kind) != show(value, field.kind) or (
                field.key not in item):
            item[field.key] = value


def edit(text: str, section_name: str, op: Literal["save", "add", "remove"], path: Path,
         index: int | None = None, values: dict[str, str] | None = None) -> str:
    """The file's text after one form edit of ``section_name``'s list at ``path``: ``save``
    item ``index`` with ``values``, ``add`` an item, ``remove`` item ``index``.

    Raises:
        UsageError: an unknown section, a list or item that is not there, a bad value.
        CampaignError: the file is not YAML.
    """
    section = SECTIONS.get(section_name)
    if section is None:
        raise UsageError(f"no form for {section_name[:40]!r}", hint=", ".join(SECTIONS))
    doc = parse(text)
    if path not in {p for p, _, _ in lists(doc, section)}:
        raise UsageError(f"no {section.name} list at {'.'.join(map(str, path))}")
    seq = _target(doc, path, create=op == "add")
    if op == "add":
        item = CommentedMap()
        if len(seq) and not _is_block(seq[-1]):
            item.fa.set_flow_style()
        _fill(item, section, values or {})
        seq.append(item)
    else:
        if index is None or not 0 <= index < len(seq):
            raise UsageError(f"no item {index} in this list")
        if op == "remove":
            del seq[index]
        else:
            current = seq[index]
            if not isinstance(current, CommentedMap):
                raise UsageError(f"item {index} is not a mapping")
            _fill(current, section, values or {})
    return splice(text, doc)


def _is_block(node: Any) -> bool:
    return not (isinstance(node, CommentedMap) and node.fa.flow_style())


def _dump(doc: CommentedMap, indents: tuple[int, int, int]) -> str:
    y = _yaml()
    y.indent(mapping=indents[0], sequence=indents[1], offset=indents[2])
    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


def splice(original: str, new: CommentedMap) -> str:
    """``new`` written over ``original``, keeping the original lines of every part (section,
    item, key) whose content did not change; the parts that did are written by ruamel.yaml.

    Both trees are written out by ruamel.yaml and compared part by part; an unchanged part is
    taken from ``original``, a changed container is compared again one level down.

    Raises:
        CampaignError: ``original`` is not YAML.
    """
    old = parse(original)
    indents = _indents(original)
    old_dump, new_dump = _dump(old, indents), _dump(new, indents)
    if old_dump == new_dump:
        return original
    sides = [_Side(old, original.splitlines(keepends=True)),
             _Side(parse(old_dump), old_dump.splitlines(keepends=True)),
             _Side(parse(new_dump), new_dump.splitlines(keepends=True))]
    text = "".join(_merge(*[(s.node, (0, len(s.lines)), s.lines) for s in sides]))
    if _plain_data(parse(text)) != _plain_data(new):  # a merge that went wrong: write it all
        return new_dump
    return text


@dataclass(frozen=True)
class _Side:
    node: Any
    lines: list[str]


_Part = tuple[Any, tuple[int, int], list[str]]


def _children(node: Any, span: tuple[int, int]) -> list[tuple[Any, tuple[int, int]]] | None:
    """(child, lines) of a block container, None for a scalar or a flow container."""
    if isinstance(node, CommentedMap) and not node.fa.flow_style():
        starts = [(node.lc.key(k)[0], node[k]) for k in node]
    elif isinstance(node, CommentedSeq) and not node.fa.flow_style():
        starts = [(node.lc.item(i)[0], v) for i, v in enumerate(node)]
    else:
        return None
    if not starts or any(not span[0] <= line < span[1] for line, _ in starts):
        return None
    ends = [line for line, _ in starts[1:]] + [span[1]]
    return [(child, (line, end)) for (line, child), end in zip(starts, ends, strict=True)]


def _merge(orig: _Part, old: _Part, new: _Part) -> list[str]:
    """The lines of ``new``'s part, from ``orig`` wherever ``old`` (``orig`` as written by
    ruamel.yaml) and ``new`` agree."""
    def text(part: _Part, span: tuple[int, int]) -> list[str]:
        return part[2][span[0]:span[1]]

    if text(old, old[1]) == text(new, new[1]):
        return text(orig, orig[1])
    kids = [_children(part[0], part[1]) for part in (orig, old, new)]
    o_kids, d_kids, n_kids = kids
    if (o_kids is None or d_kids is None or n_kids is None or len(o_kids) != len(d_kids)
            or type(orig[0]) is not type(new[0])):
        return text(new, new[1])
    out = []
    before = [text(part, (part[1][0], k[0][1][0])) for part, k in
              ((orig, o_kids), (old, d_kids), (new, n_kids))]
    out += before[0] if before[1] == before[2] else before[2]
    d_texts = ["".join(text(old, span)) for _, span in d_kids]
    n_texts = ["".join(text(new, span)) for _, span in n_kids]
    matcher = difflib.SequenceMatcher(a=d_texts, b=n_texts, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for _, span in o_kids[i1:i2]:
                out += text(orig, span)
        elif tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                out += _merge((o_kids[i1 + k][0], o_kids[i1 + k][1], orig[2]),
                              (d_kids[i1 + k][0], d_kids[i1 + k][1], old[2]),
                              (n_kids[j1 + k][0], n_kids[j1 + k][1], new[2]))
        else:
            for _, span in n_kids[j1:j2]:
                out += text(new, span)
    return out


def _plain_data(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain_data(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain_data(v) for v in node]
    return node
