"""CharacterFinder: the book's characters, each a cluster of the names it goes by, with every mention.

Candidates come from the recogniser's PERSON entities, honorific patterns (Mr. Pellow, Lady Imogen) and
capitalised "the X" characters (the Grey Heron). Names are clustered by rules that keep family members apart:
full names anchor clusters; "Miss Beth Pellow" joins "Elizabeth Pellow" through the nickname table (and "Zilly"
joins "Zillah Pellow", a pet form of a name no table knows); "Mr. X" joins the only man surnamed X; a bare first
name joins the cluster with that first name; a bare surname joins "Mr. X", or the son when "Mr. X" is someone's
father. Names the recogniser missed or cut are found from the text itself (a first name before a known surname,
the rest of a particle surname, a word shown to be a person by what it does or is called). Mentions are then
found by scanning the text for every alias.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from ..lexicon import (
    ABBREVIATED_TITLES,
    AMBIGUOUS_SPEECH_VERBS,
    GESTURE_VERBS,
    INTERIOR_VERBS,
    KIN,
    SPEECH_VERBS,
    FAMILY_TITLES,
    HONORIFICS,
    NAMING_SPEECH_VERBS,
    RANK_TITLES,
    SURNAME_PARTICLES,
    SURNAME_TITLES,
    TITLE_NOUNS,
    alternation,
)
from .names import FEMALE_NAMES, HYPOCORISTICS, MALE_NAMES, MALE_PRONOUNS, NOT_NAMES
from .nlp import Entity
from .text import dehyphenated

_TITLE_ALT = "|".join(sorted((re.escape(t) for t in HONORIFICS), key=len, reverse=True))
# Mac/Mc/O' names first ("McBride" is one token, not "Mc"); then an ordinary capitalised word ("Jean-Marie")
_NAME_TOKEN = r"(?:Ma?c[A-Z][a-zà-ÿ]+|O['’][A-Z][a-zà-ÿ]+|[A-Z][a-zà-ÿ]+(?:[-'][A-Z]?[a-zà-ÿ]+)*)(?![A-Za-z])"
_PARTICLE = r"(?:" + "|".join(sorted({re.escape(p) for p in SURNAME_PARTICLES} | {re.escape(p.capitalize()) for p in SURNAME_PARTICLES}, key=len, reverse=True)) + r")"
_PARTICLE_RUN = rf"(?:{_PARTICLE}[ \t\n]+){{1,2}}"
_HONORIFIC_NAME = re.compile(
    rf"\b(?P<title>{_TITLE_ALT})\.?[ \t\n]+(?P<name>(?:{_PARTICLE_RUN})?{_NAME_TOKEN}(?:[ \t\n]+(?:{_PARTICLE_RUN})?{_NAME_TOKEN}){{0,2}})"
)
_THE_CHARACTER = re.compile(r"\b[Tt]he[ \t\n]+(?P<name>(?:[A-Z][a-z]+[ \t\n]+){0,2}[A-Z][a-z]+)\b")
_SPEECH_SUBJECT = rf"(?:{alternation(NAMING_SPEECH_VERBS)})"
_CAP_RUN = r"(?P<name>[A-Z][a-z]+\b(?:\s+[A-Z][a-z]+\b){0,2})"
# "said the Grey Heron"; right after a quotation any speech verb ('" squeaked the Marmot')
_SAID_THE = re.compile(rf"(?:{_SPEECH_SUBJECT}|(?<=[”’\"'])[ \t\n]*,?[ \t\n]*(?:{alternation(SPEECH_VERBS)}))\s+the\s+{_CAP_RUN}")
_THE_SAID = re.compile(rf"\bthe\s+(?=(?:[A-Z][a-z]+\s+){{1,3}}{_SPEECH_SUBJECT})(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,2}})\s+{_SPEECH_SUBJECT}")
_CAPITALISED_WORD = re.compile(r"\b[A-Z]\w*\b")
_CAPITALISED_NAME = re.compile(r"\b[A-Z]\w*(?:-[A-Z]\w*)*\b")  # "Brook-Tarrant" whole
_MIN_MENTIONS = 2
_ARTICLES = frozenset({"The", "A", "An"})


@dataclass
class CharacterCluster:
    """One character: its names and what is known of it."""

    name: str
    aliases: set[str] = field(default_factory=set)
    gender: str = "unknown"
    first: str | None = None  # canonical first name (lower case)
    first_raw: str | None = None  # the first name as written in the name that made the cluster (lower case)
    last: str | None = None  # surname (lower case)
    title: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    narrator: bool = False
    narrates: list[tuple[int, int]] = field(default_factory=list)  # where this narrator is "I" (empty: everywhere)
    id: str = ""
    by_husband: bool = False  # "Mrs. John Pellow": her first name is her husband's


@dataclass
class _Name:
    surface: str
    title: str | None
    tokens: list[str]

    @property
    def first(self) -> str | None:
        return canonical_first(self.tokens[0]) if self.tokens and not self.is_surname_only() else None

    @property
    def last(self) -> str | None:
        return _last(self.tokens) if len(self.tokens) >= 2 else None

    def is_surname_only(self) -> bool:
        if self.tokens and self.tokens[0].lower() in SURNAME_PARTICLES:
            return True  # "van der Hoek", "Mr. de Mornay": a surname with its particles
        if self.title in ("Miss", "Master") and self.tokens and canonical_first(self.tokens[0]) in FEMALE_NAMES | MALE_NAMES:
            return False  # "Miss Lucy", "Master Charles": a first name
        return self.title in SURNAME_TITLES and len(self.tokens) == 1

    @property
    def surname(self) -> str | None:
        """The surname of a surname-only name ("van der luyden"), lower case."""
        return " ".join(self.tokens).lower() if self.is_surname_only() else None

    @property
    def is_wife_by_husbands_name(self) -> bool:
        """"Mrs. Osric Tolley", "Mrs. John Pellow": a married woman under her husband's first name (a
        woman's own first name after "Mrs." is rare), not the man "Osric Tolley"."""
        return self.title == "Mrs" and len(self.tokens) >= 2 and not self.is_surname_only() and self.first not in FEMALE_NAMES


def canonical_first(token: str) -> str:
    low = token.lower()
    return HYPOCORISTICS.get(low, low)


def _last(tokens: list[str]) -> str:
    if tokens[0].lower() in SURNAME_PARTICLES:
        return " ".join(tokens).lower()
    for i, token in enumerate(tokens[1:], 1):
        if token.lower() in SURNAME_PARTICLES:
            return " ".join(tokens[i:]).lower()
    return tokens[-1].lower()


def clean_surface(surface: str) -> str:
    surface = re.sub(r"\s+", " ", surface).strip(" \t\n.,;:!?\"'“”‘’()-_")
    surface = re.sub(r"(?:'s|’s|')$", "", surface)
    return surface


def parse_name(surface: str, surnames: frozenset[str] = frozenset()) -> _Name | None:
    """Title and name tokens of a surface form; None when it does not look like a person's name. `surnames`: common
    words (lower case, such as "good") that the book shows to be surnames (`common_word_surnames`)."""
    tokens = clean_surface(surface).split()
    while len(tokens) > 1 and tokens[-1].lower() in SURNAME_PARTICLES:  # "Henry van" (a name cut before its surname)
        tokens.pop()
    surface = " ".join(tokens)
    if not tokens or len([t for t in tokens if t.lower() not in SURNAME_PARTICLES]) > 4 or all(t.lower() in SURNAME_PARTICLES for t in tokens):
        return None
    title = None
    head = tokens[0].rstrip(".")
    if head in HONORIFICS and len(tokens) > 1:
        title, tokens = head, tokens[1:]
    if not all(t[0].isupper() or t.lower() in SURNAME_PARTICLES for t in tokens):
        return None
    if tokens[0] in _ARTICLES:  # "The Grey Heron" at a sentence start is "the Grey Heron", found as such
        return None
    if any(t.lower().rstrip(".") in NOT_NAMES - surnames for t in tokens) or any(ch.isdigit() for ch in surface):
        return None
    if any(t.rstrip(".") in HONORIFICS for t in tokens):
        return None
    if len(tokens) > 1 and tokens[-1].lower() in _PLACE_WORDS:
        return None
    if all(t.lower() in SURNAME_PARTICLES for t in tokens):
        return None
    if title is None and len([t for t in tokens if t.lower() not in SURNAME_PARTICLES]) > 3:
        return None
    if all(t.isupper() and len(t) > 1 for t in tokens):
        return None
    return _Name(clean_surface(surface), title, tokens)


# a title, a known first name and a capitalised common word: "Captain Ada Christmas", "Mrs. Tom Frost"
_TITLED_FULL_NAME = re.compile(rf"\b(?:{_TITLE_ALT})\.?[ \t\n]+(?P<first>[A-Z][a-z]+)[ \t\n]+(?P<last>[A-Z][a-z]+)\b(?!-[A-Za-z])")


