"""Plain-text helpers shared by the stages: paragraphs and their offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")


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
            for m in re.finditer(r"[^\n]*\S[^\n]*", text[:end])
            if m.start() >= start
        ]
    return found


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
