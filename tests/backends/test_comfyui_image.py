"""ComfyUI as an image backend (`comfyui-image`) against the fake server: the shot's references go into the
workflow's LoadImage slots through /upload/image (a slot without a reference gets a plain grey image), the
prompt into its text placeholder, and the SaveImage PNG comes back through /history + /view."""

from __future__ import annotations

import asyncio
import json
import os

import pytest
from fakes._base import drive
from fakes.comfyui import FakeComfyUI
from PIL import Image

from filmsofone.backends import backend_class
from filmsofone.backends.base import GenerationRequest, JobState
from filmsofone.backends.comfyui import ComfyUIBackend, ComfyUIImageBackend, blank_reference
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeComfyUI(job_seconds=0.05) as server:
        yield server


@pytest.fixture
def faces(tmp_path):
    paths = []
    for n, colour in enumerate([(200, 150, 120), (90, 60, 40), (30, 90, 160)]):
        path = tmp_path / f"face{n}.png"
        Image.new("RGB", (40, 40), colour).save(path)
        paths.append(path)
    return paths


def image_backend(fake, **options) -> ComfyUIImageBackend:
    return ComfyUIImageBackend(ComfyUIImageBackend.make_options({"url": [fake.url], "websocket": False, **options}))


def still(references=(), shot="1.2-004", resolution="320x180") -> GenerationRequest:
    return GenerationRequest(shot_id=shot, prompt="Ada at the lamp, dusk", duration=0.0, aspect_ratio="16:9",
                             resolution=resolution, seed=11, references=list(references),
                             idempotency_key=f"key-{shot}-{len(references)}")


@pytest.mark.parametrize("count", [2, 1, 0])
def test_references_fill_the_load_image_slots_in_prominence_order(fake, faces, tmp_path, count):
    dest = tmp_path / "k.png"
    _, status = asyncio.run(drive(image_backend(fake), still(faces[:count]), dest))
    assert status.state == JobState.SUCCEEDED, status.error
    loaded = fake.received_references()
    assert loaded == [[p.read_bytes() for p in faces[:count]] + [blank_reference()] * (2 - count)]
    with Image.open(dest) as picture:
        assert picture.format == "PNG" and picture.size == (320, 180)
    graph = next(iter(fake.records.values()))["graph"]
    assert graph["8"]["inputs"]["value"] == "Ada at the lamp, dusk" and graph["6"]["inputs"]["seed"] == 11


def test_it_declares_what_the_workflow_can_take_and_refuses_more(fake, faces, tmp_path):
    backend = image_backend(fake)
    assert backend.kind == "image" and backend.capabilities.reference_images == 2 and backend.cost(0.0) == 0
    assert not backend.capabilities.negative_prompt  # the bundled workflow has no {{negative_prompt}}
    with pytest.raises(BackendError, match="3 reference image"):
        asyncio.run(drive(backend, still(faces), tmp_path / "k.png"))
    assert fake.submissions == 0 and fake.uploads == {}


def test_a_workflow_without_an_image_output_fails_with_the_hint(fake, tmp_path):
    _, status = asyncio.run(drive(image_backend(fake, workflow="weightless"), still(), tmp_path / "k.png"))
    assert status.state == JobState.FAILED and "SaveImage" in status.error


def test_an_output_named_outside_the_output_folder_is_refused(fake, tmp_path):
    fake.escape_filename = True
    dest = tmp_path / "k.png"
    _, status = asyncio.run(drive(image_backend(fake), still(), dest))
    assert status.state == JobState.FAILED and "outside the output folder" in status.error
    assert not dest.exists() and not (tmp_path / "escaped.png").exists()


def test_a_users_workflow_with_numbered_slots(fake, faces, tmp_path):
    graph = {
        "1": {"class_type": "LoadImage", "inputs": {"image": "{{reference_image_1}}"}},
        "2": {"class_type": "LoadImage", "inputs": {"image": "{{reference_image_2}}"}},
        "3": {"class_type": "LoadImage", "inputs": {"image": "{{reference_image_3}}"}},
        "4": {"class_type": "ImageBlend", "inputs": {"image1": ["1", 0], "image2": ["2", 0], "blend_factor": 0.5,
                                                     "blend_mode": "normal"}},
        "5": {"class_type": "ImageBlend", "inputs": {"image1": ["4", 0], "image2": ["3", 0], "blend_factor": 0.5,
                                                     "blend_mode": "normal"}},
        "6": {"class_type": "ImageScale", "inputs": {"image": ["5", 0], "upscale_method": "bilinear",
                                                     "width": "{{width}}", "height": "{{height}}", "crop": "center"}},
        "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "{{filename_prefix}}"}},
    }
    path = tmp_path / "three.json"
    path.write_text(json.dumps(graph))
    backend = image_backend(fake, workflow=str(path))
    assert backend.capabilities.reference_images == 3
    _, status = asyncio.run(drive(backend, still(faces).model_copy(update={"seed": None}), tmp_path / "k.png"))
    assert status.state == JobState.SUCCEEDED
    assert fake.received_references() == [[p.read_bytes() for p in faces]]
    video = ComfyUIBackend(ComfyUIBackend.make_options({"url": [fake.url], "workflow": str(path)}))
    with pytest.raises(BackendError, match=r"2 reference image\(s\) \(the workflow loads 3\)"):
        video.check(still(faces[:2]).model_copy(update={"duration": 1.0, "seed": None}))  # a video workflow never gets grey


def test_it_is_registered_as_a_free_image_backend():
    cls = backend_class("comfyui-image", kind="image")
    assert cls is ComfyUIImageBackend and not cls.needs_key and cls.local is False


@pytest.mark.skipif(not os.environ.get("COMFYUI_URL"), reason="set COMFYUI_URL to test against a real ComfyUI")
def test_the_image_workflow_on_a_real_comfyui_server(tmp_path, faces):
    """Opt-in: the bundled weightless-image workflow on a real server at 320x180 (seconds on a CPU)."""
    from filmsofone.backends import remote

    backend = ComfyUIImageBackend(ComfyUIImageBackend.make_options({"url": os.environ["COMFYUI_URL"]}))
    request = still(faces[:1], shot=f"real-{os.getpid()}").model_copy(
        update={"seed": int.from_bytes(os.urandom(3), "big"), "idempotency_key": os.urandom(8).hex()})
    dest = tmp_path / "real.png"

    async def go():
        async with backend.client() as client:
            await remote.make(backend, client, request, dest, check=lambda path: asyncio.sleep(0))

    asyncio.run(go())
    with Image.open(dest) as picture:
        assert picture.size == (320, 180)
