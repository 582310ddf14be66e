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


def test_hyphenated_person_nouns_are_people_by_their_head_or_a_doer_and_particle():
    assert all(is_person_noun(w) for w in ("looker-on", "passer-by", "hanger-on", "man-servant", "sea-captain"))
    assert not any(is_person_noun(w) for w in ("man-of-war", "stand-by", "well-known", "tumble-down"))
    assert noun_gender("man-servant") == "male" and noun_gender("maid-servant") == "female"
    assert noun_gender("passer-by") is None


def test_someone_who_speaks_at_once_as_a_passer_by_is_a_character():
    story = LANE.replace("shouted a red-faced driver from his seat", "shouted a passer-by from the kerb")
    analysis = analyze_story(story, "lane3")
    assert any(c.name == "the passer-by" for c in analysis.characters)
    assert speaker_of(analysis, story, "Stop him") == "the passer-by"
