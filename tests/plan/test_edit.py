"""Hand edits (`shots set|add|rm|move`) are marked edited and survive re-planning, as locked shots do."""

from __future__ import annotations

import pytest

from filmsofone import store
from filmsofone.errors import UserError
from filmsofone.plan import plan_book
from filmsofone.plan.edit import add_shot, move_shot, remove_shot, set_shot

from .conftest import plan

SLUG = "the-lantern-keepers"


def _scene(ws, scene="1.1"):
    return store.load_shots(ws.project(SLUG).db_path, scene)


def test_set_marks_edited_and_replanning_keeps_it(sample_ws):
    shots = plan_book(sample_ws, SLUG, "1.1")["1.1"]
    target = next(s for s in shots if s.dialogue)
    changed = set_shot(sample_ws, SLUG, target.id, ["size=ECU", "movement=dolly in", "notes=hold on the eyes",
                                                    "duration=6.5"])
    assert changed.edited and changed.size == "ECU" and changed.duration == 6.5
    again = plan_book(sample_ws, SLUG, "1.1")["1.1"]
    kept = [s for s in again if s.id == target.id]
    assert kept == [changed.model_copy(update={"order": kept[0].order})]
    # its quotation is not spoken twice
    assert sum(target.dialogue[0] in s.dialogue for s in again) == 1
    assert [s.order for s in again] == list(range(1, len(again) + 1))
    assert len({s.id for s in again}) == len(again)


def test_locked_shot_survives_replanning_with_a_new_intent(sample_ws):
    from filmsofone.plan import set_intent

    shots = plan_book(sample_ws, SLUG, "1.2")["1.2"]
    target = shots[2]
    locked = set_shot(sample_ws, SLUG, target.id, ["locked=true"])
    assert locked.locked and not locked.edited
    set_intent(sample_ws, SLUG, "1.2", "from dread to relief")
    again = plan_book(sample_ws, SLUG, "1.2")["1.2"]
    assert target.model_copy(update={"locked": True}) in [s.model_copy(update={"order": target.order})
                                                           for s in again]
    assert again != shots  # the intent changed the rest


def test_added_moved_and_removed_shots(sample_ws):
    shots = plan_book(sample_ws, SLUG, "1.1")["1.1"]
    added = add_shot(sample_ws, SLUG, "1.1", ["size=insert", "action=The letter on the table.", "props=letter"],
                     after=shots[3].id)
    assert added.edited and added.order == 5 and added.size == "insert"
    assert added.id not in {s.id for s in shots}
    moved = move_shot(sample_ws, SLUG, shots[6].id, to=2)
    assert moved[1].id == shots[6].id and moved[1].edited
    removed = remove_shot(sample_ws, SLUG, shots[10].id)
    assert removed.id not in {s.id for s in _scene(sample_ws)}

    again = plan_book(sample_ws, SLUG, "1.1")["1.1"]
    ids = [s.id for s in again]
    assert added.id in ids and shots[6].id in ids
    # the moved shot stays near the top, the added one right after the shot it followed
    assert ids.index(shots[6].id) <= 2
    before_added = again[ids.index(added.id) - 1]
    assert before_added.source_span and before_added.source_span[0] <= shots[3].source_span[0] + 1


def test_edit_mistakes_are_user_errors(sample_ws):
    shots = plan_book(sample_ws, SLUG, "1.1")["1.1"]
    with pytest.raises(UserError, match="cannot set"):
        set_shot(sample_ws, SLUG, shots[0].id, ["colour=red"])
    with pytest.raises(UserError, match="invalid shot value"):
        set_shot(sample_ws, SLUG, shots[0].id, ["size=HUGE"])
    with pytest.raises(UserError, match="no shot"):
        set_shot(sample_ws, SLUG, "1.1-999", ["size=CU"])
    with pytest.raises(UserError, match="no character"):
        set_shot(sample_ws, SLUG, shots[0].id, ["characters=Nobody:left"])
    with pytest.raises(UserError, match="exactly one"):
        move_shot(sample_ws, SLUG, shots[0].id)