def common_word_surnames(text: str, start: int, end: int) -> frozenset[str]:
    """Words never taken as names alone ("good", "march") that the text writes as the surname of a titled full
    name ("Captain Ada Christmas"): in this book they are surnames (lower case)."""
    found = set()
    for match in _TITLED_FULL_NAME.finditer(text, start, end):
        last = match.group("last")
        if last.lower() in NOT_NAMES and last not in HONORIFICS and canonical_first(match.group("first")) in _FIRST_NAMES:
            found.add(last.lower())
    return frozenset(found)


class CharacterFinder:
    """`find(text, start, end, persons, quote_spans) -> list[CharacterCluster]`, most mentioned first."""

    def find(self, text: str, start: int, end: int, persons: list[Entity], quote_spans: list[tuple[int, int]],
             places: list[Entity] = (), others: list[Entity] = ()) -> list[CharacterCluster]:
        """`others`: the recogniser's other entities (ORG, ...), among which a name it mislabelled may be."""
        places_seen = Counter(clean_surface(e.text) for e in places)
        self._text = text
        self._surnames = common_word_surnames(text, start, end)
        counts = self._candidates(text, start, end, persons, quote_spans, [*places, *others])
        placey = set(_mostly_places(persons, places_seen))
        for place in _place_like(text, start, end, counts, placey) + _plurals(counts):
            counts.pop(place, None)
        self._together = _co_occurring(text, start, end, counts)
        self._bare_in_narration = _bare_in_narration(text, start, end, counts, quote_spans)
        clusters = _join_professional_titles(self._cluster(counts))
        clusters = self._scan_mentions(text, start, end, clusters)
        clusters = [c for c in clusters if len(c.mentions) >= _MIN_MENTIONS and not _a_thing(text, c)]
        if _add_epithets(text, start, end, clusters):
            for cluster in clusters:
                cluster.mentions = []
            clusters = self._scan_mentions(text, start, end, clusters)
        for cluster in clusters:
            cluster.gender = self._gender(text, cluster)
        clusters.sort(key=lambda c: -len(c.mentions))
        for n, cluster in enumerate(clusters, 1):
            cluster.id = f"c{n}"
        return clusters

    # -- candidates -----------------------------------------------------------------------------------

    def _candidates(self, text: str, start: int, end: int, persons: list[Entity], quote_spans=(),
                    mislabelled: list[Entity] = ()) -> Counter:
        counts: Counter = Counter()
        surnames = getattr(self, "_surnames", frozenset())
        for entity in persons:
            name = parse_name(_whole_name(text, entity.start, entity.end), surnames)
            if name is not None:
                counts[name.surface] += 1
        for match in _HONORIFIC_NAME.finditer(text, start, end):
            name = _titled_name(match.group("title"), match.group("name"), surnames)
            if name is not None:
                counts[_title_form(name)] += 1
        counts.update(self._the_characters(text, start, end))
        for name, n in _speaking_names(text, start, end).items():
            counts.setdefault(name, n)
        for name, n in _acting_names(text, start, end, quote_spans, counts).items():
            counts.setdefault(name, n)
        for name, n in _first_names_mislabelled(mislabelled, counts, text[start:end]).items():
            counts.setdefault(name, n)
        for name, n in _bare_surnames(text, start, end, counts, surnames).items():
            counts.setdefault(name, n)
        lone_names = _lone_full_names(counts, text[start:end])
        tagging = _tagging_words(text, start, end) if lone_names else set()
        for lone in lone_names:
            first = lone.split()[0]  # '"Is it far?" asked Nell.': "Nell Marden" seen once is hers
            if first not in tagging or first in counts:
                del counts[lone]
        counts.update(_full_names_by_pattern(text, start, end, counts))
        for name, n in _full_names_before_surnames(text, start, end, counts).items():
            counts.setdefault(name, n)
        return counts

    @staticmethod
    def _the_characters(text: str, start: int, end: int) -> Counter:
        """Capitalised "the X" names used as a speaker at least once (the Grey Heron, the Tinker).

        One pass over the text for each of the two speech forms (not one per name)."""
        seen: Counter = Counter()
        for match in _THE_CHARACTER.finditer(text, start, end):
            seen[re.sub(r"\s+", " ", match.group("name"))] += 1
        tagged: set[str] = set()
        for match in _SAID_THE.finditer(text, start, end):  # "said the Grey Heron": each leading run of words
            words = match.group("name").split()
            tagged.update(" ".join(words[:n]) for n in range(1, len(words) + 1))
        for match in _THE_SAID.finditer(text, start, end):  # "the Grey Heron said": the whole run
            tagged.add(" ".join(match.group("name").split()))
        speaking = {name for name in seen if seen[name] >= 2 and name.split()[-1].lower() not in NOT_NAMES and name in tagged}
        found = Counter({f"the {name}": seen[name] for name in speaking})
        for name in speaking:
            head = name.split()[-1]
            if head != name and seen.get(head):
                found[f"the {head}"] = seen[head]
        return found

    # -- clustering -----------------------------------------------------------------------------------

    def _cluster(self, counts: Counter) -> list[CharacterCluster]:
        surnames = getattr(self, "_surnames", frozenset())
        names = [n for n in (parse_name(s, surnames) if not s.startswith("the ") else _Name(s, None, s.split()[1:]) for s in counts) if n]
        clusters: list[CharacterCluster] = []
        by_key: dict[tuple, CharacterCluster] = {}

        def new(name: _Name, **kw) -> CharacterCluster:
            cluster = CharacterCluster(name=name.surface, aliases={name.surface}, **kw)
            clusters.append(cluster)
            return cluster

        ordered = sorted(names, key=lambda n: (-_specificity(n), -counts[n.surface]))
        for name in ordered:
            if name.surface.startswith("the "):
                head = name.tokens[-1].lower()
                cluster = by_key.get(("the", head)) or new(name, last=head)
                by_key[("the", head)] = cluster
                cluster.aliases.add(name.surface)
                continue
            target = self._place(name, clusters, by_key, counts)
            if target is None:
                target = new(
                    name,
                    first=name.first,
                    first_raw=name.tokens[0].lower() if name.first else None,
                    last=name.surname or (name.last if len(name.tokens) >= 2 else None),
                    title=name.title,
                    by_husband=name.is_wife_by_husbands_name,
                )
                if name.is_surname_only():
                    by_key[(name.title, name.surname)] = target
            target.aliases.add(name.surface)
            if name.first and name.first == target.first and name.tokens[0].lower() == target.first:
                target.first_raw = target.first  # the formal first name is used: nicknames may join
            if name.title and not target.title:
                target.title = name.title
            if len(name.tokens) >= 2 and not name.is_surname_only():
                by_key.setdefault(_full_key(name), target)
        for cluster in clusters:
            cluster.name = _display_name(cluster, counts, surnames)
        _add_first_names(clusters, getattr(self, "_bare_in_narration", Counter()))
        return clusters

    def _place(self, name: _Name, clusters, by_key, counts) -> CharacterCluster | None:
        """The existing cluster this name belongs to, or None for a new character."""
        tokens = name.tokens
        if len(tokens) >= 2 and not name.is_surname_only():
            found = by_key.get(_full_key(name))
            if found is None and not name.is_wife_by_husbands_name:  # "Zilly Pellow" of "Zillah Pellow"
                found = _pet_form_bearer(tokens[0].lower(), [c for c in clusters if c.last == name.last])
            return found
        token = tokens[0]
        low = name.surname or token.lower()
        if name.is_surname_only() and name.title is None:  # "van der Hoek" alone: a bare surname
            return self._place_bare_surname(low, clusters, by_key, counts)
        if name.is_surname_only():  # "Mr. X", "Dr. X" (but "Miss Hetty", "Master Charles" are first names)
            return self._place_surname(name, low, clusters, by_key, counts)
        first = canonical_first(token)
        # the same first name, the formal name of the cluster's nickname ("Philip" for "Phil"), or a nickname of
        # a cluster that uses the formal name ("Lizzy" for "Elizabeth")
        by_first = [c for c in clusters if c.first == first and not c.by_husband
                    and (low in (c.first_raw, c.first) or c.first_raw == c.first)]
        if first != low:  # a nickname: nobles are not called by nicknames (Katie is not Lady Katherine)
            by_first = [c for c in by_first if c.title not in RANK_TITLES]
        if by_first:
            return max(by_first, key=lambda c: sum(counts.get(a, 0) for a in c.aliases))
        pet = _pet_form_bearer(low, clusters) if name.title in (None, "Miss", "Master") else None
        if pet is not None:
            return pet
        if name.title is None:
            return self._place_bare_surname(low, clusters, by_key, counts)
        gender = HONORIFICS.get(name.title, "unknown")
        by_last = [c for c in clusters if _surname_is(c.last, low) and c.first and not c.by_husband
                   and (gender == "unknown" or _gender_of(c) in (gender, "unknown"))]
        return by_last[0] if len(by_last) == 1 else None  # "Lady Tolley" is not Sir Osric Tolley

    def _place_surname(self, name: _Name, low: str, clusters, by_key, counts) -> CharacterCluster | None:
        """"Mr. X", "Mrs. X", "Dr. X", "Mr. van der X": the one person of the title's gender with that surname."""
        title = name.title
        gender = HONORIFICS.get(title, "unknown") if title else "unknown"
        if (title, low) in by_key:
            return by_key[(title, low)]
        wives = [c for c in clusters if c.by_husband and _surname_is(c.last, low)]
        if title == "Mrs" and len(wives) == 1 and not self._seen_together(name.surface, wives[0], counts):
            return wives[0]  # "Mrs. Tolley" is the one "Mrs. Ambrose Tolley" of the book
        same = [c for c in clusters if _surname_is(c.last, low) and c.first and not c.by_husband
                and (gender == "unknown" or _gender_of(c) in (gender, "unknown"))]
        if gender == "female" and len(same) > 1:  # a brother or sister whose first name no list knows: by pronouns
            same = [c for c in same if _gender_of(c) == gender or self._pronoun_gender(c) == gender]
        if gender == "male":
            same = [c for c in same if _gender_of(c) == "male"] or [c for c in same if _gender_of(c) == "unknown"]
        # "Mr. Pellow" is the one "Osric Pellow" seen once (not so "Mrs. Pellow": a mother and her daughter)
        alone = gender == "male" and len([c for c in clusters if _surname_is(c.last, low)]) == 1
        same = [c for c in same if _gender_of(c) != "unknown" or _weight(c, counts) >= 3 or alone]
        if len(same) != 1 or (_weight(same[0], counts) < 2 and not alone):
            return None
        target = same[0]
        if gender == "male" and counts.get(target.first_raw.capitalize(), 0) >= max(3, 0.3 * counts.get(name.surface, 0)):
            return None  # the man with this surname goes by his first name: "Mr. X" is someone else (his father)
        women = [c for c in clusters if _surname_is(c.last, low) and _gender_of(c) == "female"]
        if title == "Mrs" and (len(women) > 1 or (women and target not in women)):
            return None
        if gender != "unknown" and _gender_of(target) == "unknown" and not self._pronoun_agrees(target, gender, title):
            return None  # a first name no list knows ("Kisa X"): the pronouns after its names must say the title's sex

        if title == "Mrs" and counts.get(f"Miss {' '.join(name.tokens)}", 0) >= 2:
            return None  # a Miss and a Mrs. of one surname are two women (Miss Marden and Mrs. Marden)
        if title == "Miss" and self._elder_sister_named(name.surface, target, counts):
            return None  # "Miss Hetty" is a younger sister: "Miss Quarle" is the eldest, someone else
        if self._seen_together(name.surface, target, counts):
            return None  # "his mother, Mrs. Tolley, sat with his sister Kate Tolley": two people
        return target

    def _pronoun_agrees(self, cluster: CharacterCluster, gender: str, title: str) -> bool:
        """Do the pronouns after the cluster's names say the title's sex (a wife, mother, daughter, son or father
        shares the surname)?"""
        return self._pronoun_gender(cluster) == gender

    def _pronoun_gender(self, cluster: CharacterCluster) -> str:
        """The sex the pronouns after the cluster's names (so far, and its first name written alone: "Jine" of
        "Jine McClol") give it, as `_gender` counts them."""
        text = getattr(self, "_text", "")
        probe = CharacterCluster(name=cluster.name, aliases=set(cluster.aliases))
        names = set(cluster.aliases) | ({cluster.first_raw.capitalize()} if cluster.first_raw and cluster.last else set())
        for alias in sorted(names):
            probe.mentions += [m.span() for m in re.finditer(_written(alias), text)
                               if not _titled_by_another(text, m.start(), alias, cluster.aliases)][:200]
        return self._gender(text, probe) if probe.mentions else "unknown"

    def _kin_of_another(self, cluster: CharacterCluster) -> bool:
        """Is this character introduced as someone's relative ("his father, old Mr. Pellow", "Mr. Pellow, her
        uncle"), so that another character of the surname is the one the relation is told from?"""
        text = getattr(self, "_text", "")
        names = "|".join(_written(a) for a in sorted(cluster.aliases, key=len, reverse=True) if " " in a)
        if not names:
            return False
        kin = alternation(KIN)
        relation = (rf"\b(?:[Hh]is|[Hh]er|[Tt]heir)[ \t\n]+(?:{kin}),?[ \t\n]+(?:(?:old|young|poor|dear|good)[ \t\n]+)?(?:{names})"
                    rf"|(?:{names}),[ \t\n]+(?:his|her|their)[ \t\n]+(?:{kin})\b")
        return re.search(relation, text) is not None

    def _bare_pronoun_gender(self, surname: str) -> str:
        """The sex the pronouns after a surname written alone give ("Tolley hung up his coat"; not the "Tolley" of
        "Mrs. Tolley" or "Bessie Tolley")."""
        text = getattr(self, "_text", "")
        written = " ".join(w if w in SURNAME_PARTICLES else w.capitalize() for w in surname.split())
        probe = CharacterCluster(name=written, aliases={written})
        for match in re.finditer(_written(written), text):
            before = _word_before(text, match.start())
            if before.rstrip(".") not in HONORIFICS and not re.fullmatch(r"[A-Z][\w'’-]*", before):
                probe.mentions.append(match.span())
            if len(probe.mentions) >= 200:
                break
        return self._gender(text, probe) if probe.mentions else "unknown"

    def _elder_sister_named(self, surface: str, target: CharacterCluster, counts: Counter) -> bool:
        """Is "Miss Quarle" an elder sister of the target called "Miss Hetty" (Hetty Quarle)? Only on evidence:
        the two named in one sentence, or the text saying "the elder Miss Quarle" / "the Miss Quarles"; a
        "Miss Hetty" used now and then for the one woman called "Miss Quarle" is no sister."""
        if not target.first_raw or " " not in surface:
            return False
        younger = f"Miss {target.first_raw.capitalize()}"
        if counts.get(younger, 0) < 2:
            return False
        if getattr(self, "_together", Counter()).get(frozenset((surface, younger)), 0) >= 1:
            return True
        surname = re.escape(surface.split(" ", 1)[1]).replace(r"\ ", r"\s+")
        sisters = rf"\b(?:elder|eldest|older|oldest)\s+Miss\s+{surname}\b|\bthe\s+(?:two\s+)?Miss\s+{surname}e?s\b"
        return re.search(sisters, getattr(self, "_text", "")) is not None

    def _seen_together(self, surface: str, cluster: CharacterCluster, counts: Counter) -> bool:
        """Is this name used in one sentence with one of the cluster's names, more than by chance (in one
        sentence in fifty of its uses), so not the same person?"""
        together = getattr(self, "_together", Counter())
        seen = sum(together.get(frozenset((surface, alias)), 0) for alias in cluster.aliases if alias != surface)
        return seen >= max(1, 0.02 * counts.get(surface, 0))

    def _place_bare_surname(self, low: str, clusters, by_key, counts) -> CharacterCluster | None:
        """A bare capitalised word that is no one's first name: a "the X" character's name ("Heron" for "the
        Heron"), else a surname. A bare surname names a man: the most named man with a first name and that
        surname (the protagonist called "Tolley" is Osric Tolley, not his mother or sister), else "Mr. X", else
        the most named person of that surname whose first name says no sex."""
        if ("the", low) in by_key:
            return by_key[("the", low)]
        same = [c for c in clusters if _surname_is(c.last, low)]
        named = [c for c in same if c.first and not c.by_husband]
        men = [c for c in named if _gender_of(c) == "male"]
        if men:
            return max(men, key=lambda c: _weight(c, counts))
        mister = by_key.get(("Mr", low))
        men = [c for c in named if _gender_of(c) == "unknown"]
        if mister is not None and men and self._kin_of_another(mister):
            # "his father, old Mr. Pellow": the one called "Pellow" is the son, "Osric Pellow", unless she is a woman
            men = [c for c in men if self._pronoun_gender(c) != "female"] or [mister]
            return max(men, key=lambda c: _weight(c, counts))
        if mister is not None:
            return mister  # before a first name no list knows ("Wilna van Loon" may be his daughter)
        if men:
            return max(men, key=lambda c: _weight(c, counts))
        if not same:
            return None
        best = max(same, key=lambda c: sum(counts.get(a, 0) for a in c.aliases))
        if _gender_of(best) == "female" and self._bare_pronoun_gender(low) == "male":
            return None  # "Tolley hung up his coat": a man of his own, not Mrs. Tolley
        return best

    # -- mentions and gender --------------------------------------------------------------------------

    @staticmethod
    def _scan_mentions(text: str, start: int, end: int, clusters: list[CharacterCluster]) -> list[CharacterCluster]:
        owner: dict[str, CharacterCluster] = {}
        for cluster in clusters:
            for alias in sorted(cluster.aliases):
                owner.setdefault(alias, cluster)
                if alias.startswith("the "):
                    owner.setdefault("The " + alias[4:], cluster)
        if not owner:
            return clusters
        alternatives = sorted(owner, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(a).replace(r"\ ", r"\s+").replace(r"\.", r"\.?") for a in alternatives) + r")(?![\w])")
        lookup = {re.sub(r"\s+", " ", a).replace(".", ""): c for a, c in owner.items()}
        view = dehyphenated(text, start, end)  # "Eliz-\nabeth" is found as Elizabeth, its span the hyphenated text
        for match in pattern.finditer(view.joined):
            key = re.sub(r"\s+", " ", match.group(0)).replace(".", "")
            cluster = lookup.get(key)
            if key.lower() in NOT_NAMES and not _WITHIN_SENTENCE.search(view.joined, max(0, match.start() - 8), match.start()):
                continue  # a surname that is a common word ("Good") opening a sentence is the word ("Good morning")
            if cluster is not None:
                cluster.mentions.append((view.original(match.start()), view.original(match.end(), end=True)))
        return clusters

    @staticmethod
    def _gender(text: str, cluster: CharacterCluster) -> str:
        votes: Counter = Counter()
        for alias in cluster.aliases:
            parsed = parse_name(alias)
            if parsed and parsed.title:
                votes[HONORIFICS.get(parsed.title, "unknown")] += 10
        if cluster.first in MALE_NAMES and not cluster.by_husband:
            votes["male"] += 10
        if cluster.first in FEMALE_NAMES:
            votes["female"] += 10
        for begin, end in cluster.mentions[:400]:
            # a pronoun after the name in its sentence; never "him", which is someone else ("Nell found him")
            following = re.match(r"[^.!?\"“”]{0,80}?\b(he|his|she|her|hers)\b", text[end : end + 90], re.IGNORECASE)
            if following:
                pronoun = following.group(1).lower()
                votes["male" if pronoun in MALE_PRONOUNS else "female"] += 0.5
            described = _DESCRIBED_AS.match(text, end)  # "Vold was an old man", "Tesh, a tall girl,"
            called = _CALLED_BEFORE.search(text, max(0, begin - 60), begin)  # "the boy everyone called Wren"
            for found in (described, called):
                if found:
                    votes["female" if found.group("noun") in _FEMALE_NOUNS else "male"] += 2
            own = _OWN_POSSESSIVE.match(text, end)  # "Nard lit his cigar": his own (her may be an object)
            if own:
                votes["female" if own.group("pronoun") == "herself" else "male"] += 2
            if _SENTENCE_START.search(text, max(0, begin - 3), begin):  # "Nard rolled a cigarette. He smoked"
                then = _NEXT_SUBJECT.match(text, end)
                if then and not _NAMES_SOMEONE.search(then.group("rest")):  # "Nell found Osric. He was ..."
                    votes["male" if then.group("pronoun") == "He" else "female"] += 2
        votes.pop("unknown", None)
        if not votes:
            return "unknown"
        (best, score), *rest = votes.most_common()
        return best if not rest or score > 1.5 * rest[0][1] else "unknown"



