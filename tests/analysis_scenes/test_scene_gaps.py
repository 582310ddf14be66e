"""Each scene's interior/exterior and time of day filled where the text gives evidence. Small texts written for
these tests."""

from __future__ import annotations

from filmsofone.analysis import analyze
from filmsofone.analysis.settings import SettingFinder, fill_scene_gaps, scene_interior, scene_setting, time_of_day
from filmsofone.ingest import read_book
from filmsofone.models import Scene


def test_a_scene_set_in_a_town_takes_its_interior_from_the_rooms_it_names():
    text = "In London the fog was thick. She sat in the parlour by the fire; the parlour was warm and the room small."
    clusters = SettingFinder().find(text, 0, len(text), [])
    town = next(c for c in clusters if c.key == "room")  # a weak place of known kind stands in for a town here
    assert scene_interior(clusters, None, 0, len(text)) is True
    assert scene_interior(clusters, town, 0, len(text)) is True
    outside = "They walked along the quay and the quay was wet, and the sea was high."
    assert scene_interior(SettingFinder().find(outside, 0, len(outside), []), None, 0, len(outside)) is False


def test_the_opening_sentence_sets_the_time_of_day():
    text = "That evening the house was quiet. " + "She read by the window and thought of the morning and the sun. " * 2
    assert time_of_day(text, 0, len(text)) == "dusk"


def test_an_unknown_time_is_inherited_within_a_chapter_unless_the_scene_opens_on_a_time_shift():
    text = "x" * 300 + "She sat and sewed and said nothing." + "y" * 300 + "The next day came. " + "z" * 50
    second = text.index("She sat")
    third = text.index("The next day")
    scenes = [
        Scene(id="1.1", chapter=1, start=0, end=second, time_of_day="night"),
        Scene(id="1.2", chapter=1, start=second, end=third),
        Scene(id="1.3", chapter=1, start=third, end=len(text)),
        Scene(id="2.1", chapter=2, start=len(text) - 10, end=len(text)),
    ]
    filled = fill_scene_gaps(text, scenes, [])
    assert [s.time_of_day for s in filled] == ["night", "night", "unknown", "unknown"]


def test_a_country_house_called_park_is_an_interior_when_people_dine_there(tmp_path):
    body = (
        "They dined at Hartfield Park on Monday. The family at Hartfield Park were kind, and they dined at "
        "Hartfield again on Friday and sat late in the drawing-room. "
    )
    book = tmp_path / "b.txt"
    book.write_text("CHAPTER I.\n\n" + body * 6 + "\n", encoding="utf-8")
    analysis = analyze(read_book(book), slug="b", title="b")
    hartfield = next(s for s in analysis.settings if s.name.startswith("Hartfield"))
    assert hartfield.interior is True
    assert all(scene.interior is True for scene in analysis.scenes)


def test_meanwhile_keeps_the_time_of_the_scene_before():
    text = "x" * 300 + "Meanwhile the others sat and talked." + "y" * 300
    second = text.index("Meanwhile")
    scenes = [
        Scene(id="1.1", chapter=1, start=0, end=second, time_of_day="dusk"),
        Scene(id="1.2", chapter=1, start=second, end=len(text)),
    ]
    assert [s.time_of_day for s in fill_scene_gaps(text, scenes, [])] == ["dusk", "dusk"]


def test_a_place_only_talked_about_weighs_less_than_the_one_the_narration_names():
    text = (
        'She sat in the parlour. "Have you seen the abbey? The abbey is grand, the abbey is near, the abbey is cold, and the abbey is old," he said. '
        "The parlour was cold."
    )
    quote = (text.index('"') + 1, text.index('," he said'))
    clusters = SettingFinder().find(text, 0, len(text), [], quote_spans=[quote])
    assert scene_setting(clusters, 0, len(text)).name == "the parlour"
    assert scene_setting(SettingFinder().find(text, 0, len(text), []), 0, len(text)).name == "the abbey"
