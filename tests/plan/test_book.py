"""plan_book, prompts and exports on the sample novella, imported through the real import path."""

from __future__ import annotations

import pytest

from filmsofone import store
from filmsofone.adapt import adapt, set_runtime
from filmsofone.plan import plan_book
from filmsofone.prompts import render_prompts

SLUG = "the-lantern-keepers"


def test_plan_book_shoots_the_adaptation_and_cut_scenes_have_no_shots(sample_ws):
    adaptation = adapt(sample_ws, SLUG)
    planned = plan_book(sample_ws, SLUG)
    for scene in adaptation.scenes:
        shots = planned[scene.id]
        assert bool(shots) == scene.kept
        assert {q for s in shots for q in s.dialogue} == {b.quote for b in scene.beats if b.kind == "dialogue"}
        assert sum(s.duration for s in shots) == pytest.approx(scene.seconds, rel=0.05, abs=1.0)
    total = sum(s.duration for shots in planned.values() for s in shots)
    assert abs(total - adaptation.target_seconds) <= 0.1 * adaptation.target_seconds


def test_plan_book_at_full_length_stores_every_scene_and_every_quotation(sample_ws):
    set_runtime(sample_ws, SLUG, "10h")
    calls = []
    planned = plan_book(sample_ws, SLUG, progress=lambda label, done, total: calls.append((done, total)))
    analysis = store.load_analysis(sample_ws.project(SLUG).db_path)
    assert set(planned) == {s.id for s in analysis.scenes}
    assert calls[-1] == (len(analysis.scenes), len(analysis.scenes))
    stored = store.load_shots(sample_ws.project(SLUG).db_path)
    assert stored == [shot for scene in analysis.scenes for shot in planned[scene.id]]
    spoken = {q for shot in stored for q in shot.dialogue}
    assert spoken == {q.id for q in analysis.quotes if q.scene}


def test_render_prompts_for_the_animatic(sample_ws):
    shots = plan_book(sample_ws, SLUG, "1.1")["1.1"]
    prompts = render_prompts(sample_ws, SLUG, shots, backend="animatic")
    assert [p.shot_id for p in prompts] == [s.id for s in shots]
    assert all(p.prompt and p.duration == pytest.approx(s.duration) for p, s in zip(prompts, shots))
    assert all(p.seed is not None for p in prompts)


def test_plan_for_a_backend_splits_takes_to_its_longest_clip(sample_ws):
    from filmsofone.backends import backend_class

    longest = max(backend_class("veo").capabilities.durations)
    planned = plan_book(sample_ws, SLUG, "1.1", backend="veo")["1.1"]
    default = plan_book(sample_ws, SLUG, "1.1")["1.1"]
    assert all(s.duration <= longest for s in planned)
    assert len(planned) > len(default) and max(s.duration for s in default) > longest
    prompts = render_prompts(sample_ws, SLUG, planned, backend="veo")
    assert all(p.duration in backend_class("veo").capabilities.durations for p in prompts)
