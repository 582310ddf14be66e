"""The fal adapter against the fake fal queue and its file CDN (real sockets, real MP4s)."""

from __future__ import annotations

import asyncio

import pytest

from fakes._base import drive
from fakes.fal import FakeFal
from filmsofone import ffmpeg
from filmsofone.backends.base import (Failed, GenerationRequest, JobState, OutcomeUnknown, OutputExpired,
                                      Refused, Throttled, Transient)
from filmsofone.backends.fal import MODELS, FalBackend
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeFal(job_seconds=0.3) as server:
        yield server


def backend_for(fake, **options) -> FalBackend:
    return FalBackend(FalBackend.make_options({"base_url": fake.url, **options}), key=fake.key)


def request(duration=5.0, **extra) -> GenerationRequest:
    fields = dict(shot_id="2.1-004", prompt="fog rolls over the harbour at dawn", duration=duration,
                  aspect_ratio="16:9", resolution="1280x720", seed=42)
    fields.update(extra)
    return GenerationRequest(**fields)


def png(path, color="green"):
    from PIL import Image

    Image.new("RGB", (48, 27), color).save(path)
    return path


def test_seedance_text_to_video_end_to_end(fake, tmp_path):
    backend = backend_for(fake)
    dest = tmp_path / "c.mp4"
    job_id, status = asyncio.run(drive(backend, request(duration=4.0), dest))
    assert status.state == JobState.SUCCEEDED
    assert abs(ffmpeg.probe(dest).duration - 4.0) < 0.1 and ffmpeg.decode_errors(dest) == ""
    request_id, status_url, response_url = job_id.split("|")
    assert status_url == f"{fake.url}/fal-ai/bytedance/requests/{request_id}/status"  # the subpath is dropped
    sent = fake.jobs[request_id]["input"]
    assert sent == {"prompt": "fog rolls over the harbour at dawn", "seed": 42, "duration": "4",
                    "aspect_ratio": "16:9", "resolution": "720p"}
    assert fake.submissions == 1 and fake.cdn.auth_headers_seen == 0
    assert backend.cost(4.0) == pytest.approx(4 * 0.036)


@pytest.mark.parametrize("model, extra, field", [
    ("fal-ai/pika/v2.2/text-to-video", {}, "aspect_ratio"),
    ("fal-ai/pika/v2.2/image-to-video", {"first": True}, "image_url"),
    ("fal-ai/kling-video/v2.1/master/text-to-video", {"negative_prompt": "text, watermark", "seed": None},
     "negative_prompt"),
    ("fal-ai/kling-video/v2.1/standard/image-to-video", {"first": True, "seed": None}, "image_url"),
])
def test_pika_and_kling_through_fal(fake, tmp_path, model, extra, field):
    backend = backend_for(fake, model=model)
    extra = dict(extra)
    if extra.pop("first", False):
        extra["first_frame"] = png(tmp_path / "first.png")
    job_id, status = asyncio.run(drive(backend, request(**extra), tmp_path / "c.mp4"))
    assert status.state == JobState.SUCCEEDED, status.error
    sent = fake.jobs[job_id.split("|")[0]]["input"]
    assert field in sent
    if "kling" in model:
        assert sent["duration"] == "5"  # kling on fal takes the duration as a string
    else:
        assert sent["duration"] == 5


def test_stable_video_diffusion_sets_its_length_through_fps(fake, tmp_path):
    backend = backend_for(fake, model="fal-ai/stable-video")
    req = request(duration=2.0, first_frame=png(tmp_path / "f.png"))
    job_id, status = asyncio.run(drive(backend, req, tmp_path / "c.mp4"))
    sent = fake.jobs[job_id.split("|")[0]]["input"]
    assert sent["fps"] == 12 and "prompt" not in sent and sent["image_url"].startswith("data:image/png;base64,")
    assert status.state == JobState.SUCCEEDED and abs(ffmpeg.probe(tmp_path / "c.mp4").duration - 2.08) < 0.1
    assert backend.cost(2.0) == pytest.approx(MODELS["fal-ai/stable-video"].price_per_clip)


