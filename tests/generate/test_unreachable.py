"""Issue 17.7: an unreachable server is named at once (refused, not "throttled"), with the shot, retried a
bounded number of times with each wait shown; the run stops there with one line naming the host and exit 2,
and the shots not begun are left untouched (a later run makes them). Shots already in flight stop as soon as
the host is taken as down: their retry waits and poll waits end at once (`Transport.pause`)."""

from __future__ import annotations

import asyncio
import time

import pytest
from fakes.generic import FakeHostedBackend
from fakes.hosted_base import cli
from fakes.project import SLUG, make_book
from sqlmodel import select

from filmsofone import store
from filmsofone.backends import remote
from filmsofone.backends.base import GenerationRequest
from filmsofone.backends.transport import GaveUp, Step, Transport, Unreachable
from filmsofone.errors import BackendError
from filmsofone.generate import generate_scenes
from filmsofone.store.tables import JobRow


@pytest.mark.parametrize("verbose", [False, True])
def test_a_refused_connection_is_named_at_once_with_the_shot(ws, service, capsys, verbose):
    make_book(ws, shots_per_scene=3)
    started = time.monotonic()
    code, out, err = cli(capsys, "--workspace", ws.root, *(["--verbose"] if verbose else []), "generate", SLUG,
                         "--scene", "1.1", "--backend", "fakehosted", "--option", "base_url=http://127.0.0.1:9",
                         "--no-storyboard")
    elapsed = time.monotonic() - started
    shown = " ".join((out + err).split())
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2 and len(errors) == 1 and "cannot reach 127.0.0.1:9 (connection refused)" in errors[0], err
    assert "throttled" not in shown
    assert "shot 1.1-001: fakehosted: cannot reach 127.0.0.1:9: connection refused; try 2 of" in shown  # the wait
    assert shown.count("; try ") <= 12  # bounded: the host is taken as down after three refusals in a row
    assert elapsed < 30
    assert service.create_attempts == []  # nothing reached any server


def test_an_unreachable_server_stops_the_run_and_leaves_the_other_shots_untouched(ws, service, capsys):
    make_book(ws, shots_per_scene=3)
    code, out, err = cli(capsys, "--workspace", ws.root, "generate", SLUG, "--scene", "1.1", "--backend",
                         "fakehosted", "--option", "base_url=http://127.0.0.1:9", "--no-storyboard", "-j", "1")
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2 and len(errors) == 1 and "127.0.0.1:9" in errors[0] and "2 shot(s) not tried" in errors[0]
    assert "failed 1.1-002" not in out + err and "1.1-003" not in out + err
    with store.session_for(ws.project(SLUG).db_path) as session:
        jobs = session.exec(select(JobRow)).all()
    assert [j.shot_id for j in jobs] == ["1.1-001"]  # one shot tried; the others have no job at all


def test_shots_in_flight_stop_at_once_when_the_host_is_known_gone(ws, service, monkeypatch):
    """Four shots sent at once to a server that is not there: each refusal is followed by a long retry wait (20 s
    here); once the host is taken as down (three refusals in a row) every waiting shot stops at once."""
    monkeypatch.setattr("filmsofone.backends.transport.backoff_delay", lambda *args, **kwargs: 20.0)
    make_book(ws, shots_per_scene=4)
    started = time.monotonic()
    with pytest.raises(BackendError, match="cannot reach 127.0.0.1:9"):
        generate_scenes(ws, SLUG, ["1.1"], backend="fakehosted", concurrency=4,
                        options={"base_url": "http://127.0.0.1:9"})
    assert time.monotonic() - started < 10  # not the 20 s each in-flight shot would sleep out
    with store.session_for(ws.project(SLUG).db_path) as session:
        jobs = session.exec(select(JobRow)).all()
    assert len(jobs) == 4 and all(j.status == "failed" and not j.remote_id for j in jobs)  # none accepted


def test_a_shot_waiting_to_poll_stops_as_soon_as_another_finds_the_host_gone(service):
    service.job_seconds = 60.0
    backend = FakeHostedBackend(FakeHostedBackend.make_options({"base_url": service.url, "poll_interval": 30}),
                                key=service.key)

    async def scenario() -> float:
        client = backend.client()
        try:
            job = await remote.submit(backend, client, GenerationRequest(shot_id="s1", prompt="p", duration=1.0))
            polling = asyncio.create_task(remote.poll(backend, client, job, what="shot s1"))
            await asyncio.sleep(0.5)  # polled once (queued): it now waits 30 s before the next poll
            assert not polling.done()
            for _ in range(Transport.SETTLE_AFTER):  # another shot meets a host that refuses
                with pytest.raises(Unreachable):
                    await client.send(Step.READ, "GET", "http://127.0.0.1:9/v1/jobs/x")
            woken = time.monotonic()
            with pytest.raises(GaveUp):
                await polling
            return time.monotonic() - woken
        finally:
            await client.aclose()

    assert asyncio.run(scenario()) < 2  # the job stays submitted: a later run polls it again
