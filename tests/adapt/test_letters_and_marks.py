"""What the narration holds besides action: a letter written out in it is not filmed as action, and the
quotation marks of single-quoted dialogue around a narration sentence do not stick to its action line, and a
line interrupted by a tag that ends its sentence reads with the full stop the comma stood for."""

from __future__ import annotations

from filmsofone.adapt import Choices, adapt_book
from filmsofone.adapt.checks import is_verbatim
from filmsofone.adapt.filmable import action_line, split_sentences
from filmsofone.adapt.source import dialogue_line, letter_paragraphs
from filmsofone.analysis.text import paragraphs
from filmsofone.models import Quote

from .conftest import STORY, build_story

LETTER = """Ada opened the note on the table and sat down.

    My dear Ada,

    I mended the sails and carried them down to the boat. Tom lifted the new pane up the stairs before dark.

    Your loving father,
    Amos Quill

Tom crossed the room and pressed his hand against the cracked pane."""


def _spans(text: str) -> list[tuple[int, int]]:
    return [(p.start, p.end) for p in paragraphs(text, 0, len(text))]


def test_a_letter_runs_from_its_salutation_to_its_signature():
    spans = _spans(LETTER)
    found = sorted(letter_paragraphs(LETTER, spans))
    assert [LETTER[spans[i][0]:spans[i][1]].split("\n")[0].strip() for i in found] == \
        ["My dear Ada,", "I mended the sails and carried them down to the boat. Tom lifted the new pane up the "
         "stairs before dark.", "Your loving father,"]


def test_a_salutation_never_signed_opens_no_letter():
    text = LETTER.replace("Your loving father,\n    Amos Quill", "The lamp smoked on the table.")
    assert letter_paragraphs(text, _spans(text)) == set()


def test_the_offline_adapter_films_no_line_of_a_letter():
    text = STORY.replace("Tom crossed the room and pressed his hand against the cracked pane.", LETTER)
    adaptation = adapt_book(build_story(text), text, Choices(runtime_seconds=100_000))
    actions = [b.text for s in adaptation.scenes for b in s.beats if b.kind == "action"]
    assert any("opens the note" in a for a in actions) and any("presses his hand" in a for a in actions)
    assert not any("sails" in a or "lifts the new pane" in a for a in actions), actions


def test_the_marks_of_the_quotations_around_a_narration_sentence_are_not_part_of_it():
    text = "'They have gone.'\n\nI stared at him. 'Who told you that?'\n\n' said Nell, and she ran down to the boats."
    sentences = [text[a:b] for a, b in split_sentences(text, 18, 36)]
    assert sentences == ["I stared at him."]
    assert action_line(sentences[0]) == "I stare at him."
    assert [text[a:b] for a, b in split_sentences(text, 56, len(text))] == ["said Nell, and she ran down to the boats."]
    elided = "'Tis the last boat in. '"
    assert [elided[a:b] for a, b in split_sentences(elided, 0, len(elided))] == ["'Tis the last boat in."]


def _quote(text: str, *pieces: str) -> Quote:
    spans = []
    for piece in pieces:
        start = text.index(piece, spans[-1][1] if spans else 0)
        spans.append((start, start + len(piece)))
    return Quote(id="q1", spans=spans)


def test_the_comma_before_a_tag_that_ends_its_sentence_is_the_full_stop_it_stands_for():
    text = "“Good morning, Ned,” said Nell. “Is the ferry late?”\n\n“Late,” said Ned, “and leaking.”"
    stopped = _quote(text, "Good morning, Ned,", "Is the ferry late?")
    assert dialogue_line(text, stopped) == "Good morning, Ned. Is the ferry late?"
    assert is_verbatim(dialogue_line(text, stopped), text, 2)
    going_on = _quote(text, "Late,", "and leaking.")
    assert dialogue_line(text, going_on) == "Late, and leaking."  # the sentence goes on after the tag
    assert not is_verbatim("Good morning. Ned, Is the ferry late?", text, 2)
    again = "“Not I,” said Ned. “Not I.”"
    assert dialogue_line(again, _quote(again, "Not I,", "Not I.")) == "Not I. Not I."
    assert is_verbatim("Not I. Not I.", again, 2)  # the first run is the one with the comma
