"""The animatic: what it draws from a shot, its camera moves, and its ffmpeg command."""

from __future__ import annotations

import pytest

from filmsofone import ffmpeg, store
from filmsofone.backends.animatic import HEAD_SHARE, camera_motion, draw_frame
from filmsofone.keyframes import build_sketch
from fakes.project import SLUG, TEXT, make_book


@pytest.mark.parametrize("movement,motion", [
    ("static", "drift"), ("slow push in", "push_in"), ("dolly in", "push_in"), ("pull out", "pull_out"),
    ("pan left", "pan_left"), ("pan right", "pan_right"), ("tracking", "pan_right"), ("tilt up", "tilt_up"),
    ("tilt down", "tilt_down"), ("crane up", "tilt_up"),
])
def test_camera_moves_follow_the_shot_movement(movement, motion):
    assert camera_motion(movement) == motion


def test_the_sketch_carries_names_positions_caption_and_setting(ws):
    make_book(ws)
    analysis = store.load_analysis(ws.project(SLUG).db_path)
    shot = store.load_shots(ws.project(SLUG).db_path, "1.1")[1]
    sketch = build_sketch(shot, analysis, TEXT)
    assert [(f["name"], f["position"]) for f in sketch["figures"]] == [("Ada Quill", "left"), ("Tom Quill", "right")]
    assert sketch["caption"] == "The lanterns are out," and sketch["speaker"] == "Ada Quill"
    assert sketch["setting"] == "the boathouse" and sketch["time_of_day"] == "dusk"
    assert all(c.startswith("#") and len(c) == 7 for c in sketch["palette"])
    assert build_sketch(shot, analysis, TEXT) == sketch  # deterministic


def _figure_width(image, row: int, colour) -> int:
    return sum(1 for x in range(image.width) if image.getpixel((x, row)) == colour)


def test_the_frame_uses_the_palette_and_scales_figures_by_shot_size():
    base = {"palette": ["#204060", "#406080", "#605040", "#c0c0a0"], "movement": "static", "interior": True,
            "figures": [{"name": "Ada", "position": "center", "colour": "#aa2222"}], "action": "", "caption": ""}
    wide = draw_frame({**base, "size": "WS"}, (716, 402))
    close = draw_frame({**base, "size": "CU"}, (716, 402))
    assert wide.size == (716, 402) and wide.getpixel((2, 2)) == (0x20, 0x40, 0x60)
    row = 300
    assert _figure_width(close, row, (0xaa, 0x22, 0x22)) > 2 * _figure_width(wide, row, (0xaa, 0x22, 0x22)) > 0
    assert HEAD_SHARE["insert"] == 0
    night = draw_frame({**base, "size": "WS", "interior": False, "time_of_day": "night"}, (716, 402), seed=1)
    assert night.tobytes() == draw_frame({**base, "size": "WS", "interior": False, "time_of_day": "night"},
                                         (716, 402), seed=1).tobytes()


def test_clip_command_is_h264_yuv420p_aac_faststart_of_exact_frames(tmp_path):
    args = ffmpeg.still_motion_clip_args(tmp_path / "f.png", tmp_path / "o.mp4", duration=2.5, motion="pan_left")
    assert args[args.index("-frames:v") + 1] == "60"
    for pair in (["-c:v", "libx264"], ["-pix_fmt", "yuv420p"], ["-c:a", "aac"], ["-ar", "48000"], ["-ac", "2"],
                 ["-movflags", "+faststart"], ["-preset", "ultrafast"], ["-r", "24"]):
        i = args.index(pair[0])
        assert args[i + 1] == pair[1]
    graph = args[args.index("-filter_complex") + 1]
    assert "crop=640:360" in graph and "(1-min(t/2.5000\\,1))" in graph  # the comma escaped in the graph


def test_the_shots_light_warms_or_cools_the_frame():
    base = {"palette": ["#303030", "#303030", "#303030", "#303030"], "size": "WS", "figures": [],
            "interior": True, "action": "", "caption": ""}
    plain = draw_frame({**base, "light": ""}, (716, 402))
    warm = draw_frame({**base, "light": "lamp and candle light, warm"}, (716, 402))
    cool = draw_frame({**base, "light": "moonlight, cool and soft"}, (716, 402))
    r, g, b = warm.getpixel((int(716 * 0.78), int(402 * 0.62 * 0.45)))
    assert r > b + 20 and plain.getpixel((int(716 * 0.78), 110)) != (r, g, b)
    r, g, b = cool.getpixel((int(716 * 0.2), int(402 * 0.62 * 0.2)))
    assert b > r + 20
