"""Failures 5 and 8: one slug, one book; and the smaller mistakes (UTF-16, --slug, --port, cast edit, links)."""

from __future__ import annotations

import os

import pytest

from filmsofone.bible.edit import edit_bible, set_fields, working_copy_path
from filmsofone.books import import_book
from filmsofone.project import list_books
from filmsofone.errors import BadInput, BibleError
from filmsofone.ingest import read_book
from filmsofone.store.files import temp_name
from fakes.project import SLUG, make_book

from faultkit import BOOK, cli, error_lines

OTHER = BOOK.replace("Ada Quill", "Nell Ward").replace("Tom Quill", "Ben Ward")


def _book(folder, text=BOOK):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "book.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_second_book_with_the_same_slug_is_refused_and_the_same_book_reimports(ws, tmp_path):
    first = _book(tmp_path / "a")
    import_book(ws, first)
    set_fields(ws, "book", "Ada", ["hair=copper braid"])  # a user edit that must survive
    with pytest.raises(BadInput, match=r"'book' is already the slug of another book .*--slug"):
        import_book(ws, _book(tmp_path / "b", OTHER))
    moved = _book(tmp_path / "c")  # the same text from elsewhere is the same book
    import_book(ws, moved)
    moved.write_text(BOOK + "\nThe end.\n", encoding="utf-8")  # the same file, edited: re-imported
    import_book(ws, moved)
    [row] = list_books(ws)
    assert row.source_path == str(moved.resolve())
    assert "copper braid" in ws.bible_path("book").read_text(encoding="utf-8")
    import_book(ws, _book(tmp_path / "b", OTHER), slug="book-two")
    assert [r.slug for r in list_books(ws)] == ["book", "book-two"]


def test_a_bad_slug_is_refused_not_rewritten(ws, tmp_path):
    for bad in ("My Book", "../up", "a_b", "-x", "UPPER", ""):
        with pytest.raises(BadInput, match="is not a valid slug"):
            import_book(ws, _book(tmp_path), slug=bad)
    assert ws.slugs() == []
    done = cli(ws.root, "import", str(_book(tmp_path)), "--slug", "My Book")
    assert done.returncode == 2 and len(error_lines(done)) == 1 and "--slug my-book" in done.stderr


def test_invalid_utf16_with_a_bom_is_refused(tmp_path):
    path = tmp_path / "book.txt"
    path.write_bytes(b"\xff\xfe" + "CHAPTER I.\n\nIt rained.\n".encode("utf-16-le") + b"\x00\xd8A\x00")  # lone surrogate
    with pytest.raises(BadInput, match="UTF-16 LE byte-order mark but is not valid UTF-16 LE"):
        read_book(path)


def test_a_symlink_loop_is_named_as_such(ws, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    os.symlink(b, a)
    os.symlink(a, b)
    with pytest.raises(BadInput, match="symlink loop"):
        import_book(ws, a)
    with pytest.raises(BadInput, match="symlink loop"):
        read_book(a)
    dangling = tmp_path / "gone.txt"
    os.symlink(tmp_path / "nowhere.txt", dangling)
    with pytest.raises(BadInput, match="broken symlink"):
        import_book(ws, dangling)


def test_port_out_of_range_is_one_line_and_exit_2(ws):
    make_book(ws)
    done = cli(ws.root, "watch", SLUG, "--port", "99999")
    assert done.returncode == 2 and len(error_lines(done)) == 1 and "--port" in done.stderr


def test_a_refused_cast_edit_is_kept_after_a_cast_set(ws):
    make_book(ws)
    rejected = "characters: [this is: not: valid\n"

    def write_rejected(path):
        path.write_text(rejected, encoding="utf-8")

    with pytest.raises(BibleError, match="was not changed"):
        edit_bible(ws, SLUG, editor=write_rejected)
    set_fields(ws, SLUG, "Ada Quill", ["hair=copper braid"])  # the bible is now newer than the working copy
    seen = []
    with pytest.raises(BibleError):
        edit_bible(ws, SLUG, editor=lambda path: seen.append(path.read_text(encoding="utf-8")))
    assert seen == [rejected]  # resumed from the user's text, not replaced by the bible
    assert working_copy_path(ws, SLUG).read_text(encoding="utf-8") == rejected


def test_temp_names_are_unique_per_writer(tmp_path):
    target = tmp_path / "book.txt"
    names = {temp_name(target) for _ in range(50)}
    assert len(names) == 50 and all(n.parent == tmp_path and n.name.startswith(".book.txt.") for n in names)
