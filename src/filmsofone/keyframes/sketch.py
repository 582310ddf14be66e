"""What the offline animatic draws for a shot: plain data built from the shot, the book and the cast bible.

Figures come most prominent first (the speaker, then the centre), each with its name, screen position,
hair and wardrobe colours read from the bible's words, and its face image (the pick) when there is one.
The sketch is part of the request, so it is part of the cache key (a face counts by its content).
"""

from __future__ import annotations

import colorsys
import hashlib
import re

from ..bible import palette as bible_palette
from ..models import BookAnalysis, Shot

COLOUR_WORDS = {
    "red": "#a8322d", "crimson": "#8c1c2a", "scarlet": "#b3261e", "blue": "#2f5597", "navy": "#1f2f55",
    "green": "#3f7a3a", "grey": "#7a7a7a", "gray": "#7a7a7a", "black": "#2a2a2a", "white": "#e6e6e0",
    "brown": "#7a5230", "yellow": "#c9a227", "gold": "#b8962e", "purple": "#6a3d8f", "violet": "#7d4f9e",
    "orange": "#c96a22", "pink": "#c77d92", "tan": "#b79268", "silver": "#b0b4b8", "cream": "#efe6cf",
    "copper": "#b0582a", "auburn": "#8a3b12", "ginger": "#b5561c", "blond": "#d9b86c", "blonde": "#d9b86c",
    "fair": "#e2c98f", "golden": "#d4a937", "dark": "#2b2118", "chestnut": "#6e3b1f", "oilskin": "#6f6a3a",
    "tweed": "#7a6a4f", "olive": "#6b6b2e", "ivory": "#ece4cf", "charcoal": "#3a3a3a", "russet": "#80461b",
}
_POSITION_RANK = {"center": 0, "left": 1, "right": 1}
_TIME_TINT = {"night": 0.35, "dusk": 0.7, "dawn": 0.8, "day": 1.0, "unknown": 0.9}


def colour_in(words: str) -> str | None:
    """The first colour word of `words` as hex ('short copper braid' -> copper), or None."""
    for word in re.findall(r"[a-z]+", (words or "").lower()):
        if word in COLOUR_WORDS:
            return COLOUR_WORDS[word]
    return None


def in_frame(shot: Shot, analysis: BookAnalysis | None = None) -> list[str]:
    """Ids of the characters seen in the shot, most prominent first (speaker, centre, shot order)."""
    speakers = []
    if analysis is not None:
        by_id = {q.id: q for q in analysis.quotes}
        speakers = [by_id[q].speaker for q in shot.dialogue if q in by_id and by_id[q].speaker]
    seen = [(i, p) for i, p in enumerate(shot.characters) if p.position != "offscreen"]

    def rank(item) -> tuple:
        i, placed = item
        spoken = speakers.index(placed.character) if placed.character in speakers else len(speakers)
        return spoken, _POSITION_RANK.get(placed.position, 2), i

    return list(dict.fromkeys(p.character for _, p in sorted(seen, key=rank)))


def build_sketch(shot: Shot, analysis: BookAnalysis, text: str, bible=None,
                 faces: dict[str, str] | None = None) -> dict:
    """Names, looks, faces, caption, palette, size and movement of one shot."""
    setting = _setting(analysis, shot.setting)
    positions = {p.character: p.position for p in shot.characters}
    figures = []
    for char_id in in_frame(shot, analysis):
        figure = {"id": char_id, "name": _character_name(analysis, char_id), "position": positions[char_id],
                  **_look(bible, char_id, shot)}
        if faces and char_id in faces:
            figure["face"] = faces[char_id]
        figures.append(figure)
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
            bible.setting(setting_id)
        except KeyError:
            pass
        else:
            colours = [c for c in bible_palette(bible, setting_id, time_of_day) if _is_hex(c)]
            if colours:
                return colours[:4]
    return hashed_palette(fallback_name or "scene", time_of_day)


def hashed_palette(name: str, time_of_day: str) -> list[str]:
    """A stable palette from a name, darker at night."""
    hue = int(hashlib.sha256(name.encode()).hexdigest()[:6], 16) / 0xFFFFFF
    light = _TIME_TINT.get(time_of_day, 0.9)
    colours = []
    for dh, sat, val in ((0.0, 0.35, 0.75), (0.06, 0.45, 0.55), (0.5, 0.3, 0.4), (0.1, 0.2, 0.9)):
        r, g, b = colorsys.hsv_to_rgb((hue + dh) % 1.0, sat, val * light)
        colours.append(f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}")
    return colours


def _is_hex(colour) -> bool:
    return isinstance(colour, str) and len(colour) == 7 and colour.startswith("#")


def _look(bible, char_id: str, shot: Shot) -> dict:
    """{"colour": wardrobe, "hair": hair} as hex, from the bible's words; stable colours from the id otherwise."""
    digest = hashlib.sha256(char_id.encode()).digest()
    wardrobe = "#%02x%02x%02x" % (80 + digest[0] % 140, 60 + digest[1] % 140, 60 + digest[2] % 140)
    hair = ["#2b2118", "#6b4423", "#d9b86c", "#1e1e1e", "#8c8c8c"][digest[3] % 5]
    person = None
    if bible is not None:
        try:
            person = bible.character(char_id)
        except KeyError:
            person = None
    if person is not None:
        hair = colour_in(person.hair) or colour_in(_near(person.physical, "hair")) or hair
        wardrobe = colour_in(person.wardrobe.for_shot(scene_id=shot.scene)) or wardrobe
    return {"colour": wardrobe, "hair": hair}


def _near(words: str, noun: str) -> str:
    match = re.search(rf"([a-z ,-]{{0,30}})\b{noun}", (words or "").lower())
    return match.group(1) if match else ""
