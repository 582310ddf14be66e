"""SceneSegmenter: scenes inside each chapter, from explicit breaks and implicit time shifts.

An explicit break is a line of asterisks, a `#`, an ornament, or a run of blank lines. An implicit shift is a
paragraph that opens with a time jump ("The next morning", "That evening", "Meanwhile"). A scene is never
smaller than a filmable unit: shifts that would leave a piece shorter than `MIN_SCENE_CHARS` are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Chapter

MIN_SCENE_CHARS = 1200
_BREAK = re.compile(r"\n[ \t]*(?:[*#~•·⁂❧◆◇✶✻§=_+-][ \t]*){1,12}\n(?=[ \t]*\n)|\n(?:[ \t]*\n){3,}")
_TIME_SHIFT_OPENERS = re.compile(
    r"(?:Meanwhile|In the meantime|Meantime|The next (?:morning|day|evening|night|afternoon)|Next (?:morning|day)|"
    r"(?:That|This) (?:evening|night|morning|afternoon)|The following (?:morning|day|evening|night|week)|"
    r"(?:Early|Late) (?:the next|that|in the|on the)|(?:A|Two|Three|Four|Five|Six|Several|Some|Many|A few) "
    r"(?:days?|weeks?|months?|years?|hours?|minutes?) (?:later|after|passed|went by|had passed)|"
    r"On the (?:following|next|morrow)|(?:Later|Late) that|At (?:dawn|daybreak|sunrise|sunset|dusk|noon|midnight)|"
    r"When (?:morning|evening|night) came|It was (?:morning|evening|night|dawn|dusk|noon|midnight))\b",
)


@dataclass(frozen=True)
class SceneSpan:
    """A scene's place in the text, before its setting, time and characters are known."""

    id: str
    chapter: int
    start: int
    end: int


class SceneSegmenter:
    """`segment(text, chapters) -> list[SceneSpan]`, in reading order, covering each chapter."""

    def segment(self, text: str, chapters: list[Chapter]) -> list[SceneSpan]:
        scenes = []
        for chapter in chapters:
            cuts = self._cuts(text, chapter)
            bounds = [chapter.start, *cuts, chapter.end]
            pieces = [(a, b) for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]
            for n, (start, end) in enumerate(pieces or [(chapter.start, chapter.end)], 1):
                start, end = _trim(text, start, end)
                scenes.append(SceneSpan(f"{chapter.index}.{n}", chapter.index, start, end))
        return scenes

    def _cuts(self, text: str, chapter: Chapter) -> list[int]:
        """Offsets where a new scene begins inside the chapter."""
        explicit = [m.end() for m in _BREAK.finditer(text, chapter.start, chapter.end)]
        explicit = [c for c in explicit if chapter.start + 200 < c < chapter.end]
        implicit = self._time_shifts(text, chapter)
        return _spaced(sorted(set(explicit)), implicit, chapter)

    @staticmethod
    def _time_shifts(text: str, chapter: Chapter) -> list[int]:
        shifts = []
        for match in re.finditer(r"\n[ \t]*\n[ \t]*(?=[A-Z])", text[: chapter.end]):
            if match.start() < chapter.start:
                continue
            if _TIME_SHIFT_OPENERS.match(text, match.end()):
                shifts.append(match.end())
        return shifts


def _spaced(explicit: list[int], implicit: list[int], chapter: Chapter) -> list[int]:
    """Explicit cuts always; implicit ones only where both sides stay at least a filmable unit long."""
    cuts = list(explicit)
    for cut in implicit:
        bounds = sorted([chapter.start, *cuts, chapter.end])
        before = max(b for b in bounds if b <= cut)
        after = min(b for b in bounds if b > cut)
        if cut - before >= MIN_SCENE_CHARS and after - cut >= MIN_SCENE_CHARS:
            cuts.append(cut)
    return sorted(cuts)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    stripped = text[start:end]
    marker = re.match(r"(?:[*#~•·⁂❧◆◇✶✻§=_+-][ \t]*){1,12}\n", stripped)
    if marker:
        start += marker.end()
        while start < end and text[start].isspace():
            start += 1
    return start, end
