"""SpeakerAttributor: who says each quotation.

One pass over the quotations in reading order, keeping the current conversation (its recent speakers):

1. an explicit tag next to the quotation ("said Elizabeth", "Elizabeth replied") names the speaker;
2. "said I" / "I replied" is the narrator;
3. an anaphoric tag ("said she", "he replied") or a descriptive one ("cried his wife") is resolved to the one
   the line before addressed, the character the narration just before names (not whom the quotation itself
   addresses), the previous speaker when the narration since goes on with the pronoun alone, else a conversation
   participant or a recently named character of that gender, preferring whoever is not the previous speaker (a
   new paragraph is a new turn);
4. a character named in the narration just before the quotation in its paragraph ("Ada looked up. "...")
   is the speaker;
5. in runs of untagged dialogue, speakers alternate: the speaker before last speaks again, or the person
   the previous quotation addressed.

Names inside a quotation set off as vocatives ("My dear Mr. Pellow, ...") are its addressees: a quotation is
never attributed to someone it addresses. Untagged turns are then revised against both neighbours, and
finally `SpeakerDecoder` (speaker_decoder.py) chooses each run's speakers jointly from these guesses and
the evidence around them.

The rules hand the decoder a `RuleGuesses` (each quotation's guess, tag and addressees); both read the text
through one `conversation.DialogueIndex`. Each `Attribution` says how its speaker was chosen (`method`) and how
sure that is (`confidence`); each tag keeps the spans of its verb and subject, for the quotation's `QuoteTag`.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ..lexicon import (
    COMMON_TITLES,
    HONORIFICS,
    SPEECH_VERBS,
    SURNAME_PARTICLES,
    alternation,
    not_sentence_end,
)
from .conversation import (
    NOT_SUBJECT_NOUNS,
    DialogueIndex,
    descriptor_noun,
    is_story,
    link,
    noun_gender,
    relative,
    resumed_stories,
    runs,
    turn_heads,
)
from .quotes import QuoteMatch
from .speaker_decoder import SpeakerDecoder, load_weights
from .text import Paragraph

_SPEECH_VERBS = alternation(SPEECH_VERBS)
_VERB = re.compile(rf"\b(?:{_SPEECH_VERBS})\b")
_DESCRIPTOR = re.compile(
    r"\b(?P<det>the|his|her|my|their|our|a|an)\s+(?:[a-z-]+\s+){0,2}?(?P<noun>[A-Za-z-]+)\b(?=[\s,;.!?:]|$)"
)
_TITLE_BETWEEN = re.compile(
    r"[\s,]*(?:(?:poor|little|old|young|dear|good)\s+)?"
    rf"(?:(?:{alternation(HONORIFICS)})\.?\s+)?"
)
_TITLE_ONLY = re.compile(rf"[\s\W]*(?:(?:{alternation(COMMON_TITLES)})\.?\s+)?")  # "Mrs. " before a name
# '" blubbered Osric', '" exploded van der Voort': any past-tense verb, then a name (perhaps a particle first)
_INVERTED_TAG = re.compile(rf"[\s,]*[a-z]+ed\s+(?=[A-Z]|(?:(?:{alternation(p for p in SURNAME_PARTICLES if p.isalpha())})\s+){{1,2}}[A-Z])")
# 'he said' / 'she quietly said' just before the verb; a capital 'He said, "..."' only before the quotation
_PRONOUN_BEFORE_VERB = re.compile(r"\b([Hh]e|[Ss]he)\s+(?:[a-z]+ly\s+)?$")
_SENTENCE_END = re.compile(rf"{not_sentence_end()}[.!?;](?=\s)|[\"“]")
_PROGRESS_EVERY = 500  # quotations
_REVISABLE = frozenset({"implicit", "weak", "none"})
_WEIGHT = {"explicit": 3.0, "anaphoric": 2.0, "narration": 2.0, "continued": 1.0, "implicit": 1.0, "weak": 0.5, "none": 0.0}
_TAG_WINDOW = 140
_HE = re.compile(r"\b[Hh]e\b")
_SHE = re.compile(r"\b[Ss]he\b")
_SUBJECT_GAP = 45  # characters between a speech verb and its subject


# the rules' kinds of guess -> the method reported with the quotation (models.AttributionMethod)
_METHOD = {"explicit": "explicit", "anaphoric": "anaphoric", "narration": "narration", "continued": "continued",
           "implicit": "turn-taking", "weak": "nearby", "none": "none"}
# how often each method's speaker is right on PDNC, held out (bench/speaker_confidence.py): the confidence when
# no decoder weights are there to give one
_PRIOR_CONFIDENCE = {"explicit": 0.97, "anaphoric": 0.76, "narration": 0.69, "continued": 0.8, "vocative": 0.84,
                     "turn-taking": 0.73, "nearby": 0.6, "decoder": 0.48, "none": 0.0}


@dataclass
class SpeechTag:
    """A speech tag next to a quotation, as the rules read it."""

    kind: str  # "name", "pronoun", "narrator", "descriptor"
    who: str | None = None  # a character id (name), the pronoun, or the descriptor's noun
    position: int = 0  # where the subject is looked for (its start, or the verb's end)
    determiner: str = ""  # "his", "her", "the"... for descriptors
    verb: tuple[int, int] = (0, 0)  # the speech verb's span
    subject: tuple[int, int] = (0, 0)  # the subject's span ("Mrs. Pellow", "she", "the old gentleman")


@dataclass
class Attribution:
    speaker: str | None  # a Character id
    kind: str  # "explicit", "anaphoric", "narration", "implicit", "weak" (a guess from nearby names), "none"
    via: str | None = None  # the method, when the kind alone does not say it ("vocative", "decoder")
    confidence: float | None = None  # set by the decoder
    tag: SpeechTag | None = None  # the quotation's speech tag, whoever it names

    @property
    def method(self) -> str:
        """How the speaker was chosen (one of models.AttributionMethod)."""
        return self.via or _METHOD[self.kind]

    @property
    def calibrated(self) -> float:
        """The confidence: the decoder's, else the usual accuracy of the method."""
        return self.confidence if self.confidence is not None else _PRIOR_CONFIDENCE[self.method]


