"""EPUB to `BookText`: the spine's XHTML documents in order, as text, with chapters from the book's navigation.

Only the standard library: `zipfile` for the container, `xml.etree` for the package and navigation files,
`html.parser` for the (often not well-formed) XHTML.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote
from xml.etree import ElementTree

from ..errors import BadInput
from ..models import BookText, Chapter
from .decode import normalise_newlines

_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "section", "article", "tr",
    "pre", "hr", "table", "ul", "ol", "dd", "dt", "header", "footer", "aside", "figure", "figcaption",
}
_SKIP = {"head", "script", "style", "title", "svg", "math"}
_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def read_epub(data: bytes, name: str) -> BookText:
    """Read an EPUB's bytes; BadInput when it is not a readable EPUB."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        book = _read_archive(archive)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, UnicodeDecodeError, EOFError) as exc:
        raise BadInput(f"{name} is not a readable EPUB ({type(exc).__name__})", "check the file, or convert it to .txt") from exc
    if not book.text.strip():
        raise BadInput(f"{name} has no text in its spine", "check the file, or convert it to .txt")
    hints = _chapters(book)
    return BookText(
        text=book.text,
        title=book.title,
        author=book.author,
        source_sha256=hashlib.sha256(data).hexdigest(),
        story_start=0,
        story_end=None,
        chapter_hints=hints,
    )


@dataclass
class _Book:
    text: str = ""
    title: str | None = None
    author: str | None = None
    anchors: dict[str, int] = field(default_factory=dict)  # "path" or "path#id" -> offset
    nav: list[tuple[str, str]] = field(default_factory=list)  # (label, target)


def _read_archive(archive: zipfile.ZipFile) -> _Book:
    container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
    rootfile = next(el for el in container.iter() if el.tag.endswith("rootfile")).get("full-path")
    if not rootfile:
        raise KeyError("rootfile")
    opf = ElementTree.fromstring(archive.read(rootfile))
    base = posixpath.dirname(rootfile)
    manifest = {
        el.get("id"): el
        for el in opf.iter()
        if el.tag.endswith("}item") or el.tag == "item"
    }
    book = _Book(title=_dc(opf, "title"), author=_dc(opf, "creator"))
    pieces: list[str] = []
    offset = 0
    for ref in (el for el in opf.iter() if el.tag.endswith("itemref")):
        item = manifest.get(ref.get("idref"))
        if item is None or "html" not in (item.get("media-type") or ""):
            continue
        path = _join(base, item.get("href", ""))
        if path not in archive.namelist():
            continue
        text, ids = _xhtml_to_text(archive.read(path).decode("utf-8", errors="replace"))
        book.anchors[path] = offset
        for anchor, position in ids.items():
            book.anchors.setdefault(f"{path}#{anchor}", offset + position)
        pieces.append(text)
        offset += len(text)
    book.text = "".join(pieces)
    book.nav = _navigation(archive, opf, manifest, base)
    return book


def _dc(opf: ElementTree.Element, name: str) -> str | None:
    for el in opf.iter():
        if el.tag.endswith("}" + name) and (el.text or "").strip():
            return el.text.strip()
    return None


def _join(base: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(base, unquote(href))) if base else posixpath.normpath(unquote(href))


def _navigation(archive, opf, manifest, base) -> list[tuple[str, str]]:
    """(label, archive path#fragment) from the EPUB 3 nav document, else the EPUB 2 NCX."""
    for item in manifest.values():
        if "nav" in (item.get("properties") or "").split():
            path = _join(base, item.get("href", ""))
            return _nav_links(archive.read(path).decode("utf-8", errors="replace"), posixpath.dirname(path))
    spine = next((el for el in opf.iter() if el.tag.endswith("spine")), None)
    toc = manifest.get(spine.get("toc")) if spine is not None else None
    toc = toc if toc is not None else next((i for i in manifest.values() if "ncx" in (i.get("media-type") or "")), None)
    if toc is None:
        return []
    path = _join(base, toc.get("href", ""))
    root = ElementTree.fromstring(archive.read(path))
    links = []
    for point in (el for el in root.iter() if el.tag.endswith("navPoint")):
        label = "".join(t for el in point.iter() if el.tag.endswith("text") for t in [el.text or ""][:1])
        content = next((el for el in point.iter() if el.tag.endswith("content")), None)
        if content is not None:
            links.append((_SPACES.sub(" ", label).strip(), _join(posixpath.dirname(path), content.get("src", ""))))
    return links


class _NavParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_toc = 0
        self.links: list[list[str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and ("toc" in (attrs.get("epub:type") or "") or not self.links):
            self.in_toc += 1
        elif tag == "a" and self.in_toc and attrs.get("href"):
            self._href = attrs["href"]
            self.links.append(["", attrs["href"]])

    def handle_endtag(self, tag):
        if tag == "nav" and self.in_toc:
            self.in_toc -= 1
        elif tag == "a":
            self._href = None

    def handle_data(self, data):
        if self._href is not None and self.links:
            self.links[-1][0] += data


def _nav_links(html: str, directory: str) -> list[tuple[str, str]]:
    parser = _NavParser()
    parser.feed(html)
    return [(_SPACES.sub(" ", label).strip(), _join(directory, href)) for label, href in parser.links]


class _TextParser(HTMLParser):
    """XHTML to text: blocks become paragraphs separated by a blank line, `<br>` a newline."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.skip = 0
        self.ids: dict[str, int] = {}
        self._line: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
            return
        if tag in _BLOCKS:
            self._break()
        elif tag == "br":
            self._line.append("\n")
        for key, value in attrs:
            if key == "id" and value:
                self.ids.setdefault(value, self.length + len(self._pending()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self.skip -= 1

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self._break()

    def handle_data(self, data):
        if not self.skip:
            self._line.append(data)

    def _pending(self) -> str:
        text = "".join(self._line)
        lines = [_SPACES.sub(" ", piece).strip() for piece in text.split("\n")]
        return "\n".join(line for line in lines if line)

    def _break(self):
        paragraph = self._pending()
        self._line = []
        if paragraph:
            self.parts.append(paragraph + "\n\n")
            self.length += len(paragraph) + 2

    def close(self):
        super().close()
        self._break()


def _xhtml_to_text(html: str) -> tuple[str, dict[str, int]]:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return normalise_newlines("".join(parser.parts)), parser.ids


def _chapters(book: _Book) -> list[Chapter]:
    """Chapters from the navigation, in reading order; each ends where the next begins."""
    starts: list[tuple[int, str]] = []
    for label, target in book.nav:
        offset = book.anchors.get(target, book.anchors.get(target.split("#")[0]))
        if offset is not None and all(offset != s for s, _ in starts):
            starts.append((offset, label or f"Chapter {len(starts) + 1}"))
    starts.sort()
    chapters = []
    for index, (start, label) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(book.text.rstrip())
        if end > start:
            chapters.append(Chapter(index=len(chapters) + 1, title=label, start=start, end=end))
    return chapters
