"""State shared by the commands of one invocation: the workspace and verbosity."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from ..workspace import Workspace


@dataclass
class State:
    workspace_arg: Path | None = None
    verbose: bool = False


state = State()
console = Console()
err_console = Console(stderr=True)


def workspace(override: Path | None = None) -> Workspace:
    """The workspace of this invocation (a command's own --workspace wins over the global one)."""
    return Workspace.resolve(override or state.workspace_arg)
