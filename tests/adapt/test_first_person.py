"""A first-person book's action lines show its narrator by name: a screenplay has no "I", and the planner puts in
frame the people an action line names."""

from __future__ import annotations

import pytest

from filmsofone.adapt import Choices, adapt_book
from filmsofone.adapt.source import third_person
from filmsofone.models import BookAnalysis, BookInfo, Chapter, Character, Scene

TEXT = """ONE

I climbed the cliff path in the rain with my lantern held high. Osric carried my bag up behind me and set it down by the door.

I hung my coat on the hook and sat down by the fire."""


def _book(narrator: Character | None) -> BookAnalysis:
    people = [Character(id="c1", name="Osric Tolley", aliases=["Osric"], gender="male", role="major")]
    return BookAnalysis(book=BookInfo(slug="cliff", title="The Cliff", source_sha256="0", chars=len(TEXT)),
                        chapters=[Chapter(index=1, title="ONE", start=0, end=len(TEXT))],
                        scenes=[Scene(id="1.1", chapter=1, start=0, end=len(TEXT), characters=["c1", "c2"])],
                        characters=people + ([narrator] if narrator else []), settings=[], quotes=[])


def _actions(analysis: BookAnalysis) -> list[str]:
    adaptation = adapt_book(analysis, TEXT, Choices(runtime_seconds=100_000))
    return [b.text for s in adaptation.scenes for b in s.beats if b.kind == "action"]


def test_the_narrators_actions_name_her():
    nell = Character(id="c2", name="Nell Marden", aliases=["Nell", "I"], gender="female", role="major")
    actions = _actions(_book(nell))
    assert actions == ["Nell climbs the cliff path in the rain with her lantern held high.",
                       "Osric carries her bag up behind Nell and sets it down by the door.",
                       "Nell hangs her coat on the hook and sits down by the fire."]


def test_without_a_narrator_the_lines_are_as_the_book_tells_them():
    assert _actions(_book(None))[0].startswith("I climb the cliff path")


@pytest.mark.parametrize("sentence, told", [
    ("I stared at him.", "Nell stared at him."),
    ("He lifted my trunk, and I followed him.", "He lifted her trunk, and Nell followed him."),
    ("My aunt wrote to me.", "Her aunt wrote to Nell."),
    ("I hurt myself. I'm sure of it.", "Nell hurt herself. I'm sure of it."),
    ("Osric and I mended our nets. We rowed out, and he went ahead of us.",
     "Osric and Nell mended their nets. They rowed out, and he went ahead of them."),
])
def test_third_person(sentence, told):
    assert third_person(sentence, "Nell", "female") == told
