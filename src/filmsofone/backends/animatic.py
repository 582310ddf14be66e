"""`animatic` and `animatic-frame`: offline, deterministic storyboard frames and clips.

`animatic-frame` (kind image) draws a shot's storyboard frame: the setting's palette and light, the
characters in frame at their screen positions and at the scale the shot size says (an ECU is one face
filling the frame, a WS small figures in the place), each with the hair and wardrobe colours of the cast
bible and, when one was picked, the face image itself; the action line and the spoken line as captions, in
the bundled font. `animatic` (kind video) moves a still with a gentle camera (push in, pull out, pan or
tilt, after `shot.movement`) for exactly the shot's duration: the shot's keyframe when it is given one as
first frame, else the same drawn frame. No network, no model, no GPU; the same request gives the same
picture.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import textwrap
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from ..fonts import font
from .base import Backend, BackendOptions, Capabilities, GenerationRequest

# the height of a face (chin to crown) as a share of the frame height, per shot size
HEAD_SHARE = {"EWS": 0.03, "WS": 0.065, "MS": 0.16, "MCU": 0.26, "CU": 0.46, "ECU": 1.3, "insert": 0.0}
FIGURE_HEADS = 7.5  # a standing figure is this many heads tall
POSITION_X = {"left": 0.3, "center": 0.5, "right": 0.7}
SKIN = (222, 196, 170)
DEFAULT_PALETTE = ["#8a9bb0", "#5e6f80", "#4a4238", "#d8d2c0"]
ASPECTS = ["16:9", "4:3", "1:1", "9:16", "21:9", "2.39:1"]


class AnimaticOptions(BackendOptions):
    width: int = Field(640, ge=64, le=3840, multiple_of=2)
    height: int = Field(360, ge=64, le=2160, multiple_of=2)
    fps: int = Field(24, ge=1, le=60)
    motion: float = Field(0.12, ge=0.0, le=0.5)  # how far the camera moves: fraction of the frame


def frame_size(opts: AnimaticOptions, aspect: str | None = None) -> tuple[int, int]:
    """The drawn frame: the output's height with the camera's margin, as wide as the aspect ratio says."""
    margin = 1.0 + opts.motion
    height = _even(opts.height * margin)
    if not aspect:
        return _even(opts.width * margin), height
    return _even(height * aspect_ratio(aspect)), height


def aspect_ratio(aspect: str) -> float:
    width, _, height = aspect.replace("2.39:1", "239:100").partition(":")
    try:
        return float(width) / float(height)
    except (ValueError, ZeroDivisionError):
        return 16 / 9


class AnimaticBackend(Backend):
    name: ClassVar[str] = "animatic"
    kind: ClassVar[str] = "video"
    description: ClassVar[str] = "offline storyboard clips moved from each shot's keyframe (no key, no GPU)"
    capabilities: ClassVar[Capabilities] = Capabilities(
        min_duration=0.25, max_duration=120.0, aspect_ratios=ASPECTS,
        resolutions=["640x360"], prompt_limit=1_000_000, seed=True, negative_prompt=True,
        reference_images=64, first_frame=True, last_frame=False,
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
        """Move the keyframe (or the drawn frame) and encode the clip; return its exact duration."""
        from .. import ffmpeg

        opts: AnimaticOptions = self.options  # type: ignore[assignment]
        sketch = request.sketch or {"action": request.prompt}
        size = frame_size(opts)
        with tempfile.TemporaryDirectory(prefix="filmsofone-animatic-") as tmp:
            frame = Path(tmp) / "frame.png"
            still = fitted(request.first_frame, size) if request.first_frame else draw_frame(sketch, size,
                                                                                               request.seed)
            still.save(frame, compress_level=1)
            ffmpeg.run(ffmpeg.still_motion_clip_args(
                frame, dest, duration=request.duration, fps=opts.fps, width=opts.width, height=opts.height,
                motion=camera_motion(sketch.get("movement", "static")),
                amount=opts.motion,
            ))
        return max(1, round(request.duration * opts.fps)) / opts.fps


class AnimaticFrameBackend(Backend):
    """The storyboard frame alone, as a keyframe (`filmsofone keyframes S --backend animatic-frame`)."""

    name: ClassVar[str] = "animatic-frame"
    kind: ClassVar[str] = "image"
    description: ClassVar[str] = "offline storyboard keyframes: shot size, positions, the cast's looks and faces"
    capabilities: ClassVar[Capabilities] = Capabilities(
        min_duration=0.0, max_duration=3600.0, aspect_ratios=ASPECTS, resolutions=["640x360"],
        prompt_limit=1_000_000, seed=True, negative_prompt=True, reference_images=64)
    Options: ClassVar[type[BackendOptions]] = AnimaticOptions
    local: ClassVar[bool] = True
    wants_sketch: ClassVar[bool] = True
    default_concurrency: ClassVar[int] = max(1, min(4, os.cpu_count() or 2))

    async def render(self, request: GenerationRequest, dest: Path) -> None:
        opts: AnimaticOptions = self.options  # type: ignore[assignment]
        size = frame_size(opts, request.aspect_ratio)
        image = await asyncio.to_thread(draw_frame, request.sketch or {"action": request.prompt}, size,
                                        request.seed)
        await asyncio.to_thread(image.save, dest, "PNG")


def fitted(path: Path, size: tuple[int, int]):
    """The image at `path`, scaled to cover `size` and centre-cropped to it."""
    from PIL import Image, ImageOps

    with Image.open(path) as picture:
        return ImageOps.fit(picture.convert("RGB"), size, method=Image.Resampling.LANCZOS)


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


# --- drawing ---------------------------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _mix(a, b, f: float) -> tuple[int, int, int]:
    return tuple(int(x + (y - x) * f) for x, y in zip(a, b))


def draw_frame(sketch: dict, size: tuple[int, int], seed: int | None = None):
    """The storyboard frame of one shot, as a Pillow image of `size`."""
    from PIL import Image, ImageDraw

    width, height = size
    palette = [_rgb(c) for c in (sketch.get("palette") or DEFAULT_PALETTE)]
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
    _draw_figures(image, draw, sketch, width, height, horizon)
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


def _draw_figures(image, draw, sketch, width, height, horizon) -> None:
    """The characters in frame, at the shot size's scale; an ECU or CU shows only the most prominent one."""
    share = HEAD_SHARE.get(sketch.get("size", "MS"), 0.16)
    figures = sketch.get("figures") or []
    if not figures or share == 0:
        return
    if share >= HEAD_SHARE["CU"]:
        figures = figures[:1]
    head_h = height * share
    crowd: dict[str, list] = {}
    for figure in figures:
        crowd.setdefault(figure.get("position", "center"), []).append(figure)
    for position, group in crowd.items():
        for k, figure in enumerate(group):
            spread = (k - (len(group) - 1) / 2) * max(width * 0.09, head_h * 1.6)
            x = POSITION_X.get(position, 0.5) if share < HEAD_SHARE["CU"] else 0.5 + (
                POSITION_X.get(position, 0.5) - 0.5) * 0.4
            _draw_figure(image, draw, figure, width * x + spread, _head_top(share, height, horizon, head_h),
                         head_h, height)


