"""Keyframes through Grok Imagine's and Scenario's image APIs (against their fakes; that each carries exactly
the in-frame faces is tests/keyframes/test_sample_faces_carry.py): stills are stored as PNG and made once, the
price shows before any spend, a refused still is never resent by itself, nothing is sent without both of
Scenario's secrets, and Grok Imagine's video (a paid backend) waits for the storyboard and spends nothing."""

from __future__ import annotations

import pytest
from fakes.hosted_base import cli, use_keys
from fakes.project import SLUG
from fakes.scenario import KEY as SCENARIO_KEY
from fakes.scenario import MODEL, SECRET, FakeScenario
from fakes.xai import KEY as XAI_KEY
from fakes.xai import FakeXai

from filmsofone import store
from filmsofone.errors import BackendError
from filmsofone.generate import generate_scenes
from filmsofone.generate.api import StoryboardNotApproved
from filmsofone.keyframes import make_keyframes, read_index

SCENE = "1.1"
RIGS = {  # backend: (fake, options(fake), keys)
    "grok-imagine-image": (FakeXai, lambda f: {"base_url": f.url}, {"XAI_API_KEY": XAI_KEY}),
    "scenario": (lambda: FakeScenario(polls_to_finish=1), lambda f: {"base_url": f.url, "model": MODEL},
                 {"SCENARIO_API_KEY": SCENARIO_KEY, "SCENARIO_API_SECRET": SECRET}),
}


@pytest.fixture(params=list(RIGS))
def rig(request, monkeypatch, tmp_path):
    factory, options, keys = RIGS[request.param]
    use_keys(monkeypatch, tmp_path, **keys)
    with factory() as fake:
        yield request.param, fake, {**options(fake), "poll_interval": 0.01}


def test_each_still_is_made_once_and_stored_as_png(ws, cast, rig):
    name, fake, options = rig
    report = make_keyframes(ws, SLUG, [SCENE], backend=name, options=options)
    shots = store.load_shots(ws.project(SLUG).db_path, SCENE)
    assert report.ok and sorted(report.made) == [s.id for s in shots]
    takes = [ws.project(SLUG).root / t.file for e in read_index(ws.project(SLUG)).shots.values() for t in e.takes]
    assert len(takes) == len(shots) and all(p.read_bytes().startswith(b"\x89PNG") for p in takes)  # xAI: JPEG
    again = make_keyframes(ws, SLUG, [SCENE], backend=name, options=options)
    assert again.made == [] and len(fake.creates) == len(shots)  # cached: nothing paid twice


def test_the_price_shows_before_anything_is_sent(ws, cast, rig, capsys):
    name, fake, options = rig
    argv = ["--workspace", ws.root, "keyframes", SLUG, "--scene", SCENE, "--backend", name, "--dry-run"]
    for option, value in options.items():
        argv += ["--option", f"{option}={value}"]
    code, out, err = cli(capsys, *argv)
    assert code == 0, err
    assert "$" in out and fake.requests == []


def test_a_refused_still_is_not_resent_until_asked(ws, cast, rig):
    name, fake, options = rig
    fake.outcome = "moderated"
    first = make_keyframes(ws, SLUG, None, shot_ids=["1.1-001"], backend=name, options=options)
    assert "1.1-001" in first.failed and "moderation" in first.failed["1.1-001"]
    fake.outcome = "success"
    again = make_keyframes(ws, SLUG, [SCENE], backend=name, options=options)
    assert "refused earlier" in again.failed["1.1-001"]
    asked = make_keyframes(ws, SLUG, None, shot_ids=["1.1-001"], backend=name, options=options)
    assert asked.made == ["1.1-001"], asked.failed


def test_scenario_sends_nothing_without_its_api_key(ws, cast, monkeypatch, tmp_path):
    use_keys(monkeypatch, tmp_path, SCENARIO_API_SECRET=SECRET)
    monkeypatch.delenv("SCENARIO_API_KEY", raising=False)
    with FakeScenario() as fake:
        with pytest.raises(BackendError, match="SCENARIO_API_KEY"):
            make_keyframes(ws, SLUG, [SCENE], backend="scenario", options={"base_url": fake.url, "model": MODEL})
        assert fake.requests == []


def test_grok_imagine_video_waits_for_the_storyboard_and_spends_nothing(ws, cast, monkeypatch, tmp_path, capsys):
    use_keys(monkeypatch, tmp_path, XAI_API_KEY=XAI_KEY)
    make_keyframes(ws, SLUG, [SCENE])  # offline stills, none approved
    with FakeXai() as fake:
        options = {"base_url": fake.url, "poll_interval": 0.01}
        with pytest.raises(StoryboardNotApproved, match="3 of 3 shots have no approved keyframe"):
            generate_scenes(ws, SLUG, [SCENE], backend="grok-imagine", options=options, require_approval=True)
        code, out, err = cli(capsys, "--workspace", ws.root, "generate", SLUG, "--scene", SCENE, "--backend",
                             "grok-imagine", "--option", f"base_url={fake.url}", "--dry-run")
        assert code == 0 and "$" in out and "shots have no approved keyframe" in out
        assert fake.requests == []


def test_a_grok_image_made_but_not_fetched_is_fetched_next_run_without_paying_again(ws, cast, monkeypatch, tmp_path):
    use_keys(monkeypatch, tmp_path, XAI_API_KEY=XAI_KEY)
    with FakeXai() as fake:
        options = {"base_url": fake.url, "poll_interval": 0.01}
        fake.expire_outputs = True  # the image is made, its URL does not serve (as after a crash, or a lost link)
        first = make_keyframes(ws, SLUG, None, shot_ids=["1.1-001"], backend="grok-imagine-image", options=options)
        assert "1.1-001" in first.failed and len(fake.creates) == 1
        assert read_index(ws.project(SLUG)).shots["1.1-001"].pending.remote_id.startswith(fake.url)
        fake.expire_outputs = False
        again = make_keyframes(ws, SLUG, [SCENE], backend="grok-imagine-image", options=options)
        assert sorted(again.made) == ["1.1-001", "1.1-002", "1.1-003"]
        assert len(fake.creates) == 3  # the first still was fetched from its URL, not made again


def test_scenario_without_a_model_is_one_line_and_exit_2(ws, cast, monkeypatch, tmp_path, capsys):
    use_keys(monkeypatch, tmp_path, SCENARIO_API_KEY=SCENARIO_KEY, SCENARIO_API_SECRET=SECRET)
    code, out, err = cli(capsys, "--workspace", ws.root, "keyframes", SLUG, "--scene", SCENE, "--backend", "scenario")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--option model=" in err
    assert SECRET not in err + out and SCENARIO_KEY not in err + out


def test_a_scenario_dry_run_without_a_model_is_priced_and_says_a_model_is_needed(ws, cast, capsys):
    code, out, err = cli(capsys, "--workspace", ws.root, "keyframes", SLUG, "--scene", SCENE, "--backend", "scenario",
                         "--dry-run")
    shown = " ".join(out.split())
    assert code == 0, err
    assert "estimated $" in shown and "on scenario" in shown and "needed a character model to run: --option model=" in shown
