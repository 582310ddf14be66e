"""Making keyframes: one image job per shot on an image backend, cached by content hash and resumable.

A shot whose current request (prompt, references by content, options, backend) already has a take that
is not rejected is skipped. A hosted job's remote id is written to the index before the first poll, so an
interrupted run polls it again instead of paying for a new one; a create whose answer never came is
reported, not resent (the same rule as clips). Rejecting a take makes the next run ask for a new one (a
new variant: another seed where the backend takes one).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..backends import backend_class, get_backend, key_env_vars, remote
from ..backends.base import (
    Backend,
    BackendFailure,
    Failed,
    OutcomeUnknown,
    Refused,
)
from ..backends.transport import GaveUp, Unreachable, unreachable_in
from ..errors import BackendError, UserError
from ..keys import known_secrets, scrub
from ..models import ProgressCallback, Shot
from ..workspace import Project
from .index import KeyframeTake, PendingJob, editing, keyframes_dir, read_index
from .requests import KeyframePlan


@dataclass
class KeyframeReport:
    backend: str
    made: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)
    left_out: dict[str, list[str]] = field(default_factory=dict)  # shot -> references with no room
    planned: list[KeyframePlan] = field(default_factory=list)
    estimated_cost: float = 0.0
    dry_run: bool = False
    still_needed: list[str] = field(default_factory=list)  # a dry run: what a real run would need first

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unknown


def variant_of(project: Project, shot: Shot, base_key: str) -> int:
    """How many takes of this request the user rejected: the next variant to ask for."""
    entry = read_index(project).shots.get(shot.id)
    if entry is None:
        return 0
    return sum(1 for t in entry.takes if t.rejected and t.cache_key.split("+")[0] == base_key)


def is_cached(project: Project, shot_id: str, key: str) -> bool:
    entry = read_index(project).shots.get(shot_id)
    return entry is not None and any(t.cache_key == key and not t.rejected and (project.root / t.file).is_file()
                                     for t in entry.takes)


async def make_all(backend: Backend, project: Project, plans: list[KeyframePlan], report: KeyframeReport, *,
                   force: bool = False, progress: ProgressCallback | None = None,
                   resubmit_unknown: bool = False) -> None:
    slots = asyncio.Semaphore(backend.concurrency())
    done = 0
    label = "keyframes"
    if progress is not None:
        progress(label, 0, len(plans))

    gone: Unreachable | None = None  # the server never answered: the shots not begun are left as they are
    untried = 0

    async def one(plan: KeyframePlan) -> None:
        nonlocal done, gone, untried
        async with slots:
            if gone is not None:
                untried += 1
                return
            try:
                await _make_one(backend, project, plan, report, force=force, resubmit_unknown=resubmit_unknown)
            except Unanswered as exc:
                gone = gone or exc.gone
        done += 1
        if progress is not None:
            progress(label, done, len(plans))

    await asyncio.gather(*(one(p) for p in plans))
    if gone is not None:
        raise BackendError(f"{backend.name}: cannot reach {gone.host} ({gone.reason}); {untried} shot(s) not tried",
                           "start the server or check its address (--option base_url=... or the backend's "
                           "server option), then run again to resume")


async def _make_one(backend: Backend, project: Project, plan: KeyframePlan, report: KeyframeReport, *,
                    force: bool, resubmit_unknown: bool) -> None:
    shot = plan.shot
    if plan.left_out:
        report.left_out[shot.id] = plan.left_out
    if not force and is_cached(project, shot.id, plan.cache_key):
        report.cached.append(shot.id)
        return
    earlier = refusal(project, shot.id, plan.cache_key)
    if earlier and not force:
        report.failed[shot.id] = f"refused earlier by the provider ({earlier}); change the shot, or --shot to ask again"
        return
    secrets_ = [s for s in {backend.key, *known_secrets(key_env_vars())} if s]
    tmp = keyframes_dir(project) / shot.scene / f".{shot.id}-{secrets.token_hex(4)}.part.png"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    try:
        if backend.local:
            await backend.render(plan.request, tmp)
        else:
            await _hosted(backend, project, plan, tmp, resubmit_unknown)
        check_image(tmp)
    except OutcomeUnknown as exc:
        tmp.unlink(missing_ok=True)
        report.unknown[shot.id] = scrub(str(exc), secrets_) or "the create had no answer"
        return
    except (BackendFailure, UserError) as exc:
        tmp.unlink(missing_ok=True)
        report.failed[shot.id] = scrub(str(exc), secrets_) or type(exc).__name__
        if isinstance(exc, Refused):
            with editing(project) as index:
                index.shot(shot).refused[plan.cache_key] = report.failed[shot.id][:300]
        if isinstance(exc, Unanswered):
            raise
        return
    record_take(project, shot, tmp, backend=backend.name, cache_key=plan.cache_key, left_out=plan.left_out)
    report.made.append(shot.id)


def refusal(project: Project, shot_id: str, key: str) -> str | None:
    entry = read_index(project).shots.get(shot_id)
    return entry.refused.get(key) if entry else None


class Unanswered(Failed):
    """The server never answered (refused, DNS, TLS): nothing was sent, and every other shot would fail the same."""

    def __init__(self, message: str, gone: Unreachable):
        super().__init__(message)
        self.gone = gone


class StillRunning(Failed):
    """This run stopped waiting; the job goes on at the provider and the next run polls it again."""

    def __init__(self, message: str):
        super().__init__(f"{message}; run again to resume")


def record_take(project: Project, shot: Shot, image: Path, *, backend: str, cache_key: str,
                left_out: list[str] = (), source: str = "made") -> KeyframeTake:
    """Move `image` into place as the shot's next take and record it (the pending job, if any, is done)."""
    with editing(project) as index:
        entry = index.shot(shot)
        number = max((t.number for t in entry.takes), default=0) + 1
        final = keyframes_dir(project) / shot.scene / f"{shot.id}-k{number}.png"
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(image, final)
        take = KeyframeTake(number=number, file=final.relative_to(project.root).as_posix(), backend=backend,
                            cache_key=cache_key, source=source, left_out=list(left_out))
        entry.takes.append(take)
        if entry.pending is not None and entry.pending.cache_key == cache_key:
            entry.pending = None
        return take


