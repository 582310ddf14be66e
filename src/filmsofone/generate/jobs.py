"""Jobs and takes in the store: each step of a generation is committed before the next one starts."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select, update

from .. import store
from ..store.tables import JobRow, TakeRow, utcnow

ACTIVE = ("submitting", "submitted", "running", "downloading")


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
        with store.session_for(self.db_path) as session:
            rows = session.exec(select(TakeRow.shot_id, TakeRow.cache_key, TakeRow.path)).all()
        return {(shot, key) for shot, key, path in rows if shot in shot_ids and (self.root / path).is_file()}

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
        with store.session_for(self.db_path) as session:
            job = JobRow(**fields)
            session.add(job)
            session.commit()
            session.refresh(job)
            return job

    def update(self, job: JobRow, **fields) -> JobRow:
        """Write `fields` of one job (a single UPDATE, committed) and mirror them on `job`."""
        fields["updated_at"] = utcnow()
        with store.session_for(self.db_path) as session:
            session.exec(update(JobRow).where(JobRow.id == job.id).values(**fields))
            session.commit()
        for name, value in fields.items():
            setattr(job, name, value)
        return job

    def finish(self, job: JobRow, *, scene: str | None, path: Path, duration: float) -> TakeRow:
        """Record the take and mark the job done, in one transaction."""
        relative = str(path.relative_to(self.root))
        with store.session_for(self.db_path) as session:
            take = TakeRow(shot_id=job.shot_id, scene=scene, job_id=job.id, backend=job.backend,
                           cache_key=job.cache_key, path=relative, duration=duration)
            row = session.get(JobRow, job.id)
            row.status, row.output, row.error, row.updated_at = "done", relative, None, utcnow()
            session.add(take)
            session.add(row)
            session.commit()
            session.refresh(take)
        job.status, job.output = "done", relative
        return take
