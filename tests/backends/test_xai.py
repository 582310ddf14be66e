"""The xAI Grok Imagine adapters (image and video) against a fake of xAI's documented API."""

from __future__ import annotations

import pytest

from fakes.hosted_base import make_one, png_files, run
from fakes.xai import KEY, FakeXai, tiny_jpeg
from filmsofone import ffmpeg
from filmsofone.backends import backend_class, backend_kind
from filmsofone.backends.base import Failed, GenerationRequest, JobState, Refused
from filmsofone.backends.xai import XaiImageBackend, XaiVideoBackend, video_status
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeXai(polls_to_finish=3) as server:
        yield server


def image_backend(fake, **options) -> XaiImageBackend:
    return XaiImageBackend(XaiImageBackend.make_options({"base_url": fake.url, **options}), key=KEY)


def video_backend(fake, **options) -> XaiVideoBackend:
    backend = XaiVideoBackend(XaiVideoBackend.make_options({"base_url": fake.url, "poll_interval": 0.01,
                                                            **options}), key=KEY)
    backend.retry_base = backend.retry_cap = 0.01
    return backend


def still(**fields) -> GenerationRequest:
    return GenerationRequest(**{"shot_id": "1.1-001", "prompt": "Ada at the lamp room window, dusk",
                                "duration": 0.0, "aspect_ratio": "16:9", "resolution": "1408x768", **fields})


def clip(**fields) -> GenerationRequest:
    return GenerationRequest(**{"shot_id": "1.1-002", "prompt": "the lantern swings in the wind",
                                "duration": 6.0, "aspect_ratio": "16:9", **fields})


def test_both_are_registered_by_kind():
    assert backend_kind("grok-imagine-image") == "image" and backend_kind("grok-imagine") == "video"
    assert backend_class("grok-imagine-image").capabilities.reference_images == 3
    video = backend_class("grok-imagine").capabilities
    assert video.first_frame and not video.last_frame and video.reference_images == 0
    assert video.durations == [float(s) for s in range(1, 16)]


def test_text_to_image_is_one_synchronous_create_whose_url_is_the_job(fake, tmp_path):
    dest = tmp_path / "still.png"
    assert run(make_one(image_backend(fake), still(), dest)) > 0
    (create,) = fake.creates
    assert create.path == "/v1/images/generations"
    assert create.json() == {"model": "grok-imagine-image", "prompt": still().prompt, "aspect_ratio": "16:9",
                             "response_format": "url", "n": 1, "resolution": "1k"}
    assert create.headers["authorization"] == f"Bearer {KEY}"
    assert dest.read_bytes() == tiny_jpeg()  # as served; the keyframe step stores stills as PNG
    assert [r.path for r in fake.requests if r.method == "GET"] == [f"/imgen/{next(iter(fake.jobs))}.jpeg"]


@pytest.mark.parametrize("count", [1, 2, 3])
def test_reference_images_go_to_the_edit_endpoint_as_data_uris(fake, tmp_path, count):
    refs = png_files(tmp_path, count, "ref")
    run(make_one(image_backend(fake), still(references=refs), tmp_path / "still.png"))
    body = fake.creates[0].json()
    assert fake.creates[0].path == "/v1/images/edits" and body["aspect_ratio"] == "16:9"
    assert ("image" in body) == (count == 1) and ("images" in body) == (count > 1)
    assert fake.received_references() == [[p.read_bytes() for p in refs]]


def test_more_references_than_three_are_refused_before_sending(fake, tmp_path):
    with pytest.raises(BackendError, match="4 reference image"):
        run(make_one(image_backend(fake), still(references=png_files(tmp_path, 4, "ref")), tmp_path / "still.png"))
    assert fake.requests == []


@pytest.mark.parametrize("outcome", ["moderated", "moderated_400"])
def test_a_blocked_image_is_a_refusal_never_retried(fake, tmp_path, outcome):
    fake.outcome = outcome
    with pytest.raises(Refused, match="moderation"):
        run(make_one(image_backend(fake), still(), tmp_path / "still.png"))
    assert len(fake.creates) == 1


def test_a_bad_key_fails_without_showing_it(fake, tmp_path):
    backend = XaiImageBackend(XaiImageBackend.make_options({"base_url": fake.url}), key="xai-wrong-key-123456789")
    with pytest.raises(Failed) as caught:
        run(make_one(backend, still(), tmp_path / "still.png"))
    assert "Incorrect API key" in str(caught.value) and "xai-wrong-key" not in str(caught.value)


