"""What speaker attribution reads around the quotations, shared by the rules (speakers.py) and the decoder
(speaker_decoder.py):

- `DialogueIndex`: the book's paragraphs, characters and quotations, with the look-ups both stages make (who is
  named in a stretch of narration, who a quotation addresses, the nearest character of a gender...);
- runs of dialogue and their turns, defined once (`link`, `runs`, `turn_heads`);
- descriptor nouns in speech tags and family relations: "said the old gentleman" stands for a man, "cried her
  mother" for the mother of someone in the conversation (a character who shares that person's surname and has
  the mother's title).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from functools import cached_property

from ..lexicon import KIN, not_sentence_end
from .characters import CharacterCluster
from .quotes import QuoteMatch
from .text import Paragraph

PRONOUN = re.compile(r"\b(?:he|she|I)\b")  # a subject pronoun a speech tag may have
# nouns after "the"/"his" that name no person ("the door", "his voice")
NOT_SUBJECT_NOUNS = frozenset(
    "way time moment voice tone manner air head hand hands eyes face look smile words word time day night "
    "morning evening door room table window chair fire question answer reply".split()
)
_GENERIC_PEOPLE = frozenset("man woman girl boy gentleman lady child people other others stranger person".split())
_NEW_RUN_PARAGRAPHS = 2  # more paragraphs than this between two quotations and they are not one run of dialogue

FEMALE_NOUNS = frozenset(
    "woman girl lady wife mother sister daughter aunt niece housekeeper maid matron widow mistress queen "
    "duchess governess nurse landlady cook dame damsel hostess actress waitress stewardess seamstress sempstress "
    "laundress countess princess baroness marchioness abbess shepherdess heiress nun lass wench hag crone "
    "grandmother mamma stepmother godmother".split()
)
MALE_NOUNS = frozenset(
    "man gentleman boy husband father brother son uncle nephew beadle master king duke lord fellow "
    "landlord clergyman parson vicar rector doctor surgeon magistrate officer constable sergeant captain "
    "colonel major inspector butler footman porter waiter grandfather papa stepfather godfather".split()
)
# people by what they do or are, of either sex as the noun goes (general English, not any book's cast)
ROLE_NOUNS = frozenset(
    "driver clerk servant attendant visitor traveller traveler passenger guest keeper jailer gaoler turnkey "
    "warder sentry sentinel guard messenger courier tinker pedlar peddler beggar vagrant tramp pauper labourer "
    "laborer carpenter smith blacksmith baker butcher grocer farmer peasant shepherd gardener groom chemist "
    "apothecary druggist lawyer attorney solicitor barrister judge physician teacher usher conductor steward "
    "sexton undertaker miller weaver tailor cobbler shoemaker merchant banker innkeeper publican "
    "soldier sailor trooper corporal lieutenant admiral commander skipper pilot hunter trapper miner "
    "prisoner convict thief robber burglar murderer rider newcomer spectator bystander onlooker neighbour "
    "neighbor foreigner chaplain curate priest monk friar bishop secretary agent manager proprietor "
    "shopkeeper jeweller jeweler hairdresser barber dealer detective spokesman".split()
)
PERSON_NOUNS = FEMALE_NOUNS | MALE_NOUNS | ROLE_NOUNS | frozenset("child stranger person youth companion friend".split())
# "-man" and "-woman" words that name no person
_NOT_PEOPLE = frozenset("ottoman talisman caiman human german roman".split())
# particles after a doer that make a person noun of it ("looker-on", "passer-by", "hanger-on")
_AFTER_AGENT = frozenset("on by in out up off about".split())

# nouns that name someone only relative to another person ("her cousin"): never one fixed character
RELATIONAL_NOUNS = frozenset(KIN) | frozenset(
    "cousin aunt uncle niece nephew friend companion grandmother grandfather stepmother stepfather godmother godfather".split()
)


def is_person_noun(word: str) -> bool:
    """Does this lower-case noun name a kind of person ("gentleman", "turnkey", "cabman", "housemaid",
    "saloon-keeper", "man-servant", "looker-on", "passer-by")?"""
    if word in PERSON_NOUNS:
        return True
    if "-" in word.strip("-"):
        *first, head = word.split("-")
        if head in _AFTER_AGENT:  # "looker-on", "passer-by", "hanger-on": a doer and a particle
            return len(first) == 1 and len(first[0]) > 4 and first[0].endswith("er")
        return is_person_noun(head)  # "man-servant", "sea-captain"; not "man-of-war"
    if word in _NOT_PEOPLE or len(word) < 5:
        return False
    return word.endswith(("man", "woman", "maid", "keeper"))


def descriptor_noun(words: list[str]) -> str | None:
    """The person noun of a short lower-case phrase after a determiner ("old gentleman" -> "gentleman"):
    the first word that names a kind of person, else None."""
    for word in words[:3]:
        if is_person_noun(word.lower()):
            return word.lower()
    return None


def noun_gender(noun: str) -> str | None:
    """'female' for "lady", "mother", "washerwoman"...; 'male' for "gentleman", "father", "cabman"...; None when
    unknown."""
    if noun in FEMALE_NOUNS:
        return "female"
    if noun in MALE_NOUNS:
        return "male"
    if "-" in noun.strip("-"):  # "maid-servant": the head's sex, else the first word's
        parts = noun.split("-")
        return noun_gender(parts[-1]) or noun_gender(parts[0])
    if noun in _NOT_PEOPLE or len(noun) < 5:
        return None
    return "female" if noun.endswith(("woman", "maid")) else "male" if noun.endswith("man") else None


def relative(kin: str, possessor: CharacterCluster, characters: list[CharacterCluster]) -> str | None:
    """The character who is `possessor`'s `kin` ("mother", "husband"...): same surname, the kin's gender,
    preferring those with the kin's usual title ("Mrs." for a mother); None when unknown or ambiguous."""
    if kin not in KIN or not possessor.last:
        return None
    gender, titles = KIN[kin]
    family = [c for c in characters if c.id != possessor.id and c.last == possessor.last and c.gender == gender and not c.narrator]
    titled = [c for c in family if (c.title or "").rstrip(".") in titles]
    pool = titled or ([] if titles else family)
    return pool[0].id if len(pool) == 1 else None


