"""Image-to-video end to end: every model that animates a first frame makes a whole scene against its fake,
each request carrying that shot's approved keyframe (compared by hash); and the per-shot rule for providers
that take frames or references but not both."""

from __future__ import annotations

import base64
import collections

import pytest
from fakes.fal import FakeFal
from fakes.hosted_base import use_keys
from fakes.kling import ACCESS, SECRET, FakeKling
from fakes.minimax import KEY as MINIMAX_KEY
from fakes.minimax import FakeMinimax
from fakes.project import SLUG
from fakes.replicate import FakeReplicate
from fakes.runway import KEY as RUNWAY_KEY
from fakes.runway import FakeRunway
from fakes.xai import KEY as XAI_KEY
from fakes.xai import FakeXai
from kfkit import sha

from filmsofone import store
from filmsofone.backends.base import Capabilities
from filmsofone.generate import chosen_takes, generate_scenes
from filmsofone.generate.requests import Frames, continues, shot_frames
from filmsofone.keyframes import approve, approved_keyframe, make_keyframes

SCENE = "1.1"


def decoded(value: str) -> bytes:
    return base64.b64decode(value.split(",", 1)[1] if value.startswith("data:") else value)


def fal_images(fake):
    return [decoded(job["input"]["image_url"]) for job in fake.jobs.values()]


def replicate_images(field):
    return lambda fake: [decoded(job["input"][field]) for job in fake.jobs.values()]


def posted_images(path, field):
    return lambda fake: [decoded(r.json()[field]) for r in fake.creates if r.path == path]


CASES = {  # name: (backend, fake factory, options, key env, what the fake received)
    "svd-fal": ("fal", lambda: FakeFal(job_seconds=0.2), {"model": "fal-ai/stable-video"}, "fal", fal_images),
    "svd-replicate": ("replicate", lambda: FakeReplicate(job_seconds=0.2),
                      {"model": "stability-ai/stable-video-diffusion"}, "replicate",  # the documented version
                      replicate_images("input_image")),
    "runway-gen4_turbo": ("runway", lambda: FakeRunway(polls_to_finish=1), {"model": "gen4_turbo"}, "runway",
                          posted_images("/v1/image_to_video", "promptImage")),
    "hailuo-i2v": ("minimax", lambda: FakeMinimax(polls_to_finish=1), {"model": "I2V-01"}, "minimax",
                   posted_images("/v1/video_generation", "first_frame_image")),
    "kling-image2video": ("kling", lambda: FakeKling(polls_to_finish=1), {}, "kling",
                          posted_images("/v1/videos/image2video", "image")),
    "seedance-i2v-fal": ("fal", lambda: FakeFal(job_seconds=0.2),
                         {"model": "fal-ai/bytedance/seedance/v1/lite/image-to-video"}, "fal", fal_images),
    "seedance-i2v-replicate": ("replicate", lambda: FakeReplicate(job_seconds=0.2),
                               {"model": "bytedance/seedance-1-lite"}, "replicate", replicate_images("image")),
    "grok-imagine-i2v": ("grok-imagine", lambda: FakeXai(polls_to_finish=1), {}, "xai", lambda fake: fake.first_frames()),
}


def keys_for(kind: str, fake) -> dict[str, str]:
    return {"fal": {"FAL_KEY": getattr(fake, "key", "")}, "replicate": {"REPLICATE_API_TOKEN": getattr(fake, "token", "")},
            "runway": {"RUNWAYML_API_SECRET": RUNWAY_KEY}, "minimax": {"MINIMAX_API_KEY": MINIMAX_KEY},
            "kling": {"KLING_ACCESS_KEY": ACCESS, "KLING_SECRET_KEY": SECRET}, "xai": {"XAI_API_KEY": XAI_KEY}}[kind]


@pytest.mark.parametrize("case", list(CASES))
def test_a_scene_is_made_from_its_approved_keyframes(case, ws, cast, monkeypatch, tmp_path):
    backend, factory, options, key_kind, received = CASES[case]
    make_keyframes(ws, SLUG, [SCENE])
    project = ws.project(SLUG)
    shots = store.load_shots(project.db_path, SCENE)
    for shot in shots:
        approve(ws, SLUG, shot.id)
    with factory() as fake:
        use_keys(monkeypatch, tmp_path, **keys_for(key_kind, fake))
        report = generate_scenes(ws, SLUG, [SCENE], backend=backend, require_approval=True,
                                 options={"base_url": fake.url, "poll_interval": 0.01, **options})
        assert report.ok, (report.failed, report.refused, report.unknown)
        assert sorted(report.made) == [s.id for s in shots]
        sent = collections.Counter(sha(image) for image in received(fake))
    assert sent == collections.Counter(sha(approved_keyframe(project, s)) for s in shots)
    assert sorted(chosen_takes(ws, SLUG)) == [s.id for s in shots]


def test_frames_or_references_per_shot_where_a_provider_cannot_take_both(ws, cast):
    from filmsofone.backends import get_backend
    from filmsofone.bible import load_bible
    from filmsofone.generate.requests import plan_requests
    from filmsofone.project import load_text

    make_keyframes(ws, SLUG, [SCENE])
    approve(ws, SLUG, "1.1-001")
    project = ws.project(SLUG)
    shots = store.load_shots(project.db_path, SCENE)
    kling = get_backend("kling", {"model": "kling-v1-6"}, key="unused")
    frames = shot_frames(shots, lambda s: approved_keyframe(project, s), kling.capabilities)
    planned = {p.shot.id: p.request for p in plan_requests(
        ws, SLUG, shots, kling, analysis=store.load_analysis(project.db_path), text=load_text(ws, SLUG),
        bible=load_bible(ws, SLUG), frames=frames)}
    assert planned["1.1-001"].first_frame is not None and planned["1.1-001"].references == []
    assert planned["1.1-002"].first_frame is None
    assert {sha(p) for p in planned["1.1-002"].references} == {sha(cast["c1"]), sha(cast["c2"])}


def test_the_next_keyframe_is_the_last_frame_only_across_one_continuous_setup(ws, cast):
    project = ws.project(SLUG)
    shots = store.load_shots(project.db_path, SCENE)
    same = [shots[0], shots[1].model_copy(update={"size": shots[0].size, "angle": shots[0].angle})]
    assert continues(same[0], same[1]) and not continues(shots[0], shots[1])
    assert not continues(same[1], same[0])
    keyframes = {s.id: project.root / f"{s.id}.png" for s in same}
    both = Capabilities(first_frame=True, last_frame=True)
    assert shot_frames(same, lambda s: keyframes[s.id], both) == {
        same[0].id: Frames(keyframes[same[0].id], keyframes[same[1].id]), same[1].id: Frames(keyframes[same[1].id])}
    first_only = Capabilities(first_frame=True)
    assert shot_frames(same, lambda s: keyframes[s.id], first_only)[same[0].id] == Frames(keyframes[same[0].id])
    assert shot_frames(same, lambda s: None, both)[same[0].id] == Frames()