def _set_pending(project: Project, shot: Shot, pending: PendingJob | None) -> None:
    with editing(project) as index:
        index.shot(shot).pending = pending


async def _hosted(backend: Backend, project: Project, plan: KeyframePlan, tmp: Path, resubmit_unknown: bool):
    shot = plan.shot
    entry = read_index(project).shots.get(shot.id)
    pending = entry.pending if entry else None
    if pending and (pending.cache_key != plan.cache_key or pending.backend != backend.name):
        pending = None
    if pending and pending.remote_id is None and not resubmit_unknown and not backend.idempotent_create:
        raise OutcomeUnknown("a create was sent earlier and its answer never came; "
                             "run again with --resubmit-unknown to ask again (may pay twice)")
    what = f"keyframe {shot.id}"
    async with backend.client() as client:
        remote_id = pending.remote_id if pending else None
        if remote_id is None:
            _set_pending(project, shot, PendingJob(cache_key=plan.cache_key, backend=backend.name))
            request = plan.request.model_copy(update={"idempotency_key": plan.cache_key})
            try:
                remote_id = await _step(remote.submit(backend, client, request))
            except (Refused, Failed):  # the create was answered (refused, rejected) or never accepted: no job
                _set_pending(project, shot, None)
                raise
            _set_pending(project, shot, PendingJob(cache_key=plan.cache_key, backend=backend.name,
                                                   remote_id=remote_id))
        try:
            status = await _step(remote.poll(backend, client, remote_id, what=what), polling=True)
        except StillRunning:
            raise
        except (Refused, Failed):  # the job ended at the provider: nothing to resume
            _set_pending(project, shot, None)
            raise
        await remote.fetch(backend, client, status, tmp, what=what,
                           check=lambda path: asyncio.to_thread(check_image, path),
                           refresh=lambda: remote.poll(backend, client, remote_id, what=what))


async def _step(call, *, polling: bool = False):
    """A remote step. Giving up for this run (the job still running, polls that keep failing) is StillRunning
    for a poll - the job may finish, the next run polls it again -, and Failed for a create never accepted."""
    try:
        return await call
    except remote.TimedOut as exc:
        raise StillRunning(str(exc)) from None
    except GaveUp as exc:
        gone = unreachable_in(exc)
        if gone is not None and not polling:
            raise Unanswered(str(exc), gone) from None
        raise (StillRunning if polling else Failed)(str(exc)) from None


def check_image(path: Path) -> None:
    """Raise Failed unless `path` is a readable image. Another format (a provider's JPEG or WebP) is rewritten
    as PNG in place: stills are kept as .png and later sent to video backends as image/png."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as picture:
            picture.verify()
        with Image.open(path) as picture:
            if picture.format == "PNG":
                return
            converted = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
        converted.save(path, format="PNG")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise Failed(f"the backend's output is not an image ({type(exc).__name__})") from None


def run_coroutine(coroutine) -> None:
    """asyncio.run, or (when called from inside a running event loop) the same in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coroutine)
        return
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def image_backend(name: str, options: dict | None, *, dry_run: bool = False) -> Backend:
    """An instance of the image backend `name` (no key needed for a dry run)."""
    cls = backend_class(name)
    if cls.kind != "image":
        raise BackendError(f"backend '{name}' makes video; keyframes need an image backend",
                           "use --backend animatic-frame (offline), runway-image, or another image backend")
    if dry_run:
        return cls(cls.make_options(options), key=None)
    return get_backend(name, options)
