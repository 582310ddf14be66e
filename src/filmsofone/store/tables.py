"""SQLModel tables: one SQLite database per book, at `projects/<slug>/filmsofone.db`.

Rows mirror the value objects in `filmsofone.models`; list-valued fields are JSON columns.
Changing a table means adding a migration in `filmsofone.store.migrations` (see its docstring).
"""

from __future__ import annotations

from datetime import datetime, UTC
from typing import Any, Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _json(default: Any = None) -> Any:
    return Field(default_factory=lambda: [] if default is None else default, sa_column=Column(JSON))


class BookRow(SQLModel, table=True):
    __tablename__ = "books"
    slug: str = Field(primary_key=True)
    title: str
    source_path: str
    source_sha256: str
    chars: int
    imported_at: datetime = Field(default_factory=utcnow)


class ChapterRow(SQLModel, table=True):
    __tablename__ = "chapters"
    index: int = Field(primary_key=True)
    title: str
    start: int
    end: int
    part: Optional[str] = None


class SceneRow(SQLModel, table=True):
    __tablename__ = "scenes"
    id: str = Field(primary_key=True)
    ordinal: int = Field(index=True)
    chapter: int = Field(index=True)
    start: int
    end: int
    setting: Optional[str] = None
    interior: Optional[bool] = None
    time_of_day: str = "unknown"
    characters: list[str] = _json()
    intent: Optional[str] = None  # the user's per-scene intent ("from dread to relief")


class CharacterRow(SQLModel, table=True):
    __tablename__ = "characters"
    id: str = Field(primary_key=True)
    ordinal: int = Field(index=True)
    name: str
    aliases: list[str] = _json()
    gender: str = "unknown"
    role: str = "minor"
    mentions: int = 0


class SettingRow(SQLModel, table=True):
    __tablename__ = "settings"
    id: str = Field(primary_key=True)
    ordinal: int = Field(index=True)
    name: str
    aliases: list[str] = _json()
    interior: Optional[bool] = None
    mentions: int = 0


class QuoteRow(SQLModel, table=True):
    __tablename__ = "quotes"
    id: str = Field(primary_key=True)
    ordinal: int = Field(index=True)
    spans: list[list[int]] = _json()
    speaker: Optional[str] = Field(default=None, index=True)
    scene: Optional[str] = Field(default=None, index=True)
    tag: Optional[dict] = Field(default=None, sa_column=Column(JSON))  # models.QuoteTag
    method: Optional[str] = None
    confidence: Optional[float] = None


class ShotRow(SQLModel, table=True):
    """A shot; `data` holds the full `models.Shot` as JSON, key fields are columns for queries."""

    __tablename__ = "shots"
    id: str = Field(primary_key=True)
    scene: str = Field(index=True)
    order: int
    locked: bool = False
    edited: bool = False
    data: dict = Field(default_factory=dict, sa_column=Column(JSON))
    updated_at: datetime = Field(default_factory=utcnow)


class JobRow(SQLModel, table=True):
    """One attempt to generate one shot on one backend; every step is written before the next.

    status: pending -> submitting (intent recorded, create not yet answered) -> submitted (remote id known)
    -> running -> downloading -> done; or failed | refused (moderation, never retried) | unknown (a create
    whose outcome is unknown: the user decides with --resubmit-unknown) | canceled.
    """

    __tablename__ = "jobs"
    id: Optional[int] = Field(default=None, primary_key=True)
    shot_id: str = Field(index=True)
    scene: Optional[str] = Field(default=None, index=True)
    backend: str
    cache_key: str = Field(index=True)
    status: str = Field(default="pending", index=True)
    remote_id: Optional[str] = None
    idempotency_key: Optional[str] = None
    error: Optional[str] = None  # scrubbed of keys before it is written
    output: Optional[str] = None  # the take's path, relative to the project folder
    cost: float = 0.0  # estimated USD of this job
    progress: Optional[float] = None
    request: dict = Field(default_factory=dict, sa_column=Column(JSON))  # never holds a key
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    lease: Optional[str] = None  # "pid:start" of the process working on it (see store/lease.py)
    # the backend options given for it, as `--option` gives them (price overrides included; never a key);
    # None for a job made before schema 6 (its request's options hold all but the engine's own)
    options: Optional[dict] = Field(default=None, sa_column=Column(JSON))


class TakeRow(SQLModel, table=True):
    """A finished clip of a shot; the cut uses the chosen take (else the newest good one)."""

    __tablename__ = "takes"
    id: Optional[int] = Field(default=None, primary_key=True)
    shot_id: str = Field(index=True)
    scene: Optional[str] = Field(default=None, index=True)
    job_id: Optional[int] = Field(default=None, index=True)
    backend: str
    cache_key: str = Field(index=True)
    path: str  # relative to the project folder
    duration: float
    chosen: bool = False
    source: Optional[str] = None  # the file a manual take was added from
    created_at: datetime = Field(default_factory=utcnow)