def _head_top(share: float, height: int, horizon: int, head_h: float) -> float:
    """Where the crown is: standing on the floor in wide shots, framed by the headroom in close ones."""
    if share <= HEAD_SHARE["WS"]:
        feet = horizon + (height - horizon) * (0.35 if share < HEAD_SHARE["WS"] else 0.55)
        return feet - head_h * FIGURE_HEADS
    if share >= HEAD_SHARE["ECU"]:
        return (height - head_h) / 2
    return height * 0.24 if share < HEAD_SHARE["CU"] else height * 0.2


def _draw_figure(image, draw, figure, cx: float, top: float, head_h: float, height: int) -> None:
    body = _rgb(figure.get("colour", "#886655"))
    hair = _rgb(figure.get("hair", "#3a2a1a"))
    head_w = head_h * 0.78
    outline = max(1, int(head_h / 40))
    chin = top + head_h
    shoulders = head_w * 1.5
    draw.rounded_rectangle((cx - shoulders, chin + head_h * 0.12, cx + shoulders, top + head_h * FIGURE_HEADS),
                           radius=int(shoulders * 0.5), fill=body, outline=_mix(body, (0, 0, 0), 0.5),
                           width=outline)
    draw.rectangle((cx - head_w * 0.18, chin - head_h * 0.1, cx + head_w * 0.18, chin + head_h * 0.2), fill=SKIN)
    box = (cx - head_w / 2, top, cx + head_w / 2, chin)
    draw.ellipse((box[0] - head_w * 0.08, box[1] - head_h * 0.06, box[2] + head_w * 0.08, top + head_h * 0.7),
                 fill=hair)
    if not _paste_face(image, figure.get("face"), box):
        draw.ellipse(box, fill=SKIN, outline=(40, 30, 25), width=outline)
        draw.chord((box[0], box[1], box[2], top + head_h * 0.55), 180, 360, fill=hair)
        eye_y, gap, eye = top + head_h * 0.52, head_w * 0.2, max(1.0, head_w * 0.05)
        for side in (-1, 1):
            draw.ellipse((cx + side * gap - eye, eye_y - eye, cx + side * gap + eye, eye_y + eye), fill=(30, 24, 20))
    _label(draw, figure.get("name", ""), cx, min(chin + head_h * 0.35, height * 0.8), height)


