"""A scene's material as candidate beats: every filmable action sentence, every quotation as a line of
dialogue (its interrupted pieces joined by a space), each with its span in the book and a score."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..analysis.narrator import letter_spans
from ..analysis.text import paragraphs
from ..lexicon import HONORIFICS
from ..models import BookAnalysis, Quote, Scene
from .filmable import action_clause, screen_lines, split_sentences, tidy
from .runtime import beat_seconds, word_count

TRIM_WORDS = 40  # a long speech is cut, at a sentence end, to about this many words when the scene is compressed
ACTION_SCORE = 2.0  # a filmable action line (a moving one 0.5 more); a line of dialogue scores its speaker's role
ROLE_SCORE = {"major": 3.0, "intermediate": 2.0, "minor": 1.0}
VOICEOVER_SCORE = 1.0  # a written voice-over (the offline adapter's opening line scores its own 4.0)
_QUOTE_MARKS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb "
_SENTENCE_CLOSED = re.compile("[.!?][\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\\s]*$")  # '" said Nell. "'
_HEADING = re.compile(r"^(chapter|book|part|volume|act|stave)\b|^[IVXLC]+\.?$|^\d+\.?$", re.I)
_LINE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z])")


@dataclass
class Candidate:
    """A beat the adapter may keep."""

    kind: str  # action | dialogue | voiceover
    text: str
    start: int
    end: int
    speaker: str | None = None
    quote: str | None = None
    score: float = 0.0
    short: str = ""  # dialogue: the line trimmed at a sentence end (same as text when short)
    short_end: int = 0
    _full: float = field(default=-1.0, repr=False)
    _trimmed: float = field(default=-1.0, repr=False)

    def seconds(self, trimmed: bool = False) -> float:
        """Screen time (of the trimmed line when `trimmed`); computed once."""
        if self._full < 0:
            self._full = beat_seconds(self.kind, self.text)
            self._trimmed = beat_seconds(self.kind, self.short) if self.short and self.short != self.text else self._full
        return self._trimmed if trimmed else self._full


@dataclass
class SceneMaterial:
    scene: Scene
    candidates: list[Candidate] = field(default_factory=list)
    opening: str = ""  # the scene's first narration sentence (a voice-over when nothing else can carry it)
    opening_span: tuple[int, int] = (0, 0)


def scene_quotes(analysis: BookAnalysis, scene: Scene) -> list[Quote]:
    """The scene's quotations in text order: tagged with it, or untagged inside its span."""
    chosen = [q for q in analysis.quotes if q.spans and (
        q.scene == scene.id or (q.scene is None and scene.start <= q.spans[0][0] < scene.end))]
    return sorted(chosen, key=lambda q: q.spans[0][0])


def dialogue_line(text: str, quote: Quote) -> str:
    """The quotation's words as written, its pieces joined by a space (whitespace runs made one space); a
    piece's closing comma becomes the full stop it stands for when the tag after it ends its sentence and the
    next piece opens a new one ('"Good morning, Ned," said Nell. "Is it late?"' -> 'Good morning, Ned. Is it
    late?')."""
    pieces = [tidy(text[a:b]).strip(_QUOTE_MARKS.replace("'", "").replace("\u2019", "")) for a, b in quote.spans]
    for i, ((_, end), (start, _)) in enumerate(zip(quote.spans, quote.spans[1:])):
        if pieces[i].endswith(",") and pieces[i + 1][:1].isupper() and _SENTENCE_CLOSED.search(text[end:start]):
            pieces[i] = pieces[i][:-1] + "."
    return " ".join(p for p in pieces if p)


def trim_line(line: str, limit: int = TRIM_WORDS) -> str:
    """The line cut after the last sentence that keeps it within `limit` words (at least one sentence)."""
    if word_count(line) <= limit:
        return line
    kept = ""
    for match in _LINE_END.finditer(line):
        head = line[:match.start()].rstrip()
        if word_count(head) > limit:
            break
        kept = head
    return kept or line


@dataclass
class Piece:
    """A narration sentence or a quotation of the scene, in text order."""

    start: int
    end: int
    quote: Quote | None = None
    beside_dialogue: bool = False  # a narration sentence in a paragraph that holds a quotation


