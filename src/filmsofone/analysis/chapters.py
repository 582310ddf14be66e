"""ChapterSplitter: chapters from headings in their many shapes, or the whole story as one chapter."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..lexicon import ORDINALS
from ..models import Chapter

_UNITS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_NUMBER_WORDS = "|".join((*_UNITS, *_TENS, "hundred", *ORDINALS, "last"))  # "one", "twenty", "the third"
_NUMBER = rf"(?:[IVXLCDM]+|\d+|(?i:(?:the[ \t]+)?(?:{_NUMBER_WORDS})(?:[ \t-]+(?:{_NUMBER_WORDS}))*))"  # on one line
_CHAPTER = re.compile(rf"^[ \t]*(?:#{{1,4}}[ \t]*)?(?:CHAPTER|Chapter|CHAP\.|Chap\.)[ \t]+{_NUMBER}\b(?P<rest>[^\n]{{0,80}})$", re.I | re.M)
_LEVEL = re.compile(rf"^[ \t]*(?:#{{1,3}}[ \t]*)?(?:BOOK|PART|VOLUME|Book|Part|Volume)[ \t]+{_NUMBER}\b(?P<rest>[^\n]{{0,80}})$", re.M)
_BARE_NUMBER = re.compile(r"^[ \t]*(?:[IVXLC]+|\d{1,3})\.?[ \t]*$", re.M)
_MARKDOWN = re.compile(r"^#{1,3}[ \t]+\S[^\n]{0,100}$", re.M)
_WORD_NUMBER = re.compile(r"^[ \t]*(?:[A-Z]+(?:[ -][A-Z]+)?|[A-Z][a-z]+(?:-[a-z]+)?)\.?[ \t]*$", re.M)  # "ONE", "Twenty-one"
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_MIN_PROLOGUE = 1500  # text before the first heading longer than this becomes a chapter of its own
_MIN_BODY = 150  # a heading followed by less text than this is a table of contents entry


@dataclass(frozen=True)
class _Heading:
    start: int  # the heading line's start
    body: int  # where the chapter's text begins (after the heading and any title line)
    title: str
    level: int  # 0 = book/part, 1 = chapter


class ChapterSplitter:
    """`split(text, start, end, hints) -> list[Chapter]` covering the story `text[start:end]`.

    BOOK/PART/VOLUME headings above chapter headings are not chapters: each chapter carries the heading of
    the part it is in (`Chapter.part`), so numbering that restarts in each part stays unambiguous. The part
    heading's lines open the part's first chapter; a long introduction under a part heading (longer than a
    prologue) becomes a chapter of its own, titled by the part.
    """

    def split(self, text: str, start: int, end: int, hints: list[Chapter] = ()) -> list[Chapter]:
        if hints:
            return [c for c in hints if c.end > start and c.start < end] or [self._whole(text, start, end)]
        headings, parts, candidates = self._headings(text, start, end)
        if not headings:
            return [self._whole(text, start, end)]
        units = _with_parts(text, headings, parts, candidates)
        chapters = []
        if len(text[start : units[0].start].strip()) >= _MIN_PROLOGUE:
            chapters.append(Chapter(index=1, title="", start=start, end=_rstrip(text, start, units[0].start)))
        for index, unit in enumerate(units):
            stop = units[index + 1].start if index + 1 < len(units) else end
            chapters.append(Chapter(index=len(chapters) + 1, title=unit.title, start=unit.start,
                                    end=_rstrip(text, unit.start, stop), part=unit.part))
        return chapters

    def _headings(self, text: str, start: int, end: int) -> tuple[list[_Heading], list[_Heading], list[int]]:
        """(chapter headings, part headings above them, the starts of every chapter heading found, including
        those of a table of contents); the parts are the chapters when there is no chapter."""
        parts = [h for h in self._find(_LEVEL, text, start, end, level=0) if _stands_alone(text, h.start, start)
                 and _heading_rest(_LEVEL.match(text, h.start).group("rest"))]
        found = self._chapter_headings(text, start, end, {p.start for p in parts})
        if not found:
            return _drop_contents(text, parts, end), [], []
        return _drop_contents(text, found, end), parts, [h.start for h in found]

    def _chapter_headings(self, text: str, start: int, end: int, part_starts: set[int]) -> list[_Heading]:
        shapes = {pattern: [h for h in self._find(pattern, text, start, end, level=1)
                            if _stands_alone(text, h.start, start) and h.start not in part_starts
                            and (pattern is not _CHAPTER or _heading_rest(_CHAPTER.match(text, h.start).group("rest")))]
                  for pattern in (_CHAPTER, _BARE_NUMBER, _MARKDOWN, _WORD_NUMBER)}
        words = [h for h in shapes[_WORD_NUMBER] if heading_number(h.title) is not None]  # not "THE LEDGER"
        mixed = _numbered_run(shapes[_CHAPTER] + shapes[_BARE_NUMBER] + words, sorted(part_starts))
        if len(mixed) >= 2 and max(len(shapes[_CHAPTER]), len(shapes[_BARE_NUMBER])) < 2 * len(mixed) / 3:
            return mixed  # "ONE", "II.", "Chapter the Third", "FOUR": one numbering in several shapes
        for pattern in (_CHAPTER, _BARE_NUMBER, _MARKDOWN):
            found = shapes[pattern]
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


def _numbered_run(headings: list[_Heading], part_starts: list[int] = ()) -> list[_Heading]:
    """The headings in text order when their numbers run 1, 2, 3, ... without a gap or a repeat (starting again
    at 1 after a part heading: "PART TWO", "ONE"), else none (sections numbered inside chapters, a page number, a
    word alone on its line that is no number)."""
    ordered = sorted({h.start: h for h in headings}.values(), key=lambda h: h.start)
    expected = 1
    for n, heading in enumerate(ordered):
        number = heading_number(heading.title)
        previous = ordered[n - 1].start if n else -1
        new_part = any(previous < p < heading.start for p in part_starts)
        if number != expected and not (new_part and number == 1):
            return []
        expected = number + 1
    return ordered


def _number_alone(line: str) -> bool:
    """A chapter number on its own ("ONE", "II."): the next heading, not the title of the one above."""
    return bool(_BARE_NUMBER.fullmatch(line) or _WORD_NUMBER.fullmatch(line)) and heading_number(line) is not None


def heading_number(title: str) -> int | None:
    """The number a chapter heading gives: "Chapter the Third" 3, "II." 2, "TWENTY-ONE" 21, "Chapter 7: ..." 7."""
    words = re.sub(r"^(?:chapter|chap\.)\s+", "", title.strip(), flags=re.I).split(":")[0].replace("-", " ").split()
    if not words:
        return None
    first = words[0].rstrip(".")
    if first.isdigit():
        return int(first)
    if re.fullmatch(r"[IVXLCDM]+", first):
        values = [_ROMAN[c] for c in first]
        return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    words = [w.lower().rstrip(".") for w in words if w.lower() != "the"]
    total = 0
    for n, word in enumerate(words[:2]):
        if word in _TENS and n == 0:
            total = _TENS[word]
        elif word in _UNITS or word in ORDINALS:
            total += (_UNITS.index(word) if word in _UNITS else ORDINALS.index(word)) + 1
        elif n == 0:
            return None
        else:
            break
    return total or None


def _stands_alone(text: str, pos: int, story_start: int) -> bool:
    """A heading is preceded by a blank line (or the story's start)."""
    return pos <= story_start or text[max(story_start, pos - 2) : pos] == "\n\n" or pos - story_start < 2


def _heading_rest(rest: str) -> bool:
    """What follows "PART II" or "Chapter 3" on its line is a title ("PART II: THE RETURN", "Book One. The
    Fog"), not prose ("Part I had played in it was small", "Chapter two was missing, so she went back")."""
    rest = rest.strip()
    if not rest or rest[0] in ".:—–-":
        return True
    words = [w for w in re.findall(r"[A-Za-z]+", rest) if w.lower() not in _SMALL_WORDS]
    return not words or sum(w[0].isupper() for w in words) >= 0.6 * len(words)


_SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


def _subtitle(text: str, pos: int, end: int) -> tuple[str, int] | None:
    """A short title line right under the heading (at most one blank line between), not prose."""
    match = re.compile(r"\n(?:[ \t]*\n)?[ \t]*([^\n]{1,80})[ \t]*(?=\n[ \t]*\n|\Z)").match(text, pos, end)
    if not match:
        return None
    line = match.group(1).strip()
    if not line or line[-1] in ".,;:!?\"'”’" and not line.endswith("...") or line[0] in "\"“‘'" or len(line.split()) > 12:
        return None
    if _CHAPTER.match(line) or _LEVEL.match(line) or _number_alone(line):
        return None
    return line.strip("_* "), match.end()


@dataclass(frozen=True)
class _Unit:
    start: int
    title: str
    part: str | None


def _with_parts(text: str, chapters: list[_Heading], parts: list[_Heading], candidates: list[int]) -> list[_Unit]:
    """Chapters with the part each is in. A part heading between two chapters opens the later one (or, when a
    long introduction follows it, a chapter of its own); the part lasts until the next part heading. A part
    heading with a chapter heading of a table of contents between it and the chapter is an entry of the table."""
    units: list[_Unit] = []
    part: str | None = None
    i = 0
    for n, chapter in enumerate(chapters):
        previous = chapters[n - 1].start if n else -1
        while i < len(parts) and parts[i].start <= previous:
            i += 1
        above = []
        while i < len(parts) and parts[i].start < chapter.start:
            above.append(parts[i])
            i += 1
        lo = bisect.bisect_right(candidates, above[-1].start) if above else 0
        if above and lo < len(candidates) and candidates[lo] < chapter.start:
            above = []  # "PART II" of a table of contents, chapter entries listed under it
        start = chapter.start
        if above:
            heading = above[-1]
            part = heading.title
            start = heading.start
            if len(text[heading.body : chapter.start].strip()) >= _MIN_PROLOGUE:
                units.append(_Unit(heading.start, heading.title, part))
                start = chapter.start
        units.append(_Unit(start, chapter.title, part))
    return units


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
