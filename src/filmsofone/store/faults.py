"""Deterministic crash points for the kill test.

`checkpoint(name)` does nothing unless the environment variable FILMSOFONE_KILL_AT names it:
`FILMSOFONE_KILL_AT=take-renamed` kills the process (SIGKILL, no cleanup, like a power cut) the first time
it reaches that checkpoint, `FILMSOFONE_KILL_AT=take-renamed:3` the third time. The kill test
(tests/test_kill.py) runs `import`, `generate` and `cut` killed at each checkpoint in turn, then reruns them
and checks that nothing was lost, made twice or left behind. Checkpoints sit between the steps whose order
matters: after a temp file is written and before it is renamed, after a file is in place and before the
database records it, and so on.
"""

from __future__ import annotations

import os
import signal
import threading

KILL_ENV = "FILMSOFONE_KILL_AT"
_counts: dict[str, int] = {}
_lock = threading.Lock()


def checkpoint(name: str) -> None:
    """Kill this process here when FILMSOFONE_KILL_AT names this checkpoint (and count)."""
    wanted = os.environ.get(KILL_ENV)
    if not wanted:
        return
    target, _, nth = wanted.partition(":")
    if target != name:
        return
    with _lock:
        _counts[name] = _counts.get(name, 0) + 1
        reached = _counts[name]
    if reached >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
