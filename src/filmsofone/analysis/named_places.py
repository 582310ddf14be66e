"""Proper-noun places: those the recogniser missed, found by their contexts (`named_places`), and the
recogniser's places that are not places (`not_places`: names that speak or bear a title, families and peoples,
common words with a capital).

Evidence that a capitalised name is a place: a place word ending it ("Fetter Lane", "the Anchor Inn"), "the town
of X", "the landlord of the X", a verb of dwelling or travel before the preposition ("lived at X", "sailed from
X"), or two plain locative mentions ("in X", "at the X"). Interior when people go into it, dine at it or keep
its bar ("into the Anchor", "dined at Hollowmere", "the landlord of the Crown"); exterior when they go along,
down or over it ("down the Thames").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..lexicon import (
    COMMON_TITLES,
    GESTURE_VERBS,
    HONORIFICS,
    NAMING_SPEECH_VERBS,
    alternation,
)
from .names import FEMALE_NAMES, HYPOCORISTICS, MALE_NAMES
from .nlp import Entity
from .places import (
    INN_OF_NOUNS,
    INTERIOR_PLACES,
    NAMED_PLACE_SUFFIXES,
    NOT_PLACE_CONTEXT,
    NOT_PLACE_NAMES,
    PLACE_FIRST_NAMES,
    PLACE_OF_NOUNS,
    PLACE_VERBS,
)

_LOCATIVE_BEFORE = re.compile(r"\b(?:in|into|inside|within|at|reached|entered)[ \t\n]+(?:the[ \t\n]+)?$", re.I)


_PART_OF_BEFORE = re.compile(
    rf"\b(?:{'|'.join(sorted((re.escape(p) for p in INTERIOR_PLACES | {'garden', 'gardens', 'yard', 'lawn', 'grounds', 'gates', 'gate', 'terrace', 'park'} if ' ' not in p), key=len, reverse=True))})"
    r"s?[ \t\n]+(?:of|at)[ \t\n]+(?:the[ \t\n]+)?$",
    re.I,
)


def located_named(text: str, at: int) -> bool:
    """A proper-noun place mention that puts someone there: after a locative ("at Hollowmere") or as the
    whole a room belongs to ("the taproom of the Anchor", "the drawing-room at Hollowmere")."""
    return bool(_LOCATIVE_BEFORE.search(text, max(0, at - 16), at) or _PART_OF_BEFORE.search(text, max(0, at - 40), at))


_PERSON_NAMES = MALE_NAMES | FEMALE_NAMES | frozenset(HYPOCORISTICS)


def not_a_place_name(name: str) -> bool:
    """Recogniser places that are not: 'Madame la Guillotine' (a title first), 'P.S', 'Esq' (abbreviations)."""
    words = name.split()
    if words[0].rstrip(".") in HONORIFICS or (len(words) == 1 and words[0] in NOT_PLACE_NAMES):
        return True
    if re.search(r"\bs\b", name):
        return True  # "Hetty s", "Tolley s bench": a possessive that lost its apostrophe
    return len(words) == 1 and ("." in name or len(name) < 3 or name.lower() in ("esq", "ps"))


def _capitalised_common_nouns(text: str, start: int, end: int, places: list[Entity]) -> set[str]:
    """One-word recogniser places that are common words written with a capital ('the Heron', 'Lantern') and
    never follow a locative preposition: the same word appears in lower case elsewhere in the text."""
    names = {}
    for entity in places:
        name = clean_place_name(entity.text)
        if name and " " not in name and name[0].isupper():
            located = bool(_LOCATIVE_BEFORE.search(text, max(0, entity.start - 16), entity.start))
            names[name] = names.get(name, False) or located
    lower = {n.lower(): n for n, located in names.items() if not located}
    if not lower:
        return set()
    found = re.findall(rf"\b(?:{'|'.join(map(re.escape, lower))})\b", text[start:end])
    return {lower[word] for word in found}


def _family_plurals(text: str, places: list[Entity]) -> set[str]:
    """One-word plural names always after 'the' (or in -ans) and never after a locative ('the Lebruns',
    'the Huns', 'Italians'): families and peoples, not places ('in the Alps' stays)."""
    seen: dict[str, list[bool]] = {}
    for entity in places:
        name = clean_place_name(entity.text)
        if " " in name or not re.fullmatch(r"[A-Z][a-z]+[^s]s", name):
            continue
        before = text[max(0, entity.start - 24) : entity.start]
        the = bool(re.search(r"\bthe[ \t\n]+$", before, re.I)) or entity.text.lower().startswith("the ")
        the = the or name.endswith("ans")  # "Italians", "Americans": peoples
        located = bool(_LOCATIVE_BEFORE.search(text, max(0, entity.start - 16), entity.start))
        seen.setdefault(name, []).append(the and not located)
    return {name for name, flags in seen.items() if all(flags)}


def clean_place_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" .,;:!?\"'“”‘’()_")
    name = re.sub(r"^(?:the|The) ", "", name)
    return re.sub(r"(?:'s|’s)$", "", name)


def is_person_name(name: str) -> bool:
    """A lone first name ('Agnes', 'Becky') that the recogniser took for a place."""
    return " " not in name and name.lower() in _PERSON_NAMES and name.lower() not in PLACE_FIRST_NAMES


_CAP_WORD = r"(?:[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*)"


_NAME = rf"{_CAP_WORD}(?:(?:[ \t]+|[ \t]*\n[ \t]*){_CAP_WORD}){{0,3}}"


_NAMED_CONTEXT = re.compile(
    rf"\b(?P<prep>in|at|into|inside|within|outside|near|to|towards|toward|from|through|across|reached|entered|"
    rf"visited|left|of|for|over|along|beyond|up|down|on|upon|beside)[ \t\n]+(?P<the>the[ \t\n]+)?(?P<name>{_NAME})(?![\w-])(?P<poss>['’]s\b)?"
)


_PREVIOUS_WORD = re.compile(r"([A-Za-z-]+)[\s,]*$")


_THE_ONLY_PREPS = frozenset({"over", "along", "beyond", "up", "down", "on", "upon", "beside"})


_INTERIOR_PREPS = frozenset({"at", "into", "inside"})


_HOUSE_VERBS = frozenset("dined dine dining dinner ball party breakfast supper tea drawing-room library".split())


_INTO_WATER = frozenset(
    "threw throw thrown throwing fell fall falls falling plunged plunge dived dive jumped jump flung sank sink "
    "dropped drop poured flowed flows emptied empties waded wade".split()
)


_BOUND_VERBS = frozenset("bound started left sailed start starting set".split())


@dataclass
class NamedPlace:
    score: int = 0
    inside: int = 0  # contexts of an interior ("into the Anchor", "the landlord of the Crown", "dined at X")
    outside: int = 0  # contexts of an exterior ("along the Wenning", "the banks of the Thames")
    spans: list[tuple[tuple[int, int], bool]] = field(default_factory=list)
    by_name: bool | None = None  # interior or not by the name's last word ("Inn", "Street")

    @property
    def interior(self) -> bool | None:
        if self.by_name is not None:
            return self.by_name
        if self.inside > self.outside:
            return True
        return False if self.outside > self.inside else None


def named_places(text: str, start: int, end: int, people=frozenset()) -> dict[str, NamedPlace]:
    """Capitalised names whose contexts say they are places: a place word ending the name ("Fetter Lane",
    "the Anchor Inn"), "the town of X", "the landlord of the X", a verb of dwelling or travel before the
    preposition ("lived at X", "sailed from X"), or two plain locative mentions ("in X", "at the X").
    Characters' names, first names, titles, months, nationalities and the like are never places."""
    evidence: dict[str, NamedPlace] = {}
    people = frozenset(people) | {w for alias in people for w in alias.split() if w[:1].isupper() and w.strip(".") not in HONORIFICS}
    for match in _NAMED_CONTEXT.finditer(text, start, end):
        name = _place_name(match.group("name"), people)
        if not name or match.group("poss"):
            continue
        the = bool(match.group("the"))
        prep = match.group("prep")
        before = _PREVIOUS_WORD.search(text, max(start, match.start() - 40), match.start())
        previous = before.group(1).lower() if before else ""
        points = _context_points(name, prep, the, previous)
        if points == 0:
            continue
        surface = f"the {name}" if the else name
        found = evidence.setdefault(surface, NamedPlace())
        found.score += points
        recent = re.findall(r"[a-z]+", text[max(start, match.start() - 40) : match.start()].lower())[-4:]
        watery = prep == "into" and any(word in _INTO_WATER for word in recent)  # "threw the box into the X"
        if the and not name.endswith("s") and not watery and (prep in _INTERIOR_PREPS or (prep == "of" and previous in INN_OF_NOUNS)):
            found.inside += 1
        if watery:
            found.outside += 1
        if prep == "at" and previous in _HOUSE_VERBS:
            found.inside += 1
        if the and (prep in _THE_ONLY_PREPS or (prep == "of" and previous in PLACE_OF_NOUNS)):
            found.outside += 1
    accepted = {surface: found for surface, found in evidence.items() if found.score >= 2}
    for surface, found in accepted.items():
        suffix = NAMED_PLACE_SUFFIXES.get(surface.split()[-1], "none")
        if suffix != "none" and len(surface.removeprefix("the ").split()) > 1:
            found.by_name = suffix
    if not accepted:
        return accepted
    alternatives = sorted(accepted, key=len, reverse=True)
    any_surface = "|".join(r"[ \t]*\n?[ \t]*".join(re.escape(w) for w in a.split()) for a in alternatives)
    for occurrence in re.compile(rf"(?<![\w-])(?:{any_surface})(?![\w-])").finditer(text, start, end):
        surface = " ".join(occurrence.group().split())
        located = located_named(text, occurrence.start())
        at = occurrence.start() + (len("the ") if surface.startswith("the ") else 0)
        accepted[surface].spans.append(((at, occurrence.end()), located))
    return accepted


