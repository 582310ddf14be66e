"""`animatic-portrait`: an offline image backend drawing deterministic portrait cards for auditions.

It reads what to draw from `request.sketch` (filled by `filmsofone.audition` from the cast bible entry):
`{"kind": "characters"|"settings"|"props", "name", "lines": [identity words], "palette": ["#rrggbb"],
"variant": n}`. The seed varies the face (head shape, hair cut, pose, background), the bible's words set
what they can (hair and wardrobe colours), so N candidates differ and the same request always gives the
same PNG.
"""

from __future__ import annotations

import hashlib
import random
import re
import textwrap
from pathlib import Path
from typing import ClassVar

from ..fonts import font
from .base import Backend, Capabilities, GenerationRequest

SIZES = {"1:1": (512, 512), "3:4": (480, 640), "4:3": (640, 480), "16:9": (640, 360), "9:16": (360, 640)}
SKIN = ["#f1c9a5", "#e0ac69", "#c68642", "#8d5524", "#ffdbac", "#d1a17a"]
COLOUR_WORDS = {
    "grey": "#8c8c8c", "gray": "#8c8c8c", "silver": "#c0c0c0", "white": "#eeeeee", "black": "#1e1e1e",
    "dark": "#2b2118", "brown": "#6b4423", "auburn": "#8a3b12", "red": "#a8322d", "ginger": "#b5561c",
    "blond": "#d9b86c", "blonde": "#d9b86c", "fair": "#e2c98f", "golden": "#d4a937", "blue": "#2f4f8f",
    "navy": "#1f2a4d", "green": "#3f6b3a", "yellow": "#d8b93c", "purple": "#5b3a7a", "crimson": "#8c1c2c",
    "tweed": "#7a6a4f", "oilskin": "#6f6a3a", "wool": "#8a7f70",
}


def _colour_from(text: str, default: str) -> str:
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in COLOUR_WORDS:
            return COLOUR_WORDS[word]
    return default


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _mix(a: tuple, b: tuple, t: float) -> tuple[int, int, int]:
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


class PortraitBackend(Backend):
    name = "animatic-portrait"
    kind = "image"
    description = "Offline portrait cards for auditions, drawn from the cast bible (no key, no GPU)"
    capabilities: ClassVar[Capabilities] = Capabilities(
        min_duration=0.0, max_duration=3600.0, aspect_ratios=list(SIZES),
        resolutions=[f"{w}x{h}" for w, h in SIZES.values()], prompt_limit=100_000, seed=True,
        negative_prompt=True, reference_images=8)
    local = True
    verify_decode = False
    default_concurrency = 4

    async def render(self, request: GenerationRequest, dest: Path) -> None:
        import asyncio

        image = await asyncio.to_thread(draw_card, request)
        await asyncio.to_thread(image.save, dest, "PNG")


def draw_card(request: GenerationRequest):
    """The card as a Pillow image (pure: the same request gives the same pixels)."""
    from PIL import Image, ImageDraw

    sketch = request.sketch or {}
    width, height = SIZES.get(request.aspect_ratio, SIZES["1:1"])
    seed = request.seed if request.seed is not None else int(
        hashlib.sha256(request.prompt.encode()).hexdigest()[:8], 16)
    rng = random.Random(seed)
    palette = [c for c in sketch.get("palette") or [] if re.fullmatch(r"#[0-9a-fA-F]{6}", str(c))]
    if len(palette) < 2:
        palette = ["#%02x%02x%02x" % tuple(rng.randint(40, 200) for _ in range(3)) for _ in range(2)]
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = _rgb(palette[0]), _rgb(palette[1])
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=_mix(top, bottom, y / max(1, height - 1)))
    kind = sketch.get("kind", "characters")
    words = " ".join(sketch.get("lines") or [request.prompt])
    figure = {"characters": _draw_person, "settings": _draw_place, "props": _draw_object}.get(kind, _draw_person)
    figure(draw, width, height, rng, words, palette)
    _caption(draw, width, height, str(sketch.get("name") or request.shot_id), words, sketch.get("variant"))
    return image


