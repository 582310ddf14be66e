"""The Luma adapter (Agents API and legacy Dream Machine) against a fake Luma service."""

from __future__ import annotations

import pytest

from fakes.hosted_base import drive, run, tiny_png
from fakes.luma import KEY, FakeLuma
from filmsofone import ffmpeg
from filmsofone.backends.base import (GenerationRequest, JobState, OutcomeUnknown, OutputExpired,
                                      Throttled, Transient)
from filmsofone.backends.luma import LumaBackend
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeLuma(polls_to_finish=3) as server:
        yield server


def backend(fake, api="agents", **options) -> LumaBackend:
    base = fake.url + ("/v1" if api == "agents" else "/dream-machine/v1")
    return LumaBackend(LumaBackend.make_options({"api": api, "base_url": base, **options}), key=KEY)


def request(**fields) -> GenerationRequest:
    return GenerationRequest(**{"shot_id": "2.1-004", "prompt": "rain on the harbour wall, two figures talk",
                                "duration": 5.0, "aspect_ratio": "16:9", "resolution": "1280x720", **fields})


@pytest.mark.parametrize("api", ["agents", "dream-machine"])
def test_success_on_both_apis(fake, tmp_path, api):
    dest = tmp_path / "take.mp4"
    _, status = run(drive(backend(fake, api), request(), dest))
    assert status.state is JobState.SUCCEEDED
    assert ffmpeg.probe(dest).duration == pytest.approx(5.0, abs=0.1)
    body = fake.creates[0].json()
    if api == "agents":
        assert fake.creates[0].path == "/v1/generations"
        assert body == {"type": "video", "model": "ray-3.2", "prompt": request().prompt, "aspect_ratio": "16:9",
                        "video": {"duration": "5s", "resolution": "720p", "loop": False}}
    else:
        assert fake.creates[0].path == "/dream-machine/v1/generations"
        assert body["model"] == "ray-2" and body["duration"] == "5s" and body["resolution"] == "720p"


def test_agents_first_and_last_frames_are_base64_image_refs(fake, tmp_path):
    frame = tmp_path / "first.png"
    frame.write_bytes(tiny_png())
    run(drive(backend(fake), request(first_frame=frame, last_frame=frame, duration=10.0), tmp_path / "t.mp4"))
    video = fake.creates[0].json()["video"]
    assert video["start_frame"]["media_type"] == "image/png" and video["end_frame"]["data"]
    assert not video["start_frame"]["data"].startswith("data:")


def test_429_is_throttled_with_retry_after(fake, tmp_path):
    fake.fault("create", "throttle")
    with pytest.raises(Throttled) as caught:
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert caught.value.retry_after == 1.0 and not fake.jobs


@pytest.mark.parametrize("stage, kind, error", [
    ("create", "unavailable", OutcomeUnknown), ("create", "server_error", OutcomeUnknown),
    ("status", "server_error", Transient), ("status", "unavailable", Transient)])
def test_server_errors(fake, tmp_path, stage, kind, error):
    fake.fault(stage, kind)
    with pytest.raises(error):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


@pytest.mark.parametrize("api", ["agents", "dream-machine"])
def test_moderation_refusal(fake, tmp_path, api):
    fake.outcome = "moderated"
    _, status = run(drive(backend(fake, api), request(), tmp_path / "t.mp4"))
    assert status.state is JobState.REFUSED and "content moderation" in status.error


@pytest.mark.parametrize("api", ["agents", "dream-machine"])
def test_generation_failure(fake, tmp_path, api):
    fake.outcome = "failed"
    _, status = run(drive(backend(fake, api), request(), tmp_path / "t.mp4"))
    assert status.state is JobState.FAILED and "failed" in status.error


def test_expired_output_url(fake, tmp_path):
    fake.expire_outputs = True
    with pytest.raises(OutputExpired):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


@pytest.mark.parametrize("api", ["agents", "dream-machine"])
def test_malformed_responses(fake, tmp_path, api):
    fake.fault("status", "malformed")
    with pytest.raises(Transient, match="malformed"):
        run(drive(backend(fake, api), request(), tmp_path / "t.mp4"))
    fake.outcome = "no_output"
    with pytest.raises(Transient, match="malformed"):
        run(drive(backend(fake, api), request(), tmp_path / "t.mp4"))