def test_unsupported_requests_are_refused_before_sending(fake, tmp_path):
    pika = backend_for(fake, model="fal-ai/pika/v2.2/image-to-video")
    with pytest.raises(BackendError, match="first frame"):
        pika.check(request())
    kling = backend_for(fake, model="fal-ai/kling-video/v2.1/master/text-to-video")
    for bad, why in ((request(), "seed"), (request(seed=None, duration=7.0), "7 s"),
                     (request(seed=None, aspect_ratio="4:3"), "aspect ratio"),
                     (request(seed=None, first_frame=png(tmp_path / "f.png")), "first frame")):
        with pytest.raises(BackendError, match=why):
            kling.check(bad)
    with pytest.raises(BackendError, match="bad options"):
        FalBackend.make_options({"model": "no spaces allowed here"})
    with pytest.raises(BackendError, match="bad options"):
        FalBackend.make_options({"priority": "urgent"})
    assert fake.submissions == 0 and fake.requests == []


def test_throttling_server_errors_and_malformed_answers(fake):
    backend = backend_for(fake)
    fake.throttle, fake.retry_after = 1, "4"
    fake.create_errors = 1

    async def go():
        async with backend.client() as client:
            with pytest.raises(Throttled) as caught:
                await backend.submit(client, request())
            assert caught.value.retry_after == 4.0
            with pytest.raises(OutcomeUnknown):
                await backend.submit(client, request())
            job_id = await backend.submit(client, request())
            fake.get_errors = 1
            with pytest.raises(Transient):
                await backend.status(client, job_id)
            fake.malformed = 1
            with pytest.raises(Transient, match="malformed"):
                await backend.status(client, job_id)

    asyncio.run(go())
    assert fake.submissions == 1


def test_a_submit_timeout_is_outcome_unknown(fake):
    fake.hang_create, fake.hang_seconds = 1, 1.5
    backend = backend_for(fake)

    async def go():
        async with backend.client(timeout=0.5) as client:
            await backend.submit(client, request())

    with pytest.raises(OutcomeUnknown):
        asyncio.run(go())
    assert fake.submissions == 1


def test_moderation_at_submit_and_at_result_is_a_refusal(fake, tmp_path):
    backend = backend_for(fake)
    fake.moderate_submit = 1
    with pytest.raises(Refused, match="content_policy_violation"):
        asyncio.run(drive(backend, request(), tmp_path / "c.mp4"))
    fake.outcome = "moderated"
    _, status = asyncio.run(drive(backend, request(), tmp_path / "c.mp4"))
    assert status.state == JobState.REFUSED and "safety checker" in status.error
    fake.outcome = "failed"
    _, status = asyncio.run(drive(backend, request(), tmp_path / "c.mp4"))
    assert status.state == JobState.FAILED and "runner_server_error" in status.error


def test_expired_and_truncated_downloads(fake, tmp_path):
    backend = backend_for(fake)

    async def go():
        async with backend.client() as client:
            job_id = await backend.submit(client, request())
            while (status := await backend.status(client, job_id)).state != JobState.SUCCEEDED:
                await asyncio.sleep(0.05)
            fake.truncate_downloads = 1
            with pytest.raises(Transient):
                await backend.download(client, status, tmp_path / "t.mp4")
            fake.expire_outputs = True
            with pytest.raises(OutputExpired):
                await backend.download(client, status, tmp_path / "e.mp4")
            fake.expire_outputs = False
            await backend.download(client, status, tmp_path / "ok.mp4")

    asyncio.run(go())
    assert ffmpeg.decode_errors(tmp_path / "ok.mp4") == ""


def test_auth_uses_key_scheme_and_a_bad_key_is_not_echoed(fake):
    assert backend_for(fake).auth_headers() == {"Authorization": f"Key {fake.key}"}
    backend = FalBackend(FalBackend.make_options({"base_url": fake.url}), key="fal_wrong_secret_777")

    async def go():
        async with backend.client() as client:
            await backend.submit(client, request())

    with pytest.raises(Failed) as caught:
        asyncio.run(go())
    assert "fal_wrong_secret_777" not in str(caught.value)


def test_a_foreign_job_id_is_refused(fake):
    backend = backend_for(fake)

    async def go():
        async with backend.client() as client:
            await backend.status(client, "abc")

    with pytest.raises(Failed, match="not a job id"):
        asyncio.run(go())


# --- through the engine: `filmsofone generate` ----------------------------------------------------


def every_job_polled(fake, count: int) -> bool:
    """`count` jobs exist and each was polled (so the engine had recorded its id: a kill now loses nothing)."""
    with fake.lock:
        ids, gets = list(fake.jobs), [path for method, path in fake.requests if method == "GET"]
    return len(ids) == count and all(any(job_id in path for path in gets) for job_id in ids)



