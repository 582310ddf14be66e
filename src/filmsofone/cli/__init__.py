"""The `filmsofone` command line: typer, one module per command group.

Every command is a thin wrapper over a library function. A `UserError` prints one line and exits 2;
`--verbose` adds the traceback.
"""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from ..errors import UserError
from .app import app
from .context import err_console, state

__all__ = ["app", "main"]

def _register_commands() -> None:
    from . import adapt, books, cast, demo, export, generate, keyframes, plan, watch  # noqa: F401  (each registers on `app`)
    from . import audition  # noqa: F401  (cast audition / cast pick, on `cast_app`)
    from . import sound  # noqa: F401  (voice, and cast voice on `cast_app`)
    from . import speakers  # noqa: F401  (unsure lines and speaker fixes)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `filmsofone` console script."""
    _register_commands()
    try:
        code = app(args=argv, standalone_mode=False)
    except UserError as exc:
        _fail(exc)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        err_console.print("interrupted; finished work is kept, run the command again to resume")
        sys.exit(130)
    except Exception as exc:  # click's usage errors and real bugs
        _handle_other(exc)
    else:
        if isinstance(code, int) and code != 0:
            sys.exit(code)


def _fail(exc: UserError) -> None:
    if state.verbose:
        err_console.print_exception()
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    sys.exit(exc.exit_code)


def _handle_other(exc: Exception) -> None:
    """Usage errors (typer vendors click, so match by shape) exit 2; real bugs exit 1."""
    if isinstance(exc, typer.Abort):
        err_console.print("aborted")
        sys.exit(1)
    if isinstance(exc, typer.Exit):
        sys.exit(exc.exit_code)
    if hasattr(exc, "format_message"):
        hint = " (see --help)" if getattr(exc, "exit_code", 1) == 2 else ""
        err_console.print(f"[bold red]error:[/] {escape(exc.format_message())}{hint}", highlight=False,
                          soft_wrap=True)
        sys.exit(getattr(exc, "exit_code", 2))
    if state.verbose:
        raise exc
    err_console.print(f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))} "
                      "(run with --verbose for details)",
                      highlight=False, soft_wrap=True)
    sys.exit(1)
