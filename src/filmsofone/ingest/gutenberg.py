"""Locate the story inside a Project Gutenberg file: after its header, before its footer and licence."""

from __future__ import annotations

import re

_START = re.compile(
    r"^\s*\*{3}\s*START OF (?:THE |THIS )?PROJECT GUTENBERG[^\n]*$"
    r"|^\s*\*END\*THE SMALL PRINT[^\n]*$",
    re.IGNORECASE | re.MULTILINE,
)
_END = re.compile(
    r"^\s*\*{3}\s*END OF (?:THE |THIS )?PROJECT GUTENBERG[^\n]*$"
    r"|^\s*End of (?:the )?Project Gutenberg[^\n]*$"
    r"|^\s*End of this Project Gutenberg[^\n]*$",
    re.IGNORECASE | re.MULTILINE,
)
_PRODUCER = re.compile(
    r"(?:[ \t]*\n)*[ \t]*(?:Produced by|Transcribed (?:from|by)|E-text prepared by|This (?:e|E)[Bb]ook was)"
    r"[^\n]*(?:\n[^\n]+)*\n",
)
_FIELD = re.compile(r"^(Title|Author):[ \t]*(.+)$", re.MULTILINE)


def story_bounds(text: str) -> tuple[int, int | None]:
    """(story_start, story_end) in `text`; (0, None) when it is not a Gutenberg file."""
    start = 0
    start_match = _START.search(text)
    if start_match:
        start = start_match.end()
        producer = _PRODUCER.match(text, start)
        if producer and producer.end() - start < 1500:
            start = producer.end()
        while start < len(text) and text[start] == "\n":
            start += 1
    end_match = _END.search(text, start)
    end = end_match.start() if end_match else None
    if end is not None:
        while end > start and text[end - 1] in "\n \t":
            end -= 1
    return start, end


def header_fields(text: str, limit: int) -> dict[str, str]:
    """The `Title:` and `Author:` fields of a Gutenberg header (lower-cased keys)."""
    fields: dict[str, str] = {}
    for match in _FIELD.finditer(text, 0, limit):
        fields.setdefault(match.group(1).lower(), match.group(2).strip())
    return fields
