"""Leases: which process works on a job, told apart from a later process that got the same pid.

A lease is "pid:start", the start being the process's start time (clock ticks since boot, from
/proc/<pid>/stat). A lease is alive while a process with that pid and that start time runs; work recorded
under a dead lease was left by a process that was killed, and is recovered by the next run.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


def _start_time(pid: int) -> str | None:
    """The start time of process `pid` ("" where /proc is missing), None when no such process runs."""
    stat = Path(f"/proc/{pid}/stat")
    try:
        text = stat.read_text()
    except FileNotFoundError:
        return None if Path("/proc/self/stat").exists() else _exists_elsewhere(pid)
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()  # the command name may hold spaces: skip past it
    return fields[19] if len(fields) > 19 else ""


def _exists_elsewhere(pid: int) -> str | None:
    """Without /proc (macOS): the pid alone says whether the process runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return ""
    return ""


@lru_cache(maxsize=4)
def _lease_of(pid: int) -> str:
    return f"{pid}:{_start_time(pid) or ''}"


def current_lease() -> str:
    """The lease of this process."""
    return _lease_of(os.getpid())


def lease_alive(lease: str | None) -> bool:
    """Whether the process that took `lease` still runs (a lease without a process is dead)."""
    if not lease:
        return False
    pid_text, _, start = lease.partition(":")
    if not pid_text.isdigit():
        return False
    running = _start_time(int(pid_text))
    return running is not None and (not start or not running or running == start)