def test_a_scene_generates_through_filmsofone_generate(ws, capsys, monkeypatch, fake):
    from fakes.project import SLUG, make_book
    from filmsofone.cli import main
    from filmsofone.generate import chosen_takes

    monkeypatch.setenv("FAL_KEY", fake.key)
    shots = make_book(ws, shots_per_scene=3, duration=5.0)
    argv = ["--workspace", str(ws.root), "generate", SLUG, "--scene", "1.2", "--backend", "fal",
            "-o", f"base_url={fake.url}", "-o", "model=fal-ai/pika/v2.2/text-to-video", "-o", "poll_interval=0.1",
            "--no-storyboard"]
    with pytest.raises(SystemExit) as done:
        main(argv)
        raise SystemExit(0)
    out = capsys.readouterr().out
    assert done.value.code == 0, out
    takes = chosen_takes(ws, SLUG)
    assert sorted(takes) == [s.id for s in shots if s.scene == "1.2"] and fake.submissions == 3
    for take in takes.values():
        assert abs(take.duration - 5.0) < 0.1 and ffmpeg.decode_errors(take.path) == ""
    assert fake.key.encode() not in ws.project(SLUG).db_path.read_bytes() and fake.key not in out


def test_a_refused_shot_is_marked_and_the_others_continue(ws, capsys, monkeypatch, fake):
    from fakes.project import SLUG, make_book
    from filmsofone.generate import generate_scenes

    monkeypatch.setenv("FAL_KEY", fake.key)
    make_book(ws, shots_per_scene=3, duration=5.0)
    fake.moderate_submit = 1
    options = {"base_url": fake.url, "poll_interval": 0.1}
    report = generate_scenes(ws, SLUG, ["1.1"], backend="fal", options=options, concurrency=1)
    assert len(report.refused) == 1 and len(report.made) == 2
    assert "content_policy_violation" in next(iter(report.refused.values()))
    again = generate_scenes(ws, SLUG, ["1.1"], backend="fal", options=options)
    assert len(again.refused) == 1 and fake.submissions == 2  # a refusal is never retried


def test_sigkill_while_polling_then_rerun_polls_instead_of_resubmitting(ws, fake):
    from fakes._base import generate_command, kill_midway, run_to_end
    from fakes.project import SLUG, make_book
    from filmsofone.generate import chosen_takes

    shots = [s for s in make_book(ws, shots_per_scene=4, duration=5.0) if s.scene == "1.1"]
    fake.job_seconds = 3.0
    env = {"FAL_KEY": fake.key}
    command = generate_command(ws.root, SLUG, "--scene", "1.1", "--backend", "fal", "-o", f"base_url={fake.url}",
                               "-o", "poll_interval=0.2", "-j", "4")
    assert kill_midway(command, env, lambda: every_job_polled(fake, 4)) == -9
    done = run_to_end(command, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert fake.submissions == len(shots)
    assert sorted(chosen_takes(ws, SLUG)) == sorted(s.id for s in shots)


def test_the_key_never_follows_urls_to_another_host(fake):
    backend = backend_for(fake)
    foreign = "id|http://elsewhere.example/fal-ai/x/requests/id/status|http://elsewhere.example/fal-ai/x/requests/id"

    async def go():
        async with backend.client() as client:
            await backend.status(client, foreign)

    with pytest.raises(Failed, match="another host"):
        asyncio.run(go())


@pytest.mark.parametrize("model, sizes", [
    ("fal-ai/bytedance/seedance/v1/lite/text-to-video", {"854x480": 0.016, "1280x720": 0.036, "1920x1080": 0.081}),
    ("fal-ai/bytedance/seedance/v1/pro/fast/text-to-video", {"1280x720": 0.0218, "1920x1080": 0.049}),
    ("fal-ai/pika/v2.2/text-to-video", {"1280x720": 0.04, "1920x1080": 0.09, "3840x2160": 0.09}),
])
def test_the_price_follows_the_size_the_model_makes(model, sizes):
    """Seedance bills by pixels and Pika 2.2 by resolution: a 1080p film costs over twice a 720p one, and the price
    is that of the size the request asks for (the nearest the model makes)."""
    backend = FalBackend(FalBackend.make_options({"model": model}), key="k")
    for resolution, per_second in sizes.items():
        assert backend.cost(5.0, resolution) == pytest.approx(5 * per_second)
    assert FalBackend(FalBackend.make_options({"model": model, "price_per_second": 0.5}), key="k").cost(
        2.0, "1920x1080") == pytest.approx(1.0)  # the user's own price wins
