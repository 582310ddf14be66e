"""`analyze`: a `BookText` to the `BookAnalysis` document, stage by stage.

Stages (each one class, one entry point, one output): ChapterSplitter -> SceneSegmenter -> QuoteFinder ->
named entities (spaCy NER only) -> CharacterFinder -> NarratorFinder -> UnnamedFinder -> speakers (rules, then decoder) ->
SettingFinder; then each scene gets its setting, interior/exterior, time of day and characters present.

`AnalysisHooks` are the documented ways in for the bench scripts (the import never passes any): one replaces
the recogniser call (to cache its answers between runs), one hears what the speaker rules hand to the decoder
(to collect training data for `bench/train_speakers.py`).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..models import BookAnalysis, BookInfo, BookText, Character, Quote, QuoteTag, Scene, Setting
from . import nlp
from .chapters import ChapterSplitter
from .conversation import DialogueIndex
from .characters import CharacterCluster, CharacterFinder
from .names import FEMALE_NAMES, HYPOCORISTICS, MALE_NAMES
from .narrator import NarratorFinder
from .quotes import QuoteFinder
from .scenes import SceneSegmenter
from .settings import SettingFinder, fill_scene_gaps, scene_setting, time_of_day
from .speakers import Attribution, RuleGuesses, SpeechTag, attribute_speakers
from .text import paragraphs
from .unnamed import UnnamedFinder

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_ENTITY_LABELS = _PLACE_LABELS | {"PERSON", "ORG"}  # the small model often tags a full name ORG
_FIRST_NAMES = MALE_NAMES | FEMALE_NAMES | HYPOCORISTICS.keys()


@dataclass
class AnalysisHooks:
    """Ways in for measuring and training (none is needed to analyse a book).

    - `entities(text, spans, labels=..., progress=...)`: called instead of `nlp.entities`, with the same
      arguments and the same answer (an iterable of `nlp.Entity`), e.g. to cache the recogniser's answers;
    - `speaker_rules(index, quotes, guesses)`: called once the speaker rules have run, with the
      `conversation.DialogueIndex`, the quotations and the rules' `speakers.RuleGuesses`: everything the decoder
      is given (`SpeakerDecoder(index, None).runs(quotes, guesses)` lists its candidates and features).
    """

    entities: Callable | None = None
    speaker_rules: Callable[[DialogueIndex, list, RuleGuesses], None] | None = None


def analyze(book: BookText, *, slug: str, title: str, progress=None, hooks: AnalysisHooks | None = None) -> BookAnalysis:
    """Chapters, scenes, characters (with aliases), quotations with speakers, and settings of a book."""
    hooks = hooks or AnalysisHooks()
    text = book.text
    start, end = book.story_start, book.story_end if book.story_end is not None else len(text)
    _report(progress, "analysis: finding chapters", 0, 5)
    chapters = ChapterSplitter().split(text, start, end, book.chapter_hints)
    story_start, story_end = chapters[0].start, chapters[-1].end
    scene_spans = SceneSegmenter().segment(text, chapters)
    paras = paragraphs(text, story_start, story_end)
    quotes = QuoteFinder().find(text, paras)
    _report(progress, "analysis: reading names", 1, 5)
    recognise = hooks.entities or nlp.entities
    entities = list(recognise(text, _narration_with_names(text, paras, quotes), labels=_ENTITY_LABELS, progress=progress))
    _report(progress, "analysis: clustering characters", 3, 5)
    quote_spans = [span for q in quotes for span in q.spans]
    persons = [e for e in entities if e.label == "PERSON" or looks_like_person(e)]
    places = [e for e in entities if e.label in _PLACE_LABELS]
    others = [e for e in entities if e.label not in _PLACE_LABELS and e not in persons]
    characters = CharacterFinder().find(text, story_start, story_end, persons, quote_spans, places, others)
    characters = NarratorFinder().find(text, story_start, story_end, characters, quote_spans)
    characters = UnnamedFinder().find(text, story_start, story_end, characters, quote_spans)
    _report(progress, "analysis: attributing speakers", 4, 5)
    index = DialogueIndex(text, paras, characters, quotes)
    attributions = attribute_speakers(index, quotes, progress, on_rules=hooks.speaker_rules)
    tags = [_quote_tag(text, a.tag) for a in attributions]
    names = {a for c in characters for a in c.aliases} | {c.name for c in characters}
    settings = SettingFinder().find(text, story_start, story_end, [e for e in places if e.text not in names], quote_spans, people=names)
    scenes = fill_scene_gaps(text, _scenes(text, scene_spans, settings, characters), settings)
    _report(progress, "analysis: done", 5, 5)
    quotes_by, top = Counter(a.speaker for a in attributions), _top(characters)
    return BookAnalysis(
        book=BookInfo(slug=slug, title=title, source_sha256=book.source_sha256, chars=len(text)),
        chapters=chapters,
        scenes=scenes,
        characters=[_character(c, quotes_by=quotes_by, top=top) for c in characters],
        settings=[Setting(id=s.id, name=s.name, aliases=sorted(a for a in s.aliases if a != s.name), interior=s.interior, mentions=len(s.mentions)) for s in settings],
        quotes=_quotes(quotes, attributions, tags, scenes),
    )


_CAPITALISED_INSIDE = re.compile(r"[\w,;:)]\s+(?!I\b)[A-Z]")


def _narration_with_names(text: str, paras, quotes) -> list[tuple[int, int]]:
    """The pieces of narration and of quotation that have a capitalised word inside a sentence (the only
    pieces where the recogniser can find a name), so that most of the text never reaches it."""
    spans = sorted(span for q in quotes for span in q.spans)
    pieces, i = [], 0
    for para in paras:
        cursor = para.start
        while i < len(spans) and spans[i][1] <= para.start:
            i += 1
        j = i
        while j < len(spans) and spans[j][0] < para.end:
            if spans[j][0] - 1 > cursor:
                pieces.append((cursor, spans[j][0] - 1))
            cursor = max(cursor, spans[j][1] + 1)
            j += 1
        if para.end > cursor:
            pieces.append((cursor, para.end))
    pieces += spans
    return sorted((a, b) for a, b in pieces if b - a > 3 and _CAPITALISED_INSIDE.search(text, a, b))


def looks_like_person(entity: nlp.Entity) -> bool:
    """An entity tagged ORG that is a known first name and a surname ("Eleanor Amsel"): a person."""
    words = entity.text.split()
    return (entity.label == "ORG" and 2 <= len(words) <= 3 and all(w[:1].isupper() and w.isalpha() for w in words)
            and words[0].lower() in _FIRST_NAMES)


def _report(progress, label: str, done: int, total: int) -> None:
    if progress is not None:
        progress(label, done, total)


def _top(characters: list[CharacterCluster]) -> int:
    return max((len(c.mentions) for c in characters), default=1)


def _character(cluster: CharacterCluster, quotes_by: Counter, top: int) -> Character:
    weight = len(cluster.mentions) + 2 * quotes_by.get(cluster.id, 0)
    top_weight = max(top, 1)
    role = "major" if weight >= 0.2 * top_weight else "intermediate" if weight >= max(10, 0.03 * top_weight) else "minor"
    return Character(
        id=cluster.id,
        name=cluster.name,
        aliases=sorted(a for a in cluster.aliases if a != cluster.name),
        gender=cluster.gender,
        role=role,
        mentions=len(cluster.mentions),
    )


def _scenes(text: str, spans, settings, characters: list[CharacterCluster]) -> list[Scene]:
    mention_index = sorted((s, c.id) for c in characters for s, _ in c.mentions)
    starts = [m[0] for m in mention_index]
    scenes = []
    for span in spans:
        setting = scene_setting(settings, span.start, span.end)
        lo, hi = bisect.bisect_left(starts, span.start), bisect.bisect_left(starts, span.end)
        present = Counter(mention_index[i][1] for i in range(lo, hi))
        scenes.append(
            Scene(
                id=span.id,
                chapter=span.chapter,
                start=span.start,
                end=span.end,
                setting=setting.id if setting else None,
                interior=setting.interior if setting else None,
                time_of_day=time_of_day(text, span.start, span.end),
                characters=[cid for cid, n in present.most_common() if n >= 2 or len(present) <= 3],
            )
        )
    return scenes


def _quotes(quotes, attributions: list[Attribution], tags: list[QuoteTag | None], scenes: list[Scene]) -> list[Quote]:
    starts = [s.start for s in scenes]
    result = []
    for n, (quote, attribution, tag) in enumerate(zip(quotes, attributions, tags), 1):
        i = bisect.bisect_right(starts, quote.start) - 1
        scene = scenes[i].id if i >= 0 else (scenes[0].id if scenes else None)
        result.append(Quote(id=f"q{n}", spans=[tuple(s) for s in quote.spans], speaker=attribution.speaker, scene=scene,
                            tag=tag, method=attribution.method, confidence=attribution.calibrated))
    return result


def _quote_tag(text: str, tag: SpeechTag | None) -> QuoteTag | None:
    """The rules' tag as the analysis document records it."""
    if tag is None:
        return None
    span = (min(tag.verb[0], tag.subject[0]), max(tag.verb[1], tag.subject[1]))
    who = " ".join(text[tag.subject[0] : tag.subject[1]].split())
    return QuoteTag(span=span, verb=" ".join(text[tag.verb[0] : tag.verb[1]].split()), who=who,
                    who_span=tag.subject, kind=tag.kind)
