"""The openai-videos adapter (the /v1/videos contract) against a compatible fake server."""

from __future__ import annotations

import pytest

from fakes.hosted_base import drive, run, tiny_png
from fakes.openai_videos import KEY, FakeOpenAIVideos, multipart_fields
from filmsofone import ffmpeg
from filmsofone.backends.base import (Failed, GenerationRequest, JobState, OutcomeUnknown, OutputExpired,
                                      Refused, Throttled, Transient)
from filmsofone.backends.openai_videos import OpenAIVideosBackend
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeOpenAIVideos(polls_to_finish=3) as server:
        server.poll_after_ms = "20"  # the engine honours the hint; keep the scene tests quick
        yield server


def backend(fake, **options) -> OpenAIVideosBackend:
    return OpenAIVideosBackend(OpenAIVideosBackend.make_options({"base_url": fake.url + "/v1", **options}), key=KEY)


def request(**fields) -> GenerationRequest:
    return GenerationRequest(**{"shot_id": "6.1-003", "prompt": "a paper boat drifts down a gutter",
                                "duration": 4.0, "aspect_ratio": "16:9", **fields})


def test_success_uses_multipart_and_the_content_endpoint(fake, tmp_path):
    dest = tmp_path / "take.mp4"
    _, status = run(drive(backend(fake), request(), dest))
    assert status.state is JobState.SUCCEEDED
    assert ffmpeg.probe(dest).duration == pytest.approx(4.0, abs=0.1)
    fields = multipart_fields(fake.creates[0])
    assert {k: v.decode() for k, v in fields.items()} == {"prompt": request().prompt, "model": "sora-2",
                                                          "seconds": "4", "size": "1280x720"}
    assert any(r.path.endswith("/content") for r in fake.requests)


def test_poll_after_header_is_honoured(fake, tmp_path):
    fake.poll_after_ms = "1500"
    ov = backend(fake)

    async def go():
        async with ov.client() as client:
            return await ov.status(client, await ov.submit(client, request()))

    assert run(go()).poll_after == 1.5


def test_first_frame_is_uploaded_as_input_reference(fake, tmp_path):
    frame = tmp_path / "first.png"
    frame.write_bytes(tiny_png())
    run(drive(backend(fake), request(first_frame=frame), tmp_path / "t.mp4"))
    assert multipart_fields(fake.creates[0])["input_reference"] == frame.read_bytes()


def test_429_is_throttled_with_retry_after(fake, tmp_path):
    fake.fault("create", "throttle")
    with pytest.raises(Throttled) as caught:
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert caught.value.retry_after == 1.0 and not fake.jobs


@pytest.mark.parametrize("stage, kind, error", [
    ("create", "unavailable", OutcomeUnknown), ("create", "server_error", OutcomeUnknown),
    ("status", "server_error", Transient)])
