"""The engine, made on demand (never at import time), one per project database."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from . import tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from .migrations import migrate

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def engine_for(db_path: Path) -> Engine:
    """The (cached) engine of the database at `db_path`, created and migrated if needed."""
    path = str(Path(db_path).resolve())
    with _lock:
        engine = _engines.get(path)
        if engine is None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            migrate(engine)  # creates and stamps a new database in one transaction
            _engines[path] = engine
        return engine


def session_for(db_path: Path) -> Session:
    return Session(engine_for(db_path), expire_on_commit=False)


def forget_engine(db_path: Path) -> None:
    """Close and drop the cached engine (before deleting or replacing the database file)."""
    with _lock:
        engine = _engines.pop(str(Path(db_path).resolve()), None)
    if engine is not None:
        engine.dispose()
