"""The adaptation report: per chapter what was kept and cut, running time per scene, and each character's
screen time (the lines they speak and the action lines that name them) and number of lines."""

from __future__ import annotations

import re

from pydantic import BaseModel

from ..models import BookAnalysis
from .model import Adaptation, Choices, SceneChoice
from .runtime import beat_seconds


class ChapterLine(BaseModel):
    index: int
    title: str
    kept: list[str]
    cut: list[str]
    seconds: float


class SceneLine(BaseModel):
    id: str
    kept: bool
    seconds: float
    place: str | None
    beats: int
    note: str
    choice: str = ""  # what you set for it ("kept whole", "dropped", "weight x1.5"); undone by --clear


class CharacterLine(BaseModel):
    id: str
    name: str
    role: str
    seconds: float
    lines: int
    scenes: int


class AdaptationReport(BaseModel):
    target_seconds: float
    total_seconds: float
    full_seconds: float
    adapter: str
    chapters: list[ChapterLine]
    scenes: list[SceneLine]
    characters: list[CharacterLine]


def adaptation_report(analysis: BookAnalysis, adaptation: Adaptation,
                      choices: Choices | None = None) -> AdaptationReport:
    """The report of `adaptation`; with `choices`, each scene says what you set for it."""
    chosen = choices.scenes if choices else {}
    scenes = [SceneLine(id=s.id, kept=s.kept, seconds=s.seconds, place=s.place, beats=len(s.beats), note=s.note,
                        choice=describe_choice(chosen.get(s.id, SceneChoice()))) for s in adaptation.scenes]
    chapters = []
    for chapter in analysis.chapters:
        mine = [s for s in adaptation.scenes if _chapter_of(analysis, s.id) == chapter.index]
        if mine:
            chapters.append(ChapterLine(index=chapter.index, title=chapter.title,
                                        kept=[s.id for s in mine if s.kept], cut=[s.id for s in mine if not s.kept],
                                        seconds=round(sum(s.seconds for s in mine), 1)))
    return AdaptationReport(target_seconds=adaptation.target_seconds, total_seconds=adaptation.total_seconds,
                            full_seconds=adaptation.full_seconds, adapter=adaptation.adapter, chapters=chapters,
                            scenes=scenes, characters=_characters(analysis, adaptation))


def describe_choice(choice: SceneChoice) -> str:
    """What the user set for a scene, in words ("" when nothing): kept whole / dropped, and a weight."""
    parts = ["dropped" if choice.drop else "kept whole" if choice.pin else ""]
    if choice.weight != 1.0:
        parts.append(f"weight x{choice.weight:g}")
    return ", ".join(part for part in parts if part)


def _chapter_of(analysis: BookAnalysis, scene_id: str) -> int | None:
    try:
        return analysis.scene(scene_id).chapter
    except KeyError:
        return None


def _characters(analysis: BookAnalysis, adaptation: Adaptation) -> list[CharacterLine]:
    patterns = {c.id: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in {c.name, *c.aliases} if n) + r")(?!\w)")
                for c in analysis.characters}
    seconds = {c.id: 0.0 for c in analysis.characters}
    lines = {c.id: 0 for c in analysis.characters}
    scenes: dict[str, set[str]] = {c.id: set() for c in analysis.characters}
    for scene in adaptation.scenes:
        for beat in scene.beats:
            length = beat_seconds(beat.kind, beat.text)
            if beat.kind == "dialogue" and beat.speaker in seconds:
                seconds[beat.speaker] += length
                lines[beat.speaker] += 1
                scenes[beat.speaker].add(scene.id)
            elif beat.kind == "action":
                for cid, pattern in patterns.items():
                    if pattern.search(beat.text):
                        seconds[cid] += length
                        scenes[cid].add(scene.id)
    rows = [CharacterLine(id=c.id, name=c.name, role=c.role, seconds=round(seconds[c.id], 1), lines=lines[c.id],
                          scenes=len(scenes[c.id])) for c in analysis.characters]
    return sorted(rows, key=lambda r: -r.seconds)
