"""The command line's contract for user mistakes: one line naming the problem and the fix, exit 2."""

import subprocess
import sys

import pytest

from filmsofone.cli import main
from filmsofone.backends import backend_class
from filmsofone.cli.progress import progress_bar
from filmsofone.errors import BackendError
from filmsofone.keys import require_key


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["show", "no-such-book"], "no imported book 'no-such-book'"),
        (["import", "does/not/exist.txt"], "no such file"),
        (["bogus-command"], "No such command"),
        (["show"], "Missing argument"),
        (["export", "x", "--format", "docx"], "unknown export format 'docx'"),
        (["speakers", "x", "--below", "5"], "Invalid value for '--below'"),
    ],
)
def test_user_mistakes_exit_2_with_one_line(capsys, ws, argv, needle):
    code, out, err = run(capsys, "--workspace", str(ws.root), *argv)
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert needle in lines[0]
    assert "Traceback" not in err + out


def test_unknown_slug_lists_known_books(capsys, ws):
    (ws.project("other").ensure().db_path).write_bytes(b"")
    code, _, err = run(capsys, "--workspace", str(ws.root), "show", "nope")
    assert code == 2 and "imported books: other" in err


def test_books_on_empty_workspace(capsys, ws):
    code, out, _ = run(capsys, "--workspace", str(ws.root), "books")
    assert code == 0 and "no books yet" in out


def test_books_says_the_text_length_is_not_a_count_of_people(capsys, ws):
    """`books` lists each book's length in chars under "length": a column called "characters" beside the
    analysis's characters (people) read as a cast of 232,098."""
    from fakes.project import SLUG, make_book

    make_book(ws)
    code, out, _ = run(capsys, "--workspace", str(ws.root), "books")
    header = next(line for line in out.splitlines() if "slug" in line)
    assert code == 0 and "length" in header and "characters" not in header
    assert SLUG in out and " chars" in out


def test_a_mistyped_workspace_is_not_taken_for_an_empty_one(capsys, tmp_path):
    code, out, _ = run(capsys, "--workspace", str(tmp_path / "wrokspace"), "books")
    out = " ".join(out.split())  # the console wraps long paths
    assert code == 0 and f"no workspace at {tmp_path / 'wrokspace'} yet" in out and "no books yet" not in out
    assert not (tmp_path / "wrokspace").exists()
    (tmp_path / "notes.txt").write_text("a file")
    code, out, err = run(capsys, "--workspace", str(tmp_path / "notes.txt"), "books")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "is a file, not a folder" in err


def test_console_script_entry_point(ws):
    done = subprocess.run([sys.executable, "-m", "filmsofone", "--workspace", str(ws.root), "show", "x"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "no imported book 'x'" in done.stderr


def test_a_progress_bar_never_drawn_writes_nothing(capsys):
    """A command that fails (or prints its result) before any progress shows no blank line before it."""
    with progress_bar():
        pass
    assert capsys.readouterr().err == ""
    with progress_bar() as update:
        update("planning shots", 1, 2)
    assert "planning shots" in capsys.readouterr().err


def test_a_missing_two_part_key_names_both_variables(capsys, ws, monkeypatch):
    for var in ("SCENARIO_API_KEY", "SCENARIO_API_SECRET", "KLING_ACCESS_KEY", "KLING_SECRET_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("FILMSOFONE_KEYS_FILE", str(ws.root / "no-keys"))
    for backend, both in (("scenario", ("SCENARIO_API_SECRET", "SCENARIO_API_KEY")),
                          ("kling", ("KLING_SECRET_KEY", "KLING_ACCESS_KEY"))):
        with pytest.raises(BackendError) as caught:
            require_key(backend_class(backend))
        assert all(var in caught.value.hint for var in both), caught.value.hint


def test_without_ffmpeg_generate_and_demo_stop_at_once_in_one_line(capsys, ws, monkeypatch, tmp_path):
    """FILMSOFONE_FFMPEG naming a missing program: no shot is tried (no job row, no clip) and the demo
    imports nothing; one line naming the variable, exit 2."""
    from fakes.project import SLUG, make_book
    from sqlmodel import select

    from filmsofone import ffmpeg, store
    from filmsofone.store.tables import JobRow

    make_book(ws, shots_per_scene=2, duration=1.0)
    ffmpeg.ffmpeg_binary.cache_clear()
    monkeypatch.setenv(ffmpeg.FFMPEG_ENV, str(tmp_path / "nope"))
    try:
        for argv in (["--workspace", str(ws.root), "generate", SLUG, "--scene", "1.1"],
                     ["demo", "--workspace", str(tmp_path / "demo")]):
            code, out, err = run(capsys, *argv)
            lines = [line for line in (out + err).splitlines() if line.strip()]
            assert code == 2 and len(lines) == 1, out + err
            assert f"no working ffmpeg at {tmp_path / 'nope'}" in lines[0] and ffmpeg.FFMPEG_ENV in lines[0]
    finally:
        ffmpeg.ffmpeg_binary.cache_clear()
    with store.session_for(ws.project(SLUG).db_path) as session:
        assert session.exec(select(JobRow)).all() == []
    assert not list(ws.project(SLUG).clips_dir.glob("**/*.mp4"))
    assert not (tmp_path / "demo").exists()  # the demo made no workspace
