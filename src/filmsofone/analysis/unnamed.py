"""UnnamedFinder: people the book never names who speak ("said the man", "cried the girl") become characters.

Two ways in, both general English:

- **Introduced**: an indefinite description in the narration ("a stout man with a basket of eels", "a police
  officer", "an old woman") brings in someone new; the definite descriptions that follow it ("the man", "the
  stout man", "the officer": the same noun, or "man"/"woman"/"stranger"/"person" for the same sex, with no
  modifier the introduction lacks) are that person until the uses stop for a while or another such person is
  introduced. When one of those uses is the subject of a speech tag, the person is a character named after
  the introduction ("the stout man"), with the bare noun ("the man") as an alias; the same description
  introduced again later in the book is the same character; so is someone who speaks at once under an
  indefinite description ("shouted a red-faced driver"). Not a predicate ("he was a man who"), not an
  apposition after a name ("Nell, a girl of twenty"), and not when a named character of that sex who was
  not about before appears between the introduction and the first speech tag (the newcomer may be named).
- **Unaccompanied** descriptions: a description ("the man", "the old man", "the boy") that is the subject of
  speech tags stands for someone unnamed when, where it speaks, no named character of its gender is about
  (named in the narration shortly before, the narrator aside): the convict of a novel's opening is "the man"
  until the book names him. Where a named character of that gender is about, "said the girl" is most often
  that character (the speaker rules resolve it), so those uses are left alone. Such a description becomes a
  character (named "the <noun>", gender from the noun) when it speaks unaccompanied at least twice, or once
  and is used unaccompanied in the narration at least twice more, within one episode (uses close together)
  that holds most of its unaccompanied uses in the book; its mentions are only that episode's uses, so the
  man of one chapter does not take the lines of every man in the book.
- **Roles**: a description by what someone does or is ("the turnkey", "the ferryman", "the first constable"; not
  a bare "man", "lady" or a relation) that is the subject of a speech tag is someone of its own, though named
  people are about, when nothing in the book ties the role to a named character and the episode where it
  speaks holds at least half of the book's uses of it (a role used all through a novel is most often a named
  character described: then only an episode where it speaks with no named character who may hold it about,
  bar those it talks with, gets one). Ties: a named character holds it by apposition or predicate ("Mr. Tolley, the curate", "the
  curate, Mr. Tolley", "Tolley was a curate": then every "the curate" is Mr. Tolley), bears it as a title
  ("Captain Marden": "the captain"), or is named just before most of its uses (the character list's own
  epithets, "the beadle", are left to it).
- **Named after**: a plain description (not a role) that stops exactly where a named character of its sex starts, in
  the same company, was that character before the book named him: "the stranger" talks with Nell, then "replied
  Mr. Tolley", not about in the episode, talks on with her (or the narration gives the name: "the stranger's name
  was Osric Tolley"), and the description is not used again for a while: its uses in the episode are his.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..lexicon import NAMING_SPEECH_VERBS, ORDINALS, SPEECH_VERBS, SURNAME_PARTICLES, TITLE_NOUNS, alternation
from .characters import CharacterCluster
from .conversation import RELATIONAL_NOUNS, is_person_noun, noun_gender

_VERBS = alternation(NAMING_SPEECH_VERBS)
_IRREGULAR_PAST = frozenset("said cried began thought went on".split())
_ARTICLE_THE = re.compile(r"[Tt]he[ \t\n]")
_THE = re.compile(r"\b(?:[Tt]he|[Hh]is|[Hh]er|[Mm]y|[Oo]ur|[Tt]heir)[ \t\n]+")  # "the man", "her visitor"
_ARTICLE = re.compile(r"\b(?:[Aa]n?)[ \t\n]+")
_WORD = re.compile(r"([a-z][a-z-]*)(?![-'’\w])(,?)[ \t\n]*")
_TAG_AFTER = re.compile(rf"[ \t\n]*(?:[a-z]+ly[ \t\n]+)?(?:{_VERBS})\b")  # "the man said", "the man quickly said"
_TAG_BEFORE = re.compile(rf"\b(?:{_VERBS})[ \t\n]+$")  # "said the man"
_TAG_VERBS = alternation(v for v in SPEECH_VERBS if v.endswith("ed") or " " in v or v in _IRREGULAR_PAST)
_BROAD_TAG_AFTER = re.compile(rf"[ \t\n]*(?:[a-z]+ly[ \t\n]+)?(?:{_TAG_VERBS})\b")
_BROAD_TAG_BEFORE = re.compile(rf"\b(?:{_TAG_VERBS})[ \t\n]+$")
_PRONOUN = re.compile(r"\b(?:[Hh]e|his|him|himself|[Ss]he|her|herself)\b")
_SENTENCE_END = re.compile(r"[.!?;\"“”]")
_PRONOUN_REACH = 150
_SENTENCE_REACH = 80
_NAME = r"[A-Z][\w.'’]*(?:[ \t\n]+[A-Z][\w.'’]*)*"
_NAMES_THEN_AND = re.compile(rf"{_NAME}(?:[ \t\n]*,[ \t\n]*{_NAME})*[ \t\n]*,?[ \t\n]+(?:and|or|nor)[ \t\n]+")
_AND_THEN_NAMES = re.compile(rf"(?:[ \t\n]*,[ \t\n]*{_NAME})*[ \t\n]*,?[ \t\n]+(?:and|or|nor)[ \t\n]+(?:{_NAME}[ \t\n]*,[ \t\n]*)*")
_SPACE = r"(?:[ \t]*\n[ \t]*|[ \t]+)"  # within a paragraph
_PARTICULAR = re.compile(rf"{_SPACE}(?P<prep>in|with|of){_SPACE}the{_SPACE}(?P<words>[A-Za-z-]+(?:{_SPACE}[A-Za-z-]+){{0,3}})")
_NOT_A_FEATURE_END = frozenset("voice tone manner way time moment whisper undertone air meantime same act end".split())
_NOT_A_FEATURE = frozenset("was is were had has who which that whom whose".split())
_ABOUT = 1500  # characters of text before a use in which a named character of its gender counts as about
_EPISODE_GAP = 5000  # characters between two uses of one episode
_NAME_REACH = 1500  # characters after a description's last use in which the named one it was must appear
_NAMING = re.compile(r"\bnamed?\b|\bproved\s+to\s+be\b|\bturned\s+out\s+to\s+be\b")  # "whose name was", "as he proved to be"
_MIN_TAGS = 2
_MIN_NARRATION = 2
_FOLLOW_GAP = 2500  # characters between two uses of one introduced person
# words before "a man" that make it a predicate or a kind, not someone new ("he was a man who", "such a man")
_PREDICATE = frozenset(
    "was is were are be been being became become becomes seemed seems appeared like as such what quite rather "
    "half not never every many than".split()
)
_KIND_OF = frozenset("sort kind type manner something bit".split())  # "a sort of a man"
_INTENSIFIERS = frozenset("very rather quite most more somewhat extremely exceedingly remarkably certain".split())
_STOP = frozenset("of and or the to in with who whom whose that which at on by for from as but".split())
# a name starts: a capital, or a surname particle before one ("is de Mornay")
_NAME_STARTS = rf"(?=[A-Z]|(?:{alternation(SURNAME_PARTICLES)})\s+[A-Z])"
_SELF_NAMING = re.compile(rf"\b(?:[Mm]y\s+name(?:,\s*[a-z]+,)?\s+is|I\s+am|I'm|I’m)\s+{_NAME_STARTS}")
_NAME_IS_BEFORE = re.compile(r"\b[Mm]y\s+name(?:,\s*[a-z]+)?[\W]*$")
_IS_AFTER = re.compile(rf"[\W]*is\s+{_NAME_STARTS}")
_TAG_REACH = 60  # characters between a quotation and the description tagging it
_GENERIC_PEOPLE = frozenset("man woman boy girl gentleman lady child person fellow stranger youth".split())
_GENERIC = {"male": {"man", "fellow", "stranger", "person"}, "female": {"woman", "stranger", "person"}}
_NOT_ROLES = _GENERIC_PEOPLE | frozenset("companion friend people".split())
_ORDINALS = frozenset(ORDINALS)
# what stands between a name and the role it holds: "Tolley, the curate", "Tolley, who was the curate", "Tolley was
# a curate", "Tolley the curate"
_ROLE_AFTER_NAME = re.compile(
    r"(?:[ \t\n]*,[ \t\n]*(?:who[ \t\n]+(?:was|is)[ \t\n]+)?|[ \t\n]+(?:was|is|became|had[ \t\n]+been)[ \t\n]+|[ \t]+)"
    r"(?:the|an?)[ \t\n]+"
)
_NAME_AFTER_ROLE = re.compile(r"[ \t\n]*[,(][ \t\n]*")  # "the curate, Mr. Tolley," / "the curate (Mr. Tolley)"
_NAME_CLOSES = re.compile(r"[ \t\n]*[,.;:!?)]")
_PARTNER_REACH = 400  # characters around a role's speech tag in which a name tagging a speech is its partner's
_USUAL_REACH = 400  # characters before a use of a role in which the named character it follows is looked for


@dataclass
class _Person:
    """Someone brought in by an indefinite description, and the definite descriptions that follow."""

    noun: str
    modifiers: tuple[str, ...]
    gender: str | None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    tag_starts: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return " ".join(("the", *self.modifiers, self.noun))

    @property
    def aliases(self) -> set[str]:
        """The description shortened from the left: "the little hump-backed man", "the hump-backed man",
        "the man"."""
        return {" ".join(("the", *self.modifiers[k:], self.noun)) for k in range(len(self.modifiers) + 1)}

    def follows(self, noun: str, modifiers: tuple[str, ...]) -> bool:
        """Can "the <modifiers> <noun>" be this person?"""
        if not set(modifiers) <= set(self.modifiers):
            return False
        return noun == self.noun or noun in _GENERIC.get(self.gender or "", _GENERIC["male"] | _GENERIC["female"])


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
        roles = {word.lower().rstrip(".") for c in characters if not c.narrator for word in (c.title or "", *c.name.split()[:1])}
        definites = [d for d in _definites(text, start, end) if not _inside(d[0], spans, span_starts)]
        linked = _self_named(text, definites, spans, characters)
        for use_start, (use_end, who) in linked.items():
            who.mentions = sorted([*who.mentions, (use_start, use_end)])
        definites = [d for d in definites if d[0] not in linked]
        particular = _particular(text, definites, end, taken)
        held = {s for _, _, mentions in particular for s, _ in mentions}
        definites = [d for d in definites if d[0] not in held]
        introduced = self._introduced(text, start, end, definites, spans, span_starts, named, named_starts, taken, roles)
        claimed = {s for person in introduced for s, _ in person.mentions}
        definites = [d for d in definites if d[0] not in claimed]
        known = taken | {c.name.lower() for c in characters}  # "the beadle" the character list already has
        holders = {noun: who for noun, who in _role_holders(text, definites, characters, roles, named).items()
                   if f"the {noun}" not in known}
        for noun, who in holders.items():
            if who is not None:  # "Mr. Tolley, the curate": every "the curate" is Mr. Tolley
                who.mentions = sorted([*who.mentions, *((s, e) for s, e, n, _ in definites if n == noun)])
        uses: dict[str, list[tuple[int, int, bool]]] = defaultdict(list)  # noun -> (start, end, is a speech tag)
        written: dict[int, str] = {}  # use start -> the description as written, "the old man"
        roles_speaking: dict[str, list[tuple[int, int, bool]]] = defaultdict(list)  # the same, for role nouns
        role_aliases: dict[str, set[str]] = defaultdict(set)  # "the turnkey" -> {"the old turnkey"}
        for s, e, noun, modifiers in definites:
            if noun in RELATIONAL_NOUNS or f"the {noun}" in taken or noun in holders:
                continue
            if _is_role(noun):
                if f"the {noun}" in known:
                    continue
                roles_speaking[_role_name(noun, modifiers)].append((s, e, _is_tag(text, s, e, start, broad=True)))
                role_aliases[_role_name(noun, modifiers)].add(_with_the(modifiers, noun))
                continue
            if _about(named, named_starts, s, noun_gender(noun) or _use_gender(text, s, e, end)):
                continue
            uses[noun].append((s, e, _is_tag(text, s, e, start)))
            written[s] = _with_the(modifiers, noun)
        clusters: dict[str, CharacterCluster] = {}
        for name, noun, mentions in particular:
            _add(clusters, name, set(), noun_gender(noun) or _usual_gender(text, mentions, end), noun, mentions)
        for person in introduced:
            _add(clusters, person.name, person.aliases | _introduction(text, person), person.gender, person.noun, person.mentions)
        for name, found in roles_speaking.items():
            noun = name.split()[-1]
            for episode in _role_episodes(text, found, named, named_starts, noun):
                gender = noun_gender(noun) or _usual_gender(text, [(s, e) for s, e, _ in episode], end)
                _add(clusters, name, role_aliases[name], gender, noun, [(s, e) for s, e, _ in episode])
        for noun, found in uses.items():
            episode = _main_episode(found)
            if episode:
                gender = noun_gender(noun) or _usual_gender(text, [(s, e) for s, e, _ in episode], end)
                aliases = {written[s] for s, _, _ in episode}  # "the man" is also "the old man"
                _add(clusters, f"the {noun}", aliases, gender, noun, [(s, e) for s, e, _ in episode])
        for cluster in clusters.values():  # an alias that is another's name is not this one's
            cluster.aliases = {a for a in cluster.aliases if a == cluster.name or (a not in clusters and a not in taken)}
        _named_after(text, [*clusters.values(), *(c for c in characters if _is_description(c))], characters)
        added = sorted((c for c in clusters.values() if c.mentions), key=lambda c: -len(c.mentions))
        for n, cluster in enumerate(added, len(characters) + 1):
            cluster.mentions.sort()
            cluster.id = f"c{n}"
        kept = [c for c in characters if c.mentions or not _is_description(c)]  # all of "the stranger" was Mr. Tolley
        return kept + added

    def _introduced(self, text, start, end, definites, spans, span_starts, named, named_starts, taken, roles) -> list[_Person]:
        """The people introduced by an indefinite description who then speak under a definite one."""
        events = [(s, "a", phrase) for s, phrase in _indefinites(text, start, end) if not _inside(s, spans, span_starts)]
        events += [(s, "the", (e, noun, modifiers)) for s, e, noun, modifiers in definites]
        events.sort(key=lambda event: event[0])
        live: list[_Person] = []
        people: list[_Person] = []
        for position, kind, phrase in events:
            if kind == "a":
                phrase_end, noun, modifiers = phrase
                if noun in RELATIONAL_NOUNS or noun in roles:
                    continue
                gender = noun_gender(noun) or _pronoun_gender(text, phrase_end, end)
                person = _Person(noun, modifiers, gender, [(position, phrase_end)])
                if _is_tag(text, position, phrase_end, start, broad=True):
                    person.tag_starts.append(position)  # "said a stout man": someone new speaks at once
                live.append(person)
                people.append(person)
                continue
            phrase_end, noun, modifiers = phrase
            live = [p for p in live if position - p.mentions[-1][0] <= _FOLLOW_GAP]
            person = next((p for p in reversed(live) if p.noun == noun and p.follows(noun, modifiers)), None)
            person = person or next((p for p in reversed(live) if p.follows(noun, modifiers)), None)
            if person is not None:
                person.mentions.append((position, phrase_end))
                if _is_tag(text, position, phrase_end, start, broad=True):
                    person.tag_starts.append(position)
        return [p for p in people if p.tag_starts and f"{p.name}" not in taken
                and not _newcomer_named(text, named, named_starts, p)]


def _with_the(modifiers: tuple[str, ...], noun: str) -> str:
    """The description with its modifiers, after "the": "the old turnkey" (also for "her old turnkey")."""
    return " ".join(("the", *modifiers, noun))


def _introduction(text: str, person: _Person) -> set[str]:
    """The indefinite description that brought the person in, as written, when it says more than the noun ("a
    hard-featured dame"; not a bare "a man"): the name the book first gives them."""
    s, e = person.mentions[0]
    return {re.sub(r"\s+", " ", text[s:e])} if person.modifiers and _ARTICLE.match(text, s) else set()


def _is_role(noun: str) -> bool:
    """Does the noun name someone by what they do or are ("the turnkey", "the curate", "the ferryman"), rather
    than a bare "man", "lady", "girl" or a relation ("her cousin")?"""
    return noun not in _NOT_ROLES and noun not in RELATIONAL_NOUNS


def _role_name(noun: str, modifiers: tuple[str, ...]) -> str:
    """The name of the one who holds a role: "the turnkey"; "the first policeman" and "the second policeman" are
    two."""
    ordinal = next((m for m in modifiers if m in _ORDINALS), None)
    return f"the {ordinal} {noun}" if ordinal else f"the {noun}"


def _role_episodes(text: str, uses: list[tuple[int, int, bool]], named: list[tuple[int, CharacterCluster]],
                   named_starts: list[int], noun: str) -> list[list[tuple[int, int, bool]]]:
    """The episodes (uses close together) in which a role speaks as someone of its own: the one holding at least
    half of the book's uses of it ("the turnkey" who speaks in one scene; not "the housekeeper" of a whole novel,
    a named character described); in a book that uses the role all through, each episode where it speaks with
    no named character who may hold it about, bar those it talks with ("the coachman" of one journey)."""
    speaking = [episode for episode in _episodes(uses) if any(is_tag for *_, is_tag in episode)]
    best = max(speaking, key=len, default=[])
    if best and len(best) >= 0.5 * len(uses):
        return [best]
    return [episode for episode in speaking
            if not any(is_tag and _accompanied(text, named, named_starts, s, noun) for s, _, is_tag in episode)]


def _accompanied(text: str, named: list[tuple[int, CharacterCluster]], starts: list[int], position: int,
                 noun: str) -> bool:
    """Is a named character who may hold the role named in the narration shortly before its speech tag, other
    than one it talks with (named in a speech tag of their own close by: "said Osric" / "said the porter")?"""
    near = named[bisect.bisect_left(starts, position - _PARTNER_REACH) : bisect.bisect_left(starts, position + _PARTNER_REACH)]
    partners = {id(c) for s, c in near if any(_is_tag(text, s, e, 0, broad=True) for ms, e in c.mentions if ms == s)}
    i = bisect.bisect_left(starts, position) - 1
    while i >= 0 and named[i][0] > position - _ABOUT:
        if _may_hold(named[i][1], noun) and id(named[i][1]) not in partners:
            return True
        i -= 1
    return False


def _role_holders(text: str, definites, characters: list[CharacterCluster], roles: set[str],
                  named: list[tuple[int, CharacterCluster]]) -> dict[str, CharacterCluster | None]:
    """Roles the book ties to named characters: noun -> the one named character that holds it by apposition or
    predicate ("Mr. Tolley, the curate", "the curate, Mr. Tolley", "Tolley was a curate"), or None when the tie
    leaves it open who (a title such as "Doctor" a character bears, two holders, or a named character the
    description usually follows in the narration, as "the beadle" follows the beadle's name)."""
    people = [c for c in characters if not c.narrator and not c.name.startswith("the ")]
    ties: dict[str, set[int]] = defaultdict(set)
    by_id = {id(c): c for c in people}
    for noun, who in _appositions(text, definites, people):
        ties[noun].add(id(who))
    holders: dict[str, CharacterCluster | None] = {}
    for noun, ids in ties.items():
        holders[noun] = by_id[next(iter(ids))] if len(ids) == 1 else None
    titled = {noun for noun, titles in TITLE_NOUNS.items() if any(t.lower() in roles for t in titles)}
    for noun in {d[2] for d in definites if _is_role(d[2])} - set(holders):
        if noun in roles or noun in titled or _usually_follows(text, noun, definites, named):
            holders[noun] = None
    return holders


def _appositions(text: str, definites, people: list[CharacterCluster]):
    """(role noun, named character) for each apposition or predicate that gives a named character a role."""
    owner_at = {s: c for c in people for s, _ in c.mentions}
    for c in people:
        for _, e in c.mentions:
            between = _ROLE_AFTER_NAME.match(text, e, e + 40)
            phrase = _phrase(text, between.end(), len(text)) if between else None
            if phrase is not None and _is_role(phrase[1]) and _may_hold(c, phrase[1]):
                yield phrase[1], c
    for _, e, noun, _ in definites:
        between = _NAME_AFTER_ROLE.match(text, e, e + 10)
        who = owner_at.get(between.end()) if between else None
        if who is not None and _is_role(noun) and _may_hold(who, noun):
            mention_end = next(me for ms, me in who.mentions if ms == between.end())
            if _NAME_CLOSES.match(text, mention_end):
                yield noun, who


def _may_hold(who: CharacterCluster, noun: str) -> bool:
    gender = noun_gender(noun)
    return gender is None or who.gender in (gender, "unknown")


def _usually_follows(text: str, noun: str, definites, named: list[tuple[int, CharacterCluster]]) -> bool:
    """Does the narration mostly name one character (of the noun's sex) just before it says "the <noun>"? (At
    least four uses, three of them after that character, and 45 % of all: "the beadle" after the beadle's name.)"""
    starts = [s for s, _ in named]
    uses = [s for s, _, n, _ in definites if n == noun and _ARTICLE_THE.match(text, s)]  # "her maid" follows her
    votes: Counter = Counter()
    for s in uses:
        i = bisect.bisect_left(starts, s) - 1
        while i >= 0 and named[i][0] > s - _USUAL_REACH and not _may_hold(named[i][1], noun):
            i -= 1
        if i >= 0 and named[i][0] > s - _USUAL_REACH:
            votes[id(named[i][1])] += 1
    top = max(votes.values(), default=0)
    return len(uses) >= 4 and top >= 3 and top >= 0.45 * len(uses)


def _particular(text: str, definites, end: int, taken: set[str]) -> list[tuple[str, str, list[tuple[int, int]]]]:
    """People known by a particular description the book repeats: "the gentleman in the grey coat", "the
    woman with the red shawl", "the landlord of the Anchor" (a person noun, then "in"/"with"/"of" "the" and what
    sets the person apart: the longest
    such words the book uses more than once), used at least twice, once at least as the subject of a speech
    tag; "the man with the beard" is the same person as "the man with the black beard". (name, noun, mentions),
    every use in the book being that one person."""
    candidates = _particular_candidates(text, definites, end)
    found, nouns = _recurring_descriptions(candidates)
    _merge_by_head(found)
    return [(name, nouns[name], sorted(uses)) for name, uses in found.items()
            if len(uses) >= 2 and name not in taken and any(_is_tag(text, s, e, 0, broad=True) for s, e in uses)]


def _particular_candidates(text: str, definites, end: int) -> list[tuple[int, str, list[tuple[str, int]]]]:
    """Per definite description followed by "in"/"with"/"of the ...": (start, noun, [(name, end of the
    phrase), ...] shortest first)."""
    candidates = []
    for s, e, noun, modifiers in definites:
        pp = _PARTICULAR.match(text, e, end)
        if pp is not None and (names := _particular_names(text, pp, noun, modifiers)):
            candidates.append((s, noun, names))
    return candidates


def _particular_names(text: str, pp: re.Match, noun: str, modifiers: tuple[str, ...]) -> list[tuple[str, int]]:
    """The names one use could go by ("the man with the beard", "the man with the black beard"), each with where
    its phrase ends: the feature words after "in/with/of the", up to three, stopping at a function word."""
    names, words = [], []
    for word in pp.group("words").split()[:3]:
        if word in _STOP or word in SPEECH_VERBS or word in _NOT_A_FEATURE:
            break
        words.append(word)
        if word not in _NOT_A_FEATURE_END and not word.endswith(("ed", "ly")):
            name = " ".join(("the", *modifiers, noun, pp.group("prep"), "the", *words))
            names.append((name, pp.start("words") + len(" ".join(words)) + _extra_space(text, pp.start("words"), words)))
    return names


def _recurring_descriptions(candidates) -> tuple[dict[str, list[tuple[int, int]]], dict[str, str]]:
    """Each use under the longest of its names that the book uses at least twice: name -> uses, name -> noun."""
    counts = Counter(name for _, _, names in candidates for name, _ in names)
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    nouns: dict[str, str] = {}
    for s, noun, names in candidates:
        recurring = [(name, e) for name, e in names if counts[name] >= 2]
        if recurring:
            name, e = recurring[-1]
            found[name].append((s, e))
            nouns[name] = noun
    return found, nouns


def _merge_by_head(found: dict[str, list[tuple[int, int]]]) -> None:
    """Join names with the same start and last word ("the man with the beard", "the man with the black beard")
    under the one used most, in place."""
    by_head: dict[tuple[str, str], str] = {}
    for name in sorted(found, key=lambda n: -len(found[n])):
        head = (" ".join(name.split()[: name.split().index("the", 1) + 1]), name.split()[-1])
        if head in by_head:
            found[by_head[head]] += found.pop(name)
        else:
            by_head[head] = name


def _extra_space(text: str, start: int, words: list[str]) -> int:
    """How much longer than single spaces the words are as written from `start` (line breaks, double spaces)."""
    match = re.compile(r"[ \t\n]+".join(map(re.escape, words))).match(text, start)
    return (match.end() - start - len(" ".join(words))) if match else 0


def _self_named(text: str, definites, spans: list[tuple[int, int]],
                characters: list[CharacterCluster]) -> dict[int, tuple[int, CharacterCluster]]:
    """Description uses the book names: a description that speaks a line saying who it is ("My name, madam," said
    the old sailor, "is Amos Pell." / "I am Jane Grey,") is that character, and so are the uses of the same
    description close around it (no two further apart than `_FOLLOW_GAP`). use start -> (use end, character)."""
    owners = sorted((s, c) for c in characters if not c.narrator and not c.name.startswith("the ") for s, _ in c.mentions)
    owner_at = {s: c for s, c in owners}
    span_ends = sorted(e for _, e in spans)
    span_starts = sorted(s for s, _ in spans)
    by_phrase: dict[tuple, list] = defaultdict(list)
    for use in definites:
        by_phrase[(use[2], use[3])].append(use)
    linked: dict[int, tuple[int, CharacterCluster]] = {}
    for (noun, _), uses in by_phrase.items():
        gender = noun_gender(noun)
        stretch: list = []
        for use in [*uses, None]:
            if use is not None and (not stretch or use[0] - stretch[-1][0] <= _FOLLOW_GAP):
                stretch.append(use)
                continue
            who = next((w for s, e, *_ in stretch if (w := _says_who(text, s, e, spans, span_starts, span_ends, owner_at, gender))), None)
            if who is not None:
                linked.update({s: (e, who) for s, e, *_ in stretch})
            stretch = [use]
    return linked


def _says_who(text: str, s: int, e: int, spans, span_starts: list[int], span_ends: list[int],
              owner_at: dict[int, CharacterCluster], gender: str | None) -> CharacterCluster | None:
    """The named character the quotation tagged by the description at text[s:e] says its speaker is."""
    if not _is_tag(text, s, e, 0, broad=True):
        return None
    pieces = []
    i = bisect.bisect_right(span_ends, s) - 1
    if i >= 0 and s - span_ends[i] < _TAG_REACH:
        pieces.append(i)
    j = bisect.bisect_left(span_starts, e)
    if j < len(span_starts) and span_starts[j] - e < _TAG_REACH:
        pieces.append(j)
    matches = [m for k in pieces for m in _SELF_NAMING.finditer(text, *spans[k])]
    if len(pieces) == 2 and _NAME_IS_BEFORE.search(text, *spans[pieces[0]]):  # "My name," said he, "is Gray."
        matches += [m for m in [_IS_AFTER.match(text, *spans[pieces[1]])] if m]
    for match in matches:
        who = owner_at.get(match.end())
        if who is not None and (gender is None or who.gender in (gender, "unknown")):
            return who
    return None


def _is_description(cluster: CharacterCluster) -> bool:
    """Is the character a lower-case description ("the stranger" the character list made from its speech tags), not
    a name ("the Grey Heron")?"""
    return not cluster.narrator and cluster.name.startswith("the ") and cluster.name == cluster.name.lower()


def _named_after(text: str, described: list[CharacterCluster], characters: list[CharacterCluster]) -> None:
    """A plain description ("the stranger", "the old gentleman") that stops exactly where a named character of its
    sex starts, in the same company, was that character seen before the book names him: '"...," said the stranger'
    to Nell, and then Mr. Tolley, not about before, talks on with Nell ('replied Mr. Tolley'), or the narration
    gives the name ("his visitor's name was Osric Tolley", "Tolley, by which name Nell had called him"). Its uses
    in that episode become the named one's mentions. Roles ("the turnkey") are left alone: the named one who comes
    next is someone else."""
    named = [c for c in characters if not c.narrator and not c.name.startswith("the ")]
    everyone = sorted((s, id(c)) for c in {id(c): c for c in [*characters, *described]}.values() if not c.narrator
                      for s, _ in c.mentions)
    for cluster in described:
        if _is_role(cluster.last or "") or cluster.gender not in ("male", "female"):
            continue
        for episode in _episodes([(s, e, False) for s, e in sorted(cluster.mentions)]):
            who = _named_next(text, cluster, episode, [c for c in named if c.gender == cluster.gender], everyone)
            if who is not None:
                held = {(s, e) for s, e, _ in episode}
                cluster.mentions = [m for m in cluster.mentions if m not in held]
                who.mentions = sorted([*who.mentions, *held])


def _named_next(text: str, cluster: CharacterCluster, episode: list[tuple[int, int, bool]],
                named: list[CharacterCluster], everyone: list[tuple[int, int]]) -> CharacterCluster | None:
    """The named character (of the description's sex) who is not about in the episode and first appears within
    `_NAME_REACH` after its last use, speaking or named by the narration, when the description is not used again
    for a while after that and someone else of the episode is about on both sides."""
    first, last = episode[0][0], episode[-1][0]
    candidates = []
    for who in named:
        positions = [s for s, _ in sorted(who.mentions) if text[s].isupper()]  # names, not "the doctor" he is
        i = bisect.bisect_left(positions, first - _ABOUT)
        if i < len(positions) and positions[i] <= last:
            continue  # about in the episode: the description is someone beside him
        if i < len(positions) and positions[i] - last <= _NAME_REACH:
            candidates.append((positions[i], who))
    if not candidates:
        return None
    at, who = min(candidates, key=lambda c: c[0])
    end = next(e for s, e in who.mentions if s == at)
    if len([c for c in candidates if c[0] == at]) > 1 or any(at < s <= at + _EPISODE_GAP for s, _ in cluster.mentions):
        return None
    if not (_is_tag(text, at, end, 0, broad=True) or _NAMING.search(_sentence_around(text, at))):
        return None
    starts = [s for s, _ in everyone]
    before = {c for _, c in everyone[bisect.bisect_left(starts, first) : bisect.bisect_right(starts, last)]}
    after = {c for _, c in everyone[bisect.bisect_right(starts, last) : bisect.bisect_right(starts, at + _NAME_REACH)]}
    return who if (before & after) - {id(cluster), id(who)} else None


def _sentence_around(text: str, position: int) -> str:
    """The sentence of the narration that holds `position` (at most `_SENTENCE_REACH` * 3 either side)."""
    ends = list(_SENTENCE_END.finditer(text, max(0, position - 3 * _SENTENCE_REACH), position))
    start = ends[-1].end() if ends else max(0, position - 3 * _SENTENCE_REACH)
    after = _SENTENCE_END.search(text, position, position + 3 * _SENTENCE_REACH)
    return text[start : after.start() if after else position + 3 * _SENTENCE_REACH]


def _add(clusters: dict[str, CharacterCluster], name: str, aliases: set[str], gender: str | None, noun: str,
         mentions: list[tuple[int, int]]) -> None:
    """A new unnamed character, or more mentions for the one of that name when the description is particular
    enough to be the same person again ("the old gentleman", "the turnkey"); a bare "the man" met again is
    someone else ("the man (2)")."""
    if name in clusters and (name.count(" ") > 1 or noun not in _GENERIC_PEOPLE):
        clusters[name].mentions += mentions
        clusters[name].aliases |= aliases
        return
    if name in clusters:
        name = next(f"{name} ({n})" for n in range(2, len(clusters) + 3) if f"{name} ({n})" not in clusters)
    clusters[name] = CharacterCluster(name=name, aliases={name} | aliases, gender=gender or "unknown", last=noun,
                                      mentions=list(mentions))


def _phrase(text: str, position: int, end: int) -> tuple[int, str, tuple[str, ...]] | None:
    """A person noun and the lower-case modifiers before it, right at `position` ("stout man with" ->
    (end of "man", "man", ("stout",))); None when no person noun comes within four words."""
    words: list[str] = []
    for _ in range(4):
        match = _WORD.match(text, position, end)
        if match is None:
            return None
        word = match.group(1)
        if is_person_noun(word):
            following = _WORD.match(text, match.end(), end)
            if following is not None and not match.group(2) and is_person_noun(following.group(1)):
                words.append(word)  # "a farmer boy": the last noun is the person
                position = match.end()
                continue
            modifiers = tuple(w for w in words if w not in _INTENSIFIERS)
            return match.start(1) + len(word), word, modifiers[-3:]
        if word in _STOP:
            return None
        words.append(word)
        position = match.end()
    return None


def _indefinites(text: str, start: int, end: int):
    """(start, (end, noun, modifiers)) for each "a/an <modifiers> <person noun>" that brings someone in."""
    for article in _ARTICLE.finditer(text, start, end):
        before = text[max(start, article.start() - 30) : article.start()]
        previous = re.search(r"([\w'’]+)([,]?)\s*$", before)
        if previous is not None:
            word = previous.group(1)
            if word.lower() in _PREDICATE or word.lower().endswith(("'s", "’s")):
                continue
            kind = re.search(r"(\w+)\s+of\s*$", before)
            if word.lower() == "of" and kind is not None and kind.group(1).lower() in _KIND_OF:
                continue
            if previous.group(2) and word[:1].isupper():
                continue  # "Nell, a girl of twenty": the named one described
        phrase = _phrase(text, article.end(), end)
        if phrase is not None:
            yield article.start(), phrase


def _definites(text: str, start: int, end: int) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """(start, end, noun, modifiers) for each "the <up to two modifiers> <person noun>", or with a possessive
    determiner ("her visitor", "his companion")."""
    found = []
    for the in _THE.finditer(text, start, end):
        phrase = _phrase(text, the.end(), end)
        if phrase is not None and len(phrase[2]) <= 2:
            found.append((the.start(), phrase[0], phrase[1], phrase[2]))
    return found


def _pronoun_gender(text: str, position: int, end: int, skip: str | None = None) -> str | None:
    """The sex of the first third-person pronoun after a description in its sentence ("the stranger took off
    his hat": male), or None; pronouns of the sex `skip` are passed over."""
    sentence = _SENTENCE_END.search(text, position, min(end, position + _PRONOUN_REACH))
    stop = sentence.start() if sentence else min(end, position + _PRONOUN_REACH)
    for pronoun in _PRONOUN.finditer(text, position, stop):
        gender = "female" if pronoun.group(0).lower() in ("she", "her", "herself") else "male"
        if gender != skip:
            return gender
    return None


def _use_gender(text: str, s: int, e: int, end: int) -> str | None:
    """The sex the pronouns after the description at text[s:e] give it. After "her visitor" the pronouns of the
    possessor's sex ("said her visitor, and turning she saw") are most often the possessor's, not the
    description's: they are passed over."""
    return _pronoun_gender(text, e, end, skip=_possessive(text, s))


def _possessive(text: str, s: int) -> str | None:
    """The sex of the possessive determiner opening the description at `s` ("her visitor": female, "his
    companion": male), or None ("the man", "my aunt", "their guest")."""
    word = text[s : s + 4].lower()
    return "female" if word.startswith("her") else "male" if word.startswith("his") else None


def _usual_gender(text: str, uses: list[tuple[int, int]], end: int) -> str | None:
    """The sex the pronouns after a description's uses give it most often, or None."""
    votes = Counter(g for s, e in uses if (g := _use_gender(text, s, e, end)))
    return votes.most_common(1)[0][0] if votes else None


def _is_tag(text: str, s: int, e: int, start: int, broad: bool = False) -> bool:
    """Is the description at text[s:e] the subject of a speech tag ("said the man", "the man said")? With the
    common naming verbs only, or (`broad`) any speech verb ("called the man", "the man growled")."""
    after, before = (_BROAD_TAG_AFTER, _BROAD_TAG_BEFORE) if broad else (_TAG_AFTER, _TAG_BEFORE)
    return bool(after.match(text, e) or before.search(text, max(start, s - 30), s))


def _newcomer_named(text: str, named: list[tuple[int, CharacterCluster]], starts: list[int], person: _Person) -> bool:
    """Is a named character of the person's sex, not about before the introduction, named between it and the
    person's last use? (Then the newcomer may be that character, named once introduced.) One named in the same
    sentence as a use of the person and joined to it by "and" ("Mr. Tolley, Hobbs, and the tinker") is someone
    else."""
    introduced, last = person.mentions[0][0], person.mentions[-1][0]
    about = {id(c) for _, c in named[bisect.bisect_left(starts, introduced - _ABOUT) : bisect.bisect_left(starts, introduced)]}
    newcomers: dict[int, list[int]] = defaultdict(list)
    for position, cluster in named[bisect.bisect_left(starts, introduced) : bisect.bisect_left(starts, last)]:
        same_sex = person.gender is None or cluster.gender in (person.gender, "unknown")
        if same_sex and id(cluster) not in about:
            newcomers[id(cluster)].append(position)
    return any(not any(_same_sentence(text, p, u) for p in positions for u in person.mentions) for positions in newcomers.values())


def _same_sentence(text: str, named_at: int, use: tuple[int, int]) -> bool:
    """Is a name coordinated with a use of the description as two people ("Mr. Tolley, Hobbs, and the tinker",
    "the tinker and Tom"; not an apposition, "the old lady, Mrs. Pellow")?"""
    if named_at < use[0]:
        return use[0] - named_at < _SENTENCE_REACH and _NAMES_THEN_AND.fullmatch(text, named_at, use[0]) is not None
    return named_at - use[1] < _SENTENCE_REACH and _AND_THEN_NAMES.fullmatch(text, use[1], named_at) is not None


def _main_episode(uses: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """The stretch of uses (no two consecutive ones further apart than `_EPISODE_GAP`) where the description
    speaks, when it holds most of the book's unaccompanied uses of it; else none. "the girl" used all through
    a long novel is a named girl described; an unnamed one belongs to an episode."""
    best = max(_episodes(uses), key=len, default=[])
    tags = sum(is_tag for *_, is_tag in best)
    speaks = tags >= _MIN_TAGS or (tags >= 1 and len(best) - tags >= _MIN_NARRATION)
    return best if speaks and len(best) >= 0.5 * len(uses) else []


def _episodes(uses: list[tuple[int, int, bool]]) -> list[list[tuple[int, int, bool]]]:
    """The uses in stretches in which no two consecutive ones are further apart than `_EPISODE_GAP`."""
    episodes: list[list[tuple[int, int, bool]]] = []
    for use in uses:
        if episodes and use[0] - episodes[-1][-1][0] <= _EPISODE_GAP:
            episodes[-1].append(use)
        else:
            episodes.append([use])
    return episodes


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
