"""The create -> poll -> download path of one hosted job, without bookkeeping.

The engine records each step in the database around these calls; the auditions call them as they are.
Every step retries through the transport's `with_retries` (waits reported to `on_wait`), so the rules
are the same everywhere: a create whose outcome is unknown is never sent again (unless the provider
dedupes creates), a poll that keeps failing gives up for this run, an expired output URL is refreshed by
polling again.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TypeVar
from collections.abc import Awaitable, Callable

from .base import Backend, Failed, JobState, JobStatus, OutputExpired, Refused
from .transport import GaveUp, RetryPolicy, WaitCallback, with_retries

T = TypeVar("T")
MAX_STEP_RETRIES = 8  # tries of one step (create, one poll) before giving up for this run
DOWNLOAD_ATTEMPTS = 4
REFRESH_ATTEMPTS = 2  # re-polls for a fresh URL after an expired one


class TimedOut(Exception):
    """The job did not end within the backend's wall-clock timeout (it may still finish: resumable)."""


def pause_of(client) -> Callable[[float], Awaitable[object]]:
    """How this run waits: the transport's `pause` (cut short when its host is taken as down: the next
    request then fails at once), else a plain sleep (a client that is not the transport, in tests)."""
    pause = getattr(client, "pause", None)
    return pause if pause is not None else asyncio.sleep


async def submit(backend: Backend, client, request, *, on_wait: WaitCallback | None = None) -> str:
    """Create the job; return its id. Raises OutcomeUnknown (never resent unless the provider dedupes
    creates), GaveUp (nothing was accepted: the last failure says why), Refused or Failed."""
    remote_id = await with_retries(lambda: backend.submit(client, request),
                                   policy=backend.retry_policy(MAX_STEP_RETRIES),
                                   what=f"shot {request.shot_id}", on_wait=on_wait, sleep=pause_of(client))
    if not remote_id:
        raise Failed("the provider answered the create without a job id")
    return str(remote_id)


async def poll(backend: Backend, client, remote_id: str, *, what: str, on_wait: WaitCallback | None = None,
               on_status: Callable[[JobStatus], None] | None = None) -> JobStatus:
    """Poll until the job succeeds; `on_status` sees every queued/running answer. Raises Refused, Failed,
    GaveUp (polling keeps failing) or TimedOut."""
    deadline = time.monotonic() + backend.timeout()
    while True:
        status = await with_retries(lambda: backend.status(client, remote_id),
                                    policy=backend.retry_policy(MAX_STEP_RETRIES), what=what, on_wait=on_wait,
                                    sleep=pause_of(client))
        if status.state == JobState.SUCCEEDED:
            return status
        if status.state == JobState.REFUSED:
            raise Refused(status.error or "refused by the provider's content policy")
        if status.state == JobState.FAILED:
            raise Failed(status.error or "the provider reports the job failed")
        if on_status is not None:
            on_status(status)
        delay = status.poll_after if status.poll_after is not None else backend.interval()
        if time.monotonic() + delay > deadline:
            raise TimedOut(f"no result after {backend.timeout():.0f} s")
        await pause_of(client)(delay)


async def fetch(backend: Backend, client, status: JobStatus, tmp: Path, *, what: str,
                check: Callable[[Path], Awaitable[T]], refresh: Callable[[], Awaitable[JobStatus | None]],
                on_wait: WaitCallback | None = None) -> T | None:
    """Download the output to `tmp` and `check` it (a bad file raises Transient: downloaded again);
    an expired URL is refreshed with `refresh()` (None: the provider did not answer, give up for now).
    Returns what `check` returns, or None after a refresh that got no answer. Raises Failed."""
    policy = RetryPolicy(attempts=DOWNLOAD_ATTEMPTS, base=backend.retry_base, cap=5.0)

    async def once():
        try:
            await backend.download(client, status, tmp)
            return await check(tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    for refreshes in range(REFRESH_ATTEMPTS + 1):
        try:
            return await with_retries(once, policy=policy, what=what, on_wait=on_wait, sleep=pause_of(client))
        except GaveUp as exc:
            raise Failed(f"the output could not be downloaded intact: {exc.last}") from None
        except OutputExpired as exc:
            if refreshes == REFRESH_ATTEMPTS:
                raise Failed(f"the output could not be downloaded intact: {exc}") from None
            status = await refresh()
            if status is None:
                return None
    raise AssertionError("unreachable")


async def make(backend: Backend, client, request, dest: Path, *, check: Callable[[Path], Awaitable[T]],
               on_wait: WaitCallback | None = None) -> T | None:
    """One job from create to a checked file at `dest`, with no bookkeeping (auditions, tests).
    Raises what `submit`, `poll` and `fetch` raise."""
    job_id = await submit(backend, client, request, on_wait=on_wait)
    what = f"shot {request.shot_id}"
    status = await poll(backend, client, job_id, what=what, on_wait=on_wait)
    return await fetch(backend, client, status, dest, what=what, check=check, on_wait=on_wait,
                       refresh=lambda: poll(backend, client, job_id, what=what, on_wait=on_wait))
