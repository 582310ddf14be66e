"""Plain-text helpers shared by the stages: paragraphs and their offsets."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")
_LINE = re.compile(r"[^\n]*\S[^\n]*")


@dataclass(frozen=True)
class Paragraph:
    """A run of non-blank lines: `text[start:end]`."""

    start: int
    end: int


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Paragraph]:
    """The paragraphs (blank-line separated) of `text[start:end]`, with absolute offsets, trailing space trimmed.

    A text without blank lines (one paragraph per line) is split at each line instead.
    """
    end = len(text) if end is None else end
    found = [Paragraph(m.start(), _rstrip(text, m.start(), m.end())) for m in _PARAGRAPH.finditer(text, start, end)]
    if len(found) <= 3 and end - start > 20_000:
        found = [
            Paragraph(m.start(), _rstrip(text, m.start(), m.end()))
            for m in _LINE.finditer(text, text.rfind("\n", 0, start) + 1, end)  # no copy of the text
            if m.start() >= start
        ]
    return found


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


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
