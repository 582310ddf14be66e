"""Issue 17.7: an unreachable server is named at once (refused, not "throttled"), with the shot, retried a
bounded number of times with each wait shown; the run stops there with one line naming the host and exit 2,
and the shots not begun are left untouched (a later run makes them). Shots already in flight stop as soon as
the host is taken as down: their retry waits and poll waits end at once (`Transport.pause`), and so do their
connect attempts under way (nothing was sent); a request already sent still waits for its answer."""

from __future__ import annotations

import asyncio
import time

import pytest
from fakes.generic import FakeHostedBackend
from fakes.hosted_base import cli
from fakes.project import SLUG, make_book
from fakes.silent import SilentHost
from sqlmodel import select

from filmsofone import store
from filmsofone.backends import remote
from filmsofone.backends.base import GenerationRequest
from filmsofone.backends.transport import Contract, GaveUp, Step, Transport, Unreachable
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


async def _take_down(client: Transport) -> None:
    """Another shot meets a host that refuses, until the run takes it as down."""
    for _ in range(Transport.SETTLE_AFTER):
        with pytest.raises(Unreachable):
            await client.send(Step.READ, "GET", "http://127.0.0.1:9/v1/jobs/x")
    assert client.down


@pytest.mark.parametrize("how", ["request", "download"])
def test_a_connect_under_way_stops_as_soon_as_the_host_is_known_gone(how, tmp_path):
    """A shot connecting to a host that never answers would wait out its 30 s connect timeout; it stops within a
    couple of seconds of the run taking the host as down (bound far below the timeout: behaviour, not speed)."""
    client = Transport(Contract("silent", connect_timeout=30.0))

    async def scenario(host: SilentHost) -> float:
        try:
            start = (client.send(Step.READ, "GET", f"{host.url}/v1/jobs/x") if how == "request" else
                     client.download(f"{host.url}/clip.mp4", tmp_path / "clip.mp4"))
            connecting = asyncio.create_task(start)
            await asyncio.sleep(0.5)
            assert not connecting.done()  # still connecting
            await _take_down(client)
            woken = time.monotonic()
            with pytest.raises(Unreachable) as stopped:
                await connecting
            assert stopped.value.settled and "not sent" in str(stopped.value)
            return time.monotonic() - woken
        finally:
            await client.aclose()

    with SilentHost() as host:
        assert asyncio.run(scenario(host)) < 2
    assert not (tmp_path / "clip.mp4").exists()


def test_a_request_already_sent_still_gets_its_answer_when_the_host_is_known_gone(service):
    """A create the server received (it answers late) is not cut off when the host is taken as down meanwhile:
    cutting it would leave a job that may exist unknown."""
    service.hang_seconds = 1.5
    service.fault("create", "hang")
    backend = FakeHostedBackend(FakeHostedBackend.make_options({"base_url": service.url}), key=service.key)

    async def scenario() -> str:
        client = backend.client()
        try:
            create = asyncio.create_task(remote.submit(backend, client, GenerationRequest(
                shot_id="s1", prompt="p", duration=1.0)))
            await asyncio.sleep(0.5)  # sent: the server holds its answer
            await _take_down(client)
            return await create
        finally:
            await client.aclose()

    assert asyncio.run(scenario()) and len(service.creates) == 1