def test_server_errors(fake, tmp_path, stage, kind, error):
    fake.fault(stage, kind)
    with pytest.raises(error):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_moderation_at_create_is_a_refusal(fake, tmp_path):
    fake.outcome = "moderated"
    with pytest.raises(Refused, match="moderation_blocked"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_moderated_output_is_a_refusal(fake, tmp_path):
    fake.outcome = "moderated_output"
    _, status = run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert status.state is JobState.REFUSED and "blocked by moderation" in status.error


def test_failure(fake, tmp_path):
    fake.outcome = "failed"
    _, status = run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert status.state is JobState.FAILED and "internal_error" in status.error


def test_expired_content(fake, tmp_path):
    fake.expire_outputs = True
    with pytest.raises(OutputExpired):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_malformed_responses(fake, tmp_path):
    fake.fault("status", "malformed")
    with pytest.raises(Transient, match="malformed"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    fake.outcome = "no_status"
    with pytest.raises(Transient, match="malformed"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_create_timeout_is_an_unknown_outcome(fake, tmp_path):
    async def go():
        async with backend(fake).client(timeout=0.5) as client:
            await drive(backend(fake), request(), tmp_path / "t.mp4", client=client)

    fake.fault("create", "hang")
    with pytest.raises(OutcomeUnknown):
        run(go())
    assert len(fake.creates) == 1


@pytest.mark.parametrize("fields, words", [
    ({"seed": 1}, "a seed"), ({"negative_prompt": "x"}, "a negative prompt"), ({"duration": 6.0}, "6 s")])
def test_unsupported_requests_are_refused_before_sending(fake, tmp_path, fields, words):
    with pytest.raises(BackendError, match=words):
        run(drive(backend(fake), request(**fields), tmp_path / "t.mp4"))
    assert fake.requests == []


# --- through `filmsofone generate` -----------------------------------------------------------------------

from fakes.hosted_base import assert_key_nowhere, generate_cli, use_keys  # noqa: E402
from fakes.project import SLUG, make_book  # noqa: E402
from filmsofone.generate import chosen_takes, generate_scenes  # noqa: E402


def test_a_scene_generates_through_filmsofone_generate(fake, ws, capsys, caplog, monkeypatch, tmp_path):
    caplog.set_level("DEBUG")
    shots = make_book(ws, shots_per_scene=2, duration=1.5)
    use_keys(monkeypatch, tmp_path, OPENAI_API_KEY=KEY)
    code, out, err = generate_cli(capsys, ws, "openai-videos", {"base_url": fake.url + "/v1"})
    assert code == 0, out + err
    takes = chosen_takes(ws, SLUG)
    assert sorted(takes) == [s.id for s in shots if s.scene == "1.1"]
    for take in takes.values():
        assert ffmpeg.probe(take.path).duration == pytest.approx(4.0, abs=0.1)
    assert len(fake.creates) == 2
    assert generate_cli(capsys, ws, "openai-videos", {"base_url": fake.url + "/v1"})[0] == 0 and len(fake.creates) == 2  # cached
    assert_key_nowhere(ws, capsys, KEY, out, err, caplog.text)


def test_engine_states_refused_and_throttled(fake, ws, monkeypatch, tmp_path):
    make_book(ws, shots_per_scene=1, duration=1.0)
    use_keys(monkeypatch, tmp_path, OPENAI_API_KEY=KEY)
    options = {**{"base_url": fake.url + "/v1"}, "poll_interval": 0.01}
    fake.outcome = "moderated"
    report = generate_scenes(ws, SLUG, ["1.1"], backend="openai-videos", options=options)
    assert "moderation" in report.refused["1.1-001"]
    assert "1.1-001" in generate_scenes(ws, SLUG, ["1.1"], backend="openai-videos", options=options).refused
    fake.outcome = "success"
    fake.fault("create", "throttle")
    report = generate_scenes(ws, SLUG, ["1.2"], backend="openai-videos", options=options)
    assert report.made == ["1.2-001"]


def test_a_key_echoed_by_the_server_never_reaches_the_message(fake, tmp_path):
    wrong = "sk-WRONG-key-echoed-4242"
    ov = OpenAIVideosBackend(OpenAIVideosBackend.make_options({"base_url": fake.url + "/v1"}), key=wrong)
    with pytest.raises(Failed) as caught:
        run(drive(ov, request(), tmp_path / "t.mp4"))
    assert "Incorrect API key provided" in str(caught.value) and wrong not in str(caught.value)
    assert "check the API key" in str(caught.value)


def test_a_rejected_key_is_in_no_row_log_or_output(fake, ws, capsys, caplog, monkeypatch, tmp_path):
    caplog.set_level("DEBUG")
    wrong = "sk-WRONG-key-echoed-4242"
    make_book(ws, shots_per_scene=1)
    use_keys(monkeypatch, tmp_path, OPENAI_API_KEY=wrong)
    code, out, err = generate_cli(capsys, ws, "openai-videos", {"base_url": fake.url + "/v1"})
    shown = " ".join((out + err).split())  # the console wraps long lines
    assert "failed 1.1-001" in out and "Incorrect API key provided: [redacted]" in shown, out + err
    assert_key_nowhere(ws, capsys, wrong, out, err, caplog.text)


def test_engine_state_unknown_outcome_is_kept_until_the_user_decides(fake, ws, monkeypatch, tmp_path):
    from fakes.hosted_base import check_unknown_outcome

    make_book(ws, shots_per_scene=1, duration=1.0)
    use_keys(monkeypatch, tmp_path, OPENAI_API_KEY=KEY)
    check_unknown_outcome(ws, fake, "openai-videos", {"base_url": fake.url + "/v1"})
