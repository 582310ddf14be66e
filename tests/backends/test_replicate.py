"""The Replicate adapter against the fake Replicate API and its file CDN (real sockets, real MP4s)."""

from __future__ import annotations

import asyncio
import json

import pytest

from fakes._base import drive
from fakes.replicate import FakeReplicate
from filmsofone import ffmpeg
from filmsofone.backends.base import (Failed, GenerationRequest, JobState, OutcomeUnknown, OutputExpired,
                                      Throttled, Transient)
from filmsofone.backends.inputs import nearest_resolution, output_urls
from filmsofone.backends.replicate import ReplicateBackend, log_progress
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeReplicate(job_seconds=0.3) as server:
        yield server


def backend_for(fake, **options) -> ReplicateBackend:
    return ReplicateBackend(ReplicateBackend.make_options({"base_url": fake.url, **options}), key=fake.token)


def request(duration=5.0, **extra) -> GenerationRequest:
    fields = dict(shot_id="1.1-001", prompt="a lighthouse keeper climbs the stairs", duration=duration,
                  aspect_ratio="16:9", negative_prompt="blurry")
    fields.update(extra)
    return GenerationRequest(**fields)


def test_a_prediction_is_created_polled_and_downloaded(fake, tmp_path):
    backend = backend_for(fake)
    dest = tmp_path / "c.mp4"
    job_id, status = asyncio.run(drive(backend, request(), dest))
    assert status.state == JobState.SUCCEEDED
    assert abs(ffmpeg.probe(dest).duration - 5.0) < 0.1 and ffmpeg.decode_errors(dest) == ""
    assert fake.submissions == 1
    sent = fake.jobs[job_id]["input"]
    assert sent == {"prompt": "a lighthouse keeper climbs the stairs", "negative_prompt": "blurry", "duration": 5,
                    "aspect_ratio": "16:9"}
    assert fake.cdn.auth_headers_seen == 0  # the token never goes to the file CDN


def test_a_list_output_and_a_pinned_version(fake, tmp_path):
    fake.output_as_list = True
    backend = backend_for(fake, model="someone/any-video", version="abc123", extra_input={"motion": 3})
    assert backend.price_per_second is None  # unknown model: no price guess
    job_id, status = asyncio.run(drive(backend, request(duration=2.0, negative_prompt=""), tmp_path / "c.mp4"))
    assert status.state == JobState.SUCCEEDED and fake.jobs[job_id]["version"] == "abc123"
    assert fake.jobs[job_id]["input"]["motion"] == 3


def test_images_go_as_data_uris_with_their_model_names(fake, tmp_path):
    from PIL import Image

    first, ref = tmp_path / "first.png", tmp_path / "ref.jpg"
    Image.new("RGB", (32, 18), "red").save(first)
    Image.new("RGB", (32, 18), "blue").save(ref)
    backend = backend_for(fake, model="bytedance/seedance-1-lite")
    req = request(duration=4.0, negative_prompt="", seed=11, first_frame=first, references=[ref],
                  resolution="1280x720")
    job_id, status = asyncio.run(drive(backend, req, tmp_path / "c.mp4"))
    sent = fake.jobs[job_id]["input"]
    assert sent["image"].startswith("data:image/png;base64,") and sent["seed"] == 11
    assert sent["reference_images"][0].startswith("data:image/jpeg;base64,")
    assert sent["resolution"] == "720p" and sent["duration"] == 4 and sent["fps"] == 24
    assert status.state == JobState.SUCCEEDED


def test_unsupported_requests_are_refused_before_sending(fake, tmp_path):
    kling = backend_for(fake)
    for bad, why in ((request(seed=3), "seed"), (request(duration=7.0), "7 s"),
                     (request(aspect_ratio="4:3"), "aspect ratio"), (request(prompt="x" * 2600), "prompt"),
                     (request(first_frame=tmp_path / "missing.png"), "not found"),
                     (request(references=[tmp_path / "r.png"]), "reference")):
        with pytest.raises(BackendError, match=why):
            asyncio.run(kling.submit(kling.client(), bad))
    hailuo = backend_for(fake, model="minimax/hailuo-2.3")
    with pytest.raises(BackendError, match="negative prompt"):
        hailuo.check(request(duration=6.0))
    with pytest.raises(BackendError, match="bad options"):
        ReplicateBackend.make_options({"model": "not a model"})
    assert fake.submissions == 0


def test_throttling_and_server_errors(fake):
    backend = backend_for(fake)
    fake.throttle, fake.retry_after = 1, "7"
    fake.unavailable = 1
    fake.create_errors = 1

    async def go():
        async with backend.client() as client:
            with pytest.raises(Throttled) as caught:
                await backend.submit(client, request())
            assert caught.value.retry_after == 7.0
            with pytest.raises(Throttled):  # 503 + Retry-After: load shedding, not accepted
                await backend.submit(client, request())
            with pytest.raises(OutcomeUnknown):  # 500 on a create: a paid job may exist
                await backend.submit(client, request())
            job_id = await backend.submit(client, request())
            fake.get_errors = 1
            with pytest.raises(Transient):
                await backend.status(client, job_id)
            fake.malformed = 1
            with pytest.raises(Transient, match="malformed"):
                await backend.status(client, job_id)
            return await backend.status(client, job_id)

    status = asyncio.run(go())
    assert status.state in (JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED)


def test_a_create_timeout_is_outcome_unknown(fake):
    fake.hang_create, fake.hang_seconds = 1, 1.5
    backend = backend_for(fake)

    async def go():
        async with backend.client(timeout=0.5) as client:
            await backend.submit(client, request())

    with pytest.raises(OutcomeUnknown):
        asyncio.run(go())
    assert fake.submissions == 1  # the job exists; the engine must not resend blindly
    assert ReplicateBackend.idempotent_create is False


