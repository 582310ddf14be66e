"""One writer per project: a lock held by the process, released by the operating system when it dies.

`project_lock(project, "generate")` takes an exclusive `flock` on `projects/.<slug>.lock` (beside the
project's folder, so a failed first import can remove the folder while holding it). The lock file says who
holds it (pid, command, since when); a second `import`, `generate` or `cut` of the same book waits for it,
saying once who holds it, and gives up with `ProjectBusy` after FILMSOFONE_LOCK_WAIT seconds (default
1800). The lock is re-entrant within a process: a command that calls another locked step keeps it.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path
from collections.abc import Callable, Iterator

from ..errors import UserError
from ..workspace import Project
from .lease import current_lease

WAIT_ENV = "FILMSOFONE_LOCK_WAIT"
DEFAULT_WAIT = 1800.0
_POLL = 0.1


class ProjectBusy(UserError):
    """Another process holds the project's lock."""


@dataclass
class _Held:
    mutex: threading.RLock
    fd: int | None = None
    depth: int = 0


_held: dict[str, _Held] = {}
_held_guard = threading.Lock()


def holder(lock_path: Path) -> str:
    """Who holds the lock, in words ("pid 123 running `generate` since 22:41:07 UTC"), from the lock file."""
    try:
        info = json.loads(Path(lock_path).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not info.get("pid"):
        return "another process"
    return f"pid {info['pid']} running `{info.get('command', '?')}` since {info.get('since', '?')}"


def _stderr_notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _wait_limit() -> float:
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def _acquire(path: Path, slug: str, command: str, notify: Callable[[str], None], wait: float) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                who = holder(path)
                os.close(fd)
                raise ProjectBusy(f"'{slug}' is busy: {who}",
                                  "wait for it to finish (or stop it), then run this again") from None
            if not told:
                notify(f"waiting: '{slug}' is in use by {holder(path)}")
                told = True
            time.sleep(_POLL)
    since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    record = json.dumps({"pid": os.getpid(), "lease": current_lease(), "command": command, "since": since})
    os.ftruncate(fd, 0)
    os.pwrite(fd, record.encode(), 0)
    return fd


@contextmanager
def project_lock(project: Project, command: str, *, notify: Callable[[str], None] | None = None,
                 wait: float | None = None) -> Iterator[None]:
    """Hold the project's lock for the block (waiting for another process to release it)."""
    path = project.lock_path
    key = str(path.resolve())
    with _held_guard:
        held = _held.setdefault(key, _Held(threading.RLock()))
    with held.mutex:
        if held.depth == 0:
            limit = _wait_limit() if wait is None else wait
            held.fd = _acquire(path, project.slug, command, notify or _stderr_notice, limit)
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0 and held.fd is not None:
                os.ftruncate(held.fd, 0)
                fcntl.flock(held.fd, fcntl.LOCK_UN)
                os.close(held.fd)
                held.fd = None