# a word or a comma before a position in the same sentence ("said Good", "and Good")
_WITHIN_SENTENCE = re.compile(r"[a-z,;][ \t\n]+$")

_MALE_NOUNS = frozenset({"man", "gentleman", "boy", "fellow", "lad", "husband", "father", "son", "brother", "uncle",
                         "widower", "nephew", "grandfather"})
_FEMALE_NOUNS = frozenset({"woman", "lady", "girl", "lass", "wife", "mother", "daughter", "sister", "aunt", "widow",
                           "niece", "grandmother", "maid"})
# a name described by a noun of one sex: "X was an elderly, nay, an old man", "X, a tall girl of twelve,"
_DESCRIBED_AS = re.compile(r"(?:[ \t\n]+(?:was|is)|[ \t\n]*,)[ \t\n]+(?:an?|the)[ \t\n]+(?:(?!(?:of|to|with|and|or|for|in|on|by|from|at|who|whom|that)\b)[a-z-]+[ \t\n]*,?[ \t\n]+){0,5}?"
                           rf"(?P<noun>{alternation(sorted(_MALE_NOUNS | _FEMALE_NOUNS))})\b(?![-'’])")


# a noun of one sex that the name is given to, right before it: "the boy everyone called Wren", "a girl named Pim"
_CALLED_BEFORE = re.compile(r"\b(?:[Aa]n?|[Tt]he)[ \t\n]+(?:[a-z-]+[ \t\n]+){0,2}?"
                            rf"(?P<noun>{alternation(sorted(_MALE_NOUNS | _FEMALE_NOUNS))})[ \t\n]+"
                            r"(?:(?:whom[ \t\n]+)?(?:everyone|everybody|they|people|we|all)[ \t\n]+)?(?:called|named)[ \t\n]+$")


