"""Where keyframes live: `projects/<slug>/keyframes/<scene>/<shot>-k<n>.png` and one JSON index beside them.

The index records, per shot, every take (file, backend, cache key, how it was made), the pick, the hosted
job in flight (its remote id is written before the first poll, so a rerun resumes it instead of paying
again), and the approvals. Approvals are keyed by the shot's *fingerprint* (its content without id and
order), so re-planning that leaves a shot unchanged keeps its approval, and changing the shot drops it.
Every change is a read-modify-write under an exclusive file lock, written to a unique temporary name and
renamed into place: a crash leaves the old index or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from ..models import Shot
from ..workspace import Project

INDEX_NAME = "index.json"
_FINGERPRINT_EXCLUDE = {"id", "order", "locked", "edited", "notes", "source_span"}
_thread_lock = threading.RLock()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class KeyframeTake(BaseModel):
    """One still of one shot."""

    number: int  # 1-based, in the order made
    file: str  # relative to the project folder
    backend: str
    cache_key: str
    source: Literal["made", "upload"] = "made"
    rejected: bool = False
    left_out: list[str] = Field(default_factory=list)  # reference images the backend had no room for
    created_at: str = Field(default_factory=now)


class PendingJob(BaseModel):
    """A hosted image job whose create was sent (remote_id None: the answer never came)."""

    cache_key: str
    backend: str
    remote_id: str | None = None


class ShotKeyframes(BaseModel):
    shot_id: str
    scene: str
    takes: list[KeyframeTake] = Field(default_factory=list)
    chosen: int | None = None  # the picked take's number
    pending: PendingJob | None = None
    refused: dict[str, str] = Field(default_factory=dict)  # cache key -> the provider's reason (never resent)

    def current(self, root: Path) -> KeyframeTake | None:
        """The pick, else the newest take that is not rejected and whose file exists."""
        alive = [t for t in self.takes if (root / t.file).is_file()]
        picked = [t for t in alive if t.number == self.chosen]
        if picked:
            return picked[0]
        good = [t for t in alive if not t.rejected]
        return good[-1] if good else None


class Approval(BaseModel):
    shot_id: str  # the shot's id when approved (ids may change on re-planning; the fingerprint does not)
    file: str
    sha256: str
    approved_at: str = Field(default_factory=now)


class KeyframeIndex(BaseModel):
    shots: dict[str, ShotKeyframes] = Field(default_factory=dict)
    approvals: dict[str, Approval] = Field(default_factory=dict)  # shot fingerprint -> approval

    def shot(self, shot: Shot) -> ShotKeyframes:
        if shot.id not in self.shots:
            self.shots[shot.id] = ShotKeyframes(shot_id=shot.id, scene=shot.scene)
        return self.shots[shot.id]


def fingerprint(shot: Shot) -> str:
    """The shot's content without its id, order and bookkeeping: equal for an unchanged re-planned shot."""
    data = shot.model_dump(mode="json", exclude=_FINGERPRINT_EXCLUDE)
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def keyframes_dir(project: Project) -> Path:
    return project.root / "keyframes"


def index_path(project: Project) -> Path:
    return keyframes_dir(project) / INDEX_NAME


def read_index(project: Project) -> KeyframeIndex:
    """The index as stored (empty when none yet)."""
    path = index_path(project)
    if not path.is_file():
        return KeyframeIndex()
    return KeyframeIndex.model_validate_json(path.read_text(encoding="utf-8"))


@contextlib.contextmanager
def editing(project: Project) -> Iterator[KeyframeIndex]:
    """Read the index under an exclusive lock, let the caller change it, write it back atomically."""
    folder = keyframes_dir(project)
    folder.mkdir(parents=True, exist_ok=True)
    with _thread_lock, open(folder / ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            index = read_index(project)
            yield index
            _write(index_path(project), index.model_dump_json(indent=1))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