def test_create_timeout_is_an_unknown_outcome(fake, tmp_path):
    async def go():
        async with backend(fake).client(timeout=0.5) as client:
            await drive(backend(fake), request(), tmp_path / "t.mp4", client=client)

    fake.fault("create", "hang")
    with pytest.raises(OutcomeUnknown):
        run(go())
    assert len(fake.creates) == 1


@pytest.mark.parametrize("api", ["agents", "dream-machine"])
def test_a_seed_is_refused_before_sending(fake, tmp_path, api):
    with pytest.raises(BackendError, match="cannot honour shot 2.1-004: a seed"):
        run(drive(backend(fake, api), request(seed=42), tmp_path / "t.mp4"))
    assert fake.requests == []


def test_legacy_api_refuses_local_frames_and_odd_durations_before_sending(fake, tmp_path):
    frame = tmp_path / "first.png"
    frame.write_bytes(tiny_png())
    with pytest.raises(BackendError, match="a first frame"):
        run(drive(backend(fake, "dream-machine"), request(first_frame=frame), tmp_path / "t.mp4"))
    with pytest.raises(BackendError, match="10 s"):
        run(drive(backend(fake, "dream-machine"), request(duration=10.0), tmp_path / "t.mp4"))
    assert fake.requests == []


def test_model_must_belong_to_the_selected_api(fake):
    with pytest.raises(BackendError, match="not on the agents API"):
        backend(fake, model="ray-2")
    with pytest.raises(BackendError, match="bad options"):
        LumaBackend.make_options({"api": "v3"})


# --- through `filmsofone generate` -----------------------------------------------------------------------

from fakes.hosted_base import assert_key_nowhere, generate_cli, use_keys  # noqa: E402
from fakes.project import SLUG, make_book  # noqa: E402
from filmsofone.generate import chosen_takes, generate_scenes  # noqa: E402


def test_a_scene_generates_through_filmsofone_generate(fake, ws, capsys, caplog, monkeypatch, tmp_path):
    caplog.set_level("DEBUG")
    shots = make_book(ws, shots_per_scene=2, duration=1.5)
    use_keys(monkeypatch, tmp_path, LUMA_API_KEY=KEY)
    code, out, err = generate_cli(capsys, ws, "luma", {"base_url": fake.url + "/v1"})
    assert code == 0, out + err
    takes = chosen_takes(ws, SLUG)
    assert sorted(takes) == [s.id for s in shots if s.scene == "1.1"]
    for take in takes.values():
        assert ffmpeg.probe(take.path).duration == pytest.approx(5.0, abs=0.1)
    assert len(fake.creates) == 2
    assert generate_cli(capsys, ws, "luma", {"base_url": fake.url + "/v1"})[0] == 0 and len(fake.creates) == 2  # cached
    assert_key_nowhere(ws, capsys, KEY, out, err, caplog.text)


def test_engine_states_refused_and_throttled(fake, ws, monkeypatch, tmp_path):
    make_book(ws, shots_per_scene=1, duration=1.0)
    use_keys(monkeypatch, tmp_path, LUMA_API_KEY=KEY)
    options = {**{"base_url": fake.url + "/v1"}, "poll_interval": 0.01}
    fake.outcome = "moderated"
    report = generate_scenes(ws, SLUG, ["1.1"], backend="luma", options=options)
    assert "content moderation" in report.refused["1.1-001"]
    assert "1.1-001" in generate_scenes(ws, SLUG, ["1.1"], backend="luma", options=options).refused
    fake.outcome = "success"
    fake.fault("create", "throttle")
    report = generate_scenes(ws, SLUG, ["1.2"], backend="luma", options=options)
    assert report.made == ["1.2-001"]


def test_a_seed_option_is_refused_by_generate_before_any_request(fake, ws, capsys, monkeypatch, tmp_path):
    make_book(ws, shots_per_scene=1)
    use_keys(monkeypatch, tmp_path, LUMA_API_KEY=KEY)
    code, out, err = generate_cli(capsys, ws, "luma", {"base_url": fake.url + "/v1", "seed": 42})
    assert code == 2 and "bad options for backend 'luma'" in err and "seed" in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1
    assert fake.requests == []


def test_engine_state_unknown_outcome_is_kept_until_the_user_decides(fake, ws, monkeypatch, tmp_path):
    from fakes.hosted_base import check_unknown_outcome

    make_book(ws, shots_per_scene=1, duration=1.0)
    use_keys(monkeypatch, tmp_path, LUMA_API_KEY=KEY)
    check_unknown_outcome(ws, fake, "luma", {"base_url": fake.url + "/v1"})
