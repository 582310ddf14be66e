"""On a scene of the bundled sample whose two leads have picked faces: every keyframe request to each
reference-taking image backend (`IMAGE_RIGS`: Runway's, fal's and Replicate's multi-reference models, ComfyUI,
Grok Imagine's and Scenario's)
carries exactly the in-frame characters' picked faces, a paid video backend refuses shots whose
keyframe is not approved (spending nothing), and every image-to-video request carries the shot's approved
keyframe as its first frame. The fakes record what they receive; everything is compared by hash."""

from __future__ import annotations

import base64
import collections
from dataclasses import dataclass
from collections.abc import Callable

import pytest
from fakes.comfyui import FakeComfyUI
from fakes.fal import FakeFal
from fakes.hosted_base import cli, use_keys
from fakes.replicate import FakeReplicate
from fakes.runway import KEY, FakeRunway
from fakes.scenario import KEY as SCENARIO_KEY
from fakes.scenario import MODEL, SECRET, FakeScenario
from fakes.xai import KEY as XAI_KEY
from fakes.xai import FakeXai
from kfkit import sha
from sqlmodel import select

from filmsofone import store
from filmsofone.backends.comfyui import blank_reference
from filmsofone.generate import generate_scenes
from filmsofone.generate.api import StoryboardNotApproved
from filmsofone.keyframes import (
    approve,
    approved_keyframe,
    in_frame,
    make_keyframes,
    storyboard,
)
from filmsofone.store.tables import JobRow

SLUG, SCENE = "sample", "1.2"  # the quay: Ada Quill, Theodore Vane and Robin Harrow
PICKED = ("Ada Quill", "Theodore Vane")
VIDEO_SHOTS = 8


@pytest.fixture(scope="module")
def sample(tmp_path_factory, sample_book):
    from filmsofone.audition import audition, pick
    from filmsofone.bible import load_bible
    from filmsofone.books import import_book
    from filmsofone.plan import plan_book
    from filmsofone.workspace import Workspace

    ws = Workspace(tmp_path_factory.mktemp("sample") / "ws").ensure()
    import_book(ws, sample_book, slug=SLUG)
    plan_book(ws, SLUG, scene_id=SCENE)
    faces = {}
    for name in PICKED:
        audition(ws, SLUG, name, n=2)
        pick(ws, SLUG, name, 1)
        person = load_bible(ws, SLUG).character(name)
        faces[person.id] = sha(ws.root / person.reference_images[0])
    return ws, faces


@pytest.fixture
def runway(monkeypatch, tmp_path):
    use_keys(monkeypatch, tmp_path, RUNWAYML_API_SECRET=KEY)
    with FakeRunway(polls_to_finish=1) as fake:
        yield fake


def data_uri_sha(uri: str) -> str:
    return sha(base64.b64decode(uri.split(",", 1)[1]))


@dataclass
class ImageRig:
    """A reference-taking image backend against its fake: how to start it, its options and its keys."""

    fake: Callable[[], object]  # started on enter; has received_references() -> list[list[bytes]]
    options: Callable[[object], dict]
    keys: Callable[[object], dict[str, str]]
    fillers: tuple[bytes, ...] = ()  # what the backend loads into a reference slot the shot has no image for


IMAGE_RIGS = {  # every registered image backend that takes reference images (the `left out` test below too)
    "runway-image": ImageRig(lambda: FakeRunway(polls_to_finish=1), lambda f: {"base_url": f.url},
                             lambda f: {"RUNWAYML_API_SECRET": KEY}),
    "fal-image": ImageRig(lambda: FakeFal(job_seconds=0.05), lambda f: {"base_url": f.url},
                          lambda f: {"FAL_KEY": f.key}),
    "replicate-image": ImageRig(lambda: FakeReplicate(job_seconds=0.05), lambda f: {"base_url": f.url},
                                lambda f: {"REPLICATE_API_TOKEN": f.token}),
    "comfyui-image": ImageRig(lambda: FakeComfyUI(job_seconds=0.02), lambda f: {"url": f.url, "websocket": False},
                              lambda f: {}, fillers=(blank_reference(),)),
    "grok-imagine-image": ImageRig(FakeXai, lambda f: {"base_url": f.url}, lambda f: {"XAI_API_KEY": XAI_KEY}),
    "scenario": ImageRig(lambda: FakeScenario(polls_to_finish=1), lambda f: {"base_url": f.url, "model": MODEL},
                         lambda f: {"SCENARIO_API_KEY": SCENARIO_KEY, "SCENARIO_API_SECRET": SECRET}),
}


def test_every_image_backend_that_sends_references_has_a_rig():
    from filmsofone.backends import backend_class, backend_names

    senders = [n for n in backend_names(kind="image")
               if not backend_class(n).local and backend_class(n).capabilities.reference_images > 0]
    assert sorted(senders) == sorted(IMAGE_RIGS)