def _place_name(name: str, people) -> str:
    """The name cut before its first word that cannot be part of a place name, or before a line break not
    followed by a place word ('the Nile\nOn every...' but 'Hollowmere\nPark'); '' if nothing is left, it
    names a person or a people ('Italians')."""
    kept = []
    for line_number, line in enumerate(name.split("\n")):
        words = line.split()
        if line_number and (not words or words[0] not in NAMED_PLACE_SUFFIXES):
            break
        for word in words:
            if word in NOT_PLACE_NAMES or word in HONORIFICS:
                break
            kept.append(word)
        else:
            continue
        break
    if not kept or (len(kept) == 1 and (len(kept[0]) < 3 or kept[0].endswith("ans"))):
        return ""
    name = " ".join(kept)
    has_suffix = len(kept) > 1 and kept[-1] in NAMED_PLACE_SUFFIXES
    if name in people or (not has_suffix and any(w in people for w in kept)):
        return ""
    if len(kept) == 1 and is_person_name(name):
        return ""
    if not has_suffix and all(w.lower() in _PERSON_NAMES for w in kept[:1]) and len(kept) > 1:
        return ""  # a first name and a surname
    return name


def _context_points(name: str, prep: str, the: bool, previous: str) -> int:
    """Evidence (0, 1 or 2) that `name` after `previous prep` is a place."""
    words = name.split()
    if len(words) > 1 and words[-1] in NAMED_PLACE_SUFFIXES:
        return 2
    if prep == "of":
        return 2 if previous in PLACE_OF_NOUNS or (the and previous in INN_OF_NOUNS) else 0
    if prep == "for":
        return 2 if previous in _BOUND_VERBS else 0
    if previous in NOT_PLACE_CONTEXT and prep not in _THE_ONLY_PREPS:
        return 0  # "looked at X", but "looked over the Wenning"
    if previous in PLACE_VERBS:
        return 2
    if the and prep in ("to", "towards", "toward", "left", "from"):
        return 0  # "to the Queen", "from the Doctor": titles more often than places
    if prep in _THE_ONLY_PREPS and not the:
        return 0  # "on Monday", "up Jane's"... but "over the Wenning", "down the Thames"
    return 1


_ACTS_AS_PERSON_VERBS = alternation(NAMING_SPEECH_VERBS + GESTURE_VERBS)


_PERSON_CONTEXT = re.compile(
    rf"\b(?:{_ACTS_AS_PERSON_VERBS}|{alternation(COMMON_TITLES + ('Aunt', 'Uncle'))})\.?[ \t\n]+(?P<after>[A-Z][a-z]+)\b"
    rf"|\b(?P<before>[A-Z][a-z]+)[ \t\n]+(?:{_ACTS_AS_PERSON_VERBS})\b"
)


def _acting_names(text: str, start: int, end: int) -> set[str]:
    """One-word names that speak or bear a title ('said Tibby', 'Mrs. Munster'): people, not places."""
    return {m.group("after") or m.group("before") for m in _PERSON_CONTEXT.finditer(text, start, end)}


def not_places(text: str, start: int, end: int, places: list[Entity]) -> set[str]:
    """One-word names among the recogniser's places that are not places: they speak or bear a title
    ('said Tibby'), are families or peoples ('the Lebruns', 'Italians'), or are common words with a capital."""
    return _acting_names(text, start, end) | _family_plurals(text, places) | _capitalised_common_nouns(text, start, end, places)
