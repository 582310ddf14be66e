"""Scenes of the sample novella against its gold: setting, interior/exterior and time of day per scene."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from filmsofone.analysis import analyze
from filmsofone.ingest import read_book

GOLD = Path(__file__).resolve().parents[1] / "data" / "the-lantern-keepers.gold.json"


@pytest.fixture(scope="module")
def scored(sample_book_module):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    analysis = analyze(read_book(sample_book_module), slug="s", title="s")
    return gold, analysis


@pytest.fixture(scope="module")
def sample_book_module():
    from filmsofone.demo import sample_book_path

    return sample_book_path()


def _names(setting: dict) -> set[str]:
    return {n.lower().removeprefix("the ") for n in [setting["name"], *setting["aliases"]]}


def test_every_scene_has_a_setting_an_interior_and_a_time(scored):
    _, analysis = scored
    assert all(s.setting and s.interior is not None and s.time_of_day != "unknown" for s in analysis.scenes)


def test_time_of_day_and_interior_match_the_gold(scored):
    gold, analysis = scored
    assert len(analysis.scenes) == len(gold["scenes"])
    times = sum(a.time_of_day == g["time_of_day"] for a, g in zip(analysis.scenes, gold["scenes"]))
    inside = sum(a.interior == g["interior"] for a, g in zip(analysis.scenes, gold["scenes"]))
    assert times == len(gold["scenes"])
    assert inside == len(gold["scenes"])


def test_scene_settings_match_the_gold_places(scored):
    gold, analysis = scored
    gold_places = {g["name"]: _names(g) for g in gold["settings"]}
    ours = {s.id: _names({"name": s.name, "aliases": s.aliases}) for s in analysis.settings}
    right = sum(bool(ours[a.setting] & gold_places[g["setting"]]) for a, g in zip(analysis.scenes, gold["scenes"]))
    assert right >= 10
    anchor = next(s for s in analysis.settings if "anchor" in _names({"name": s.name, "aliases": s.aliases}))
    assert anchor.interior is True and anchor.name == "the Anchor"
