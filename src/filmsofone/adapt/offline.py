"""The offline adapter (the default): deterministic, no network, no key.

It reads every scene's material (`source`), weighs and selects scenes and beats to the running time
(`select`), and writes each kept scene as beats: action lines made from the narration (`filmable`),
the author's lines verbatim, and a voice-over for the book's opening sentence when no image carries it
(or for a pinned scene with nothing else to show).
"""

from __future__ import annotations

import re
from ..models import BookAnalysis, ProgressCallback, Scene
from .filmable import filmable_clause
from .model import AdaptedBeat, AdaptedScene, Adaptation, Choices
from .runtime import ESTABLISHING_SECONDS, SHORT_WORDS, beat_seconds, default_target_seconds, word_count
from .select import Plan, select, story_weights
from .source import Candidate, SceneMaterial, read_scenes

NAME = "offline"
VOICEOVER_WORDS = 45


def read_book(analysis: BookAnalysis, text: str, progress: ProgressCallback | None = None) -> list[SceneMaterial]:
    """Every scene's material, in book order."""
    roles = {c.id: c.role for c in analysis.characters}
    materials = read_scenes(analysis, analysis.scenes, text, roles, progress)
    if materials:
        _opening_voiceover(materials[0])
    return materials


def _opening_voiceover(material: SceneMaterial) -> None:
    """The book's first sentence as voice-over when it is the narrator's and no camera could show it."""
    first = material.opening
    if not first or word_count(first) > VOICEOVER_WORDS or filmable_clause(first):
        return
    if material.candidates and material.candidates[0].start < material.opening_span[0]:
        return
    start, end = material.opening_span
    material.candidates.insert(0, Candidate("voiceover", first, start, end, score=4.0))


def adapt_book(analysis: BookAnalysis, text: str, choices: Choices | None = None, *,
               progress: ProgressCallback | None = None,
               materials: list[SceneMaterial] | None = None) -> Adaptation:
    """The whole book adapted to the choices' running time (the default target when none is set)."""
    choices = choices or Choices()
    materials = materials if materials is not None else read_book(analysis, text, progress)
    weights = story_weights(analysis, materials, choices)
    plans = []
    for material, weight in zip(materials, weights):
        choice = choices.of(material.scene.id)
        if choice.pin and not material.candidates and material.opening:
            start, end = material.opening_span
            material.candidates.append(Candidate("voiceover", material.opening, start, end, score=1.0))
        plans.append(Plan(material, weight, pinned=choice.pin and not choice.drop, dropped=choice.drop))
    full = sum(p.full for p in plans)
    words = word_count(text[_story_start(analysis):])
    filmable = sum(1 for p in plans if p.full > 0)
    target = choices.runtime_seconds or default_target_seconds(words, full, filmable)
    select(analysis, plans, target, every_chapter=words < SHORT_WORDS)
    scenes = [_written(analysis, text, plan) for plan in plans]
    return Adaptation(target_seconds=round(target, 1), total_seconds=round(sum(s.seconds for s in scenes), 1),
                      adapter=NAME, full_seconds=round(full, 1), scenes=scenes)


def _story_start(analysis: BookAnalysis) -> int:
    return analysis.scenes[0].start if analysis.scenes else 0


def _written(analysis: BookAnalysis, text: str, plan: Plan) -> AdaptedScene:
    scene = plan.material.scene
    place = scene_place(analysis, scene, text)
    if not plan.chosen:
        note = "dropped by you" if plan.dropped else ("nothing to film" if not plan.material.candidates else "cut")
        return AdaptedScene(id=scene.id, kept=False, place=place, weight=round(plan.weight, 3), note=note)
    beats = [_beat(plan.material.candidates[i], plan.trimmed) for i in plan.chosen]
    note = "pinned by you" if plan.pinned else NAME
    return AdaptedScene(id=scene.id, kept=True, seconds=round(plan.seconds, 2), beats=beats, place=place,
                        weight=round(plan.weight, 3), note=note)


def _beat(candidate: Candidate, trimmed: bool) -> AdaptedBeat:
    text, end = candidate.text, candidate.end
    if trimmed and candidate.short and candidate.short != candidate.text:
        text, end = candidate.short, candidate.short_end
    return AdaptedBeat(kind=candidate.kind, text=text, speaker=candidate.speaker, quote=candidate.quote,
                       source=(candidate.start, end))


def scene_seconds(beats: list[AdaptedBeat]) -> float:
    """A written scene's running time: its opening on the place, then its beats."""
    return ESTABLISHING_SECONDS + sum(beat_seconds(b.kind, b.text) for b in beats) if beats else 0.0


def scene_place(analysis: BookAnalysis, scene: Scene, text: str) -> str | None:
    """The scene's setting, else the known setting its text names most, else None."""
    if scene.setting:
        try:
            return analysis.setting(scene.setting).name
        except KeyError:
            pass
    body = text[scene.start:scene.end]
    best, count = None, 0
    for setting in analysis.settings:
        names = [n for n in [setting.name, *setting.aliases] if len(re.sub(r"^(the|a|an)\s+", "", n, flags=re.I)) >= 3]
        found = sum(len(re.findall(r"(?<!\w)" + re.escape(n) + r"(?!\w)", body)) for n in names)
        if found > count:
            best, count = setting.name, found
    return best
