"""A plain description ("the stranger") that stops exactly where a named person of its sex starts, in the same
company, is that person seen before the book names him; a role, or someone named beside it, is not. Texts written
for these tests."""

import re

from filmsofone.analysis.characters import CharacterCluster
from filmsofone.analysis.unnamed import UnnamedFinder

FILLER = "The rain fell on the roofs of the town. " * 60


def _named(text: str, name: str, gender: str, cid: str) -> CharacterCluster:
    mentions = [(m.start(), m.end()) for m in re.finditer(re.escape(name), text)]
    return CharacterCluster(name=name, aliases={name}, gender=gender, mentions=mentions, id=cid)


def _find(text: str, *names: tuple[str, str]) -> dict[str, CharacterCluster]:
    characters = [_named(text, name, gender, f"c{n}") for n, (name, gender) in enumerate(names, 1)]
    quotes = [(m.start(), m.end()) for m in re.finditer(r'"[^"]*"', text)]
    return {c.name: c for c in UnnamedFinder().find(text, 0, len(text), characters, quotes)}


def _scene(description: str, then: str) -> str:
    return (f'Nell Marden waited on the quay. {FILLER}A stranger in a grey coat came down the steps and set his bag down by her. '
            f'"Is this the boat for the island?" said the {description}.\n\n"It is," said Nell Marden.\n\n'
            f'"Then I shall wait with you," said the {description}. "The tide is late."\n\n{then}')


def test_a_description_that_stops_where_a_name_starts_talking_in_the_same_company_is_that_man():
    text = _scene("stranger", '"Sit down, then," said Nell Marden.\n\n"Thank you," replied Osric Tolley, and sat.\n')
    found = _find(text, ("Nell Marden", "female"), ("Osric Tolley", "male"))
    assert "the stranger" not in found
    tolley = found["Osric Tolley"]
    assert sum(text[s:e].endswith("stranger") for s, e in tolley.mentions) == 3  # "a stranger", two "said the stranger"


def test_a_description_the_narration_then_names_is_that_man():
    text = _scene("stranger", "Nell learned that the stranger's name was Osric Tolley, and that he kept bees.\n\n"
                  '"You will like the island," said Nell Marden.\n')
    found = _find(text, ("Nell Marden", "female"), ("Osric Tolley", "male"))
    assert "the stranger" not in found and len(found["Osric Tolley"].mentions) > 1


def test_a_role_is_not_the_named_man_who_comes_next():
    text = _scene("ferryman", '"Sit down, then," said Nell Marden.\n\n"Thank you," replied Osric Tolley, and sat.\n')
    text = text.replace("A stranger in a grey coat", "The ferryman")
    found = _find(text, ("Nell Marden", "female"), ("Osric Tolley", "male"))
    assert "the ferryman" in found and len(found["Osric Tolley"].mentions) == 1


def test_a_description_still_used_after_the_name_or_beside_him_is_someone_else():
    talk = '"Thank you," replied Osric Tolley.\n\n"Good night," said the stranger, and went up the steps.\n'
    found = _find(_scene("stranger", talk), ("Nell Marden", "female"), ("Osric Tolley", "male"))
    assert [text for text in found["Osric Tolley"].aliases] == ["Osric Tolley"] and len(found["Osric Tolley"].mentions) == 1
    beside = _scene("stranger", '"Thank you," replied Osric Tolley.\n').replace("waited on the quay.", "waited on the quay with Osric Tolley.")
    found = _find(beside, ("Nell Marden", "female"), ("Osric Tolley", "male"))
    assert "the stranger" in found


def test_a_named_woman_is_not_the_man_described_before_her():
    text = _scene("stranger", '"Sit down, then," said Nell Marden.\n\n"Thank you," replied Tamsin Orme, and sat.\n')
    found = _find(text, ("Nell Marden", "female"), ("Tamsin Orme", "female"))
    assert "the stranger" in found


def test_a_description_the_character_list_already_holds_is_the_man_named_next_too():
    """"the stranger" that the character list made from its speech tags (a character of its own, before the unnamed
    ones are found) stops where Osric Tolley starts talking with Nell: that episode is his, and no "the stranger"
    is left."""
    text = _scene("stranger", '"Sit down, then," said Nell Marden.\n\n"Thank you," replied Osric Tolley, and sat.\n')
    stranger = _named(text, "the stranger", "male", "c3")
    stranger.last = "stranger"
    characters = [_named(text, "Nell Marden", "female", "c1"), _named(text, "Osric Tolley", "male", "c2"), stranger]
    quotes = [(m.start(), m.end()) for m in re.finditer(r'"[^"]*"', text)]
    found = {c.name: c for c in UnnamedFinder().find(text, 0, len(text), characters, quotes)}
    assert "the stranger" not in found
    assert sum(text[s:e].endswith("stranger") for s, e in found["Osric Tolley"].mentions) >= 2
