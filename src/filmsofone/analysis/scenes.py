"""SceneSegmenter: scenes inside each chapter, from explicit breaks and implicit time and place shifts.

An explicit break is a line of asterisks, a `#`, an ornament, or a run of blank lines. An implicit shift is a
paragraph that opens with a time jump ("The next morning", "That evening", "Meanwhile"), or a paragraph whose
first sentence takes the characters to another place ("They went down to the quay.", "When they reached the
chapel, ...", "In the drawing-room, ...") when that place then dominates the text that follows and was not the
place of the text before. A scene is never smaller than a filmable unit: shifts that would leave a piece
shorter than `MIN_SCENE_CHARS` are ignored, and a piece between explicit breaks that is too small (a heading,
a run of ornament lines, an illustration caption, a signature) joins a neighbour; a title page after a
chapter's last break is left out of its last scene.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import COMMON_TITLES, alternation
from ..models import Chapter
from .places import GENERIC, PLACE_NOUNS

MIN_SCENE_CHARS = 1200
FURNITURE_WORDS = 12  # fewer lower-case words than this: not prose
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*")
_BREAK = re.compile(r"\n[ \t]*(?:[*#~•·⁂❧◆◇✶✻§=_+-][ \t]*){1,12}\n(?=[ \t]*\n)|\n(?:[ \t]*\n){3,}")
_TIME_SHIFT_OPENERS = re.compile(
    r"(?:Meanwhile|In the meantime|Meantime|The next (?:morning|day|evening|night|afternoon)|Next (?:morning|day)|"
    r"(?:That|This) (?:evening|night|morning|afternoon)|The following (?:morning|day|evening|night|week)|"
    r"(?:Early|Late) (?:the next|that|in the|on the)|(?:A|Two|Three|Four|Five|Six|Several|Some|Many|A few) "
    r"(?:days?|weeks?|months?|years?|hours?|minutes?) (?:later|after|afterwards?|passed|went by|had passed)|"
    r"In the (?:morning|evening|afternoon|night)\b(?! of)|After (?:breakfast|dinner|supper|luncheon|tea)|"
    r"One (?:morning|evening|afternoon|night)|Towards? (?:evening|night|morning|noon|dusk)|"
    r"On the (?:following|next|morrow)|(?:Later|Late) that|At (?:dawn|daybreak|sunrise|sunset|dusk|noon|midnight)|"
    r"When (?:morning|evening|night) came|It was (?:morning|evening|night|dawn|dusk|noon|midnight))\b",
)
_ABSTRACT_PLACES = frozenset(
    """world earth ground spot country land kingdom province region neighbourhood neighborhood plain hedge
    rock rocks bank walk passage entry gate gates landing stairs staircase corridor""".split()
)
_SCENE_PLACES = sorted(
    (p for p in PLACE_NOUNS if p not in GENERIC and p not in _ABSTRACT_PLACES and " " not in p), key=len, reverse=True
)

_TITLES = alternation(COMMON_TITLES)


def _place(group: str) -> str:
    """A common-noun place after a determiner or possessive ("the quay", "Mrs. Pellow's drawing-room")."""
    nouns = "|".join(re.escape(p).replace(r"\-", r"[\s-]?") for p in _SCENE_PLACES)
    return rf"(?:the|a|an|his|her|their|our|my|(?:(?:{_TITLES})\.?\s+)?[A-Z][a-z]+(?:'s|’s))\s+(?:[a-z]+\s+)?(?P<{group}>{nouns})(?![\w-])"


def _named(group: str) -> str:
    suffix = r"Park|Hall|House|Lodge|Place|Street|Square|Court|Abbey|Castle|Manor|Road"
    return rf"(?P<{group}>[A-Z][a-z]{{3,}}(?:\s+(?:{suffix}))?)\b(?!['’]s)"


_SUBJECT = rf"(?:they|he|she|we|I|the\s+\w+|(?:{_TITLES})\.?\s+[A-Z][a-z]+|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
_MOTION = (
    r"(?:went|walked|came|hurried|ran|drove|rode|returned|proceeded|repaired|adjourned|withdrew|retired|"
    r"made (?:their|his|her|our|my) way|set (?:off|out)|stepped|climbed|crossed|strolled|wandered|sailed|"
    r"rowed|hastened|led the way)"
)
_PLACE_SHIFT = re.compile(
    rf"(?:When|As soon as|Once|By the time)\s+{_SUBJECT}\s+(?:had\s+)?(?:reached|arrived at|entered|got to|"
    rf"came to|come to|got into|went into|were in|was in|stood in|stood on)\s+(?:{_place('p1')}|{_named('n1')})"
    rf"|(?:In|At|On|Inside|Within|Outside|Down on|Up in|Out in)\s+{_place('p2')}\s*,"
    rf"|[^.!?]{{0,100}}?\b{_MOTION}\s+(?:(?:down|up|back|out|over|across|on|along|off|round|together|slowly|"
    rf"quickly|home)\s+)*(?:to|into|towards|toward|through|across|along|onto)\s+(?:{_place('p3')}|{_named('n3')})",
)
_PLACE_MENTION = re.compile(rf"\b{_place('place')}", re.I)
_NOT_PLACE_NAMES = frozenset({"then", "there", "this", "that", "when", "heaven", "their", "bed", "dinner", "breakfast"})
_PARAGRAPH_OPENING = re.compile(r"\n[ \t]*\n[ \t]*(?=[A-Z])")
PLACE_WINDOW = 3000  # characters after a place shift in which the new place must dominate


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
            bounds = [chapter.start, *cuts, _story_end(text, chapter, cuts)]
            pieces = [(a, b) for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]
            for n, (start, end) in enumerate(pieces or [(chapter.start, chapter.end)], 1):
                start, end = _trim(text, start, end)
                scenes.append(SceneSpan(f"{chapter.index}.{n}", chapter.index, start, end))
        return scenes

    def _cuts(self, text: str, chapter: Chapter) -> list[int]:
        """Offsets where a new scene begins inside the chapter."""
        explicit = [m.end() for m in _BREAK.finditer(text, chapter.start, chapter.end)]
        explicit = _filmable(text, sorted({c for c in explicit if chapter.start < c < chapter.end}), chapter)
        implicit = sorted(set(self._time_shifts(text, chapter)) | set(self._place_shifts(text, chapter)))
        return _spaced(explicit, implicit, chapter)

    @staticmethod
    def _place_shifts(text: str, chapter: Chapter) -> list[int]:
        """Paragraph openings that take the characters to a place which then dominates what follows."""
        shifts = []
        for match in _PARAGRAPH_OPENING.finditer(text, chapter.start, chapter.end):
            opening = match.end()
            sentence_end = re.search(r"[.!?](?:\s|$)|\n[ \t]*\n", text[opening : opening + 400])
            limit = opening + (sentence_end.end() if sentence_end else 400)
            shift = _PLACE_SHIFT.match(text, opening, limit)
            if shift is None:
                continue
            found = [shift.group(g) for g in ("p1", "p2", "p3", "n1", "n3") if shift.group(g)]
            place = _place_key(found[0]) if found else ""
            if shift.group("n1") or shift.group("n3"):
                place = place.split()[0]
            if not place or place in _NOT_PLACE_NAMES:
                continue
            after = _place_counts(text, opening, min(chapter.end, opening + PLACE_WINDOW), place)
            before = _place_counts(text, max(chapter.start, opening - PLACE_WINDOW), opening, place)
            if _dominant(after) == place and _dominant(before) != place:
                shifts.append(opening)
        return shifts

    @staticmethod
    def _time_shifts(text: str, chapter: Chapter) -> list[int]:
        shifts = []
        for match in _PARAGRAPH_BREAK.finditer(text, chapter.start, chapter.end):  # the chapter only, no copy
            if _TIME_SHIFT_OPENERS.match(text, match.end()):
                shifts.append(match.end())
        return shifts


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n[ \t]*(?=[A-Z])")


def opens_with_time_shift(text: str, start: int) -> bool:
    """Whether the text at `start` opens on a time jump ("The next morning"); "Meanwhile" keeps the time."""
    return _TIME_SHIFT_OPENERS.match(text, start) is not None and _SAME_TIME.match(text, start) is None


_SAME_TIME = re.compile(r"(?:Meanwhile|In the meantime|Meantime)\b")


def _place_key(place: str) -> str:
    return re.sub(r"[\s-]+", " ", place).strip().lower()


def _place_counts(text: str, start: int, end: int, named: str) -> dict[str, int]:
    """Mentions of each common-noun place, and of the named place `named`, in `text[start:end]`."""
    counts: dict[str, int] = {}
    for match in _PLACE_MENTION.finditer(text, start, end):
        key = _place_key(match.group("place"))
        counts[key] = counts.get(key, 0) + 1
    if named not in counts:
        hits = len(re.findall(rf"\b{re.escape(named)}\b", text[start:end], re.I))
        if hits:
            counts[named] = hits
    return counts


def _dominant(counts: dict[str, int]) -> str | None:
    """The place mentioned strictly more than any other (None on a tie or no place)."""
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def _prose_words(text: str, start: int, end: int) -> int:
    """Lower-case words in `text[start:end]`: ornaments, captions, title pages and headings have almost none."""
    return len(_LOWER_WORD.findall(text, start, end))


def _is_furniture(text: str, start: int, end: int) -> bool:
    """A piece with no prose to film: a line of ornaments, an illustration caption, a volume's title page."""
    return _prose_words(text, start, end) < FURNITURE_WORDS


