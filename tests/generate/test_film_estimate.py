"""The whole film's price (the screening room's estimate) leaves out the clips already made, as
`generate --all --dry-run` does: the two stay equal before and after some shots are made."""

from __future__ import annotations

import pytest
from test_hosted_engine import run, set_action

from sqlmodel import select

from filmsofone import store
from filmsofone.adapt import adapt
from filmsofone.generate import estimate_film, generate_scenes
from filmsofone.store.tables import JobRow
from fakes.project import SLUG, make_book


def _priced(ws, backend="fakehosted"):
    return next(b for b in estimate_film(ws, SLUG, adapt(ws, SLUG)).backends if b.backend == backend)


def _dry_run(ws, service, **options):
    return generate_scenes(ws, SLUG, None, backend="fakehosted", options={"base_url": service.url, **options},
                           dry_run=True)


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


def test_the_room_prices_with_the_options_the_clips_were_made_with(ws, service):
    """A clip made with `--option model=pro` is made (and the rest priced at pro's price) in the room too, as in
    the dry run given that option: the room equals `generate --all --dry-run --option model=pro`."""
    make_book(ws, shots_per_scene=4, duration=2.0)
    run(ws, service, scenes=("1.1",), options={"model": "pro"})
    priced, pro, standard = _priced(ws), _dry_run(ws, service, model="pro"), _dry_run(ws, service)
    assert priced.made == sum(p.cached for p in pro.planned) == 4 and not any(p.cached for p in standard.planned)
    assert priced.usd == pytest.approx(pro.estimated_cost) and priced.usd != pytest.approx(standard.estimated_cost)
    assert priced.options == {"model": "pro", "base_url": service.url} and priced.price == "$0.3/s"
    assert _priced(ws, "animatic").options == {}
    with store.session_for(ws.project(SLUG).db_path) as session:  # jobs made before the options were stored
        for job in session.exec(select(JobRow)).all():
            job.options = None
            session.add(job)
        session.commit()
    assert _priced(ws).model_dump() == priced.model_dump()  # read from the request the job sent
    assert priced.shares == []  # one set of options: nothing to break down


def test_clips_made_under_mixed_options_are_each_priced_with_their_own(ws, service):
    """Scene 1.1 made with model=pro, then 1.2 in standard: each shot is counted with the options its own clip
    was made with (the pro ones are made, not priced again at the standard price; one changed since is priced
    at pro, as it was made), the row is the sum, and its shares say how much under which options."""
    make_book(ws, shots_per_scene=4, duration=2.0)
    run(ws, service, scenes=("1.1",), options={"model": "pro"})
    run(ws, service, scenes=("1.2",))  # the newest clips are standard ones: the film would go on in standard
    priced, standard = _priced(ws), _dry_run(ws, service)
    assert sum(p.cached for p in standard.planned) == 4 and standard.estimated_cost == pytest.approx(4 * 2.0 * 0.1)
    assert priced.made == 8 and priced.usd == 0  # the newest options alone would price the pro shots again
    assert priced.options == {"base_url": service.url} and priced.price == "$0.1/s"  # as it would run next
    set_action(ws, "1.1-001", "Shot 1 of scene 1.1: the lamps go out.")  # a pro clip no longer current
    set_action(ws, "1.2-002", "Shot 2 of scene 1.2: the tide turns.")  # a standard one no longer current
    priced = _priced(ws)
    assert priced.made == 6 and priced.usd == pytest.approx(2.0 * 0.3 + 2.0 * 0.1)
    assert priced.billed_seconds == pytest.approx(4.0)
    shares = {share.price: share for share in priced.shares}
    assert shares["$0.3/s"].options == {"model": "pro", "base_url": service.url}
    assert (shares["$0.3/s"].shots, shares["$0.3/s"].made) == (4, 3)
    assert shares["$0.3/s"].usd == pytest.approx(0.6)
    assert (shares["$0.1/s"].shots, shares["$0.1/s"].made) == (4, 3) and shares["$0.1/s"].usd == pytest.approx(0.2)
    assert [share.price for share in priced.shares][-1] == "$0.1/s"  # the newest options last
    pro = _dry_run(ws, service, model="pro")  # each share is the dry run with its options, over its shots
    assert sum(p.cost for p in pro.planned if p.scene == "1.1" and not p.cached) == pytest.approx(0.6)


def test_a_price_override_the_clips_were_made_with_is_the_rooms_price(ws, service):
    make_book(ws, shots_per_scene=2, duration=2.0)
    run(ws, service, scenes=("1.1",), options={"price_per_second": 0.25, "concurrency": 2})
    priced, dry = _priced(ws), _dry_run(ws, service, price_per_second=0.25)
    assert priced.made == 2 and priced.usd == pytest.approx(dry.estimated_cost) and priced.usd > 0
    assert priced.price == "$0.25/s" and priced.options == {"price_per_second": 0.25, "base_url": service.url}


def test_options_a_backend_no_longer_takes_fall_back_to_its_defaults(ws, service):
    make_book(ws, shots_per_scene=2, duration=2.0)
    run(ws, service, scenes=("1.1",), options={"model": "pro"})
    with store.session_for(ws.project(SLUG).db_path) as session:
        for job in session.exec(select(JobRow)).all():
            job.options = {"model": "pro", "retired_option": 1}
            session.add(job)
        session.commit()
    priced = _priced(ws)
    assert priced.options == {} and priced.made == 0 and priced.price == "$0.1/s"


def test_a_film_with_no_shots_is_priced_at_nothing(ws, service):
    """Every scene cut (or a book too short to keep one): each backend is listed at $0, nothing to make."""
    from filmsofone.adapt import set_scene_choice

    make_book(ws, shots_per_scene=2, duration=2.0)
    run(ws, service, scenes=("1.1",), options={"model": "pro"})
    for scene in ("1.1", "1.2"):
        set_scene_choice(ws, SLUG, scene, drop=True)
    estimate = estimate_film(ws, SLUG, adapt(ws, SLUG))
    assert estimate.shots == 0 and estimate.backends
    assert all(row.usd == 0 and row.billed_seconds == 0 and row.made == 0 for row in estimate.backends)


def test_the_film_is_priced_at_the_resolution_the_bible_asks_for(ws):
    """fal's default model bills by pixels: the room's price follows the cast bible's `style.resolution`, as the
    requests the dry run plans ask for it."""
    make_book(ws, shots_per_scene=2, duration=5.0)
    at_720 = _priced(ws, "fal")
    ws.bible_path(SLUG).write_text(f"book: {SLUG}\nstyle:\n  resolution: 1920x1080\n", encoding="utf-8")
    at_1080 = _priced(ws, "fal")
    assert at_720.price == "$0.036/s" and at_1080.price == "$0.081/s"
    assert at_1080.usd == pytest.approx(at_720.usd * 0.081 / 0.036, rel=0.02) and at_720.usd > 0
