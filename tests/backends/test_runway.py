"""The Runway adapter against a fake Runway API: every failure mode mapped onto the engine's states."""

from __future__ import annotations

import pytest

from fakes.hosted_base import drive, run, tiny_png
from fakes.runway import KEY, FakeRunway
from filmsofone import ffmpeg
from filmsofone.backends.base import (GenerationRequest, JobState, OutcomeUnknown, OutputExpired, Failed,
                                      Throttled, Transient)
from filmsofone.backends.runway import RunwayBackend, RunwayImageBackend
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeRunway(polls_to_finish=2) as server:
        yield server


def backend(fake, **options) -> RunwayBackend:
    return RunwayBackend(RunwayBackend.make_options({"base_url": fake.url, **options}), key=KEY)


def request(**fields) -> GenerationRequest:
    return GenerationRequest(**{"shot_id": "1.1-001", "prompt": "a lighthouse keeper climbs the stairs at dusk",
                                "duration": 5.0, "aspect_ratio": "16:9", **fields})


def test_text_to_video_generates_a_decodable_clip(fake, tmp_path):
    dest = tmp_path / "take.mp4"
    job_id, status = run(drive(backend(fake), request(seed=7), dest))
    assert status.state is JobState.SUCCEEDED
    assert ffmpeg.probe(dest).duration == pytest.approx(5.0, abs=0.1)
    create = fake.creates[0]
    assert create.path == "/v1/text_to_video"
    assert create.json() == {"model": "gen4.5", "promptText": request().prompt, "ratio": "1280:720",
                             "duration": 5, "seed": 7}
    assert create.headers["x-runway-version"] == "2024-11-06"
    assert job_id in fake.jobs


def test_first_frame_goes_as_a_data_uri_to_image_to_video(fake, tmp_path):
    frame = tmp_path / "first.png"
    frame.write_bytes(tiny_png())
    run(drive(backend(fake, model="gen4_turbo"), request(first_frame=frame, duration=10.0), tmp_path / "t.mp4"))
    create = fake.creates[0]
    assert create.path == "/v1/image_to_video"
    assert create.json()["promptImage"].startswith("data:image/png;base64,")


def test_429_is_throttled_with_retry_after_and_no_job(fake, tmp_path):
    fake.fault("create", "throttle")
    with pytest.raises(Throttled) as caught:
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert caught.value.retry_after == 1.0
    assert not fake.jobs
    job_id, status = run(drive(backend(fake), request(), tmp_path / "t.mp4"))  # the engine's retry
    assert status.state is JobState.SUCCEEDED


def test_throttled_task_state_is_queued_then_completes(fake, tmp_path):
    fake.outcome = "throttled"
    fake.polls_to_finish = 1
    rw = backend(fake)

    async def go():
        async with rw.client() as client:
            job_id = await rw.submit(client, request())
            first = await rw.status(client, job_id)
            second = await rw.status(client, job_id)
            return first, second

    first, second = run(go())
    assert first.state is JobState.QUEUED and first.poll_after and first.poll_after >= rw.interval()
    assert second.state is JobState.SUCCEEDED


def test_server_errors(fake, tmp_path):
    rw = backend(fake)
    fake.fault("create", "unavailable")  # 503 load shedding: the create was not accepted (retried as throttled)
    with pytest.raises(Throttled):
        run(drive(rw, request(), tmp_path / "t.mp4"))
    fake.fault("create", "server_error")  # 500 on a create: a job may exist
    with pytest.raises(OutcomeUnknown):
        run(drive(rw, request(), tmp_path / "t.mp4"))
    fake.fault("status", "server_error")  # 500 on a poll: retry the poll
    with pytest.raises(Transient):
        run(drive(rw, request(), tmp_path / "t.mp4"))


def test_moderation_refusal_carries_the_reason(fake, tmp_path):
    fake.outcome = "moderated"
    _, status = run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert status.state is JobState.REFUSED
    assert "flagged by moderation" in status.error and "SAFETY.INPUT.TEXT" in status.error
    assert not (tmp_path / "t.mp4").exists()


