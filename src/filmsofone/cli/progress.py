"""Rich progress bars for the library's `progress(label, done, total)` callbacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..models import ProgressCallback
from .context import err_console

@contextmanager
def progress_bar() -> Iterator[ProgressCallback]:
    """Yield a callback that drives one bar per label (shown on stderr).

    Labels that share a prefix before ': ' ("analysis: reading names") share one bar, whose description
    follows the latest label.
    """
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    bars = Progress(*columns, console=err_console, transient=False)
    tasks: dict[str, int] = {}

    def update(label: str, done: int, total: int) -> None:
        key = label.split(": ", 1)[0]
        if not tasks:
            bars.start()  # drawn from the first step on: a command that ends before any writes no blank line
        if key not in tasks:
            tasks[key] = bars.add_task(label, total=max(total, 1))
        bars.update(tasks[key], description=label, completed=done, total=max(total, 1))

    try:
        yield update
    finally:
        if tasks:
            bars.stop()
