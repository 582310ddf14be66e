"""The score: music made offline from each scene's tension curve, built around a pulse.

Tension (0 calm .. 1 peak, `plan.intent`) drives everything as the scene goes on: the tempo of the pulse
(56 bpm at rest, 120 at the peak), the density of the plucked figure over it (one note a beat, up to
four), the register (calm keeps the harmony in the middle; tension opens it: a deeper bass, a high
shimmer) and the harmony (major when calm, minor and then a clashing second when tense). The music is a
list of note events, rendered only for the window asked for, so a long film never sits in memory; each
scene's music fades in and out over `CROSSFADE` seconds around its edges, overlapping its neighbours'.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from ..plan.intent import TensionCurve
from .audio import RATE

CROSSFADE = 2.0
LEVEL = 0.16
_MAJOR = (0, 4, 7, 11)
_MINOR = (0, 3, 7, 10)
_PROGRESSIONS = ((0, 5, 3, 4), (0, 3, 5, 4), (0, 4, 5, 3), (0, 5, 2, 4))  # scale degrees, one chord a bar
_SCALE = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}


@dataclass(frozen=True)
class Note:
    start: float  # film seconds
    seconds: float
    freq: float
    gain: float
    kind: str  # "pad" | "pluck" | "pulse" | "bass"
    pan: float = 0.0  # -1 left .. 1 right


@dataclass(frozen=True)
class SceneMusic:
    """One scene's span of the film and the curve its music follows."""

    scene: str
    start: float
    end: float
    curve: TensionCurve