@pytest.mark.parametrize("name", list(IMAGE_RIGS))
def test_keyframe_requests_carry_exactly_the_picked_faces_in_frame(name, sample, monkeypatch, tmp_path):
    ws, faces = sample
    rig = IMAGE_RIGS[name]
    with rig.fake() as fake:
        use_keys(monkeypatch, tmp_path, **rig.keys(fake))
        options = {**rig.options(fake), "poll_interval": 0.01}
        report = make_keyframes(ws, SLUG, [SCENE], backend=name, options=options)
        shots = store.load_shots(ws.project(SLUG).db_path, SCENE)
        assert report.ok and sorted(report.made) == sorted(s.id for s in shots)
        received = fake.received_references()
        sent = collections.Counter(frozenset(sha(image) for image in images if image not in rig.fillers)
                                   for images in received)
        expected = collections.Counter(frozenset(faces[c] for c in in_frame(s) if c in faces) for s in shots)
        assert sent == expected and len(received) == len(shots)
        both = frozenset(faces.values())
        assert expected[both] > 0 and expected[frozenset()] > 0  # shots with both faces, and with neither
        again = make_keyframes(ws, SLUG, [SCENE], backend=name, options=options)
        assert again.made == [] and len(fake.received_references()) == len(received)  # cached: nothing paid twice


def test_a_paid_video_backend_refuses_unapproved_shots_and_spends_nothing(sample, runway, capsys):
    ws, _ = sample
    make_keyframes(ws, SLUG, [SCENE])
    options = {"base_url": runway.url, "model": "gen4_turbo", "poll_interval": 0.01}
    with pytest.raises(StoryboardNotApproved, match=r"\d+ of \d+ shots have no approved keyframe"):
        generate_scenes(ws, SLUG, [SCENE], backend="runway", options=options, require_approval=True)
    code, out, err = cli(capsys, "--workspace", ws.root, "generate", SLUG, "--scene", SCENE, "--backend", "runway",
                         "--option", f"base_url={runway.url}", "--option", "model=gen4_turbo")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "have no approved keyframe" in err and "--no-storyboard" in err and "keyframes sample approve" in err
    code, out, err = cli(capsys, "--workspace", ws.root, "generate", SLUG, "--scene", SCENE, "--backend", "runway",
                         "--option", f"base_url={runway.url}", "--option", "model=gen4_turbo", "--dry-run")
    assert code == 0 and "shots have no approved keyframe" in out  # the price first, and what is waiting
    assert runway.creates == []


def test_image_to_video_requests_carry_each_shots_approved_keyframe(sample, runway):
    ws, _ = sample
    make_keyframes(ws, SLUG, [SCENE])  # offline stills: a different picture per shot
    board = storyboard(ws, SLUG, SCENE)[:VIDEO_SHOTS]
    for item in board:
        approve(ws, SLUG, item.shot.id)
    project = ws.project(SLUG)
    shot_ids = [item.shot.id for item in board]
    report = generate_scenes(ws, SLUG, None, shot_ids=shot_ids, backend="runway", require_approval=True,
                             options={"base_url": runway.url, "model": "gen4_turbo", "poll_interval": 0.01})
    assert report.ok and sorted(report.made) == sorted(shot_ids)
    approved = {s.id: sha(approved_keyframe(project, s)) for s in (i.shot for i in board)}
    with store.session_for(project.db_path) as session:
        jobs = session.exec(select(JobRow).where(JobRow.backend == "runway")).all()
    shots_of_prompt = collections.defaultdict(set)
    for job in jobs:
        shots_of_prompt[job.request["prompt"]].add(job.shot_id)
    creates = [r.json() for r in runway.creates if r.path == "/v1/image_to_video"]
    assert len(creates) == VIDEO_SHOTS
    for body in creates:
        assert data_uri_sha(body["promptImage"]) in {approved[s] for s in shots_of_prompt[body["promptText"]]}
    assert collections.Counter(data_uri_sha(b["promptImage"]) for b in creates) == \
        collections.Counter(approved.values())


def test_a_backend_taking_fewer_references_sends_the_most_prominent_and_names_the_rest(sample, monkeypatch,
                                                                                       tmp_path, capsys):
    from filmsofone.bible import load_bible
    from filmsofone.keyframes.requests import references

    ws, faces = sample
    shots = store.load_shots(ws.project(SLUG).db_path, SCENE)
    analysis = store.load_analysis(ws.project(SLUG).db_path)
    bible = load_bible(ws, SLUG)
    first = collections.Counter(frozenset(sha(r.path) for r in references(ws, bible, s, analysis)[:1]) for s in shots)
    with FakeReplicate(job_seconds=0.05) as fake:
        use_keys(monkeypatch, tmp_path, REPLICATE_API_TOKEN=fake.token)
        argv = ["--workspace", ws.root, "keyframes", SLUG, "--scene", SCENE, "--backend", "replicate-image",
                "--option", f"base_url={fake.url}", "--option", "model=black-forest-labs/flux-kontext-max",
                "--option", "poll_interval=0.01"]
        code, out, err = cli(capsys, *argv, "--dry-run")
        assert code == 0, err
        assert f"{len(shots)} keyframes, estimated ${0.08 * len(shots):.2f} on replicate-image" in " ".join(out.split())
        assert "left out" in out and "face" in out and fake.requests == []  # the price first, nothing sent
        code, out, err = cli(capsys, *argv)
        assert code == 0, err
        sent = collections.Counter(frozenset(sha(image) for image in images) for images in fake.received_references())
    assert sent == first and all(len(images) <= 1 for images in sent)
    assert any(len(images) == 1 for images in sent)
