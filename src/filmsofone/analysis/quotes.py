"""QuoteFinder: every quotation, with its pieces' spans (excluding the marks).

Handles straight and curly double quotes, British single-quote dialogue (chosen per book), nested
quotations (only the outermost is a quotation), multi-paragraph speeches (an opening mark on each paragraph,
no closing mark until the end) and quotations interrupted by a narration tag (one quotation, several spans).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..lexicon import SPEECH_VERBS, SURNAME_PARTICLES, alternation
from .text import Paragraph

_OPEN_CONTEXT = set(" \t\n([{—–-_*")
_CLOSE_CONTEXT = set(" \t\n)]}—–-_*.,;:!?")
_MAX_TAG_BETWEEN = 250  # narration longer than this between two pieces starts a new quotation
_ELISIONS = re.compile(r"^(?:em|tis|twas|twere|twill|n|s|t|cause|bout|ere|neath|im|er|ow|e|is|ave|old|ome)\b", re.I)


@dataclass
class QuoteMatch:
    """One quotation: its spans (one per piece), and the paragraphs it covers (indices)."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


class QuoteFinder:
    """`find(text, paragraphs) -> list[QuoteMatch]` in reading order."""

    def find(self, text: str, paras: list[Paragraph]) -> list[QuoteMatch]:
        style = self.style(text, paras)
        quotes: list[QuoteMatch] = []
        carry: QuoteMatch | None = None  # a quotation still open at the end of the previous paragraph
        for index, para in enumerate(paras):
            pieces, open_at_end = self._pieces(text, para, style)
            current: QuoteMatch | None = None
            for n, (start, end) in enumerate(pieces):
                after = (end + 1, pieces[n + 1][0] - 1 if n + 1 < len(pieces) else para.end)
                if current is None and carry is not None and start == para.start + 1:
                    current = carry
                elif (current is None or start - current.end > _MAX_TAG_BETWEEN or _another_speaker(text, current.end + 1, start - 1)
                      or _tagged_apart(text, (current.end + 1, start - 1), after)):
                    current = QuoteMatch()
                    quotes.append(current)
                if end > start:
                    current.spans.append((start, end))
                if not current.paragraphs or current.paragraphs[-1] != index:
                    current.paragraphs.append(index)
            carry = current if open_at_end else None
        return [q for q in quotes if q.spans]

    # -- style and pieces ---------------------------------------------------------------------------

    @staticmethod
    def style(text: str, paras: list[Paragraph]) -> str:
        """'double' or 'single': which marks open dialogue in this book."""
        sample = text[paras[0].start : paras[min(len(paras), 2000) - 1].end] if paras else ""
        doubles = sample.count('"') + sample.count("“")
        singles = len(re.findall(r"(?:^|[\s(—])[‘'](?=\w)", sample))
        dashes = sum(1 for p in paras[:2000] if text[p.start] in "—―")
        if dashes > 2 * (doubles + singles) + 3:
            return "dash"
        return "single" if singles > 2 * doubles + 5 else "double"

    def _pieces(self, text: str, para: Paragraph, style: str) -> tuple[list[tuple[int, int]], bool]:
        """Quoted pieces (inner spans) of one paragraph; and whether a quotation is still open at its end."""
        if style == "dash":
            return _dash_pieces(text, para), False
        pieces: list[tuple[int, int]] = []
        depth, piece_start = 0, 0
        for pos in range(para.start, para.end):
            kind = _mark(text, pos, para, style, depth)
            if kind == "open":
                if depth == 0:
                    piece_start = pos + 1
                depth += 1
            elif kind == "close" and depth > 0:
                depth -= 1
                if depth == 0:
                    pieces.append((piece_start, pos))
        if depth > 0:
            pieces.append((piece_start, para.end))
        return pieces, depth > 0


_NAMED_SUBJECT = r"(?:[Tt]he[ \t\n]+)?[A-Z][a-z]+(?:[ \t\n]+[A-Z][a-z]+)*"
_SPEECH = alternation(SPEECH_VERBS)
# a speech verb with a subject (either side), then a clause break, then a named subject of another speech verb
_TWO_TAGS = re.compile(
    rf"\b(?:{_SPEECH})\b.*?(?:,[ \t\n]+(?:but|for|when|while|and[ \t\n]+then)\b|[;.!?][ \t\n]).*?"
    rf"(?:\b(?P<before>{_NAMED_SUBJECT})[ \t\n]+(?:{_SPEECH})|\b(?:{_SPEECH})[ \t\n]+(?P<after>{_NAMED_SUBJECT}))[ \t\n,:]*$",
    re.S,
)


