"""Implicit scene shifts by a change of place, settings grouped across their variants, and names split by
line-end hyphenation. Small texts written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

from filmsofone.analysis import analyze
from filmsofone.analysis.scenes import MIN_SCENE_CHARS, SceneSegmenter
from filmsofone.ingest import read_book
from filmsofone.models import Chapter

GOLD = Path(__file__).resolve().parents[1] / "data" / "the-lantern-keepers.gold.json"

KITCHEN = (
    "Martha stood by the stove in the kitchen and stirred the pot while the kettle sang. The kitchen was warm "
    "and smelled of bread, and the kitchen table was covered in flour. "
)
QUAY = (
    "The wind came hard off the water and the quay was wet with spray. Fishermen mended nets along the quay "
    "and the boats knocked against the quay wall. "
)
TALK = "She said very little and he said less, and the hours went by without either of them noticing. "


def _book(*paragraphs: str) -> tuple[str, list[Chapter]]:
    text = "\n\n".join(paragraphs) + "\n"
    return text, [Chapter(index=1, title="One", start=0, end=len(text))]


def _starts(text: str, chapters: list[Chapter]) -> list[str]:
    return [text[s.start : s.start + 30] for s in SceneSegmenter().segment(text, chapters)]


def test_a_move_to_a_place_that_then_dominates_starts_a_scene():
    text, chapters = _book(KITCHEN * 6, TALK * 4, "They went down to the quay." + QUAY * 5, QUAY * 4 + TALK * 3)
    starts = _starts(text, chapters)
    assert len(starts) == 2
    assert starts[1].startswith("They went down to the quay.")


def test_place_shift_openings_in_their_other_shapes():
    for opening in ("When they reached the quay, the rain had stopped.", "On the quay, the rain had stopped."):
        text, chapters = _book(KITCHEN * 6, TALK * 4, opening + " " + QUAY * 6, TALK * 3)
        assert [s[:12] for s in _starts(text, chapters)][1] == opening[:12]


def test_no_shift_when_the_new_place_does_not_dominate_what_follows():
    passing = "They went down to the quay. " + KITCHEN * 6
    text, chapters = _book(KITCHEN * 6, TALK * 4, passing, TALK * 3)
    assert len(_starts(text, chapters)) == 1


def test_no_shift_into_the_place_they_were_already_in():
    text, chapters = _book(QUAY * 8, TALK * 3, "They walked back along the quay." + QUAY * 6, TALK * 3)
    assert len(_starts(text, chapters)) == 1


def test_a_place_shift_never_leaves_a_scene_shorter_than_a_filmable_unit():
    text, chapters = _book(KITCHEN * 2, "They went down to the quay." + QUAY * 8, TALK * 3)
    scenes = SceneSegmenter().segment(text, chapters)
    assert len(scenes) == 1
    text, chapters = _book(KITCHEN * 8, "They went down to the quay." + QUAY * 2)
    assert len(SceneSegmenter().segment(text, chapters)) == 1
    assert MIN_SCENE_CHARS >= 1000


def test_sample_book_keeps_exactly_its_gold_scene_boundaries(sample_book):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    book = read_book(sample_book)
    chapters = analyze(book, slug="s", title="s").chapters
    scenes = SceneSegmenter().segment(book.text, chapters)
    assert len(scenes) == len(gold["scenes"]) == 11
    for scene, expected in zip(scenes, gold["scenes"]):
        opening = " ".join(book.text[scene.start : scene.start + 120].split())
        assert " ".join(expected["starts_with"].split()) in opening


# -- settings ----------------------------------------------------------------------------------------------

from filmsofone.analysis.settings import SettingFinder, scene_setting  # noqa: E402


def _settings(text: str):
    return SettingFinder().find(text, 0, len(text), [])


def test_place_variants_are_one_setting_across_the_book():
    text = (
        "They sat in Mrs. Hale's drawing-room after dinner. Later the drawing room was empty. "
        "All the drawing-rooms of the county were dull. She walked in the garden, and the gardens were wet."
    )
    by_name = {c.name: c for c in _settings(text)}
    drawing = by_name["the drawing-room"]
    assert len(drawing.mentions) == 3
    assert {"the drawing-room", "the drawing room"} <= set(drawing.aliases)
    assert drawing.interior is True
    assert by_name["the garden"].interior is False
    assert len(by_name["the garden"].mentions) == 2


def test_a_noun_compound_is_its_own_place_and_takes_its_bare_mentions():
    text = (
        "He climbed to the lamp room. The lamp room was cold. She waited in the watch room; the watch room was dark. "
        "They crossed to the harbour office. The harbour office was shut, and the office smelt of tar. "
        "It was a crowded room, and the crowded room was loud."
    )
    by_name = {c.name: c for c in _settings(text)}
    assert "the lamp room" in by_name and "the watch room" in by_name
    assert len(by_name["the harbour office"].mentions) == 3  # 'the office' is the harbour office
    assert "the crowded room" not in by_name  # an adjective, not a place of its own


def test_a_scene_setting_is_the_place_that_dominates_it_and_generic_places_come_last():
    text = (
        "She looked out over the sea, and the sea was grey, and far off the sea moved. "
        "She sat in the library by the fire. In the library the clock ticked. The room was warm and the room was quiet."
    )
    clusters = _settings(text)
    setting = scene_setting(clusters, 0, len(text))
    assert setting.name == "the library" and setting.interior is True
    only_room = "The room was warm. The room was quiet. She stayed in the room."
    assert scene_setting(_settings(only_room), 0, len(only_room)).name == "the room"


def test_rare_abstract_places_are_not_settings():
    text = "He fell to the ground. They had nothing in common. It was the best spot in the world."
    assert _settings(text) == []


# -- line-end hyphenation ----------------------------------------------------------------------------------

from filmsofone.analysis.characters import CharacterCluster, CharacterFinder  # noqa: E402
from filmsofone.analysis.text import dehyphenated  # noqa: E402


def test_dehyphenated_view_maps_back_to_the_original_offsets():
    text = "So Eliz-\nabeth smiled at Mr. Pel-\r\n  low, and a well-known face."
    view = dehyphenated(text, 3)
    assert view.joined.startswith("Elizabeth smiled at Mr. Pellow,")
    for word, original in (("Elizabeth", "Eliz-\nabeth"), ("Pellow", "Pel-\r\n  low"), ("smiled", "smiled")):
        at = view.joined.index(word)
        assert text[view.original(at) : view.original(at + len(word), end=True)] == original


def test_a_name_split_at_a_line_end_is_found_with_its_span_covering_the_hyphenated_text():
    text = (
        "Elizabeth walked to the window. Jane followed her. Then Eliz-\nabeth turned, and Jane laughed.\n\n"
        "Elizabeth sat down. Mr. Pel-\nlow came in, and Mr. Pellow bowed to Elizabeth.\n"
    )
    clusters = [
        CharacterCluster(name="Elizabeth", aliases={"Elizabeth"}),
        CharacterCluster(name="Mr. Pellow", aliases={"Mr. Pellow", "Pellow"}),
    ]
    CharacterFinder._scan_mentions(text, 0, len(text), clusters)
    elizabeth, pellow = clusters
    assert "Eliz-\nabeth" in [text[a:b] for a, b in elizabeth.mentions]
    assert len(elizabeth.mentions) == 4
    assert [text[a:b] for a, b in pellow.mentions] == ["Mr. Pel-\nlow", "Mr. Pellow"]
