"""The multi-reference image backends (`fal-image`, `replicate-image`) against the fake fal queue and the fake
Replicate API: each model's documented inputs (the image list, its limit, the shape), the fallback for a shot
with fewer references than a model needs, refusals before anything is sent, and a real PNG at the end."""

from __future__ import annotations

import asyncio
import base64

import pytest
from fakes._base import drive
from fakes.fal import FakeFal
from fakes.replicate import FakeReplicate
from PIL import Image

from filmsofone.backends import backend_class, get_backend
from filmsofone.backends.base import GenerationRequest, JobState
from filmsofone.backends.fal import IMAGE_MODELS as FAL_MODELS
from filmsofone.backends.fal import FalImageBackend
from filmsofone.backends.replicate import IMAGE_MODELS as REPLICATE_MODELS
from filmsofone.backends.replicate import PINNED_VERSIONS, ReplicateBackend, ReplicateImageBackend
from filmsofone.errors import BackendError


@pytest.fixture
def faces(tmp_path):
    paths = []
    for n, colour in enumerate([(200, 150, 120), (90, 60, 40), (30, 90, 160), (160, 30, 30)]):
        path = tmp_path / f"face{n}.png"
        Image.new("RGB", (40, 40), colour).save(path)
        paths.append(path)
    return paths


def still(references=(), aspect="16:9", seed=None) -> GenerationRequest:
    return GenerationRequest(shot_id="1.2-003", prompt="Ada and Theo on the quay at dusk", duration=0.0,
                             aspect_ratio=aspect, resolution="1365x768", seed=seed, references=list(references))


def decoded(uri: str) -> bytes:
    return base64.b64decode(uri.split(",", 1)[1])


def made(backend, request, dest):
    job_id, status = asyncio.run(drive(backend, request, dest))
    assert status.state == JobState.SUCCEEDED, status.error
    with Image.open(dest) as picture:
        picture.verify()
    return job_id


def fal(fake, model=None) -> FalImageBackend:
    options = {"base_url": fake.url, **({"model": model} if model else {})}
    return FalImageBackend(FalImageBackend.make_options(options), key=fake.key)


def replicate(fake, model=None, **extra) -> ReplicateImageBackend:
    options = {"base_url": fake.url, **({"model": model} if model else {}), **extra}
    return ReplicateImageBackend(ReplicateImageBackend.make_options(options), key=fake.token)


@pytest.mark.parametrize("model, shape", [
    ("fal-ai/bytedance/seedream/v4/edit", {"image_size": "landscape_16_9"}),
    ("fal-ai/bytedance/seedream/v4.5/edit", {"image_size": "landscape_16_9"}),
    ("fal-ai/flux-pro/kontext/max/multi", {"aspect_ratio": "16:9"}),
    ("fal-ai/nano-banana/edit", {"aspect_ratio": "16:9"}),
])
def test_fal_models_get_the_references_in_their_image_list(model, shape, faces, tmp_path):
    with FakeFal(job_seconds=0.1) as fake:
        backend = fal(fake, model)
        job_id = made(backend, still(faces[:2], seed=5), tmp_path / "k.png")
        sent = fake.jobs[job_id.split("|")[0]]
        assert sent["endpoint"] == model
        assert [decoded(u) for u in sent["input"]["image_urls"]] == [p.read_bytes() for p in faces[:2]]
        assert {k: sent["input"][k] for k in shape} == shape and sent["input"]["seed"] == 5
        assert sent["input"]["num_images"] == 1 and fake.cdn.auth_headers_seen == 0
        assert fake.received_references() == [[p.read_bytes() for p in faces[:2]]]
    assert backend.cost(0.0) == FAL_MODELS[model].price_per_image > 0
    assert backend.capabilities.reference_images == FAL_MODELS[model].max_references


@pytest.mark.parametrize("model, fallback", [
    ("fal-ai/bytedance/seedream/v4/edit", "fal-ai/bytedance/seedream/v4/text-to-image"),
    ("fal-ai/flux-pro/kontext/max/multi", "fal-ai/flux-pro/kontext/max/text-to-image"),
    ("fal-ai/nano-banana/edit", "fal-ai/nano-banana"),
])
def test_a_shot_without_references_goes_to_the_models_text_to_image_endpoint(model, fallback, tmp_path):
    with FakeFal(job_seconds=0.1) as fake:
        job_id = made(fal(fake, model), still(), tmp_path / "k.png")
        sent = fake.jobs[job_id.split("|")[0]]
    assert sent["endpoint"] == fallback and "image_urls" not in sent["input"]


def test_fal_refuses_before_sending_what_the_model_cannot_take(faces, tmp_path):
    with FakeFal(job_seconds=0.1) as fake:
        nano = fal(fake, "fal-ai/nano-banana/edit")
        with pytest.raises(BackendError, match="4 reference image"):  # Gemini: at most 3
            asyncio.run(drive(nano, still(faces), tmp_path / "k.png"))
        with pytest.raises(BackendError, match="aspect ratio 21:9"):
            asyncio.run(drive(fal(fake), still(faces[:1], aspect="21:9"), tmp_path / "k.png"))
        with pytest.raises(BackendError, match="image not found"):
            asyncio.run(drive(fal(fake), still([tmp_path / "missing.png"]), tmp_path / "k.png"))
        assert fake.submissions == 0
    with pytest.raises(BackendError, match="unknown model 'fal-ai/pika/v2.2/text-to-video'"):
        FalImageBackend(FalImageBackend.make_options({"model": "fal-ai/pika/v2.2/text-to-video"}))