def _filmable(text: str, cuts: list[int], chapter: Chapter) -> list[int]:
    """Explicit cuts minus those that would leave a piece too small to film. A piece without prose (ornaments,
    a caption, a title page) joins the piece after it, or the one before at the chapter's end; a short piece
    of prose joins the one before it (a coda), and so does any piece after an unfinished one ("Yours ever,"
    then a signature), unless it is the chapter's first piece or reads like a heading (no closing
    punctuation), which join the piece after."""
    cuts = list(cuts)
    while cuts:
        bounds = [chapter.start, *cuts, chapter.end]
        pieces = list(zip(bounds, bounds[1:]))
        sizes = [len(text[a:b].strip()) for a, b in pieces]
        small = [i for i, (a, b) in enumerate(pieces) if _is_furniture(text, a, b) or sizes[i] < MIN_SCENE_CHARS]
        if not small:
            break
        i = min(small, key=lambda k: (not _is_furniture(text, *pieces[k]), sizes[k]))
        a, b = pieces[i]
        ends_sentence = text[a:b].rstrip().endswith((".", "!", "?", '"', "'", "”", "’", ")"))
        unfinished = i > 0 and text[pieces[i - 1][0] : a].rstrip().endswith((",", ";", ":", "-", "—"))
        forward = i == 0 or (not unfinished and i < len(pieces) - 1 and (_is_furniture(text, a, b) or not ends_sentence))
        cuts.pop(i if forward else i - 1)  # cuts[i] ends piece i; cuts[i - 1] starts it
    return cuts


def _story_end(text: str, chapter: Chapter, cuts: list[int]) -> int:
    """The chapter's end, less trailing pieces without prose after its last explicit break (the next
    volume's title page, an illustration)."""
    breaks = [m for m in _BREAK.finditer(text, max([chapter.start, *cuts]), chapter.end)]
    for match in breaks:
        if _prose_words(text, match.start(), chapter.end) < FURNITURE_WORDS:
            return match.start()
    return chapter.end


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
    while marker := _MARKER_LINE.match(text, start, end):
        start = marker.end()
        while start < end and text[start].isspace():
            start += 1
    while marker := _TRAILING_MARKER.search(text, start, end):
        end = marker.start()
        while end > start and text[end - 1].isspace():
            end -= 1
    return start, end


_MARKER_LINE = re.compile(r"(?:[*#~•·⁂❧◆◇✶✻§=_+-][ \t]*){1,12}\n")
_TRAILING_MARKER = re.compile(r"\n[ \t]*(?:[*#~•·⁂❧◆◇✶✻§=_+-][ \t]*){1,12}$")