# the name's own possessive or reflexive right after its verb: "Nard lit his cigar", "Thette found herself alone"
_OWN_POSSESSIVE = re.compile(r"[ \t\n]+(?:[a-z]+ly[ \t\n]+)?[a-z]+(?:ed|s)(?:[ \t\n]+[a-z]+){0,4}?[ \t\n]+(?P<pronoun>his|himself|herself)\b")
# a name opening a sentence, and the next sentence opening with He or She
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"”’']?[ \t\n]+|\n\n)$")
_NEXT_SUBJECT = re.compile(r"(?P<rest>[^.!?\"“”]{0,200})[.!?][ \t\n]+(?P<pronoun>He|She)\b")
# someone else in the rest of the name's sentence, whom the next He/She may be: a capitalised word, or "him" /
# "her" as an object ("Nell looked at him. He ...")
_NAMES_SOMEONE = re.compile(r"\b(?!I\b)[A-Z][a-z]*|\bhim\b|\b(?:at|to|with|for|from|on|by|after|behind|beside|"
                            r"towards?|found|saw|watched|told|asked|kissed|helped|left)[ \t\n]+her\b")


def _a_thing(text: str, cluster: CharacterCluster) -> bool:
    """A name always written "the X" that never speaks ("on the Curlew", "at the Elbow"): a ship, an inn or
    a landmark, not a person. "The Grey Heron" speaks ("said the Grey Heron") and stays."""
    if cluster.name.startswith("the ") or len(cluster.mentions) < 2:
        return False
    with_the = sum(bool(re.search(r"\b[Tt]he\s+$", text[max(0, s - 5) : s])) for s, _ in cluster.mentions)
    if with_the < 0.9 * len(cluster.mentions):
        return False
    names = "|".join(re.escape(a) for a in cluster.aliases)
    speaks = rf"{_SPEECH_SUBJECT}[ \t\n]+the[ \t\n]+(?:{names})\b|\b[Tt]he[ \t\n]+(?:{names})[ \t\n]+{_SPEECH_SUBJECT}\b"
    return re.search(speaks, text) is None


_SENTENCE_END = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)[.!?][\"'”’)]*\s+(?=[\"'“‘(]*[A-Z])|\n\s*\n")


def _co_occurring(text: str, start: int, end: int, counts: Counter) -> Counter:
    """How many sentences use each pair of candidate names (apart, not one inside the other), by one pass over
    the text: a person is seldom named twice in a sentence under two different names, two relatives often are."""
    names = [s for s in counts if not s.startswith("the ")]
    if not names:
        return Counter()
    alternatives = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a).replace(r"\ ", r"\s+").replace(r"\.", r"\.?") for a in alternatives) + r")(?!\w)")
    lookup = {re.sub(r"\s+", " ", a).replace(".", ""): a for a in names}
    ends = [m.end() for m in _SENTENCE_END.finditer(text, start, end)]
    together: Counter = Counter()
    current, sentence = -1, set()
    for match in pattern.finditer(text, start, end):
        index = bisect.bisect_right(ends, match.start())
        if index != current:
            current, sentence = index, set()
        name = lookup.get(re.sub(r"\s+", " ", match.group(0)).replace(".", ""))
        if name is None or name in sentence:
            continue
        together.update(frozenset((name, other)) for other in sentence)
        sentence.add(name)
    return together


def _add_first_names(clusters: list[CharacterCluster], bare: Counter) -> None:
    """The first name of a full name ("Rosamond" of "Rosamond Thorne", or the pet name of one of its full names,
    "Bess" of "Miss Bess Pellow" beside "Elizabeth Pellow") becomes an alias of the one character who bears it,
    when the narration uses it alone or a quotation addresses someone by it (`bare`: how often), so that the
    bare name is found even when the recogniser never tagged it alone: a known first name once, a name the
    lists do not know ("Tamsin") twice."""
    bearers: Counter = Counter(c.first for c in clusters if c.first)
    for cluster in clusters:
        if not (cluster.first and bearers[cluster.first] == 1 and not cluster.by_husband and cluster.last):
            continue
        for raw in _first_names_written(cluster):
            if bare[raw] and (raw in _FIRST_NAMES or cluster.first in _FIRST_NAMES or bare[raw] >= 2):
                cluster.aliases.add(raw.capitalize())


def _first_names_written(cluster: CharacterCluster) -> set[str]:
    """The first names the cluster's full names are written with (lower case): the one that made it and the
    pet names of it ("bess" of "Miss Bess Pellow" in Elizabeth Pellow's cluster)."""
    written = {cluster.first_raw} if cluster.first_raw else set()
    for alias in cluster.aliases:
        parsed = parse_name(alias) if not alias.startswith("the ") else None
        if parsed and len(parsed.tokens) >= 2 and parsed.first == cluster.first and not parsed.is_wife_by_husbands_name:
            written.add(parsed.tokens[0].lower())
    return written