# --- runs of dialogue ------------------------------------------------------------------------------------


def link(previous: QuoteMatch, quote: QuoteMatch) -> str:
    """How `quote` follows `previous`: in the "same_paragraph" (the same turn), the "adjacent" paragraph, after
    one paragraph of narration (a "gap"), or further away: the "start" of a new run of dialogue."""
    gap = quote.paragraphs[0] - previous.paragraphs[-1]
    return "same_paragraph" if gap <= 0 else "adjacent" if gap == 1 else "gap" if gap <= _NEW_RUN_PARAGRAPHS else "start"


def runs(quotes: list[QuoteMatch]) -> list[list[int]]:
    """Indices of the quotations grouped into runs of dialogue (at most one narration paragraph between)."""
    grouped: list[list[int]] = []
    for i, quote in enumerate(quotes):
        if grouped and link(quotes[grouped[-1][-1]], quote) != "start":
            grouped[-1].append(i)
        else:
            grouped.append([i])
    return grouped


STORY_PARAGRAPHS = 3  # a speech this many paragraphs long is a story someone tells


def is_story(quote: QuoteMatch) -> bool:
    """Does the quotation run over several paragraphs (someone telling a story)?"""
    return len(set(quote.paragraphs)) >= STORY_PARAGRAPHS


def resumed_stories(quotes: list[QuoteMatch], speakers: list[str | None], untagged: list[bool]) -> dict[int, str]:
    """Untagged stories that go on with one told before in the same run of dialogue (someone tells a story over
    several paragraphs, is interrupted, "Go on," and goes on over several paragraphs again): index -> the teller."""
    resumed: dict[int, str] = {}
    for run in runs(quotes):
        teller = None
        for i in run:
            if not is_story(quotes[i]):
                continue
            if teller is not None and untagged[i]:
                resumed[i] = teller
            elif speakers[i] is not None:
                teller = speakers[i]
    return resumed


def turn_heads(quotes: list[QuoteMatch], run: list[int]) -> list[int]:
    """The first quotation of each turn (a paragraph of dialogue) of a run."""
    return [i for k, i in enumerate(run) if not k or link(quotes[run[k - 1]], quotes[i]) != "same_paragraph"]


# --- the index -------------------------------------------------------------------------------------------


