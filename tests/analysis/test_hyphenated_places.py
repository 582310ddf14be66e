"""A hyphenated place noun whose head is a place ("the ferry-house", "the lamp-room") is a setting of its own,
inside or outside as its head is; a hyphenated word that is no place ("the well-known road" is the road) is not."""

from __future__ import annotations

from .stories import analyze_story

STORY = """CHAPTER I.

The ferry-house stood at the end of the causeway, and Nell Marden kept its books. She sat in the ferry-house
all morning with the ledger open, and the ferry-house was quiet.

"Is the boat in, Osric?" asked Nell Marden in the ferry-house.

"Not yet," said Osric Pellow. "The tide is slow."

Nell Marden walked along the well-known road to the village and back to the ferry-house before dark.
"""


def test_a_hyphenated_place_noun_is_a_setting_as_its_head_is():
    analysis = analyze_story(STORY, "ferry")
    names = {s.name: s for s in analysis.settings}
    assert "the ferry-house" in names and names["the ferry-house"].interior is True
    assert not any("known" in name for name in names)
    assert analysis.scenes[0].setting == names["the ferry-house"].id
