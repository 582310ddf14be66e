"""Pronoun speech tags ("said he", "she asked") as the rules resolve them. Texts written for these tests."""

from __future__ import annotations

import re

from filmsofone.analysis.characters import CharacterCluster
from filmsofone.analysis.conversation import DialogueIndex
from filmsofone.analysis.quotes import QuoteFinder
from filmsofone.analysis.speakers import SpeakerAttributor
from filmsofone.analysis.text import paragraphs


def _first_person_index(text: str) -> DialogueIndex:
    """A first-person story: a male narrator ("I") and Arthur, every occurrence a mention."""
    people = [CharacterCluster(name="Arthur", aliases={"Arthur"}, gender="male", id="c1",
                               mentions=[m.span() for m in re.finditer(r"\bArthur\b", text)]),
              CharacterCluster(name="the narrator", aliases={"I"}, gender="male", id="c2", narrator=True,
                               mentions=[m.span() for m in re.finditer(r"\bI\b", text)])]
    paras = paragraphs(text, 0, len(text))
    return DialogueIndex(text, paras, people, QuoteFinder().find(text, paras))


def test_he_or_she_in_a_tag_is_never_the_first_person_narrator():
    text = 'Arthur and I walked down to the mill.\n\n"It is cold," said I.\n\n"Colder than yesterday," said he.\n'
    index = _first_person_index(text)
    quotes = QuoteFinder().find(text, index.paragraphs)
    found = SpeakerAttributor(index).guesses(quotes).attributions
    assert [a.speaker for a in found] == ["c2", "c1"]  # "said I" is the narrator, "said he" the other man
    assert found[1].kind == "anaphoric"
