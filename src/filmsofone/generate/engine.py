"""The engine: make the planned shots on one backend, concurrently, surviving throttles, failures and kills.

Every step is committed to the database before the next starts: the intent to submit (status
`submitting`, with an idempotency key), the remote id the moment it is known (`submitted`), each status
change, and the output (a take, and the job `done`). A rerun therefore resumes: jobs with a remote id
are polled, never resubmitted; a job left in `submitting` had a create whose outcome is unknown, so it
is resent only when the provider dedupes creates (`idempotent_create`), else it is marked `unknown`
and reported until the user passes `resubmit_unknown`. Refusals (moderation) are final for that request.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .. import ffmpeg
from ..backends import key_env_vars, remote
from ..backends.base import (
    Backend,
    BackendFailure,
    Failed,
    GaveUp,
    JobStatus,
    OutcomeUnknown,
    OutputExpired,
    Refused,
    Transient,
)
from ..backends.transport import Unreachable, Wait, unreachable_in
from ..errors import BackendError, UserError
from ..keys import ScrubFilter, known_secrets, scrub
from ..models import ProgressCallback
from ..store.faults import checkpoint
from ..store.tables import JobRow
from .jobs import ACTIVE, JobStore, clip_paths
from .report import GenerationReport
from .requests import Planned

log = logging.getLogger(__name__)


@dataclass
class RunFlags:
    force: bool = False  # make a new take even when a good one is cached (`--shot`)
    dry_run: bool = False
    budget: float | None = None
    resubmit_unknown: bool = False
    concurrency: int | None = None


@dataclass
class _Outcome:
    kind: str  # made|cached|refused|failed|unknown|pending|over_budget
    detail: str = ""


@dataclass
class Engine:
    backend: Backend
    jobs: JobStore
    clips_dir: Path
    flags: RunFlags
    progress: ProgressCallback | None = None
    report: GenerationReport = field(default=None)  # type: ignore[assignment]
    cached_keys: set[tuple[str, str]] | None = None  # (shot, key) with a good take, read once per run

    def __post_init__(self):
        self._secrets = [s for s in {self.backend.key, *known_secrets(key_env_vars())} if s]
        self._spent = 0.0
        self._budget_lock = asyncio.Lock()
        self._unreachable: Unreachable | None = None  # the server never answered: the shots not begun wait
        self._untried = 0

    # -- the run --

    async def run(self, planned: list[Planned], scene_totals: dict[str, int]) -> None:
        limit = self.flags.concurrency or self.backend.concurrency()
        self._slots = asyncio.Semaphore(max(1, limit))
        self._scene_done = {scene: 0 for scene in scene_totals}
        self._scene_totals = scene_totals
        for scene, total in scene_totals.items():
            self._tick(f"scene {scene}", 0, total)
        client = None if self.backend.local else self.backend.client()
        scrubber = ScrubFilter(self._secrets)
        loggers = [logging.getLogger(name) for name in ("httpx", "httpcore", "httpcore.http11", "httpcore.http2",
                                                        "httpcore.connection", "httpcore.proxy", "filmsofone")]
        for logger in loggers:  # a provider that puts a key in a URL must not get it logged
            logger.addFilter(scrubber)
        try:
            await asyncio.gather(*(self._shot(item, client) for item in planned))
        finally:
            for logger in loggers:
                logger.removeFilter(scrubber)
            if client is not None:
                await client.aclose()
        self.report.spent = round(self._spent, 4)
        if self._unreachable is not None:
            gone = self._unreachable
            raise BackendError(f"{self.backend.name}: cannot reach {gone.host} ({gone.reason}); "
                               f"{self._untried} shot(s) not tried",
                               "start the server or check its address (--option base_url=... or the "
                               "backend's server option), then run again to resume")

    async def _shot(self, item: Planned, client) -> None:
        if self._unreachable is not None:
            self._untried += 1
            return
        try:
            outcome = await self._make(item, client)
        except UserError as exc:
            outcome = _Outcome("failed", self._clean(str(exc)))
        except Exception as exc:  # a bug in an adapter must not stop the other shots
            outcome = _Outcome("failed", self._clean(f"{type(exc).__name__}: {exc}"))
            log.debug("shot %s failed: %s", item.shot.id, outcome.detail)  # scrubbed; no traceback with locals
        if outcome.kind == "untried":
            self._untried += 1
            return
        self.report.add(item.shot.id, outcome.kind, outcome.detail)
        self._scene_done[item.shot.scene] = self._scene_done.get(item.shot.scene, 0) + 1
        self._tick(f"scene {item.shot.scene}", self._scene_done[item.shot.scene],
                   self._scene_totals.get(item.shot.scene, 1))

    async def _make(self, item: Planned, client) -> _Outcome:
        shot = item.shot
        if not self.flags.force and self._is_cached(shot.id, item.cache_key):
            return _Outcome("cached")
        job = None if self.flags.force else self.jobs.latest_job(shot.id, item.cache_key, self.backend.name)
        if job is not None:
            if job.status == "refused":
                return _Outcome("refused", job.error or "refused by the provider")
            if job.status == "submitting" and not self.backend.local and not self.backend.idempotent_create:
                self.jobs.update(job, status="unknown", error="the create was sent but its answer never came; "
                                 "a job may exist at the provider")
            if job.status == "unknown":
                if not self.flags.resubmit_unknown:
                    return _Outcome("unknown", job.error or "outcome of the create is unknown")
                self.jobs.update(job, status="abandoned")
                job = None
            elif job.status not in ACTIVE or self.backend.local:
                job = None
        if self.flags.dry_run:
            return _Outcome("pending", "would resume" if job else "would make")
        async with self._slots:
            if self._unreachable is not None and not self.backend.local:
                return _Outcome("untried")  # left as it was: a later run makes it
            self._tick(f"shot: {shot.id}", 0, 100)  # which shot runs, on one bar shared by all shots
            started = time.monotonic()
            outcome = await self._make_in_slot(item, job, client)
            if outcome.kind == "made":
                self.report.timings[shot.id] = round(time.monotonic() - started, 2)
                self._tick(f"shot: {shot.id}", 100, 100)
            return outcome

    async def _make_in_slot(self, item: Planned, job: JobRow | None, client) -> _Outcome:
        shot = item.shot
        if job is None:
            if not await self._reserve(item.cost):
                return _Outcome("over_budget", f"{item.cost:.2f} USD would exceed the budget")
            job = self.jobs.new_job(shot_id=shot.id, scene=shot.scene, backend=self.backend.name,
                                    cache_key=item.cache_key, cost=item.cost,
                                    status="pending" if self.backend.local else "submitting",
                                    idempotency_key=uuid.uuid4().hex, options=self.backend.given_options(),
                                    request=item.request.model_dump(mode="json", exclude={"sketch"}))
        if self.backend.local:
            return await self._render_local(item, job)
        return await self._run_hosted(item, job, client)

    def _is_cached(self, shot_id: str, key: str) -> bool:
        if self.cached_keys is not None:
            return (shot_id, key) in self.cached_keys
        return self.jobs.good_take(shot_id, key) is not None

    async def _reserve(self, cost: float) -> bool:
        async with self._budget_lock:
            if self.flags.budget is not None and self._spent + cost > self.flags.budget + 1e-9:
                return False
            self._spent += cost
            return True

    # -- local backends --

    async def _render_local(self, item: Planned, job: JobRow) -> _Outcome:
        self.jobs.update(job, status="running")
        final, tmp = self._paths(item, job)
        try:
            made = await self.backend.render(item.request, tmp)
            if not self.backend.verify_output and isinstance(made, (int, float)) and tmp.is_file():
                duration = round(float(made), 3)  # a trusted local renderer reports what it made
            else:
                duration = await self._verify(tmp, item.request.duration, decode=self.backend.verify_decode)
        except (BackendFailure, UserError) as exc:
            tmp.unlink(missing_ok=True)
            kind = "refused" if isinstance(exc, Refused) else "failed"
            self.jobs.update(job, status=kind, error=self._clean(str(exc)))
            return _Outcome(kind, self._clean(str(exc)))
        checkpoint("clip-rendered")
        os.replace(tmp, final)
        checkpoint("clip-in-place")
        self.jobs.finish(job, scene=item.shot.scene, path=final, duration=duration)
        return _Outcome("made")

    # -- hosted backends --

    async def _run_hosted(self, item: Planned, job: JobRow, client) -> _Outcome:
        request = item.request.model_copy(update={"idempotency_key": job.idempotency_key})
        try:
            if not job.remote_id:
                outcome = await self._submit(job, request, client)
                if outcome is not None:
                    return outcome
            status = await self._poll(job, client, item.shot.id)
            if status is None:
                return _Outcome("pending", job.error or "still running; run again to resume")
            return await self._collect(item, job, client, status)
        except Refused as exc:
            self.jobs.update(job, status="refused", error=self._clean(str(exc)))
            return _Outcome("refused", self._clean(str(exc)))
        except (Failed, OutputExpired) as exc:
            self.jobs.update(job, status="failed", error=self._clean(str(exc)))
            return _Outcome("failed", self._clean(str(exc)))

    async def _submit(self, job: JobRow, request, client) -> _Outcome | None:
        if job.status != "submitting":
            self.jobs.update(job, status="submitting")  # the intent, before anything is sent
        try:
            remote_id = await remote.submit(self.backend, client, request, on_wait=self._show_wait)
        except OutcomeUnknown as exc:
            self.jobs.update(job, status="unknown", error=self._clean(str(exc)))
            return _Outcome("unknown", self._clean(str(exc)))
        except GaveUp as exc:  # nothing was accepted: the last failure says why (refused, DNS, throttled...)
            self._unreachable = self._unreachable or unreachable_in(exc)
            error = self._clean(f"not submitted: {exc.last} (gave up after {exc.attempts} tries)")
            self.jobs.update(job, status="failed", error=error)
            return _Outcome("failed", f"{error}; run again later")
        self.jobs.update(job, status="submitted", remote_id=remote_id)
        return None

    async def _poll(self, job: JobRow, client, shot_id: str) -> JobStatus | None:
        """Poll until the job ends; None when this run gives up waiting (the job stays resumable)."""
        def seen(status: JobStatus) -> None:
            if job.status != "running" or (status.progress is not None and status.progress != job.progress):
                self.jobs.update(job, status="running", progress=status.progress)
            if status.progress is not None:
                self._tick(f"shot: {shot_id}", int(status.progress * 100), 100)

        try:
            return await remote.poll(self.backend, client, job.remote_id, what=f"shot {shot_id}",
                                     on_wait=self._show_wait, on_status=seen)
        except GaveUp as exc:
            self._unreachable = self._unreachable or unreachable_in(exc)
            self.jobs.update(job, error=self._clean(f"polling keeps failing: {exc.last}"))
        except remote.TimedOut:
            self.jobs.update(job, error="timed out waiting for the provider; run again to resume")
        return None

    async def _collect(self, item: Planned, job: JobRow, client, status: JobStatus) -> _Outcome:
        self.jobs.update(job, status="downloading")
        final, tmp = self._paths(item, job)

        async def check(path: Path) -> float:
            try:
                return await self._verify(path, item.request.duration, decode=self.backend.verify_decode)
            except UserError as exc:
                raise Transient(str(exc)) from None

        duration = await remote.fetch(self.backend, client, status, tmp, what=f"shot {item.shot.id}", check=check,
                                      refresh=lambda: self._poll(job, client, item.shot.id),
                                      on_wait=self._show_wait)
        if duration is None:
            return _Outcome("pending", "the output expired and the provider did not answer; run again")
        checkpoint("clip-downloaded")
        os.replace(tmp, final)
        checkpoint("clip-in-place")
        self.jobs.finish(job, scene=item.shot.scene, path=final, duration=duration)
        return _Outcome("made")

    # -- helpers --

    def _paths(self, item: Planned, job: JobRow) -> tuple[Path, Path]:
        """Where the take goes; named from our own ids, never from a provider's filename."""
        final, part = clip_paths(self.clips_dir, item.shot.scene, item.shot.id, job.id)
        final.parent.mkdir(parents=True, exist_ok=True)
        return final, part

    async def _verify(self, path: Path, expected: float, *, decode: bool) -> float:
        """The clip's duration, after checking it is a decodable video of about the expected length."""
        if not path.is_file() or path.stat().st_size == 0:
            raise Transient("the output file is empty")
        try:
            if decode:
                info, errors = await asyncio.to_thread(ffmpeg.verify_media, path)
            else:
                info, errors = await asyncio.to_thread(ffmpeg.probe, path), ""
        except UserError as exc:
            raise Transient(f"the output is not a readable video: {exc}") from None
        if not info.video:
            raise Transient("the output has no video stream")
        if errors:
            raise Transient(f"the output does not decode: {errors.splitlines()[0][:200]}")
        if abs(info.duration - expected) > max(0.5, expected * 0.1):
            raise Transient(f"the output lasts {info.duration:.2f} s, not {expected:.2f} s")
        return round(info.duration, 3)

    def _show_wait(self, wait: Wait) -> None:
        """A retry's reason and wait, on screen at once (the progress line of its shot)."""
        self._tick(self._clean(str(wait)), 0, 1)

    def _clean(self, text: str) -> str:
        return scrub(text, self._secrets) or ""

    def _tick(self, label: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(label, done, total)
