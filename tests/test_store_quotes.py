"""The store keeps each quotation's tag, method and confidence; an older database gains the columns."""

from __future__ import annotations

import sqlite3

from filmsofone import store
from filmsofone.models import BookAnalysis, BookInfo, Chapter, Quote, QuoteTag, Scene
from filmsofone.store import migrations

TAG = QuoteTag(span=(22, 30), verb="said", who="Ada", who_span=(27, 30), kind="name")


def _analysis() -> BookAnalysis:
    return BookAnalysis(
        book=BookInfo(slug="b", title="B", source_sha256="00", chars=100),
        chapters=[Chapter(index=1, title="CHAPTER I.", start=0, end=100)],
        scenes=[Scene(id="1.1", chapter=1, start=0, end=100)],
        characters=[], settings=[],
        quotes=[Quote(id="q1", spans=[(10, 20)], speaker="c1", scene="1.1", tag=TAG, method="explicit", confidence=0.93),
                Quote(id="q2", spans=[(40, 50)], speaker="c2", scene="1.1", method="turn-taking", confidence=0.41),
                Quote(id="q3", spans=[(60, 70)])],
    )


def test_tag_method_and_confidence_round_trip(tmp_path):
    db = tmp_path / "filmsofone.db"
    store.save_analysis(db, _analysis(), source_path="b.txt")
    loaded = store.load_analysis(db)
    assert loaded == _analysis()
    assert loaded.quotes[0].tag.who_span == (27, 30) and loaded.quotes[1].method == "turn-taking"
    assert loaded.quotes[2].method is None and loaded.quotes[2].confidence is None


def test_a_database_from_before_the_quote_fields_gains_them(tmp_path):
    db = tmp_path / "filmsofone.db"
    store.engine_for(db)
    store.forget_engine(db)
    with sqlite3.connect(db) as conn:  # the quotes table as schema version 4 had it
        conn.execute("DROP TABLE quotes")
        conn.execute("CREATE TABLE quotes (id VARCHAR PRIMARY KEY, ordinal INTEGER, spans JSON, speaker VARCHAR, "
                     "scene VARCHAR)")
        conn.execute("PRAGMA user_version = 4")
    conn.close()
    engine = store.engine_for(db)  # opening an older database migrates it
    assert migrations.get_version(engine) == store.SCHEMA_VERSION >= 5
    columns = {row[1] for row in sqlite3.connect(db).execute("pragma table_info(quotes)")}
    assert {"tag", "method", "confidence"} <= columns
    store.save_analysis(db, _analysis(), source_path="b.txt")
    assert store.load_analysis(db).quotes[0].tag == TAG
