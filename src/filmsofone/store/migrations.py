"""Schema version and migrations.

The schema version lives in SQLite's `PRAGMA user_version`. A new database gets every table from the
SQLModel metadata and the current version in ONE transaction, so a process killed while creating it
leaves either nothing or a complete, stamped database. An older database is brought forward by running,
in order, the steps in `MIGRATIONS` whose version is greater than its own, each step and its version
stamp in one transaction. A database at version 0 that already has tables is the debris of a creation
killed by an older filmsofone: without a book in it, it is emptied and created again.

To change the schema:
1. change the table in `tables.py`;
2. append `(N + 1, ["ALTER TABLE ... ADD COLUMN ...", ...])` to `MIGRATIONS`;
3. add a test that opens a database at version N and checks the new column.
A database newer than this code is refused with a message to upgrade filmsofone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import SQLModel

from ..errors import UserError
from .faults import checkpoint

# Shot.kind and Shot.part, for shots stored when the planner wrote them only into the note ("single: OTS
# over Ada (part 2/3)" -> kind "single", part [2, 3]); models.legacy_kind reads old JSON files the same way.
_NOTE = "coalesce(json_extract(data, '$.notes'), '')"
_AFTER_PART = f"substr({_NOTE}, instr({_NOTE}, '(part ') + 6)"  # "2/3)..."
_SHOT_KIND = (f"CASE WHEN instr({_NOTE}, ':') > 0 THEN trim(substr({_NOTE}, 1, instr({_NOTE}, ':') - 1)) "
              f"WHEN instr({_NOTE}, ' (part ') > 0 THEN trim(substr({_NOTE}, 1, instr({_NOTE}, ' (part ') - 1)) "
              f"ELSE trim({_NOTE}) END")
_SHOT_PART = (f"CASE WHEN instr({_NOTE}, '(part ') > 0 THEN json_array(CAST({_AFTER_PART} AS INTEGER), "
              f"CAST(substr({_AFTER_PART}, instr({_AFTER_PART}, '/') + 1) AS INTEGER)) ELSE json('null') END")

# (version, statements). Version 1 is the initial schema created from the metadata.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (2, ["ALTER TABLE chapters ADD COLUMN part VARCHAR"]),  # Chapter.part: the BOOK/PART heading above it
    (3, [f"UPDATE shots SET data = json_set(data, '$.kind', {_SHOT_KIND}, '$.part', {_SHOT_PART}) "
         "WHERE json_type(data, '$.kind') IS NULL"]),
    (4, ["ALTER TABLE jobs ADD COLUMN lease VARCHAR"]),  # JobRow.lease: "pid:start" of the process running it
    (5, ["ALTER TABLE quotes ADD COLUMN tag JSON", "ALTER TABLE quotes ADD COLUMN method VARCHAR",
         "ALTER TABLE quotes ADD COLUMN confidence FLOAT"]),  # Quote.tag, .method, .confidence
    (6, ["ALTER TABLE jobs ADD COLUMN options JSON"]),  # JobRow.options: the backend options a clip was made with
]

SCHEMA_VERSION = max([1, *(version for version, _ in MIGRATIONS)])


def get_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("PRAGMA user_version")).scalar() or 0)


def set_version(engine: Engine, version: int) -> None:
    with transaction(engine) as cursor:
        cursor.execute(f"PRAGMA user_version = {int(version)}")


@contextmanager
def transaction(engine: Engine) -> Iterator:
    """A raw cursor inside `BEGIN IMMEDIATE ... COMMIT`: DDL, data and the version stamp commit together.

    (The sqlite3 module would otherwise commit each DDL statement on its own.)
    """
    raw = engine.raw_connection()
    dbapi = raw.driver_connection
    previous = dbapi.isolation_level
    dbapi.isolation_level = None  # we say BEGIN and COMMIT ourselves
    cursor = dbapi.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield cursor
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
    finally:
        cursor.close()
        dbapi.isolation_level = previous
        raw.close()


def _schema_statements(engine: Engine) -> list[str]:
    statements = []
    for table in SQLModel.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=engine.dialect)))
        statements.extend(str(CreateIndex(index).compile(dialect=engine.dialect)) for index in table.indexes)
    return statements


def _tables(cursor) -> list[str]:
    rows = cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    return [row[0] for row in rows.fetchall()]


def _columns(cursor, table: str) -> set[str]:
    return {row[1] for row in cursor.execute(f'PRAGMA table_info("{table}")').fetchall()}


def _create(cursor, engine: Engine) -> int:
    """Create (or re-create, from a half-created database) the schema; return the version it had."""
    existing = _tables(cursor)
    if existing:
        if "books" in existing and cursor.execute("SELECT count(*) FROM books").fetchone()[0]:
            return _adopt_unstamped(cursor)
        for table in existing:  # a creation killed before its stamp: nothing in it is worth keeping
            cursor.execute(f'DROP TABLE "{table}"')
    for statement in _schema_statements(engine):
        cursor.execute(statement)
        checkpoint("db-create")
    cursor.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return 0


def _adopt_unstamped(cursor) -> int:
    """An unstamped database holding a book (written before versions were stamped): its version, by its columns."""
    version = 1
    if "part" in _columns(cursor, "chapters"):
        version = 2
    if "jobs" in _tables(cursor) and "lease" in _columns(cursor, "jobs"):
        version = 4  # (step 3 only fills Shot.kind where it is missing: it is safe to run again when unsure)
    cursor.execute(f"PRAGMA user_version = {version}")
    return version


_ADD_COLUMN = re.compile(r"ALTER\s+TABLE\s+\"?(\w+)\"?\s+ADD\s+COLUMN\s+\"?(\w+)", re.I)


def _already_there(cursor, statement: str) -> bool:
    """Whether `statement` adds a column the table already has (a database stamped older than its columns)."""
    added = _ADD_COLUMN.match(statement.strip())
    return bool(added) and added.group(2) in _columns(cursor, added.group(1))


def migrate(engine: Engine, *, created: bool = False) -> int:
    """Create the schema of a new database, or bring an older one to SCHEMA_VERSION; return its old version."""
    with transaction(engine) as cursor:
        current = int(cursor.execute("PRAGMA user_version").fetchone()[0] or 0)
        if current == 0:
            current = _create(cursor, engine)
            if current == 0:
                return 0
    if current > SCHEMA_VERSION:
        raise UserError(
            f"this project's database is schema version {current}, newer than this filmsofone ({SCHEMA_VERSION})",
            "upgrade filmsofone",
        )
    for version, statements in MIGRATIONS:
        if version <= current:
            continue
        with transaction(engine) as cursor:
            if int(cursor.execute("PRAGMA user_version").fetchone()[0]) >= version:
                continue  # another process ran this step meanwhile
            for statement in statements:
                if not _already_there(cursor, statement):
                    cursor.execute(statement)
                checkpoint("db-migrate")
            cursor.execute(f"PRAGMA user_version = {int(version)}")
    return current
