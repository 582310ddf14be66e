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
from filmsofone.adapt import AdaptedBeat, AdaptedScene, Adaptation, Choices, adapt, adapt_book
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


def test_fountain_of_the_sample_is_the_adaptation(sample_ws, tmp_path):
    adaptation = adapt(sample_ws, SLUG)
    out = export_shotlist(sample_ws, SLUG, "fountain", tmp_path / "film.fountain")
    play, elements = parse_fountain(out)
    kept = [s for s in adaptation.scenes if s.kept]
    slugs = [e.line.to_plain() if hasattr(e.line, "to_plain") else str(e.line) for e in elements if isinstance(e, Slug)]
    assert len(slugs) == len(kept) < len(adaptation.scenes)
    assert all(scene.place and scene.place.upper() in slug for scene, slug in zip(kept, slugs))
    assert all(s.startswith(("INT. ", "EXT. ", "INT./EXT. ")) for s in slugs)
    assert not any(isinstance(e, DualDialog) for e in elements)
    assert play.title_page["Title"] == ["The Lantern Keepers"]
    assert any(isinstance(e, Transition) for e in elements)
    assert any(isinstance(e, Action) for e in elements)
    source = out.read_text(encoding="utf-8")
    lines = [b.text.rstrip(",") for s in kept for b in s.beats if b.kind == "dialogue"]
    assert all(line in source for line in lines)
    assert "’" in source  # the book's apostrophes reach the screenplay


def _blocks(beats: list[AdaptedBeat]) -> int:
    """Dialogue blocks a scene's beats make: a voice-over, or a run of one speaker's lines."""
    count, previous = 0, None
    for beat in beats:
        key = (beat.kind, beat.speaker) if beat.kind == "dialogue" else None
        count += beat.kind == "voiceover" or (key is not None and key != previous)
        previous = key
    return count


def _adaptation(scene_beats: dict[str, list[AdaptedBeat]]) -> Adaptation:
    scenes = [AdaptedScene(id=sid, kept=True, seconds=10.0, beats=beats, place="the lighthouse")
              for sid, beats in scene_beats.items()]
    return Adaptation(target_seconds=10.0, total_seconds=10.0, adapter="offline", scenes=scenes)


def test_fountain_escapes_text_that_looks_like_markup(story):
    analysis, text = story
    beats = [AdaptedBeat(kind="action", text=t, source=(0, 1)) for t in
             ("INT. not a heading", "SHOUTING IN CAPITALS", ". a dot /* not boneyard */ [[no note]]")]
    beats += [AdaptedBeat(kind="dialogue", text="Tom, are you there?", speaker="c1", quote="q1", source=(0, 1)),
              AdaptedBeat(kind="dialogue", text="Up here,", speaker="c2", quote="q2", source=(0, 1))]
    source = fountain(analysis, text, _adaptation({"1.1": beats}))
    elements = list(fountain_parser.parse(io.StringIO(source)))
    assert sum(isinstance(e, Slug) for e in elements) == 1
    assert sum(isinstance(e, Dialog) for e in elements) == 2
    assert sum(isinstance(e, Action) for e in elements) >= 3
    assert "ADA QUILL" in source and "TOM QUILL" in source and "Up here." in source


def test_parenthetical_extensions_and_voiceover(story):
    analysis, text = story
    adaptation = adapt_book(analysis, text, Choices(runtime_seconds=3600))
    scene = adaptation.scene("1.1")
    scene.beats.insert(0, AdaptedBeat(kind="voiceover", text="Some storms are made by hands.", source=(0, 10)))
    source = fountain(analysis, text, adaptation)
    assert "(crying out)" in source  # "...!" cried Ada
    assert "Up here. The glass is cracked again." in source  # one speaker's two lines make one block
    assert "NARRATOR (V.O.)\nSome storms are made by hands." in source
    dialogs = [e for e in fountain_parser.parse(io.StringIO(source)) if isinstance(e, Dialog)]
    assert len(dialogs) == sum(_blocks(s.beats) for s in adaptation.scenes if s.kept)
    assert "INT. THE LIGHTHOUSE - NIGHT" in source and "EXT. THE HARBOUR - DAWN" in source


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


def test_shot_list_before_planning_says_what_to_do(sample_ws, tmp_path):
    with pytest.raises(UserError, match="no shots yet"):
        export_shotlist(sample_ws, SLUG, "csv", tmp_path / "x.csv")

