"""A scene's intent as a tension curve that shapes pace and closeness."""

from __future__ import annotations

import pytest

from filmsofone.errors import UserError
from filmsofone.plan import parse_intent
from filmsofone.plan.intent import SIZES, tension_curve

from .conftest import plan


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
    calm = plan(analysis, "1.1", text, intent="calm")
    tense = plan(analysis, "1.1", text, intent="terror")
    assert sum(s.duration for s in tense) == pytest.approx(sum(s.duration for s in calm), abs=0.5)  # the adaptation's
    mean = lambda shots: sum(s.duration for s in shots) / len(shots)  # noqa: E731
    assert mean(tense) < mean(calm)  # the same time cut into shorter shots
    assert _closeness(tense) > _closeness(calm)


def test_dread_to_relief_opens_tighter_than_it_ends(story):
    analysis, text = story
    shots = plan(analysis, "1.1", text, intent="from terror to calm")
    reversed_ = plan(analysis, "1.1", text, intent="from calm to terror")
    lines = [s for s in shots if s.dialogue and s.kind != "reaction"]
    lines_rev = [s for s in reversed_ if s.dialogue and s.kind != "reaction"]
    first_line, last_line = lines[0], lines[-1]
    first_line_rev, last_line_rev = lines_rev[0], lines_rev[-1]
    # the scene runs as long as the adaptation says either way: what moves is where its time goes
    assert first_line.duration / last_line.duration < first_line_rev.duration / last_line_rev.duration
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
