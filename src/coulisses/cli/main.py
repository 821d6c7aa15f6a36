"""The ``coulisses`` command: one Typer app, one error boundary.

Every ``CoulissesError`` becomes one line on stderr and its exit code; nothing else of the core
leaks into the terminal.
"""

from __future__ import annotations

import sys

import typer

from coulisses.errors import CoulissesError
from coulisses.i18n import text

app = typer.Typer(
    name="coulisses", no_args_is_help=True, add_completion=False,
    help="Plan, cut and check social video and its behind-the-scenes story.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"coulisses {version('coulisses')}")
        raise typer.Exit(0)


@app.callback()
def _root(
    show_version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="print the version and exit"),
) -> None:
    """Plan, cut and check social video and its behind-the-scenes story."""


_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    # imported here, not at module level: `coulisses --help` stays fast
    from coulisses.cli import (
        analysis,
        backstage,
        campaign,
        challenge,
        cut,
        demo,
        kpi,
        moments,
        plan,
        platforms,
        probe,
        publish,
        search,
        serve,
        transcribe,
    )

    # in the order ``coulisses --help`` lists them
    for module in (probe, platforms, cut, analysis, transcribe, moments, search, campaign, plan,
                   kpi, publish, backstage, challenge, serve, demo):
        module.register(app)
    _registered = True


def _lang() -> str:
    """The interface language; English when the settings cannot be read (the command then
    says why, in one line)."""
    from coulisses.settings import load_settings

    try:
        return load_settings().lang
    except CoulissesError:
        return "en"


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command and turn errors into one line and an exit code."""
    from coulisses.cli.helptext import translate

    _register()
    lang = _lang()
    command = typer.main.get_command(app)
    translate(command, lang)
    error = f"coulisses: {text(lang, 'error')}{' :' if lang == 'fr' else ':'}"
    try:
        result = command.main(args=argv, prog_name="coulisses", standalone_mode=False)
    except CoulissesError as exc:
        print(f"{error} {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print(f"coulisses: {text(lang, 'interrupted')}", file=sys.stderr)
        return 130
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        message = exc.format_message().strip()
        if not message:  # no arguments: the help was printed, nothing went wrong
            return 0
        print(f"{error} {message}", file=sys.stderr)
        return 2 if exc.exit_code == 1 else exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
