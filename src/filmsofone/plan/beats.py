"""A scene as beats, with who is named in each: the adaptation's beats as the planner shoots them
(`beats_from_adaptation`), and the book's paragraphs cut into action and dialogue beats (`cut_beats`, which
the sound reads for a scene's emotional curve). The planner never reads raw text itself; a line's speech
tag is read from its quotation (`Quote.tag`), never parsed out of the narration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from ..adapt import AdaptedScene, beat_seconds
from ..adapt.source import paragraph_of, scene_quotes
from ..analysis.text import paragraphs
from ..lexicon import LOUD_SPEECH_VERBS, QUIET_SPEECH_VERBS
from ..models import BookAnalysis, Quote, Scene

_WORD = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+(?:['\u2019][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z])")
_HEADING = re.compile(r"^(chapter|book|part|volume|act)\b|^[IVXLC]+\.?$|^\d+\.?$", re.I)
_PRONOUN = re.compile(r"\b(he|she|they|him|her|them|his|hers|their)\b", re.I)

MOTION = re.compile(
    r"\b(walk(?:s|ed|ing)?|ran|runs?|running|hurr(?:y|ies|ied|ying)|rush(?:es|ed|ing)?|cross(?:es|ed|ing)|"
    r"str(?:ode|ides|iding)|climb(?:s|ed|ing)?|r(?:ode|ides|iding)|dr(?:ove|ives|iving)|follow(?:s|ed|ing)|"
    r"march(?:es|ed|ing)?|pac(?:es|ed|ing)|wander(?:s|ed|ing)?|fled|flee(?:s|ing)?|rac(?:es|ed|ing)|"
    r"dash(?:es|ed|ing)?|gallop(?:s|ed|ing)?|row(?:s|ed|ing)|swam|swim(?:s|ming)?|stroll(?:s|ed|ing)?|"
    r"descend(?:s|ed|ing)?|ascend(?:s|ed|ing)?|crept|creep(?:s|ing)?|stagger(?:s|ed|ing)?|chas(?:es|ed|ing)|"
    r"hasten(?:s|ed|ing)?|tramp(?:s|ed|ing)?|limp(?:s|ed|ing)?|scrambl(?:es|ed|ing))\b",
    re.I,
)
EMOTION_WORDS = frozenset("""
tear tears wept weep weeps weeping sob sobs sobbed sobbing scream screams screamed screaming shriek shrieks
shrieked shrieking tremble trembles trembled trembling shudder shudders shuddered shuddering horror horrified
terror terrified afraid fear fears feared fearful rage furious fury anger angry kiss kisses kissed kissing
embrace embraces embraced embracing despair grief agony anguish pale blush blushes blushed blushing gasp gasps
gasped gasping dead death dying blood murder murdered hate hatred shock shocked astonished astonishment aghast
heart love loved loves passion passionate howl howls howled howling stunned dread panic frantic frantically
""".split())
def words(text: str) -> int:
    return len(_WORD.findall(text))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def tidy(text: str) -> str:
    """One line: runs of whitespace (line breaks of the book included) become single spaces."""
    return " ".join(text.split())


@dataclass
class Beat:
    """One unit of the scene: an action paragraph, or one speaker's line(s) with their narration."""

    kind: str  # "action" | "dialogue"
    start: int
    end: int
    narration: str  # the paragraph's text outside quotations, tidied
    quotes: list[Quote] = field(default_factory=list)
    spoken: str = ""  # the quotations' words, tidied
    speaker: str | None = None  # a Character id present in the scene, when known
    named: list[str] = field(default_factory=list)  # Character ids of the scene named in the paragraph
    pronoun: bool = False  # refers to someone by pronoun
    seconds: float | None = None  # screen time the adaptation gave the beat (None: from the text's length)
    voiceover: bool = False  # the narrator's words over the picture

    @cached_property
    def tokens(self) -> list[str]:
        return [w.lower() for w in _WORD.findall(f"{self.narration} {self.spoken}")]

    @property
    def words(self) -> int:
        return len(self.tokens)

    @cached_property
    def motion(self) -> bool:
        return bool(MOTION.search(self.narration))

    @cached_property
    def emotion(self) -> float:
        """Emotional weight: emotion words per 100 words of the beat (0 when none)."""
        return 100.0 * sum(1 for w in self.tokens if w in EMOTION_WORDS) / max(len(self.tokens), 1)

    @property
    def strong(self) -> bool:
        """A strong line: exclaimed, or tagged with a loud verb ("cried", "shouted")."""
        return self.kind == "dialogue" and ("!" in self.spoken or bool(self.tag_verbs & LOUD_SPEECH_VERBS))

    @property
    def whispered(self) -> bool:
        """A line tagged with a quiet verb ("whispered", "murmured")."""
        return self.kind == "dialogue" and bool(self.tag_verbs & QUIET_SPEECH_VERBS)

    @property
    def tag_verbs(self) -> set[str]:
        """The speech verbs of the beat's quotations' tags, as the analysis recorded them ("said", "went on")."""
        return {q.tag.verb.lower() for q in self.quotes if q.tag is not None}


