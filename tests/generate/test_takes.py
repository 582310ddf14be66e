"""Takes: newest good by default, pick, add from a file (the clips backend), and the commands."""

from __future__ import annotations

import pytest

from filmsofone import ffmpeg
from filmsofone.cli import main
from filmsofone.errors import BadInput, UserError
from filmsofone.generate import add_take, chosen_takes, generate_scenes, list_takes, pick_take
from fakes.project import SLUG, make_book


def _odd_clip(path):
    """A 2 s 320x240 25 fps clip without audio, as a user might bring."""
    ffmpeg.run([*ffmpeg.base_args(), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)])
    return path


def test_add_pick_and_newest_good_take(ws, tmp_path):
    make_book(ws, shots_per_scene=2, duration=1.0)
    generate_scenes(ws, SLUG, ["1.1"])
    first = chosen_takes(ws, SLUG)["1.1-001"]
    added = add_take(ws, SLUG, "1.1-001", _odd_clip(tmp_path / "mine.mov"))
    assert added.number == 2 and added.current and added.backend == "clips" and added.source == "mine.mov"
    info = ffmpeg.probe(added.path)
    assert (info.width, info.height, info.fps) == (640, 360, 24.0) and "48000 Hz" in info.audio[0]
    assert chosen_takes(ws, SLUG)["1.1-001"].path == added.path  # the newest good take

    picked = pick_take(ws, SLUG, "1.1-001", 1)
    assert picked.chosen and chosen_takes(ws, SLUG)["1.1-001"].path == first.path
    generate_scenes(ws, SLUG, None, shot_ids=["1.1-001"])  # a new take does not override the user's pick
    assert chosen_takes(ws, SLUG)["1.1-001"].path == first.path
    assert [t.number for t in list_takes(ws, SLUG, "1.1")["1.1-001"]] == [1, 2, 3]

    first.path.unlink()  # a lost file: the cut falls back to the newest good take
    assert chosen_takes(ws, SLUG)["1.1-001"].number == 3


def test_take_mistakes_are_user_errors(ws, tmp_path):
    make_book(ws, shots_per_scene=1, duration=1.0)
    with pytest.raises(UserError, match="has no takes"):
        pick_take(ws, SLUG, "1.1-001", 1)
    generate_scenes(ws, SLUG, ["1.1"])
    with pytest.raises(UserError, match="takes 1-1, not 4"):
        pick_take(ws, SLUG, "1.1-001", 4)
    with pytest.raises(UserError, match="no shot '9.9-001' in .*: it has no scene 9.9"):
        add_take(ws, SLUG, "9.9-001", tmp_path / "x.mp4")
    with pytest.raises(BadInput, match="no such clip"):
        add_take(ws, SLUG, "1.1-001", tmp_path / "missing.mp4")
    (tmp_path / "notes.mp4").write_text("not a video")
    with pytest.raises(BadInput):
        add_take(ws, SLUG, "1.1-001", tmp_path / "notes.mp4")


def test_picking_a_take_of_a_shot_that_does_not_exist_says_so_and_names_the_shots(ws):
    make_book(ws, shots_per_scene=2, duration=1.0)
    with pytest.raises(UserError, match="no shot '9.9-001' in .*: it has no scene 9.9") as info:
        pick_take(ws, SLUG, "9.9-001", 1)
    assert "scenes: 1.1" in info.value.hint and f"filmsofone shots {SLUG} --scene ID" in info.value.hint
    with pytest.raises(UserError, match="no shot '1.1-007'") as info:
        pick_take(ws, SLUG, "1.1-007", 1)
    assert info.value.hint == "shots of scene 1.1: 1.1-001, 1.1-002"
    with pytest.raises(UserError, match="shot 1.1-002 has no takes"):  # a real shot not made yet
        pick_take(ws, SLUG, "1.1-002", 1)


def _cli(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
        raise SystemExit(0)
    out = capsys.readouterr()
    return info.value.code, out.out + out.err


def test_takes_and_generate_commands(ws, tmp_path, capsys, monkeypatch):
    make_book(ws, shots_per_scene=2, duration=1.0)
    monkeypatch.setenv("COLUMNS", "200")
    root = str(ws.root)
    code, out = _cli(["-w", root, "generate", SLUG, "--scene", "1.1"], capsys)
    assert code == 0 and "2 made" in out
    code, out = _cli(["-w", root, "generate", SLUG, "--scene", "1.1"], capsys)
    assert code == 0 and "0 made, 2 cached" in out
    code, out = _cli(["-w", root, "takes", "add", "1.1-002", str(_odd_clip(tmp_path / "c.mov"))], capsys)
    assert code == 0 and "take 2 added" in out
    code, out = _cli(["-w", root, "takes", "pick", "1.1-002", "1"], capsys)
    assert code == 0 and "now uses take 1" in out
    code, out = _cli(["-w", root, "takes", SLUG, "--scene", "1.1"], capsys)
    assert code == 0 and "picked" in out and "clips" in out
    code, out = _cli(["-w", root, "generate", SLUG, "--all", "--dry-run"], capsys)
    assert code == 0 and "2 shots to make" in out and "(2 shots already made, not priced)" in out
    code, out = _cli(["-w", root, "generate", SLUG], capsys)
    assert code == 2 and "--scene ID, --all or --shot ID" in out
    code, out = _cli(["-w", root, "generate", SLUG, "--scene", "7.7"], capsys)
    assert code == 2 and "no scene 7.7" in out and "Traceback" not in out
    code, out = _cli(["-w", root, "generate", SLUG, "--all", "--option", "colour=red"], capsys)
    assert code == 2 and "bad options" in out
    code, out = _cli(["-w", root, "generate", SLUG, "--all", "--backend", "clips"], capsys)
    assert code == 2 and "takes add" in out
    code, out = _cli(["-w", root, "takes", "pick", "1.1-002", "x"], capsys)
    assert code == 2 and "not a number" in out


def test_takes_take_the_book_first_like_every_command_and_say_what_is_wrong(ws, tmp_path, capsys, monkeypatch):
    make_book(ws, shots_per_scene=2, duration=1.0)
    monkeypatch.setenv("COLUMNS", "200")
    root = str(ws.root)
    code, out = _cli(["-w", root, "takes", SLUG, "--scene", "1.1"], capsys)
    assert code == 0 and f"no takes yet in scene 1.1 of {SLUG}" in out and f"generate {SLUG} --scene 1.1" in out
    code, out = _cli(["-w", root, "takes", SLUG, "--scene", "9.9"], capsys)
    assert code == 2 and f"no scene '9.9' in {SLUG}" in out and len(out.strip().splitlines()) == 1
    generate_scenes(ws, SLUG, ["1.1"])
    code, out = _cli(["-w", root, "takes", SLUG, "add", "1.1-002", str(_odd_clip(tmp_path / "c.mov"))], capsys)
    assert code == 0 and "take 2 added" in out
    code, out = _cli(["-w", root, "takes", SLUG, "pick", "1.1-002", "1"], capsys)
    assert code == 0 and "now uses take 1" in out
    assert chosen_takes(ws, SLUG)["1.1-002"].number == 1
    code, out = _cli(["-w", root, "takes", SLUG, "pick", "9.9-001", "1"], capsys)
    assert code == 2 and "no shot '9.9-001'" in out and "has no takes" not in out and "Traceback" not in out
    code, out = _cli(["-w", root, "takes", SLUG, "1.1", "2"], capsys)
    assert code == 2 and "too many arguments" in out and "takes S pick SHOT N" in out