def test_characters_by_name_and_position(sample_ws):
    shots = plan_book(sample_ws, SLUG, "1.1")["1.1"]
    changed = set_shot(sample_ws, SLUG, shots[0].id, ["characters=Ada:left"])
    assert [(f.character, f.position) for f in changed.characters] == [("c1", "left")]


def test_merge_is_pure_on_the_story(story):
    analysis, text = story
    first = plan(analysis, "1.1", text)
    edited = first[3].model_copy(update={"size": "ECU", "edited": True})
    previous = [*first[:3], edited, *first[4:]]
    again = plan(analysis, "1.1", text, previous=previous)
    assert again[3] == edited
    assert [s.id for s in again] == [s.id for s in first]


def test_removed_shots_stay_removed_after_replanning(sample_ws):
    shots = plan_book(sample_ws, SLUG, "1.2")["1.2"]
    gone = [shots[1], next(s for s in shots if s.dialogue)]
    for shot in gone:
        remove_shot(sample_ws, SLUG, shot.id)
    again = plan_book(sample_ws, SLUG, "1.2")["1.2"]
    assert len(again) == len(shots) - 2
    for shot in gone:
        assert not any(s.source_span == shot.source_span and s.dialogue == shot.dialogue for s in again)
    # ids are stable: every surviving shot keeps its id, the removed ids are never reused
    assert [s.id for s in again] == [s.id for s in shots if s not in gone]


def test_ids_stay_with_their_shots_across_replanning(sample_ws):
    shots = plan_book(sample_ws, SLUG, "1.1")["1.1"]
    assert plan_book(sample_ws, SLUG, "1.1")["1.1"] == shots
    from filmsofone.plan import set_intent

    set_intent(sample_ws, SLUG, "1.1", "terror")
    tense = plan_book(sample_ws, SLUG, "1.1")["1.1"]
    by_source = {(s.source_span, tuple(s.dialogue)): s.id for s in shots}
    for shot in tense:
        key = (shot.source_span, tuple(shot.dialogue))
        if key in by_source and shot.source_span[0] != shot.source_span[1]:
            assert shot.id == by_source[key]
        elif key not in by_source:
            assert shot.id not in {s.id for s in shots}  # a new shot never takes an old shot's id


def test_editing_a_note_does_not_change_which_shot_is_kept(sample_ws):
    """The kind is a field of its own: a user's note on a kept establishing shot (empty source span) does not
    let the planner add a second establishing shot, nor does a note on a removed one bring it back."""
    shots = plan_book(sample_ws, SLUG, "1.1")["1.1"]
    opening = next(s for s in shots if s.kind == "establishing")
    assert opening.source_span[0] == opening.source_span[1] and opening.notes.startswith("establishing")
    noted = set_shot(sample_ws, SLUG, opening.id, ["notes=mood: fog over the water"])
    assert noted.edited and noted.kind == "establishing"
    again = plan_book(sample_ws, SLUG, "1.1")["1.1"]
    assert len(again) == len(shots)
    assert [s for s in again if s.source_span == opening.source_span and s.kind == "establishing"] == [
        noted.model_copy(update={"order": opening.order})]
    remove_shot(sample_ws, SLUG, noted.id)
    assert len(plan_book(sample_ws, SLUG, "1.1")["1.1"]) == len(shots) - 1


def test_split_takes_carry_their_part(story):
    """A beat longer than a clip is cut into shots numbered in `part`; the note only says so for the reader."""
    from filmsofone.models import legacy_kind

    analysis, text = story
    split = [s for s in plan(analysis, "1.2", text, max_clip=2.0) if s.part]
    assert split and all(1 <= s.part[0] <= s.part[1] and s.notes.endswith(f"(part {s.part[0]}/{s.part[1]})")
                         for s in split)
    assert {s.kind for s in split} <= {"establishing", "action", "insert", "single", "two-shot", "master", "cutaway"}
    firsts = [s for s in split if s.part[0] == 1]
    assert firsts and all(s.kind == legacy_kind(s.notes)["kind"] for s in split)
    assert legacy_kind("cutaway: listening to Ada (part 2/3)") == {"kind": "cutaway", "part": (2, 3)}
