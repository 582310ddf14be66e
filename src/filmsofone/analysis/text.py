"""Plain-text helpers shared by the stages: paragraphs and their offsets."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")
_LINE = re.compile(r"[^\n]*\S[^\n]*")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LINES_TO_TELL = 20_000  # characters of text before a book without blank lines is told from one long paragraph


@dataclass(frozen=True)
class Paragraph:
    """A paragraph, without the white space around it: `text[start:end]`."""

    start: int
    end: int


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Paragraph]:
    """The paragraphs of `text[start:end]` with absolute offsets, white space around each trimmed.

    Paragraphs are runs of lines between blank lines; in a book that has (almost) no blank lines, where each line
    is a paragraph, each line. The choice is made once for the whole book (`lines_are_paragraphs`), so a
    scene's paragraphs are the ones the analysis of the whole book saw.
    """
    end = len(text) if end is None else end
    if lines_are_paragraphs(text):
        matches = (m for m in _LINE.finditer(text, text.rfind("\n", 0, start) + 1, end) if m.start() >= start)
    else:
        matches = _PARAGRAPH.finditer(text, start, end)
    return [Paragraph(*_strip(text, m.start(), m.end())) for m in matches]


@functools.lru_cache(maxsize=4)
def lines_are_paragraphs(text: str) -> bool:
    """Does this book mark its paragraphs by line breaks alone? True for a long text (over 20,000 characters)
    in which fewer than one line in fifty is followed by a blank line (a Gutenberg header's few blank lines
    do not make a book of blank-line paragraphs)."""
    if len(text) <= _LINES_TO_TELL:
        return False
    return len(_BLANK_LINE.findall(text)) * 50 < text.count("\n") + 1


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_LINE_END_HYPHEN = re.compile(r"(?<=[A-Za-z])-[ \t]*\r?\n[ \t]*(?=[a-z])")


@dataclass(frozen=True)
class Dehyphenated:
    """`text[start:end]` with words split at a line end ("Eliz-\\nabeth") joined again, and the way back to the
    original offsets (the original text is never changed; only searches run on the joined copy)."""

    joined: str
    start: int
    cuts: tuple[int, ...]  # positions in `joined` where a "-\\n" was removed
    removed: tuple[int, ...]  # characters removed up to and including each cut

    def original(self, position: int, *, end: bool = False) -> int:
        """The offset in the original text of `position` in `joined` (an end position stays before a removed
        break that follows it)."""
        i = (bisect.bisect_left if end else bisect.bisect_right)(self.cuts, position)
        return self.start + position + (self.removed[i - 1] if i else 0)


def dehyphenated(text: str, start: int = 0, end: int | None = None) -> Dehyphenated:
    """Join the words of `text[start:end]` that a line-end hyphen split."""
    end = len(text) if end is None else end
    pieces, cuts, removed, cursor, total = [], [], [], start, 0
    for match in _LINE_END_HYPHEN.finditer(text, start, end):
        pieces.append(text[cursor : match.start()])
        total += match.end() - match.start()
        cuts.append(match.start() - start - (total - (match.end() - match.start())))
        removed.append(total)
        cursor = match.end()
    pieces.append(text[cursor:end])
    return Dehyphenated("".join(pieces), start, tuple(cuts), tuple(removed))
