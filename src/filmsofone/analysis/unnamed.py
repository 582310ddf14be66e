"""UnnamedFinder: people the book never names who speak ("said the man", "cried the girl") become characters.

A description of a kind of person ("the man", "the old man", "the boy") that is the subject of speech tags
stands for someone unnamed when, where it speaks, no named character of its gender is about (named in the
narration shortly before, the narrator aside): the convict of a novel's opening is "the man" until the book
names him. Where a named character of that gender is about, "said the girl" is most often that character (the
speaker rules resolve it), so those uses are left alone.

A description becomes a character (named "the <noun>", gender from the noun) when it speaks unaccompanied at
least twice, or once and is used unaccompanied in the narration at least twice more, within one episode (uses
close together) that holds most of its unaccompanied uses in the book; its mentions are only that episode's
uses, so the man of one chapter does not take the lines of every man in the book.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict

from ..lexicon import NAMING_SPEECH_VERBS, alternation
from .characters import CharacterCluster
from .conversation import PERSON_NOUNS, RELATIONAL_NOUNS, noun_gender

_NOUNS = alternation(sorted(PERSON_NOUNS - RELATIONAL_NOUNS))
_VERBS = alternation(NAMING_SPEECH_VERBS)
# "the man", "the old man", "the little red-haired girl": up to two lower-case words before the person noun
_DESCRIPTION = re.compile(rf"\b[Tt]he[ \t\n]+(?:[a-z-]+[ \t\n]+){{0,2}}?(?P<noun>{_NOUNS})\b(?![-'’])")
_TAG_AFTER = re.compile(rf"[ \t\n]*(?:[a-z]+ly[ \t\n]+)?(?:{_VERBS})\b")  # "the man said", "the man quickly said"
_TAG_BEFORE = re.compile(rf"\b(?:{_VERBS})[ \t\n]+$")  # "said the man"
_ABOUT = 1500  # characters of text before a use in which a named character of its gender counts as about
_EPISODE_GAP = 5000  # characters between two uses of one episode
_MIN_TAGS = 2
_MIN_NARRATION = 2


class UnnamedFinder:
    """`find(text, start, end, characters, quote_spans) -> characters`, with the unnamed speakers added."""

    def find(self, text: str, start: int, end: int, characters: list[CharacterCluster],
             quote_spans: list[tuple[int, int]]) -> list[CharacterCluster]:
        spans = sorted(quote_spans)
        span_starts = [s for s, _ in spans]
        named = sorted((s, c) for c in characters if not c.narrator and not c.name.startswith("the ") for s, _ in c.mentions
                       if not _inside(s, spans, span_starts))
        named_starts = [s for s, _ in named]
        taken = {alias.lower() for c in characters for alias in c.aliases}
        uses: dict[str, list[tuple[int, int, bool]]] = defaultdict(list)  # noun -> (start, end, is a speech tag)
        for match in _DESCRIPTION.finditer(text, start, end):
            noun = match.group("noun")
            if f"the {noun}" in taken or _inside(match.start(), spans, span_starts):
                continue
            if _about(named, named_starts, match.start(), noun_gender(noun)):
                continue
            is_tag = bool(_TAG_AFTER.match(text, match.end()) or _TAG_BEFORE.search(text, max(start, match.start() - 30), match.start()))
            uses[noun].append((match.start(), match.end(), is_tag))
        added = []
        for noun, found in uses.items():
            episode = _main_episode(found)
            if episode:
                added.append(CharacterCluster(name=f"the {noun}", aliases={f"the {noun}"}, gender=noun_gender(noun) or "unknown",
                                              last=noun, mentions=[(s, e) for s, e, _ in episode]))
        added.sort(key=lambda c: -len(c.mentions))
        for n, cluster in enumerate(added, len(characters) + 1):
            cluster.id = f"c{n}"
        return characters + added


def _main_episode(uses: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """The stretch of uses (no two consecutive ones further apart than `_EPISODE_GAP`) where the description
    speaks, when it holds most of the book's unaccompanied uses of it; else none. "the girl" used all through
    a long novel is a named girl described; an unnamed one belongs to an episode."""
    episodes: list[list[tuple[int, int, bool]]] = []
    for use in uses:
        if episodes and use[0] - episodes[-1][-1][0] <= _EPISODE_GAP:
            episodes[-1].append(use)
        else:
            episodes.append([use])
    best = max(episodes, key=len, default=[])
    tags = sum(is_tag for *_, is_tag in best)
    speaks = tags >= _MIN_TAGS or (tags >= 1 and len(best) - tags >= _MIN_NARRATION)
    return best if speaks and len(best) >= 0.5 * len(uses) else []


def _inside(position: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    i = bisect.bisect_right(starts, position) - 1
    return i >= 0 and position < spans[i][1]


def _about(named: list[tuple[int, CharacterCluster]], starts: list[int], position: int, gender: str | None) -> bool:
    """Is a named character of this gender (any, when the noun has none) named in the narration shortly before?"""
    i = bisect.bisect_left(starts, position) - 1
    while i >= 0 and named[i][0] > position - _ABOUT:
        cluster = named[i][1]
        if gender is None or cluster.gender in (gender, "unknown"):
            return True
        i -= 1
    return False
