"""Descriptor speakers on short texts written for these tests: someone new who speaks at once under an indefinite
description ("shouted a red-faced driver"), and kin nouns read as people of their sex."""

from __future__ import annotations

from filmsofone.analysis.conversation import RELATIONAL_NOUNS, is_person_noun, noun_gender

from .stories import analyze_story, speaker_of

LANE = """CHAPTER I.

Ned Corley ran down the lane with the loaf under his arm. Ned Corley turned the corner by the church and
nearly fell over the cart.

"Stop him! Stop that boy!" shouted a red-faced driver from his seat.

"I have done nothing," said Ned Corley.

Ned Corley looked at the loaf and said nothing.
"""


def test_someone_new_who_speaks_at_once_under_an_indefinite_description_is_a_character():
    analysis = analyze_story(LANE, "lane")
    driver = [c for c in analysis.characters if c.name == "the red-faced driver"]
    assert driver and driver[0].gender == "male" and "the driver" in driver[0].aliases
    assert speaker_of(analysis, LANE, "Stop him") == "the red-faced driver"
    assert speaker_of(analysis, LANE, "I have done nothing") == "Ned Corley"


def test_an_indefinite_description_that_does_not_speak_makes_no_one():
    quiet = LANE.replace('"Stop him! Stop that boy!" shouted a red-faced driver from his seat.',
                         "A red-faced driver looked down from his seat.")
    assert not any("driver" in c.name for c in analyze_story(quiet, "lane2").characters)


def test_grandparents_and_step_parents_are_people_of_their_sex_and_relative_to_someone():
    assert noun_gender("grandmother") == "female" and noun_gender("papa") == "male"
    assert is_person_noun("stepfather") and "grandfather" in RELATIONAL_NOUNS
