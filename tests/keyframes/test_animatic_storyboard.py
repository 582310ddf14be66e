"""The animatic as a storyboard: shot sizes that differ, the cast's faces in frame, every glyph a book uses,
and clips that move from their keyframe."""

from __future__ import annotations

import pytest
from fakes.project import SLUG
from PIL import Image

from filmsofone import ffmpeg, store
from filmsofone.backends.animatic import SKIN, draw_frame
from filmsofone.fonts import missing_glyphs
from filmsofone.generate import chosen_takes, generate_scenes
from filmsofone.keyframes import make_keyframes, replace

MAGENTA = (255, 0, 255)
SIZE = (716, 402)


def sketch(size: str, **figure) -> dict:
    return {"palette": ["#204060", "#406080", "#605040", "#c0c0a0"], "size": size, "movement": "static",
            "interior": True, "action": "", "caption": "",
            "figures": [{"name": "", "position": "center", "colour": "#2f5597", "hair": "#b0582a", **figure}]}


def share(image, colour) -> float:
    counts = {c: n for n, c in image.convert("RGB").getcolors(image.width * image.height)}
    return counts.get(colour, 0) / (image.width * image.height)


def test_an_extreme_close_up_fills_the_frame_with_a_face_and_a_wide_shot_does_not():
    shares = {size: share(draw_frame(sketch(size), SIZE), SKIN) for size in ("EWS", "WS", "MS", "CU", "ECU")}
    assert shares["ECU"] > 0.3
    assert shares["WS"] < 0.01 and shares["EWS"] < shares["WS"]
    assert shares["EWS"] < shares["WS"] < shares["MS"] < shares["CU"] < shares["ECU"]


def test_a_picked_face_image_is_placed_as_the_face(tmp_path):
    face = tmp_path / "face.png"
    Image.new("RGB", (480, 640), MAGENTA).save(face)
    with_face = draw_frame(sketch("CU", face=str(face)), SIZE)
    assert share(with_face, MAGENTA) > 0.05
    assert share(draw_frame(sketch("CU"), SIZE), MAGENTA) == 0
    assert share(draw_frame(sketch("WS", face=str(face)), SIZE), MAGENTA) > 0  # small, but there


def test_hair_and_wardrobe_colours_come_from_the_bible(ws, cast):
    from filmsofone.bible.edit import set_fields
    from filmsofone.keyframes import build_sketch

    set_fields(ws, SLUG, "c1", ["hair=long copper braid", "wardrobe.default=a navy oilskin coat"])
    from filmsofone.bible import load_bible

    analysis = store.load_analysis(ws.project(SLUG).db_path)
    shot = store.load_shots(ws.project(SLUG).db_path, "1.1")[0]
    ada = build_sketch(shot, analysis, "", load_bible(ws, SLUG))["figures"][0]
    assert (ada["name"], ada["hair"], ada["colour"]) == ("Ada Quill", "#b0582a", "#1f2f55")


def test_the_bundled_font_draws_what_books_print():
    assert missing_glyphs("Ada’s “lantern” — out… 1–2 café naïve Œuvre straße Ægir ñ ü") == []
    assert missing_glyphs("灯") == ["灯"]  # the check can fail


def test_animatic_clips_move_from_the_shots_keyframe(ws, cast, tmp_path):
    own = tmp_path / "own.png"
    Image.new("RGB", (640, 360), MAGENTA).save(own)
    replace(ws, SLUG, "1.1-001", own)
    make_keyframes(ws, SLUG, ["1.1"])
    report = generate_scenes(ws, SLUG, ["1.1"])
    assert report.ok and len(report.made) == 3
    takes = chosen_takes(ws, SLUG)
    frame = tmp_path / "mid.jpg"
    ffmpeg.run(ffmpeg.thumbnail_args(takes["1.1-001"].path, frame, at=0.5, width=160))
    r, g, b = Image.open(frame).convert("RGB").resize((1, 1)).getpixel((0, 0))
    assert r > 200 and b > 200 and g < 60
    ffmpeg.run(ffmpeg.thumbnail_args(takes["1.1-002"].path, frame, at=0.5, width=160))
    assert Image.open(frame).convert("RGB").resize((1, 1)).getpixel((0, 0)) != pytest.approx((255, 0, 255))
