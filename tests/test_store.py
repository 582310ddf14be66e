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
