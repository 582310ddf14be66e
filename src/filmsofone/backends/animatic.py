"""`animatic`: offline, deterministic storyboard clips.

Each shot becomes one drawn frame (the setting's palette and light, the characters in frame as labelled
figures at their screen positions and at the shot size's scale, the action line, the spoken line as a
caption) moved by a gentle camera (push in, pull out, pan or tilt, after `shot.movement`) for exactly the
shot's duration. No network, no model, no GPU. The same request always makes the same picture.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import textwrap
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from .base import Backend, BackendOptions, Capabilities, GenerationRequest

# how tall a standing figure is, as a fraction of the frame height, per shot size
FIGURE_SCALE = {"EWS": 0.22, "WS": 0.45, "MS": 0.95, "MCU": 1.35, "CU": 2.0, "ECU": 3.2, "insert": 0.0}
POSITION_X = {"left": 0.27, "center": 0.5, "right": 0.73}
_COLOUR_WORDS = {
    "red": "#a8322d", "crimson": "#8c1c2a", "scarlet": "#b3261e", "blue": "#2f5597", "navy": "#1f2f55",
    "green": "#3f7a3a", "grey": "#7a7a7a", "gray": "#7a7a7a", "black": "#2a2a2a", "white": "#e6e6e0",
    "brown": "#7a5230", "yellow": "#c9a227", "gold": "#b8962e", "purple": "#6a3d8f", "violet": "#7d4f9e",
    "orange": "#c96a22", "pink": "#c77d92", "tan": "#b79268", "silver": "#b0b4b8", "cream": "#efe6cf",
}
_TIME_TINT = {"night": 0.35, "dusk": 0.7, "dawn": 0.8, "day": 1.0, "unknown": 0.9}


class AnimaticOptions(BackendOptions):
    width: int = Field(640, ge=64, le=3840, multiple_of=2)
    height: int = Field(360, ge=64, le=2160, multiple_of=2)
    fps: int = Field(24, ge=1, le=60)
    motion: float = Field(0.12, ge=0.0, le=0.5)  # how far the camera moves: fraction of the frame


class AnimaticBackend(Backend):
    name: ClassVar[str] = "animatic"
    kind: ClassVar[str] = "video"
    description: ClassVar[str] = "offline storyboard clips drawn from the shot list (no key, no GPU)"
    capabilities: ClassVar[Capabilities] = Capabilities(
        min_duration=0.25, max_duration=120.0, aspect_ratios=["16:9", "4:3", "1:1", "9:16", "21:9", "2.39:1"],
        resolutions=["640x360"], prompt_limit=1_000_000, seed=True, negative_prompt=True,
        reference_images=64, first_frame=False, last_frame=False,
    )
    Options: ClassVar[type[BackendOptions]] = AnimaticOptions
    local: ClassVar[bool] = True
    wants_sketch: ClassVar[bool] = True
    verify_decode: ClassVar[bool] = False
    verify_output: ClassVar[bool] = False  # it knows the frames it wrote
    default_concurrency: ClassVar[int] = max(1, min(4, os.cpu_count() or 2))  # one encode per core

    async def render(self, request: GenerationRequest, dest: Path) -> float:
        return await asyncio.to_thread(self.render_sync, request, dest)

    def render_sync(self, request: GenerationRequest, dest: Path) -> float:
        """Draw the frame and encode the clip; return its exact duration (whole frames)."""
        from .. import ffmpeg

        opts: AnimaticOptions = self.options  # type: ignore[assignment]
        sketch = request.sketch or {"action": request.prompt}
        margin = 1.0 + opts.motion
        size = (_even(opts.width * margin), _even(opts.height * margin))
        with tempfile.TemporaryDirectory(prefix="filmsofone-animatic-") as tmp:
            frame = Path(tmp) / "frame.png"
            draw_frame(sketch, size, request.seed).save(frame, compress_level=1)
            ffmpeg.run(ffmpeg.still_motion_clip_args(
                frame, dest, duration=request.duration, fps=opts.fps, width=opts.width, height=opts.height,
                motion=camera_motion(sketch.get("movement", "static")),
                amount=opts.motion,
            ))
        return max(1, round(request.duration * opts.fps)) / opts.fps


def _even(value: float) -> int:
    return int(value) // 2 * 2


def camera_motion(movement: str) -> str:
    """The animatic's camera move for a shot's `movement` text."""
    m = (movement or "static").lower()
    if m in ("static", "locked off", "still", "none", ""):
        return "drift"
    if "pan left" in m or "track left" in m or "truck left" in m:
        return "pan_left"
    if "pan" in m or "track" in m or "truck" in m or "follow" in m:
        return "pan_right"
    if "tilt up" in m or "crane up" in m or "pedestal up" in m:
        return "tilt_up"
    if "tilt" in m or "crane" in m:
        return "tilt_down"
    if "pull" in m or " out" in f" {m}" or "back" in m:
        return "pull_out"
    return "push_in"


# --- the sketch: what to draw, from the shot and the book ----------------------------------------


def build_sketch(shot, analysis, text: str, bible: Any = None) -> dict:
    """Names, caption, palette, size and movement of one shot (plain data, part of the cache key)."""
    setting = _setting(analysis, shot.setting)
    figures = []
    for placed in shot.characters:
        if placed.position == "offscreen":
            continue
        name = _character_name(analysis, placed.character)
        figures.append({"id": placed.character, "name": name, "position": placed.position,
                        "colour": _look_colour(bible, placed.character, shot)})
    caption, speaker = _caption(analysis, text, shot.dialogue)
    return {
        "shot_id": shot.id, "size": shot.size, "movement": shot.movement, "angle": shot.angle,
        "setting": setting.name if setting else "", "interior": setting.interior if setting else None,
        "time_of_day": shot.time_of_day, "light": shot.light or "",
        "palette": _palette(bible, shot.setting, shot.time_of_day, setting.name if setting else shot.scene),
        "figures": figures, "action": shot.action.strip(), "caption": caption, "speaker": speaker,
    }


def _setting(analysis, setting_id):
    if not setting_id:
        return None
    try:
        return analysis.setting(setting_id)
    except KeyError:
        return None


def _character_name(analysis, char_id: str) -> str:
    try:
        return analysis.character(char_id).name
    except KeyError:
        return char_id


def _caption(analysis, text: str, quote_ids: list[str]) -> tuple[str, str | None]:
    by_id = {q.id: q for q in analysis.quotes}
    for quote_id in quote_ids:
        quote = by_id.get(quote_id)
        if quote is None or not quote.spans:
            continue
        spoken = " ... ".join(" ".join(text[s:e].split()) for s, e in quote.spans if 0 <= s < e <= len(text))
        speaker = _character_name(analysis, quote.speaker) if quote.speaker else None
        return spoken, speaker
    return "", None


def _palette(bible, setting_id, time_of_day: str, fallback_name: str) -> list[str]:
    if bible is not None and setting_id:
        try:
            from ..bible import palette

            colours = [c for c in palette(bible, setting_id, time_of_day) if _is_hex(c)]
            if colours:
                return colours[:4]
        except Exception:  # a bible without this setting: fall back to a stable palette
            pass
    return _hashed_palette(fallback_name or "scene", time_of_day)


def _hashed_palette(name: str, time_of_day: str) -> list[str]:
    import colorsys

    hue = int(hashlib.sha256(name.encode()).hexdigest()[:6], 16) / 0xFFFFFF
    light = _TIME_TINT.get(time_of_day, 0.9)
    colours = []
    for dh, sat, val in ((0.0, 0.35, 0.75), (0.06, 0.45, 0.55), (0.5, 0.3, 0.4), (0.1, 0.2, 0.9)):
        r, g, b = colorsys.hsv_to_rgb((hue + dh) % 1.0, sat, val * light)
        colours.append(f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}")
    return colours


def _is_hex(colour) -> bool:
    return isinstance(colour, str) and len(colour) == 7 and colour.startswith("#")


def _look_colour(bible, char_id: str, shot) -> str:
    if bible is not None:
        try:
            from ..bible import identity_text

            words = identity_text(bible, char_id, scene_id=shot.scene).lower().replace(",", " ").split()
            for word in words:
                if word in _COLOUR_WORDS:
                    return _COLOUR_WORDS[word]
        except Exception:  # no look for this character: a stable colour from its id
            pass
    digest = hashlib.sha256(char_id.encode()).digest()
    return "#%02x%02x%02x" % (80 + digest[0] % 140, 60 + digest[1] % 140, 60 + digest[2] % 140)


# --- drawing ---------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _font(size: int):
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _mix(a, b, f: float) -> tuple[int, int, int]:
    return tuple(int(x + (y - x) * f) for x, y in zip(a, b))


def draw_frame(sketch: dict, size: tuple[int, int], seed: int | None = None):
    """The storyboard frame of one shot, as a Pillow image of `size`."""
    from PIL import Image, ImageDraw

    width, height = size
    palette = [_rgb(c) for c in (sketch.get("palette") or _hashed_palette("scene", "unknown"))]
    palette += palette[-1:] * (4 - len(palette))
    image = Image.new("RGB", size, palette[0])
    draw = ImageDraw.Draw(image)
    horizon = int(height * (0.62 if sketch.get("interior") else 0.58))
    for y in range(0, horizon, 4):  # the sky or back wall: a vertical gradient
        draw.rectangle((0, y, width, y + 4), fill=_mix(palette[0], palette[1], y / max(horizon, 1)))
    draw.rectangle((0, horizon, width, height), fill=palette[2])
    _draw_set_dressing(draw, sketch, width, height, horizon, palette, seed)
    image = _light(image, sketch.get("light", ""), width, horizon)
    draw = ImageDraw.Draw(image)
    _draw_figures(draw, sketch, width, height, horizon)
    _draw_texts(draw, sketch, width, height)
    return image


_WARM = ("lamp", "candle", "fire", "lantern", "golden", "hearth", "torch")
_COOL = ("moon", "blue", "cold", "overcast", "fog", "mist")


def _light(image, light: str, width: int, horizon: int):
    """A pool of light where the shot's light says it comes from: warm lamps, low sun, cool moonlight."""
    from PIL import Image, ImageDraw

    words = (light or "").lower()
    if any(w in words for w in _WARM):
        colour, centre = (255, 190, 90), (int(width * 0.78), int(horizon * 0.45))
    elif any(w in words for w in _COOL):
        colour, centre = (150, 180, 255), (int(width * 0.2), int(horizon * 0.2))
    else:
        return image
    glow = Image.new("L", image.size, 0)
    shade = ImageDraw.Draw(glow)
    for step in range(6, 0, -1):  # concentric rings, brighter towards the source
        radius = int(width * 0.07 * step)
        shade.ellipse((centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
                      fill=int(90 / step))
    return Image.composite(Image.new("RGB", image.size, colour), image, glow)


def _draw_set_dressing(draw, sketch, width, height, horizon, palette, seed) -> None:
    rng = int(hashlib.sha256(f"{sketch.get('setting')}|{seed}".encode()).hexdigest()[:8], 16)
    if sketch.get("time_of_day") == "night" and not sketch.get("interior"):
        for i in range(24):
            x = (rng >> (i % 24)) * (i + 7) % width
            y = (rng * (i + 3) >> 3) % max(horizon - 10, 1)
            draw.point((x, y), fill=(235, 235, 210))
    shapes = 3 + rng % 3
    for i in range(shapes):  # blocks of set: windows, doors, trees, shelves
        w = width // (6 + (rng >> i) % 4)
        x = (rng >> (i * 3)) % max(width - w, 1)
        h = int(horizon * (0.3 + ((rng >> (i * 5)) % 40) / 100))
        draw.rectangle((x, horizon - h, x + w, horizon), fill=_mix(palette[1], palette[3], 0.25 + 0.15 * i),
                       outline=_mix(palette[1], (0, 0, 0), 0.4))


def _draw_figures(draw, sketch, width, height, horizon) -> None:
    scale = FIGURE_SCALE.get(sketch.get("size", "MS"), 0.9)
    figures = sketch.get("figures") or []
    if not figures or scale == 0:
        return
    fig_h = height * scale
    crowd = {}
    for figure in figures:
        crowd.setdefault(figure.get("position", "center"), []).append(figure)
    for position, group in crowd.items():
        for k, figure in enumerate(group):
            spread = (k - (len(group) - 1) / 2) * width * 0.09
            cx = width * POSITION_X.get(position, 0.5) + spread
            feet = horizon + (height - horizon) * (0.5 if scale < 0.6 else 1.4)
            _draw_figure(draw, figure, cx, feet, fig_h, height)


def _draw_figure(draw, figure, cx, feet, fig_h, height) -> None:
    body = _rgb(figure.get("colour", "#886655"))
    head_r = fig_h * 0.09
    top = max(feet - fig_h, height * 0.26)  # close shots: the head stays in frame, the body runs out of it
    feet = top + fig_h
    head_c = (cx, top + head_r)
    draw.ellipse((head_c[0] - head_r, head_c[1] - head_r, head_c[0] + head_r, head_c[1] + head_r),
                 fill=(222, 196, 170), outline=(40, 30, 25), width=max(1, int(head_r / 10)))
    shoulders = fig_h * 0.16
    draw.rounded_rectangle((cx - shoulders, top + head_r * 2.2, cx + shoulders, feet),
                           radius=int(shoulders * 0.6), fill=body, outline=_mix(body, (0, 0, 0), 0.5),
                           width=max(1, int(head_r / 10)))
    label = figure.get("name", "")
    font = _font(max(12, min(30, int(height / 22))))
    box = draw.textbbox((0, 0), label, font=font)
    label_y = min(top + head_r * 2.2 + 8, height * 0.8)  # on the chest
    x = cx - (box[2] - box[0]) / 2
    draw.rectangle((x - 4, label_y - 2, x + box[2] - box[0] + 4, label_y + box[3] - box[1] + 6), fill=(0, 0, 0))
    draw.text((x, label_y), label, font=font, fill=(255, 255, 255))


def _draw_texts(draw, sketch, width, height) -> None:
    small = _font(max(10, int(height / 28)))
    margin_x, margin_y = int(width * 0.13), int(height * 0.12)  # inside the window the camera keeps
    where = sketch.get("setting") or ""
    header = "  ·  ".join(p for p in (sketch.get("shot_id", ""), sketch.get("size", ""), sketch.get("movement", ""),
                                      where, sketch.get("time_of_day", "")) if p and p != "unknown")
    chars = max(20, int((width - 2 * margin_x) / (small.size * 0.55)))
    lines = [header] + textwrap.wrap(sketch.get("action", ""), chars)[:2]
    y = margin_y
    for i, line in enumerate(lines):
        box = draw.textbbox((margin_x, y), line, font=small)
        draw.rectangle((box[0] - 4, y - 2, box[2] + 4, y + small.size + 3), fill=(20, 20, 20))
        draw.text((margin_x, y), line, font=small, fill=(255, 255, 255) if i == 0 else (255, 244, 214))
        y += small.size + 6
    caption = sketch.get("caption") or ""
    if caption:
        big = _font(max(12, int(height / 22)))
        speaker = sketch.get("speaker")
        lines = textwrap.wrap(f"{speaker.upper()}: “{caption}”" if speaker else f"“{caption}”",
                              max(20, int((width - 2 * margin_x) / (big.size * 0.52))))[:3]
        block = len(lines) * (big.size + 6) + 10
        top = height - margin_y - block
        draw.rectangle((margin_x - 8, top, width - margin_x + 8, height - margin_y), fill=(0, 0, 0))
        for i, line in enumerate(lines):
            draw.text((margin_x, top + 6 + i * (big.size + 6)), line, font=big, fill=(255, 240, 160))
