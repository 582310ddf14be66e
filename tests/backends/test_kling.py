"""The Kling adapter against a fake Kling API: the self-signed JWT, base64 images, codes 1301-1303."""

from __future__ import annotations

import base64
import json

import pytest

from fakes.hosted_base import drive, run, tiny_png
from fakes.kling import ACCESS, SECRET, FakeKling, verify_jwt
from filmsofone import ffmpeg
from filmsofone.backends.base import (Failed, GenerationRequest, JobState, OutcomeUnknown, OutputExpired,
                                      Refused, Throttled, Transient)
from filmsofone.backends.kling import KlingBackend, make_jwt
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeKling(polls_to_finish=3) as server:
        yield server


def backend(fake, **options) -> KlingBackend:
    return KlingBackend(KlingBackend.make_options({"base_url": fake.url, **options}), key=SECRET, access_key=ACCESS)


def request(**fields) -> GenerationRequest:
    return GenerationRequest(**{"shot_id": "3.2-001", "prompt": "a fox crosses a frozen river at dawn",
                                "duration": 5.0, "aspect_ratio": "16:9", **fields})


def test_jwt_is_hs256_with_the_documented_claims():
    token = make_jwt(ACCESS, SECRET, now=1_000_000)
    header, payload, _ = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    assert json.loads(base64.urlsafe_b64decode(pad(header))) == {"alg": "HS256", "typ": "JWT"}
    assert json.loads(base64.urlsafe_b64decode(pad(payload))) == {"iss": ACCESS, "exp": 1_001_800, "nbf": 999_995}
    assert verify_jwt(make_jwt(ACCESS, SECRET)) is None
    assert verify_jwt(make_jwt(ACCESS, "wrong-secret")) == "bad signature"
    assert SECRET not in token


def test_text_to_video_succeeds_with_a_fresh_token_per_request(fake, tmp_path):
    dest = tmp_path / "take.mp4"
    job_id, status = run(drive(backend(fake), request(negative_prompt="blur"), dest))
    assert status.state is JobState.SUCCEEDED and job_id.startswith("text2video:")
    assert ffmpeg.probe(dest).duration == pytest.approx(5.0, abs=0.1)
    body = fake.creates[0].json()
    assert body == {"model_name": "kling-v2-1", "prompt": request().prompt, "mode": "std", "duration": "5",
                    "aspect_ratio": "16:9", "negative_prompt": "blur"}
    assert all(verify_jwt(t) is None for t in fake.tokens) and len(fake.tokens) >= 4


def test_first_frame_is_raw_base64(fake, tmp_path):
    frame = tmp_path / "first.png"
    frame.write_bytes(tiny_png())
    job_id, status = run(drive(backend(fake), request(first_frame=frame, duration=10.0), tmp_path / "t.mp4"))
    assert job_id.startswith("image2video:") and status.state is JobState.SUCCEEDED
    body = fake.creates[0].json()
    assert base64.b64decode(body["image"]) == frame.read_bytes() and "aspect_ratio" not in body


def test_references_use_multi_image_on_kling_v1_6(fake, tmp_path):
    face = tmp_path / "face.png"
    face.write_bytes(tiny_png())
    kling = backend(fake, model="kling-v1-6")
    assert kling.capabilities.reference_images == 4
    job_id, status = run(drive(kling, request(references=[face]), tmp_path / "t.mp4"))
    assert job_id.startswith("multi-image2video:") and status.state is JobState.SUCCEEDED
    assert fake.creates[0].json()["image_list"] == [{"image": base64.b64encode(face.read_bytes()).decode()}]


