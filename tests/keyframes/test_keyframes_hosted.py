"""Keyframes on a hosted image API (Runway's, against its fake): an interrupted wait resumes the same job
instead of paying again; a refusal is reported and the other shots go on; nothing is made without a key."""

from __future__ import annotations

import pytest
from fakes.hosted_base import use_keys
from fakes.project import SLUG
from fakes.runway import KEY, FakeRunway

from filmsofone.errors import BackendError
from filmsofone.keyframes import make_keyframes, read_index


@pytest.fixture
def runway(monkeypatch, tmp_path):
    use_keys(monkeypatch, tmp_path, RUNWAYML_API_SECRET=KEY)
    with FakeRunway(polls_to_finish=4) as fake:
        yield fake


def creates(fake) -> int:
    return sum(1 for r in fake.creates if r.path == "/v1/text_to_image")


def test_an_interrupted_wait_resumes_the_same_job(ws, cast, runway):
    options = {"base_url": runway.url, "poll_interval": 0.05}
    first = make_keyframes(ws, SLUG, ["1.1"], backend="runway-image", options={**options, "timeout": 0.08})
    assert len(first.failed) == 3 and "run again to resume" in next(iter(first.failed.values()))
    pending = {s: e.pending.remote_id for s, e in read_index(ws.project(SLUG)).shots.items()}
    assert all(pending.values()) and creates(runway) == 3
    second = make_keyframes(ws, SLUG, ["1.1"], backend="runway-image", options=options)
    assert sorted(second.made) == ["1.1-001", "1.1-002", "1.1-003"] and creates(runway) == 3  # none paid twice
    assert all(e.pending is None for e in read_index(ws.project(SLUG)).shots.values())


def test_a_refusal_is_reported_and_the_rest_are_made(ws, cast, runway):
    runway.polls_to_finish = 1
    runway.outcome = "moderated"
    report = make_keyframes(ws, SLUG, ["1.1"], backend="runway-image", options={"base_url": runway.url,
                                                                                 "poll_interval": 0.01})
    assert len(report.failed) == 3 and all("SAFETY" in r or "refused" in r.lower() or "polic" in r.lower()
                                           for r in report.failed.values())
    runway.outcome = "success"
    options = {"base_url": runway.url, "poll_interval": 0.01}
    again = make_keyframes(ws, SLUG, ["1.1"], backend="runway-image", options=options)
    assert not again.made and all("refused earlier" in r for r in again.failed.values())
    assert creates(runway) == 3  # a refusal is never resent by itself
    asked = make_keyframes(ws, SLUG, None, shot_ids=["1.1-002"], backend="runway-image", options=options)
    assert asked.made == ["1.1-002"] and creates(runway) == 4


def test_no_key_no_request(ws, cast, runway, monkeypatch):
    monkeypatch.delenv("RUNWAYML_API_SECRET")
    with pytest.raises(BackendError):
        make_keyframes(ws, SLUG, ["1.1"], backend="runway-image", options={"base_url": runway.url})
    assert runway.requests == []


def test_an_unreachable_server_stops_the_run_and_leaves_the_other_shots_untouched(ws, cast, runway):
    options = {"base_url": "http://127.0.0.1:9", "poll_interval": 0.01, "concurrency": 1}
    with pytest.raises(BackendError) as caught:
        make_keyframes(ws, SLUG, ["1.1"], backend="runway-image", options=options)
    assert "cannot reach 127.0.0.1:9" in str(caught.value) and "2 shot(s) not tried" in str(caught.value)
    entries = read_index(ws.project(SLUG)).shots
    assert all(e.pending is None and not e.takes for e in entries.values())  # nothing left half-sent
    again = make_keyframes(ws, SLUG, ["1.1"], backend="runway-image", options={"base_url": runway.url,
                                                                                 "poll_interval": 0.01})
    assert sorted(again.made) == ["1.1-001", "1.1-002", "1.1-003"]  # resumable: a later run makes them all
