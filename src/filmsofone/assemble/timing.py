"""Where each segment sits in the finished film, in seconds (cross-fades between scenes shorten it)."""

from __future__ import annotations

from .reel import Reel


def segment_times(reel: Reel, transition: float = 0.0) -> list[tuple[float, float]]:
    """(start, end) in seconds of each segment of `reel` in the cut, with `transition`-second cross-fades
    between scenes (each join pulls everything after it earlier by `transition`)."""
    fps = reel.format.fps
    scene_number = {scene: i for i, scene in enumerate(reel.scenes)}
    times = []
    for segment in reel.segments:
        shift = scene_number.get(segment.scene, 0) * transition
        times.append((segment.start_frame / fps - shift, segment.end_frame / fps - shift))
    return times


def film_seconds(reel: Reel, transition: float = 0.0) -> float:
    return reel.frames / reel.format.fps - max(0, len(reel.scenes) - 1) * transition