def _bare_in_narration(text: str, start: int, end: int, counts: Counter, quote_spans) -> Counter:
    """The first names of candidate full names ("Rosamond" of "Rosamond Thorne") that the narration (outside the
    quotations) uses alone, not followed by another capitalised word, or that a quotation addresses ("Is that
    so, Rosamond?"), and how often (lower case); a word the text also writes in lower case ("Hope", "Will" of
    "Will Lacy" beside "will") only when it is a known first name."""
    firsts = {p.tokens[0] for s in counts if (p := parse_name(s)) and len(p.tokens) >= 2 and not p.is_surname_only()
              and (not p.title or p.first in _FIRST_NAMES)}
    firsts = {f for f in firsts if canonical_first(f) in _FIRST_NAMES
              or not re.search(rf"\b{re.escape(f.lower())}\b", text[start:end])}
    if not firsts:
        return Counter()
    spans = sorted(quote_spans)
    starts = [s for s, _ in spans]
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(firsts))) + r")\b(?![ \t\n]+[A-Z])")
    found = Counter()
    for match in pattern.finditer(text, start, end):
        i = bisect.bisect_right(starts, match.start()) - 1
        if i < 0 or match.start() >= spans[i][1]:
            found[match.group(1).lower()] += 1
        elif re.match(r"[ \t\n]*[,!?]", text[match.end():]) and _is_address(text, match.start(), spans[i][0]):
            found[match.group(1).lower()] += 1
    return found


_FIRST_NAMES = MALE_NAMES | FEMALE_NAMES | frozenset(HYPOCORISTICS)


def _pet_form_bearer(token: str, clusters: list[CharacterCluster]) -> CharacterCluster | None:
    """The one character whose first name (one no list knows) this token is a pet form of: its first
    syllables, with or without a pet ending ("Zilly", "Zillie", "Zill" of "Zillah"; "Talvo" of "Talvera")."""
    if token in _FIRST_NAMES:
        return None  # a known name is its own, or the table's ("Lizzy" is Elizabeth's)
    bearers = [c for c in clusters if c.first_raw and c.first_raw not in _FIRST_NAMES and not c.by_husband
               and c.title not in RANK_TITLES and _is_pet_form(token, c.first_raw)]
    return bearers[0] if len(bearers) == 1 else None


def _is_pet_form(token: str, first: str) -> bool:
    """Is `token` (lower case) the first syllables of `first`, with or without a pet ending (-y, -ie, -o, -s)?"""
    stem = re.sub(r"(?:ie|y|o|s)$", "", token)
    stem = re.sub(r"(.)\1$", r"\1", stem) if not first.startswith(stem) else stem  # "Freddy" -> "Fred"
    return token != first and len(stem) >= 3 and first.startswith(stem) and len(first) > len(stem)


def _full_key(name: _Name) -> tuple:
    """The key a first name and surname file a character under; a wife under her husband's name has her own."""
    return ("wife" if name.is_wife_by_husbands_name else "full", name.first, name.last)


def _surname_is(last: str | None, surname: str) -> bool:
    """Is `surname` this surname, or its last word ("Hoek" of "van der Hoek")?"""
    return bool(last) and (last == surname or last.split()[-1] == surname)


def _weight(cluster: CharacterCluster, counts: Counter) -> int:
    """How often a cluster's names (and its bare first name) were seen as candidates."""
    bare = counts.get(cluster.first_raw.capitalize(), 0) if cluster.first_raw else 0
    return bare + sum(counts.get(a, 0) for a in cluster.aliases)


_PLACE_WORDS = frozenset(
    ["parsonage", "rectory", "vicarage", "grange", "priory", "villa", "corner", "wells", "street", "hall", "park", "house", "lodge", "court", "weald", "square", "road", "lane", "abbey", "place", "manor", "castle", "cottage", "farm", "inn", "hotel", "church", "chapel", "bridge", "gardens", "garden", "hill", "green", "common", "heath", "wood", "row", "terrace", "head", "point", "cove", "bay", "harbour", "harbor", "rock", "rocks", "light", "island", "cape", "ness", "cross", "gate", "mouth", "quay", "pier", "drive", "avenue", "crescent", "gardens", "walk", "way"]
)
_PROFESSIONAL_TITLES = SURNAME_TITLES - FAMILY_TITLES.keys() - {"Monsieur", "Madame", "Mme", "Mlle", "Herr", "Frau",
                                                                   "Signor", "Signora", "Señor", "Señora"}


def _join_professional_titles(clusters: list[CharacterCluster]) -> list[CharacterCluster]:
    """'Dr. Amsel' (or Captain, Colonel, ...) joins the one named character with that surname ("Eleanor
    Amsel"). Family titles (Mr., Mrs., Miss) never do: they tell relatives apart."""
    kept = []
    for cluster in clusters:
        is_titled_surname = cluster.first is None and cluster.title in _PROFESSIONAL_TITLES and cluster.last
        named = [c for c in clusters if c is not cluster and c.first and c.last == cluster.last] if is_titled_surname else []
        if is_titled_surname and not named:  # "Dr. Brack" is the "Mr. Brack" of a book with one Brack
            named = [c for c in clusters if c is not cluster and c.last == cluster.last and c.title in (None, "Mr", "Mister")
                     and _gender_of(c) != "female"]
            others = [c for c in clusters if c is not cluster and c.last == cluster.last and c not in named
                      and not (c.first is None and c.title in _PROFESSIONAL_TITLES)]  # "Doctor Brack" joins too
            named = [] if others else named
        if len(named) == 1:
            named[0].aliases |= cluster.aliases
            named[0].title = named[0].title or cluster.title
            continue
        kept.append(cluster)
    return kept


_SPEAKING = re.compile(
    rf"\b{_SPEECH_SUBJECT}[ \t\n]+(?P<after>(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+))\b(?![ \t\n]+[A-Z])|(?<=[a-z,;][ \t\n])(?P<before>(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+))[ \t\n]+{_SPEECH_SUBJECT}\b"
)


_EPITHET = re.compile(
    rf"\b{_SPEECH_SUBJECT}[ \t\n]+the[ \t\n]+(?P<a>[a-z]+)\b(?![-'’])|\b[Tt]he[ \t\n]+(?P<b>[a-z]+)[ \t\n]+{_SPEECH_SUBJECT}\b"
)
_NOT_EPITHETS = frozenset(
    ["man", "woman", "girl", "boy", "gentleman", "lady", "child", "people", "other", "others", "stranger's", "voice", "one", "two", "first", "second", "last", "same", "latter", "former", "whole", "rest", "party", "company", "crowd", "young", "old", "little", "poor", "elder", "younger", "great", "tall", "short", "fat", "stout", "big", "small", "good", "kind", "worthy", "dear", "other", "new", "strange", "pale", "thin", "grave"]
)
_EPITHET_FEMALE = frozenset(["woman", "girl", "lady", "wife", "mother", "sister", "daughter", "aunt", "niece", "housekeeper", "maid", "matron", "widow", "mistress", "landlady", "nurse"])
_EPITHET_MALE = frozenset(["man", "gentleman", "boy", "husband", "father", "brother", "son", "uncle", "beadle", "master", "fellow", "landlord", "clergyman", "doctor", "surgeon", "magistrate", "officer", "constable", "mariner", "stranger", "driver"])


def _add_epithets(text: str, start: int, end: int, clusters: list[CharacterCluster]) -> bool:
    """Nouns used as a speaker ("said the beadle", "said the mariner", at least three times) become an alias
    of the character named just before them most of the time ("the beadle" -> Mr. Tolley), or else a
    character of their own ("the mariner")."""
    uses: dict[str, list[int]] = {}
    for match in _EPITHET.finditer(text, start, end):
        noun = match.group("a") or match.group("b")
        if noun not in _NOT_EPITHETS and noun not in NOT_NAMES:
            uses.setdefault(noun, []).append(match.start())
    mentions = sorted((s, c) for c in clusters for s, _ in c.mentions)
    starts = [m[0] for m in mentions]
    changed = False
    for noun, positions in uses.items():
        if len(positions) < 3:
            continue
        titled = _titled_as(text, start, end, noun, clusters)
        if titled is not None:  # "the doctor" is the one character ever called "Doctor Dunstable"
            titled.aliases.add(f"the {noun}")
            changed = True
            continue
        votes: Counter = Counter()
        for position in positions:
            i = bisect.bisect_left(starts, position) - 1
            if i >= 0 and position - starts[i] < 400:
                votes[id(mentions[i][1])] += 1
        by_id = {id(c): c for c in clusters}
        best = votes.most_common(1)
        alias = f"the {noun}"
        if best and best[0][1] >= 0.45 * len(positions) and not _alternates(text, positions, by_id[best[0][0]]):
            by_id[best[0][0]].aliases.add(alias)
        else:
            gender = "female" if noun in _EPITHET_FEMALE else "male" if noun in _EPITHET_MALE else "unknown"
            clusters.append(CharacterCluster(name=alias, aliases={alias}, gender=gender, last=noun))
        changed = True
    return changed


