"""`filmsofone keyframes`: make, show, approve, pick, reject, replace; mistakes are one line and exit 2."""

from __future__ import annotations

from fakes.hosted_base import cli
from fakes.project import SLUG
from PIL import Image

from filmsofone.keyframes import storyboard


def run(capsys, ws, *argv):
    return cli(capsys, "--workspace", ws.root, "keyframes", *argv)


def test_the_storyboard_from_the_command_line(ws, cast, capsys, tmp_path):
    code, out, err = run(capsys, ws, SLUG, "--scene", "1.1")
    assert code == 0 and "3 keyframes made" in out, err
    code, out, _ = run(capsys, ws, SLUG, "--scene", "1.1", "--backend", "animatic-frame")
    assert code == 0 and "0 keyframes made, 3 cached" in out
    assert run(capsys, ws, SLUG, "approve", "1.1-001")[0] == 0
    assert run(capsys, ws, SLUG, "reject", "1.1-002")[0] == 0
    assert run(capsys, ws, SLUG, "--shot", "1.1-002")[0] == 0
    code, out, _ = run(capsys, ws, SLUG, "pick", "1.1-002", "1")
    assert code == 0 and "take 1" in out
    photo = tmp_path / "photo.png"
    Image.new("RGB", (320, 180), (10, 200, 10)).save(photo)
    code, out, _ = run(capsys, ws, SLUG, "replace", "1.1-003", str(photo))
    assert code == 0 and "approved" in out
    board = {b.shot.id: b for b in storyboard(ws, SLUG, "1.1")}
    assert board["1.1-001"].approved and board["1.1-003"].approved and not board["1.1-002"].approved
    assert len(board["1.1-002"].takes) == 2 and board["1.1-002"].current_number == 1
    code, out, _ = run(capsys, ws, SLUG, "show", "--scene", "1.1")
    assert code == 0 and "1.1-003" in out


def test_mistakes_are_one_line_and_exit_2(ws, cast, capsys):
    for argv, says in ((("--scene", "9.9"), "no scene 9.9"), (("approve", "1.1-001"), "has no keyframe yet"),
                       (("approve", "7.7-001"), "no shot 7.7-001"), (("frobnicate", "1.1-001"), "unknown keyframes"),
                       (("--scene", "1.1", "--backend", "animatic"), "makes video"),
                       (("replace", "1.1-001", "/nonexistent.png"), "no file")):
        code, out, err = run(capsys, ws, SLUG, *argv)
        assert code == 2 and says in err and len(err.strip().splitlines()) == 1, (argv, err)
