"""Light presets per time of day, interior or exterior, and guessing which a setting is."""

from __future__ import annotations

import re

from .model import TIMES_OF_DAY, Light

_INTERIOR_WORDS = re.compile(
    r"\b(room|rooms|house|hall|hotel|inn|church|chapel|cathedral|kitchen|parlou?r|library|study|office|shop|"
    r"cellar|attic|chamber|bedroom|salon|drawing-room|pension|apartment|flat|cottage|castle|palace|museum|"
    r"theatre|theater|tavern|pub|bar|caf[eé]|restaurant|station|prison|cell|court|school|workhouse|"
    r"corridor|staircase|lodge|mansion|villa|ballroom|boathouse|lighthouse|cabin|carriage|train)\b",
    re.IGNORECASE,
)
_EXTERIOR_WORDS = re.compile(
    r"\b(street|road|lane|square|garden|gardens|park|field|fields|wood|woods|forest|river|lake|sea|shore|"
    r"beach|coast|bay|hill|hills|mountain|mountains|valley|moor|heath|bridge|harbou?r|quay|dock|island|"
    r"meadow|orchard|churchyard|cemetery|terrace|courtyard|marsh|desert|village|town|city|country|"
    r"pier|cliff|cliffs|common|green|lawn|avenue|piazza|promenade)\b",
    re.IGNORECASE,
)


def guess_interior(name: str, known: bool | None = None) -> bool | None:
    """The analysis' answer when it has one, else a guess from the place's name (None when unclear)."""
    if known is not None:
        return known
    inside = bool(_INTERIOR_WORDS.search(name))
    outside = bool(_EXTERIOR_WORDS.search(name))
    if inside != outside:
        return inside
    return None


_EXTERIOR = {
    "day": Light(key="sun, high and hard", fill="open sky bounce", practicals="", direction="from top left",
                 color_temperature=5600, contrast="high",
                 palette=["#8fb3d9", "#e8dcc0", "#6b8e4e", "#4a4a48"], weather="clear"),
    "dawn": Light(key="low sun through haze", fill="cool sky", practicals="last street lamps",
                  direction="low from the east, backlit", color_temperature=3800, contrast="low",
                  palette=["#f2c4a0", "#b7a6c9", "#5f6f8c", "#2e3440"], weather="morning mist"),
    "dusk": Light(key="low golden sun", fill="warm bounce, cool shadows", practicals="windows lighting up",
                  direction="low from the west, side light", color_temperature=3200, contrast="medium",
                  palette=["#f0a35e", "#c9735b", "#4b4e6d", "#1f2233"], weather="still air"),
    "night": Light(key="moonlight, cool and soft", fill="faint sky glow", practicals="street lamps, lit windows",
                   direction="high, from behind", color_temperature=4100, contrast="high",
                   palette=["#1b2a41", "#324a5f", "#c9b37e", "#0b0c10"], weather="clear night"),
}
_INTERIOR = {
    "day": Light(key="daylight through windows", fill="bounce from pale walls", practicals="",
                 direction="from the side windows", color_temperature=5000, contrast="medium",
                 palette=["#e6d8bf", "#a68a64", "#5c4b3b", "#f4efe6"], weather=""),
    "dawn": Light(key="thin blue light at the windows", fill="very little", practicals="a candle or lamp",
                  direction="from the side windows", color_temperature=4500, contrast="low",
                  palette=["#9fb1c7", "#d9c3a5", "#4f5666", "#262a33"], weather=""),
    "dusk": Light(key="warm window light fading", fill="lamps being lit", practicals="table lamps",
                  direction="low, from the side", color_temperature=3400, contrast="medium",
                  palette=["#d9a066", "#8c5a3c", "#3d3b4f", "#f2d8b5"], weather=""),
    "night": Light(key="lamp and candle light, warm", fill="firelight", practicals="oil lamps, candles, a fire",
                   direction="low, from the practicals", color_temperature=2700, contrast="high",
                   palette=["#f2b45c", "#8c3b1f", "#2b1d14", "#120d0a"], weather=""),
}


def light_presets(interior: bool | None) -> dict[str, Light]:
    """A light for each time of day; an unknown setting is lit as an exterior."""
    table = _INTERIOR if interior else _EXTERIOR
    return {time: table[time].model_copy(deep=True) for time in TIMES_OF_DAY}
