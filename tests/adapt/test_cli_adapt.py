"""`filmsofone adapt`: running time, scene choices, report, the JSON document, and one-line errors."""

from __future__ import annotations

import json

import pytest

from filmsofone.cli import main

from .conftest import SAMPLE


def run(ws, *args, capsys):
    try:
        main(["--workspace", str(ws.root), *args])
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args, message", [
    (["--runtime", "0"], "more than zero"),
    (["--runtime", "banana"], "cannot read the running time 'banana'"),
    (["--scene", "9.9", "--keep"], "no scene '9.9'"),
    (["--scene", "1.1"], "say what to do with the scene"),
    (["--keep"], "need --scene"),
])
def test_bad_input_is_one_line_and_status_2(sample_ws, capsys, args, message):
    code, out, err = run(sample_ws, "adapt", SAMPLE, *args, capsys=capsys)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1


def test_unknown_book(sample_ws, capsys):
    code, _, err = run(sample_ws, "adapt", "no-such-book", capsys=capsys)
    assert code == 2 and "no imported book" in err


def test_json_document_has_the_stable_schema(sample_ws, capsys):
    code, out, _ = run(sample_ws, "adapt", SAMPLE, "--runtime", "12m", "--json", capsys=capsys)
    assert code == 0
    document = json.loads(out)
    assert set(document) == {"target_seconds", "total_seconds", "adapter", "scenes"}
    assert document["target_seconds"] == 720 and document["adapter"] == "offline"
    assert abs(document["total_seconds"] - 720) <= 72
    for scene in document["scenes"]:
        assert set(scene) == {"id", "kept", "seconds", "beats"}
        assert scene["kept"] == bool(scene["beats"])
        for beat in scene["beats"]:
            assert set(beat) == {"kind", "text", "speaker", "quote", "source"}
            assert beat["kind"] in ("action", "dialogue", "voiceover")
            assert (beat["quote"] is not None) == (beat["kind"] == "dialogue")
            assert isinstance(beat["source"], list) and beat["source"][0] < beat["source"][1]


def test_scene_choices_and_report(sample_ws, capsys):
    code, out, _ = run(sample_ws, "adapt", SAMPLE, "--scene", "1.1", "--drop", capsys=capsys)
    assert code == 0 and "scenes kept" in out
    code, out, _ = run(sample_ws, "adapt", SAMPLE, "--report", capsys=capsys)
    assert code == 0
    assert "chapters" in out and "characters" in out and "dropped by you" in out and "Ada Quill" in out
    code, out, _ = run(sample_ws, "adapt", SAMPLE, "--json", capsys=capsys)
    assert not next(s for s in json.loads(out)["scenes"] if s["id"] == "1.1")["kept"]


def test_a_weighted_scene_is_marked_in_the_report_with_its_undo(sample_ws, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(sample_ws, "adapt", SAMPLE, "--report", capsys=capsys)
    assert code == 0 and "weight x" not in out and "your choices" not in out
    run(sample_ws, "adapt", SAMPLE, "--scene", "1.2", "--weight", "1.5", capsys=capsys)
    run(sample_ws, "adapt", SAMPLE, "--scene", "1.1", "--drop", capsys=capsys)
    code, out, _ = run(sample_ws, "adapt", SAMPLE, "--report", capsys=capsys)
    row = next(line for line in out.splitlines() if line.strip("│ ").startswith("1.2 "))
    assert code == 0 and "weight x1.5" in row
    assert "your choices: 1.1 dropped; 1.2 weight x1.5" in " ".join(out.split())
    assert f"filmsofone adapt {SAMPLE} --scene 1.1 --clear" in out
    run(sample_ws, "adapt", SAMPLE, "--scene", "1.2", "--clear", capsys=capsys)
    code, out, _ = run(sample_ws, "adapt", SAMPLE, "--report", capsys=capsys)
    assert "weight x1.5" not in out and "1.1 dropped" in " ".join(out.split())


def test_changing_the_runtime_re_plans_a_planned_book(sample_ws, capsys):
    from filmsofone import store
    from filmsofone.plan import plan_book

    plan_book(sample_ws, SAMPLE)
    code, out, _ = run(sample_ws, "adapt", SAMPLE, "--runtime", "6m", capsys=capsys)
    assert code == 0 and "re-planned" in out
    seconds = sum(s.duration for s in store.load_shots(sample_ws.project(SAMPLE).db_path))
    assert abs(seconds - 360) <= 36


def test_chat_adapter_from_the_command_line_shows_the_estimate_first(sample_ws, capsys):
    from fakes.chat_openai import FakeChat

    with FakeChat() as fake:
        options = ["--adapter", "openai-chat", "--option", f"base_url={fake.url}/v1", "--option", "model=tiny"]
        code, out, err = run(sample_ws, "adapt", SAMPLE, *options, "--estimate", capsys=capsys)
        assert code == 0 and "scene(s) to ask" in err and "$0.00" in err and not fake.completions
        code, out, err = run(sample_ws, "adapt", SAMPLE, "--option", "price_per_million_input=2", capsys=capsys)
        assert code == 2 and "would cost about $" in err and "--yes" in err and not fake.completions
        code, out, err = run(sample_ws, "adapt", SAMPLE, "--option", "price_per_million_input=2", "--yes",
                             "--json", capsys=capsys)
        assert code == 0 and fake.completions
        assert json.loads(out)["adapter"] == "openai-chat"
    code, _, err = run(sample_ws, "adapt", SAMPLE, "--adapter", "banana", capsys=capsys)
    assert code == 2 and "banana" in err and len(err.strip().splitlines()) == 1
    assert "unknown adapter" in err and "--adapter offline" in err  # the offline adapter is named among the choices
    code, _, err = run(sample_ws, "adapt", SAMPLE, "--adapter", "offline", capsys=capsys)
    assert code == 0
    code, _, err = run(sample_ws, "adapt", SAMPLE, "--option", "model=tiny", capsys=capsys)  # offline: not ignored
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "the offline adapter takes no options (got model)" in err and "--adapter openai-chat" in err


@pytest.mark.parametrize("argv", [["--runtime", "25m", "--scene", "9.9", "--drop"],
                                  ["--runtime", "25m", "--scene", "1.1", "--weight", "0"],
                                  ["--scene", "1.1", "--keep", "--runtime", "banana"],
                                  ["--runtime", "25m", "--adapter", "banana"],
                                  ["--runtime", "25m", "--option", "model=tiny"]])
def test_a_refused_command_changes_none_of_the_choices(sample_ws, capsys, argv):
    code, out, _ = run(sample_ws, "adapt", SAMPLE, "--json", capsys=capsys)
    before = json.loads(out)
    code, _, err = run(sample_ws, "adapt", SAMPLE, *argv, capsys=capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, out, _ = run(sample_ws, "adapt", SAMPLE, "--json", capsys=capsys)
    after = json.loads(out)
    assert after["target_seconds"] == before["target_seconds"] and after["scenes"] == before["scenes"]
    assert after["adapter"] == "offline"


def test_report_with_json_is_one_line_and_exit_2(sample_ws, capsys):
    code, out, err = run(sample_ws, "adapt", SAMPLE, "--report", "--json", capsys=capsys)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and "--report and --json" in err and len(lines) <= 2 and out == ""


def test_an_estimate_with_the_offline_adapter_says_it_is_free_and_sends_nothing(sample_ws, capsys):
    code, out, err = run(sample_ws, "adapt", SAMPLE, "--estimate", capsys=capsys)
    assert code == 0 and "offline adapter is free and sends nothing" in " ".join(err.split())