def test_a_flagged_image_is_a_refusal(faces, tmp_path):
    with FakeFal(job_seconds=0.1) as fake:
        fake.outcome = "nsfw"
        _, status = asyncio.run(drive(fal(fake), still(faces[:1]), tmp_path / "k.png"))
    assert status.state == JobState.REFUSED and "safety checker" in status.error


@pytest.mark.parametrize("model, field, count, listed", [
    ("bytedance/seedream-4", "image_input", 3, True),
    ("bytedance/seedream-4.5", "image_input", 3, True),
    ("google/nano-banana", "image_input", 3, True),
    ("flux-kontext-apps/multi-image-kontext-max", "input_image_", 2, False),
    ("black-forest-labs/flux-kontext-max", "input_image", 1, False),
])
def test_replicate_models_get_the_references_in_their_documented_inputs(model, field, count, listed, faces,
                                                                        tmp_path):
    with FakeReplicate(job_seconds=0.1) as fake:
        backend = replicate(fake, model)
        job_id = made(backend, still(faces[:count]), tmp_path / "k.png")
        sent = fake.jobs[job_id]
        assert sent["model"] == model and sent["input"]["aspect_ratio"] == "16:9"
        if listed:
            assert [decoded(u) for u in sent["input"][field]] == [p.read_bytes() for p in faces[:count]]
        elif count == 1:
            assert decoded(sent["input"][field]) == faces[0].read_bytes()
        else:
            assert [decoded(sent["input"][f"{field}{n}"]) for n in (1, 2)] == [p.read_bytes() for p in faces[:2]]
        assert fake.received_references() == [[p.read_bytes() for p in faces[:count]]]
        assert fake.cdn.auth_headers_seen == 0
    assert backend.cost(0.0) == REPLICATE_MODELS[model].price_per_image
    assert backend.capabilities.reference_images == REPLICATE_MODELS[model].max_references


def test_the_two_image_kontext_app_falls_back_to_kontext_max_for_fewer_references(faces, tmp_path):
    with FakeReplicate(job_seconds=0.1) as fake:
        backend = replicate(fake, "flux-kontext-apps/multi-image-kontext-max")
        one = made(backend, still(faces[:1]), tmp_path / "one.png")
        none = made(backend, still(), tmp_path / "none.png")
        assert fake.jobs[one]["model"] == fake.jobs[none]["model"] == "black-forest-labs/flux-kontext-max"
        assert decoded(fake.jobs[one]["input"]["input_image"]) == faces[0].read_bytes()
        assert "input_image" not in fake.jobs[none]["input"]
        with pytest.raises(BackendError, match="3 reference image"):
            asyncio.run(drive(backend, still(faces[:3]), tmp_path / "k.png"))
        assert fake.submissions == 2


def test_seedream_on_replicate_makes_a_still_without_references(tmp_path):
    with FakeReplicate(job_seconds=0.1) as fake:
        job_id = made(replicate(fake), still(), tmp_path / "k.png")
        assert "image_input" not in fake.jobs[job_id]["input"] and fake.jobs[job_id]["input"]["size"] == "2K"


def test_stable_video_diffusion_runs_the_documented_version_unless_told_another(tmp_path):
    first = tmp_path / "first.png"
    Image.new("RGB", (64, 36), (10, 120, 200)).save(first)
    request = GenerationRequest(shot_id="1.1-001", prompt="", duration=2.0, first_frame=first, seed=3)
    with FakeReplicate(job_seconds=0.1) as fake:
        for options, version in (({}, PINNED_VERSIONS["stability-ai/stable-video-diffusion"]),
                                 ({"version": "0123abc"}, "0123abc")):
            backend = ReplicateBackend(ReplicateBackend.make_options(
                {"base_url": fake.url, "model": "stability-ai/stable-video-diffusion", **options}), key=fake.token)
            job_id, status = asyncio.run(drive(backend, request, tmp_path / "c.mp4"))
            assert status.state == JobState.SUCCEEDED and fake.jobs[job_id]["version"] == version
        assert [path for method, path in fake.requests if method == "POST"] == ["/v1/predictions"] * 2
    assert len(PINNED_VERSIONS["stability-ai/stable-video-diffusion"]) == 64


def test_both_are_registered_image_backends_needing_their_providers_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("FILMSOFONE_KEYS_FILE", str(tmp_path / "none.json"))
    for name, var in (("fal-image", "FAL_KEY"), ("replicate-image", "REPLICATE_API_TOKEN")):
        assert backend_class(name).kind == "image"
        monkeypatch.delenv(var, raising=False)
        with pytest.raises(BackendError, match=var):
            get_backend(name, kind="image")


def test_the_fakes_refuse_a_shape_the_models_do_not_document(faces, tmp_path):
    from filmsofone.backends.base import Failed

    with FakeFal(job_seconds=0.1) as fake:
        backend = FalImageBackend(FalImageBackend.make_options(
            {"base_url": fake.url, "extra_input": {"image_size": "cinemascope"}}), key=fake.key)
        with pytest.raises(Failed, match="image_size"):
            asyncio.run(drive(backend, still(faces[:1]), tmp_path / "k.png"))
    with FakeReplicate(job_seconds=0.1) as fake:
        with pytest.raises(Failed, match="aspect_ratio"):
            asyncio.run(drive(replicate(fake, extra_input={"aspect_ratio": "7:5"}), still(faces[:1]), tmp_path / "k.png"))
