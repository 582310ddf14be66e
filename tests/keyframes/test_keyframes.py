"""Keyframes offline: made, cached, rejected and remade, references by prominence, approvals that survive
re-planning, the user's own image, and the gate in front of paid video backends."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from fakes.project import SLUG
from kfkit import sha
from PIL import Image

from filmsofone import backends, store
from filmsofone.backends.base import Backend, Capabilities, GenerationRequest
from filmsofone.keyframes import (
    approve,
    approved_keyframe,
    make_keyframes,
    read_index,
    reject,
    replace,
    storyboard,
)

SCENE = "1.1"


class RecordingImage(Backend):
    """A local image backend taking one reference; it records every request it is sent."""

    name: ClassVar[str] = "recording-image"
    kind: ClassVar[str] = "image"
    capabilities: ClassVar[Capabilities] = Capabilities(min_duration=0, max_duration=60, reference_images=1,
                                                        aspect_ratios=["16:9", "1:1"], prompt_limit=10_000)
    local: ClassVar[bool] = True
    received: ClassVar[list[GenerationRequest]] = []

    async def render(self, request: GenerationRequest, dest: Path) -> None:
        type(self).received.append(request)
        Image.new("RGB", (64, 36), (10, 20, 30)).save(dest, "PNG")


@pytest.fixture
def recorder():
    RecordingImage.received = []
    backends.register(RecordingImage)
    yield RecordingImage
    backends.reset_registry()


def test_keyframes_are_made_cached_and_remade_after_a_rejection(ws, cast):
    report = make_keyframes(ws, SLUG, [SCENE])
    assert sorted(report.made) == ["1.1-001", "1.1-002", "1.1-003"] and report.ok
    board = storyboard(ws, SLUG, SCENE)
    assert [b.shot.id for b in board] == ["1.1-001", "1.1-002", "1.1-003"]
    for item in board:
        with Image.open(item.current) as still:
            assert abs(still.width / still.height - 16 / 9) < 0.02
    again = make_keyframes(ws, SLUG, [SCENE])
    assert again.made == [] and len(again.cached) == 3
    first = board[1].current
    reject(ws, SLUG, "1.1-002")
    after = make_keyframes(ws, SLUG, [SCENE])
    assert after.made == ["1.1-002"] and len(after.cached) == 2
    second = storyboard(ws, SLUG, SCENE)[1]
    assert second.current_number == 2 and sha(second.current) != sha(first)


def test_references_go_by_prominence_and_the_rest_are_reported(ws, cast, recorder):
    project = ws.project(SLUG)
    shots = store.load_shots(project.db_path, SCENE)
    placed = shots[2].characters
    shots[2] = shots[2].model_copy(update={"characters": [placed[0].model_copy(update={"position": "offscreen"}),
                                                          placed[1]]})
    store.save_shots(project.db_path, SCENE, shots)
    report = make_keyframes(ws, SLUG, [SCENE], backend="recording-image")
    sent = {r.shot_id: [sha(p) for p in r.references] for r in recorder.received}
    assert sent["1.1-001"] == [sha(cast["c1"])]  # both in frame, no line: shot order; one reference fits
    assert report.left_out["1.1-001"] == ["Tom Quill's face"]
    assert sent["1.1-002"] == [sha(cast["c1"])]  # Ada speaks the line
    assert sent["1.1-003"] == [sha(cast["c2"])]  # Ada offscreen brings nothing
    assert "1.1-003" not in report.left_out


def test_approval_survives_replanning_an_unchanged_shot_and_lapses_when_it_changes(ws, cast):
    project = ws.project(SLUG)
    make_keyframes(ws, SLUG, [SCENE])
    approve(ws, SLUG, "1.1-002")
    shots = store.load_shots(project.db_path, SCENE)
    assert approved_keyframe(project, shots[1]) is not None
    # re-planned: a new shot first, the others renumbered, unchanged in content
    opening = shots[0].model_copy(update={"action": "A gull on the slipway."})
    renumbered = [s.model_copy(update={"id": f"{SCENE}-{i + 1:03d}", "order": i + 1})
                  for i, s in enumerate([opening, *shots])]
    store.save_shots(project.db_path, SCENE, renumbered)
    fresh = store.load_shots(project.db_path, SCENE)
    assert [approved_keyframe(project, s) is not None for s in fresh] == [False, False, True, False]
    changed = fresh[2].model_copy(update={"action": "Ada drops the lantern."})
    store.save_shots(project.db_path, SCENE, [*fresh[:2], changed, fresh[3]])
    assert approved_keyframe(project, store.load_shots(project.db_path, SCENE)[2]) is None


def test_an_image_of_the_users_own_replaces_the_keyframe_cropped_and_approved(ws, cast, tmp_path):
    painting = tmp_path / "painting.jpg"
    Image.new("RGB", (300, 300), (200, 40, 40)).save(painting, "JPEG")
    take = replace(ws, SLUG, "1.1-001", painting)
    project = ws.project(SLUG)
    shot = store.load_shots(project.db_path, SCENE)[0]
    path = approved_keyframe(project, shot)
    assert path == project.root / take.file and take.source == "upload"
    with Image.open(path) as still:
        assert abs(still.width / still.height - 16 / 9) < 0.02
        r, g, b = still.convert("RGB").getpixel((still.width // 2, still.height // 2))
        assert r > 150 and g < 90
    not_an_image = tmp_path / "notes.txt"
    not_an_image.write_text("hello")
    from filmsofone.errors import UserError

    with pytest.raises(UserError, match="not an image"):
        replace(ws, SLUG, "1.1-001", not_an_image)


def test_the_index_survives_as_json_and_records_takes(ws, cast):
    make_keyframes(ws, SLUG, [SCENE])
    index = read_index(ws.project(SLUG))
    assert {t.backend for e in index.shots.values() for t in e.takes} == {"animatic-frame"}
    assert all(e.pending is None for e in index.shots.values())