@pytest.mark.parametrize("fault", ["throttle", "too_frequent"])
def test_1303_and_1302_are_throttled(fake, tmp_path, fault):
    fake.fault("create", fault)
    with pytest.raises(Throttled, match="130"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert not fake.jobs


def test_an_exhausted_resource_pack_fails_without_retry(fake, tmp_path):
    fake.fault("create", "balance")
    with pytest.raises(Failed, match="1102"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


@pytest.mark.parametrize("stage, kind, error", [
    ("create", "unavailable", OutcomeUnknown), ("create", "server_error", OutcomeUnknown),
    ("status", "server_error", Transient)])
def test_server_errors(fake, tmp_path, stage, kind, error):
    fake.fault(stage, kind)
    with pytest.raises(error):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_content_security_refusal_at_create(fake, tmp_path):
    fake.outcome = "moderated"
    with pytest.raises(Refused, match="1301"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_risk_control_failure_of_the_task_is_a_refusal(fake, tmp_path):
    fake.outcome = "moderated_output"
    _, status = run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert status.state is JobState.REFUSED and "risk control" in status.error


def test_task_failure(fake, tmp_path):
    fake.outcome = "failed"
    _, status = run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert status.state is JobState.FAILED


def test_expired_output_url(fake, tmp_path):
    fake.expire_outputs = True
    with pytest.raises(OutputExpired):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_malformed_responses(fake, tmp_path):
    fake.fault("status", "malformed")  # a poll answer that is not the documented JSON: polled again
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


def test_a_seed_and_references_on_other_models_are_refused_before_sending(fake, tmp_path):
    with pytest.raises(BackendError, match="a seed"):
        run(drive(backend(fake), request(seed=1), tmp_path / "t.mp4"))
    with pytest.raises(BackendError, match="reference image"):
        run(drive(backend(fake), request(references=[tmp_path / "face.png"]), tmp_path / "t.mp4"))
    assert fake.requests == []


def test_a_wrong_secret_fails_with_a_key_hint_and_no_key(fake, tmp_path):
    kling = KlingBackend(KlingBackend.make_options({"base_url": fake.url}), key="sk-WRONG-secret-000",
                         access_key=ACCESS)
    with pytest.raises(Failed) as caught:
        run(drive(kling, request(), tmp_path / "t.mp4"))
    assert "KLING_SECRET_KEY" in str(caught.value) and "sk-WRONG" not in str(caught.value)


def test_a_missing_access_key_is_refused_before_sending(fake, tmp_path, monkeypatch):
    monkeypatch.delenv("KLING_ACCESS_KEY", raising=False)
    monkeypatch.setenv("FILMSOFONE_KEYS_FILE", str(tmp_path / "none.json"))
    kling = KlingBackend(KlingBackend.make_options({"base_url": fake.url}), key=SECRET)
    with pytest.raises(BackendError, match="KLING_ACCESS_KEY"):
        run(drive(kling, request(), tmp_path / "t.mp4"))
    assert fake.requests == []


# --- through `filmsofone generate` -----------------------------------------------------------------------

from fakes.hosted_base import assert_key_nowhere, generate_cli, use_keys  # noqa: E402
from fakes.project import SLUG, make_book  # noqa: E402
from filmsofone.generate import chosen_takes, generate_scenes  # noqa: E402


def test_a_scene_generates_through_filmsofone_generate(fake, ws, capsys, caplog, monkeypatch, tmp_path):
    caplog.set_level("DEBUG")
    shots = make_book(ws, shots_per_scene=2, duration=1.5)
    use_keys(monkeypatch, tmp_path, KLING_ACCESS_KEY=ACCESS, KLING_SECRET_KEY=SECRET)
    code, out, err = generate_cli(capsys, ws, "kling", {"base_url": fake.url})
    assert code == 0, out + err
    takes = chosen_takes(ws, SLUG)
    assert sorted(takes) == [s.id for s in shots if s.scene == "1.1"]
    for take in takes.values():
        assert ffmpeg.probe(take.path).duration == pytest.approx(5.0, abs=0.1)
    assert len(fake.creates) == 2
    assert generate_cli(capsys, ws, "kling", {"base_url": fake.url})[0] == 0 and len(fake.creates) == 2  # cached
    assert_key_nowhere(ws, capsys, SECRET, out, err, caplog.text)


def test_engine_states_refused_and_throttled(fake, ws, monkeypatch, tmp_path):
    make_book(ws, shots_per_scene=1, duration=1.0)
    use_keys(monkeypatch, tmp_path, KLING_ACCESS_KEY=ACCESS, KLING_SECRET_KEY=SECRET)
    options = {**{"base_url": fake.url}, "poll_interval": 0.01}
    fake.outcome = "moderated"
    report = generate_scenes(ws, SLUG, ["1.1"], backend="kling", options=options)
    assert "1301" in report.refused["1.1-001"]
    assert "1.1-001" in generate_scenes(ws, SLUG, ["1.1"], backend="kling", options=options).refused
    fake.outcome = "success"
    fake.fault("create", "throttle")
    report = generate_scenes(ws, SLUG, ["1.2"], backend="kling", options=options)
    assert report.made == ["1.2-001"]


def test_engine_state_unknown_outcome_is_kept_until_the_user_decides(fake, ws, monkeypatch, tmp_path):
    from fakes.hosted_base import check_unknown_outcome

    make_book(ws, shots_per_scene=1, duration=1.0)
    use_keys(monkeypatch, tmp_path, KLING_ACCESS_KEY=ACCESS, KLING_SECRET_KEY=SECRET)
    check_unknown_outcome(ws, fake, "kling", {"base_url": fake.url})


# --- sound (kling-v2-6 and later) -------------------------------------------------------------------------


def test_sound_on_is_sent_as_documented_and_the_clip_keeps_its_own_sound(fake, tmp_path):
    dest = tmp_path / "take.mp4"
    kling = backend(fake, model="kling-v2-6", mode="pro", sound="on")
    _, status = run(drive(kling, request(), dest))
    assert status.state is JobState.SUCCEEDED
    assert fake.creates[0].json()["sound"] == "on" and fake.creates[0].json()["model_name"] == "kling-v2-6"
    assert ffmpeg.measure_loudness(dest).integrated > -30.0  # the clip speaks (the fake's tone)
    assert kling.cost(5.0) == pytest.approx(2 * backend(fake, model="kling-v2-6").cost(5.0))  # audio costs more
    run(drive(backend(fake, model="kling-v3", sound="off"), request(), tmp_path / "quiet.mp4"))
    assert fake.creates[1].json()["sound"] == "off"
    assert "sound" not in run_body(fake, tmp_path)  # left out: not sent at all


def run_body(fake, tmp_path):
    run(drive(backend(fake, model="kling-v2-6"), request(), tmp_path / "plain.mp4"))
    return fake.creates[-1].json()


@pytest.mark.parametrize("model", ["kling-v2-1", "kling-v2-5-turbo", "kling-v1-6", "kling-video-o1"])
def test_sound_on_a_model_that_makes_none_is_refused_before_sending(fake, tmp_path, model):
    with pytest.raises(BackendError, match=f"model {model} makes no sound"):
        run(drive(backend(fake, model=model, sound="on"), request(), tmp_path / "t.mp4"))
    assert fake.requests == []


@pytest.mark.parametrize("model", ["kling-v2-1", "kling-v1-6"])
def test_sound_off_on_a_model_that_makes_none_is_silent_and_not_sent(fake, tmp_path, model):
    _, status = run(drive(backend(fake, model=model, sound="off"), request(), tmp_path / "t.mp4"))
    assert status.state is JobState.SUCCEEDED and "sound" not in fake.creates[0].json()


def test_a_bad_sound_value_is_refused_by_the_options():
    with pytest.raises(Exception, match="sound"):
        KlingBackend.make_options({"sound": "loud"})


def test_a_scene_made_with_sound_is_cut_with_the_clips_own_speech(fake, ws, monkeypatch, tmp_path):
    """With sound on the prompt carries the line (`Ada Quill says: "..."`), the cut keeps the clip's sound
    and the speech engine's voice is not laid over it; with sound off the speech engine speaks the line."""
    from filmsofone.assemble.cut import cut

    make_book(ws, shots_per_scene=2, duration=1.5)
    use_keys(monkeypatch, tmp_path, KLING_ACCESS_KEY=ACCESS, KLING_SECRET_KEY=SECRET)
    speaking = "1.1-002"
    for sound, voiced in (("on", False), ("off", True)):
        options = {"base_url": fake.url, "model": "kling-v2-6", "sound": sound, "poll_interval": 0.01}
        report = generate_scenes(ws, SLUG, ["1.1"], backend="kling", options=options)
        assert sorted(report.made) == ["1.1-001", speaking]
        asked = next(r.json() for r in fake.creates[-2:] if "The lanterns are out" in r.json()["prompt"])
        assert asked["sound"] == sound and 'Ada Quill says: "The lanterns are out,"' in asked["prompt"]
        made = cut(ws, SLUG, scenes="1.1").manifest
        window = next((p.start, p.end) for p in made.segments if p.segment.shot_id == speaking)
        silences = ffmpeg.silences(made.stems["dialogue"], made.duration)
        spoken = (window[1] - window[0]) - sum(max(0.0, min(window[1], b) - max(window[0], a)) for a, b in silences)
        assert (spoken > 0.3) is voiced  # the speech engine speaks only over a silent clip
        assert any(c.shot_id == speaking and c.text.startswith("The lanterns") for c in made.cues)
