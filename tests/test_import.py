"""Importing through the library: what is written, and what a failed import leaves behind."""

import sqlite3

import pytest

from filmsofone import books, store
from filmsofone.project import list_books
from filmsofone.errors import BadInput, BibleError

BOOK = """The Ferry

CHAPTER I.

Mara Lind waited on the pier at dawn. “The ferry is late,” said Mara.

“It always is,” said Jonah Reed. He set down the crate of apples and looked out over the
grey water, where the gulls were circling the channel buoy.

CHAPTER II.

That night the lamps burned in the boathouse. Mr. Reed mended a net while Mara read aloud.
“Listen to this,” said Mara. “The river froze in the year of the great snow.”
"""


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "the-ferry.txt"
    path.write_text(BOOK, encoding="utf-8")
    return path


def test_import_writes_project_database_text_and_bible(ws, book):
    analysis = books.import_book(ws, book)
    project = ws.project("the-ferry")
    assert project.text_path.read_text(encoding="utf-8") == BOOK
    assert store.load_analysis(project.db_path) == analysis
    assert ws.bible_path("the-ferry").is_file()
    assert [c.title for c in analysis.chapters] == ["CHAPTER I.", "CHAPTER II."]
    assert [r.slug for r in list_books(ws)] == ["the-ferry"]


def test_reimport_with_a_broken_bible_changes_nothing(ws, book):
    books.import_book(ws, book)
    project = ws.project("the-ferry")
    bible = ws.bible_path("the-ferry")
    bible.write_text(bible.read_text(encoding="utf-8") + "\nstyle: [unclosed\n", encoding="utf-8")
    before_db = sqlite3.connect(project.db_path).execute("select id, spans from quotes").fetchall()
    before_bible = bible.read_bytes()
    book.write_text(BOOK.replace("The ferry is late", "The ferry is early"), encoding="utf-8")
    with pytest.raises(BibleError, match=r"the-ferry\.yaml:\d+"):
        books.import_book(ws, book)
    assert sqlite3.connect(project.db_path).execute("select id, spans from quotes").fetchall() == before_db
    assert bible.read_bytes() == before_bible
    assert "The ferry is late" in project.text_path.read_text(encoding="utf-8")
    assert not list(project.root.glob("*.tmp"))


def test_a_failed_first_import_leaves_no_project(ws, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(BadInput):
        books.import_book(ws, empty)
    assert not ws.project("empty").root.exists() and ws.slugs() == []
