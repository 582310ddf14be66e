"""Failure 2: a path in a bible or style pack must stay in the workspace (or the pack) and be an image."""

from __future__ import annotations

import os
import zipfile

import pytest
from PIL import Image

from filmsofone import backends
from filmsofone.bible.edit import open_document
from filmsofone.bible.paths import image_problem
from filmsofone.errors import BibleError
from filmsofone.generate import generate_scenes
from fakes.generic import KEY_ENV, FakeHostedBackend, FakeHostedService
from fakes.project import SLUG, make_book

from faultkit import cli, error_lines

SECRET = "root:x:0:0:secret-line"


@pytest.fixture
def book(ws, tmp_path):
    make_book(ws, shots_per_scene=2)
    open_document(ws, SLUG)  # writes the bible from the stored analysis
    outside = tmp_path / "passwd"
    outside.write_text(SECRET, encoding="utf-8")
    return ws, outside


def _bible_with(ws, image: str) -> None:
    path = ws.bible_path(SLUG)
    text = path.read_text(encoding="utf-8")
    assert "reference_images: []" in text
    path.write_text(text.replace("reference_images: []", f"reference_images: ['{image}']", 1), encoding="utf-8")


def _one_line(done, *needles):
    lines = error_lines(done)
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_cast_set_refuses_absolute_parent_and_non_image_paths(book):
    ws, outside = book
    (ws.root / "casts" / "notes.png").write_text("not a picture", encoding="utf-8")
    os.symlink(outside, ws.root / "casts" / "link.png")
    before = ws.bible_path(SLUG).read_bytes()
    for value, why in ((str(outside), "absolute path"), ("../passwd", "outside the workspace"),
                       ("casts/link.png", "outside the workspace"), ("casts/notes.png", "is not an image")):
        done = cli(ws.root, "cast", "set", SLUG, "Ada Quill", f"reference_images=[{value}]")
        _one_line(done, f"{ws.bible_path(SLUG)}:", why)
    assert ws.bible_path(SLUG).read_bytes() == before


@pytest.mark.parametrize("where", ["absolute", "symlink"])
def test_a_hand_edited_bible_naming_a_bad_file_stops_generate_before_anything_is_sent(book, monkeypatch, tmp_path,
                                                                                      where):
    ws, outside = book
    if where == "symlink":
        os.symlink(outside, ws.root / "casts" / "face.png")
    listed = {"absolute": str(outside), "symlink": "casts/face.png"}[where]
    _bible_with(ws, listed)
    service = FakeHostedService().start()
    monkeypatch.setenv(KEY_ENV, service.key)
    monkeypatch.setenv("FILMSOFONE_KEYS_FILE", str(tmp_path / "keys.json"))
    backends.register(FakeHostedBackend)
    try:
        with pytest.raises(BibleError) as caught:
            generate_scenes(ws, SLUG, ["1.1"], backend="fakehosted", options={"base_url": service.url})
        assert str(caught.value).startswith(f"{ws.bible_path(SLUG)}:")
        assert ".reference_images[0]" in str(caught.value)
        assert service.creates == [] and SECRET not in str(caught.value)
    finally:
        service.stop()
        backends.reset_registry()


def test_cast_export_share_refuses_to_pack_an_outside_file(book, tmp_path):
    ws, outside = book
    _bible_with(ws, "../passwd")
    share = tmp_path / "look.zip"
    done = cli(ws.root, "cast", "export", SLUG, "--share", str(share))
    _one_line(done, "outside the workspace")
    assert not share.exists() and not list(tmp_path.glob(".look.zip*"))


def test_a_style_pack_with_a_non_image_or_a_foreign_path_is_refused_before_anything_changes(book, tmp_path):
    ws, _ = book
    before = ws.bible_path(SLUG).read_bytes()
    for listed, member, data, why in (
            ("images/ada.png", "images/ada.png", b"#!/bin/sh\necho hi\n", "is not an image"),
            ("../../etc/passwd", None, b"", "not a file of the pack's images/ folder"),
            ("pack.yaml", None, b"", "not a file of the pack's images/ folder")):
        pack = tmp_path / "pack.zip"
        with zipfile.ZipFile(pack, "w") as archive:
            archive.writestr("pack.yaml", "filmsofone_style_pack: 1\nsource: {}\nstyle: {}\ncharacters:\n  - name: Ada Quill\n"
                             f"    hair: green\n    reference_images: ['{listed}']\n")
            if member:
                archive.writestr(member, data)
        done = cli(ws.root, "cast", "import", SLUG, str(pack))
        _one_line(done, "pack.zip!pack.yaml:7:", why)
    assert ws.bible_path(SLUG).read_bytes() == before
    assert not (ws.root / "casts" / SLUG).exists() or not list((ws.root / "casts" / SLUG).iterdir())


def test_images_inside_the_workspace_pass(tmp_path):
    Image.new("RGB", (4, 4)).save(tmp_path / "face.png")
    (tmp_path / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert image_problem(tmp_path, "face.png") is None
    assert image_problem(tmp_path, "missing.png") is None
    assert image_problem(tmp_path, "missing.png", must_exist=True) == "does not exist"
    assert image_problem(tmp_path, "big.png") == "is not a readable image"
    assert "absolute" in image_problem(tmp_path, "~/face.png")
    assert "absolute" in image_problem(tmp_path, "C:\\\\Users\\\\face.png")


def test_before_sending_every_listed_image_must_exist_and_the_line_is_named(book):
    from filmsofone.bible.paths import check_listed
    from filmsofone.bible.yamlio import read_document

    ws, _ = book
    _bible_with(ws, "casts/gone.png")
    with pytest.raises(BibleError, match=r"tiny\.yaml:\d+:\d+: characters\[0\]\.reference_images\[0\]: "
                                         r"'casts/gone\.png' does not exist"):
        check_listed(ws.root, ["casts/gone.png"], ws.bible_path(SLUG), read_document)