def _draw_person(draw, width: int, height: int, rng: random.Random, words: str, palette: list[str]) -> None:
    cx = width // 2 + rng.randint(-width // 12, width // 12)
    head_w = int(width * rng.uniform(0.20, 0.27))
    head_h = int(head_w * rng.uniform(1.15, 1.4))
    head_top = int(height * rng.uniform(0.16, 0.24))
    skin = rng.choice(SKIN)
    hair = _colour_from(_after(words, "hair"), rng.choice(["#2b2118", "#6b4423", "#d9b86c", "#1e1e1e", "#8c8c8c"]))
    cloth = _colour_from(_after(words, "wearing"), palette[-1])
    shoulders_top = head_top + head_h - head_h // 10
    draw.polygon([(cx - int(head_w * 1.7), height), (cx - int(head_w * 1.1), shoulders_top + head_h // 3),
                  (cx + int(head_w * 1.1), shoulders_top + head_h // 3), (cx + int(head_w * 1.7), height)],
                 fill=cloth)
    draw.rectangle([cx - head_w // 5, head_top + head_h - 10, cx + head_w // 5, shoulders_top + head_h // 3],
                   fill=skin)
    long_hair = rng.random() < 0.5
    hair_box = [cx - head_w // 2 - head_w // 8, head_top - head_h // 8, cx + head_w // 2 + head_w // 8,
                head_top + (int(head_h * 1.15) if long_hair else head_h // 2)]
    draw.ellipse(hair_box, fill=hair)
    draw.ellipse([cx - head_w // 2, head_top, cx + head_w // 2, head_top + head_h], fill=skin)
    draw.chord([cx - head_w // 2, head_top - head_h // 10, cx + head_w // 2, head_top + head_h // 2],
               180, 360, fill=hair)
    eye_y = head_top + int(head_h * 0.5)
    gap = head_w // 5
    for side in (-1, 1):
        ex = cx + side * gap
        draw.ellipse([ex - 5, eye_y - 3, ex + 5, eye_y + 3], fill="#ffffff")
        draw.ellipse([ex - 2, eye_y - 2, ex + 2, eye_y + 2], fill="#202020")
    mouth_y = head_top + int(head_h * 0.75)
    draw.arc([cx - head_w // 6, mouth_y - 6, cx + head_w // 6, mouth_y + 6], 20, 160,
             fill="#7a3b2e", width=2)


def _draw_place(draw, width: int, height: int, rng: random.Random, words: str, palette: list[str]) -> None:
    horizon = int(height * rng.uniform(0.45, 0.65))
    ground = _colour_from(words, palette[-1])
    draw.rectangle([0, horizon, width, height], fill=ground)
    for _ in range(rng.randint(2, 5)):
        w = rng.randint(width // 10, width // 4)
        h = rng.randint(height // 8, height // 3)
        x = rng.randint(0, width - w)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=_mix(_rgb(ground), (20, 20, 20), 0.5))
        draw.rectangle([x + w // 3, horizon - h + h // 4, x + w // 3 + max(4, w // 6), horizon - h // 2],
                       fill="#f3d27a")


def _draw_object(draw, width: int, height: int, rng: random.Random, words: str, palette: list[str]) -> None:
    colour = _colour_from(words, palette[-1])
    size = int(min(width, height) * rng.uniform(0.25, 0.4))
    cx, cy = width // 2, int(height * 0.45)
    if rng.random() < 0.5:
        draw.ellipse([cx - size // 2, cy - size // 2, cx + size // 2, cy + size // 2], fill=colour, outline="#111111")
    else:
        draw.rounded_rectangle([cx - size // 2, cy - size // 2, cx + size // 2, cy + size // 2], radius=size // 8,
                               fill=colour, outline="#111111")


def _after(words: str, marker: str) -> str:
    """The words next to `marker` ('short dark hair' -> 'short dark')."""
    lowered = words.lower()
    if marker == "hair":
        match = re.search(r"([a-z ,-]{0,30})\bhair", lowered)
        return match.group(1) if match else ""
    index = lowered.find(marker)
    return lowered[index + len(marker):index + len(marker) + 40] if index >= 0 else ""


def _caption(draw, width: int, height: int, name: str, words: str, variant) -> None:
    band = int(height * 0.22)
    draw.rectangle([0, height - band, width, height], fill=(12, 12, 16))
    title_font = font(max(14, width // 22))
    small_font = font(max(10, width // 42))
    label = f"{name}  #{variant}" if variant is not None else name
    draw.text((12, height - band + 8), label, fill="#f4f0e6", font=title_font)
    detail = words.partition(": ")[2] or words
    lines = textwrap.wrap(detail, width=max(20, width // 8))[:3]
    for i, line in enumerate(lines):
        draw.text((12, height - band + 16 + width // 22 + i * (width // 38 + 4)), line, fill="#bdb6a6",
                  font=small_font)
