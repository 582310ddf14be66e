"""Style packs: the look of one book carried into another, with its images and no private paths."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PIL import Image

from filmsofone import bible, store
from filmsofone.bible.edit import add_reference_image, set_fields, set_light
from filmsofone.bible.pack import export_pack, import_pack
from filmsofone.errors import BadInput
from filmsofone.workspace import Workspace

from .helpers import TEXT, store_book

OTHER_TEXT = TEXT.replace("Tom Quill", "Ned Quill").replace("Tom", "Ned")


def _other_book(tmp_path: Path) -> Workspace:
    """Another workspace and book (Ned instead of Tom), as someone else's machine would hold it."""
    other = Workspace(tmp_path / "other").ensure()
    analysis = store_book(other, "ned", OTHER_TEXT)
    analysis.characters[1].name, analysis.characters[1].aliases = "Ned Quill", ["Ned"]
    store.save_analysis(other.project("ned").db_path, analysis, source_path="ned.txt")
    return other


def _picture(path: Path, colour: str) -> Path:
    Image.new("RGB", (32, 24), colour).save(path)
    return path


def _styled_book(ws: Workspace, tmp_path: Path) -> None:
    analysis = store_book(ws, "quills")
    bible.seed_bible(ws, "quills", analysis, TEXT)
    set_fields(ws, "quills", "Ada", ["hair=cropped silver", "wardrobe.default=a blue sweater"])
    set_light(ws, "quills", "the boathouse", ["night"], {"color_temperature": 2200, "palette": ["#102030", "#ffaa00"]})
    add_reference_image(ws, "quills", "Ada", _picture(tmp_path / "ada.png", "red"))
    add_reference_image(ws, "quills", "the boathouse", _picture(tmp_path / "boathouse.jpg", "blue"))
    path = ws.bible_path("quills")
    text = path.read_text(encoding="utf-8")
    text = text.replace("  film_look: 35mm film, natural light, shallow depth of field",
                        "  film_look: hand-cranked 16mm, halation")
    text = text.replace("    checkpoint: ''", f"    checkpoint: {tmp_path}/models/dreamy-v3.safetensors")
    text = text.replace("  optics: []", "  optics: [a lens that sees through fog]")
    path.write_text(text, encoding="utf-8")


def test_pack_carries_the_look_into_another_book_without_absolute_paths(ws: Workspace, tmp_path: Path) -> None:
    _styled_book(ws, tmp_path)
    pack = export_pack(ws, "quills", tmp_path / "share" / "look.zip")

    with zipfile.ZipFile(pack) as archive:
        names = sorted(archive.namelist())
        assert names[-1] == "pack.yaml" and len(names) == 3
        assert all(n.startswith("images/") for n in names[:-1])
        for name in names:
            assert not name.startswith("/") and ".." not in name
        manifest = archive.read("pack.yaml").decode()
    assert str(tmp_path) not in manifest and str(ws.root) not in manifest
    assert "dreamy-v3.safetensors" in manifest

    other = _other_book(tmp_path)
    report = import_pack(other, "ned", pack)
    assert "style" in report.applied and "characters[Ada Quill]" in report.applied
    assert "characters[Tom Quill] (not in this book)" in report.skipped
    cast = bible.load_bible(other, "ned")
    assert cast.style.film_look == "hand-cranked 16mm, halation"
    assert cast.style.optics == ["a lens that sees through fog"]
    assert cast.style.model_hints.checkpoint == "dreamy-v3.safetensors"
    ada = cast.character("Ada")
    assert (ada.hair, ada.wardrobe.default) == ("cropped silver", "a blue sweater")
    assert ada.reference_images and all(not Path(p).is_absolute() for p in ada.reference_images)
    for relative in ada.reference_images + cast.setting("the boathouse").reference_images:
        assert relative.startswith("casts/ned/")
        with Image.open(other.root / relative) as image:
            assert image.size == (32, 24)
    night = cast.setting("the boathouse").light["night"]
    assert night.color_temperature == 2200 and night.palette == ["#102030", "#ffaa00"]
    assert bible.palette(cast, "s1", "night") == ["#102030", "#ffaa00"]


def test_locked_entries_are_not_restyled(ws: Workspace, tmp_path: Path) -> None:
    _styled_book(ws, tmp_path)
    pack = export_pack(ws, "quills", tmp_path / "look.zip")
    other = _other_book(tmp_path)
    set_fields(other, "ned", "Ada", ["hair=black", "locked=true"])
    report = import_pack(other, "ned", pack)
    assert "characters[Ada Quill] (locked)" in report.skipped
    assert bible.load_bible(other, "ned").character("Ada").hair == "black"


def test_a_file_that_is_not_a_pack_is_refused(ws: Workspace, tmp_path: Path) -> None:
    store_book(ws)
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello", encoding="utf-8")
    with pytest.raises(BadInput, match="not a style pack"):
        import_pack(ws, "quills", not_zip)
    sneaky = tmp_path / "sneaky.zip"
    with zipfile.ZipFile(sneaky, "w") as archive:
        archive.writestr("../../etc/evil.png", b"x")
        archive.writestr("pack.yaml", "style: {}\n")
    with pytest.raises(BadInput, match="unsafe path"):
        import_pack(ws, "quills", sneaky)
