"""A first name the analysis does not know takes its sex from the story: not from "him" after it (someone
else: "Tamsin found him") nor from a He/She opening the next sentence when the name's sentence names someone
else ("Tamsin found Osric behind the shed. He was ...")."""

from __future__ import annotations

from .stories import analyze_story

STORY = """CHAPTER I.

Early on the first morning, Tamsin Orme came down to the quay with the ledger under her arm.

Tamsin found Osric Pellow behind the shed, where the nets hung to dry. He was mending a float.

"You are late," said Tamsin.

Tamsin looked at him for a long while. He did not look up.

"The tide was late," said Osric Pellow. "Blame the moon."

Tamsin found him again at noon, asleep on the nets, and left him there.

"Wake up, Osric," said Tamsin.
"""


def test_an_unknown_first_name_is_not_given_the_sex_of_the_one_she_looks_at():
    analysis = analyze_story(STORY, "quay")
    tamsin = next(c for c in analysis.characters if c.name.startswith("Tamsin"))
    assert tamsin.gender != "male"


def test_a_name_given_to_a_boy_is_a_boys():
    story = STORY.replace("Tamsin found Osric Pellow behind the shed, where the nets hung to dry.",
                          "The boy everyone called Wren sat on the nets. Tamsin found Osric Pellow behind the shed.")
    story += '\n"Not I," said Wren.\n\n"Nor I," said Wren.\n'
    wren = next(c for c in analyze_story(story, "quay2").characters if c.name == "Wren")
    assert wren.gender == "male"