def test_provider_failure_is_failed(fake, tmp_path):
    fake.outcome = "failed"
    _, status = run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert status.state is JobState.FAILED and "INTERNAL.BAD_OUTPUT" in status.error


def test_expired_output_url(fake, tmp_path):
    fake.expire_outputs = True
    with pytest.raises(OutputExpired):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_malformed_responses(fake, tmp_path):
    fake.fault("status", "malformed")
    with pytest.raises(Transient, match="malformed"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    fake.outcome = "no_output"
    with pytest.raises(Transient, match="malformed"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    fake.outcome = "success"
    fake.fault("create", "malformed")
    with pytest.raises(OutcomeUnknown):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_create_timeout_is_an_unknown_outcome(fake, tmp_path):
    async def go():
        async with backend(fake).client(timeout=0.5) as client:
            await drive(backend(fake), request(), tmp_path / "t.mp4", client=client)

    fake.fault("create", "hang")
    with pytest.raises(OutcomeUnknown, match="a job may exist"):
        run(go())
    assert len(fake.creates) == 1 and len(fake.jobs) == 1  # the job exists although we never saw its id


@pytest.mark.parametrize("fields, words", [
    ({"negative_prompt": "blurry"}, "a negative prompt"),
    ({"duration": 12.0}, "12 s"),
    ({"aspect_ratio": "2:1"}, "aspect ratio 2:1"),
    ({"references": ["face.png"]}, "reference image"),
])
def test_unsupported_requests_are_refused_before_sending(fake, tmp_path, fields, words):
    with pytest.raises(BackendError, match=words):
        run(drive(backend(fake), request(**fields), tmp_path / "t.mp4"))
    assert fake.requests == []


def test_gen4_turbo_without_a_first_frame_is_refused_before_sending(fake, tmp_path):
    with pytest.raises(BackendError, match="first frame"):
        run(drive(backend(fake, model="gen4_turbo"), request(), tmp_path / "t.mp4"))
    with pytest.raises(BackendError, match="4:3 only from an image"):  # gen4.5 text-to-video: 16:9 or 9:16
        run(drive(backend(fake), request(aspect_ratio="4:3"), tmp_path / "t.mp4"))
    assert fake.requests == []


def test_unknown_options_and_models_are_refused(fake):
    with pytest.raises(BackendError, match="bad options"):
        RunwayBackend.make_options({"colour": "red"})
    with pytest.raises(BackendError, match="unknown model"):
        backend(fake, model="gen9")


def test_veo_through_runway_takes_a_negative_prompt(fake, tmp_path):
    run(drive(backend(fake, model="veo3.1"), request(negative_prompt="text, watermark", duration=8.0),
              tmp_path / "t.mp4"))
    assert fake.creates[0].json()["negativePrompt"] == "text, watermark"


def test_bad_key_message_has_no_key(fake, tmp_path):
    wrong = "rw_wrong_SECRET_0000"
    rw = RunwayBackend(RunwayBackend.make_options({"base_url": fake.url}), key=wrong)
    with pytest.raises(Failed) as caught:
        run(drive(rw, request(), tmp_path / "t.mp4"))
    assert "check the API key" in str(caught.value) and wrong not in str(caught.value)
    assert wrong not in repr(rw)


def test_image_backend_sends_references_and_downloads_a_png(fake, tmp_path):
    face = tmp_path / "face.png"
    face.write_bytes(tiny_png())
    image = RunwayImageBackend(RunwayImageBackend.make_options({"base_url": fake.url}), key=KEY)
    dest = tmp_path / "portrait.png"
    _, status = run(drive(image, request(duration=1.0, references=[face], aspect_ratio="1:1"), dest))
    assert status.state is JobState.SUCCEEDED
    assert dest.read_bytes().startswith(b"\x89PNG")
    body = fake.creates[0].json()
    assert fake.creates[0].path == "/v1/text_to_image"
    assert body["ratio"] == "1024:1024" and body["referenceImages"][0]["tag"] == "ref1"
    assert body["referenceImages"][0]["uri"].startswith("data:image/png;base64,")


# --- through `filmsofone generate` -----------------------------------------------------------------------

from fakes.hosted_base import assert_key_nowhere, generate_cli, use_keys  # noqa: E402
from fakes.project import SLUG, make_book  # noqa: E402
from filmsofone.generate import chosen_takes  # noqa: E402


def test_a_scene_generates_through_filmsofone_generate(fake, ws, capsys, caplog, monkeypatch, tmp_path):
    caplog.set_level("DEBUG")
    shots = make_book(ws, shots_per_scene=3, duration=1.5)
    use_keys(monkeypatch, tmp_path, RUNWAYML_API_SECRET=KEY)
    code, out, err = generate_cli(capsys, ws, "runway", {"base_url": fake.url})
    assert code == 0, out + err
    takes = chosen_takes(ws, SLUG)
    assert sorted(takes) == [s.id for s in shots if s.scene == "1.1"]
    for take in takes.values():
        assert ffmpeg.probe(take.path).duration == pytest.approx(2.0, abs=0.1)  # 1.5 s fitted up to gen4.5's 2 s
    assert len(fake.creates) == 3
    again = generate_cli(capsys, ws, "runway", {"base_url": fake.url})
    assert again[0] == 0 and len(fake.creates) == 3  # cached: nothing submitted twice
    assert_key_nowhere(ws, capsys, KEY, out, err, caplog.text)


def test_engine_states_refused_throttled_and_expired(fake, ws, capsys, monkeypatch, tmp_path):
    from filmsofone.generate import generate_scenes

    make_book(ws, shots_per_scene=1, duration=2.0)
    use_keys(monkeypatch, tmp_path, RUNWAYML_API_SECRET=KEY)
    options = {"base_url": fake.url, "poll_interval": 0.01}
    fake.outcome = "moderated"
    report = generate_scenes(ws, SLUG, ["1.1"], backend="runway", options=options)
    assert "flagged by moderation" in report.refused["1.1-001"]
    again = generate_scenes(ws, SLUG, ["1.1"], backend="runway", options=options)
    assert "1.1-001" in again.refused and len(fake.creates) == 1  # a refusal is never retried
    fake.outcome = "success"
    fake.fault("create", "throttle")
    fake.fault("download", "expired")
    report = generate_scenes(ws, SLUG, ["1.2"], backend="runway", options=options)
    assert report.made == ["1.2-001"] and len(fake.creates) == 3  # one 429 (no job), then one job


def test_a_negative_prompt_option_is_refused_by_generate_before_any_request(fake, ws, capsys, monkeypatch,
                                                                            tmp_path):
    from fakes.hosted_base import cli

    make_book(ws, shots_per_scene=1)
    use_keys(monkeypatch, tmp_path, RUNWAYML_API_SECRET=KEY)
    code, out, err = cli(capsys, "--workspace", ws.root, "generate", SLUG, "--scene", "1.1", "--backend", "runway",
                         "--option", f"base_url={fake.url}", "--option", "negative_prompt=blurry")
    assert code == 2 and "negative_prompt" in err and "Traceback" not in err
    assert fake.requests == []


def test_engine_state_unknown_outcome_is_kept_until_the_user_decides(fake, ws, monkeypatch, tmp_path):
    from fakes.hosted_base import check_unknown_outcome

    make_book(ws, shots_per_scene=1, duration=1.0)
    use_keys(monkeypatch, tmp_path, RUNWAYML_API_SECRET=KEY)
    check_unknown_outcome(ws, fake, "runway", {"base_url": fake.url})


def test_a_download_cut_short_is_transient_and_leaves_no_file(fake, tmp_path):
    fake.fault("download", "truncated")
    with pytest.raises(Transient, match="download"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert not (tmp_path / "t.mp4").exists()


def test_a_frame_over_5_mb_goes_through_the_ephemeral_upload(fake, tmp_path):
    import os

    big = tmp_path / "big.png"
    big.write_bytes(tiny_png() + os.urandom(6 * 1024 * 1024))
    _, status = run(drive(backend(fake), request(first_frame=big), tmp_path / "t.mp4"))
    assert status.state is JobState.SUCCEEDED
    assert fake.creates[0].json()["promptImage"] == "runway://uploads/1/big.png"
    assert len(fake.uploaded) == 1 and len(fake.uploaded[0]) > 6 * 1024 * 1024
