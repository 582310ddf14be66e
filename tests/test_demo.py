"""The main job end to end: `filmsofone demo` makes a film of the whole sample book, offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from filmsofone import ffmpeg, project, store
from filmsofone.models import BookAnalysis
from filmsofone.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
SAMPLE_SLUG = "the-lantern-keepers"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Workspace, Path]:
    root = tmp_path_factory.mktemp("demo")
    done = subprocess.run([sys.executable, "-m", "filmsofone", "demo", "--workspace", str(root)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    film = Path(done.stdout.strip().splitlines()[-1])
    return Workspace(root.resolve()), film


def test_demo_prints_the_path_of_a_playable_film(demo):
    ws, film = demo
    assert film.is_file() and film.suffix == ".mp4"
    assert film.resolve().is_relative_to(ws.root)
    info = ffmpeg.probe(film)
    assert info.video and info.audio
    assert ffmpeg.decode_errors(film) == ""


def test_every_kept_scene_is_planned_and_generated(demo):
    ws, _ = demo
    from filmsofone.adapt import adapt
    from filmsofone.generate import chosen_takes

    kept = adapt(ws, SAMPLE_SLUG).kept_ids()
    shots = store.load_shots(ws.project(SAMPLE_SLUG).db_path)
    takes = chosen_takes(ws, SAMPLE_SLUG)
    assert {s.scene for s in shots} == set(kept)
    assert 0 < len(kept) < len(project.load_analysis(ws, SAMPLE_SLUG).scenes)
    assert set(takes) == {s.id for s in shots}
    for shot in shots:
        assert takes[shot.id].duration == pytest.approx(shot.duration, abs=0.1)


def test_film_lasts_the_sum_of_its_shots_and_cards(demo):
    ws, film = demo
    from filmsofone.assemble.cut import load_manifest

    manifest = load_manifest(film)
    shots = store.load_shots(ws.project(SAMPLE_SLUG).db_path)
    shot_seconds = sum(s.duration for s in shots)
    placed = {kind: sum(p.end - p.start for p in manifest.segments if (p.segment.kind == "shot") == (kind == "shot"))
              for kind in ("shot", "card")}
    assert placed["shot"] == pytest.approx(shot_seconds, abs=1.0)
    assert 0 < placed["card"] < 0.2 * shot_seconds
    assert set(manifest.scenes) == {s.scene for s in shots}
    assert ffmpeg.probe(film).duration == pytest.approx(shot_seconds + placed["card"], abs=1.0)


def test_film_follows_the_default_running_time(demo):
    ws, film = demo
    from filmsofone.adapt import adapt, default_target_seconds
    from filmsofone.adapt.runtime import word_count

    target = adapt(ws, SAMPLE_SLUG).target_seconds
    text = project.load_text(ws, SAMPLE_SLUG)
    assert 10 * 60 <= target <= 20 * 60  # a 10,000-word novella: 10 to 20 minutes, not 50
    assert target == pytest.approx(default_target_seconds(word_count(text[project.load_analysis(ws, SAMPLE_SLUG).scenes[0].start:])), abs=1)
    shot_seconds = sum(s.duration for s in store.load_shots(ws.project(SAMPLE_SLUG).db_path))
    assert abs(shot_seconds - target) <= 0.1 * target
    assert ffmpeg.probe(film).duration <= 1.2 * target


def test_show_json_follows_the_schema_and_finds_the_gold_cast(demo):
    ws, _ = demo
    done = subprocess.run([sys.executable, "-m", "filmsofone", "--workspace", str(ws.root), "show", SAMPLE_SLUG,
                           "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document) == {"book", "chapters", "scenes", "characters", "settings", "quotes"}
    analysis = BookAnalysis.model_validate(document)
    gold = json.loads((REPO / "tests" / "data" / f"{SAMPLE_SLUG}.gold.json").read_text())
    found = [{c.name, *c.aliases} for c in analysis.characters]
    for person in gold["characters"]:
        if person["role"] == "minor":
            continue
        names = {person["name"], *person["aliases"]}
        assert any(len(names & cluster) >= 2 for cluster in found), f"{person['name']} not found with its aliases"
    text = project.load_text(ws, SAMPLE_SLUG)
    for quote in analysis.quotes:
        assert all(0 <= a < b <= len(text) for a, b in quote.spans)
        assert text[quote.spans[0][0] - 1] in "“\"‘'"


def test_the_demo_is_voiced_scored_and_mastered(demo):
    """Every dialogue cue is heard on the dialogue stem (silencedetect), shots without lines are silent
    there, and the cut meets EBU R128 (-16 LUFS integrated, true peak at most -1 dBTP)."""
    _, film = demo
    from filmsofone.assemble.cut import load_manifest
    from filmsofone.sound.checks import speech_report

    manifest = load_manifest(film)
    assert set(manifest.stems) == {"dialogue", "music", "ambience"}
    report = speech_report(manifest)
    assert report.cues > 20 and report.heard_share >= 0.95
    assert report.silent_shots > 10 and report.silent_shots_with_speech == []
    assert report.loudness == pytest.approx(-16.0, abs=1.0) and report.true_peak <= -1.0
