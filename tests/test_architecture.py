"""The floors of ``src/coulisses`` hold: no string imports of the project's own modules, no
import from a lower floor into a higher one, and every ``coulisses.*`` import names a module
that exists in this tree.

The floors are data (``FLOORS``, drawn in ``docs/architecture.md``): a module may import its
own floor and the floors below, never one above, and never across a pair in ``APART``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "coulisses"

#: each top-level module or package of coulisses and its floor (0 is the ground)
FLOORS: dict[str, int] = {
    "errors": 0,
    "settings": 1, "timecode": 1, "output": 1, "i18n": 1, "spreadsheet": 1, "installed": 1,
    "executor": 1,  # many jobs on a process pool or Ray: triage, analyze, deliverables
    "media": 2, "platforms": 2,
    "analysis": 3,
    "campaign": 4, "render": 4,
    "kpi": 5,
    "__init__": 6, "demo": 6, "studio": 6,  # the public face, the demo, the studio's domain
    "publish": 6,  # publishing: its queue lives in the studio database
    "backstage": 6,  # the public backstage page, polls and comments: studio tables
    "challenges": 6,  # calls for entries: intake, consent, triage, shortlist, jury: studio tables
    "cli": 7, "web": 7,  # the surfaces
}
#: pairs on one floor that must not import each other (importer, imported)
APART: frozenset[tuple[str, str]] = frozenset({
    ("campaign", "render"), ("render", "campaign"),  # campaign plans, render cuts
    ("web", "cli"),  # the studio never runs the command line
})
#: names any floor may take from the package root (metadata, not code)
ROOT_NAMES = frozenset({"__version__"})


def _modules() -> dict[str, Path]:
    """Dotted name of every module of the tree."""
    found = {}
    for path in SRC.rglob("*.py"):
        parts = ["coulisses", *path.relative_to(SRC).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _unit(module: str) -> str:
    """The top-level unit a dotted name belongs to (``__init__`` for the package root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(tree: ast.AST) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """(line, module, names) of every absolute import of ``coulisses``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                node.module == "coulisses" or node.module.startswith("coulisses.")):
            yield node.lineno, node.module, tuple(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "coulisses" or alias.name.startswith("coulisses."):
                    yield node.lineno, alias.name, ()


def _literal_start(node: ast.expr) -> str:
    """The text a string expression starts with, as far as it is written in the source."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        return _literal_start(node.values[0]) if isinstance(node.values[0], ast.Constant) else ""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_start(node.left)
    return ""


def string_imports(tree: ast.AST) -> list[int]:
    """Lines that import a ``coulisses`` module by a string: ``importlib.import_module(...)``
    or ``__import__(...)``."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else (
            func.id if isinstance(func, ast.Name) else "")
        if name in ("import_module", "__import__") and \
                _literal_start(node.args[0]).startswith("coulisses"):
            lines.append(node.lineno)
    return lines


def floor_violations(tree: ast.AST, importer: str) -> list[str]:
    """``line: importer -> imported`` for each import ``importer`` (a unit of ``FLOORS``) may
    not make."""
    found = []
    for line, module, names in _imports(tree):
        targets = [module]
        if module == "coulisses":  # ``from coulisses import output``: the names are modules
            targets = [f"coulisses.{n}" for n in names if n not in ROOT_NAMES]
        for target in targets:
            unit = _unit(target)
            if unit == importer or unit not in FLOORS:
                continue
            if FLOORS[unit] > FLOORS[importer] or (importer, unit) in APART:
                found.append(f"{line}: {importer} -> {target}")
    return found


def _sources() -> list[tuple[str, Path]]:
    return sorted(_modules().items())


def test_every_unit_has_a_floor() -> None:
    units = {_unit(name) for name in _modules()}
    assert units == set(FLOORS), "give the new module or package a floor in FLOORS and draw " \
                                 "it in docs/architecture.md"


@pytest.mark.parametrize(("name", "path"), _sources(), ids=[n for n, _ in _sources()])
def test_no_string_import_and_no_import_upstairs(name: str, path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    assert string_imports(tree) == [], f"{path}: import coulisses modules with import statements"
    assert floor_violations(tree, _unit(name)) == []


def test_every_coulisses_import_names_a_module_of_this_tree() -> None:
    """A stale import (a module moved or removed) fails here, even where another install of
    coulisses on the path would let it import."""
    modules = _modules()
    missing = []
    for name, path in modules.items():
        for line, module, names in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module not in modules:
                missing.append(f"{name}:{line}: {module}")
                continue
            package = modules[module]
            if package.name != "__init__.py":
                continue
            text = package.read_text(encoding="utf-8")
            for n in names:  # a submodule, or a name the package itself defines
                if f"{module}.{n}" not in modules and n != "*" and n not in text:
                    missing.append(f"{name}:{line}: {module}.{n}")
    assert missing == []


def test_the_checks_catch_what_they_are_for() -> None:
    sample = ast.parse(
        "import importlib\n"
        "from coulisses.render.plan import build_plan\n"
        "from coulisses import web, __version__\n"
        "importlib.import_module('coulisses.cli.cut')\n"
        "importlib.import_module(f'coulisses.analysis.{name}')\n"
        "__import__('coulisses.' + name)\n"
        "importlib.import_module('yaml')\n")
    assert string_imports(sample) == [4, 5, 6]
    assert floor_violations(sample, "analysis") == [
        "2: analysis -> coulisses.render.plan", "3: analysis -> coulisses.web"]
    assert floor_violations(sample, "campaign") == [
        "2: campaign -> coulisses.render.plan", "3: campaign -> coulisses.web"]
    assert floor_violations(sample, "studio") == ["3: studio -> coulisses.web"]
    assert floor_violations(sample, "cli") == []
