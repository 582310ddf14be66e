"""BOOK/PART/VOLUME levels above chapters, in plain text and in EPUB navigation (EPUB 3 nav, EPUB 2 NCX):
a part heading is not a chapter; each chapter carries its part, stored and loaded again."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from filmsofone import books, store
from filmsofone.analysis.chapters import ChapterSplitter
from filmsofone.ingest import read_book
from filmsofone.store import migrations

BODY = "The wind came off the sea and rattled the shutters of the little house all night long. " * 4


def _chapters(text: str):
    return ChapterSplitter().split(text, 0, len(text))


def test_parts_above_chapters_whose_numbering_restarts():
    text = (
        f"PART ONE\n\nCHAPTER I.\n\n{BODY}\n\nCHAPTER II.\n\n{BODY}\n\n"
        f"PART TWO: THE RETURN\n\nCHAPTER I.\n\n{BODY}\n\nCHAPTER II.\n\n{BODY}\n"
    )
    chapters = _chapters(text)
    assert [(c.index, c.title, c.part) for c in chapters] == [
        (1, "CHAPTER I.", "PART ONE"),
        (2, "CHAPTER II.", "PART ONE"),
        (3, "CHAPTER I.", "PART TWO: THE RETURN"),
        (4, "CHAPTER II.", "PART TWO: THE RETURN"),
    ]
    assert text[chapters[2].start :].startswith("PART TWO: THE RETURN\n\nCHAPTER I.")
    assert "PART TWO" not in text[chapters[1].start : chapters[1].end]
    assert all(a.end <= b.start for a, b in zip(chapters, chapters[1:]))


def test_a_long_part_introduction_is_a_chapter_and_prose_starting_with_part_is_not_a_heading():
    intro = "\n\n".join([BODY] * 6)
    text = (
        f"VOLUME I\n\n{intro}\n\nCHAPTER 1\n\n{BODY}\n\nPart I had played in it was small, and I said so.\n\n{BODY}\n\n"
        f"CHAPTER 2\n\n{BODY}\n\nVolume II\n\nChapter 1\n\n{BODY}\n"
    )
    chapters = _chapters(text)
    assert [(c.title, c.part) for c in chapters] == [
        ("VOLUME I", "VOLUME I"),
        ("CHAPTER 1", "VOLUME I"),
        ("CHAPTER 2", "VOLUME I"),
        ("Chapter 1", "Volume II"),
    ]
    assert text[chapters[0].start : chapters[0].end].endswith("night long.")


def test_parts_without_chapters_are_the_chapters_and_markdown_levels():
    parts_only = f"BOOK THE FIRST\n\n{BODY}\n\nBOOK THE SECOND\n\n{BODY}\n"
    assert [(c.title, c.part) for c in _chapters(parts_only)] == [("BOOK THE FIRST", None), ("BOOK THE SECOND", None)]
    markdown = f"# Part One\n\n## Chapter 1\n\n{BODY}\n\n## Chapter 2\n\n{BODY}\n\n# Part Two\n\n## Chapter 3\n\n{BODY}\n"
    assert [(c.title, c.part) for c in _chapters(markdown)] == [
        ("Chapter 1", "Part One"), ("Chapter 2", "Part One"), ("Chapter 3", "Part Two"),
    ]


def _epub(path: Path, *, ncx: bool, root: bool = False) -> Path:
    """Four spine documents: part one's title page, chapter 1, part two's page with chapter 2, chapter 3."""
    page = '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body>{}</body></html>'
    docs = {
        "p1": "<h1>Part One</h1>",
        "c1": f"<h2>Chapter 1</h2><p>{BODY}</p>",
        "p2": f'<h1>Part Two</h1><h2 id="c2">Chapter 2</h2><p>{BODY}</p>',
        "c3": f"<h2>Chapter 3</h2><p>{BODY}</p>",
    }
    nested = [("Part One", "p1.xhtml", [("Chapter 1", "c1.xhtml")]),
              ("Part Two", "p2.xhtml", [("Chapter 2", "p2.xhtml#c2"), ("Chapter 3", "c3.xhtml")])]
    if root:  # everything under one entry (the book's title): not a part
        nested = [("Parts: A Novel", "p1.xhtml", nested)]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml",
                   '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
                   '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
                   "</rootfiles></container>")
        items = "".join(f'<item id="{i}" href="{i}.xhtml" media-type="application/xhtml+xml"/>' for i in docs)
        if ncx:
            items += '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
        else:
            items += '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        refs = "".join(f'<itemref idref="{i}"/>' for i in docs)
        toc = ' toc="ncx"' if ncx else ""
        z.writestr("OEBPS/content.opf",
                   '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
                   '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Parts</dc:title></metadata>'
                   f'<manifest>{items}</manifest><spine{toc}>{refs}</spine></package>')
        for name, body in docs.items():
            z.writestr(f"OEBPS/{name}.xhtml", page.format(body))
        if ncx:
            def point(label, src, children=()):
                inner = "".join(point(*c) for c in children)
                return f'<navPoint><navLabel><text>{label}</text></navLabel><content src="{src}"/>{inner}</navPoint>'
            z.writestr("OEBPS/toc.ncx", '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/">'
                       f'<navMap>{"".join(point(*p) for p in nested)}</navMap></ncx>')
        else:
            def li(label, href, children=()):
                inner = f"<ol>{''.join(li(*c) for c in children)}</ol>" if children else ""
                return f'<li><a href="{href}">{label}</a>{inner}</li>'
            z.writestr("OEBPS/nav.xhtml", '<html xmlns:epub="http://www.idpf.org/2007/ops"><body>'
                       f'<nav epub:type="toc"><ol>{"".join(li(*p) for p in nested)}</ol></nav></body></html>')
    return path


def test_epub_nested_navigation_gives_chapters_their_part(tmp_path: Path):
    for ncx, root in ((False, False), (True, False), (False, True), (True, True)):
        book = read_book(_epub(tmp_path / f"parts-{ncx}-{root}.epub", ncx=ncx, root=root))
        chapters = book.chapter_hints
        assert [(c.index, c.title, c.part) for c in chapters] == [
            (1, "Chapter 1", "Part One"), (2, "Chapter 2", "Part Two"), (3, "Chapter 3", "Part Two"),
        ], ncx
        texts = [book.text[c.start : c.end] for c in chapters]
        assert texts[0].startswith("Part One\n\nChapter 1") and texts[1].startswith("Part Two\n\nChapter 2")
        assert texts[2].startswith("Chapter 3") and "Part Two" not in texts[0] + texts[2]


def test_parts_are_stored_and_an_older_database_gains_the_column(ws, tmp_path: Path):
    path = tmp_path / "the-crossing.txt"
    path.write_text(f"PART ONE\n\nCHAPTER I.\n\n{BODY}\n\nPART TWO\n\nCHAPTER I.\n\n{BODY}\n", encoding="utf-8")
    analysis = books.import_book(ws, path)
    db = ws.project("the-crossing").db_path
    assert [c.part for c in analysis.chapters] == ["PART ONE", "PART TWO"]
    assert store.load_analysis(db) == analysis
    # the same database as schema version 1 wrote it: no `part` column
    store.forget_engine(db)
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE chapters DROP COLUMN part")
    for column in ("tag", "method", "confidence"):  # added by schema version 5
        con.execute(f"ALTER TABLE quotes DROP COLUMN {column}")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    assert [c.part for c in store.load_analysis(db).chapters] == [None, None]
    assert migrations.get_version(store.engine_for(db)) == store.SCHEMA_VERSION >= 2
    store.save_analysis(db, analysis, source_path=str(path))
    assert store.load_analysis(db) == analysis


def test_nav_labels_keep_inline_markup_and_bare_part_labels():
    from filmsofone.ingest.epub import _nav_links

    html = (
        '<nav epub:type="toc"><ol><li><span>Part <i>One</i></span><ol>'
        '<li><a href="c1.xhtml"><span class="n">1</span> The Beginning</a></li><li><a href="c2.xhtml">Two</a></li>'
        '</ol></li><li><a href="c3.xhtml">Three</a></li></ol></nav>'
    )
    entries = [(e.label, e.target, e.parent) for e in _nav_links(html, "OEBPS")]
    assert entries == [
        ("Part One", None, None),
        ("1 The Beginning", "OEBPS/c1.xhtml", 0),
        ("Two", "OEBPS/c2.xhtml", 0),
        ("Three", "OEBPS/c3.xhtml", None),
    ]


def test_parts_listed_only_in_a_table_of_contents_are_not_attached():
    contents = "CONTENTS\n\nPART I\n\nCHAPTER I. The Fog\n\nCHAPTER II. The Quay\n\nPART II\n\nCHAPTER III. The Storm\n\n"
    text = contents + f"CHAPTER I.\n\n{BODY}\n\nCHAPTER II.\n\n{BODY}\n\nCHAPTER III.\n\n{BODY}\n"
    chapters = _chapters(text)
    assert [(c.title, c.part) for c in chapters] == [("CHAPTER I.", None), ("CHAPTER II.", None), ("CHAPTER III.", None)]
    assert text[chapters[0].start :].startswith("CHAPTER I.\n\nThe wind")