def _another_speaker(text: str, start: int, end: int) -> bool:
    """Does the narration between two quoted pieces of a paragraph hand the word to someone else: a speech
    tag, a clause break, then a second speech verb with a named subject just before the next piece ('"Wretched
    weather!" Tom grumbled, but he broke off, for the Ferryman called out, "All aboard!"')? Then the next piece
    is a new quotation. ('"Oh!" she said, and added: "..."' stays one.)"""
    between = text[start:end]
    if len(between) > _MAX_TAG_BETWEEN or not between.strip():
        return False
    match = _TWO_TAGS.search(between)
    if match is None:
        return False
    second = match.group("before") or match.group("after")
    first = between[: match.start("before") if match.group("before") else match.start("after")]
    return second.split()[-1] not in first  # the same name twice is one speaker ("said Ada; and Ada added")


_PARTICLES = alternation(p for p in SURNAME_PARTICLES if p.isalpha())
_NAME_WORD = r"(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+)"
_FULL_SUBJECT = rf"(?:[Tt]he[ \t\n]+)?(?:(?:{_PARTICLES})[ \t\n]+)*{_NAME_WORD}(?:[ \t\n]+(?:(?:{_PARTICLES})[ \t\n]+)*{_NAME_WORD})*"
# the tag that follows a quoted piece: '", said Madame du Plessard' or '" McKessock said'
_TAG_AFTER = re.compile(rf"[ \t\n,]*(?:(?:{_SPEECH})[ \t\n]+(?P<after>{_FULL_SUBJECT})|(?P<before>{_FULL_SUBJECT})[ \t\n]+(?:{_SPEECH}))\b")


def _tagged_apart(text: str, first: tuple[int, int], second: tuple[int, int]) -> bool:
    """Do the narrations right after two quoted pieces of a paragraph open with speech tags naming two different
    people ('"Wetter," said de Brissac. "Much wetter," said Madame du Plessard.')? Then the second piece is a new
    quotation."""
    names = []
    for start, end in (first, second):
        match = _TAG_AFTER.match(text, start, max(start, end))
        if match is None:
            return False
        names.append((match.group("after") or match.group("before")).split()[-1])
    return names[0] != names[1]


def _mark(text: str, pos: int, para: Paragraph, style: str, depth: int) -> str | None:
    """'open', 'close' or None for the character at `pos` (only the book's dialogue marks count)."""
    char = text[pos]
    if style == "double":
        if char == "“":
            return "open"
        if char == "”":
            return "close"
        if char != '"':
            return None
    else:
        if char == "‘":
            return "open"
        if char not in "'’":
            return None
    before = text[pos - 1] if pos > para.start else "\n"
    after = text[pos + 1] if pos + 1 < para.end else "\n"
    if style == "single" and char in "'’":
        return _single_mark(text, pos, before, after, depth)
    opener = before in _OPEN_CONTEXT or before in "'‘\"“"
    closer = after in _CLOSE_CONTEXT or after in "'’\"”"
    if opener and not closer:
        return "open"
    if closer and not opener:
        return "close"
    return "close" if depth > 0 else "open"


def _single_mark(text: str, pos: int, before: str, after: str, depth: int) -> str | None:
    """A straight or closing single quote in a book whose dialogue is in single quotes: an opening mark
    before a word (also an italic or emphasised one: '_Vite!_'), a closing mark after one, an apostrophe
    inside a word or before an elision ('tis, 'em; any word inside a quotation: these books nest in double
    quotes). A mark between spaces closes an open quotation (plain-text
    editions that lost the dash of a broken-off speech: 'If the tide turns ' / 'But you ' he began)."""
    if before.isalnum() and after.isalnum():
        return None  # an apostrophe inside a word
    word_after = after.isalnum() or (after in "_*" and text[pos + 2 : pos + 3].isalnum())
    if before in _OPEN_CONTEXT and word_after:  # inside a quotation it is an elision ('prentice); nested ones are "double"
        return None if depth > 0 or _ELISIONS.match(text, pos + 1) else "open"
    if not before.isspace() and (after in _CLOSE_CONTEXT or after in "'\"”"):
        return "close" if depth > 0 else None
    if before.isspace() and after.isspace() and depth > 0:
        return "close"
    return None


def _dash_pieces(text: str, para: Paragraph) -> list[tuple[int, int]]:
    """Em-dash dialogue: a paragraph opening with a dash is speech; a later " — " pair sets off a narration tag
    (— Come in, — said Ada, — and shut the door.)."""
    if text[para.start] not in "—―":
        return []
    body = text[para.start + 1 : para.end]
    cuts = [m.start() + para.start + 1 for m in re.finditer(r"\s[—―]\s?", body)]
    pieces, start = [], para.start + 1
    for index, cut in enumerate(cuts):
        if index % 2 == 0:
            pieces.append((start, cut))
        else:
            start = cut + len(re.match(r"\s[—―]\s?", text[cut : cut + 3]).group(0))
    if len(cuts) % 2 == 0:
        pieces.append((start, para.end))
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b - (len(text[a:b]) - len(text[a:b].rstrip()))) for a, b in pieces if text[a:b].strip()]
