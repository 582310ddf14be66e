"""ComfyUI's bundled image-to-video and reference-image workflows against the fake server: the keyframe
(or the most prominent picked face) is what the server receives, compared by hash; frames stay tiny."""

from __future__ import annotations

import collections
import os

import pytest
from fakes.comfyui import FakeComfyUI
from fakes.project import SLUG
from kfkit import sha

from filmsofone import store
from filmsofone.generate import generate_scenes
from filmsofone.keyframes import current_keyframe, in_frame, make_keyframes


def run(ws, fake, workflow: str):
    return generate_scenes(ws, SLUG, ["1.1"], backend="comfyui",
                           options={"url": fake.url, "workflow": workflow, "poll_interval": 0.05})


def test_the_i2v_workflow_starts_each_shot_from_its_keyframe(ws, cast):
    make_keyframes(ws, SLUG, ["1.1"])  # a free backend: no approval needed
    project = ws.project(SLUG)
    shots = store.load_shots(project.db_path, "1.1")
    with FakeComfyUI(job_seconds=0.1) as fake:
        report = run(ws, fake, "weightless-i2v")
        uploaded = collections.Counter(sha(data) for data in fake.uploads.values())
    assert report.ok and len(report.made) == 3
    assert uploaded == collections.Counter(sha(current_keyframe(project, s)) for s in shots)


def test_the_reference_workflow_carries_the_most_prominent_face_in_frame(ws, cast):
    project = ws.project(SLUG)
    analysis = store.load_analysis(project.db_path)
    shots = store.load_shots(project.db_path, "1.1")
    with FakeComfyUI(job_seconds=0.1) as fake:
        report = run(ws, fake, "weightless-ref")
        uploaded = collections.Counter(sha(data) for data in fake.uploads.values())
    assert report.ok and len(report.made) == 3
    assert uploaded == collections.Counter(sha(cast[in_frame(s, analysis)[0]]) for s in shots)


@pytest.mark.skipif(not os.environ.get("COMFYUI_URL"), reason="set COMFYUI_URL to test against a real ComfyUI")
@pytest.mark.parametrize("workflow,field", [("weightless-i2v", "first_frame"), ("weightless-ref", "references")])
def test_the_frame_workflows_on_a_real_comfyui_server(tmp_path, workflow, field):
    """Opt-in: the bundled image workflows on a real server, at 320x180 for one second (seconds on a CPU)."""
    import asyncio

    from PIL import Image

    from filmsofone import ffmpeg
    from filmsofone.backends import remote
    from filmsofone.backends.base import GenerationRequest
    from filmsofone.backends.comfyui import ComfyUIBackend

    still = tmp_path / "still.png"
    Image.new("RGB", (320, 180), (200, 40, 160)).save(still)
    backend = ComfyUIBackend(ComfyUIBackend.make_options({"url": os.environ["COMFYUI_URL"], "workflow": workflow}))
    image = {"first_frame": still} if field == "first_frame" else {"references": [still]}
    request = GenerationRequest(shot_id=f"real-{os.getpid()}", prompt="a lantern", duration=1.0, resolution="320x180",
                                seed=int.from_bytes(os.urandom(3), "big"), idempotency_key=os.urandom(8).hex(),
                                **image)
    dest = tmp_path / "real.mp4"

    async def go():
        async with backend.client() as client:
            await remote.make(backend, client, request, dest, check=lambda path: asyncio.sleep(0))

    asyncio.run(go())
    info = ffmpeg.probe(dest)
    assert abs(info.duration - 1.0) < 0.2 and (info.width, info.height) == (320, 180)
