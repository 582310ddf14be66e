"""The adaptation kept in the project: the user's choices survive re-adaptation and re-import."""

from __future__ import annotations


import pytest

from filmsofone import books, store
from filmsofone.adapt import adapt, load_choices, set_runtime, set_scene_choice
from filmsofone.adapt.saved import ADAPTATION_FILE, CHOICES_FILE
from filmsofone.errors import UserError
from filmsofone.plan import plan_book

from .conftest import SAMPLE


def test_default_target_follows_the_book_and_is_met(sample_ws):
    adaptation = adapt(sample_ws, SAMPLE)
    assert 10 * 60 <= adaptation.target_seconds <= 20 * 60
    assert abs(adaptation.total_seconds - adaptation.target_seconds) <= 0.1 * adaptation.target_seconds
    assert 0 < len(adaptation.kept_ids()) < len(adaptation.scenes)
    assert (sample_ws.project(SAMPLE).root / ADAPTATION_FILE).is_file()


def test_choices_survive_re_adaptation_and_re_import(sample_ws):
    first = adapt(sample_ws, SAMPLE)
    cut = next(s.id for s in first.scenes if not s.kept)
    kept = first.kept_ids()[0]
    set_runtime(sample_ws, SAMPLE, "15m")
    set_scene_choice(sample_ws, SAMPLE, cut, keep=True)
    set_scene_choice(sample_ws, SAMPLE, kept, drop=True)
    set_scene_choice(sample_ws, SAMPLE, first.kept_ids()[1], weight=1.5)

    def check(adaptation):
        assert adaptation.target_seconds == 900
        assert adaptation.scene(cut).kept and adaptation.scene(cut).note == "pinned by you"
        assert not adaptation.scene(kept).kept and adaptation.scene(kept).note == "dropped by you"
        assert abs(adaptation.total_seconds - 900) <= 90

    check(adapt(sample_ws, SAMPLE))
    check(adapt(sample_ws, SAMPLE, force=True))  # re-adaptation
    book = sample_ws.books_dir / f"{SAMPLE}.txt"
    books.import_book(sample_ws, book, slug=SAMPLE)  # re-import
    assert load_choices(sample_ws, SAMPLE).scenes[first.kept_ids()[1]].weight == 1.5
    check(adapt(sample_ws, SAMPLE))
    planned = plan_book(sample_ws, SAMPLE)
    assert planned[cut] and not planned[kept]


def test_a_stored_adaptation_is_reused_until_something_changes(sample_ws):
    adapt(sample_ws, SAMPLE)
    path = sample_ws.project(SAMPLE).root / ADAPTATION_FILE
    stamp = path.stat().st_mtime_ns
    adapt(sample_ws, SAMPLE)
    assert path.stat().st_mtime_ns == stamp
    set_runtime(sample_ws, SAMPLE, "10m")
    assert adapt(sample_ws, SAMPLE).target_seconds == 600
    set_runtime(sample_ws, SAMPLE, "default")
    assert adapt(sample_ws, SAMPLE).target_seconds != 600
    assert not list(sample_ws.project(SAMPLE).root.glob("*.tmp"))


def test_a_broken_adaptation_file_is_made_again_a_broken_choices_file_is_reported(sample_ws):
    root = sample_ws.project(SAMPLE).root
    adapt(sample_ws, SAMPLE)
    (root / ADAPTATION_FILE).write_text("{not json", encoding="utf-8")
    assert adapt(sample_ws, SAMPLE).scenes
    (root / CHOICES_FILE).write_text('{"runtime_seconds": "soon"}', encoding="utf-8")
    with pytest.raises(UserError, match="cannot be read"):
        adapt(sample_ws, SAMPLE)


def test_bad_scene_choices(sample_ws):
    with pytest.raises(UserError, match="no scene '9.9'"):
        set_scene_choice(sample_ws, SAMPLE, "9.9", keep=True)
    with pytest.raises(UserError, match="both kept and dropped"):
        set_scene_choice(sample_ws, SAMPLE, "1.1", keep=True, drop=True)
    with pytest.raises(UserError, match="weight"):
        set_scene_choice(sample_ws, SAMPLE, "1.1", weight=0)
    set_scene_choice(sample_ws, SAMPLE, "1.1", weight=2)
    set_scene_choice(sample_ws, SAMPLE, "1.1", clear=True)
    assert "1.1" not in load_choices(sample_ws, SAMPLE).scenes


def test_generate_all_dry_run_prices_the_adapted_film(sample_ws):
    from filmsofone.generate import generate_scenes

    adaptation = adapt(sample_ws, SAMPLE)
    report = generate_scenes(sample_ws, SAMPLE, None, backend="runway", dry_run=True)
    assert {p.scene for p in report.planned} == set(adaptation.kept_ids())
    seconds = sum(p.seconds for p in report.planned)
    assert abs(seconds - adaptation.target_seconds) <= 0.15 * adaptation.target_seconds
    assert report.estimated_cost > 0
    with pytest.raises(UserError, match="cut by the adaptation"):
        generate_scenes(sample_ws, SAMPLE, [next(s.id for s in adaptation.scenes if not s.kept)], dry_run=True)
    assert store.load_shots(sample_ws.project(SAMPLE).db_path)
