"""`demo`: the whole pipeline on the bundled sample book, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .. import demo as library
from .app import app
from .context import console
from .progress import progress_bar


@app.command("demo")
def demo(
    workspace: Optional[Path] = typer.Option(
        None, "--workspace", "-w", help="Where to make the demo (default: a new temporary folder)."
    ),
) -> None:
    """Import the sample novella, plan it, generate every scene offline and cut the film."""
    with progress_bar() as progress:
        film = library.run_demo(workspace, progress=progress)
    console.print("your film:", style="bold")
    print(film)
