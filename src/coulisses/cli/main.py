"""The ``coulisses`` command: one Typer app, one error boundary.

Every ``CoulissesError`` becomes one line on stderr and its exit code; nothing else of the core
leaks into the terminal.
"""

from __future__ import annotations

import sys

import typer

from coulisses.errors import CoulissesError

app = typer.Typer(
    name="coulisses", no_args_is_help=True, add_completion=False,
    help="Plan, cut and check social video and its behind-the-scenes story.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    import importlib

    for name in ("media", "platforms", "cut", "analysis", "speech", "moments", "campaign", "plan",
                 "kpi", "serve", "demo", "publish"):
        try:
            module = importlib.import_module(f"coulisses.cli.{name}")
        except ModuleNotFoundError as exc:  # a command group still being built
            if exc.name != f"coulisses.cli.{name}":
                raise
            continue
        module.register(app)
    _registered = True


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command and turn errors into one line and an exit code."""
    _register()
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="coulisses", standalone_mode=False)
    except CoulissesError as exc:
        print(f"coulisses: error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print("coulisses: interrupted: nothing unfinished was kept", file=sys.stderr)
        return 130
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        message = exc.format_message().strip()
        if not message:  # no arguments: the help was printed, nothing went wrong
            return 0
        print(f"coulisses: error: {message}", file=sys.stderr)
        return 2 if exc.exit_code == 1 else exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
