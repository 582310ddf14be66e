"""Exports: a Fountain screenplay an independent parser reads, a CSV shot list, JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
from screenplain.parsers import fountain as fountain_parser
from screenplain.types import Action, Dialog, DualDialog, Slug, Transition

from filmsofone import store
from filmsofone.errors import UserError
from filmsofone.plan import plan_book
from filmsofone.plan.export import CSV_COLUMNS, export_shotlist, fountain

SLUG = "the-lantern-keepers"


def parse_fountain(path):
    with open(path, encoding="utf-8") as stream:
        play = fountain_parser.parse(stream)
    return play, list(play)


def plan_counts(shots):
    scenes = {s.scene for s in shots}
    quotes = {q for s in shots for q in s.dialogue}
    return len(scenes), len(quotes)


def test_fountain_of_the_sample_parses_into_its_scenes_and_lines(sample_ws, tmp_path):
    plan_book(sample_ws, SLUG)
    out = export_shotlist(sample_ws, SLUG, "fountain", tmp_path / "film.fountain")
    play, elements = parse_fountain(out)
    shots = store.load_shots(sample_ws.project(SLUG).db_path)
    scenes, lines = plan_counts(shots)
    assert sum(isinstance(e, Slug) for e in elements) == scenes
    assert sum(isinstance(e, Dialog) for e in elements) == lines
    assert not any(isinstance(e, DualDialog) for e in elements)
    assert play.title_page["Title"] == ["The Lantern Keepers"]
    slugs = [e.line.to_plain() if hasattr(e.line, "to_plain") else str(e.line) for e in elements if isinstance(e, Slug)]
    assert all(s.startswith(("INT. ", "EXT. ", "INT./EXT. ")) for s in slugs)
    assert any(isinstance(e, Transition) for e in elements)
    assert any(isinstance(e, Action) for e in elements)


def test_fountain_escapes_text_that_looks_like_markup(story):
    analysis, text = story
    from filmsofone.models import Shot

    shots = {"1.1": [Shot(id="1.1-001", scene="1.1", order=1, action="INT. not a heading"),
                     Shot(id="1.1-002", scene="1.1", order=2, action="SHOUTING IN CAPITALS"),
                     Shot(id="1.1-003", scene="1.1", order=3, action=". a dot /* not boneyard */ [[no note]]"),
                     Shot(id="1.1-004", scene="1.1", order=4, action="He walked to the door.",
                          dialogue=["q1", "q2"])]}
    source = fountain(analysis, text, shots)
    elements = list(fountain_parser.parse(io.StringIO(source)))
    assert sum(isinstance(e, Slug) for e in elements) == 1
    assert sum(isinstance(e, Dialog) for e in elements) == 2
    assert sum(isinstance(e, Action) for e in elements) >= 4
    assert "ADA QUILL" in source and "TOM QUILL" in source


def test_parenthetical_and_extensions(story):
    analysis, text = story
    from filmsofone.plan import plan_scene

    source = fountain(analysis, text, {"1.1": plan_scene(analysis, "1.1", text)})
    assert "(crying out)" in source  # "...!" cried Ada
    assert "TOM QUILL (CONT'D)" in source  # "Up here," said Tom. "The glass is cracked again."
    dialogs = [e for e in fountain_parser.parse(io.StringIO(source)) if isinstance(e, Dialog)]
    assert len(dialogs) == len(analysis.quotes_in("1.1"))


def test_csv_has_the_professional_columns(sample_ws, tmp_path):
    planned = plan_book(sample_ws, SLUG, "1.2")
    out = export_shotlist(sample_ws, SLUG, "csv", tmp_path / "shots.csv")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert tuple(rows[0]) == CSV_COLUMNS == ("scene", "shot", "location", "description", "size", "angle",
                                             "movement", "lens", "duration", "cast", "props", "notes")
    assert [r["shot"] for r in rows] == [s.id for s in planned["1.2"]]
    assert all(r["scene"] == "1.2" and r["location"].startswith(("INT", "EXT")) for r in rows)
    assert sum(float(r["duration"]) for r in rows) == pytest.approx(sum(s.duration for s in planned["1.2"]), abs=0.05)


def test_json_round_trips_the_shots(sample_ws, tmp_path, capsys):
    plan_book(sample_ws, SLUG)
    assert export_shotlist(sample_ws, SLUG, "json", None) is None
    document = json.loads(capsys.readouterr().out)
    stored = store.load_shots(sample_ws.project(SLUG).db_path)
    assert [s["id"] for scene in document["scenes"] for s in scene["shots"]] == [s.id for s in stored]
    assert document["book"]["slug"] == SLUG


def test_export_before_planning_says_what_to_do(sample_ws, tmp_path):
    with pytest.raises(UserError, match="no shots yet"):
        export_shotlist(sample_ws, SLUG, "fountain", tmp_path / "x.fountain")


def test_speech_tag_narration_becomes_a_parenthetical():
    from filmsofone.plan.beats import split_speech_tag as _split_tag

    assert _split_tag("said Ada, setting his plate in front of him,") == ("", "setting his plate in front of him")
    assert _split_tag("he said.") == ("", "")
    assert _split_tag("Ada turned to the window.") == ("Ada turned to the window.", "")
    long = "said Tom, and he walked the whole length of the room and back again before he turned. He sat."
    action, direction = _split_tag(long)
    assert direction == "" and action.startswith("And he walked")