def _paste_face(image, face: str | None, box: tuple[float, float, float, float]) -> bool:
    """Place the picked face image in the head's oval; False when there is none to place."""
    from PIL import Image, ImageDraw, ImageOps

    if not face or not Path(face).is_file():
        return False
    left, top, right, bottom = (int(round(v)) for v in box)
    size = (max(2, right - left), max(2, bottom - top))
    try:
        with Image.open(face) as picture:
            picture = picture.convert("RGB")
            w, h = picture.size
            side = min(w, int(h / 1.25)) * 0.42  # a head-and-shoulders portrait: the face, upper middle
            crop = (int((w - side) / 2), int(h * 0.13), int((w + side) / 2), int(min(h, h * 0.13 + side * 1.25)))
            pasted = ImageOps.fit(picture.crop(crop), size, method=Image.Resampling.LANCZOS)
    except OSError:
        return False
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size[0] - 1, size[1] - 1), fill=255)
    image.paste(pasted, (left, top), mask)
    return True


def _label(draw, text: str, cx: float, y: float, height: int) -> None:
    if not text:
        return
    face = font(max(12, min(30, int(height / 22))))
    box = draw.textbbox((0, 0), text, font=face)
    x = cx - (box[2] - box[0]) / 2
    draw.rectangle((x - 4, y - 2, x + box[2] - box[0] + 4, y + box[3] - box[1] + 6), fill=(0, 0, 0))
    draw.text((x, y), text, font=face, fill=(255, 255, 255))


def _draw_texts(draw, sketch, width, height) -> None:
    small = font(max(10, int(height / 28)))
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
        big = font(max(12, int(height / 22)))
        speaker = sketch.get("speaker")
        lines = textwrap.wrap(f"{speaker.upper()}: “{caption}”" if speaker else f"“{caption}”",
                              max(20, int((width - 2 * margin_x) / (big.size * 0.52))))[:3]
        block = len(lines) * (big.size + 6) + 10
        top = height - margin_y - block
        draw.rectangle((margin_x - 8, top, width - margin_x + 8, height - margin_y), fill=(0, 0, 0))
        for i, line in enumerate(lines):
            draw.text((margin_x, top + 6 + i * (big.size + 6)), line, font=big, fill=(255, 240, 160))