@dataclass
class RuleGuesses:
    """What the rules stage hands to the decoder, one entry per quotation: the guess, the tag, the addressees."""

    attributions: list[Attribution]
    tags: list[SpeechTag | None]
    addressees: list[set[str]]


@dataclass
class _Conversation:
    speakers: list[str] = field(default_factory=list)  # distinct, most recent last

    def add(self, speaker: str | None) -> None:
        if speaker is None:
            return
        if speaker in self.speakers:
            self.speakers.remove(speaker)
        self.speakers.append(speaker)


def attribute_speakers(index: DialogueIndex, quotes: list[QuoteMatch], progress=None, on_rules=None) -> list[Attribution]:
    """Each quotation's speaker: the rules' guesses, then the decoder's choice along each run of dialogue.
    `progress(label, done, total)` hears about it every few hundred quotations; `on_rules(index, quotes, guesses)`
    (the training hook, see `pipeline.AnalysisHooks`) sees what the rules hand to the decoder."""
    guesses = SpeakerAttributor(index).guesses(quotes, progress)
    if on_rules is not None:
        on_rules(index, quotes, guesses)
    return SpeakerDecoder(index, load_weights()).decode(quotes, guesses, progress)


class SpeakerAttributor:
    """The rules: `SpeakerAttributor(index).guesses(quotes) -> RuleGuesses`, for the quotations `index` was
    built on."""

    def __init__(self, index: DialogueIndex):
        self.index = index
        self.text = index.text
        self.paragraphs = index.paragraphs
        self.para_starts = index.para_starts
        self.characters = index.characters
        self.inside = index.inside
        self.tags: dict[tuple[int, int], SpeechTag | None] = {}

    def guesses(self, quotes: list[QuoteMatch], progress=None) -> RuleGuesses:
        """One pass in reading order, then the turn-taking revision; with each quotation's tag and addressees."""
        addressees = [self.index.addressees(quote) for quote in quotes]
        results: list[Attribution] = []
        talk = _Conversation()
        previous: QuoteMatch | None = None
        for quote, addressed in zip(quotes, addressees):
            if previous is None or link(previous, quote) == "start":
                talk = _Conversation()
            same_turn = previous is not None and link(previous, quote) == "same_paragraph"
            previous_speaker = results[-1].speaker if results and talk.speakers else None
            found = self._attribute_one(quote, talk, previous_speaker, same_turn, addressed, previous)
            results.append(found)
            talk.add(found.speaker)
            previous = quote
            if progress is not None and len(results) % _PROGRESS_EVERY == 0:
                progress("speakers: reading the tags", len(results), len(quotes))
        tags = [self._tag(quote) for quote in quotes]
        results = self._refit_runs(quotes, results)
        for i, teller in resumed_stories(quotes, [r.speaker for r in results], [t is None for t in tags]).items():
            results[i] = Attribution(teller, "implicit")  # the story goes on in its teller's voice
        results = [replace(r, tag=tag) for r, tag in zip(results, tags)]
        return RuleGuesses(results, tags, addressees)

    # -- turn-taking across a run of dialogue ----------------------------------------------------------

    def _refit_runs(self, quotes: list[QuoteMatch], results: list[Attribution]) -> list[Attribution]:
        """Revise untagged turns against both neighbours: in A/B talk a turn's speaker is the one two turns
        before and two turns after, and the one the turn before addressed. Votes are weighted by how the
        neighbours were found (a name tag counts most), so one early mistake no longer runs down the run."""
        for run in runs(quotes):
            turns = turn_heads(quotes, run)
            for _ in range(3):
                changed = False
                for k, i in enumerate(turns):
                    if results[i].kind not in _REVISABLE:
                        continue
                    guess = self._turn_vote(quotes, results, turns, k)
                    if guess and guess != results[i].speaker:
                        results[i] = Attribution(guess, results[i].kind)
                        changed = True
                if not changed:
                    break
        return results

    def _turn_vote(self, quotes, results, turns: list[int], k: int) -> str | None:
        """The speaker of turn `k` by the votes of its neighbours two turns away and of their vocatives."""
        votes: Counter = Counter()
        addressees = self.index.addressees(quotes[turns[k]])
        previous = results[turns[k - 1]].speaker if k >= 1 else None
        following = results[turns[k + 1]].speaker if k + 1 < len(turns) else None
        if k >= 2 and results[turns[k - 2]].speaker not in (None, previous) and _adjacent(quotes, turns[k - 2 : k + 1]):
            votes[results[turns[k - 2]].speaker] += _WEIGHT[results[turns[k - 2]].kind]
        if k + 2 < len(turns) and results[turns[k + 2]].speaker not in (None, following) and _adjacent(quotes, turns[k : k + 3]):
            votes[results[turns[k + 2]].speaker] += _WEIGHT[results[turns[k + 2]].kind] * 0.9
        if k >= 1:
            addressed = self.index.addressees(quotes[turns[k - 1]]) - {previous}
            if len(addressed) == 1:
                votes[next(iter(addressed))] += 2
        if k + 1 < len(turns):
            addressed = self.index.addressees(quotes[turns[k + 1]]) - {following}
            if len(addressed) == 1:
                votes[next(iter(addressed))] += 1.5
        for who in list(votes):
            if who in addressees or who == previous or who == following:
                del votes[who]
        return max(votes, key=lambda w: (votes[w], w == results[turns[k]].speaker)) if votes else None

    def _attribute_one(self, quote, talk, previous_speaker, same_turn, addressees, previous) -> Attribution:
        tag = self._tag(quote)
        if tag is not None and tag.kind == "name" and tag.who not in addressees:
            return Attribution(tag.who, "explicit")
        narrator = self.index.narrator_at(quote.start)
        if tag is not None and tag.kind == "narrator" and narrator:
            return Attribution(narrator, "anaphoric")
        if same_turn and previous_speaker and tag is None:
            return Attribution(previous_speaker, "continued")
        if tag is not None and tag.kind == "descriptor":
            who = self._descriptor(tag, talk, previous_speaker, addressees, previous)
            if who:
                return Attribution(who, "anaphoric")
        if tag is not None and tag.kind == "pronoun":
            who = self._reply_to(previous, previous_speaker, tag, addressees) or self._pronoun(
                tag, talk, previous_speaker, addressees, quote, previous
            )
            if who:
                return Attribution(who, "anaphoric")
        subject = self._narration_subject(quote)
        if subject and subject not in addressees and tag is None:
            return Attribution(subject, "narration")
        subject = self._previous_paragraph_subject(quote) if tag is None else None
        if subject and subject not in addressees:
            return Attribution(subject, "narration")
        if tag is None and previous_speaker and previous_speaker not in addressees and _after_narration(quote, previous):
            return Attribution(previous_speaker, "implicit")  # the speaker goes on after a paragraph of narration
        who, kind = self._alternate(talk, previous_speaker, addressees, previous, quote)
        if kind == "vocative":  # the one the turn before addressed: a turn-taking guess, found by the name
            return Attribution(who, "implicit", via="vocative")
        return Attribution(who, kind if who else "none")

    # -- tags ------------------------------------------------------------------------------------------

    def _tag(self, quote: QuoteMatch) -> SpeechTag | None:
        """A speech verb with its subject in the narration interrupting, following or preceding the quotation
        (found once per quotation: the decoder asks again)."""
        key = (quote.start, quote.end)
        if key not in self.tags:
            tag = self._find_tag(quote)
            self.tags[key] = None if tag is not None and tag.kind == "narrator" and self._not_an_i_tag(tag, quote) else tag
        return self.tags[key]

    def _find_tag(self, quote: QuoteMatch) -> SpeechTag | None:
        piece_ends = {e + 1 for _, e in quote.spans}  # right after the quotation or one of its pieces
        for start, end in self._tag_regions(quote):
            inverted = self._inverted_tag(start, end) if start in piece_ends else None
            if inverted is not None:
                return inverted
            verbs = list(_VERB.finditer(self.text, start, end))
            if end <= quote.start:  # before the quotation: the verb nearest to it first ("..., for X cried out, '...'")
                verbs.reverse()
            for verb in verbs:
                tag = self._subject_of(verb, start, end, before=end <= quote.start)
                if tag is not None:
                    return tag
        return None

    def _not_an_i_tag(self, tag: SpeechTag, quote: QuoteMatch) -> bool:
        """Is this "I" no speaker of the quotation: the tag of another quotation between them ('"Yes," I said,
        "Osric Tolley." He gave me a letter: "My friend, ..."'), the subject of a sentence before the verb's ('...
        than I had ever heard. She said "..."'), an "I" the narration reaches after other words ('"...," and I had
        thought'), or the end of a story told over several paragraphs?"""
        subject_end, verb_start = tag.subject[1], tag.verb[0]
        if tag.position < quote.start and self.inside.any_between(subject_end, quote.start):
            return True
        if tag.position > quote.end and (self.inside.any_between(quote.end + 1, tag.subject[0])
                                         or re.search(r"[A-Za-z]", self.text[quote.end + 1 : min(tag.subject[0], tag.verb[0])])):
            return True  # '"...," and I had thought it idle': words between, the narration goes on
        if subject_end <= verb_start and re.search(r"[.!?]\s", self.text[subject_end:verb_start]):
            return True
        return _told_by_i(tag, quote)

    def _inverted_tag(self, start: int, end: int) -> SpeechTag | None:
        """'"Poor girl!" exploded Mr. Tolley': a past-tense verb right after the quotation, then a name."""
        verb = _INVERTED_TAG.match(self.text, start, end)
        if verb is None or _VERB.search(verb.group(0)):
            return None  # known speech verbs go through `_subject_of`
        following = self.index.mentions_in(verb.end(), min(end, verb.end() + _SUBJECT_GAP))
        if following and following[0][0] == verb.end() and following[0][2] in self.characters:
            word = re.search(r"[a-z]+ed", verb.group(0))
            return self._as_tag(following[0], (verb.start() + word.start(), verb.start() + word.end()))
        return None

    def _tag_regions(self, quote: QuoteMatch) -> list[tuple[int, int]]:
        """Narration next to the quotation, most telling first: interruptions, after, before (same paragraph)."""
        regions = []
        for (_, end_a), (start_b, _) in zip(quote.spans, quote.spans[1:]):
            if start_b - end_a < 300:
                regions.append((end_a + 1, start_b - 1))
        para = self.index.paragraph_of(quote.end)
        after_end = min(para.end, quote.end + 1 + _TAG_WINDOW)
        regions.append((quote.end + 1, _sentence_end(self.text, quote.end + 1, after_end)))
        first_para = self.index.paragraph_of(quote.start)
        if quote.start - 1 > first_para.start:
            before_start = max(first_para.start, quote.start - 1 - _TAG_WINDOW)
            before = (_last_sentence_start(self.text, before_start, quote.start - 1), quote.start - 1)
            introduces = re.search(rf"(?:[:,—]|\b(?:{_SPEECH_VERBS}))\s*$", self.text[before[0] : before[1]])
            regions.insert(len(quote.spans) - 1 if introduces else len(regions), before)
        else:
            regions += self._introducing_paragraph(first_para)
        return regions

    def _introducing_paragraph(self, para: Paragraph) -> list[tuple[int, int]]:
        """The last sentence of the narration paragraph just before `para` when it introduces speech
        ("Mr. Pellow coolly observed," / "...she said:"), as a tag region; else nothing."""
        at = bisect.bisect_left(self.para_starts, para.start)  # not list.index: once per quotation
        index = at if at < len(self.para_starts) and self.para_starts[at] == para.start else -1
        if index <= 0:
            return []
        previous = self.paragraphs[index - 1]
        if self.inside.any_between(previous.start, previous.end):
            return []
        if not re.search(r"(?:[:,—]|--)\s*$", self.text[previous.start : previous.end]):
            return []
        start = _last_sentence_start(self.text, max(previous.start, previous.end - _TAG_WINDOW), previous.end)
        return [(start, previous.end)]

    def _subject_of(self, verb_match: re.Match, start: int, end: int, before: bool = False) -> SpeechTag | None:
        """The verb's subject: right after it ("said Ada", "said she") or before it ("Ada said"); in narration
        `before` the quotation, also a sentence's opening pronoun ('She said, "You go."')."""
        verb, span = verb_match, verb_match.span()
        after_text = self.text[verb.end() : min(end, verb.end() + _SUBJECT_GAP)]
        pronoun = _PRONOUN_BEFORE_VERB.search(self.text[max(start, verb.start() - 20) : verb.start()])
        if pronoun and (before or pronoun.group(1).islower()):  # '"..." she asked Osric': the name after the verb is the one asked
            at = verb.start() - len(pronoun.group(0))
            who = pronoun.group(1).lower()
            return SpeechTag("pronoun", who, at, verb=span, subject=(at, at + len(who)))
        following = self.index.mentions_in(verb.end(), min(end, verb.end() + _SUBJECT_GAP))
        if following and _TITLE_BETWEEN.fullmatch(self.text, verb.end(), following[0][0]):
            possessed = re.match(r"['’]s\s+([a-z]+)", self.text[following[0][1] : following[0][1] + 20])
            if possessed:  # "said the undertaker's wife"
                subject = (following[0][0], following[0][1] + possessed.end())
                return self._relative_tag(following[0][2], possessed.group(1), verb.end(), span, subject)
            return self._as_tag(following[0], span)
        descriptor = _DESCRIPTOR.match(after_text.lstrip(" ,\n"))
        if descriptor and descriptor.group("noun").lower() not in NOT_SUBJECT_NOUNS:
            offset = verb.end() + len(after_text) - len(after_text.lstrip(" ,\n"))
            return _descriptor_tag(descriptor, verb.end(), span, offset)
        preceding = self.index.mentions_in(max(start, verb.start() - _SUBJECT_GAP), verb.start())
        if preceding:
            between = self.text[preceding[-1][1] : verb.start()]
            # not the object of a preposition, nor a name whose own object says the words ("Nell heard it say")
            if not re.search(r"[\"“”;]|\b(?:to|at|with|for|of|from|by|on)\s*$|\b(?:and|but)\s*$|\b(?:him|her|it|them|they)\s+$", between):
                return self._as_tag(preceding[-1], span)
        before_text = self.text[max(start, verb.start() - _SUBJECT_GAP) : verb.start()]
        descriptors = [d for d in _DESCRIPTOR.finditer(before_text) if d.group("noun").lower() not in NOT_SUBJECT_NOUNS]
        if descriptors and re.fullmatch(r"[\s,]*(?:[a-z]+ly\s*)?", before_text[descriptors[-1].end() :]):
            return _descriptor_tag(descriptors[-1], verb.start(), span, max(start, verb.start() - _SUBJECT_GAP))
        return None

    def _relative_tag(self, possessor: str, noun: str, position: int, verb: tuple[int, int],
                      subject: tuple[int, int]) -> SpeechTag | None:
        """"the undertaker's wife": the possessor's relative when the book has one, else no tag."""
        if possessor not in self.characters:
            return None
        found = relative(noun, self.characters[possessor], list(self.characters.values()))
        return SpeechTag("name", found, position, verb=verb, subject=subject) if found else None

    def _as_tag(self, mention: tuple[int, int, str], verb: tuple[int, int]) -> SpeechTag:
        start, end, who = mention
        kind, who = ("name", who) if who in self.characters else ("narrator", "I") if who == "I" else ("pronoun", who.lower())
        return SpeechTag(kind, who, start, verb=verb, subject=(start, end))

    # -- resolution ------------------------------------------------------------------------------------

    def _reply_to(self, previous: QuoteMatch | None, previous_speaker, tag: SpeechTag, addressees) -> str | None:
        """'"..., Mr. Pellow?" / "Not at all," he replied' (or 'replied the ferryman'): the one character whom the
        previous quotation (in the paragraph just before) addressed, of the pronoun's or the noun's gender."""
        gender = {"he": "male", "she": "female"}.get(tag.who) if tag.kind == "pronoun" else noun_gender(tag.who)
        if previous is None or not previous_speaker or (tag.kind == "pronoun" and gender is None):
            return None
        para = max(0, bisect.bisect_right(self.para_starts, tag.position) - 1)  # the index of _paragraph_of
        if para - previous.paragraphs[-1] != 1:
            return None
        addressed = [a for a in self.index.addressees(previous) - {previous_speaker} - addressees
                     if gender is None or self.index.gender(a) == gender]
        return addressed[0] if len(addressed) == 1 else None

    def _pronoun(self, tag: SpeechTag, talk: _Conversation, previous_speaker, addressees, quote,
                 previous: QuoteMatch | None = None) -> str | None:
        """'he'/'she': the character the narration before names, else the previous speaker when the narration
        since goes on with the pronoun alone, else a participant of that gender who is not the previous speaker,
        else the nearest one; never the first-person narrator (who is "I", not "he")."""
        gender = "male" if tag.who == "he" else "female"
        narrator = self.index.narrator_at(tag.position)
        if narrator:
            addressees = addressees | {narrator}  # "he"/"she" is never the one who says "I"
        local = self.index.local_antecedent(tag.position, gender, addressees)
        if local:
            return local
        if self._goes_on(previous, quote, previous_speaker, gender) and previous_speaker not in addressees:
            return previous_speaker
        pair = [s for s in talk.speakers[-2:] if s not in addressees]
        if len(pair) == 2 and [self.index.gender(s) for s in pair].count(gender) == 1:
            return next(s for s in pair if self.index.gender(s) == gender)  # the one of that gender in a couple talking
        recent = self.index.recent_named(tag.position, gender, addressees)
        participants = [s for s in reversed(talk.speakers) if self.index.gender(s) == gender and s not in addressees]
        for who in participants:
            if who != previous_speaker:
                if not recent or who in recent[:3]:
                    return who
        if recent:
            others = [r for r in recent if r != previous_speaker]
            return recent[0] if recent[0] != previous_speaker or not others else others[0] if len(participants) > 1 else recent[0]
        return participants[0] if participants else None

    def _goes_on(self, previous: QuoteMatch | None, quote: QuoteMatch | None, previous_speaker, gender: str) -> bool:
        """'"Hullo!" said Tolley.' / 'He went to the window and looked out. "A crowd," he said': the narration
        between the two quotations names no one of the pronoun's gender but uses its pronoun, so the speaker
        before, of that gender, goes on."""
        if previous is None or quote is None or not previous_speaker or self.index.gender(previous_speaker) != gender:
            return False
        start, end = previous.end + 1, quote.start - 1
        if end - start < 20 or self.inside.any_between(start, end):
            return False
        if any(who in self.characters and self.index.gender(who) == gender for _, _, who in self.index.mentions_in(start, end)):
            return False
        return bool((_HE if gender == "male" else _SHE).search(self.text, start, end))

    def _descriptor(self, tag: SpeechTag, talk: _Conversation, previous_speaker, addressees,
                    previous: QuoteMatch | None = None) -> str | None:
        """'said the beadle': the book's usual referent of this noun, else the one the line before addressed
        ('"..., Marden?" / "Well," replied the ferryman'), else a recent character of its gender."""
        kin = self._kin(tag, talk, previous_speaker, addressees)
        if kin:
            return kin
        known = self.index.descriptors.get(tag.who)
        if known and known not in addressees:
            return known
        replied = self._reply_to(previous, previous_speaker, tag, addressees)
        if replied:
            return replied
        gender = noun_gender(tag.who)
        if gender is None:
            return None
        others = addressees | ({previous_speaker} if previous_speaker else set())  # a new paragraph is a new voice
        return self._pronoun(SpeechTag("pronoun", "he" if gender == "male" else "she", tag.position), talk, previous_speaker, others, None)

    def _kin(self, tag: SpeechTag, talk: _Conversation, previous_speaker, addressees) -> str | None:
        """'cried her mother': the mother of the nearest female in the conversation (previous speaker first,
        then other participants, then characters recently named)."""
        if tag.determiner not in ("his", "her"):
            return None
        gender = "male" if tag.determiner == "his" else "female"
        candidates = [previous_speaker] if previous_speaker else []
        candidates += list(reversed(talk.speakers)) + self.index.recent_named(tag.position, gender, set())
        candidates += self.index.recent_named(tag.position, gender, set(), narration_only=False)
        clusters = list(self.characters.values())
        for who in dict.fromkeys(candidates):
            if who in self.characters and self.index.gender(who) == gender:
                found = relative(tag.who, self.characters[who], clusters)
                if found and found not in addressees:
                    return found
        return None

    def _narration_subject(self, quote: QuoteMatch) -> str | None:
        """`Ada looked up. "..."`: the first character named in its paragraph's narration before the quotation."""
        para = self.index.paragraph_of(quote.start)
        if quote.start - 1 <= para.start:
            return None
        named = [m for m in self.index.mentions_in(para.start, quote.start - 1) if m[2] in self.characters]
        return named[0][2] if named else None

    def _previous_paragraph_subject(self, quote: QuoteMatch) -> str | None:
        """`Ada looked up.` / `"..."`: the subject of the last sentence of the narration paragraph just before
        a quotation that opens its paragraph (a character named first thing in that sentence)."""
        para = self.index.paragraph_of(quote.start)
        index = bisect.bisect_right(self.para_starts, para.start) - 1
        if quote.start - 1 > para.start or index <= 0:
            return None
        previous = self.paragraphs[index - 1]
        if self.inside.any_between(previous.start, previous.end):
            return None
        start = _last_sentence_start(self.text, previous.start, previous.end)
        named = self.index.mentions_in(start, previous.end)
        if not named or named[0][2] not in self.characters:
            return None
        if not _TITLE_ONLY.fullmatch(self.text, start, named[0][0]):
            return None
        return named[0][2]

    def _alternate(self, talk: _Conversation, previous_speaker, addressees, previous, quote) -> tuple[str | None, str]:
        """Turn-taking: whoever the previous quotation addressed, else the speaker before last; with the kind
        of guess ("vocative", "implicit", "weak", "none")."""
        if previous is not None and previous_speaker:
            previous_addressees = self.index.addressees(previous) - {previous_speaker}
            if len(previous_addressees) == 1:
                return next(iter(previous_addressees)), "vocative"
        others = [s for s in reversed(talk.speakers) if s != previous_speaker and s not in addressees]
        if others:
            return others[0], "implicit"
        recent = [m[2] for m in reversed(self.index.mentions_in(max(0, quote.start - 1500), quote.start - 1)) if m[2] in self.characters]
        recent = [r for r in dict.fromkeys(recent) if r != previous_speaker and r not in addressees]
        return (recent[0], "weak") if recent else (None, "none")

