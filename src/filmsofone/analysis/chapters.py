"""ChapterSplitter: chapters from headings in their many shapes, or the whole story as one chapter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Chapter

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|last"
)
_NUMBER = rf"(?:[IVXLCDM]+|\d+|(?i:(?:the\s+)?(?:{_NUMBER_WORDS})(?:[\s-]+(?:{_NUMBER_WORDS}))*))"
_CHAPTER = re.compile(rf"^[ \t]*(?:#{{1,4}}[ \t]*)?(?:CHAPTER|Chapter|CHAP\.|Chap\.)[ \t]+{_NUMBER}\b[^\n]{{0,80}}$", re.I | re.M)
_LEVEL = re.compile(rf"^[ \t]*(?:#{{1,3}}[ \t]*)?(?:BOOK|PART|VOLUME|Book|Part|Volume)[ \t]+{_NUMBER}\b[^\n]{{0,80}}$", re.M)
_BARE_NUMBER = re.compile(r"^[ \t]*(?:[IVXLC]+|\d{1,3})\.?[ \t]*$", re.M)
_MARKDOWN = re.compile(r"^#{1,3}[ \t]+\S[^\n]{0,100}$", re.M)
_MIN_PROLOGUE = 1500  # text before the first heading longer than this becomes a chapter of its own
_MIN_BODY = 150  # a heading followed by less text than this is a table of contents entry


@dataclass(frozen=True)
class _Heading:
    start: int  # the heading line's start
    body: int  # where the chapter's text begins (after the heading and any title line)
    title: str
    level: int  # 0 = book/part, 1 = chapter


class ChapterSplitter:
    """`split(text, start, end, hints) -> list[Chapter]` covering the story `text[start:end]`."""

    def split(self, text: str, start: int, end: int, hints: list[Chapter] = ()) -> list[Chapter]:
        if hints:
            return [c for c in hints if c.end > start and c.start < end] or [self._whole(text, start, end)]
        headings = self._headings(text, start, end)
        if not headings:
            return [self._whole(text, start, end)]
        chapters = []
        if len(text[start : headings[0].start].strip()) >= _MIN_PROLOGUE:
            chapters.append(Chapter(index=1, title="", start=start, end=_rstrip(text, start, headings[0].start)))
        for index, heading in enumerate(headings):
            stop = headings[index + 1].start if index + 1 < len(headings) else end
            chapters.append(Chapter(index=len(chapters) + 1, title=heading.title, start=heading.start, end=_rstrip(text, heading.start, stop)))
        return chapters

    def _headings(self, text: str, start: int, end: int) -> list[_Heading]:
        found = self._chapter_headings(text, start, end)
        parts = [h for h in self._find(_LEVEL, text, start, end, level=0)]
        if not found:
            found = parts
        else:
            found = _attach_parts(found, parts)
        return _drop_contents(text, found, end)

    def _chapter_headings(self, text: str, start: int, end: int) -> list[_Heading]:
        for pattern in (_CHAPTER, _BARE_NUMBER, _MARKDOWN):
            found = [h for h in self._find(pattern, text, start, end, level=1) if _stands_alone(text, h.start, start)]
            if len(found) >= (1 if pattern is _CHAPTER else 2):
                return found
        return []

    def _find(self, pattern: re.Pattern, text: str, start: int, end: int, level: int) -> list[_Heading]:
        headings = []
        for match in pattern.finditer(text, start, end):
            title = match.group(0).strip().lstrip("#").strip()
            body = match.end()
            subtitle = _subtitle(text, body, end)
            if subtitle:
                title = f"{title} {subtitle[0]}"
                body = subtitle[1]
            headings.append(_Heading(match.start(), body, title, level))
        return headings

    @staticmethod
    def _whole(text: str, start: int, end: int) -> Chapter:
        return Chapter(index=1, title="", start=start, end=_rstrip(text, start, end))


def _stands_alone(text: str, pos: int, story_start: int) -> bool:
    """A heading is preceded by a blank line (or the story's start)."""
    return pos <= story_start or text[max(story_start, pos - 2) : pos] == "\n\n" or pos - story_start < 2


def _subtitle(text: str, pos: int, end: int) -> tuple[str, int] | None:
    """A short title line right under the heading (at most one blank line between), not prose."""
    match = re.compile(r"\n(?:[ \t]*\n)?[ \t]*([^\n]{1,80})[ \t]*(?=\n[ \t]*\n|\Z)").match(text, pos, end)
    if not match:
        return None
    line = match.group(1).strip()
    if not line or line[-1] in ".,;:!?\"'”’" and not line.endswith("...") or line[0] in "\"“‘'" or len(line.split()) > 12:
        return None
    if _CHAPTER.match(line) or _LEVEL.match(line):
        return None
    return line.strip("_* "), match.end()


def _attach_parts(chapters: list[_Heading], parts: list[_Heading]) -> list[_Heading]:
    """BOOK/PART headings name the chapters under them; the chapter begins at the part heading when adjacent."""
    merged = []
    for chapter in chapters:
        above = [p for p in parts if p.start < chapter.start and chapter.start - p.body < 400]
        if above and not any(above[-1].start < c.start < chapter.start for c in chapters):
            part = above[-1]
            chapter = _Heading(part.start, chapter.body, f"{part.title} — {chapter.title}", 1)
        merged.append(chapter)
    return merged


def _drop_contents(text: str, headings: list[_Heading], end: int) -> list[_Heading]:
    """Drop headings with almost no text before the next one (a table of contents)."""
    kept = []
    for index, heading in enumerate(headings):
        stop = headings[index + 1].start if index + 1 < len(headings) else end
        if len(text[heading.body : stop].strip()) >= _MIN_BODY or index + 1 == len(headings):
            kept.append(heading)
    return kept


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
