"""How well a cut's sound keeps its promises (used by the demo test and bench/bench_cut_sound.py).

`speech_report` reads the dialogue stem with ffmpeg's silencedetect: the share of subtitle cues during
which speech is heard, and the shots without dialogue during which any is heard; and the film's EBU R128
integrated loudness and true peak.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import ffmpeg

HEARD = 0.05  # seconds of sound inside a window that count as speech there
EDGE = 0.05  # seconds trimmed from each end of a shot (a neighbour's speech may end exactly at the cut)


@dataclass
class SpeechReport:
    cues: int
    cues_heard: int
    silent_shots: int
    silent_shots_with_speech: list[str] = field(default_factory=list)
    loudness: float = float("nan")
    true_peak: float = float("nan")

    @property
    def heard_share(self) -> float:
        return self.cues_heard / self.cues if self.cues else 1.0


def heard(silences: list[tuple[float, float]], start: float, end: float) -> float:
    """Seconds of [start, end] that are not silence."""
    covered = sum(max(0.0, min(end, b) - max(start, a)) for a, b in silences)
    return max(0.0, (end - start) - covered)


def speech_report(manifest) -> SpeechReport:
    """The report of a cut, from its manifest (`assemble.cut.CutManifest`) and files."""
    silences = ffmpeg.silences(Path(manifest.stems["dialogue"]), manifest.duration)
    cues_heard = sum(1 for c in manifest.cues if heard(silences, c.start, c.end) > HEARD)
    silent = [p for p in manifest.segments if p.segment.kind in ("shot", "placeholder") and not p.segment.dialogue
              and p.segment.shot_id]
    speaking = [p.segment.shot_id for p in silent
                if p.end - p.start > 2 * EDGE and heard(silences, p.start + EDGE, p.end - EDGE) > HEARD]
    level = ffmpeg.measure_loudness(Path(manifest.film))
    return SpeechReport(len(manifest.cues), cues_heard, len(silent), speaking, level.integrated, level.true_peak)
