"""The help of every command, option and argument, from the text table of ``i18n`` in the
interface language: ``coulisses --help`` reads in French when ``lang`` is ``fr``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from typer import rich_utils
from typer.core import TyperOption

from coulisses.i18n import help_text

#: Typer's own words around the help: panel titles, then the default and required marks
PANELS = {"en": ("Arguments", "Options", "Commands", "[default: {}]", "[required]"),
          "fr": ("Arguments", "Options", "Commandes", "[par défaut : {}]", "[obligatoire]")}


def param_key(path: str, param: Any) -> str:
    """``"cut --to"`` for an option (its long name), ``"cut FILE"`` for an argument."""
    if isinstance(param, TyperOption):
        name = next((o for o in param.opts if o.startswith("--")), param.opts[0])
    else:
        name = str(param.name).upper()
    return f"{path} {name}".strip()


def walk(command: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """``(key, object)`` for the command, its options and arguments, and every subcommand."""
    yield path, command
    for param in command.params:
        yield param_key(path, param), param
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, f"{path} {name}".strip())


def help_option(command: Any) -> Any:
    """The ``--help`` option of ``command`` (built once, the way the command builds it)."""
    context = command.context_class(command, help_option_names=["-h", "--help"])
    return command.get_help_option(context)


def translate(root: Any, lang: str) -> None:
    """Set the help of every command, option and argument under ``root`` from the table."""
    for key, item in walk(root):
        found = help_text(lang, key)
        if found is not None:
            item.help = found
        if hasattr(item, "get_help_option"):  # a command: its own --help too
            option = help_option(item)
            if option is not None:
                option.help = help_text(lang, "--help") or option.help
    arguments, options, commands, default, required = PANELS.get(lang, PANELS["en"])
    rich_utils.ARGUMENTS_PANEL_TITLE = arguments
    rich_utils.OPTIONS_PANEL_TITLE = options
    rich_utils.COMMANDS_PANEL_TITLE = commands
    rich_utils.DEFAULT_STRING = default
    rich_utils.REQUIRED_LONG_STRING = required

