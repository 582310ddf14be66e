"""A scene's intent ("from dread to relief") as a tension curve, and how tension shapes pace and closeness.

Tension runs from 0 (calm) to 1 (the peak). High tension cuts shorter shots and moves the camera closer;
low tension holds wider shots longer. With no intent set, the curve follows the text's emotion words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..errors import UserError

MOODS: dict[str, float] = {
    "calm": 0.1, "peace": 0.1, "serene": 0.1, "quiet": 0.15, "relief": 0.2, "rest": 0.15, "warmth": 0.2,
    "comedy": 0.2, "humour": 0.25, "humor": 0.25, "comic": 0.2, "playful": 0.25, "joy": 0.3, "happ": 0.3,
    "hope": 0.35, "tender": 0.35, "wonder": 0.35, "nostalg": 0.35, "love": 0.4, "romance": 0.4, "curio": 0.4,
    "melanchol": 0.4, "longing": 0.45, "sad": 0.45, "sorrow": 0.5, "embarrass": 0.5, "awkward": 0.45,
    "unease": 0.55, "uneasy": 0.55, "suspicio": 0.55, "mystery": 0.55, "grief": 0.6, "triumph": 0.6,
    "jealous": 0.6, "tension": 0.7, "tense": 0.7, "despair": 0.7, "excite": 0.7, "urgen": 0.75,
    "suspense": 0.75, "dread": 0.8, "menace": 0.8, "threat": 0.8, "fear": 0.85, "anger": 0.85, "angry": 0.85,
    "confront": 0.85, "shock": 0.9, "danger": 0.85, "panic": 0.95, "terror": 0.95, "horror": 0.95,
    "rage": 0.95, "fury": 0.95, "climax": 1.0, "peak": 1.0, "chaos": 0.95,
}
_SHAPES = {"rising": (0.25, 0.9), "build": (0.25, 0.9), "falling": (0.8, 0.2), "fading": (0.7, 0.15),
           "easing": (0.7, 0.2), "escalat": (0.3, 0.95)}


@dataclass(frozen=True)
class TensionCurve:
    """Piecewise-linear tension over the scene's course (position 0..1)."""

    points: tuple[tuple[float, float], ...]

    def at(self, position: float) -> float:
        xs = [x for x, _ in self.points]
        if position <= xs[0]:
            return self.points[0][1]
        if position >= xs[-1]:
            return self.points[-1][1]
        i = bisect_right(xs, position) - 1
        (x0, y0), (x1, y1) = self.points[i], self.points[i + 1]
        return y0 + (y1 - y0) * (position - x0) / (x1 - x0)

    def describe(self) -> str:
        return " -> ".join(f"{y:.2f}" for _, y in self.points)


def _mood_value(word: str) -> float | None:
    word = word.lower()
    for stem, value in MOODS.items():
        if word.startswith(stem):
            return value
    return None


def parse_intent(intent: str) -> TensionCurve:
    """'from dread to relief' -> dread's tension falling to relief's; raises UserError when no mood is known."""
    lowered = intent.lower()
    values = [v for v in (_mood_value(w) for w in re.findall(r"[a-z]+", lowered)) if v is not None]
    shape = next((ends for stem, ends in _SHAPES.items() if stem in lowered), None)
    if not values and shape is None:
        known = ", ".join(sorted({k for k in MOODS if len(k) > 3})[:24])
        raise UserError(f"no mood found in the intent '{intent}'",
                        f"name moods, e.g. 'from dread to relief' (known: {known}, ...)")
    if shape is not None and len(values) <= 1:
        start, end = shape
        if values:
            end = values[0] if shape[1] > shape[0] else end
            start = start if shape[1] > shape[0] else values[0]
        values = [start, end]
    if "middle" in lowered and len(values) == 1:
        values = [0.3, values[0], 0.3]
    if len(values) == 1:
        values = [values[0], values[0]]
    step = 1.0 / (len(values) - 1)
    return TensionCurve(tuple((i * step, v) for i, v in enumerate(values)))


def mood_at(intent: str | None, position: float) -> str:
    """The mood the intent names for this point of the scene ('from dread to relief' at 0.8 -> 'relief')."""
    if not intent:
        return ""
    named = [w for w in re.findall(r"[a-z]+", intent.lower()) if _mood_value(w) is not None]
    if not named:
        return ""
    return named[min(len(named) - 1, int(round(max(0.0, min(1.0, position)) * (len(named) - 1))))]


def text_curve(emotions: list[float]) -> TensionCurve:
    """A curve from the beats' emotion weights (emotion words per 100 words), smoothed over neighbours."""
    if not emotions:
        return TensionCurve(((0.0, 0.4), (1.0, 0.4)))
    raw = [min(1.0, 0.3 + 0.12 * e) for e in emotions]
    smooth = []
    for i in range(len(raw)):
        window = raw[max(0, i - 1): i + 2]
        smooth.append(0.5 * raw[i] + 0.5 * sum(window) / len(window))
    if len(smooth) == 1:
        return TensionCurve(((0.0, smooth[0]), (1.0, smooth[0])))
    step = 1.0 / (len(smooth) - 1)
    return TensionCurve(tuple((i * step, v) for i, v in enumerate(smooth)))


def tension_curve(intent: str | None, emotions: list[float]) -> TensionCurve:
    """The user's intent when set (lightly modulated by the text), else the text's own curve."""
    from_text = text_curve(emotions)
    if not intent:
        return from_text
    wanted = parse_intent(intent)
    n = max(len(emotions), 2)
    points = tuple((i / (n - 1), 0.8 * wanted.at(i / (n - 1)) + 0.2 * from_text.at(i / (n - 1))) for i in range(n))
    return TensionCurve(points)


def pace_factor(tension: float) -> float:
    """Multiplier on a shot's length: 1.2 when calm, 0.75 at the peak."""
    return 1.2 - 0.45 * max(0.0, min(1.0, tension))


SIZES = ("EWS", "WS", "MS", "MCU", "CU", "ECU")


def closer(size: str, steps: int = 1) -> str:
    if size not in SIZES:
        return size
    return SIZES[max(0, min(len(SIZES) - 1, SIZES.index(size) + steps))]


def closeness_steps(tension: float) -> int:
    """How many sizes closer (positive) or wider (negative) tension pushes a shot."""
    if tension >= 0.75:
        return 1
    if tension < 0.2:
        return -1
    return 0