def _descriptor_tag(match: re.Match, position: int, verb: tuple[int, int], offset: int) -> SpeechTag:
    """A descriptor tag from a `_DESCRIPTOR` match (on text starting at `offset`), naming the person noun of the
    phrase ("the old gentleman" -> "gentleman") when there is one; its subject runs to that noun."""
    tokens = list(re.finditer(r"[A-Za-z-]+|[^\sA-Za-z-]", match.string[match.end("det") : match.end("det") + 60]))
    tokens = tokens[: next((i for i, t in enumerate(tokens) if not t.group(0)[0].isalpha()), len(tokens))]
    words = [t.group(0) for t in tokens]
    noun = descriptor_noun(words)
    end = match.end("det") + tokens[[w.lower() for w in words].index(noun)].end() if noun else match.end()
    noun = noun or match.group("noun").lower()
    return SpeechTag("descriptor", noun, position, match.group("det").lower(), verb,
                     (offset + match.start(), offset + end))


def _told_by_i(tag: SpeechTag, quote: QuoteMatch) -> bool:
    """Is this "said I" after the last paragraph of a story told over several paragraphs? Such a speech is
    introduced before it; an "I" tag at its end is the teller quoting their own words inside the story (an
    edition that lost the inner quotation marks shows it as narration), so it is no tag of the whole."""
    return tag.position > quote.end and is_story(quote)


def _after_narration(quote: QuoteMatch, previous: QuoteMatch | None) -> bool:
    """Is there a paragraph of narration between the previous quotation and this one?"""
    return previous is not None and quote.paragraphs[0] - previous.paragraphs[-1] == 2


def _adjacent(quotes: list[QuoteMatch], heads: list[int]) -> bool:
    """Do these turns follow one another with no narration paragraph between?"""
    return all(quotes[b].paragraphs[0] - quotes[a].paragraphs[-1] == 1 for a, b in zip(heads, heads[1:]))





def _sentence_end(text: str, start: int, end: int) -> int:
    match = _SENTENCE_END.search(text, start, end)
    return match.end() if match else end


def _last_sentence_start(text: str, start: int, end: int) -> int:
    last = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.end() < end - 1:
            last = match.end()
    return last
