import json
import sqlite3

import pytest

from filmsofone import store
from filmsofone.models import BookAnalysis, BookInfo, Chapter, Character, Quote, Scene, Setting, Shot, InFrame
from filmsofone.store import migrations


def _analysis() -> BookAnalysis:
    return BookAnalysis(
        book=BookInfo(slug="b", title="B", source_sha256="00", chars=100),
        chapters=[Chapter(index=1, title="CHAPTER I.", start=0, end=100)],
        scenes=[Scene(id="1.1", chapter=1, start=0, end=60, setting="s1", interior=True, time_of_day="night",
                      characters=["c1", "c2"]),
                Scene(id="1.2", chapter=1, start=60, end=100)],
        characters=[Character(id="c1", name="Ada Quill", aliases=["Ada", "Miss Quill"], gender="female",
                              role="major", mentions=3),
                    Character(id="c2", name="Tobias Quill", aliases=["Mr. Quill"], gender="male")],
        settings=[Setting(id="s1", name="the lamp room", interior=True, mentions=2)],
        quotes=[Quote(id="q1", spans=[(10, 20), (30, 40)], speaker="c1", scene="1.1")],
    )


def test_analysis_round_trips_and_replaces(tmp_path):
    db = tmp_path / "p" / "filmsofone.db"
    analysis = _analysis()
    store.save_analysis(db, analysis, source_path="/books/b.txt")
    assert store.load_analysis(db) == analysis
    smaller = analysis.model_copy(update={"quotes": []})
    store.save_analysis(db, smaller, source_path="/books/b.txt")
    assert store.load_analysis(db).quotes == []
    rows = sqlite3.connect(db).execute("select id, speaker from quotes").fetchall()
    assert rows == []


def test_shots_round_trip_in_scene_order(tmp_path):
    db = tmp_path / "filmsofone.db"
    store.save_analysis(db, _analysis(), source_path="b.txt")
    later = [Shot(id="1.2-001", scene="1.2", order=1)]
    first = [Shot(id=f"1.1-{i:03d}", scene="1.1", order=i, characters=[InFrame(character="c1", position="left")])
             for i in (2, 1)]
    store.save_shots(db, "1.2", later)
    store.save_shots(db, "1.1", first)
    assert [s.id for s in store.load_shots(db)] == ["1.1-001", "1.1-002", "1.2-001"]
    assert store.load_shots(db, "1.1")[0].characters[0].position == "left"


def test_new_database_has_current_schema_version(tmp_path):
    db = tmp_path / "filmsofone.db"
    engine = store.engine_for(db)
    assert store.get_version(engine) == store.SCHEMA_VERSION
    assert sqlite3.connect(db).execute("pragma user_version").fetchone()[0] == store.SCHEMA_VERSION


def test_migrations_run_in_order_and_refuse_newer(tmp_path, monkeypatch):
    db = tmp_path / "filmsofone.db"
    engine = store.engine_for(db)
    migrations.set_version(engine, 1)
    monkeypatch.setattr(migrations, "MIGRATIONS", [(2, ["ALTER TABLE books ADD COLUMN author VARCHAR"])])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    assert migrations.migrate(engine, created=False) == 1
    assert migrations.get_version(engine) == 2
    columns = [row[1] for row in sqlite3.connect(db).execute("pragma table_info(books)")]
    assert "author" in columns
    migrations.set_version(engine, 9)
    with pytest.raises(Exception, match="newer than this filmsofone"):
        migrations.migrate(engine, created=False)


def test_migration_gives_stored_shots_their_kind_and_part(tmp_path):
    """Shots stored before `kind` existed get it (and `part`) from the note the planner wrote, once."""
    db = tmp_path / "filmsofone.db"
    store.save_analysis(db, _analysis(), source_path="b.txt")
    notes = {"1.1-001": "single: OTS over Ada (part 2/3)", "1.1-002": "two-shot (part 1/12)",
             "1.1-003": "establishing", "1.1-004": ""}
    store.save_shots(db, "1.1", [Shot(id=i, scene="1.1", order=n, notes=note)
                                 for n, (i, note) in enumerate(notes.items(), 1)])
    store.forget_engine(db)
    with sqlite3.connect(db) as conn:  # as a version-2 database holds them: no kind, no part
        for shot_id, (data,) in ((i, conn.execute("select data from shots where id = ?", (i,)).fetchone())
                                 for i in notes):
            old = {k: v for k, v in json.loads(data).items() if k not in ("kind", "part")}
            conn.execute("update shots set data = ? where id = ?", (json.dumps(old), shot_id))
        for column in ("tag", "method", "confidence"):  # added by version 5
            conn.execute(f"ALTER TABLE quotes DROP COLUMN {column}")
        conn.execute("pragma user_version = 2")
    shots = {s.id: (s.kind, s.part, s.notes) for s in store.load_shots(db, "1.1")}
    assert shots == {"1.1-001": ("single", (2, 3), notes["1.1-001"]), "1.1-002": ("two-shot", (1, 12), notes["1.1-002"]),
                     "1.1-003": ("establishing", None, "establishing"), "1.1-004": ("", None, "")}
    assert all(Shot.model_validate({k: v for k, v in s.model_dump().items() if k not in ("kind", "part")}).kind
               == s.kind for s in store.load_shots(db, "1.1") if s.notes)  # the JSON-file reading agrees
    assert store.get_version(store.engine_for(db)) == store.SCHEMA_VERSION
    with sqlite3.connect(db) as conn:  # written into the rows by the migration, not only read so
        stored = {i: json.loads(d) for i, d in conn.execute("select id, data from shots")}
    assert {i: (d["kind"], d["part"]) for i, d in stored.items()} == {
        "1.1-001": ("single", [2, 3]), "1.1-002": ("two-shot", [1, 12]), "1.1-003": ("establishing", None),
        "1.1-004": ("", None)}


def test_migration_6_gives_jobs_their_options_and_keeps_older_jobs(tmp_path):
    """A job stored before version 6 keeps its row; its options read as None (the estimate then reads its request's)."""
    from sqlmodel import select

    from filmsofone.store.tables import JobRow

    db = tmp_path / "filmsofone.db"
    store.save_analysis(db, _analysis(), source_path="b.txt")
    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE jobs DROP COLUMN options")
        conn.execute("INSERT INTO jobs (shot_id, backend, cache_key, status, cost, request, created_at, updated_at) "
                     "VALUES ('1.1-001', 'runway', 'k', 'done', 0.6, '{\"options\": {\"model\": \"gen4_turbo\"}}', "
                     "'2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        conn.execute("pragma user_version = 5")
    store.forget_engine(db)  # opened again, as by the next run
    with store.session_for(db) as session:
        job = session.exec(select(JobRow)).one()
        assert job.options is None and job.request["options"] == {"model": "gen4_turbo"}
        job.options = {"model": "gen4.5"}
        session.add(job)
        session.commit()
    assert store.get_version(store.engine_for(db)) == store.SCHEMA_VERSION == 6
    assert json.loads(sqlite3.connect(db).execute("select options from jobs").fetchone()[0]) == {"model": "gen4.5"}
