"""The one font filmsofone draws text with: DejaVu Sans, bundled (never a system font).

It covers what books print: dashes, curly quotes, ellipses, accented Latin, Greek and Cyrillic letters, so
drawn frames and title cards show no missing-glyph boxes. Licence: DejaVu-LICENSE.txt beside it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FONT_PATH = Path(__file__).with_name("DejaVuSans.ttf")


@lru_cache(maxsize=32)
def font(size: int):
    """The bundled font at `size` pixels, as a Pillow FreeType font."""
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_PATH), size=max(1, int(size)))


def missing_glyphs(text: str, size: int = 24) -> list[str]:
    """The characters of `text` the bundled font draws as its missing-glyph box (whitespace aside)."""
    box = _mask(chr(0x10FFFD), size)  # a private-use code point no font covers: the .notdef box
    return [ch for ch in dict.fromkeys(text) if not ch.isspace() and _mask(ch, size) == box]


def _mask(ch: str, size: int) -> tuple:
    mask = font(size).getmask(ch)
    return mask.size, bytes(mask)
