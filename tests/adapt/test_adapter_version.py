"""An adaptation made by an older version of the adapter, from the same book and choices: taken over when the
new version makes the same film, replaced when nothing was made from the scenes it changes, kept with a notice
(how to take the new one, what it would leave unused) when clips were made for them; `adapt S --fresh` takes it."""

from __future__ import annotations

import hashlib
import json

from filmsofone import store
from filmsofone.adapt import adapt, current_adaptation, load_choices
from filmsofone.adapt.saved import _UNSTAMPED, ADAPTATION_FILE, adaptation_key, adapter_version
from filmsofone.project import load_text
from filmsofone.store import JobRow, TakeRow

from .conftest import SAMPLE
from .test_cli_adapt import run as _run

OLD_LINE = "Pellow waits by the gate."  # an action line no version of the adapter writes for the sample


def _age(ws, *, change: bool) -> str:
    """Make the stored adaptation an older version's; with `change`, one whose first kept scene differs."""
    path = ws.project(SAMPLE).root / ADAPTATION_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    document["version"] = "4-0123456789ab"
    scene = next(s for s in document["adaptation"]["scenes"] if s["kept"])
    if change:
        scene["beats"][0] = {**scene["beats"][0], "kind": "action", "text": OLD_LINE, "speaker": None, "quote": None}
    path.write_text(json.dumps(document), encoding="utf-8")
    return scene["id"]


def _clip(ws, scene_id: str, cost: float) -> None:
    with store.session_for(ws.project(SAMPLE).db_path) as session:
        job = JobRow(shot_id=f"{scene_id}-001", scene=scene_id, backend="runway", cache_key="k", status="done", cost=cost)
        session.add(job)
        session.commit()
        session.add(TakeRow(shot_id=f"{scene_id}-001", scene=scene_id, job_id=job.id, backend="runway", cache_key="k",
                            path="clips/take.mp4", duration=5.0))
        session.commit()


def _texts(adaptation) -> list[str]:
    return [b.text for s in adaptation.scenes for b in s.beats]


def _stored(ws) -> dict:
    return json.loads((ws.project(SAMPLE).root / ADAPTATION_FILE).read_text(encoding="utf-8"))


def test_the_same_film_from_a_newer_adapter_is_taken_over_silently(sample_ws):
    first = adapt(sample_ws, SAMPLE)
    _age(sample_ws, change=False)
    again = adapt(sample_ws, SAMPLE)
    assert again == first and not again.warnings
    assert _stored(sample_ws)["version"] == adapter_version()


def test_an_older_adaptation_nothing_was_made_from_is_replaced(sample_ws):
    adapt(sample_ws, SAMPLE)
    _age(sample_ws, change=True)
    assert OLD_LINE not in _texts(current_adaptation(sample_ws, SAMPLE).adaptation)  # the room shows the new one
    fresh = adapt(sample_ws, SAMPLE)
    assert OLD_LINE not in _texts(fresh) and not fresh.warnings
    assert _stored(sample_ws)["version"] == adapter_version()


def test_an_older_adaptation_with_clips_is_kept_and_the_user_told_how_to_take_the_new_one(sample_ws, capsys):
    adapt(sample_ws, SAMPLE)
    scene = _age(sample_ws, change=True)
    _clip(sample_ws, scene, 1.25)
    kept = adapt(sample_ws, SAMPLE)
    assert OLD_LINE in _texts(kept)
    (notice,) = kept.warnings
    assert f"scenes {scene}" in notice and "1 clip(s) unused" in notice and "$1.25" in notice
    assert f"filmsofone adapt {SAMPLE} --fresh" in notice
    assert _stored(sample_ws)["checked"]["changes"] == [scene]  # compared once for this version
    assert not _stored(sample_ws)["adaptation"]["warnings"]  # the notice is said, not stored
    assert OLD_LINE in _texts(current_adaptation(sample_ws, SAMPLE).adaptation)  # the screening room shows the same

    code, out, err = _run(sample_ws, "adapt", SAMPLE, capsys=capsys)
    assert code == 0 and "--fresh" in err and OLD_LINE not in err
    code, out, err = _run(sample_ws, "adapt", SAMPLE, "--fresh", capsys=capsys)
    assert code == 0 and "older version" not in err
    assert OLD_LINE not in _texts(adapt(sample_ws, SAMPLE))
    assert _stored(sample_ws)["version"] == adapter_version()


def test_a_file_from_before_the_version_stamp_counts_as_made_from_the_same_book(sample_ws):
    adapt(sample_ws, SAMPLE)
    scene = _age(sample_ws, change=True)
    path = sample_ws.project(SAMPLE).root / ADAPTATION_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    text = load_text(sample_ws, SAMPLE)
    analysis = store.load_analysis(sample_ws.project(SAMPLE).db_path)
    del document["version"], document["checked"]
    document["key"] = adaptation_key(analysis, hashlib.sha256(text.encode()).hexdigest(),
                                     load_choices(sample_ws, SAMPLE), _UNSTAMPED)
    path.write_text(json.dumps(document), encoding="utf-8")
    _clip(sample_ws, scene, 0.0)
    kept = adapt(sample_ws, SAMPLE)
    assert OLD_LINE in _texts(kept) and "1 clip(s) unused" in kept.warnings[0] and "paid" not in kept.warnings[0]