def test_moderation_is_a_refusal_and_failures_fail(fake, tmp_path):
    fake.outcome = "moderated"
    _, status = asyncio.run(drive(backend_for(fake), request(), tmp_path / "c.mp4"))
    assert status.state == JobState.REFUSED and "flagged as sensitive" in status.error
    fake.outcome = "failed"
    _, status = asyncio.run(drive(backend_for(fake), request(), tmp_path / "c.mp4"))
    assert status.state == JobState.FAILED and "out of memory" in status.error


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


def test_a_bad_token_fails_without_echoing_it(fake):
    backend = ReplicateBackend(ReplicateBackend.make_options({"base_url": fake.url}), key="r8_wrong_secret_999")

    async def go():
        async with backend.client() as client:
            await backend.submit(client, request())

    with pytest.raises(Failed) as caught:
        asyncio.run(go())
    assert "check the API key" in str(caught.value) and "r8_wrong_secret_999" not in str(caught.value)
    assert "r8_wrong_secret_999" not in repr(backend)


def test_small_parsers():
    assert output_urls({"video": "https://x/v.mp4", "poster": "https://x/p.jpg"})[0] == "https://x/v.mp4"
    assert output_urls(["https://x/a.mp4", None, 3]) == ["https://x/a.mp4"]
    assert output_urls("not a url") == []
    assert log_progress("step\n 45%|####   | 45/100") == 0.45 and log_progress(None) is None
    assert nearest_resolution({768: "768p", 1080: "1080p"}, "1280x720") == "768p"
    assert nearest_resolution({480: "480p", 720: "720p", 1080: "1080p"}, "720x1280") == "720p"
    assert json.dumps(ReplicateBackend.capabilities.model_dump())  # declarations serialise for `backends`


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

    monkeypatch.setenv("REPLICATE_API_TOKEN", fake.token)
    shots = make_book(ws, shots_per_scene=3, duration=5.0)
    argv = ["--workspace", str(ws.root), "generate", SLUG, "--scene", "1.1", "--backend", "replicate",
            "-o", f"base_url={fake.url}", "-o", "model=bytedance/seedance-1-lite", "-o", "poll_interval=0.1",
            "--no-storyboard"]
    with pytest.raises(SystemExit) as done:
        main(argv)
        raise SystemExit(0)
    out = capsys.readouterr().out
    assert done.value.code == 0, out
    takes = chosen_takes(ws, SLUG)
    assert sorted(takes) == [s.id for s in shots if s.scene == "1.1"] and fake.submissions == 3
    for take in takes.values():
        assert abs(take.duration - 5.0) < 0.1 and ffmpeg.decode_errors(take.path) == ""
    assert "about $0.54" in out  # 3 clips x 5 s x $0.036
    database = ws.project(SLUG).db_path.read_bytes()
    assert fake.token.encode() not in database and fake.token not in out  # the key stays out


def test_sigkill_while_polling_then_rerun_polls_instead_of_resubmitting(ws, fake):
    from fakes._base import generate_command, kill_midway, run_to_end
    from fakes.project import SLUG, make_book
    from filmsofone.generate import chosen_takes

    shots = [s for s in make_book(ws, shots_per_scene=4, duration=5.0) if s.scene == "1.1"]
    fake.job_seconds = 3.0
    env = {"REPLICATE_API_TOKEN": fake.token}
    command = generate_command(ws.root, SLUG, "--scene", "1.1", "--backend", "replicate", "-o", f"base_url={fake.url}",
                               "-o", "model=bytedance/seedance-1-lite", "-o", "poll_interval=0.2", "-j", "4")
    assert kill_midway(command, env, lambda: every_job_polled(fake, 4)) == -9
    done = run_to_end(command, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert fake.submissions == len(shots)  # each paid job created exactly once
    assert sorted(chosen_takes(ws, SLUG)) == sorted(s.id for s in shots)


def test_kling_takes_its_ratio_from_the_first_frame(fake, tmp_path):
    from PIL import Image

    first = tmp_path / "first.png"
    Image.new("RGB", (32, 18), "red").save(first)
    backend = backend_for(fake)
    job_id, status = asyncio.run(drive(backend, request(first_frame=first), tmp_path / "c.mp4"))
    sent = fake.jobs[job_id]["input"]
    assert sent["start_image"].startswith("data:image/png;base64,") and "aspect_ratio" not in sent
    assert status.state == JobState.SUCCEEDED


def test_an_unknown_create_is_reported_not_resent_until_the_user_says_so(ws, monkeypatch, fake):
    from fakes.project import SLUG, make_book
    from filmsofone.generate import chosen_takes, generate_scenes

    monkeypatch.setenv("REPLICATE_API_TOKEN", fake.token)
    make_book(ws, shots_per_scene=1, duration=5.0)
    fake.drop_create = 1
    options = {"base_url": fake.url, "poll_interval": 0.1}
    first = generate_scenes(ws, SLUG, ["1.1"], backend="replicate", options=options)
    assert list(first.unknown) == ["1.1-001"] and fake.submissions == 1
    again = generate_scenes(ws, SLUG, ["1.1"], backend="replicate", options=options)
    assert list(again.unknown) == ["1.1-001"] and fake.submissions == 1  # never resent blindly
    decided = generate_scenes(ws, SLUG, ["1.1"], backend="replicate", options=options, resubmit_unknown=True)
    assert decided.made == ["1.1-001"] and fake.submissions == 2
    assert "1.1-001" in chosen_takes(ws, SLUG)