def scene_pieces(analysis: BookAnalysis, scene: Scene, text: str) -> list[Piece]:
    """The scene's narration sentences and quotations in text order (headings and scene breaks left out)."""
    quotes = scene_quotes(analysis, scene)
    spans = [(p.start, p.end) for p in paragraphs(text, scene.start, scene.end) if not _furniture(text[p.start:p.end])]
    by_paragraph: dict[int, list[Quote]] = {}
    for quote in quotes:
        by_paragraph.setdefault(paragraph_of(spans, quote.spans[0][0]), []).append(quote)
    pieces: list[Piece] = []
    letters = letter_paragraphs(text, spans)
    for index, (a, b) in enumerate(spans):
        inside = by_paragraph.get(index, [])
        if index in letters and not inside:
            continue  # a letter read in the story is no action a camera shows ("he left in the winter")
        cursor = a
        for quote in inside:
            for s, e in quote.spans:
                pieces += [Piece(x, y, beside_dialogue=True) for x, y in split_sentences(text, cursor, min(max(s, cursor), b))]
                cursor = max(cursor, e)
            pieces.append(Piece(quote.spans[0][0], quote.spans[-1][1], quote=quote))
        pieces += [Piece(x, y, beside_dialogue=bool(inside)) for x, y in split_sentences(text, cursor, max(b, cursor))]
    return pieces