class DialogueIndex:
    """The book's text, paragraphs, characters and quotations, and the questions speaker attribution asks of
    them. Everything is there from construction (nothing depends on a stage having run)."""

    def __init__(self, text: str, paragraphs: list[Paragraph], characters: list[CharacterCluster],
                 quotes: list[QuoteMatch]):
        self.text = text
        self.paragraphs = paragraphs
        self.para_starts = [p.start for p in paragraphs]
        self.characters = {c.id: c for c in characters}
        self.narrator = next((c.id for c in characters if c.narrator), None)
        self.sections = sorted((s, e, c.id) for c in characters if c.narrator for s, e in c.narrates)  # diaries' writers
        self.mentions = sorted((s, e, c.id) for c in characters for s, e in c.mentions)
        self.mention_starts = [m[0] for m in self.mentions]
        self.inside = Inside(quotes)

    def narrator_at(self, position: int) -> str | None:
        """Who "I" is at this point of the narration: the writer of its section when sections of the book are
        headed by different writers ("OSRIC PELLOW'S DIARY", then "TAMSIN ORME'S JOURNAL"), else the narrator."""
        if not self.sections:
            return self.narrator
        i = bisect.bisect_right(self.sections, (position, float("inf"), "")) - 1
        return self.sections[i][2] if i >= 0 and position < self.sections[i][1] else None

    def paragraph_index(self, position: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, position) - 1)

    def paragraph_of(self, position: int) -> Paragraph:
        return self.paragraphs[self.paragraph_index(position)]

    def gender(self, who: str) -> str:
        return self.characters[who].gender if who in self.characters else "unknown"

    def mentions_in(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Character mentions and subject pronouns in narration `text[start:end]`, in order."""
        found = []
        i = bisect.bisect_left(self.mention_starts, start)
        while i < len(self.mentions) and self.mentions[i][0] < end:
            if self.mentions[i][1] <= end:
                found.append(self.mentions[i])
            i += 1
        found += [(p.start(), p.end(), p.group(0)) for p in PRONOUN.finditer(self.text, start, end)]
        return sorted(m for m in found if not self.inside.contains(m[0]))

    def addressees(self, quote: QuoteMatch) -> set[str]:
        """Characters named as vocatives inside the quotation ("My dear Mr. Pellow," / "Yes, Tamsin.")."""
        names = set()
        for start, end in quote.spans:
            i = bisect.bisect_left(self.mention_starts, start)
            while i < len(self.mentions) and self.mentions[i][0] < end:
                if is_vocative(self.text, self.mentions[i][0], self.mentions[i][1], start, end):
                    names.add(self.mentions[i][2])
                i += 1
        return names

    def named_inside(self, who: str, quote: QuoteMatch) -> bool:
        """Is the character named anywhere inside the quotation?"""
        for start, end in quote.spans:
            i = bisect.bisect_left(self.mention_starts, start)
            while i < len(self.mentions) and self.mentions[i][0] < end:
                if self.mentions[i][2] == who:
                    return True
                i += 1
        return False

    def local_antecedent(self, position: int, gender: str, exclude: set[str]) -> str | None:
        """The character of this gender the narration before the pronoun turns to: in the pronoun's own
        paragraph the last one named as the subject of a clause, else the last one named; else the first one
        named in the paragraph just before, when it is all narration (its topic, whom the pronoun continues)."""
        found = self.local_antecedent_cue(position, gender, exclude)
        return found[0] if found else None

    def local_antecedent_cue(self, position: int, gender: str, exclude: set[str]) -> tuple[str, str] | None:
        """`local_antecedent` and where it was found: "own_subj" (the last one named as the subject of a clause in
        the pronoun's own paragraph), "own" (the last one named there) or "prev" (the narration paragraph before)."""
        index = self.paragraph_index(position)
        own = self._named_of(self.paragraphs[index].start, position, gender, exclude)
        if own:
            subject = next((who for s, e, who in reversed(own) if mention_role(self.text, s, e) == "subj"), None)
            return (subject, "own_subj") if subject else (own[-1][2], "own")
        if index > 0:
            previous = self.paragraphs[index - 1]
            if not self.inside.any_between(previous.start, previous.end):
                named = self._named_of(previous.start, previous.end, gender, exclude)
                if named:
                    return named[0][2], "prev"
        return None

    def _named_of(self, start: int, end: int, gender: str, exclude: set[str]) -> list[tuple[int, int, str]]:
        """The mentions of characters of `gender` (not in `exclude`) in `text[start:end]`, in order."""
        return [(s, e, who) for s, e, who in self.mentions_in(start, end)
                if who in self.characters and who not in exclude and self.gender(who) == gender]

    def chained_antecedent(self, position: int, gender: str, exclude: set[str], reach: int = 3) -> str | None:
        """Further back than `local_antecedent`: over narration paragraphs that name no one of this gender but
        go on with its pronoun ("Miss Tolley saw..." / "She often tried..." / '"I hope," said she'), the first
        character of the gender named in the paragraph the pronouns lead back to; None when dialogue or a
        paragraph without the pronoun comes first."""
        pronoun = _FEMALE_PRONOUN if gender == "female" else _MALE_PRONOUN
        index = self.paragraph_index(position)
        for k in range(index - 1, max(-1, index - 1 - reach), -1):
            para = self.paragraphs[k]
            if self.inside.any_between(para.start, para.end):
                return None
            for _, _, who in self.mentions_in(para.start, para.end):
                if who in self.characters and who not in exclude and self.gender(who) == gender:
                    return who
            if not pronoun.search(self.text, para.start, para.end):
                return None
        return None

    def recent_named(self, position: int, gender: str, exclude: set[str], narration_only: bool = True) -> list[str]:
        """Characters of `gender` named in narration (or anywhere) before `position` (nearest first, distinct,
        a few)."""
        found: list[str] = []
        i = bisect.bisect_left(self.mention_starts, position) - 1
        limit = position - 3000
        while i >= 0 and self.mentions[i][0] > limit and len(found) < 4:
            start, _, who = self.mentions[i]
            inside = narration_only and self.inside.contains(start)
            if who not in found and who not in exclude and self.gender(who) == gender and not inside:
                found.append(who)
            i -= 1
        return found

    @cached_property
    def descriptors(self) -> dict[str, str]:
        """Nouns that stand for a character ("the tinker", "the beadle") -> the character most often named just
        before them in the narration."""
        if not self.paragraphs:
            return {}
        start, end = self.paragraphs[0].start, self.paragraphs[-1].end
        votes: dict[str, Counter] = defaultdict(Counter)
        uses: Counter = Counter()
        for match in _DESCRIBED.finditer(self.text[start:end]):
            noun = match.group("noun").lower()
            if noun in NOT_SUBJECT_NOUNS or noun in RELATIONAL_NOUNS:
                continue
            position = start + match.start()
            if self.inside.contains(position):
                continue
            uses[noun] += 1
            named = [m[2] for m in self.mentions_in(max(start, position - 400), position) if m[2] in self.characters]
            if named:
                votes[noun][named[-1]] += 1
        found = {}
        for noun, counter in votes.items():
            who, n = counter.most_common(1)[0]
            if noun_gender(noun) and self.gender(who) in ("male", "female") and self.gender(who) != noun_gender(noun):
                continue  # "the nurse" never stands for a man
            if uses[noun] >= 4 and n >= 3 and n >= 0.45 * uses[noun] and noun not in _GENERIC_PEOPLE:
                found[noun] = who
        return found


_CLAUSE_START = re.compile(r"(?:^|[.!?;:—]|\n\n|,|\b(?:and|but|then|when|while|as|so))[\s\"“”]*$")


def mention_role(text: str, start: int, end: int) -> str:
    """'poss' for "Mr. Tolley's books", 'subj' for a name that opens a clause ("Nell turned"), else 'other'."""
    if text[end : end + 2] in ("'s", "’s"):
        return "poss"
    return "subj" if _CLAUSE_START.search(text, max(0, start - 12), start) else "other"


_FEMALE_PRONOUN = re.compile(r"\b(?:[Ss]he|her)\b")
_MALE_PRONOUN = re.compile(r"\b(?:[Hh]e|him|his)\b")
_DESCRIBED = re.compile(r"\b(?:the|[Hh]er|[Hh]is)\s+(?:(?:old|young|little|stout|fat|tall)\s+)?(?P<noun>[a-zA-Z][a-z-]+)\b")


# what sets a name off before it as the one spoken to: a comma, a dash, a stop, or an endearment ("my dear Nell")
_SET_OFF_BEFORE = re.compile(r"(?:[,!?;—]\s*|--\s*|\b(?:dear|my|oh|O|Oh)\s+)$", re.I)
_NEW_SENTENCE = re.compile(rf"{not_sentence_end()}\.\s+$")  # "Come. Nell, ...", never "Mr. Nell"
_DASH_AFTER = re.compile(r"\s?(?:--|—)")  # "Osric--you are late" / "Osric -- you are late"


def is_vocative(text: str, start: int, end: int, span_start: int, span_end: int) -> bool:
    """A name set off by commas, dashes or ending the speech: "My dear Mr. Pellow," / "Yes, Tamsin." / "Nell--you
    are late."; or opening a sentence of the speech with a comma: "Come. Nell, sit down."."""
    before = text[max(span_start, start - 12) : start]
    after = text[end : min(span_end, end + 1)]
    set_off_before = start == span_start or _SET_OFF_BEFORE.search(before)
    set_off_after = end >= span_end or after in {",", "!", "?", ".", ";", "—"} or _DASH_AFTER.match(text, end, span_end)
    return bool(set_off_before and set_off_after) or bool(after == "," and _NEW_SENTENCE.search(before))


class Inside:
    """Is an offset inside some quotation?"""

    def __init__(self, quotes: list[QuoteMatch]):
        spans = sorted(span for q in quotes for span in q.spans)
        self.starts = [s for s, _ in spans]
        self.spans = spans

    def any_between(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, start)
        return i < len(self.starts) and self.starts[i] < end

    def contains(self, position: int) -> bool:
        i = bisect.bisect_right(self.starts, position) - 1
        return i >= 0 and self.spans[i][0] <= position < self.spans[i][1]
