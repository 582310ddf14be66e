"""Jobs and takes in the store: each step of a generation is committed before the next one starts.

Every job carries the lease of the process working on it (store/lease.py). At the start of a run (under
the project's lock) `recover` looks at the jobs left in flight by a dead process: a clip that was already
in place is verified and recorded as the job's take (it is never made twice); a hosted job with a remote id
stays resumable; any other is marked `interrupted` and made again. Partial files of jobs no longer in
flight are deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select, update

from .. import ffmpeg, store
from ..errors import UserError
from ..store.faults import checkpoint
from ..store.lease import current_lease, lease_alive
from ..store.tables import JobRow, TakeRow, utcnow

ACTIVE = ("submitting", "submitted", "running", "downloading")
IN_FLIGHT = ("pending", *ACTIVE)  # a job in one of these is worked on by the process holding its lease
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str | None) -> str:
    """A file name made from our own ids (never from a provider's)."""
    cleaned = _UNSAFE.sub("_", name or "none").strip("._") or "none"
    return cleaned[:80]


def clip_paths(clips_dir: Path, scene: str | None, shot_id: str, job_id: int) -> tuple[Path, Path]:
    """(final clip, partial file) of one job: `clips/<scene>/<shot>-j<job>.mp4` and its hidden `.part.mp4`."""
    folder = clips_dir / safe_name(scene)
    stem = f"{safe_name(shot_id)}-j{job_id}"
    return folder / f"{stem}.mp4", folder / f".{stem}.part.mp4"


@dataclass
class Recovery:
    """What `recover` found left by dead processes."""

    adopted: int = 0  # clips in place whose take was never recorded: recorded now
    interrupted: int = 0  # jobs reset, to be made again
    resumable: int = 0  # hosted jobs with a remote id, polled again by the run
    parts_removed: int = 0


class JobStore:
    """Small, synchronous writes to one project's database (each one a committed transaction)."""

    def __init__(self, db_path: Path, project_root: Path):
        self.db_path = db_path
        self.root = project_root

    def good_take(self, shot_id: str, cache_key: str) -> TakeRow | None:
        with store.session_for(self.db_path) as session:
            rows = session.exec(select(TakeRow).where(TakeRow.shot_id == shot_id, TakeRow.cache_key == cache_key)
                                .order_by(TakeRow.id.desc())).all()
        return next((r for r in rows if (self.root / r.path).is_file()), None)

    def cached_keys(self, shot_ids: set[str]) -> set[tuple[str, str]]:
        """(shot id, cache key) of every take of these shots whose file exists, in one query."""
        return {made for keys in self.cached_keys_by_backend(shot_ids).values() for made in keys}

    def cached_keys_by_backend(self, shot_ids: set[str]) -> dict[str, set[tuple[str, str]]]:
        """Backend -> (shot id, cache key) of its takes of these shots whose file exists, in one query."""
        with store.session_for(self.db_path) as session:
            rows = session.exec(select(TakeRow.backend, TakeRow.shot_id, TakeRow.cache_key, TakeRow.path)).all()
        found: dict[str, set[tuple[str, str]]] = {}
        for backend, shot, key, path in rows:
            if shot in shot_ids and (self.root / path).is_file():
                found.setdefault(backend, set()).add((shot, key))
        return found

    def options_by_backend(self, shot_ids: set[str]) -> dict[str, dict[str, dict]]:
        """Backend -> shot id -> the options its newest take of that shot (whose file exists) was made with: as
        given (`JobRow.options`), else, for a job made before they were stored, its request's options. Each
        backend's shots are in the order of those takes, so the last is the options of its newest clip."""
        with store.session_for(self.db_path) as session:
            rows = session.exec(select(TakeRow.backend, TakeRow.shot_id, TakeRow.path, JobRow.options, JobRow.request)
                                .join(JobRow, TakeRow.job_id == JobRow.id).order_by(TakeRow.id)).all()
        found: dict[str, dict[str, dict]] = {}
        for backend, shot, path, options, request in rows:
            if shot in shot_ids and (self.root / path).is_file():
                shots = found.setdefault(backend, {})
                shots.pop(shot, None)  # a newer take of the shot moves it last
                shots[shot] = options if options is not None else dict((request or {}).get("options") or {})
        return found

    def recover(self, clips_dir: Path) -> Recovery:
        """Settle the jobs a dead process left in flight, then delete the partial files nobody writes."""
        found = Recovery()
        with store.session_for(self.db_path) as session:
            stranded = [job for job in session.exec(select(JobRow).where(JobRow.status.in_(IN_FLIGHT))).all()
                        if job.lease != current_lease() and not lease_alive(job.lease)]
        for job in stranded:
            final, part = clip_paths(clips_dir, job.scene, job.shot_id, job.id)
            duration = _playable(final, job.request.get("duration"))
            if duration is not None:
                self.finish(job, scene=job.scene, path=final, duration=duration)
                found.adopted += 1
            elif job.remote_id:
                self.update(job, lease=None)
                found.resumable += 1
            elif job.status == "submitting":
                self.update(job, lease=None)  # the engine decides: resend when idempotent, else `unknown`
                found.resumable += 1
            else:
                final.unlink(missing_ok=True)
                self.update(job, status="interrupted", error="its process was stopped; made again")
                found.interrupted += 1
        found.parts_removed = self.remove_stale_parts(clips_dir)
        return found

    def remove_stale_parts(self, clips_dir: Path) -> int:
        """Delete partial outputs left by a killed run whose job is no longer in flight."""
        parts = list(clips_dir.glob("*/.*-j*.part.mp4"))
        if not parts:
            return 0
        with store.session_for(self.db_path) as session:
            active = {row for row in session.exec(select(JobRow.id).where(JobRow.status.in_(ACTIVE))).all()}
        removed = 0
        for part in parts:
            job_id = part.name.rsplit("-j", 1)[-1].split(".", 1)[0]
            if not job_id.isdigit() or int(job_id) not in active:
                part.unlink(missing_ok=True)
                removed += 1
        return removed

    def latest_job(self, shot_id: str, cache_key: str, backend: str) -> JobRow | None:
        with store.session_for(self.db_path) as session:
            return session.exec(select(JobRow).where(JobRow.shot_id == shot_id, JobRow.cache_key == cache_key,
                                                     JobRow.backend == backend)
                                .order_by(JobRow.id.desc())).first()

    def new_job(self, **fields) -> JobRow:
        fields.setdefault("lease", current_lease())
        with store.session_for(self.db_path) as session:
            job = JobRow(**fields)
            session.add(job)
            session.commit()
            session.refresh(job)
        checkpoint("job-created")
        return job

    def update(self, job: JobRow, **fields) -> JobRow:
        """Write `fields` of one job (a single UPDATE, committed) and mirror them on `job`."""
        fields["updated_at"] = utcnow()
        if fields.get("status") in IN_FLIGHT:
            fields.setdefault("lease", current_lease())
        with store.session_for(self.db_path) as session:
            session.exec(update(JobRow).where(JobRow.id == job.id).values(**fields))
            session.commit()
        for name, value in fields.items():
            setattr(job, name, value)
        checkpoint("job-updated")
        return job

    def finish(self, job: JobRow, *, scene: str | None, path: Path, duration: float) -> TakeRow:
        """Record the take and mark the job done, in one transaction (once: a second call returns the take)."""
        relative = str(path.relative_to(self.root))
        with store.session_for(self.db_path) as session:
            take = session.exec(select(TakeRow).where(TakeRow.job_id == job.id)).first()
            if take is None:
                take = TakeRow(shot_id=job.shot_id, scene=scene, job_id=job.id, backend=job.backend,
                               cache_key=job.cache_key, path=relative, duration=duration)
                session.add(take)
            row = session.get(JobRow, job.id)
            row.status, row.output, row.error, row.updated_at = "done", relative, None, utcnow()
            session.add(row)
            session.commit()
            session.refresh(take)
        job.status, job.output = "done", relative
        checkpoint("take-recorded")
        return take


def _playable(clip: Path, expected: float | None) -> float | None:
    """The duration of `clip` when it is a readable video of about the expected length, else None."""
    if not clip.is_file() or clip.stat().st_size == 0:
        return None
    try:
        info = ffmpeg.probe(clip)
    except UserError:
        return None
    if not info.video or not info.duration:
        return None
    if expected and abs(info.duration - float(expected)) > max(0.5, float(expected) * 0.1):
        return None
    return round(info.duration, 3)
