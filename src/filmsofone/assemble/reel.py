"""The plan of a cut, before any file is touched: which parts, in which order, for how many frames.

`build_reel` is pure: given the scenes, shots, usable takes and the format, it lists the segments (the
title card, a card at each new chapter, one segment per shot: its take, or a placeholder card when there
is none) with frame-exact start times. Chapter markers, subtitles and the timeline export all read it.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from ..errors import UserError
from ..models import BookAnalysis, Scene, Shot
from .format import FilmFormat

TITLE_SECONDS = 3.0
CHAPTER_SECONDS = 2.0
EMPTY_SCENE_SECONDS = 2.0

SegmentKind = Literal["title", "chapter", "shot", "placeholder"]


class UsableTake(BaseModel):
    """A chosen take the cut can use: its file, its length in frames, whether it needs re-encoding."""

    path: str
    frames: int
    matches: bool = True  # already in the film's format: joined by stream copy


class Segment(BaseModel):
    kind: SegmentKind
    scene: str  # the scene this part belongs to (cards belong to the scene they open)
    frames: int
    start_frame: int = 0
    shot_id: str | None = None
    source: str | None = None  # the take's file, for kind == "shot"
    matches: bool = True
    title: str = ""  # text of a card
    subtitle: str = ""
    dialogue: list[str] = Field(default_factory=list)  # quote ids spoken in this shot

    @property
    def end_frame(self) -> int:
        return self.start_frame + self.frames


class Reel(BaseModel):
    title: str
    format: FilmFormat
    scenes: list[str]
    segments: list[Segment]

    @property
    def frames(self) -> int:
        return sum(s.frames for s in self.segments)

    def scene_segments(self, scene_id: str) -> list[Segment]:
        return [s for s in self.segments if s.scene == scene_id]


def select_scenes(analysis: BookAnalysis, selection: str | None) -> list[Scene]:
    """Scenes named by `selection`: '1.1-3.2' (a range), '2.1,2.3' (a list), '2' (a chapter), None (all)."""
    scenes = analysis.scenes
    if not scenes:
        raise UserError("the book has no scenes", "re-import it with `filmsofone import BOOK`")
    if not selection or not selection.strip():
        return list(scenes)
    index = {s.id: i for i, s in enumerate(scenes)}
    chosen: set[int] = set()
    for item in ("".join(part.split()) for part in selection.split(",")):
        if not item:
            continue
        if re.fullmatch(r"\d+", item):
            found = {i for i, s in enumerate(scenes) if s.chapter == int(item)}
            if not found:
                raise _unknown(item, scenes)
            chosen |= found
            continue
        first, _, last = item.partition("-") if re.fullmatch(r"[\d.]+-[\d.]+", item) else (item, "", item)
        for name in (first, last):
            if name not in index:
                raise _unknown(name, scenes)
        if index[first] > index[last]:
            raise UserError(f"the range '{item}' runs backwards: scene {first} comes after {last}",
                            f"write it first to last: --scenes {last}-{first}")
        chosen |= set(range(index[first], index[last] + 1))
    return [scenes[i] for i in sorted(chosen)]


def _unknown(name: str, scenes: list[Scene]) -> UserError:
    known = ", ".join(s.id for s in scenes[:12]) + (" ..." if len(scenes) > 12 else "")
    return UserError(f"no scene '{name}'", f"scenes are {known}; use e.g. --scenes {scenes[0].id}-{scenes[-1].id}")


def build_reel(
    analysis: BookAnalysis,
    scenes: list[Scene],
    shots: list[Shot],
    takes: dict[str, UsableTake],
    fmt: FilmFormat,
    *,
    title_card: bool = True,
) -> Reel:
    """Lay out the cut: title card, chapter cards, every shot's take or a placeholder, in scene order."""
    by_scene: dict[str, list[Shot]] = {}
    for shot in shots:
        by_scene.setdefault(shot.scene, []).append(shot)
    chapters = {c.index: c for c in analysis.chapters}
    segments: list[Segment] = []
    previous_chapter: int | None = None
    for number, scene in enumerate(scenes):
        if number == 0 and title_card:
            segments.append(Segment(kind="title", scene=scene.id, frames=fmt.frames(TITLE_SECONDS),
                                    title=analysis.book.title, subtitle="a film of one"))
        if scene.chapter != previous_chapter:
            chapter = chapters.get(scene.chapter)
            segments.append(Segment(kind="chapter", scene=scene.id, frames=fmt.frames(CHAPTER_SECONDS),
                                    title=chapter.title if chapter else f"Chapter {scene.chapter}"))
            previous_chapter = scene.chapter
        scene_shots = sorted(by_scene.get(scene.id, []), key=lambda s: s.order)
        if not scene_shots:
            segments.append(Segment(kind="placeholder", scene=scene.id, frames=fmt.frames(EMPTY_SCENE_SECONDS),
                                    title=f"Scene {scene.id}", subtitle="no shots planned yet"))
        for shot in scene_shots:
            segments.append(_shot_segment(shot, takes.get(shot.id), fmt))
    start = 0
    for segment in segments:
        segment.start_frame = start
        start += segment.frames
    return Reel(title=analysis.book.title, format=fmt, scenes=[s.id for s in scenes], segments=segments)


def _shot_segment(shot: Shot, take: UsableTake | None, fmt: FilmFormat) -> Segment:
    common = dict(scene=shot.scene, shot_id=shot.id, dialogue=list(shot.dialogue))
    if take is None:
        return Segment(kind="placeholder", frames=fmt.frames(shot.duration), title=f"Shot {shot.id}",
                       subtitle=shot.action[:160] or "not generated yet", **common)
    return Segment(kind="shot", frames=take.frames, source=take.path, matches=take.matches, **common)
