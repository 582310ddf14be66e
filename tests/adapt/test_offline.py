"""The offline adapter on a written story: selection to a running time, beats with their sources,
the author's lines verbatim, action a camera can show."""

from __future__ import annotations

import pytest

from filmsofone.adapt import Choices, SceneChoice, adapt_book
from filmsofone.adapt.checks import interior_share, is_verbatim, tagged_actions, uncast_majors, unverbatim_lines
from filmsofone.adapt.offline import scene_place


def full(story):
    analysis, text = story
    return adapt_book(analysis, text, Choices(runtime_seconds=3600))


def test_at_full_length_every_scene_and_line_is_kept(story):
    analysis, text = story
    adaptation = full(story)
    assert all(s.kept for s in adaptation.scenes)
    assert adaptation.total_seconds == pytest.approx(adaptation.full_seconds)
    lines = {b.quote for s in adaptation.scenes for b in s.beats if b.kind == "dialogue"}
    assert lines == {q.id for q in analysis.quotes}


def test_beats_are_in_text_order_and_point_into_their_scene(story):
    analysis, text = story
    for scene in full(story).scenes:
        book_scene = analysis.scene(scene.id)
        starts = [b.source[0] for b in scene.beats]
        assert starts == sorted(starts)
        assert all(book_scene.start <= b.source[0] < b.source[1] <= book_scene.end for b in scene.beats)


def test_dialogue_is_verbatim_with_apostrophes_dashes_and_nested_quotes(story):
    analysis, text = story
    adaptation = full(story)
    lines = {b.quote: b.text for s in adaptation.scenes for b in s.beats if b.kind == "dialogue"}
    # an interrupted quotation: its two pieces joined by a space
    assert lines["q2"] == "Up here, and the glass is cracked again. Don't tell Father \u2014 he'll say it's my fault."
    assert lines["q4"] == "He said to me, 'Mind the lamp,' and I did,"
    assert lines["q6"] == "I haven't slept,"
    assert not unverbatim_lines(analysis, text, adaptation)


def test_action_lines_hold_no_tags_thoughts_or_back_story(story):
    adaptation = full(story)
    actions = [b.text for s in adaptation.scenes for b in s.beats if b.kind == "action"]
    assert "Tom crosses the room and presses his hand against the cracked pane." in actions
    assert "She sets the lamp on the table." in actions
    assert "Tom seizes the lantern and follows him." in actions
    assert not any(word in line for line in actions for word in ("thought", "wondered", "knew", "felt", "remembered",
                                                                 "hoped", "Years before", "said", "whispered"))
    assert not tagged_actions(adaptation)
    assert interior_share(adaptation)[0] == 0


def test_the_opening_sentence_is_a_voiceover(story):
    first = full(story).scenes[0].beats[0]
    assert first.kind == "voiceover"
    assert first.text == "It is a truth the harbour people all repeat, that a lighthouse keeper never sleeps."


@pytest.mark.parametrize("runtime", [45, 60, 80])
def test_a_shorter_target_cuts_scenes_and_lines_and_is_met(story, runtime):
    analysis, text = story
    adaptation = adapt_book(analysis, text, Choices(runtime_seconds=runtime))
    assert adaptation.target_seconds == runtime
    assert abs(adaptation.total_seconds - runtime) <= 0.1 * runtime
    assert sum(len(s.beats) for s in adaptation.scenes) < sum(len(s.beats) for s in full(story).scenes)
    assert not uncast_majors(analysis, adaptation)
    assert sum(s.seconds for s in adaptation.scenes) == pytest.approx(adaptation.total_seconds, abs=0.5)


def test_pinned_scenes_are_whole_dropped_scenes_gone_weighted_scenes_longer(story):
    analysis, text = story
    base = adapt_book(analysis, text, Choices(runtime_seconds=70))
    whole = full(story).scene("1.2")
    pinned = adapt_book(analysis, text, Choices(runtime_seconds=70, scenes={"1.2": SceneChoice(pin=True)}))
    assert pinned.scene("1.2").beats == whole.beats
    dropped = adapt_book(analysis, text, Choices(runtime_seconds=70, scenes={"1.1": SceneChoice(drop=True)}))
    assert not dropped.scene("1.1").kept and dropped.scene("1.1").note == "dropped by you"
    squeezed = next(s.id for s in base.scenes if s.kept and s.seconds < full(story).scene(s.id).seconds - 3)
    heavier = adapt_book(analysis, text, Choices(runtime_seconds=70, scenes={squeezed: SceneChoice(weight=3.0)}))
    assert heavier.scene(squeezed).seconds > base.scene(squeezed).seconds


def test_deterministic(story):
    analysis, text = story
    assert adapt_book(analysis, text).model_dump() == adapt_book(analysis, text).model_dump()


def test_a_scene_without_setting_takes_the_place_its_text_names(story):
    analysis, text = story
    assert scene_place(analysis, analysis.scene("1.1"), text) == "the lighthouse"
    assert analysis.scene("2.2").setting is None
    assert scene_place(analysis, analysis.scene("2.2"), text) == "the kitchen"
    bare = analysis.scene("2.1").model_copy(update={"setting": None})
    assert scene_place(analysis, bare, text) is None  # names no known place


def test_verbatim_check_itself():
    source = '"I am sure," said she,\n "that he\u2019ll  come \u2014 soon."'
    assert is_verbatim("I am sure, that he\u2019ll come \u2014 soon.", source, 2)
    assert not is_verbatim("I am sure, that he ll come \u2014 soon.", source, 2)  # a lost apostrophe
    assert not is_verbatim("I am sure, that he\u2019ll come - soon.", source, 2)  # a changed dash
    assert not is_verbatim("I am sure, that he\u2019ll come \u2014 soon.", source, 1)  # two pieces, not one
