"""Progress on stderr for long work, in the interface language: a bar on a terminal, or one
plain line per stage (render steps at most every 10 %) when stderr is a file or a pipe."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from coulisses.i18n import text
from coulisses.render.cut import ProgressFn

#: the stages a cut reports, in order ("analysing" is followed by the analyser's name)
STAGES = ("probing", "measuring loudness", "analysing", "correcting loudness", "rendering",
          "checking", "done")


def stage_text(lang: str, stage: str) -> str:
    """A stage key in ``lang``; ``analysing shots`` is ``analysing`` followed by the analyser."""
    head, _, rest = stage.partition(" ")
    if head == "analysing" and rest:
        return f"{text(lang, 'analysing')} {rest}"
    return text(lang, stage)


class StageLines:
    """A ``(stage, fraction)`` callback that writes one line per stage, and while rendering one
    more each time the render passes a tenth: no control characters, nothing redrawn.

    The line of a stage in ``DEFERRED`` (reading the source) waits for the next stage, so input
    refused while it is checked still gets one line on stderr: the error.
    """

    DEFERRED = ("probing",)

    def __init__(self, lang: str, stream: TextIO) -> None:
        self.lang = lang
        self.stream = stream
        self.stage: str | None = None
        self.tenth = -1
        self.pending: str | None = None

    def __call__(self, stage: str, done: float) -> None:
        tenth = max(0, min(10, int(done * 10 + 1e-9)))
        if stage == self.stage and (stage != "rendering" or tenth <= self.tenth):
            return
        self.stage, self.tenth = stage, tenth
        line = f"coulisses: {stage_text(self.lang, stage)}"
        if stage == "rendering":
            line += " " + text(self.lang, "percent", n=tenth * 10)
        if self.pending is not None:
            print(self.pending, file=self.stream)
            self.pending = None
        if stage in self.DEFERRED:
            self.pending = line
            return
        print(line, file=self.stream, flush=True)


@contextmanager
def progress_bar(lang: str, enabled: bool = True, *, lines: bool = False) -> Iterator[ProgressFn]:
    """Yield a ``(stage, fraction)`` callback that drives one bar on a terminal; elsewhere,
    plain stage lines when ``lines`` is true, nothing when it is not."""
    console = Console(stderr=True)
    if not enabled:
        yield lambda stage, done: None
        return
    if not console.is_terminal:
        yield StageLines(lang, sys.stderr) if lines else (lambda stage, done: None)
        return
    with Progress(TextColumn("{task.description:<20}"), BarColumn(), TextColumn(
            "{task.percentage:>3.0f}%"), TimeRemainingColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task(text(lang, "rendering"), total=1000)

        def update(stage: str, done: float) -> None:
            bar.update(task, description=stage_text(lang, stage), completed=int(done * 1000))

        yield update
