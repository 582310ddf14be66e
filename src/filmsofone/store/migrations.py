"""Schema version and migrations.

The schema version lives in SQLite's `PRAGMA user_version`. A new database gets every table from the
SQLModel metadata and the current version. An older database is brought forward by running, in order,
the steps in `MIGRATIONS` whose version is greater than its own, each in one transaction.

To change the schema:
1. change the table in `tables.py`;
2. append `(N + 1, ["ALTER TABLE ... ADD COLUMN ...", ...])` to `MIGRATIONS`;
3. add a test that opens a database at version N and checks the new column.
A database newer than this code is refused with a message to upgrade filmsofone.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from ..errors import UserError

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
]

SCHEMA_VERSION = max([1, *(version for version, _ in MIGRATIONS)])


def get_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("PRAGMA user_version")).scalar() or 0)


def set_version(engine: Engine, version: int) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"PRAGMA user_version = {int(version)}"))


def migrate(engine: Engine, *, created: bool) -> int:
    """Bring the database to SCHEMA_VERSION; return the version it had."""
    if created:
        set_version(engine, SCHEMA_VERSION)
        return 0
    current = get_version(engine)
    if current > SCHEMA_VERSION:
        raise UserError(
            f"this project's database is schema version {current}, newer than this filmsofone ({SCHEMA_VERSION})",
            "upgrade filmsofone",
        )
    for version, statements in MIGRATIONS:
        if version <= current:
            continue
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
            conn.execute(text(f"PRAGMA user_version = {int(version)}"))
    return current
