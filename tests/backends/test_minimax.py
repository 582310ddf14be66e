"""The MiniMax adapter against a fake MiniMax API: errors inside HTTP 200 bodies and the file-retrieve step."""

from __future__ import annotations

import pytest

from fakes.hosted_base import drive, run, tiny_png
from fakes.minimax import KEY, FakeMinimax
from filmsofone import ffmpeg
from filmsofone.backends.base import (Failed, GenerationRequest, JobState, OutcomeUnknown, OutputExpired,
                                      Refused, Throttled, Transient)
from filmsofone.backends.minimax import MinimaxBackend
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeMinimax(polls_to_finish=3) as server:
        yield server


def backend(fake, **options) -> MinimaxBackend:
    return MinimaxBackend(MinimaxBackend.make_options({"base_url": fake.url, **options}), key=KEY)


def request(**fields) -> GenerationRequest:
    return GenerationRequest(**{"shot_id": "4.1-002", "prompt": "a lamp is lit in a dark window",
                                "duration": 6.0, "aspect_ratio": "16:9", **fields})


def test_success_goes_through_the_file_retrieve_step(fake, tmp_path):
    dest = tmp_path / "take.mp4"
    job_id, status = run(drive(backend(fake), request(), dest))
    assert status.state is JobState.SUCCEEDED
    assert ffmpeg.probe(dest).duration == pytest.approx(6.0, abs=0.1)
    assert fake.creates[0].json() == {"model": "MiniMax-Hailuo-2.3", "prompt": request().prompt, "duration": 6,
                                      "prompt_optimizer": True, "resolution": "768P"}
    paths = [r.path for r in fake.requests]
    assert "/v1/files/retrieve" in paths and paths.index("/v1/files/retrieve") > paths.index(
        "/v1/query/video_generation")


def test_first_frame_is_a_data_uri(fake, tmp_path):
    frame = tmp_path / "f.png"
    frame.write_bytes(tiny_png())
    run(drive(backend(fake), request(first_frame=frame), tmp_path / "t.mp4"))
    assert fake.creates[0].json()["first_frame_image"].startswith("data:image/png;base64,")


def test_s2v_sends_the_character_reference(fake, tmp_path):
    face = tmp_path / "face.png"
    face.write_bytes(tiny_png())
    s2v = backend(fake, model="S2V-01")
    assert s2v.capabilities.reference_images == 1
    _, status = run(drive(s2v, request(references=[face]), tmp_path / "t.mp4"))
    assert status.state is JobState.SUCCEEDED
    subject = fake.creates[0].json()["subject_reference"]
    assert subject[0]["type"] == "character" and subject[0]["image"][0].startswith("data:image/png")


