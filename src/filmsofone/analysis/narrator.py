"""NarratorFinder: a first-person narrator becomes a character (named when the book names them).

A book is told in the first person when "I", "me", "my" are frequent in its narration (outside quotations).
The narrator's name is the character addressed in dialogue far more often than named in narration (others
call Watson by name; he calls himself "I"); when there is none, the character is "the narrator".
"""

from __future__ import annotations

import bisect
import re

from .characters import CharacterCluster

_HEADING_WORDS = ("CHAPTER", "Chapter", "BOOK", "Book", "PART", "Part", "VOLUME", "Volume")
_NOT_A_HEADING_NUMBER = "".join(rf"(?<!{word}\s)" for word in _HEADING_WORDS)  # "CHAPTER I." is not "I"
_FIRST_PERSON = re.compile(rf"{_NOT_A_HEADING_NUMBER}\b(?:I|me|my|myself)\b")
_MIN_RATE = 0.012  # first-person words per narration word


_WORD = re.compile(r"\S+")


class NarratorFinder:
    """`find(text, start, end, characters, quote_spans) -> characters` with the narrator marked (or added)."""

    def find(self, text: str, start: int, end: int, characters: list[CharacterCluster], quote_spans) -> list[CharacterCluster]:
        narration = _narration(text, start, end, quote_spans)
        words = max(sum(1 for _ in _WORD.finditer(narration)), 1)  # counted, not listed: a long book has millions
        if sum(1 for _ in _FIRST_PERSON.finditer(narration)) / words < _MIN_RATE:
            return characters
        spans = sorted(quote_spans)
        starts = [s for s, _ in spans]
        best, best_ratio = None, 0.0
        for cluster in characters:
            in_quotes = sum(1 for s, _ in cluster.mentions if _inside(starts, spans, s))
            outside = len(cluster.mentions) - in_quotes
            ratio = in_quotes / (outside + 1)
            if in_quotes >= 5 and ratio > best_ratio:
                best, best_ratio = cluster, ratio
        if best is not None and best_ratio >= 3:
            best.narrator = True
            best.aliases.add("I")
            return characters
        narrator = CharacterCluster(name="the narrator", aliases={"the narrator"}, narrator=True, id=f"c{len(characters) + 1}")
        narrator.mentions = [m.span() for m in re.finditer(r"\bI\b", narration)][:0]
        return [*characters, narrator]


def _narration(text: str, start: int, end: int, quote_spans) -> str:
    pieces, cursor = [], start
    for s, e in sorted(quote_spans):
        if s > cursor:
            pieces.append(text[cursor:s])
        cursor = max(cursor, e)
    pieces.append(text[cursor:end])
    return " ".join(pieces)


def _inside(starts, spans, position: int) -> bool:
    i = bisect.bisect_right(starts, position) - 1
    return i >= 0 and spans[i][0] <= position < spans[i][1]
