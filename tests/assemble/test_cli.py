"""`filmsofone cut`: a thin command over the library; user mistakes are one line and exit 2."""

from pathlib import Path

import opentimelineio as otio
import pytest
from cutkit import Book

from filmsofone import ffmpeg
from filmsofone.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def book(ws):
    book = Book(ws)
    book.shoot([s.id for s in book.shots if s.id != "2.1-002"])
    return book


def test_cut_prints_the_film_and_how_it_was_made(book, ws, capsys):
    code, out, err = run(capsys, "-w", str(ws.root), "cut", "tale")
    assert code == 0, err
    assert out.strip().splitlines()[-1] == str(ws.project("tale").film_path)
    assert "joined by stream copy" in out and "1 placeholder card" in out


def test_cut_scenes_and_output(book, ws, capsys, tmp_path):
    code, out, err = run(capsys, "-w", str(ws.root), "cut", "tale", "--scenes", "1.2", "-o", str(tmp_path / "one"))
    assert code == 0, err
    assert out.strip().splitlines()[-1] == str(tmp_path / "one.mp4") and (tmp_path / "one.srt").is_file()


def test_cut_into_a_folder_uses_the_films_name_and_a_missing_folder_is_refused(book, ws, capsys, tmp_path):
    code, out, err = run(capsys, "-w", str(ws.root), "cut", "tale", "--scenes", "1.2", "-o", str(tmp_path / "nowhere" / "one"))
    assert code == 2 and "the folder" in err and "does not exist" in err and "mkdir -p" in err
    assert not (tmp_path / "nowhere").exists()
    (tmp_path / "films").mkdir()
    code, out, err = run(capsys, "-w", str(ws.root), "cut", "tale", "--scenes", "1.2", "-o", str(tmp_path / "films"))
    assert code == 0, err
    assert out.strip().splitlines()[-1] == str(tmp_path / "films" / "tale-scenes-1.2.mp4")


@pytest.mark.parametrize("fmt", ["fountain", "otio"])
def test_export_into_a_folder_or_a_missing_one_behaves_like_cut(book, ws, capsys, tmp_path, fmt):
    assert run(capsys, "-w", str(ws.root), "cut", "tale")[0] == 0
    code, out, err = run(capsys, "-w", str(ws.root), "export", "tale", "-f", fmt, "-o", str(tmp_path / "nowhere" / "x"))
    assert code == 2 and "does not exist" in err and "mkdir -p" in err and not (tmp_path / "nowhere").exists()
    code, out, err = run(capsys, "-w", str(ws.root), "export", "tale", "-f", fmt, "-o", str(tmp_path))
    assert code == 0, err
    assert (tmp_path / f"tale.{fmt}").is_file() and str(tmp_path / f"tale.{fmt}") in " ".join(out.split())


def test_a_cut_of_some_scenes_exports_its_own_timeline(book, ws, capsys, tmp_path):
    code, out, err = run(capsys, "-w", str(ws.root), "cut", "tale", "--scenes", "1.2", "-o", str(tmp_path / "rough"))
    assert code == 0, err
    code, out, err = run(capsys, "-w", str(ws.root), "export", "tale", "-f", "otio", "--cut", str(tmp_path / "rough.mp4"))
    assert code == 0, err
    timeline = otio.adapters.read_from_file(str(tmp_path / "rough.otio"))
    assert {c.name for c in timeline.find_clips() if c.name[:1].isdigit()} == {"1.2-001", "1.2-002"}  # scene 1.2 only


def test_cut_no_dialogue_shows_no_line(book, ws, capsys):
    code, out, err = run(capsys, "-w", str(ws.root), "cut", "tale")
    film = ws.project("tale").film_path
    assert code == 0 and "Mind the lantern" in film.with_suffix(".srt").read_text()
    code, out, err = run(capsys, "-w", str(ws.root), "cut", "tale", "--no-dialogue", "--no-music", "--no-ambience")
    assert code == 0, err
    assert not film.with_suffix(".srt").exists() and not film.with_suffix(".vtt").exists()
    assert not ffmpeg.probe(film).subtitles


@pytest.mark.parametrize("argv, message", [
    (["cut", "tale", "--scenes", "9.9"], "no scene '9.9'"),
    (["cut", "tale", "--scenes", "2.1-1.1"], "the range '2.1-1.1' runs backwards"),
    (["cut", "nope"], "no imported book 'nope'"),
    (["cut", "tale", "--music", "missing.ogg"], "no such music file"),
    (["cut", "tale", "--music", str(Path(__file__).parent)], "is a folder, not a file"),
    (["export", "tale", "--format", "edl"], "has no cut of the whole film yet"),
    (["export", "tale", "--format", "otio", "--cut", "nowhere.mp4"], "is not a cut filmsofone made"),
    (["export", "tale", "--format", "fountain", "--cut", "x.mp4"], "--cut goes with a timeline format"),
])
def test_user_mistakes_exit_2_with_one_line(book, ws, capsys, argv, message):
    code, out, err = run(capsys, "-w", str(ws.root), *argv)
    assert code == 2 and message in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) <= 2  # one message (rich may wrap it)


@pytest.mark.parametrize("name, content", [("notes.mp3", b"not music at all\n"), ("still.png", None)])
def test_a_music_file_that_is_not_audio_is_one_line_and_exit_2(book, ws, capsys, tmp_path, name, content):
    from fakes.faults import tiny_png

    path = tmp_path / name
    path.write_bytes(content if content is not None else tiny_png())  # an image has a stream, but no sound
    code, out, err = run(capsys, "-w", str(ws.root), "cut", "tale", "--music", str(path))
    assert code == 2 and f"the music file {path} is not audio" in " ".join(err.split()) and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) <= 2
    assert not ws.project("tale").film_path.exists()  # nothing was cut
