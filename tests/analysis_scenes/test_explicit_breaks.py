"""Explicit scene breaks never leave a piece too small to film: headings, ornaments, captions, title pages and
short signatures join a neighbour. Small texts written for these tests."""

from __future__ import annotations

from filmsofone.analysis.scenes import MIN_SCENE_CHARS, SceneSegmenter
from filmsofone.models import Chapter

PROSE = (
    "The lamp burned low in the window and the wind worried at the shutters, and she read the letter again "
    "from the beginning, slowly, as if the words might change their minds. "
)
LONG = "\n\n".join([PROSE * 3] * 4)  # well above a filmable unit
BLANKS = "\n\n\n\n\n"


def _segment(text: str):
    chapters = [Chapter(index=1, title="I", start=0, end=len(text))]
    return [(text[s.start : s.end], s) for s in SceneSegmenter().segment(text, chapters)]


def test_a_real_break_between_two_long_pieces_still_cuts():
    text = f"CHAPTER I.\n\n{LONG}\n\n* * *\n\n{LONG}\n"
    scenes = _segment(text)
    assert len(scenes) == 2
    assert scenes[1][0].startswith("The lamp burned")


def test_a_break_right_after_the_chapter_heading_makes_no_heading_only_scene():
    text = f"CHAPTER I.{BLANKS}The First Night{BLANKS}{LONG}\n"
    ((body, scene),) = _segment(text)
    assert body.startswith("CHAPTER I.") and body.rstrip().endswith("change their minds.")


def test_runs_of_ornament_lines_are_one_break_and_no_scene_starts_or_ends_with_them():
    stars = "*      *      *      *\n\n    *      *      *\n\n*      *      *      *"
    text = f"CHAPTER I.\n\n{LONG}\n\n{stars}\n\n\n{LONG}\n\n{stars}{BLANKS}"
    scenes = _segment(text)
    assert len(scenes) == 2
    for body, _ in scenes:
        assert not body.startswith("*") and not body.rstrip().endswith("*")
        assert len(body) >= MIN_SCENE_CHARS


def test_a_short_signature_after_a_break_joins_the_letter_before_it():
    text = f"CHAPTER I.\n\n{LONG}\n\nYours ever,\n\n\n\nJ. S.\n\n* * *\n\n{LONG}\n"
    scenes = _segment(text)
    assert len(scenes) == 2
    assert scenes[0][0].rstrip().endswith("J. S.")
    assert scenes[1][0].startswith("The lamp burned")


def test_a_short_heading_like_piece_joins_the_scene_after_it():
    text = f"CHAPTER I.\n\n{LONG}\n\n* * *\n\nPART THE SECOND\n\n* * *\n\n{LONG}\n"
    scenes = _segment(text)
    assert len(scenes) == 2
    assert scenes[1][0].startswith("PART THE SECOND")


def test_a_title_page_after_the_last_break_is_left_out_of_the_last_scene():
    title_page = f"END OF VOL. I.{BLANKS}[Illustration: A HOUSE]{BLANKS}A NOVEL.\n\nIn Three Volumes.{BLANKS}VOL. II.{BLANKS}"
    text = f"CHAPTER I.\n\n{LONG}\n\n* * *\n\n{LONG}{BLANKS}{title_page}"
    scenes = _segment(text)
    assert len(scenes) == 2
    assert scenes[-1][0].rstrip().endswith("change their minds.")
    assert "Illustration" not in scenes[-1][0]


def test_every_piece_of_a_chapter_with_many_breaks_is_filmable():
    pieces = [LONG, "A line.", LONG[:800], "#", LONG, "~ ~ ~", "Short, but prose: a coda of one sentence.", LONG]
    text = "CHAPTER I.\n\n" + "\n\n* * *\n\n".join(pieces) + "\n"
    scenes = _segment(text)
    assert len(scenes) == 3
    assert all(len(body) >= MIN_SCENE_CHARS for body, _ in scenes)
    assert [s.id for _, s in scenes] == ["1.1", "1.2", "1.3"]


def test_time_jumps_in_their_other_shapes_start_scenes():
    for opener in ("Two days afterward he went out.", "One evening the wind rose.", "In the evening they dined.",
                   "After breakfast the carriage came."):
        text = f"CHAPTER I.\n\n{LONG}\n\n{opener} {LONG}\n"
        scenes = _segment(text)
        assert [body[:12] for body, _ in scenes][1:] == [opener[:12]], opener
    text = f"CHAPTER I.\n\n{LONG}\n\nIn the evening of his life he was content. {LONG}\n"
    assert len(_segment(text)) == 1  # "in the evening of his life" is no time jump
