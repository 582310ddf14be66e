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