def letter_paragraphs(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """The paragraphs (indices into `spans`) of letters written out in the narration, as the analysis finds
    them (`analysis.narrator.letter_spans`: from a salutation to the paragraph that signs it)."""
    if not spans:
        return set()
    letters = letter_spans(text, spans[0][0], spans[-1][1])
    return {i for i, (a, b) in enumerate(spans) if any(s <= a and b <= e for s, e in letters)}


def read_scenes(analysis: BookAnalysis, scenes: list[Scene], text: str, roles: dict[str, str],
                progress=None) -> list[SceneMaterial]:
    """Each scene's candidate beats in text order; the action lines of all of them are told in the present
    tense in one batch (one parse is much faster than one a scene), and those the parse shows to state a
    feeling are left out (`filmable.screen_lines`)."""
    materials = []
    for done, scene in enumerate(scenes, 1):
        materials.append(_gather(analysis, scene, text, roles))
        if progress and (done % 25 == 0 or done == len(scenes)):
            progress("adapting: reading scenes", done, len(scenes))
    actions = [c for material in materials for c in material.candidates if c.kind == "action"]
    felt = set()
    for candidate, line in zip(actions, screen_lines([c.text for c in actions])):
        if line is None:
            felt.add(id(candidate))
        else:
            candidate.text, candidate.score = line, beat_score("action", line, None, roles)
    for material in materials:
        material.candidates = [c for c in material.candidates if id(c) not in felt]
        scores = [c.score for c in material.candidates]
        mark_ends(scores)
        for candidate, score in zip(material.candidates, scores):
            candidate.score = score
    return materials


def _gather(analysis: BookAnalysis, scene: Scene, text: str, roles: dict[str, str]) -> SceneMaterial:
    """The scene's lines (scored) and filmable clauses (as the book tells them, scored once told), in order."""
    material = SceneMaterial(scene)
    narrator = _narrator(analysis)
    for piece in scene_pieces(analysis, scene, text):
        if piece.quote is not None:
            line = dialogue_line(text, piece.quote)
            if line:
                material.candidates.append(_dialogue(text, piece.quote, line, roles))
            continue
        sentence = text[piece.start:piece.end]
        if not material.opening and not piece.beside_dialogue and sentence[:1].isupper() and word_count(sentence) >= 6:
            material.opening, material.opening_span = tidy(sentence), (piece.start, piece.end)
        clause = action_clause(third_person(sentence, *narrator) if narrator else sentence, piece.beside_dialogue)
        if clause:
            material.candidates.append(Candidate("action", clause, piece.start, piece.end))
    return material


_FIRST_PERSON = re.compile(r"\b(I(?![\'\u2019])|[Mm]e|[Mm]y|[Mm]yself|[Mm]ine|[Ww]e(?![\'\u2019])|[Uu]s|[Oo]ur|[Oo]urs|"
                           r"[Oo]urselves)\b")
_PLURAL = {"we": "they", "us": "them", "our": "their", "ours": "theirs", "ourselves": "themselves"}
_OWN = {"male": {"my": "his", "mine": "his", "myself": "himself"},
        "female": {"my": "her", "mine": "hers", "myself": "herself"}}


def _narrator(analysis: BookAnalysis) -> tuple[str, str] | None:
    """The first-person narrator's short name and gender (the one character called "I"), else None."""
    tellers = [c for c in analysis.characters if "I" in c.aliases]
    if len(tellers) != 1:
        return None
    name = tellers[0].name
    first = name.split()[0].rstrip(".") if name.split() else ""
    short = name if first in HONORIFICS or first in ("the", "The") else name.split()[0]
    return short, tellers[0].gender


def third_person(sentence: str, name: str, gender: str) -> str:
    """A first-person narration sentence told of the narrator, as a camera sees them: "I" and "me" become their
    name, "my", "mine" and "myself" the pronoun of their gender ("their", "theirs", "themselves" when unknown; a
    name's possessive would be misread by the tense-turning parse), "we", "us", "our" the third person plural.
    "I stared at my hands" -> "Nell stared at her hands"; "Osric and I mended our nets" -> "... their nets"."""

    def swap(match: re.Match) -> str:
        word = match.group(1).lower()
        own = _OWN.get(gender, {"my": "their", "mine": "theirs", "myself": "themselves"})
        out = _PLURAL.get(word) or own.get(word, name)
        before = sentence[:match.start()].rstrip()
        return out[:1].upper() + out[1:] if not before or before[-1] in ".!?" else out

    return _FIRST_PERSON.sub(swap, sentence)


def beat_score(kind: str, line: str, speaker: str | None, roles: dict[str, str]) -> float:
    """How much a beat carries the story: an action line ACTION_SCORE (a moving one 0.5 more); a line of
    dialogue its speaker's role (ROLE_SCORE), more when it exclaims or asks, or is short; a voice-over
    VOICEOVER_SCORE."""
    if kind == "action":
        return ACTION_SCORE + (0.5 if _moves(line) else 0.0)
    if kind == "voiceover":
        return VOICEOVER_SCORE
    score = ROLE_SCORE.get(roles.get(speaker or "", ""), 0.3)
    score += 0.5 if re.search(r"[!?]", line) else 0.0
    return score + (0.3 if word_count(line) <= 15 else 0.0)


def _dialogue(text: str, quote: Quote, line: str, roles: dict[str, str]) -> Candidate:
    start, end = quote.spans[0][0], quote.spans[-1][1]
    short = trim_line(line)
    short_end = end if short == line else _end_of_prefix(text, quote, short)
    return Candidate("dialogue", line, start, end, speaker=quote.speaker, quote=quote.id,
                     score=beat_score("dialogue", line, quote.speaker, roles), short=short, short_end=short_end)


def _end_of_prefix(text: str, quote: Quote, prefix: str) -> int:
    """Where in the book the trimmed line ends (its last words found in the quotation's pieces)."""
    tail = prefix.split()[-1]
    tails = (tail, tail[:-1] + ",") if tail.endswith(".") else (tail,)  # a full stop the line put for a comma
    for a, b in reversed(quote.spans):
        for written in tails:
            at = text.rfind(written, a, b)
            if at >= 0 and tidy(text[quote.spans[0][0]:at + len(written)]).endswith(written):
                return at + len(written)
    return quote.spans[-1][1]


def _moves(line: str) -> bool:
    return bool(re.search(r"\b(walks?|runs?|goes|go|comes?|enters?|crosses|cross|hurries|hurry|rushes|rush|"
                          r"climbs?|rides?|drives?|arrives?|leaves|leave|follows?|flees|flee|rises|rise)\b", line))


def mark_ends(scores: list[float]) -> None:
    """The scene's first and last beats carry its opening image and its turn (their scores raised in place)."""
    if scores:
        scores[0] += 2.0
        scores[-1] += 1.5


def _furniture(piece: str) -> bool:
    if len(piece) > 200:
        return False
    flat = tidy(piece)
    return not re.search(r"[a-z]", flat) or (len(flat) <= 60 and bool(_HEADING.match(flat)))


def paragraph_of(spans: list[tuple[int, int]], offset: int) -> int:
    """The paragraph holding `offset`, else the last one starting before it (else the first)."""
    best = 0
    for index, (a, b) in enumerate(spans):
        if a <= offset < b:
            return index
        if a <= offset:
            best = index
    return best
