"""`read_book`: a file on disk to a `BookText` (decoded, normalised, Gutenberg boilerplate located)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import BadInput
from ..models import BookText
from ..workspace import require_file
from .decode import decode_bytes
from .gutenberg import header_fields, story_bounds

# Well above the longest novels (War and Peace is 3 MB) and a 50 MB omnibus; beyond it an import would take hours
# and several GB of memory, and a film of it is not one film.
MAX_BOOK_BYTES = 128 * 1024 * 1024
_READ_CHUNK = 4 * 1024 * 1024
_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
_TABLE_SUFFIXES = {".csv", ".tsv", ".xlsx", ".xls", ".json", ".xml"}
_HEADING_LIKE = re.compile(r"^(chapter|book|part|volume|contents|preface|introduction)\b|^[IVXLC]+\.?$", re.I)


def read_book(path: Path, *, progress=None) -> BookText:
    """Read a .txt, .md or .epub book; BadInput (one line, with a fix) for anything else.

    `progress(label, done, total)` hears about the reading (in MB) and decoding of long files.
    """
    path = Path(path)
    data = _read_bytes(path, progress)
    suffix = path.suffix.lower()
    if suffix == ".epub":
        from .epub import read_epub

        return read_epub(data, path.name)
    if suffix in _TABLE_SUFFIXES:
        raise BadInput(f"{path.name} is a {suffix[1:].upper()} file, not a book", "give a .txt, .md or .epub book")
    if data.startswith(b"PK\x03\x04"):
        raise BadInput(f"{path.name} is a zip archive, not a text book", "rename it .epub if it is an EPUB")
    sha256 = hashlib.sha256(data).hexdigest()
    text = decode_bytes(data, path.name)
    del data  # the decoded text is all that is kept
    if _looks_like_table(text):
        raise BadInput(f"{path.name} looks like a table (CSV), not a book", "give the book's text as .txt, .md or .epub")
    book = _book_from_text(text, sha256, markdown=suffix in {".md", ".markdown"})
    _report(progress, "reading the book: decoded", 1, 1)
    return book


def _read_bytes(path: Path, progress=None) -> bytes | bytearray:
    require_file(path, "check the path")
    if path.is_dir():
        raise BadInput(f"{path} is a directory, not a book", "give the path of a .txt, .md or .epub file")
    if not path.is_file():
        raise BadInput(f"no such file: {path}", "check the path")
    size = path.stat().st_size
    if size > MAX_BOOK_BYTES:
        raise BadInput(
            f"{path.name} is {size / 2**20:.0f} MB; the limit is {MAX_BOOK_BYTES // 2**20} MB of text, since a longer "
            "one would take hours and several GB of memory to read",
            "split it into one file per book (or per volume) and import each",
        )
    try:
        with path.open("rb") as handle:
            if size <= _READ_CHUNK:
                return handle.read()
            data, done = bytearray(size), 0  # read in place: one copy of the bytes, never two
            view = memoryview(data)
            while done < size and (n := handle.readinto(view[done : done + _READ_CHUNK])):
                done += n
                _report(progress, "reading the book", done // 2**20, max(size // 2**20, 1))
            view.release()
            del data[done:]
            return data
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror}", "check the file's permissions") from exc


def _report(progress, label: str, done: int, total: int) -> None:
    if progress is not None:
        progress(label, done, total)


def _book_from_text(text: str, sha256: str, *, markdown: bool) -> BookText:
    start, end = story_bounds(text)
    fields = header_fields(text, start) if start else {}
    title = fields.get("title") or _first_line_title(text, start, markdown)
    return BookText(
        text=text,
        title=title,
        author=fields.get("author"),
        source_sha256=sha256,
        story_start=start,
        story_end=end,
    )


def _first_line_title(text: str, start: int, markdown: bool) -> str | None:
    """A short first line followed by a blank line (or a Markdown `# heading`) is the title."""
    lines = text[start : start + 4000].lstrip("\n").split("\n", 2)  # the opening only: no copy of a long book
    first = lines[0].strip()
    if markdown and first.startswith("# "):
        return first[2:].strip() or None
    followed_by_blank = len(lines) > 1 and not lines[1].strip()
    if not first or len(first) > 80 or not followed_by_blank or _HEADING_LIKE.match(first):
        return None
    if first[-1] in ".,;:!?\"'”’" or first.startswith(("#", "*", "\"", "“", "'")):
        return None
    return first.strip("_ ") or None


def _looks_like_table(text: str) -> bool:
    """Most lines carry the same number (>= 1) of commas, tabs or semicolons, and few are prose."""
    lines = [line for line in text[:200_000].split("\n") if line.strip()][:400]
    if len(lines) < 3:
        return False
    for sep in (",", "\t", ";"):
        counts = [line.count(sep) for line in lines]
        common = max(set(counts), key=counts.count)
        if common >= 1 and counts.count(common) >= 0.8 * len(lines):
            prose = sum(1 for line in lines if len(line) > 60 and line.count(" ") > 8 and line.count(sep) <= 2)
            if prose < 0.5 * len(lines):
                return True
    return False
