"""Small helpers for speaker attribution: descriptor nouns in speech tags and family relations.

"said the old gentleman" stands for a man, "cried her mother" for the mother of someone in the
conversation: a character who shares that person's surname and has the mother's title.
"""

from __future__ import annotations

from ..lexicon import KIN
from .characters import CharacterCluster

FEMALE_NOUNS = frozenset(
    "woman girl lady wife mother sister daughter aunt niece housekeeper maid matron widow mistress queen "
    "duchess governess nurse landlady cook dame damsel".split()
)
MALE_NOUNS = frozenset(
    "man gentleman boy husband father brother son uncle nephew beadle jew master king duke lord fellow "
    "landlord clergyman parson vicar rector doctor surgeon magistrate officer constable sergeant captain "
    "colonel major inspector butler footman porter waiter".split()
)
PERSON_NOUNS = FEMALE_NOUNS | MALE_NOUNS | frozenset("child stranger person youth companion friend".split())

# nouns that name someone only relative to another person ("her cousin"): never one fixed character
RELATIONAL_NOUNS = frozenset(KIN) | frozenset("cousin aunt uncle niece nephew friend companion".split())


def descriptor_noun(words: list[str]) -> str | None:
    """The person noun of a short lower-case phrase after a determiner ("old gentleman" -> "gentleman"):
    the first word that names a kind of person, else None."""
    for word in words[:3]:
        if word.lower() in PERSON_NOUNS:
            return word.lower()
    return None


def noun_gender(noun: str) -> str | None:
    """'female' for "lady", "mother"...; 'male' for "gentleman", "father"...; None when unknown."""
    return "female" if noun in FEMALE_NOUNS else "male" if noun in MALE_NOUNS else None


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
