"""Progress of the build's long steps: counts and rates on a terminal, nothing otherwise.

A step asks for a task and reports what it did::

    with progress.task("parse", total=len(files), unit="files") as advance:
        for path in files:
            ...
            advance(1)

:func:`for_stream` returns a rich display when the stream is a terminal, and
:class:`Progress` (which shows nothing) when it is not: logs, CI and tests see
only the one summary line per step that the build logs anyway.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TextIO

Advance = Callable[..., None]


class Progress:
    """Shows nothing: the progress of a build that is not watched."""

    @contextlib.contextmanager
    def task(self, description: str, total: int | None = None, unit: str = "triples") -> Iterator[Advance]:
        """Run one step's task; the yielded ``advance(n=1, **fields)`` reports progress."""
        yield lambda *_args, **_kwargs: None

    def close(self) -> None:
        """Take the display down."""


class RichProgress(Progress):
    """Bars (or a spinner where the total is unknown) with counts, rates and elapsed time."""

    def __init__(self, stream: TextIO):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Display

        self.display = Display(
            SpinnerColumn(), TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"), _RateColumn(), TimeElapsedColumn(),
            console=Console(file=stream), transient=True,
        )
        self.display.start()

    @contextlib.contextmanager
    def task(self, description: str, total: int | None = None, unit: str = "triples") -> Iterator[Advance]:
        task_id = self.display.add_task(description, total=total, unit=unit)

        def advance(n: int = 1, **fields) -> None:
            self.display.update(task_id, advance=n, **fields)

        try:
            yield advance
        finally:
            self.display.remove_task(task_id)

    def close(self) -> None:
        self.display.stop()


def _RateColumn():  # noqa: N802  (a column class, built lazily so rich loads only on a terminal)
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} {task.fields['unit']}/s" if speed else "", style="progress.data.speed")

    return RateColumn()


def for_stream(stream: TextIO) -> Progress:
    """A rich display on ``stream`` if it is a terminal, else a :class:`Progress` that shows nothing."""
    isatty = getattr(stream, "isatty", None)
    return RichProgress(stream) if isatty is not None and isatty() else Progress()
