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
import zlib
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


MAX_MEMBERS = 20_000  # files in the archive
MAX_MEMBER_BYTES = 64 << 20  # one unpacked file
MAX_UNPACKED_BYTES = 128 << 20  # everything read from the archive (as the text-book limit), counted as read
_CHUNK = 1 << 20


class _Members:
    """Reads members of the archive, refusing (while reading, not after) what unpacks beyond the limits."""

    def __init__(self, archive: zipfile.ZipFile, name: str):
        if len(archive.infolist()) > MAX_MEMBERS:
            raise _too_big(name, f"holds more than {MAX_MEMBERS:,} files")
        self.archive, self.name, self.total = archive, name, 0
        self.names = set(archive.namelist())

    def check_declared(self, members: list[str]) -> None:
        """Refuse at once when the sizes the archive declares for `members` already exceed the limit
        (reading still counts every byte: a declared size can lie)."""
        sizes = {info.filename: info.file_size for info in self.archive.infolist()}
        if sum(sizes.get(m, 0) for m in members) > MAX_UNPACKED_BYTES:
            raise _too_big(self.name, f"unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB")

    def read(self, member: str) -> bytes:
        if member not in self.names:
            raise KeyError(member)
        pieces, size = [], 0
        with self.archive.open(member) as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                self.total += len(chunk)
                if size > MAX_MEMBER_BYTES:
                    raise _too_big(self.name, f"has a file ({member}) that unpacks to more than "
                                              f"{MAX_MEMBER_BYTES >> 20} MB")
                if self.total > MAX_UNPACKED_BYTES:
                    raise _too_big(self.name, f"unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB")
                pieces.append(chunk)
        return b"".join(pieces)


def _too_big(name: str, what: str) -> BadInput:
    return BadInput(f"{name} {what}, more than any book (a zip bomb?)", "check the file, or convert it to .txt")


def read_epub(data: bytes, name: str) -> BookText:
    """Read an EPUB's bytes; BadInput when it is not a readable EPUB or unpacks beyond the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        book = _read_archive(_Members(archive, name))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ElementTree.ParseError, UnicodeDecodeError, EOFError,
            NotImplementedError, RuntimeError, zlib.error) as exc:  # (RuntimeError: an encrypted member)
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


@dataclass(frozen=True)
class _NavEntry:
    """One table-of-contents entry: its label, its target ("path#fragment", or None for a bare label) and the
    index of the entry it is nested under."""

    label: str
    target: str | None
    parent: int | None = None


@dataclass
class _Book:
    text: str = ""
    title: str | None = None
    author: str | None = None
    anchors: dict[str, int] = field(default_factory=dict)  # "path" or "path#id" -> offset
    nav: list[_NavEntry] = field(default_factory=list)  # the table of contents, in document order


def _read_archive(archive: _Members) -> _Book:
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
    spine = [_join(base, item.get("href", "")) for item in
             (manifest.get(ref.get("idref")) for ref in opf.iter() if ref.tag.endswith("itemref"))
             if item is not None and "html" in (item.get("media-type") or "")]
    archive.check_declared(spine)
    pieces: list[str] = []
    offset = 0
    for ref in (el for el in opf.iter() if el.tag.endswith("itemref")):
        item = manifest.get(ref.get("idref"))
        if item is None or "html" not in (item.get("media-type") or ""):
            continue
        path = _join(base, item.get("href", ""))
        if path not in archive.names:
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


def _navigation(archive, opf, manifest, base) -> list[_NavEntry]:
    """The table of contents from the EPUB 3 nav document, else the EPUB 2 NCX, with its nesting."""
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
    nav_map = next((el for el in root.iter() if el.tag.endswith("navMap")), root)
    entries: list[_NavEntry] = []
    _ncx_points(nav_map, None, posixpath.dirname(path), entries)
    return entries


def _ncx_points(element, parent: int | None, directory: str, entries: list[_NavEntry]) -> None:
    """The navPoints directly under `element`, then (depth first) their own."""
    for point in (child for child in element if child.tag.endswith("navPoint")):
        label_el = next((c for c in point if c.tag.endswith("navLabel")), None)
        label = "".join(el.text or "" for el in label_el.iter() if el.tag.endswith("text")) if label_el is not None else ""
        content = next((c for c in point if c.tag.endswith("content")), None)
        target = _join(directory, content.get("src", "")) if content is not None and content.get("src") else None
        entries.append(_NavEntry(_SPACES.sub(" ", label).strip(), target, parent))
        _ncx_points(point, len(entries) - 1, directory, entries)


class _NavParser(HTMLParser):
    """The links (and bare `<span>` labels) of the toc `<nav>`, each with the entry of the enclosing `<li>`."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_toc = 0
        self.links: list[list] = []  # [label, href or None, parent index]
        self._open: int | None = None  # the entry whose label is being read
        self._open_tag: list[str] = []  # the tag that opened it, and the same tags nested inside it
        self._items: list[int | None] = []  # per open <li>: the entry it holds

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and ("toc" in (attrs.get("epub:type") or "") or not self.links):
            self.in_toc += 1
        elif not self.in_toc:
            return
        elif tag == "li":
            self._items.append(None)
        elif self._open is not None:
            if tag == self._open_tag[0]:
                self._open_tag.append(tag)
        elif tag in ("a", "span") and self._items and self._items[-1] is None and (tag == "span" or attrs.get("href")):
            parent = next((i for i in reversed(self._items[:-1]) if i is not None), None)
            self.links.append(["", attrs.get("href"), parent])
            self._open = self._items[-1] = len(self.links) - 1
            self._open_tag = [tag]

    def handle_endtag(self, tag):
        if tag == "nav" and self.in_toc:
            self.in_toc -= 1
        elif self._open is not None and tag == self._open_tag[0]:
            self._open_tag.pop()
            if not self._open_tag:
                self._open = None
        elif tag == "li" and self._items:
            self._items.pop()
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self.links[self._open][0] += data


