"""The `filmsofone` typer application and its global options; each command module registers on `app`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

import typer
from rich.logging import RichHandler

from .context import err_console, state

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
    _show_logs(verbose)


_log_handler: logging.Handler | None = None
RETRY_LOGGER = "filmsofone.backends.transport"


def _show_logs(verbose: bool) -> None:
    """Retry waits (a refused connection, a throttle) always go to stderr as they happen; `--verbose`
    adds the library's other messages."""
    global _log_handler
    if _log_handler is None:
        _log_handler = RichHandler(console=err_console, show_time=False, show_path=False, markup=False)
        _log_handler.addFilter(lambda record: state.verbose or record.name == RETRY_LOGGER)
        logging.getLogger("filmsofone").addHandler(_log_handler)
    _log_handler.setLevel(logging.INFO if verbose else logging.WARNING)
    if verbose:
        logging.getLogger("filmsofone").setLevel(logging.INFO)
