"""On a scene of the bundled sample whose two leads have picked faces: every keyframe request to Runway's
image API carries exactly the in-frame characters' picked faces, a paid video backend refuses shots whose
keyframe is not approved (spending nothing), and every image-to-video request carries the shot's approved
keyframe as its first frame. The fakes record what they receive; everything is compared by hash."""

from __future__ import annotations

import base64
import collections

import pytest
from fakes.hosted_base import cli, use_keys
from fakes.runway import KEY, FakeRunway
from kfkit import sha
from sqlmodel import select

from filmsofone import store
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


def test_keyframe_requests_carry_exactly_the_picked_faces_in_frame(sample, runway):
    ws, faces = sample
    report = make_keyframes(ws, SLUG, [SCENE], backend="runway-image",
                            options={"base_url": runway.url, "poll_interval": 0.01})
    shots = store.load_shots(ws.project(SLUG).db_path, SCENE)
    assert report.ok and sorted(report.made) == sorted(s.id for s in shots)
    creates = [r for r in runway.creates if r.path == "/v1/text_to_image"]
    sent = collections.Counter(frozenset(data_uri_sha(ref["uri"]) for ref in r.json().get("referenceImages", []))
                               for r in creates)
    expected = collections.Counter(frozenset(faces[c] for c in in_frame(s) if c in faces) for s in shots)
    assert sent == expected
    both = frozenset(faces.values())
    assert expected[both] > 0 and expected[frozenset()] > 0  # shots with both faces, and with neither
    again = make_keyframes(ws, SLUG, [SCENE], backend="runway-image",
                           options={"base_url": runway.url, "poll_interval": 0.01})
    assert again.made == [] and len(runway.creates) == len(creates)  # cached: nothing paid twice


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
