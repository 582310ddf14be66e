"""`filmsofone cast ...`: thin commands over the library, user mistakes exit 2 with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from filmsofone import bible, store
from filmsofone.cli import main
from filmsofone.workspace import Workspace

from .helpers import TEXT, store_book


def run(capsys, ws: Workspace, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["--workspace", str(ws.root), *argv])
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.fixture
def book(ws: Workspace) -> Workspace:
    bible.seed_bible(ws, "quills", store_book(ws), TEXT)
    return ws


def test_show_set_light_lock_face(capsys, book: Workspace, tmp_path: Path) -> None:
    code, out, _ = run(capsys, book, "cast", "show", "quills")
    assert code == 0 and "Ada Quill" in out and "the boathouse" in out

    code, out, _ = run(capsys, book, "cast", "set", "quills", "Tom", "hair=shaved", "wardrobe.default=an oilskin")
    assert code == 0 and "Tom Quill: a stout little man, a red beard, shaved, wearing an oilskin" in out

    code, out, _ = run(capsys, book, "cast", "light", "quills", "boathouse", "--time", "night", "--kelvin", "1900",
                       "--palette", "#000000,#ff8800", "--weather", "storm outside")
    assert code == 0 and "1900K" in out and "storm outside" in out
    assert bible.palette(bible.load_bible(book, "quills"), "s1", "night") == ["#000000", "#ff8800"]

    code, _, _ = run(capsys, book, "cast", "lock", "quills", "Ada")
    assert code == 0 and bible.load_bible(book, "quills").character("Ada").locked

    picture = tmp_path / "face.png"
    Image.new("RGB", (8, 8), "white").save(picture)
    code, out, _ = run(capsys, book, "cast", "face", "quills", "Ada", str(picture))
    assert code == 0
    [relative] = bible.load_bible(book, "quills").character("Ada").reference_images
    assert relative.startswith("casts/quills/c1-") and (book.root / relative).is_file()

    code, out, _ = run(capsys, book, "cast", "show", "quills", "Ada")
    assert code == 0 and "prompt: Ada Quill:" in out and relative in out

    code, out, _ = run(capsys, book, "cast", "show", "quills", "--json")
    assert code == 0 and bible.CastBible.model_validate_json(out) == bible.load_bible(book, "quills")
    code, out, _ = run(capsys, book, "cast", "show", "quills", "Ada", "--json")
    assert code == 0 and json.loads(out)["reference_images"] == [relative]


@pytest.mark.parametrize("argv, needle", [
    (["cast", "show", "quills", "Zed"], "no character, setting or prop called 'Zed'"),
    (["cast", "set", "quills", "Ada", "hair"], "'hair' is not field=value"),
    (["cast", "set", "quills", "Ada", "hints=none"], "'hints' is read-only"),
    (["cast", "set", "quills", "Ada", "role=hero"], "role: Input should be"),
    (["cast", "light", "quills", "Ada", "--kelvin", "3000"], "'Ada' is not a setting"),
    (["cast", "light", "quills", "s1", "--time", "noon"], "unknown time of day 'noon'"),
    (["cast", "face", "quills", "Ada", "casts/quills.yaml"], "is not an image"),
    (["cast", "merge", "quills", "Ada", "Ada Quill"], "already one character"),
    (["cast", "import", "quills", "nope.zip"], "no such style pack"),
    (["cast", "show", "nobook"], "no imported book 'nobook'"),
])
def test_mistakes_exit_2_with_one_line(capsys, book: Workspace, argv, needle, monkeypatch) -> None:
    monkeypatch.chdir(book.root)
    before = book.bible_path("quills").read_bytes()
    code, out, err = run(capsys, book, *argv)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and needle in lines[0], err
    assert "Traceback" not in out + err
    assert book.bible_path("quills").read_bytes() == before


def test_merge_split_export_import(capsys, book: Workspace, tmp_path: Path) -> None:
    code, out, _ = run(capsys, book, "cast", "merge", "quills", "Tom", "Mr. Quill")
    assert code == 0 and "1 quotations, 1 scenes" in out
    code, out, _ = run(capsys, book, "cast", "split", "quills", "Tom", "--alias", "Mr. Quill")
    assert code == 0 and out.startswith("restored c3")
    assert [c.id for c in store.load_analysis(book.project("quills").db_path).characters] == ["c1", "c2", "c3"]

    code, _, _ = run(capsys, book, "cast", "export", "quills", "--share", str(tmp_path / "look.zip"))
    assert code == 0 and zipfile.is_zipfile(tmp_path / "look.zip")
    code, out, _ = run(capsys, book, "cast", "import", "quills", str(tmp_path / "look.zip"))
    assert code == 0 and "applied: style" in out


EDITOR = """
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
open(path, "w", encoding="utf-8").write(text.replace("  fps: 24", "  fps: [24"))
"""


def test_cast_edit_reports_file_line_and_keeps_file_and_database(book: Workspace, tmp_path: Path) -> None:
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    env = {**os.environ, "EDITOR": f"{sys.executable} {script}", "VISUAL": ""}
    before = book.bible_path("quills").read_bytes()
    db_before = store.load_analysis(book.project("quills").db_path)
    result = subprocess.run([sys.executable, "-m", "filmsofone", "--workspace", str(book.root), "cast", "edit",
                             "quills"], input="n\n", capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "bible.edit.yaml:" in result.stderr and "YAML syntax error" in result.stderr
    assert "re-open the editor" in result.stdout + result.stderr
    assert "not changed" in result.stderr and "Traceback" not in result.stderr
    assert book.bible_path("quills").read_bytes() == before
    assert store.load_analysis(book.project("quills").db_path) == db_before
    kept = book.project("quills").root / "bible.edit.yaml"
    assert "  fps: [24" in kept.read_text(encoding="utf-8")


def test_error_text_with_brackets_is_printed_as_written(capsys, book: Workspace) -> None:
    path = book.bible_path("quills")
    path.write_text(path.read_text(encoding="utf-8").replace("  lenses: [35mm spherical prime, 50mm spherical prime]",
                                                             "  lenses: a [/tmp] lens"), encoding="utf-8")
    code, out, err = run(capsys, book, "cast", "show", "quills")
    assert code == 2 and f"{path}:" in err and "Traceback" not in err + out
    assert "style.lenses: Input should be a valid list" in err and "or [a, b])" in err
