"""The `filmsofone` typer application and its global options; each command module registers on `app`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .context import state

app = typer.Typer(
    name="filmsofone",
    help="Personal cinema from the books you love: import a book, edit its cast bible, "
    "generate one scene at a time, watch your private film.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _global_options(
    workspace: Optional[Path] = typer.Option(
        None, "--workspace", "-w", envvar="FILMSOFONE_WORKSPACE",
        help="Workspace folder (books/, casts/, projects/). Default: the current directory.",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show details and tracebacks."),
) -> None:
    state.workspace_arg = workspace
    state.verbose = verbose
