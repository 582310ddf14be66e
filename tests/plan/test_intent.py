"""A scene's intent as a tension curve that shapes pace and closeness."""

from __future__ import annotations

import pytest

from filmsofone.errors import UserError
from filmsofone.plan import parse_intent, plan_scene
from filmsofone.plan.intent import SIZES, tension_curve


def test_from_dread_to_relief_falls():
    curve = parse_intent("from dread to relief")
    assert curve.at(0.0) == pytest.approx(0.8)
    assert curve.at(1.0) == pytest.approx(0.2)
    assert curve.at(0.0) > curve.at(0.5) > curve.at(1.0)


def test_shapes_and_single_moods():
    rising = parse_intent("building suspense")
    assert rising.at(1.0) > rising.at(0.0)
    assert parse_intent("calm").at(0.3) == pytest.approx(0.1)
    three = parse_intent("joy, then shock, then grief")
    assert three.at(0.5) == pytest.approx(0.9)


def test_an_intent_without_a_mood_is_refused():
    with pytest.raises(UserError, match="no mood"):
        parse_intent("make it purple")


def test_no_intent_follows_the_text():
    assert tension_curve(None, [0.0, 0.0, 12.0]).at(1.0) > tension_curve(None, [0.0, 0.0, 0.0]).at(1.0)


def _closeness(shots):
    return sum(SIZES.index(s.size) for s in shots if s.size in SIZES) / len(shots)


def test_tense_intent_cuts_shorter_and_closer_than_calm(story):
    analysis, text = story
    calm = plan_scene(analysis, "1.1", text, intent="calm")
    tense = plan_scene(analysis, "1.1", text, intent="terror")
    assert sum(s.duration for s in tense) < sum(s.duration for s in calm)
    assert _closeness(tense) > _closeness(calm)


def test_dread_to_relief_opens_tighter_than_it_ends(story):
    analysis, text = story
    shots = plan_scene(analysis, "1.1", text, intent="from terror to calm")
    reversed_ = plan_scene(analysis, "1.1", text, intent="from calm to terror")
    first_line = next(s for s in shots if s.dialogue)
    first_line_rev = next(s for s in reversed_ if s.dialogue)
    assert first_line.duration < first_line_rev.duration
    last_line = [s for s in shots if s.dialogue][-1]
    last_line_rev = [s for s in reversed_ if s.dialogue][-1]
    assert SIZES.index(last_line.size) <= SIZES.index(last_line_rev.size)


def test_intent_survives_storing_the_analysis_again(sample_ws):
    from filmsofone import store
    from filmsofone.plan import set_intent
    from filmsofone.project import load_intents

    db = sample_ws.project("the-lantern-keepers").db_path
    set_intent(sample_ws, "the-lantern-keepers", "1.2", "from dread to relief")
    store.save_analysis(db, store.load_analysis(db), source_path="again")  # re-import, cast edits
    assert load_intents(db) == {"1.2": "from dread to relief"}
    set_intent(sample_ws, "the-lantern-keepers", "1.2", "")
    assert load_intents(db) == {}
