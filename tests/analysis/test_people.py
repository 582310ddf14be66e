"""Alias clustering and speaker attribution on a short written story (real spaCy model, one analysis)."""

from __future__ import annotations

import pytest

from .stories import analyze_story, speaker_of

STORY = """CHAPTER I.

Elizabeth Pellow walked into the drawing-room one morning, where Mr. Pellow sat with his newspaper and
Mrs. Pellow sat by the fire. Elizabeth loved her father dearly. Mr. Marden had called the day before.

"My dear Mr. Pellow," said Mrs. Pellow, "have you heard that the mill house is sold at last?"

"I have not," replied Mr. Pellow.

"But it is sold," returned she, "and Beth knows all about it."

"Is that so, Beth?" he asked.

"It is, papa."

"Then I suppose I must call."

"You must indeed," said Elizabeth, smiling. "Mr. Marden will be there too."

Miss Beth Pellow went out into the garden. Clara Pellow followed her, and Clara said nothing for a while.
Mrs. Pellow called after them from the window, and Mr. Pellow went back to his paper.

"Beth, wait for me," said Clara.

"I am waiting," said Elizabeth. "You are too slow, Clara."

Rupert Marden came up the lane with Charles Tolley; Rupert Marden was tall. Marden bowed; Tolley smiled at Clara.

"A fine morning, Miss Pellow," said Tolley.

"It is," said she.

"Shall we walk to Ashby?" asked Mr. Marden.

The Grey Heron stood by the gate. "Oh me! The tide is turning!" said the Grey Heron. Nobody minded
the Heron; Elizabeth laughed, and Marden laughed with her. Elizabeth said that Mr. Marden laughed seldom.
Mr. Tolley and Mr. Marden and Elizabeth and Clara walked on; Mr. Pellow and Mrs. Pellow stayed at home.
"""


@pytest.fixture(scope="module")
def story():
    return analyze_story(STORY, "story")


def _who(analysis, name):
    for character in analysis.characters:
        if name == character.name or name in character.aliases:
            return character
    raise AssertionError(f"{name} not found in {[(c.name, c.aliases) for c in analysis.characters]}")


def _speaker_of(analysis, words):
    return speaker_of(analysis, STORY, words)


def test_nicknames_and_titles_join_one_character(story):
    elizabeth = _who(story, "Elizabeth")
    assert {"Beth", "Miss Beth Pellow", "Elizabeth Pellow"} <= {elizabeth.name, *elizabeth.aliases}
    assert elizabeth.gender == "female"
    marden = _who(story, "Mr. Marden")
    assert {"Marden", "Rupert Marden"} <= {marden.name, *marden.aliases} and marden.gender == "male"


def test_family_members_sharing_a_surname_stay_apart(story):
    ids = {_who(story, n).id for n in ("Mr. Pellow", "Mrs. Pellow", "Elizabeth", "Clara")}
    assert len(ids) == 4
    assert _who(story, "Mr. Pellow").gender == "male" and _who(story, "Mrs. Pellow").gender == "female"


def test_non_human_character(story):
    heron = _who(story, "the Grey Heron")
    assert "the Heron" in {heron.name, *heron.aliases}


def test_explicit_and_anaphoric_tags(story):
    assert _speaker_of(story, "My dear Mr. Pellow") == "Mrs. Pellow"  # the vocative is not the speaker
    assert _speaker_of(story, "I have not") == "Mr. Pellow"
    assert _speaker_of(story, "But it is") == "Mrs. Pellow"  # "returned she"
    assert _speaker_of(story, "You must indeed") == _who(story, "Elizabeth").name
    assert _speaker_of(story, "Shall we walk") == _who(story, "Mr. Marden").name
    assert _speaker_of(story, "Oh me!") == _who(story, "the Grey Heron").name


def test_turn_taking_and_vocatives(story):
    assert _speaker_of(story, "Is that so, Beth?") == "Mr. Pellow"  # "he asked"
    assert _speaker_of(story, "It is, papa.") == _who(story, "Elizabeth").name  # addressed as Beth
    assert _speaker_of(story, "Then I suppose") == "Mr. Pellow"  # turn-taking


def test_settings_and_scene(story):
    names = {s.name for s in story.settings} | {a for s in story.settings for a in s.aliases}
    assert "the drawing-room" in names or "the garden" in names
    (scene,) = story.scenes
    assert scene.time_of_day == "day" and scene.setting is not None
    assert _who(story, "Elizabeth").id in scene.characters