def _titled_as(text: str, start: int, end: int, noun: str, clusters: list[CharacterCluster]) -> CharacterCluster | None:
    """The one (non-narrator) character whose surname follows the title this noun names, anywhere in the text
    ("the doctor" -> the character once called "Doctor Dunstable"); None when there is no such single one."""
    titles = TITLE_NOUNS.get(noun)
    if not titles:
        return None
    alternatives = "|".join(re.escape(t) for t in titles)
    found = {m.group(1) for m in re.compile(rf"\b(?:{alternatives})\.?[ \t\n]+([A-Z][a-z]+)\b").finditer(text, start, end)}
    matches = [c for c in clusters if not c.narrator and c.last and c.last.capitalize() in found]
    return matches[0] if len(matches) == 1 else None


def _alternates(text: str, positions: list[int], cluster: CharacterCluster) -> bool:
    """Does the named character speak, by name, in the paragraph next to the epithet's (two people talking)?"""
    names = "|".join(re.escape(a) for a in sorted(cluster.aliases, key=len, reverse=True) if not a.startswith("the "))
    if not names:
        return False
    tag = re.compile(rf"\b{_SPEECH_SUBJECT}[ \t\n]+(?:{names})\b|\b(?:{names})[ \t\n]+{_SPEECH_SUBJECT}\b")
    hits = 0
    for position in positions:
        before = text.rfind("\n\n", 0, position)
        before = text.rfind("\n\n", 0, before) if before > 0 else 0
        after = text.find("\n\n", position)
        after = text.find("\n\n", after + 2) if after >= 0 else len(text)
        window = text[max(0, before) : after if after >= 0 else len(text)]
        own = text[text.rfind("\n\n", 0, position) + 2 : text.find("\n\n", position) if text.find("\n\n", position) >= 0 else len(text)]
        if tag.search(window) and not tag.search(own):
            hits += 1
    return hits >= max(2, 0.3 * len(positions))


def _speaking_names(text: str, start: int, end: int) -> Counter:
    """Capitalised words used as the subject of a speech verb ("said Osric", "said Heron") and written with a
    capital inside sentences far more often than in lower case: names the recogniser missed, including
    animals' and nicknames ("Heron" is a name where "the heron" is rare; "Then" and "She" are words)."""
    found = Counter(m.group("after") or m.group("before") for m in _SPEAKING.finditer(text, start, end))
    candidates = {w: n for w, n in found.items() if n >= 2 and w.lower() not in NOT_NAMES and w not in HONORIFICS}
    lowered = {w.lower() for w in candidates}
    in_lower_case = Counter(m.group() for m in _LOWER_WORD.finditer(text, start, end) if m.group() in lowered)
    inside = Counter(m.group(1) for m in _CAPITALISED_INSIDE.finditer(text, start, end) if m.group(1) in candidates)
    names = Counter()
    for word, n in candidates.items():
        plain = re.fullmatch(r"[a-z]\w*", word.lower())
        lower_uses = in_lower_case[word.lower()] if plain else len(re.findall(rf"\b{re.escape(word.lower())}\b", text[start:end]))
        if lower_uses and lower_uses * 3 > inside[word]:
            continue  # a common word (Then, She, Presently)
        names[word] = n
    return names


_CAPITALISED_INSIDE = re.compile(r"(?<=[a-z,;] )((?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+)(?:-[A-Z][a-z]+)*)\b(?!-)")
_LOWER_WORD = re.compile(r"\b[a-z]\w*")


def _lone_full_names(counts: Counter, text: str = "") -> list[str]:
    """Untitled two-word names seen once whose last word is no one's surname ("Nell Spanish"): recogniser noise
    (unless a known first name the text writes again with that surname, where the recogniser missed it:
    "Clara Penwarden"; not "Cinder Ditch"; or a first name, known or never written in lower case, before a word
    used alone as a name at least twice: "Tom Nokes" beside "said Nokes")."""
    surnames = {p.tokens[-1] for s in counts if (p := parse_name(s)) and (p.title or len(p.tokens) >= 2) and counts[s] >= 2}
    bare = {s for s in counts if counts[s] >= 2 and " " not in s and s.lower() not in _FIRST_NAMES}
    lone = []
    for surface, n in counts.items():
        parsed = parse_name(surface) if not surface.startswith("the ") else None
        if parsed and n == 1 and not parsed.title and len(parsed.tokens) >= 2 and parsed.tokens[-1] not in surnames:
            if parsed.tokens[-1] in bare and _written_alone(parsed.tokens[-1], text) >= 3 and (parsed.first in _FIRST_NAMES
                                              or not re.search(rf"\b{re.escape(parsed.tokens[0].lower())}\b", text)):
                continue
            if parsed.first not in _FIRST_NAMES or len(re.findall(_written(surface), text)) < 2:
                lone.append(surface)
    return lone


_HUMAN_VERBS = alternation((*(v for v in SPEECH_VERBS if v not in AMBIGUOUS_SPEECH_VERBS), *GESTURE_VERBS,
                            *(v for v in INTERIOR_VERBS if v not in ("considered", "forgotten")),
                            "frowned", "blushed", "wept", "shrugged", "glanced", "stared", "watched", "exclaimed"))
_ANY_SPEECH_VERB = alternation(SPEECH_VERBS)
_EPITHET_BEFORE = r"(?:(?:old|young|little|poor|dear|good|big)\s+)?"
# nouns for someone's relative or servant ("the daughter of X", "X, her maid"): general English
_RELATION_NOUNS = (*KIN, "cousin", "niece", "nephew", "aunt", "uncle", "grandson", "granddaughter", "widow",
                   "maid", "servant", "nurse", "governess", "companion", "friend", "child", "children")


def _acting_names(text: str, start: int, end: int, quote_spans, counts: Counter) -> Counter:
    """Capitalised words the recogniser did not take for a person that the text shows to be one: the subject
    of a speech tag right after a quotation ('" shrieked Pellow', '" said old Tolley'; once is enough), or at
    least twice of a verb only people do ("Dunstable watched", "Dunstable thought"), asked to do something ("tell
    Brackwater to bring"), or addressed inside a quotation ("Nonsense, Pellow!"); and written at least twice. A
    word ever written in lower case ("Then", "Good") is a word, not a name."""
    known = {w for s in counts for w in s.split()}
    addressed = Counter(m.group("name") for s, e in sorted(quote_spans) if start <= s and e <= end
                        for m in _VOCATIVE.finditer(text, s, e + 1) if _is_address(text, m.start(), s))
    # written inside a sentence, or addressed (a name only ever opening sentences and quotations: "'Vold, take it'")
    seen = {m.group(1) for m in _CAPITALISED_INSIDE.finditer(text, start, end)} | set(addressed)
    words = {w for w in seen if w not in known and w.lower() not in NOT_NAMES and w not in HONORIFICS
             and w.rstrip("s") not in known}
    if not words:
        return Counter()
    lowered = {m.group() for m in _LOWER_WORD.finditer(text, start, end)}
    words = {w for w in words if w.lower() not in lowered}
    if not words:
        return Counter()
    evidence: Counter = Counter()
    for match in _ACTING.finditer(text, start, end):
        # a speech tag right after a quotation is enough alone: '" said Brackwater slowly'
        evidence[match.group("after") or match.group("before") or match.group("asked")] += 2 if match.group("after") else 1
    evidence.update(addressed)
    evidence.update(_related_names(text, start, end, words, known))
    everywhere = Counter(m.group() for m in _CAPITALISED_NAME.finditer(text, start, end) if m.group() in words)
    return Counter({w: everywhere[w] for w, n in evidence.items() if w in words and n >= 2 and everywhere[w] >= 2})


def _tagging_words(text: str, start: int, end: int) -> set[str]:
    """Capitalised words that are the subject of a speech tag right after a quotation ('" asked Nell') and never
    written in lower case."""
    words = {m.group("after") for m in _ACTING.finditer(text, start, end) if m.group("after")}
    if not words:
        return set()
    lower = re.compile(rf"\b(?:{'|'.join(re.escape(w.lower()) for w in words)})\b")
    written_lower = {m.group() for m in lower.finditer(text, start, end)}
    return {w for w in words if w.lower() not in written_lower}


def _related_names(text: str, start: int, end: int, words: set[str], known: set[str]) -> Counter:
    """Each time one of `words` is shown to be a person by its relation to people: a relative or servant of
    someone or someone's ("the daughters of Lettice", "Berina, her lymphatic maid"), pitied or endeared ("poor
    Ysolde", "dear Tolley"), a person so called ("a man called Drury"), or named with a known name ("Stopia and
    Hepzibah")."""
    found: Counter = Counter()
    for pattern in (*_RELATED, _CALLED):  # apart: "Tesh, the two daughters of Ulva" holds two
        found.update(match.group("name") for match in pattern.finditer(text, start, end))
    for match in _AND_NAME.finditer(text, start, end):
        left, right = match.group("left"), match.group("right")
        if left in known and right in words:
            found[right] += 1
        elif right in known and left in words:
            found[left] += 1
    return Counter({w: n for w, n in found.items() if w in words})


