"""`plan`, `shots`, `prompts` and `export` at the command line."""

from __future__ import annotations

import json

import pytest

from filmsofone import store
from filmsofone.cli import main

SLUG = "the-lantern-keepers"


def run(capsys, ws, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["--workspace", str(ws.root), *argv])
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_plan_json_then_shots_table(capsys, sample_ws):
    code, out, _ = run(capsys, sample_ws, "plan", SLUG, "--scene", "1.2", "--json")
    assert code == 0
    planned = json.loads(out)
    assert list(planned) == ["1.2"] and planned["1.2"][0]["id"] == "1.2-001"
    code, out, _ = run(capsys, sample_ws, "shots", SLUG, "--scene", "1.2")
    assert code == 0 and out.count("1.2-0") == len(planned["1.2"])


def test_plan_with_intent_stores_it(capsys, sample_ws):
    code, out, _ = run(capsys, sample_ws, "plan", SLUG, "--scene", "1.1", "--intent", "from dread to relief")
    assert code == 0 and "planned" in out and "from dread to relief" in out
    from filmsofone.project import load_intents

    assert load_intents(sample_ws.project(SLUG).db_path) == {"1.1": "from dread to relief"}
    code, _, err = run(capsys, sample_ws, "plan", SLUG, "--scene", "1.1", "--intent", "purple")
    assert code == 2 and "no mood" in err


def test_shots_edit_commands(capsys, sample_ws):
    run(capsys, sample_ws, "plan", SLUG, "--scene", "1.1")
    code, out, _ = run(capsys, sample_ws, "shots", "set", SLUG, "1.1-002", "size=CU", "locked=true")
    assert code == 0 and "CU" in out
    code, out, _ = run(capsys, sample_ws, "shots", "add", SLUG, "--scene", "1.1", "--after", "1.1-002",
                       "size=insert", "action=The letter.")
    assert code == 0 and "position 3" in out
    code, out, _ = run(capsys, sample_ws, "shots", "move", SLUG, "1.1-004", "--to", "1")
    assert code == 0 and out.split()[0] == "1.1-004"
    code, out, _ = run(capsys, sample_ws, "shots", "rm", SLUG, "1.1-005")
    assert code == 0 and "removed 1.1-005" in out
    shots = store.load_shots(sample_ws.project(SLUG).db_path, "1.1")
    assert shots[0].id == "1.1-004" and shots[0].edited
    assert next(s for s in shots if s.id == "1.1-002").locked
    code, _, err = run(capsys, sample_ws, "shots", "set", SLUG, "1.1-002", "size=HUGE")
    assert code == 2 and "invalid shot value" in err and len(err.strip().splitlines()) == 1


def test_prompts_command(capsys, sample_ws):
    code, out, _ = run(capsys, sample_ws, "prompts", SLUG, "--scene", "1.2", "--json")
    assert code == 0
    prompts = json.loads(out)
    assert prompts[0]["shot_id"] == "1.2-001" and prompts[0]["prompt"]
    code, out, _ = run(capsys, sample_ws, "prompts", SLUG, "--scene", "1.2")
    assert code == 0 and "1.2-001" in out
    code, _, err = run(capsys, sample_ws, "prompts", SLUG, "--scene", "9.9")
    assert code == 2 and "no scene '9.9'" in err


def test_export_fountain_to_stdout(capsys, sample_ws):
    run(capsys, sample_ws, "plan", SLUG)
    code, out, _ = run(capsys, sample_ws, "export", SLUG, "--format", "fountain")
    assert code == 0 and out.startswith("Title: The Lantern Keepers") and "FADE OUT." in out
