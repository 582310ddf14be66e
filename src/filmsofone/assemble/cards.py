"""Cards drawn with Pillow in the bundled font (`filmsofone.fonts`, no system fonts): the title, chapter titles,
placeholders."""

from __future__ import annotations

import textwrap
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .. import fonts
from .format import FilmFormat

STYLES = {  # background, title colour, subtitle colour
    "title": ((8, 8, 10), (240, 232, 210), (160, 150, 130)),
    "chapter": ((12, 12, 16), (225, 220, 205), (150, 145, 135)),
    "placeholder": ((38, 38, 44), (230, 200, 120), (190, 190, 195)),
}


def draw_card(path: Path, fmt: FilmFormat, kind: str, title: str, subtitle: str = "") -> Path:
    """Write a PNG card of the film's size: `title` large, `subtitle` beneath, centred."""
    background, ink, soft = STYLES.get(kind, STYLES["chapter"])
    image = Image.new("RGB", (fmt.width, fmt.height), background)
    draw = ImageDraw.Draw(image)
    big = _font(max(12, fmt.height // (9 if kind == "title" else 12)))
    small = _font(max(10, fmt.height // 24))
    title_lines = textwrap.wrap(title, 28) or [""]
    sub_lines = textwrap.wrap(subtitle, 56)[:4]
    blocks = [(line, big, ink) for line in title_lines] + [(line, small, soft) for line in sub_lines]
    heights = [_line_height(draw, font) for _, font, _ in blocks]
    gap = fmt.height // 40
    y = (fmt.height - sum(heights) - gap * (len(blocks) - 1)) / 2
    for (line, font, colour), height in zip(blocks, heights):
        width = draw.textlength(line, font=font)
        draw.text(((fmt.width - width) / 2, y), line, font=font, fill=colour)
        y += height + gap
    if kind == "placeholder":
        draw.rectangle([gap, gap, fmt.width - gap, fmt.height - gap], outline=soft, width=max(1, fmt.height // 180))
    image.save(path)
    return path


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return fonts.font(size)


def _line_height(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont) -> int:
    left, top, right, bottom = draw.textbbox((0, 0), "Ay", font=font)
    return bottom - top