_RELATION = alternation([*(w + "s" for w in _RELATION_NOUNS if not w.endswith(("s", "ren"))), *_RELATION_NOUNS])
_RELATED = (re.compile(rf"\b(?:{_RELATION})[ \t\n]+of[ \t\n]+(?P<name>(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+))\b(?![ \t\n]+[A-Z]|[-'’][a-z])"),
            re.compile(r"\b(?:poor|dear)[ \t\n]+(?P<name>(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+))\b(?![-'’][a-z])"),
            re.compile(r"(?<!\bof )(?<!\bin )(?<!\bat )(?<!\bto )(?<!\bfrom )(?<!\bnear )"  # not "the mayor of Lindmoor, a ..."
                       rf"\b(?P<name>(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+)),[ \t\n]+(?:her|his|their|the|a|an)[ \t\n]+(?:[a-z'’]+[ \t\n]+){{0,2}}(?:{_RELATION})\b"))
_CALLED = re.compile(r"\b(?:man|woman|boy|girl|fellow|lad|lass|gentleman|lady|child|person|servant|maid|[a-z]+man|[a-z]+woman)"
                     r"[ \t\n]+(?:called|named)[ \t\n]+(?P<name>(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+))\b(?![-'’][a-z])")
_AND_NAME = re.compile(r"\b(?P<left>(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+))[ \t\n]+and[ \t\n]+(?P<right>(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+))\b(?![ \t\n]+[A-Z])")
_ACTING = re.compile(rf"[”’\"'][ \t\n]*,?[ \t\n]*(?:{_ANY_SPEECH_VERB})[ \t\n]+{_EPITHET_BEFORE}(?P<after>(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+))\b(?![-'’][a-z])"
                     rf"|\b(?P<before>(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+))[ \t\n]+(?:[a-z]+ly[ \t\n]+)?(?:{_HUMAN_VERBS})\b"
                     r"|\b(?:tell|told|ask|asked|bid|bade|beg|begged|order|ordered|persuade|persuaded)[ \t\n]+(?P<asked>(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+))[ \t\n]+to\b")
# a name addressed: after a comma or an interjection, or opening the quotation, then a comma or "!" ("Ah Pellow!")
# (not a word quoted inside the quotation, "'Threshing,'", nor an item of a list, "Sowing, Weeding, and")
_VOCATIVE = re.compile(r"(?<![\w-])(?P<name>(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]+)(?:-[A-Z][a-z]+)*)[ \t\n]*[,!?;—]")
_ADDRESS_BEFORE = re.compile(r"(?:[,;!?—][ \t\n]*|\b(?:[Aa]h|[Oo]h|O|[Dd]ear|[Mm]y)[ \t\n]+)$")
_LIST_BEFORE = re.compile(r",[ \t\n]*[A-Z][a-z]+,[ \t\n]*$")


def _is_address(text: str, position: int, quote_start: int) -> bool:
    """Does the capitalised word at `position` (followed by a comma or "!") address someone: it opens the
    quotation, or follows an interjection or a comma ("Nonsense, Pellow!"), not as an item of a list of
    capitalised words ("Sowing, Weeding, Reaping")?"""
    if not text[quote_start:position].strip():  # it opens the quotation (after a space some texts put there)
        return True
    before = text[max(quote_start, position - 40) : position]
    return _ADDRESS_BEFORE.search(before) is not None and _LIST_BEFORE.search(before) is None


_HYPHEN_BEFORE = re.compile(r"(?:[A-Z][a-zà-ÿ]+-)+$")
_HYPHEN_AFTER = re.compile(r"(?:-[A-Z][a-zà-ÿ]+)+(?![-\w])")


def _whole_hyphenated(text: str, start: int, end: int) -> str:
    """The entity's text with the rest of a hyphenated name the recogniser cut ("Flaistead" of
    "Flaistead-Kery", "Kery" of "Flaistead-Kery"): capitalised parts joined by hyphens only."""
    before = _HYPHEN_BEFORE.search(text, max(0, start - 40), start) if start and text[start - 1] == "-" else None
    after = _HYPHEN_AFTER.match(text, end)
    return text[before.start() if before else start : after.end() if after else end]


def _whole_name(text: str, start: int, end: int) -> str:
    """The entity's text as a name: from its last paragraph ("CHAPTER I.\n\nOsric Tolley" is Osric Tolley), with
    the rest of a hyphenated name the recogniser cut and of a particle surname ("Henry van" and "Henry van
    der" of "Henry van der Hoek")."""
    cut = text.rfind("\n\n", start, end)
    if cut >= 0:
        start = cut + 2
        while start < end and text[start].isspace():
            start += 1
    particles = _PARTICLE_TAIL.match(text, end) if text[start:end].split() else None
    if particles and (text[start:end].split()[-1].lower() in SURNAME_PARTICLES or particles.group(1)):
        end = particles.end()
    return _whole_hyphenated(text, start, end)


# the rest of a particle surname after an entity the recogniser cut: "( der)? Hoek" after "Henry van"
_PARTICLE_TAIL = re.compile(rf"((?:[ \t\n]+{_PARTICLE})*)[ \t\n]+{_NAME_TOKEN}")


def _mostly_after_the(word: str, text: str) -> bool:
    """Is the word written after "the" at least a third of the time ("the Parsonage"): a place or a thing?"""
    uses = _uses(word, text)
    return 3 * sum(bool(_THE_BEFORE.search(text, max(0, p - 6), p)) for p in uses) >= len(uses)


def _written_alone(word: str, text: str) -> int:
    """How often the text writes a name word without a capitalised word or title before it ("Nokes", not "Tom
    Nokes" or "Mr. Nokes")."""
    return sum(not _CAPITAL_BEFORE.search(text, max(0, p - 30), p) for p in _uses(word, text))


def _uses(word: str, text: str) -> list[int]:
    """Where the word stands alone in the text (a literal search first: fast on a whole novel)."""
    return [p for m in re.finditer(rf"{re.escape(word)}(?![\w-])", text)
            if not (p := m.start()) or not (text[p - 1].isalnum() or text[p - 1] in "_-")]


_THE_BEFORE = re.compile(r"\b[Tt]he[ \t\n]+$")
_CAPITAL_BEFORE = re.compile(r"\b[A-Z][\w.]*[ \t\n]+$")


def _written(surface: str) -> str:
    """A pattern for a name as written, any run of spaces between its words."""
    return r"(?<!\w)" + re.escape(surface).replace(r"\ ", r"\s+") + r"(?!\w)"


def _titled_by_another(text: str, position: int, alias: str, aliases: set[str]) -> bool:
    """Is the name written at `position` part of a titled name the character does not go by? ("Osric Tolley"
    inside "Mrs. Osric Tolley", his wife's name, whose pronouns are hers.)"""
    title = _word_before(text, position)
    if title.rstrip(".") not in HONORIFICS:
        return False
    return not any(a.split()[0].rstrip(".") == title.rstrip(".") and a.endswith(alias) for a in aliases if " " in a)


def _word_before(text: str, position: int) -> str:
    match = re.search(r"(\S+)\s+$", text[max(0, position - 30) : position])
    return match.group(1) if match else ""


def _first_names_mislabelled(entities: list[Entity], counts: Counter, text: str = "") -> Counter:
    """A known first name the recogniser found at least twice but labelled a place or an organisation
    ("Agnes", "Edith" as a person), or a full name so labelled twice whose surname a person candidate bears
    ("Ewan McKessock" beside "McKessock") or has a particle ("Bine de Brir"): a candidate; the locative test
    (`_place_like`) still removes a city."""
    seen = Counter(clean_surface(e.text) for e in entities)
    borne = {w for s in counts for w in s.split()[-1:]}
    found = Counter()
    for w, n in seen.items():
        if n < 2 or w in counts:
            continue
        if " " not in w and w.istitle() and canonical_first(w) in FEMALE_NAMES | MALE_NAMES:
            found[w] = n
        elif ((parsed := parse_name(w)) and not parsed.title and not parsed.is_surname_only()
              and (len(parsed.tokens) == 2 and parsed.tokens[-1] in borne  # "Ewan McKessock" beside "McKessock"
                   or any(t in SURNAME_PARTICLES for t in parsed.tokens[1:-1]))  # "Bine de Brir"
              and not re.search(rf"\b{re.escape(parsed.tokens[0].lower())}\b", text)):  # not "Old Pellow"
            found[parsed.surface] = n
    return found


def _bare_surnames(text: str, start: int, end: int, counts: Counter, surnames: frozenset[str] = frozenset()) -> Counter:
    """The bare surname of the one titled or full-named person of that surname ("Tolley" of "Mr Tolley" or of
    "Angus Tolley"), when the text uses it alone inside a sentence ("said old Tolley"), so that those mentions
    are found too."""
    by_surname: dict[str, list[str]] = {}
    for surface in counts:
        parsed = parse_name(surface, surnames) if not surface.startswith("the ") else None
        if parsed is not None and parsed.tokens:
            by_surname.setdefault(parsed.tokens[-1], []).append(surface)
    found = Counter()
    for surname, surfaces in by_surname.items():
        if surname in counts or len(surfaces) != 1:
            continue
        parsed = parse_name(surfaces[0], surnames)
        full = not parsed.title and len(parsed.tokens) == 2 and not parsed.is_surname_only()
        if not (full or parsed.is_surname_only()) or " " in (parsed.surname or ""):
            continue
        if alone := _surname_alone(text, start, end, surname):
            found[surname] = alone
    for surname in {w.capitalize() for w in surnames} - set(counts):
        if _one_bearer(by_surname.get(surname, []), surnames) and (alone := _surname_alone(text, start, end, surname)):
            found[surname] = alone  # "Christmas" of "Captain Jasper Christmas" and "Captain Christmas"
    return found


