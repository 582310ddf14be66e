"""ComfyUI's bundled image-to-video and reference-image workflows against the fake server: the keyframe
(or the most prominent picked face) is what the server receives, compared by hash; frames stay tiny."""

from __future__ import annotations

import collections

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