@pytest.mark.parametrize("stage", ["create", "status"])
def test_1002_inside_a_200_is_throttled(fake, tmp_path, stage):
    fake.fault(stage, "throttle")
    with pytest.raises(Throttled, match="1002"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


@pytest.mark.parametrize("stage, kind, error", [
    ("create", "unavailable", OutcomeUnknown), ("create", "server_error", OutcomeUnknown),
    ("status", "server_error", Transient)])
def test_server_errors(fake, tmp_path, stage, kind, error):
    fake.fault(stage, kind)
    with pytest.raises(error):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_sensitive_input_is_refused_at_create(fake, tmp_path):
    fake.outcome = "moderated"
    with pytest.raises(Refused, match="1026"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_sensitive_output_is_refused_while_polling(fake, tmp_path):
    fake.outcome = "moderated_output"
    with pytest.raises(Refused, match="1027"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_fail_status_is_failed(fake, tmp_path):
    fake.outcome = "failed"
    _, status = run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert status.state is JobState.FAILED


def test_expired_download_url_then_a_fresh_one_from_a_new_poll(fake, tmp_path):
    fake.expire_outputs = True
    mm = backend(fake)

    async def go():
        async with mm.client() as client:
            job_id = await mm.submit(client, request())
            status = await mm.status(client, job_id)
            while status.state is not JobState.SUCCEEDED:
                status = await mm.status(client, job_id)
            with pytest.raises(OutputExpired):
                await mm.download(client, status, tmp_path / "t.mp4")
            fresh = await mm.status(client, job_id)  # what the engine does after OutputExpired
            await mm.download(client, fresh, tmp_path / "t.mp4")

    run(go())
    assert ffmpeg.probe(tmp_path / "t.mp4").duration == pytest.approx(6.0, abs=0.1)


def test_malformed_responses(fake, tmp_path):
    fake.fault("status", "malformed")
    with pytest.raises(Transient, match="malformed"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    fake.outcome = "no_output"
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
    ({"negative_prompt": "blur"}, "a negative prompt"), ({"seed": 3}, "a seed"), ({"duration": 5.0}, "5 s"),
    ({"resolution": "1920x1080", "duration": 10.0}, "at most 6 s at 1080P")])
def test_unsupported_requests_are_refused_before_sending(fake, tmp_path, fields, words):
    with pytest.raises(BackendError, match=words):
        run(drive(backend(fake), request(**fields), tmp_path / "t.mp4"))
    assert fake.requests == []


def test_auth_error_inside_a_200_names_the_variable_not_the_key(fake, tmp_path):
    wrong = "mm-WRONG-key-123456"
    mm = MinimaxBackend(MinimaxBackend.make_options({"base_url": fake.url}), key=wrong)
    with pytest.raises(Failed) as caught:
        run(drive(mm, request(), tmp_path / "t.mp4"))
    assert "MINIMAX_API_KEY" in str(caught.value) and wrong not in str(caught.value)


# --- through `filmsofone generate` -----------------------------------------------------------------------

from fakes.hosted_base import assert_key_nowhere, generate_cli, use_keys  # noqa: E402
from fakes.project import SLUG, make_book  # noqa: E402
from filmsofone.generate import chosen_takes, generate_scenes  # noqa: E402


def test_a_scene_generates_through_filmsofone_generate(fake, ws, capsys, caplog, monkeypatch, tmp_path):
    caplog.set_level("DEBUG")
    shots = make_book(ws, shots_per_scene=2, duration=1.5)
    use_keys(monkeypatch, tmp_path, MINIMAX_API_KEY=KEY)
    code, out, err = generate_cli(capsys, ws, "minimax", {"base_url": fake.url})
    assert code == 0, out + err
    takes = chosen_takes(ws, SLUG)
    assert sorted(takes) == [s.id for s in shots if s.scene == "1.1"]
    for take in takes.values():
        assert ffmpeg.probe(take.path).duration == pytest.approx(6.0, abs=0.1)
    assert len(fake.creates) == 2
    assert generate_cli(capsys, ws, "minimax", {"base_url": fake.url})[0] == 0 and len(fake.creates) == 2  # cached
    assert_key_nowhere(ws, capsys, KEY, out, err, caplog.text)


def test_engine_states_refused_and_throttled(fake, ws, monkeypatch, tmp_path):
    make_book(ws, shots_per_scene=1, duration=1.0)
    use_keys(monkeypatch, tmp_path, MINIMAX_API_KEY=KEY)
    options = {**{"base_url": fake.url}, "poll_interval": 0.01}
    fake.outcome = "moderated"
    report = generate_scenes(ws, SLUG, ["1.1"], backend="minimax", options=options)
    assert "1026" in report.refused["1.1-001"]
    assert "1.1-001" in generate_scenes(ws, SLUG, ["1.1"], backend="minimax", options=options).refused
    fake.outcome = "success"
    fake.fault("create", "throttle")
    report = generate_scenes(ws, SLUG, ["1.2"], backend="minimax", options=options)
    assert report.made == ["1.2-001"]


def test_engine_state_unknown_outcome_is_kept_until_the_user_decides(fake, ws, monkeypatch, tmp_path):
    from fakes.hosted_base import check_unknown_outcome

    make_book(ws, shots_per_scene=1, duration=1.0)
    use_keys(monkeypatch, tmp_path, MINIMAX_API_KEY=KEY)
    check_unknown_outcome(ws, fake, "minimax", {"base_url": fake.url})
