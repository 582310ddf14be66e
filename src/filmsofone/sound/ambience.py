"""Ambience: the sound of each place, synthesised offline (or a file the bible names), under its scenes.

A place is heard as a few layers chosen from what the bible and the scene say about it: room tone inside,
wind outside, birds by day, crickets at night, rain, the sea, a street. Each combination is made once as a
seamless loop and tiled over the scenes set there, fading in and out at scene changes.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .audio import RATE, FileLoop, coloured_noise, db

LOOP_SECONDS = 24.0
SEAM = 2.0
FADE = 1.0
_WORDS = {
    "rain": re.compile(r"\b(rain\w*|drizzl\w*|downpour|storm\w*|showers?)\b", re.I),
    "sea": re.compile(r"\b(sea|seas|shore|beach|harbou?r|coast\w*|waves?|pier|quay|lighthouse|cliffs?|tide|surf|"
                      r"boathouse|dock\w*|ocean)\b", re.I),
    "street": re.compile(r"\b(street|streets|road|market\w*|town|square|city|lane|avenue|high street|station|"
                         r"crowd\w*|traffic|carriage\w*|cab)\b", re.I),
}


@dataclass(frozen=True)
class AmbienceSpan:
    """A stretch of the film with one place's sound: layers, or a decoded file of the user's."""

    start: float
    end: float
    layers: tuple[str, ...] = ()
    file_loop: str | None = None  # a WAV (48 kHz, 16-bit) decoded from the bible's file, read as it plays


def layers_for(place_text: str, scene_text: str, interior: bool | None, time_of_day: str) -> tuple[str, ...]:
    """Which layers a place has: room or wind, birds or crickets, and rain, sea, street when mentioned."""
    night = time_of_day in ("night", "dusk")
    found = ["room"] if interior else ["wind"]
    if not interior:
        found.append("crickets" if night else "birds")
    for name, pattern in _WORDS.items():
        if pattern.search(place_text) or (name == "rain" and len(pattern.findall(scene_text)) >= 2):
            found.append(name)
    if interior and "sea" in found:
        found.remove("sea")
        found.append("sea_far")
    return tuple(found)


@lru_cache(maxsize=16)
def loop(layers: tuple[str, ...]) -> np.ndarray:
    """A seamless stereo loop of `LOOP_SECONDS` with these layers."""
    seed = int(hashlib.sha256("|".join(layers).encode()).hexdigest()[:8], 16)
    rng = np.random.default_rng(seed)
    total = LOOP_SECONDS + SEAM
    sound = np.zeros((int(total * RATE), 2), dtype=np.float32)
    for layer in layers:
        sound += _LAYERS[layer](total, rng)
    n, seam = int(LOOP_SECONDS * RATE), int(SEAM * RATE)
    ramp = np.sin(np.linspace(0, math.pi / 2, seam, dtype=np.float32))[:, None]
    body = sound[:n].copy()
    body[:seam] = body[:seam] * ramp + sound[n:n + seam] * ramp[::-1]  # the tail flows into the head
    return body


def _stereo(rng: np.random.Generator, seconds: float, **shape) -> np.ndarray:
    return np.stack([coloured_noise(seconds, rng, **shape), coloured_noise(seconds, rng, **shape)], axis=1)


def _room(seconds: float, rng) -> np.ndarray:
    return _stereo(rng, seconds, slope=6.0, low=30, high=900) * db(-40)


def _wind(seconds: float, rng) -> np.ndarray:
    t = np.arange(int(seconds * RATE), dtype=np.float32) / RATE
    gust = 0.6 + 0.4 * np.sin(2 * math.pi * t / 7.0 + rng.uniform(0, 6)) * np.sin(2 * math.pi * t / 11.0)
    return _stereo(rng, seconds, slope=4.5, low=40, high=2500) * gust[:, None] * db(-30)


def _sea(seconds: float, rng, level: float = -27, high: float = 3000) -> np.ndarray:
    t = np.arange(int(seconds * RATE), dtype=np.float32) / RATE
    period = 8.0  # divides LOOP_SECONDS + SEAM closely enough for a swell
    swell = 0.25 + 0.75 * np.power(np.sin(math.pi * t / period) ** 2, 1.5)
    return _stereo(rng, seconds, slope=3.0, low=60, high=high) * swell[:, None] * db(level)


def _sea_far(seconds: float, rng) -> np.ndarray:
    return _sea(seconds, rng, level=-38, high=700)


def _rain(seconds: float, rng) -> np.ndarray:
    hiss = _stereo(rng, seconds, slope=1.5, low=400, high=12000) * db(-32)
    drops = np.zeros_like(hiss)
    for _ in range(int(seconds * 25)):
        at = int(rng.uniform(0, seconds - 0.05) * RATE)
        length = int(0.012 * RATE)
        click = rng.standard_normal(length).astype(np.float32) * np.exp(-np.arange(length) / (0.002 * RATE))
        drops[at:at + length, int(rng.integers(0, 2))] += click * db(-34)
    return hiss + drops


def _birds(seconds: float, rng) -> np.ndarray:
    out = np.zeros((int(seconds * RATE), 2), dtype=np.float32)
    for _ in range(int(seconds / 2.5)):
        at, chirps, base = rng.uniform(0, seconds - 1.0), int(rng.integers(2, 5)), rng.uniform(2500, 4500)
        side = rng.uniform(0.2, 0.8)
        for k in range(chirps):
            length = int(rng.uniform(0.05, 0.11) * RATE)
            t = np.arange(length, dtype=np.float32) / RATE
            sweep = base * (1 + 0.25 * np.sin(math.pi * t / t[-1]))
            chirp = np.sin(2 * math.pi * np.cumsum(sweep) / RATE) * np.sin(math.pi * t / t[-1]) * db(-38)
            start = int((at + k * 0.14) * RATE)
            out[start:start + length, 0] += chirp[: len(out) - start] * (1 - side)
            out[start:start + length, 1] += chirp[: len(out) - start] * side
    return out


def _crickets(seconds: float, rng) -> np.ndarray:
    t = np.arange(int(seconds * RATE), dtype=np.float32) / RATE
    pulses = (np.sin(2 * math.pi * 30 * t) > 0.3) * (np.sin(2 * math.pi * 0.9 * t + rng.uniform(0, 3)) > -0.2)
    tone = np.sin(2 * math.pi * 4300 * t) * pulses * db(-44)
    return np.stack([tone, np.roll(tone, int(0.37 * RATE)) * 0.8], axis=1).astype(np.float32)


def _street(seconds: float, rng) -> np.ndarray:
    bed = _stereo(rng, seconds, slope=3.0, low=80, high=4000) * db(-36)
    for _ in range(int(seconds * 1.5)):  # steps and hooves
        at = int(rng.uniform(0, seconds - 0.1) * RATE)
        length = int(0.04 * RATE)
        knock = np.sin(2 * math.pi * rng.uniform(150, 400) * np.arange(length) / RATE)
        knock *= np.exp(-np.arange(length) / (0.008 * RATE)) * db(-36)
        side = rng.uniform(0.2, 0.8)
        bed[at:at + length, 0] += knock * (1 - side)
        bed[at:at + length, 1] += knock * side
    return bed


_LAYERS = {"room": _room, "wind": _wind, "sea": _sea, "sea_far": _sea_far, "rain": _rain, "birds": _birds,
           "crickets": _crickets, "street": _street}


def _tiled(sound: np.ndarray, start: int, count: int) -> np.ndarray:
    """Samples [start, start+count) of `sound` repeated forever (slices, no index arrays)."""
    offset = start % len(sound)
    reps = -(-(offset + count) // len(sound))
    return np.concatenate([sound] * reps)[offset:offset + count] if reps > 1 else sound[offset:offset + count]


class AmbienceSource:
    """The ambience of a film: each span's loop tiled over it, faded at its edges (a file's loop read from
    disk block by block)."""

    def __init__(self, spans: list[AmbienceSpan], file_loops: dict[str, FileLoop] | None = None,
                 fade: float = FADE):
        self.spans = spans
        self.file_loops = file_loops or {}
        self.fade = fade

    def render_into(self, block: np.ndarray, t0: float) -> None:
        first = int(round(t0 * RATE))
        for span in self.spans:
            half = self.fade / 2
            a = max(first, int(round((span.start - half) * RATE)))
            b = min(first + len(block), int(round((span.end + half) * RATE)))
            if b <= a:
                continue
            if span.file_loop:
                sound = self.file_loops[span.file_loop]
                if not len(sound):
                    continue
                piece = sound.tiled(a, b - a)
            else:
                piece = _tiled(loop(span.layers), a, b - a)
            target, cursor = block[a - first:b - first], a
            for lo, hi in _fade_regions(a, b, span.start - half, span.end + half, self.fade):
                target[cursor - a:lo - a] += piece[cursor - a:lo - a]
                t = np.arange(lo, hi) / RATE
                rise = np.clip((t - (span.start - half)) / self.fade, 0, 1)
                fall = np.clip(((span.end + half) - t) / self.fade, 0, 1)
                gain = (np.sin(rise * math.pi / 2) * np.sin(fall * math.pi / 2)).astype(np.float32)[:, None]
                target[lo - a:hi - a] += piece[lo - a:hi - a] * gain
                cursor = hi
            target[cursor - a:] += piece[cursor - a:]


def _fade_regions(a: int, b: int, start: float, end: float, fade: float) -> list[tuple[int, int]]:
    """The parts of samples [a, b) within `fade` seconds of a span's edges (merged when they meet)."""
    edge = int(fade * RATE)
    low, high = int(round(start * RATE)), int(round(end * RATE))
    regions = [(max(a, low), min(b, low + edge)), (max(a, high - edge), min(b, high))]
    regions = [(lo, hi) for lo, hi in regions if hi > lo]
    if len(regions) == 2 and regions[0][1] >= regions[1][0]:
        regions = [(regions[0][0], max(regions[0][1], regions[1][1]))]
    return regions