def _surname_alone(text: str, start: int, end: int, surname: str) -> int:
    """How often the text writes a surname alone inside a sentence ("said old Tolley"; not "Mr. Tolley")."""
    return len([m for m in re.compile(rf"(?<=[a-z,;][ \t\n]){re.escape(surname)}\b(?![ \t\n]+[A-Z])").finditer(text, start, end)
                if _word_before(text, m.start()).rstrip(".") not in HONORIFICS])


def _one_bearer(surfaces: list[str], surnames: frozenset[str]) -> bool:
    """Do these names of one surname name one person: one first name at most, one title at most ("Captain Jasper
    Christmas", "Captain Christmas")?"""
    parsed = [p for s in surfaces if (p := parse_name(s, surnames))]
    return bool(parsed) and len({p.first for p in parsed} - {None}) <= 1 and len({p.title for p in parsed} - {None}) <= 1


def _full_names_by_pattern(text: str, start: int, end: int, counts: Counter) -> Counter:
    """'Ada Fourcade' where Ada is a known first name and Fourcade a known surname ("Mrs. Fourcade")."""
    surnames = {" ".join(n.tokens) for s in counts if (n := parse_name(s)) and n.is_surname_only()}
    firsts = {s for s in counts if " " not in s and s not in surnames and not s.startswith("the")}
    if not surnames or not firsts:
        return Counter()
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(firsts))) + r")[ \t\n]+(" + "|".join(map(re.escape, sorted(surnames))) + r")\b")
    found = Counter(f"{m.group(1)} {m.group(2)}" for m in pattern.finditer(text, start, end))
    return Counter({name: n for name, n in found.items() if name not in counts})


def _full_names_before_surnames(text: str, start: int, end: int, counts: Counter) -> Counter:
    """'Osric Tolley' where Tolley is a candidate's surname ("Mrs. Tolley", "Bessie Tolley") and Osric a
    capitalised word the text never writes in lower case, when the recogniser missed or mislabelled that full
    name: written twice, or once with the first name also written alone (a quotation's "Osric," too), or once
    after "called" or "named" ("a big quiet man called Abner Cray", where "Cray" is used alone)."""
    surnames = {p.tokens[-1] for s in counts if not s.startswith("the ") and (p := parse_name(s))
                and (p.is_surname_only() or len(p.tokens) >= 2
                     or (counts[s] >= 2 and p.first not in _FIRST_NAMES and not _mostly_after_the(s, text[start:end])))
                and " " not in (p.surname or p.tokens[-1])}
    if not surnames:
        return Counter()
    known = {w for s in counts for w in s.split()}
    pattern = re.compile(r"(?<![\w.-])([A-Z][a-z]+)[ \t\n]+(" + "|".join(map(re.escape, sorted(surnames))) + r")\b(?![-'’][a-z])")
    found = Counter(f"{m.group(1)} {m.group(2)}" for m in pattern.finditer(text, start, end)
                    if m.group(1) not in known and m.group(1) not in surnames)
    if not found:
        return Counter()
    lowered = {m.group() for m in _LOWER_WORD.finditer(text, start, end)}
    names = Counter()
    for name, n in found.items():
        first = name.split()[0]
        if first.lower() in lowered or first.lower() in NOT_NAMES or first in HONORIFICS or first in _ARTICLES:
            continue
        if name in counts or parse_name(name) is None:
            continue
        alone = len(re.findall(rf"(?<![\w.-]){first}\b(?![ \t\n]+[A-Z])", text[start:end]))
        called = re.search(rf"\b(?:called|named)[ \t\n]+{_written(name)}", text[start:end])
        if n >= 2 or alone >= 1 or called:
            names[name] = n
    return names


def _plurals(counts: Counter) -> list[str]:
    """'the Tolleys', 'Miss Pellows': a family, not a character. A surname that ends in s ("Hobbes") is
    not the plural of a rarer name ("Hobbe"), nor one shown to be a single person: after a first name ("Tom
    Nokes") or a title only one person bears ("Mr. Nokes", "Mrs. Nokes"; the Miss Nokes may be sisters), even
    beside a man named by its stem ("Mr. Noke")."""
    by_last: Counter = Counter()
    for surface, n in counts.items():
        by_last[surface.split()[-1]] += n
    single = {parsed.tokens[-1] for surface in counts if (parsed := _one_person(surface))}
    return [surface for surface in counts
            if (last := surface.split()[-1]).endswith("s") and last not in single
            and by_last.get(last[:-1], 0) > by_last[last]]


def _one_person(surface: str) -> _Name | None:
    """The parsed name when its form can only name one person: a first name and a surname, or a singular
    family title before a surname ("Mr. X", "Mrs. X", not "Miss X": "the Miss Pellows")."""
    parsed = parse_name(surface) if not surface.startswith("the ") else None
    if parsed is None or parsed.title == "Miss":
        return None
    if parsed.title in SURNAME_TITLES or (parsed.title is None and len(parsed.tokens) >= 2 and parsed.first in _FIRST_NAMES):
        return parsed
    return None


def _mostly_places(persons: list[Entity], places_seen: Counter) -> list[str]:
    """Names the recogniser calls a place at least as often as a person (Mill Corner, Fallowfield)."""
    as_person = Counter(clean_surface(e.text) for e in persons)
    return [name for name, n in as_person.items() if places_seen.get(name, 0) >= 2 * n + 1]


def _place_like(text: str, start: int, end: int, counts: Counter, placey: set[str] = frozenset()) -> list[str]:
    """Untitled one-word names that mostly follow a locative preposition ("at Fallowfield", "to Ashby").

    One pass over the capitalised words of the text (a per-name search only for names that are not one word)."""
    wanted = [s for s in counts if " " not in s and not s.startswith("the ")]
    simple = {s for s in wanted if re.fullmatch(r"[A-Z]\w*", s)}
    hits: dict[str, list[int]] = {s: [] for s in wanted}
    for match in _CAPITALISED_WORD.finditer(text, start, end):
        word = match.group()
        if word in simple and not _POSSESSIVE_AFTER.match(text, match.end()):
            hits[word].append(match.start())
    for surface in wanted:
        if surface not in simple:
            hits[surface] = [start + m.start() for m in re.finditer(rf"\b{re.escape(surface)}\b(?!['’]s)", text[start:end])]
    places = []
    for surface in wanted:
        found = hits[surface]
        if not found:
            continue
        local = sum(1 for h in found if _LOCATIVE_BEFORE.search(text, max(start, h - 12), h))
        share = 0.1 if surface in placey else 0.25
        if local >= share * len(found) and local >= 2:
            places.append(surface)
    return places


_POSSESSIVE_AFTER = re.compile(r"['’]s")
_LOCATIVE_BEFORE = re.compile(r"\b(?:at|from|in|into|near|towards|round|through|leave|leaving|left|reach|reached|quit|quitted|visit|visited)\s+$")


def _gender_of(cluster: CharacterCluster) -> str:
    if cluster.title:
        return HONORIFICS.get(cluster.title, "unknown")
    if cluster.first in MALE_NAMES:
        return "male"
    if cluster.first in FEMALE_NAMES:
        return "female"
    return "unknown"


def _titled_name(title: str, words: str, surnames: frozenset[str] = frozenset()) -> _Name | None:
    """The longest name after a title that parses: "Miss Nell Marden Rides Out" (a title-case
    heading) gives "Miss Nell Marden"."""
    tokens = words.split()
    dot = "." if title in ABBREVIATED_TITLES else ""
    for n in range(len(tokens), 0, -1):
        name = parse_name(f"{title}{dot} {' '.join(tokens[:n])}", surnames)
        if name is not None:
            return name
    return None


def _title_form(name: _Name) -> str:
    title = f"{name.title}." if name.title in ABBREVIATED_TITLES else name.title
    return f"{title} {' '.join(name.tokens)}"


def _specificity(name: _Name) -> int:
    if name.surface.startswith("the "):
        return 3 + len(name.tokens)
    return 2 * len(name.tokens) + (1 if name.title else 0)


def _display_name(cluster: CharacterCluster, counts: Counter, surnames: frozenset[str] = frozenset()) -> str:
    """A full name when there is one (the most used), else the most used alias."""
    parsed = {a: parse_name(a, surnames) for a in sorted(cluster.aliases)}
    full = [a for a, p in parsed.items() if p and not p.title and len(p.tokens) >= 2 and not p.is_surname_only()]
    titled = [a for a, p in parsed.items() if p and p.title]
    pool = full or titled or sorted(cluster.aliases)
    return max(pool, key=lambda a: (counts.get(a, 0), len(a)))
