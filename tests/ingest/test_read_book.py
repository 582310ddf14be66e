"""read_book: encodings, newlines, Gutenberg bounds, EPUB spine and navigation, and bad input."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from filmsofone.errors import BadInput
from filmsofone.ingest import read_book

STORY = "CHAPTER I.\n\n“Good morning,” said Ada. “Isn’t it fine?”\n\nThe café was closed.\n"


@pytest.mark.parametrize(
    "encoding, bom",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("cp1252", b"")],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str, bom: bytes):
    path = tmp_path / "book.txt"
    path.write_bytes(bom + STORY.encode(encoding))
    book = read_book(path)
    assert book.text == STORY
    assert len(book.source_sha256) == 64


def test_latin1_and_crlf_are_normalised(tmp_path: Path):
    path = tmp_path / "book.txt"
    path.write_bytes("Le café\r\nétait fermé.\rFin.\r\n".encode("latin-1"))
    assert read_book(path).text == "Le café\nétait fermé.\nFin.\n"


def test_gutenberg_header_and_footer_are_outside_the_story(tmp_path: Path):
    text = (
        "The Project Gutenberg eBook of A Small Tale\n\nTitle: A Small Tale\n\nAuthor: Jo Writer\n\n"
        "*** START OF THE PROJECT GUTENBERG EBOOK A SMALL TALE ***\n\nProduced by Volunteers\n\n\n"
        "CHAPTER I.\n\nOnce upon a time.\n\n"
        "*** END OF THE PROJECT GUTENBERG EBOOK A SMALL TALE ***\n\nSection 1. General Terms of Use\n"
    )
    path = tmp_path / "tale.txt"
    path.write_text(text, encoding="utf-8")
    book = read_book(path)
    story = book.text[book.story_start : book.story_end]
    assert story.startswith("CHAPTER I.") and story.endswith("Once upon a time.")
    assert (book.title, book.author) == ("A Small Tale", "Jo Writer")
    assert book.text == text  # offsets index the full text


def test_markdown_title_and_plain_first_line_title(tmp_path: Path):
    md = tmp_path / "book.md"
    md.write_text("# The Quiet Harbour\n\n## Chapter 1\n\nIt rained.\n", encoding="utf-8")
    assert read_book(md).title == "The Quiet Harbour"
    txt = tmp_path / "plain.txt"
    txt.write_text("CHAPTER I.\n\nIt rained.\n", encoding="utf-8")
    assert read_book(txt).title is None


def _epub(path: Path, *, spine=("c2", "c1"), broken=False) -> Path:
    chapter = '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title><style>p{}</style></head><body>{}</body></html>'
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        items = "".join(
            f'<item id="{i}" href="text/{i}.xhtml" media-type="application/xhtml+xml"/>' for i in ("c1", "c2")
        )
        refs = "".join(f'<itemref idref="{i}"/>' for i in spine)
        opf = (
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Two Doors</dc:title>'
            "<dc:creator>A. Author</dc:creator></metadata>"
            f'<manifest>{items}<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/></manifest>'
            f"<spine>{refs}</spine></package>"
        )
        z.writestr("OEBPS/content.opf", opf[:40] if broken else opf)
        z.writestr("OEBPS/text/c1.xhtml", chapter.replace("{}", '<h1 id="one">The Second Door</h1><p>“Open it,” said Ada.</p><p>She did.</p>'))
        z.writestr("OEBPS/text/c2.xhtml", chapter.replace("{}", "<h1>The First Door</h1><p>It was shut<br/>and locked.</p><script>x()</script>"))
        z.writestr(
            "OEBPS/nav.xhtml",
            '<html xmlns:epub="http://www.idpf.org/2007/ops"><body><nav epub:type="toc"><ol>'
            '<li><a href="text/c2.xhtml">First</a></li><li><a href="text/c1.xhtml#one">Second</a></li></ol></nav></body></html>',
        )
    return path


def test_epub_reads_the_spine_in_order_with_chapters_from_the_navigation(tmp_path: Path):
    book = read_book(_epub(tmp_path / "doors.epub"))
    assert book.title == "Two Doors" and book.author == "A. Author"
    assert book.text.index("The First Door") < book.text.index("The Second Door")
    assert "It was shut\nand locked." in book.text and "x()" not in book.text and "p{}" not in book.text
    assert [c.title for c in book.chapter_hints] == ["First", "Second"]
    second = book.chapter_hints[1]
    assert book.text[second.start :].startswith("The Second Door")
    assert book.chapter_hints[0].end <= second.start


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n \n", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        ("noise.txt", bytes(range(0x80, 0xA0)) * 200 + bytes(range(1, 9)) * 100, "cannot be decoded|binary"),
        ("table.csv", b"id,name,age\n1,Ada,20\n2,Tom,31\n", "CSV"),
        ("table.txt", b"id,name,age\n1,Ada,20\n2,Tom,31\n3,Kit,12\n4,Nell,40\n", "table"),
        ("broken.epub", b"PK\x03\x04 this is not really a zip", "not a readable EPUB"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path: Path, name: str, content: bytes, words: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadInput, match=words) as error:
        read_book(path)
    assert "\n" not in str(error.value)


def test_a_directory_an_epub_with_a_broken_package_and_a_missing_file(tmp_path: Path):
    with pytest.raises(BadInput, match="directory"):
        read_book(tmp_path)
    with pytest.raises(BadInput, match="EPUB"):
        read_book(_epub(tmp_path / "broken.epub", broken=True))
    with pytest.raises(BadInput, match="no such file"):
        read_book(tmp_path / "missing.txt")


def test_a_huge_file_is_refused_at_once(tmp_path: Path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: no time spent writing
    started = time.perf_counter()
    with pytest.raises(BadInput, match=r"200 MB; the limit is 128 MB.*split it"):
        read_book(path)
    assert time.perf_counter() - started < 1.0
