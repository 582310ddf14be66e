"""SpeakerAttributor: who says each quotation.

In order of trust: an explicit tag next to the quotation ("said Elizabeth", "Elizabeth replied"); an
anaphoric tag ("said she") resolved to the most recent character of that gender (or the narrator, for "I");
the subject of the narration just before the quotation in the same paragraph; and, in runs of untagged
dialogue, turn-taking between the conversation's two most recent speakers. Names inside a quotation are its
addressees (vocatives): a quotation is never attributed to someone it addresses.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .characters import CharacterCluster
from .quotes import QuoteMatch
from .text import Paragraph

SPEECH_VERBS = (
    "said|says|say|saying|cried|cries|asked|asks|replied|replies|answered|answers|returned|exclaimed|observed|added|"
    "continued|began|remarked|shouted|whispered|muttered|murmured|repeated|rejoined|retorted|interrupted|inquired|"
    "enquired|called|screamed|sighed|laughed|resumed|responded|protested|declared|suggested|urged|pursued|thought|"
    "went on|growled|groaned|sobbed|stammered|explained|insisted|demanded|cried out|called out|roared|bawled|"
    "yelled|snapped|sneered|gasped|panted|faltered|ventured|echoed|concluded|agreed|admitted|persisted|added|"
    "observed|exclaimed|said|spoke|told|urged|warned|begged|pleaded|commanded|ordered|croaked|chuckled|giggled|"
    "grumbled|hissed|moaned|mumbled|returned|reasoned|reflected|reminded|reported|repeated|replied|screamed|"
    "shrieked|smiled|sniffed|sneered|squeaked|stormed|wailed|whimpered|wondered|joined in|put in|broke in|burst out"
)
_VERB = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
_PRONOUN = re.compile(r"\b(?:he|she|I)\b")
_TAG_WINDOW = 120
_SUBJECT_GAP = 45  # characters between a speech verb and its subject


@dataclass
class Attribution:
    speaker: str | None  # a Character id
    kind: str  # "explicit", "anaphoric", "implicit", "none"


class SpeakerAttributor:
    """`attribute(text, quotes, paragraphs, characters) -> list[Attribution]`, one per quotation."""

    def __init__(self, text: str, paragraphs: list[Paragraph], characters: list[CharacterCluster]):
        self.text = text
        self.paragraphs = paragraphs
        self.characters = {c.id: c for c in characters}
        self.narrator = next((c.id for c in characters if c.narrator), None)
        mentions = sorted((s, e, c.id) for c in characters for s, e in c.mentions)
        self.mention_starts = [m[0] for m in mentions]
        self.mentions = mentions

    def attribute(self, quotes: list[QuoteMatch]) -> list[Attribution]:
        results: list[Attribution] = []
        inside = _Inside(quotes)
        for index, quote in enumerate(quotes):
            addressees = self._addressees(quote)
            found = self._tagged(quote, inside)
            if found is None:
                found = self._narration_subject(quote, inside)
            if found is None or found.speaker in addressees:
                found = self._turn_taking(index, quotes, results, addressees) or Attribution(None, "none")
            results.append(found)
        return results

    # -- tags ------------------------------------------------------------------------------------------

    def _tagged(self, quote: QuoteMatch, inside: "_Inside") -> Attribution | None:
        """A speech verb with its subject in the narration around (or interrupting) the quotation."""
        for region_start, region_end, after in self._tag_regions(quote):
            for verb in _VERB.finditer(self.text, region_start, region_end):
                subject = self._subject_near(verb, region_start, region_end, after, inside)
                if subject is not None:
                    return subject
        return None

    def _tag_regions(self, quote: QuoteMatch) -> list[tuple[int, int, bool]]:
        """(start, end, follows_quote) narration regions next to the quotation, most telling first."""
        regions = []
        for (_, end_a), (start_b, _) in zip(quote.spans, quote.spans[1:]):
            if start_b - end_a < 300:
                regions.append((end_a + 1, start_b - 1, True))
        para = self._paragraph_of(quote.end)
        after_end = min(para.end, quote.end + 1 + _TAG_WINDOW)
        regions.append((quote.end + 1, _sentence_end(self.text, quote.end + 1, after_end), True))
        first_para = self._paragraph_of(quote.start)
        before_start = max(first_para.start, quote.start - 1 - _TAG_WINDOW)
        if quote.start - 1 > first_para.start:
            regions.append((before_start, quote.start - 1, False))
        return regions

    def _subject_near(self, verb: re.Match, start: int, end: int, after: bool, inside) -> Attribution | None:
        """The name or pronoun that is the verb's subject: right after it ("said Ada") or before it ("Ada said")."""
        following = self._mentions_in(verb.end(), min(end, verb.end() + _SUBJECT_GAP), inside)
        preceding = self._mentions_in(max(start, verb.start() - _SUBJECT_GAP), verb.start(), inside)
        inverted = following and re.fullmatch(r"[\s,]*(?:the|his|her|its|their|my|our)?\s*", self.text[verb.end() : following[0][0]] or " ")
        if inverted:
            return self._resolve(following[0])
        if preceding:
            return self._resolve(preceding[-1])
        if following:
            return self._resolve(following[0])
        return None

    def _mentions_in(self, start: int, end: int, inside) -> list[tuple[int, int, str]]:
        """Character mentions and subject pronouns in `text[start:end]` (narration only), in order."""
        found = [m for m in self.mentions[bisect.bisect_left(self.mention_starts, start) :] if m[0] < end]
        found = [m for m in found if m[1] <= end]
        found += [(p.start(), p.end(), p.group(0)) for p in _PRONOUN.finditer(self.text, start, end)]
        return sorted(m for m in found if not inside.contains(m[0]))

    def _resolve(self, mention: tuple[int, int, str]) -> Attribution | None:
        start, _, who = mention
        if who in self.characters:
            return Attribution(who, "explicit")
        if who == "I":
            return Attribution(self.narrator, "anaphoric") if self.narrator else None
        gender = "male" if who == "he" else "female"
        return Attribution(self._antecedent(start, gender), "anaphoric")

    def _antecedent(self, position: int, gender: str) -> str | None:
        """The most recent character of this gender mentioned before `position`."""
        index = bisect.bisect_left(self.mention_starts, position) - 1
        looked = 0
        while index >= 0 and looked < 60:
            _, _, who = self.mentions[index]
            if self.characters[who].gender == gender:
                return who
            index -= 1
            looked += 1
        return None

    # -- narration and turn-taking -------------------------------------------------------------------

    def _narration_subject(self, quote: QuoteMatch, inside) -> Attribution | None:
        """`Ada looked up. "..."`: the first character named in the paragraph's narration before the quotation."""
        para = self._paragraph_of(quote.start)
        if quote.start - 1 <= para.start:
            return None
        found = self._mentions_in(para.start, quote.start - 1, inside)
        named = [m for m in found if m[2] in self.characters]
        if named:
            return Attribution(named[0][2], "implicit")
        return None

    def _turn_taking(self, index: int, quotes, results: list[Attribution], addressees: set[str]) -> Attribution | None:
        """In a run of dialogue, the speaker before last speaks again; else someone addressed or present."""
        if index == 0:
            return None
        previous = results[index - 1].speaker
        if quotes[index].paragraphs[0] - quotes[index - 1].paragraphs[-1] > 2:
            return None
        if addressees - {previous}:
            return Attribution(sorted(addressees - {previous})[0] if False else next(iter(addressees - {previous})), "implicit")
        if index >= 2 and results[index - 2].speaker and results[index - 2].speaker != previous:
            return Attribution(results[index - 2].speaker, "implicit")
        previous_addressees = self._addressees(quotes[index - 1]) - {previous}
        if previous_addressees:
            return Attribution(next(iter(previous_addressees)), "implicit")
        return None

    def _addressees(self, quote: QuoteMatch) -> set[str]:
        """Characters named inside the quotation (vocatives and people talked about)."""
        names = set()
        for start, end in quote.spans:
            i = bisect.bisect_left(self.mention_starts, start)
            while i < len(self.mentions) and self.mentions[i][0] < end:
                if _is_vocative(self.text, self.mentions[i][0], self.mentions[i][1], start, end):
                    names.add(self.mentions[i][2])
                i += 1
        return names

    def _paragraph_of(self, position: int) -> Paragraph:
        starts = self._starts if hasattr(self, "_starts") else self._cache_starts()
        return self.paragraphs[max(0, bisect.bisect_right(starts, position) - 1)]

    def _cache_starts(self) -> list[int]:
        self._starts = [p.start for p in self.paragraphs]
        return self._starts


def _is_vocative(text: str, start: int, end: int, span_start: int, span_end: int) -> bool:
    """A name set off by commas or ending the speech: "My dear Mr. Bennet," / "Yes, Jane."."""
    before = text[max(span_start, start - 12) : start]
    after = text[end : min(span_end + 1, end + 2)]
    return bool(re.search(r"(?:^|[,!?;—]\s*|\b(?:dear|my|oh|O)\s+)$", before, re.I) and (after[:1] in {",", "!", "?", ".", ";", "—", ""} or end >= span_end))


def _sentence_end(text: str, start: int, end: int) -> int:
    match = re.compile(r"[.!?;](?=\s)|[\"“]").search(text, start, end)
    return match.end() if match else end


class _Inside:
    """Is an offset inside some quotation?"""

    def __init__(self, quotes: list[QuoteMatch]):
        spans = sorted(span for q in quotes for span in q.spans)
        self.starts = [s for s, _ in spans]
        self.spans = spans

    def contains(self, position: int) -> bool:
        i = bisect.bisect_right(self.starts, position) - 1
        return i >= 0 and self.spans[i][0] <= position < self.spans[i][1]
