"""Speaker-attribution rules on short texts written for these tests: family descriptors ("said her mother"),
person nouns after adjectives ("the old gentleman"), and speech introduced by the paragraph before."""

from __future__ import annotations

import pytest

from filmsofone.analysis.characters import CharacterCluster
from filmsofone.analysis.conversation import descriptor_noun, noun_gender, relative

from .stories import analyze_story, speaker_of

STORY = """CHAPTER I.

Harriet Penrose sat at the window of the parlour with her sister Agnes Penrose, and Mrs. Penrose sat at
her sewing by the fire. Mr. Penrose read his letters. Captain Thorne had gone to the village. Harriet
wondered where the Captain had gone. Mrs. Penrose sighed over her sewing.

"Shall we walk to the village, Agnes?" said Harriet.

"Not in this rain, child," said her mother, without looking up.

"The rain will stop by noon," said Mr. Penrose.

"You always say so," cried his wife.

Captain Thorne came in from the lane, shaking the water from his coat. Mr. Penrose put down his letters
and rose to greet him. The Captain bowed to the ladies, and Agnes Penrose smiled at him. Then Mr. Penrose
remarked gravely,

"We were just speaking of the weather, Captain."

"Were you indeed, Mr. Penrose?"

"Indeed we were," he answered.

Agnes Penrose set down her work and looked across at the Captain.

"Will you take some tea?"

"With pleasure," chortled Captain Thorne.

"It is nearly cold," she warned Harriet.

"Then it must be warmed," returned Mr. Penrose's wife.
"""


@pytest.fixture(scope="module")
def story():
    return analyze_story(STORY, "rules")


def _speaker_of(analysis, words):
    return speaker_of(analysis, STORY, words)


def test_family_descriptors_resolve_through_the_surname(story):
    assert _speaker_of(story, "Not in this rain") == "Mrs. Penrose"  # "said her mother" (Harriet's)
    assert _speaker_of(story, "You always say so") == "Mrs. Penrose"  # "cried his wife" (Mr. Penrose's)


def test_speech_introduced_by_the_paragraph_before(story):
    assert _speaker_of(story, "We were just speaking") == "Mr. Penrose"


def test_reply_to_the_one_addressed(story):
    assert _speaker_of(story, "Indeed we were") == "Mr. Penrose"  # "he answered" after "..., Mr. Penrose?"


def test_subject_of_the_narration_paragraph_before(story):
    assert _speaker_of(story, "Will you take some tea") == "Agnes Penrose"


def test_tags_with_any_past_tense_verb_and_pronoun_before_verb(story):
    assert _speaker_of(story, "With pleasure") == "Captain Thorne"  # an unlisted verb + name
    assert _speaker_of(story, "It is nearly cold") == "Agnes Penrose"  # "she warned Harriet": Harriet is warned
    assert _speaker_of(story, "Then it must be warmed") == "Mrs. Penrose"  # "Mr. Penrose's wife"


def test_person_noun_after_adjectives():
    assert descriptor_noun(["old", "gentleman"]) == "gentleman"
    assert descriptor_noun(["young", "lady", "quietly"]) == "lady"
    assert descriptor_noun(["same", "tone"]) is None
    assert noun_gender("gentleman") == "male" and noun_gender("mother") == "female" and noun_gender("tone") is None


def test_relative_needs_one_clear_candidate():
    daughter = CharacterCluster(name="Harriet Penrose", gender="female", last="penrose", id="c1")
    mother = CharacterCluster(name="Mrs. Penrose", gender="female", last="penrose", title="Mrs.", id="c2")
    father = CharacterCluster(name="Mr. Penrose", gender="male", last="penrose", title="Mr.", id="c3")
    sister = CharacterCluster(name="Agnes Penrose", gender="female", last="penrose", id="c4")
    other = CharacterCluster(name="Mrs. Thorne", gender="female", last="thorne", title="Mrs.", id="c5")
    cast = [daughter, mother, father, sister, other]
    assert relative("mother", daughter, cast) == "c2"
    assert relative("father", daughter, cast) == "c3"
    assert relative("wife", father, cast) == "c2"
    assert relative("husband", mother, cast) == "c3"
    assert relative("sister", daughter, cast) is None  # Agnes or Mrs. Penrose: ambiguous
    assert relative("mother", other, cast) is None


COUPLE = """CHAPTER I.

Walter Graves met Lucinda Hale at the garden gate in the evening.

"Good evening, Miss Hale," said Walter.

"Good evening," said Lucinda.

"Your uncle is asleep on the porch," said Walter, looking past Mr. Abbot to the road.

"We shall not wake him," he added.
"""


def test_pronoun_goes_to_the_one_of_that_gender_in_a_couple_talking():
    assert "Walter" in speaker_of(analyze_story(COUPLE, "couple"), COUPLE, "We shall not")  # not Mr. Abbot, named last
