"""The whole film's price (the screening room's estimate) leaves out the clips already made, as
`generate --all --dry-run` does: the two stay equal before and after some shots are made."""

from __future__ import annotations

import pytest
from test_hosted_engine import run, set_action

from filmsofone.adapt import adapt
from filmsofone.generate import estimate_film, generate_scenes
from fakes.project import SLUG, make_book


def _priced(ws, backend="fakehosted"):
    return next(b for b in estimate_film(ws, SLUG, adapt(ws, SLUG)).backends if b.backend == backend)


def _dry_run(ws, service):
    return generate_scenes(ws, SLUG, None, backend="fakehosted", options={"base_url": service.url}, dry_run=True)


def test_shots_already_made_are_not_priced_and_the_room_equals_the_dry_run(ws, service):
    make_book(ws, shots_per_scene=4, duration=2.0)
    before, dry = _priced(ws), _dry_run(ws, service)
    assert before.made == 0 and before.usd == pytest.approx(dry.estimated_cost) and before.usd > 0
    run(ws, service, scenes=("1.1",))
    after, dry = _priced(ws), _dry_run(ws, service)
    made_in_film = sum(p.cached for p in dry.planned)
    assert made_in_film == after.made > 0
    assert after.usd == pytest.approx(dry.estimated_cost)
    assert after.usd == pytest.approx(before.usd - after.made * 2.0 * 0.1)
    assert after.billed_seconds == pytest.approx(sum(p.seconds for p in dry.planned if not p.cached))
    assert _priced(ws, "animatic").made == 0  # made on another backend: generate would make it again there
    set_action(ws, "1.1-001", "Shot 1 of scene 1.1: the lamps go out.")  # its clip is no longer current
    assert _priced(ws).made == after.made - 1 == sum(p.cached for p in _dry_run(ws, service).planned)