def _midi(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _scene_seed(scene: str) -> int:
    return int(hashlib.sha256(scene.encode()).hexdigest()[:8], 16)


def tempo(tension: float) -> float:
    """Beats per minute of the pulse at this tension."""
    return 56.0 + 64.0 * max(0.0, min(1.0, tension))


def density(tension: float) -> int:
    """Plucked notes per beat."""
    return 1 + int(round(3 * max(0.0, min(1.0, tension))))


def scene_notes(music: SceneMusic) -> list[Note]:
    """The note events of one scene, over its span widened by half a crossfade at each end."""
    seed = _scene_seed(music.scene)
    rng = np.random.default_rng(seed)
    root = 45 + seed % 7  # A2 .. D#3
    progression = _PROGRESSIONS[seed % len(_PROGRESSIONS)]
    begin, end = music.start - CROSSFADE / 2, music.end + CROSSFADE / 2
    length = max(end - begin, 0.1)
    notes: list[Note] = []
    t, beat = begin, 0
    chord_tones: list[float] = []
    while t < end:
        tension = music.curve.at((t - begin) / length)
        step = 60.0 / tempo(tension)
        if beat % 4 == 0:
            chord_tones = _chord(root, progression[(beat // 4) % 4], tension)
            notes += _bar(t, min(4 * step, end - t), chord_tones, tension)
        notes.append(Note(t, 0.5, 52.0, 0.55 + 0.35 * tension, "pulse"))
        if tension > 0.6:
            notes.append(Note(t + 0.2 * step, 0.4, 48.0, 0.35 * tension, "pulse"))
        per_beat = density(tension)
        for i in range(per_beat):
            tone = chord_tones[(beat * per_beat + i) % len(chord_tones)]
            lift = 12 * (1 + (tension > 0.5)) + (12 if rng.random() < tension * 0.3 else 0)
            notes.append(Note(t + i * step / per_beat, 0.45, _midi(tone + lift), 0.22 + 0.12 * tension, "pluck",
                              pan=float(rng.uniform(-0.6, 0.6))))
        t += step
        beat += 1
    return notes


def _chord(root: int, degree: int, tension: float) -> list[float]:
    mode = "major" if tension < 0.45 else "minor"
    scale = _SCALE[mode]
    base = root + scale[degree % 7]
    shape = _MAJOR if mode == "major" else _MINOR
    tones = [base + 12 + i for i in shape[:3]]
    if tension > 0.75:
        tones.append(base + 13)  # the minor second: a clash at the peak
    return tones


def _bar(t: float, seconds: float, tones: list[float], tension: float) -> list[Note]:
    """The held harmony of one bar: pad voices, a bass note (deeper when tense), a shimmer when tense."""
    notes = [Note(t, seconds + 0.6, _midi(tone), 0.5, "pad", pan=(i - 1) * 0.4) for i, tone in enumerate(tones)]
    notes.append(Note(t, seconds + 0.3, _midi(tones[0] - 12 - (12 if tension > 0.5 else 0)), 0.35 + 0.45 * tension,
                      "bass"))
    if tension > 0.4:
        notes.append(Note(t, seconds + 0.6, _midi(tones[-1] + 24), 0.3 * tension, "pad", pan=0.5))
    return notes


def mood_word(tension: float) -> str:
    for limit, word in ((0.2, "calm"), (0.4, "tender"), (0.6, "uneasy"), (0.8, "tense")):
        if tension < limit:
            return word
    return "urgent, full of dread"


def music_prompt(music: SceneMusic) -> str:
    """What a hosted composer is asked for a scene: its arc of tension in words, tempo and pulse."""
    start, middle, end = (music.curve.at(p) for p in (0.0, 0.5, 1.0))
    arc = " then ".join(dict.fromkeys(mood_word(t) for t in (start, middle, end)))
    return (f"Instrumental film score for one scene, {arc}; built around a steady low pulse at about "
            f"{tempo(start):.0f} to {tempo(max(start, middle, end)):.0f} bpm; "
            f"{'major' if middle < 0.45 else 'minor'} harmony; no vocals, leaves room for dialogue.")


def render_note(note: Note, offset: int, count: int) -> np.ndarray:
    """Samples [offset, offset+count) of a note (mono)."""
    index = np.arange(offset, offset + count, dtype=np.float32)
    t = index / RATE
    if note.kind == "pad":
        attack, release = 0.8, 0.6
        envelope = np.minimum(1.0, t / attack) * np.clip((note.seconds - t) / release, 0.0, 1.0)
        wave = sum(np.sin(2 * math.pi * note.freq * (1 + d) * t) for d in (-0.003, 0.0, 0.004)) / 3
        return (wave * envelope * note.gain * 0.5).astype(np.float32)
    if note.kind == "pluck":
        envelope = np.exp(-t / 0.18) * np.minimum(1.0, t / 0.005)
        wave = np.sin(2 * math.pi * note.freq * t) + 0.3 * np.sin(4 * math.pi * note.freq * t)
        return (wave * envelope * note.gain * 0.5).astype(np.float32)
    if note.kind == "bass":
        envelope = np.minimum(1.0, t / 0.3) * np.clip((note.seconds - t) / 0.3, 0.0, 1.0)
        return (np.sin(2 * math.pi * note.freq * t) * envelope * note.gain * 0.6).astype(np.float32)
    # pulse: a soft low thump falling in pitch
    phase = 2 * math.pi * (note.freq * t + 30.0 * 0.05 * (1 - np.exp(-t / 0.05)))
    envelope = np.exp(-t / 0.12) * np.minimum(1.0, t / 0.004)
    return (np.sin(phase) * envelope * note.gain).astype(np.float32)


class ScoreSource:
    """The generated score of a film: the notes of every scene, rendered window by window."""

    def __init__(self, scenes: list[SceneMusic]):
        self.scenes = scenes
        self.notes: list[tuple[Note, SceneMusic]] = [(n, s) for s in scenes for n in scene_notes(s)]
        self.notes.sort(key=lambda pair: pair[0].start)
        self.starts = np.array([n.start for n, _ in self.notes]) if self.notes else np.zeros(0)
        self.longest = max((n.seconds for n, _ in self.notes), default=0.0) + 1.0

    def render_into(self, block: np.ndarray, t0: float) -> None:
        """Add the music sounding in [t0, t0 + len(block)/RATE) to `block` (stereo)."""
        t1 = t0 + len(block) / RATE
        first = int(np.searchsorted(self.starts, t0 - self.longest))
        last = int(np.searchsorted(self.starts, t1))
        origin = int(round(t0 * RATE))
        by_scene: dict[str, tuple[SceneMusic, np.ndarray]] = {}
        for note, scene in self.notes[first:last]:
            begin = int(round(note.start * RATE))
            length = int(note.seconds * RATE) if note.kind in ("pad", "bass") else int(min(note.seconds, 1.0) * RATE)
            a, b = max(begin, origin), min(begin + length, origin + len(block))
            if b <= a:
                continue
            if scene.scene not in by_scene:
                by_scene[scene.scene] = (scene, np.zeros_like(block))
            mono = render_note(note, a - begin, b - a)
            left, right = math.cos((note.pan + 1) * math.pi / 4), math.sin((note.pan + 1) * math.pi / 4)
            target = by_scene[scene.scene][1][a - origin:b - origin]
            target[:, 0] += mono * (left * 1.4142 * LEVEL)
            target[:, 1] += mono * (right * 1.4142 * LEVEL)
        for scene, sound in by_scene.values():  # each scene's fades, once per block
            block += sound * _scene_gain(scene, (origin + np.arange(len(block), dtype=np.float64)) / RATE)[:, None]


def _scene_gain(scene: SceneMusic, t: np.ndarray) -> np.ndarray:
    """Equal-power fade in over the crossfade before the scene starts, out over the one after it ends."""
    rise = np.clip((t - (scene.start - CROSSFADE / 2)) / CROSSFADE, 0.0, 1.0)
    fall = np.clip(((scene.end + CROSSFADE / 2) - t) / CROSSFADE, 0.0, 1.0)
    return (np.sin(rise * math.pi / 2) * np.sin(fall * math.pi / 2)).astype(np.float32)
