"""A progress bar on stderr for long work, in the interface language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from coulisses.i18n import text
from coulisses.render.cut import ProgressFn


@contextmanager
def progress_bar(lang: str, enabled: bool = True) -> Iterator[ProgressFn]:
    """Yield a ``(stage, fraction)`` callback that drives one bar."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda stage, done: None
        return
    with Progress(TextColumn("{task.description:<20}"), BarColumn(), TextColumn(
            "{task.percentage:>3.0f}%"), TimeRemainingColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task(text(lang, "rendering"), total=1000)

        def update(stage: str, done: float) -> None:
            bar.update(task, description=text(lang, stage), completed=int(done * 1000))

        yield update
