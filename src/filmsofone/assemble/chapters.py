"""Chapter markers, one per scene: as ffmetadata for the MP4 and as a WebVTT chapters track."""

from __future__ import annotations

import re

from pydantic import BaseModel

from ..models import BookAnalysis
from .reel import Reel
from .subtitles import _stamp
from .timing import segment_times


class ChapterMark(BaseModel):
    scene: str
    start: float
    end: float
    title: str


def scene_title(analysis: BookAnalysis, scene_id: str) -> str:
    """'1.2 · the boathouse, night' (as much as the analysis knows)."""
    try:
        scene = analysis.scene(scene_id)
    except KeyError:
        return scene_id
    parts = []
    if scene.setting:
        try:
            parts.append(analysis.setting(scene.setting).name)
        except KeyError:
            pass
    if scene.time_of_day != "unknown":
        parts.append(scene.time_of_day)
    return f"{scene_id} · {', '.join(parts)}" if parts else f"Scene {scene_id}"


def scene_chapters(reel: Reel, analysis: BookAnalysis, *, transition: float = 0.0) -> list[ChapterMark]:
    """One mark per scene, from its first part (cards included) to the next scene's start."""
    times = segment_times(reel, transition)
    marks: list[ChapterMark] = []
    for scene_id in reel.scenes:
        spans = [t for seg, t in zip(reel.segments, times) if seg.scene == scene_id]
        if spans:
            marks.append(ChapterMark(scene=scene_id, start=spans[0][0], end=spans[-1][1],
                                     title=scene_title(analysis, scene_id)))
    for mark, following in zip(marks, marks[1:]):  # abut exactly (cross-fades overlap)
        mark.end = following.start
    return marks


def _meta_escape(value: str) -> str:
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def to_ffmetadata(marks: list[ChapterMark], title: str) -> str:
    """FFmpeg's metadata file: the film's title and one [CHAPTER] per mark, in milliseconds."""
    lines = [";FFMETADATA1", f"title={_meta_escape(title)}"]
    for mark in marks:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(mark.start * 1000)}",
                  f"END={round(mark.end * 1000)}", f"title={_meta_escape(mark.title)}"]
    return "\n".join(lines) + "\n"


def to_chapters_vtt(marks: list[ChapterMark]) -> str:
    blocks = ["WEBVTT\n"]
    for mark in marks:
        blocks.append(f"scene-{mark.scene}\n{_stamp(mark.start, '.', True)} --> {_stamp(mark.end, '.', False)}\n"
                      f"{mark.title}\n")
    return "\n".join(blocks)
