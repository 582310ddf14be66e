"""Running the CLI in a child process (as a user would, and so that it can be killed), and a small book."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

BOOK = """CHAPTER I.

Ada Quill rowed to the boathouse at dusk. "The lanterns are out," said Ada. Tom Quill shrugged. "Then we
light them," he said.

The wind rose over the harbour and the boats knocked together. Ada tied the rope twice.

* * *

At night the lighthouse hummed. Miss Vane climbed the stairs alone. "Who is there?" she asked.
"""

_PLACES = ["the harbour market", "the chapel on the cliff", "the rope works", "the old pier", "the ferry office",
           "the lighthouse gallery"]
_NUMERALS = ["II", "III", "IV", "V", "VI", "VII"]


def _chapter(numeral: str, place: str) -> str:
    return (f"CHAPTER {numeral}.\n\nIn the morning Ada Quill walked to {place}. "
            f"Tom Quill followed with the oil cans. "
            f"\"Heavy work,\" said Tom. Ada laughed at him. \"You asked for it,\" she said.\n\n"
            f"They stayed at {place} until noon, mending nets and counting lamps.\n\n* * *\n\n"
            f"At dusk Miss Vane came down to {place} with candles. \"Storm tonight,\" she told them. "
            f"The wind rose and the three of them hurried home along the quay.\n")


LONGER_BOOK = BOOK + "\n" + "\n".join(_chapter(n, p) for n, p in zip(_NUMERALS, _PLACES))


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FILMSOFONE_KILL_AT", "FILMSOFONE_WORKSPACE")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def cli(root: Path, *args: str, kill_at: str | None = None, timeout: float = 300, **env: str) \
        -> subprocess.CompletedProcess:
    """`filmsofone -w ROOT ARGS...` in a child process (killed at checkpoint `kill_at`, if given)."""
    if kill_at:
        env["FILMSOFONE_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-m", "filmsofone", "-w", str(root), *args], capture_output=True,
                          text=True, timeout=timeout, env=cli_env(**env))


def cli_start(root: Path, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "filmsofone", "-w", str(root), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=cli_env(**env))


def error_lines(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.strip()]


def python(code: str, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a child Python with this checkout's source first on the path."""
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout,
                          env=cli_env(**env))