def _nav_links(html: str, directory: str) -> list[_NavEntry]:
    parser = _NavParser()
    parser.feed(html)
    return [
        _NavEntry(_SPACES.sub(" ", label).strip(), _join(directory, href) if href else None, parent)
        for label, href, parent in parser.links
    ]


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


_MIN_PART_INTRO = 1500  # text between a part's start and its first chapter longer than this is a chapter


def _chapters(book: _Book) -> list[Chapter]:
    """Chapters from the navigation's leaf entries, in reading order; each ends where the next begins.

    An entry with entries nested under it is a part (BOOK, PART, VOLUME): its label becomes the `part` of the
    chapters under it (joined with " — " when parts nest), and its start opens its first chapter, unless a
    long introduction lies between, which is then a chapter of its own titled by the part."""
    entries = _without_single_root(book.nav)
    offsets = [_offset(book, e.target) for e in entries]
    first_child: dict[int, int] = {}  # parent index -> the earliest offset among its children
    for entry, offset in zip(entries, offsets):
        if entry.parent is not None and offset is not None:
            first_child[entry.parent] = min(offset, first_child.get(entry.parent, offset))
    starts: dict[int, tuple[str, str | None]] = {}  # offset -> (title, part)
    for i, entry in enumerate(entries):
        if i in first_child or offsets[i] is None:
            continue
        start, part = offsets[i], _part_label(entries, entry.parent)
        ancestor = entry.parent
        while ancestor is not None:  # the first chapter of a part begins where the part does
            if offsets[ancestor] is None or first_child[ancestor] != offsets[i] or offsets[ancestor] >= start:
                break
            if len(book.text[offsets[ancestor] : start].strip()) >= _MIN_PART_INTRO:
                starts.setdefault(offsets[ancestor], (entries[ancestor].label, _part_label(entries, ancestor)))
                break
            start = offsets[ancestor]
            ancestor = entries[ancestor].parent
        starts.setdefault(start, (entry.label or f"Chapter {len(starts) + 1}", part))
    ordered = sorted(starts.items())
    chapters = []
    for index, (start, (title, part)) in enumerate(ordered):
        end = ordered[index + 1][0] if index + 1 < len(ordered) else len(book.text.rstrip())
        if end > start:
            chapters.append(Chapter(index=len(chapters) + 1, title=title, start=start, end=end, part=part))
    return chapters


def _without_single_root(entries: list[_NavEntry]) -> list[_NavEntry]:
    """A table of contents nested under one entry (the book's title, "Contents"): that entry is no part."""
    roots = [i for i, e in enumerate(entries) if e.parent is None]
    if roots != [0] or len(entries) < 2:
        return entries
    return [_NavEntry(e.label, e.target, None if e.parent == 0 else e.parent - 1) for e in entries[1:]]


def _offset(book: _Book, target: str | None) -> int | None:
    if target is None:
        return None
    return book.anchors.get(target, book.anchors.get(target.split("#")[0]))


def _part_label(entries: list[_NavEntry], index: int | None) -> str | None:
    """The labels of the entry at `index` and the entries above it, outermost first."""
    labels = []
    while index is not None:
        labels.append(entries[index].label)
        index = entries[index].parent
    return " — ".join(reversed([label for label in labels if label])) or None
