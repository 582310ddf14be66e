"""Native audio: clips that come with their own sound (Veo 3, Kling 2.6 with sound, Seedance with audio,
LTX-2) speak their lines themselves.

The prompt already carries each line the way these providers document it (`Ada says: "..."`, in the
prompt's dialogue sentence); the cut keeps the clip's sound (its track is mixed as the native stem), and
the speech engine's version of the shot's lines is not laid over it. A take counts as speaking for itself
when it comes from a video backend that can make sound and its audio track is actually audible (a clip
made with sound off is silent and gets the speech engine's voices).
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import ffmpeg
from ..errors import FFmpegError

SOUND_MAKING_BACKENDS = frozenset({"veo", "kling", "fal", "replicate", "ltx", "seedance", "minimax"})
AUDIBLE_LUFS = -50.0


def makes_sound(backend: str) -> bool:
    """Whether takes of `backend` may carry their own speech (a sound-making video generator)."""
    return backend.split(":", 1)[0] in SOUND_MAKING_BACKENDS


def audible(path: Path, cache: Path) -> bool:
    """Whether the clip's sound is louder than AUDIBLE_LUFS (measured once per file version)."""
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    known = _read(cache)
    if key not in known:
        try:
            known[key] = ffmpeg.measure_loudness(path).integrated
        except FFmpegError:  # no audio stream
            known[key] = float("-inf")
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({k: (v if v != float("-inf") else -999.0) for k, v in known.items()}))
    return known[key] > AUDIBLE_LUFS


def native_audio_shots(takes: dict[str, tuple[str, Path, bool]], cache: Path) -> set[str]:
    """Shot ids whose take speaks for itself; `takes` maps shot id -> (backend, file, has an audio track)."""
    return {shot_id for shot_id, (backend, path, has_audio) in takes.items()
            if has_audio and makes_sound(backend) and audible(path, cache)}


def _read(cache: Path) -> dict[str, float]:
    try:
        return {k: float(v) for k, v in json.loads(cache.read_text()).items()}
    except (OSError, ValueError):
        return {}
