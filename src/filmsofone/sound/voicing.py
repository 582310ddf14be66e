"""`voice_book`: speak every line of the planned shots and re-time the speaking shots to their speech.

Run after planning and before generating (the demo does): the clips are then made as long as their lines.
Shot durations are written back through `plan.edit.set_durations` (shots stay un-edited; locked ones keep
their length).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .. import store
from ..bible import load_bible
from ..models import BookAnalysis, ProgressCallback, Shot
from ..plan.edit import set_durations
from ..project import check_scene, load_analysis, load_text, open_project
from ..workspace import Workspace
from .lines import Line, shot_lines
from .speech import Engines, Spoken, line_voices, speak_lines
from .timing import NARRATOR, Timed, retime


@dataclass
class VoicingReport:
    lines: int = 0
    seconds: float = 0.0  # of speech
    retimed: list[str] = field(default_factory=list)  # shot ids whose duration changed
    voices: int = 0  # distinct voices heard


def speech_cache(ws: Workspace, slug: str):
    return ws.project(slug).cache_dir / "speech"


def speak_shots(ws: Workspace, slug: str, analysis: BookAnalysis, text: str, shots: list[Shot], *,
                progress: ProgressCallback | None = None,
                engines: Engines | None = None, skip_shots: set[str] = frozenset(),
                allow_paid: bool = False) -> tuple[dict[str, list[Line]], dict[str, Spoken]]:
    """The lines of `shots` (film order) and each one spoken in its voice (cached).

    `skip_shots`: shots whose clip speaks for itself (native audio): their lines are not synthesised.
    """
    lines = {k: v for k, v in shot_lines(analysis, text, shots).items() if k not in skip_shots}
    flat = [line for said in lines.values() for line in said]
    voices = line_voices(load_bible(ws, slug), flat)
    spoken = speak_lines(ws, speech_cache(ws, slug), flat, voices, progress=progress, engines=engines,
                         allow_paid=allow_paid)
    return lines, spoken


def timed_lines(lines: dict[str, list[Line]], spoken: dict[str, Spoken]) -> dict[str, list[Timed]]:
    return {shot_id: [Timed(line.key, shot_id, NARRATOR if line.voiceover else line.speaker,
                            spoken[line.key].seconds) for line in said]
            for shot_id, said in lines.items()}


def voice_book(ws: Workspace, slug: str, scenes: list[str] | None = None, *,
               progress: ProgressCallback | None = None,
               engines: Engines | None = None, allow_paid: bool = False) -> VoicingReport:
    """Speak the lines of every planned shot (of `scenes`) and re-time the speaking shots."""
    project = open_project(ws, slug)
    analysis = load_analysis(ws, slug)
    text = load_text(ws, slug)
    for scene_id in scenes or ():
        check_scene(analysis, scene_id)  # a mistyped scene is an error, not "0 lines spoken"
    wanted = set(scenes) if scenes else None
    shots = [s for s in store.load_shots(project.db_path) if wanted is None or s.scene in wanted]
    lines, spoken = speak_shots(ws, slug, analysis, text, shots, progress=progress, engines=engines,
                                allow_paid=allow_paid)
    timed = timed_lines(lines, spoken)
    durations: dict[str, float] = {}
    by_scene: dict[str, list[Shot]] = {}
    for shot in shots:
        by_scene.setdefault(shot.scene, []).append(shot)
    fps = load_bible(ws, slug).style.fps
    for scene_shots in by_scene.values():
        ordered = sorted(scene_shots, key=lambda s: s.order)
        durations.update(retime([s.id for s in ordered], timed, {s.id: s.duration for s in ordered}))
    durations = {k: math.ceil(v * fps - 1e-6) / fps for k, v in durations.items()}  # whole frames
    changed = set_durations(ws, slug, durations)
    return VoicingReport(lines=len(spoken), seconds=sum(s.seconds for s in spoken.values()),
                         retimed=[s.id for s in changed], voices=len({s.voice.key() for s in spoken.values()}))
