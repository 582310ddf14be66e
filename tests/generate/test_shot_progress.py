"""Long jobs show which shot runs, its progress from the server's socket, and how long each shot took."""

from __future__ import annotations

from fakes.comfyui import FakeComfyUI
from fakes.hosted_base import cli
from fakes.project import SLUG, make_book

from filmsofone.generate import generate_scenes


def test_each_shot_shows_its_progress_and_time(ws):
    shots = make_book(ws, shots_per_scene=2, duration=1.0)
    ticks = []
    with FakeComfyUI(job_seconds=1.2) as fake:
        report = generate_scenes(ws, SLUG, ["1.1"], backend="comfyui", options={"url": fake.url, "poll_interval": 0.1},
                                 progress=lambda *tick: ticks.append(tick))
    made = [s.id for s in shots if s.scene == "1.1"]
    assert sorted(report.made) == made
    for shot_id in made:
        seen = [done for label, done, total in ticks if label == f"shot: {shot_id}"]
        assert seen[0] == 0 and seen[-1] == 100
        assert any(0 < done < 100 for done in seen)  # the socket's progress, between start and end
        assert report.timings[shot_id] >= 0.5
    assert {label.split(": ")[0] for label, *_ in ticks} == {"scene 1.1", "shot"}  # one bar for all shots


def test_the_command_lists_how_long_slow_shots_took(ws, capsys, monkeypatch):
    make_book(ws, shots_per_scene=2, duration=1.0)
    monkeypatch.setattr("filmsofone.cli.generate.SLOW_SHOT", 0.3)
    with FakeComfyUI(job_seconds=0.5) as fake:
        code, out, err = cli(capsys, "--workspace", ws.root, "generate", SLUG, "--scene", "1.1", "--backend",
                             "comfyui", "--option", f"url={fake.url}")
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("made in:"))
    assert "1.1-001" in line and "1.1-002" in line and " s" in line
