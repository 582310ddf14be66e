"""Alias clustering and speaker attribution on a short written story (real spaCy model, one analysis)."""

from __future__ import annotations

import pytest

from .stories import analyze_story, speaker_of

STORY = """CHAPTER I.

Elizabeth Bennet walked into the drawing-room one morning, where Mr. Bennet sat with his newspaper and
Mrs. Bennet sat by the fire. Elizabeth loved her father dearly. Mr. Darcy had called the day before.

"My dear Mr. Bennet," said Mrs. Bennet, "have you heard that Netherfield is let at last?"

"I have not," replied Mr. Bennet.

"But it is," returned she, "and Lizzy knows all about it."

"Is that so, Lizzy?" he asked.

"It is, papa."

"Then I suppose I must call."

"You must indeed," said Elizabeth, smiling. "Mr. Darcy will be there too."

Miss Eliza Bennet went out into the garden. Jane Bennet followed her, and Jane said nothing for a while.
Mrs. Bennet called after them from the window, and Mr. Bennet went back to his paper.

"Lizzy, wait for me," said Jane.

"I am waiting," said Elizabeth. "You are too slow, Jane."

Fitzwilliam Darcy came up the lane with Charles Bingley; Fitzwilliam Darcy was tall. Darcy bowed; Bingley smiled at Jane.

"A fine morning, Miss Bennet," said Bingley.

"It is," said she.

"Shall we walk to Meryton?" asked Mr. Darcy.

The White Rabbit ran past the gate. "Oh dear! I shall be late!" said the White Rabbit. Nobody minded
the Rabbit; Elizabeth laughed, and Darcy laughed with her. Elizabeth said that Mr. Darcy laughed seldom.
Mr. Bingley and Mr. Darcy and Elizabeth and Jane walked on; Mr. Bennet and Mrs. Bennet stayed at home.
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
    assert {"Lizzy", "Miss Eliza Bennet", "Elizabeth Bennet"} <= {elizabeth.name, *elizabeth.aliases}
    assert elizabeth.gender == "female"
    darcy = _who(story, "Mr. Darcy")
    assert {"Darcy", "Fitzwilliam Darcy"} <= {darcy.name, *darcy.aliases} and darcy.gender == "male"


def test_family_members_sharing_a_surname_stay_apart(story):
    ids = {_who(story, n).id for n in ("Mr. Bennet", "Mrs. Bennet", "Elizabeth", "Jane")}
    assert len(ids) == 4
    assert _who(story, "Mr. Bennet").gender == "male" and _who(story, "Mrs. Bennet").gender == "female"


def test_non_human_character(story):
    rabbit = _who(story, "the White Rabbit")
    assert "the Rabbit" in {rabbit.name, *rabbit.aliases}


def test_explicit_and_anaphoric_tags(story):
    assert _speaker_of(story, "My dear Mr. Bennet") == "Mrs. Bennet"  # the vocative is not the speaker
    assert _speaker_of(story, "I have not") == "Mr. Bennet"
    assert _speaker_of(story, "But it is") == "Mrs. Bennet"  # "returned she"
    assert _speaker_of(story, "You must indeed") == _who(story, "Elizabeth").name
    assert _speaker_of(story, "Shall we walk") == _who(story, "Mr. Darcy").name
    assert _speaker_of(story, "Oh dear!") == _who(story, "the White Rabbit").name


def test_turn_taking_and_vocatives(story):
    assert _speaker_of(story, "Is that so, Lizzy?") == "Mr. Bennet"  # "he asked"
    assert _speaker_of(story, "It is, papa.") == _who(story, "Elizabeth").name  # addressed as Lizzy
    assert _speaker_of(story, "Then I suppose") == "Mr. Bennet"  # turn-taking


def test_settings_and_scene(story):
    names = {s.name for s in story.settings} | {a for s in story.settings for a in s.aliases}
    assert "the drawing-room" in names or "the garden" in names
    (scene,) = story.scenes
    assert scene.time_of_day == "day" and scene.setting is not None
    assert _who(story, "Elizabeth").id in scene.characters
