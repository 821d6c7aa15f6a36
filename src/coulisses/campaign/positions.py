"""Safe YAML reading that remembers where every key and item was written.

``compose(text, path)`` parses with a ``yaml.SafeLoader`` that refuses non-standard tags and
alias bombs, and returns plain data plus a ``SourceMap`` from paths like
``("bts", 3, "beats", 0)`` to 1-based (line, column).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from coulisses.errors import CampaignError

Loc = Sequence[str | int]

MAX_ALIASES = 50          # anchors are fine for a few shared values, never for a bomb
MAX_VALUES = 200_000      # values built after expanding aliases
MAX_DEPTH = 64            # nesting of mappings and sequences

_STANDARD = {f"tag:yaml.org,2002:{t}" for t in
             ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


@dataclass(frozen=True)
class SourceMap:
    """Positions of values in a campaign file: 1-based line and column per path."""

    path: Path | None
    positions: dict[tuple[str | int, ...], tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Loc) -> tuple[int, int] | None:
        """(line, column) of ``loc``, or of its nearest parent written in the file."""
        key = tuple(loc)
        while key:
            found = self.positions.get(key)
            if found is not None:
                return found
            key = key[:-1]
        return self.positions.get((), None)

    def error(self, message: str, loc: Loc, *, hint: str | None = None) -> CampaignError:
        """A ``CampaignError`` located at ``loc``."""
        line, column = self.where(loc) or (None, None)
        return CampaignError(message, path=self.path, line=line, column=column, hint=hint)


class _Loader(yaml.SafeLoader):
    """SafeLoader that counts aliases and nesting while composing the node tree."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _Refused(f"more than {MAX_ALIASES} aliases (*name)", mark,
                               "write the values out; anchors are limited to stop alias bombs")
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep",
                               self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                               "a campaign file is never this deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Refused(Exception):
    def __init__(self, message: str, mark: yaml.Mark | None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.hint = hint


class _Builder:
    """Turns a node tree into plain data, recording the position of each key and item."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.positions: dict[tuple[str | int, ...], tuple[int, int]] = {}
        self.count = 0
        self.active: set[int] = set()

    def build(self, node: Node, loc: tuple[str | int, ...]) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _Refused(f"more than {MAX_VALUES} values once aliases are expanded",
                           node.start_mark, "anchors and aliases are limited to stop alias bombs")
        if node.tag not in _STANDARD:
            raise _Refused(f"tag {node.tag!r} is not allowed", node.start_mark,
                           "a campaign file holds plain text, numbers, dates, lists and "
                           "mappings; remove the !tag")
        if id(node) in self.active:
            raise _Refused("an alias refers to its own parent", node.start_mark,
                           "recursive anchors are not allowed")
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                items = []
                for i, child in enumerate(node.value):
                    self.positions.setdefault((*loc, i), _pos(child.start_mark))
                    items.append(self.build(child, (*loc, i)))
                return items
            assert isinstance(node, MappingNode)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Refused("merge keys (<<) are not allowed", key_node.start_mark,
                                   "write the keys out")
                if not isinstance(key_node, ScalarNode):
                    raise _Refused("a key must be plain text", key_node.start_mark)
                key = self._scalar(key_node)
                if not isinstance(key, str | int):
                    key = str(key_node.value)
                if key in out:
                    raise _Refused(f"key {key!r} appears twice in this mapping",
                                   key_node.start_mark, "keep one of them")
                self.positions.setdefault((*loc, key), _pos(key_node.start_mark))
                out[key] = self.build(value_node, (*loc, key))
            return out
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: ScalarNode) -> Any:
        tag, raw = node.tag, node.value
        if tag.endswith(":timestamp"):
            return raw  # pydantic parses dates, and says where when a date does not exist
        if tag.endswith((":int", ":float")) and ":" in raw:
            return raw  # YAML 1.1 base-60 (10:30 -> 630): keep times as text
        if tag.endswith(":bool") and raw.lower() not in ("true", "false"):
            return raw  # yes/no/on/off stay words (language: no is Norwegian)
        return self.loader.construct_object(node, deep=True)


def _pos(mark: yaml.Mark | None) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def compose(text: str, path: Path | None) -> tuple[Any, SourceMap]:
    """Parse one YAML document safely; return its data and where each value was written.

    Raises:
        CampaignError: malformed YAML, several documents, a non-standard tag, an alias bomb,
            a duplicate key or nesting too deep, located by line and column.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise CampaignError("the file is empty", path=path, line=1, column=1,
                                hint="start from `coulisses campaign new FILE`")
        builder = _Builder(loader)
        builder.positions[()] = _pos(node.start_mark)
        data = builder.build(node, ())
    except _Refused as exc:
        line, column = _pos(exc.mark)
        raise CampaignError(exc.message, path=path, line=line, column=column,
                            hint=exc.hint) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _pos(mark)
        problem = exc.problem or exc.context or "cannot be read as YAML"
        raise CampaignError(f"malformed YAML: {problem}", path=path, line=line, column=column,
                            hint=_yaml_hint(problem)) from None
    except yaml.YAMLError as exc:
        raise CampaignError(f"malformed YAML: {exc}", path=path) from None
    except RecursionError:
        raise CampaignError("the file is nested too deeply", path=path) from None
    finally:
        loader.dispose()
    return data, SourceMap(path, builder.positions)


def _yaml_hint(problem: str) -> str | None:
    if "tab" in problem or "'\\t'" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "quote text that contains ': ' or fix the indentation"
    if "expected <block end>" in problem or "indentation" in problem:
        return "check the indentation of this line and the one above"
    if "found character" in problem:
        return "quote the value"
    return None