class NameMatcher:
    """Finds the scene's characters named in a text by name or alias (ambiguous aliases ignored)."""

    def __init__(self, analysis: BookAnalysis, character_ids: list[str]):
        owners: dict[str, set[str]] = {}
        for cid in character_ids:
            try:
                character = analysis.character(cid)
            except KeyError:
                continue
            for name in {character.name, *character.aliases}:
                if len(name.strip()) >= 2:
                    owners.setdefault(name.strip(), set()).add(cid)
        self._names = {name: next(iter(ids)) for name, ids in owners.items() if len(ids) == 1}
        ordered = sorted(self._names, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in ordered) + r")(?![\w])") if ordered else None
        )

    def find(self, text: str) -> list[str]:
        """Character ids in order of first mention."""
        if self._pattern is None:
            return []
        found: list[str] = []
        for match in self._pattern.finditer(text):
            cid = self._names[match.group(1)]
            if cid not in found:
                found.append(cid)
        return found


def _is_furniture(piece: str, chapter_title: str | None) -> bool:
    """Headings and scene-break markers: no letters, a chapter title, or a short all-capitals line."""
    flat = tidy(piece)
    if not re.search(r"[A-Za-z]", flat):
        return True
    if chapter_title and flat.strip().rstrip(".").lower() == chapter_title.strip().rstrip(".").lower():
        return True
    if len(flat) <= 60 and (_HEADING.match(flat) or (flat.upper() == flat and words(flat) <= 8)):
        return True
    return False


def cut_beats(analysis: BookAnalysis, scene: Scene, text: str) -> list[Beat]:
    """The scene's beats in text order; every quotation of the scene lands in exactly one beat."""
    chapter_title = next((c.title for c in analysis.chapters if c.index == scene.chapter), None)
    present = list(scene.characters)
    matcher = NameMatcher(analysis, present)
    quotes = scene_quotes(analysis, scene)
    spans = [(p.start, p.end) for p in paragraphs(text, scene.start, scene.end)
             if not _is_furniture(text[p.start:p.end], chapter_title)]
    if not spans:
        spans = [(scene.start, max(scene.end, scene.start))]
    by_paragraph: dict[int, list[Quote]] = {i: [] for i in range(len(spans))}
    for quote in quotes:
        by_paragraph[paragraph_of(spans, quote.spans[0][0])].append(quote)

    beats: list[Beat] = []
    for index, (a, b) in enumerate(spans):
        paragraph_quotes = by_paragraph[index]
        if not paragraph_quotes:
            body = text[a:b]
            beats.append(Beat("action", a, b, tidy(body), named=matcher.find(body), pronoun=bool(_PRONOUN.search(body))))
            continue
        beats.extend(_dialogue_beats(text, a, b, paragraph_quotes, matcher, set(present)))
    return beats


def _dialogue_beats(text, a, b, quotes, matcher: NameMatcher, present: set[str]) -> list[Beat]:
    """One beat per run of quotations by the same speaker inside one paragraph."""
    groups: list[list[Quote]] = []
    for quote in quotes:
        if groups and groups[-1][-1].speaker == quote.speaker:
            groups[-1].append(quote)
        else:
            groups.append([quote])
    beats = []
    for number, group in enumerate(groups):
        lo = a if number == 0 else min(s[0] for s in group[0].spans)
        hi = b if number == len(groups) - 1 else max(s[1] for s in group[-1].spans)
        lo, hi = min(lo, *(s[0] for q in group for s in q.spans)), max(hi, *(s[1] for q in group for s in q.spans))
        spoken = tidy(" ".join(text[s:e] for q in group for s, e in q.spans))
        narration = tidy(_outside(text, lo, hi, [s for q in group for s in q.spans]))
        body = text[lo:hi]
        speaker = group[0].speaker if group[0].speaker in present else None
        beats.append(Beat("dialogue", lo, hi, narration, quotes=group, spoken=spoken, speaker=speaker,
                          named=matcher.find(body), pronoun=bool(_PRONOUN.search(narration))))
    return beats


def _outside(text: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> str:
    """text[lo:hi] with the quotation spans (and their quotation marks) removed."""
    pieces, cursor = [], lo
    for s, e in sorted(spans):
        if s > cursor:
            pieces.append(text[cursor:s])
        cursor = max(cursor, e)
    pieces.append(text[cursor:hi])
    joined = " ".join(pieces)
    return re.sub(r"[\"\u201c\u201d\u2018\u2019`]|(?<!\w)'|'(?!\w)", " ", joined)


def beats_from_adaptation(analysis: BookAnalysis, scene: Scene, adapted: AdaptedScene) -> list[Beat]:
    """The adapted scene's beats as the planner's: action lines, lines of dialogue, voice-over, each with
    the screen time the adaptation gave it."""
    present = set(scene.characters)
    matcher = NameMatcher(analysis, list(scene.characters))
    quotes = {q.id: q for q in analysis.quotes}
    beats = []
    for item in adapted.beats:
        start, end = item.source
        seconds = beat_seconds(item.kind, item.text)
        if item.kind == "dialogue":
            quote = quotes.get(item.quote or "")
            speaker = item.speaker if item.speaker in present else None
            beats.append(Beat("dialogue", start, end, "", quotes=[quote] if quote else [], spoken=item.text,
                              speaker=speaker, seconds=seconds))
        else:
            beats.append(Beat("action", start, end, item.text, named=matcher.find(item.text),
                              pronoun=bool(_PRONOUN.search(item.text)), seconds=seconds,
                              voiceover=item.kind == "voiceover"))
    return beats