def test_an_image_job_id_that_is_not_a_url_fails(fake):
    with pytest.raises(Failed):
        run(image_backend(fake).status(None, "req-123"))


def test_image_prices_count_the_output_and_up_to_three_inputs():
    assert XaiImageBackend.price_per_clip == pytest.approx(0.026)  # what `filmsofone backends` lists
    assert XaiImageBackend().cost(0.0) == pytest.approx(0.026)
    assert XaiImageBackend(XaiImageBackend.make_options({"model": "grok-imagine-image-pro"})).cost(0) == \
        pytest.approx(0.076)
    assert XaiImageBackend(XaiImageBackend.make_options({"price_per_clip": 0.5})).cost(0) == 0.5


def test_text_to_video_sends_whole_seconds_and_the_resolution_tier(fake, tmp_path):
    dest = tmp_path / "clip.mp4"
    run(make_one(video_backend(fake), clip(), dest))
    assert fake.creates[0].json() == {"model": "grok-imagine-video", "prompt": clip().prompt, "duration": 6,
                                      "aspect_ratio": "16:9", "resolution": "720p"}
    assert ffmpeg.probe(dest).duration == pytest.approx(6.0, abs=0.1)
    run(make_one(video_backend(fake), clip(resolution="848x480"), tmp_path / "small.mp4"))
    assert fake.creates[1].json()["resolution"] == "480p"


def test_image_to_video_sends_the_first_frame(fake, tmp_path):
    frame = png_files(tmp_path, 1, "ref")[0]
    run(make_one(video_backend(fake), clip(first_frame=frame), tmp_path / "clip.mp4"))
    assert fake.creates[0].json()["image"]["url"].startswith("data:image/png;base64,")
    assert fake.first_frames() == [frame.read_bytes()]


@pytest.mark.parametrize("fields, problem", [({"duration": 6.5}, "6.5 s"), ({"duration": 16.0}, "16 s"),
                                             ({"aspect_ratio": "21:9"}, "21:9"), ({"seed": 3}, "a seed")])
def test_what_grok_imagine_cannot_make_is_refused_before_sending(fake, tmp_path, fields, problem):
    with pytest.raises(BackendError, match=problem):
        run(make_one(video_backend(fake), clip(**fields), tmp_path / "clip.mp4"))
    assert fake.requests == []


def test_a_last_frame_is_refused_before_sending(fake, tmp_path):
    frame = png_files(tmp_path, 1, "ref")[0]
    with pytest.raises(BackendError, match="a last frame"):
        run(make_one(video_backend(fake), clip(first_frame=frame, last_frame=frame), tmp_path / "clip.mp4"))


@pytest.mark.parametrize("outcome, error", [("moderated", Refused), ("failed", Failed), ("expired", Failed)])
def test_a_video_that_ends_badly(fake, tmp_path, outcome, error):
    fake.outcome = outcome
    with pytest.raises(error):
        run(make_one(video_backend(fake), clip(), tmp_path / "clip.mp4"))
    assert len(fake.creates) == 1


def test_poll_answers_map_onto_states():
    assert video_status({"request_id": "r1"}, 5.0).state is JobState.QUEUED
    assert video_status({"status": "pending", "progress": 40}, 5.0).progress == pytest.approx(0.4)
    refused = video_status({"status": "failed", "error": {"code": "invalid_argument",
                                                           "message": "Video rejected by content moderation"}}, 5.0)
    assert refused.state is JobState.REFUSED and "invalid_argument" in refused.error
    failed = video_status({"status": "failed", "error": {"code": "internal_error", "message": "boom"}}, 5.0)
    assert failed.state is JobState.FAILED


def test_video_price_follows_the_resolution_tier():
    assert XaiVideoBackend().cost(10.0) == pytest.approx(0.702)  # 720p, plus the first frame's input
    assert XaiVideoBackend(XaiVideoBackend.make_options({"resolution": "480p"})).cost(10.0) == pytest.approx(0.502)


def test_one_stored_key_serves_both_backends(monkeypatch, tmp_path):
    from filmsofone.backends import get_backend
    from filmsofone.keys import set_key

    monkeypatch.setenv("FILMSOFONE_KEYS_FILE", str(tmp_path / "keys.json"))
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    set_key("XAI_API_KEY", KEY)
    assert get_backend("grok-imagine").key == KEY and get_backend("grok-imagine-image").key == KEY
