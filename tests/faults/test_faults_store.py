"""Failure 1: a killed first import must not break the project or the workspace."""

from __future__ import annotations

import signal
import sqlite3

from sqlalchemy import create_engine
from sqlmodel import SQLModel

from filmsofone import store
from filmsofone.store import migrations
from fakes.project import SLUG, make_book

from faultkit import cli, python

OPEN_DB = "import sys; from filmsofone import store; store.engine_for(sys.argv[1])"


def _version(db) -> int:
    return sqlite3.connect(db).execute("pragma user_version").fetchone()[0]


def test_a_database_created_but_never_stamped_is_recreated(tmp_path):
    """What an older filmsofone left when killed between creating the tables and stamping the version."""
    db = tmp_path / "filmsofone.db"
    SQLModel.metadata.create_all(create_engine(f"sqlite:///{db}"))  # tables of the current schema, version 0
    assert _version(db) == 0
    store.save_analysis(db, _tiny_analysis(), source_path="b.txt")  # used to fail: duplicate column name: part
    assert _version(db) == store.SCHEMA_VERSION
    assert store.load_analysis(db).book.slug == "b"


def test_creation_killed_midway_leaves_nothing_half_made(tmp_path):
    db = tmp_path / "filmsofone.db"
    killed = python(OPEN_DB, str(db), FILMSOFONE_KILL_AT="db-create:4")
    assert killed.returncode == -signal.SIGKILL
    tables = sqlite3.connect(db).execute("select count(*) from sqlite_master where type='table'").fetchone()[0]
    assert tables == 0 and _version(db) == 0  # the transaction rolled back: no tables without a version
    store.save_analysis(db, _tiny_analysis(), source_path="b.txt")
    assert _version(db) == store.SCHEMA_VERSION
    assert sqlite3.connect(db).execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_migration_killed_midway_runs_again(tmp_path):
    db = tmp_path / "filmsofone.db"
    store.save_analysis(db, _tiny_analysis(), source_path="b.txt")
    store.forget_engine(db)
    with sqlite3.connect(db) as conn:  # back to version 3: before jobs.lease
        conn.execute("alter table jobs drop column lease")
        conn.execute("pragma user_version = 3")
    killed = python(OPEN_DB, str(db), FILMSOFONE_KILL_AT="db-migrate")
    assert killed.returncode == -signal.SIGKILL
    assert _version(db) == 3  # the column and the stamp commit together, or neither
    assert "lease" not in {r[1] for r in sqlite3.connect(db).execute("pragma table_info(jobs)")}
    reopened = python(OPEN_DB, str(db))
    assert reopened.returncode == 0, reopened.stderr
    assert _version(db) == store.SCHEMA_VERSION
    assert store.load_analysis(db).book.slug == "b"


def test_unstamped_database_with_a_book_is_adopted_not_dropped(tmp_path):
    db = tmp_path / "filmsofone.db"
    store.save_analysis(db, _tiny_analysis(), source_path="b.txt")
    store.forget_engine(db)
    with sqlite3.connect(db) as conn:
        conn.execute("pragma user_version = 0")
    engine = store.engine_for(db)
    assert migrations.get_version(engine) == store.SCHEMA_VERSION
    assert store.load_analysis(db).book.slug == "b"


def test_a_project_whose_first_import_died_does_not_break_books(ws):
    make_book(ws)
    half = ws.project("half").ensure()
    store.engine_for(half.db_path)  # a database with no book: the import died before storing it
    store.forget_engine(half.db_path)
    done = cli(ws.root, "books")
    assert done.returncode == 0, done.stderr
    assert SLUG in done.stdout and "half" not in done.stdout


def _tiny_analysis():
    from filmsofone.models import BookAnalysis, BookInfo, Chapter, Scene

    return BookAnalysis(book=BookInfo(slug="b", title="B", source_sha256="00", chars=10),
                        chapters=[Chapter(index=1, title="I", start=0, end=10)],
                        scenes=[Scene(id="1.1", chapter=1, start=0, end=10)], characters=[], settings=[], quotes=[])
