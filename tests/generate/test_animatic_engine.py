"""The animatic end to end: every shot made, cached on the second run, one edited prompt -> one new take."""

from __future__ import annotations

from filmsofone import ffmpeg, store
from filmsofone.generate import chosen_takes, generate_scenes

from fakes.project import SLUG, make_book


def test_animatic_makes_every_shot_of_a_scene_and_caches(ws):
    shots = make_book(ws, shots_per_scene=3, duration=1.5)
    ticks = []
    report = generate_scenes(ws, SLUG, ["1.1"], progress=lambda *tick: ticks.append(tick))
    assert ticks[0] == ("scene 1.1", 0, 3) and ticks[-1] == ("scene 1.1", 3, 3)
    scene_shots = [s.id for s in shots if s.scene == "1.1"]
    assert sorted(report.made) == scene_shots and report.ok
    takes = chosen_takes(ws, SLUG)
    assert sorted(takes) == scene_shots
    for take in takes.values():
        info = ffmpeg.probe(take.path)
        assert (info.width, info.height, info.fps) == (640, 360, 24.0)
        assert abs(info.duration - 1.5) < 0.1 and info.video and "48000 Hz" in info.audio[0]
        assert "stereo" in info.audio[0] and "h264" in info.video[0] and "yuv420p" in info.video[0]
        assert take.path.read_bytes()[:64].find(b"moov") >= 0  # +faststart: the index comes first

    again = generate_scenes(ws, SLUG, ["1.1"])
    assert again.made == [] and sorted(again.cached) == scene_shots


def test_editing_one_shot_regenerates_only_that_shot(ws):
    shots = make_book(ws, shots_per_scene=3, duration=1.0)
    generate_scenes(ws, SLUG, ["1.1"])
    before = chosen_takes(ws, SLUG)
    project = ws.project(SLUG)
    scene = [s for s in shots if s.scene == "1.1"]
    scene[1] = scene[1].model_copy(update={"action": "Ada lights the first lantern.", "edited": True})
    store.save_shots(project.db_path, "1.1", scene)
    report = generate_scenes(ws, SLUG, ["1.1"])
    assert report.made == [scene[1].id] and len(report.cached) == 2
    after = chosen_takes(ws, SLUG)
    assert after[scene[1].id].path != before[scene[1].id].path
    assert after[scene[0].id].path == before[scene[0].id].path


def test_animatic_is_deterministic(ws):
    make_book(ws, shots_per_scene=1, duration=1.0)
    generate_scenes(ws, SLUG, ["1.2"])
    first = chosen_takes(ws, SLUG)["1.2-001"].path.read_bytes()
    generate_scenes(ws, SLUG, None, shot_ids=["1.2-001"])  # --shot: a new take, made again
    takes = chosen_takes(ws, SLUG)
    assert takes["1.2-001"].path.read_bytes() == first


def test_partial_files_of_dead_jobs_are_cleaned_up(ws):
    make_book(ws, shots_per_scene=1, duration=1.0)
    folder = ws.project(SLUG).clips_dir / "1.1"
    folder.mkdir(parents=True)
    stale = folder / ".1.1-001-j99.part.mp4"
    stale.write_bytes(b"half a clip")
    generate_scenes(ws, SLUG, ["1.1"])
    assert not stale.exists() and not list(folder.glob(".*")) and len(list(folder.iterdir())) == 1
