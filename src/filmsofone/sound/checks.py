"""How well a cut's sound keeps its promises (used by the demo test and bench/bench_cut_sound.py).

`speech_report` reads the dialogue stem with ffmpeg's silencedetect: the share of subtitle cues during
which speech is heard, and the shots without dialogue or voiceover (no quotation, no cue of their own)
during which any is heard; and the film's EBU R128
integrated loudness and true peak.

A J cut's lead (the next shot's first line starting in the last moments of a silent shot of the same scene,
`sound.timing`) is that next shot's speech, not the silent shot's own: the end of a silent shot is left out
of its check for as long as the next shot's first cue starts before that shot, up to `J_LEAD` seconds (any
speech earlier than that still counts against the silent shot).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import ffmpeg
from .timing import J_LEAD

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
    j_cuts: int = 0  # shots whose first cue starts before the shot (the sound leads the picture)
    longest_lead: float = 0.0  # seconds

    @property
    def heard_share(self) -> float:
        return self.cues_heard / self.cues if self.cues else 1.0


def heard(silences: list[tuple[float, float]], start: float, end: float) -> float:
    """Seconds of [start, end] that are not silence."""
    covered = sum(max(0.0, min(end, b) - max(start, a)) for a, b in silences)
    return max(0.0, (end - start) - covered)


def leads(manifest) -> dict[str, float]:
    """Shot id -> how long before the shot its first cue starts, for shots that follow a shot of the same
    scene (J cuts; 0 when the speech does not lead)."""
    first: dict[str, float] = {}
    for cue in manifest.cues:
        first[cue.shot_id] = min(cue.start, first.get(cue.shot_id, cue.start))
    found: dict[str, float] = {}
    for before, placed in zip(manifest.segments, manifest.segments[1:]):
        shot_id = placed.segment.shot_id
        if shot_id and before.segment.shot_id and before.segment.scene == placed.segment.scene and shot_id in first:
            found[shot_id] = max(0.0, placed.start - first[shot_id])
    return found


def speech_report(manifest) -> SpeechReport:
    """The report of a cut, from its manifest (`assemble.cut.CutManifest`) and files."""
    stem = manifest.stems.get("dialogue")  # none in a cut made with --no-dialogue: nothing is heard
    silences = ffmpeg.silences(Path(stem), manifest.duration) if stem else [(0.0, manifest.duration)]
    cues_heard = sum(1 for c in manifest.cues if heard(silences, c.start, c.end) > HEARD)
    lead = leads(manifest)
    following = {before.segment.shot_id: lead.get(placed.segment.shot_id or "", 0.0)
                 for before, placed in zip(manifest.segments, manifest.segments[1:])}
    own = {cue.shot_id for cue in manifest.cues}  # a voiceover shot has cues (the narrator's) but no dialogue
    silent = [p for p in manifest.segments if p.segment.kind in ("shot", "placeholder") and not p.segment.dialogue
              and p.segment.shot_id and p.segment.shot_id not in own]
    speaking = []
    for p in silent:
        end = p.end - max(EDGE, min(J_LEAD, following.get(p.segment.shot_id, 0.0)))
        if end - (p.start + EDGE) > 0 and heard(silences, p.start + EDGE, end) > HEARD:
            speaking.append(p.segment.shot_id)
    level = ffmpeg.measure_loudness(Path(manifest.film))
    j_cuts = [seconds for seconds in lead.values() if seconds > 0.01]
    return SpeechReport(len(manifest.cues), cues_heard, len(silent), speaking, level.integrated, level.true_peak,
                        j_cuts=len(j_cuts), longest_lead=max(j_cuts, default=0.0))
