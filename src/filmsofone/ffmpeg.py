"""The ONLY module that builds and runs ffmpeg commands.

Builders are pure functions returning argument lists (test them by comparing lists); `run` executes one
list (never through a shell) and turns a failure into an `FFmpegError` carrying the useful lines of
ffmpeg's stderr. `probe` reads a file's streams and duration with `ffmpeg -i` (the imageio-ffmpeg wheel
ships no ffprobe).

The binary: `$FILMSOFONE_FFMPEG` when set, else the one inside the imageio-ffmpeg wheel, else `ffmpeg` on
PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import FFmpegError

FFMPEG_ENV = "FILMSOFONE_FFMPEG"


@lru_cache(maxsize=1)
def ffmpeg_binary() -> str:
    """Path of the ffmpeg executable to use."""
    override = os.environ.get(FFMPEG_ENV)
    if override:
        return override
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception:  # the wheel is missing or has no binary for this platform
        found = shutil.which("ffmpeg")
        if found:
            return found
    raise FFmpegError("no ffmpeg found", f"install imageio-ffmpeg or set {FFMPEG_ENV}=/path/to/ffmpeg")


def base_args() -> list[str]:
    """The start of every command: quiet, no prompts, overwrite outputs."""
    return ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"]


def run(args: list[str], *, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run ffmpeg with `args` (without the binary); raise FFmpegError with its stderr on failure."""
    command = [ffmpeg_binary(), *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError as exc:
        raise FFmpegError(f"ffmpeg not found at {command[0]}", f"set {FFMPEG_ENV} to a working ffmpeg") from exc
    except subprocess.TimeoutExpired as exc:
        raise FFmpegError(f"ffmpeg took longer than {timeout:.0f} s", "try a shorter clip or a faster machine") from exc
    if done.returncode != 0:
        raise FFmpegError(f"ffmpeg failed: {_useful_stderr(done.stderr)}")
    return done


def _useful_stderr(stderr: str, lines: int = 3) -> str:
    kept = [line.strip() for line in stderr.splitlines() if line.strip()]
    return " | ".join(kept[-lines:]) or "no error output"


# --- probing ---------------------------------------------------------------------------------------


@dataclass
class MediaInfo:
    """What `ffmpeg -i` says about a file."""

    duration: float
    video: list[str] = field(default_factory=list)  # one line per video stream
    audio: list[str] = field(default_factory=list)
    subtitles: list[str] = field(default_factory=list)
    chapters: int = 0
    width: int | None = None
    height: int | None = None
    fps: float | None = None


_DURATION_RE = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_STREAM_RE = re.compile(r"Stream #\d+:\d+(?:\[[^\]]*\])?(?:\([^)]*\))?: (Video|Audio|Subtitle): (.*)")
_SIZE_RE = re.compile(r"(\d{2,5})x(\d{2,5})")
_FPS_RE = re.compile(r"([\d.]+) fps")


def probe_args(path: Path) -> list[str]:
    return ["-hide_banner", "-nostdin", "-i", str(path)]


def probe(path: Path) -> MediaInfo:
    """Streams, duration and chapters of a media file."""
    if not Path(path).is_file():
        raise FFmpegError(f"no such media file: {path}")
    done = subprocess.run([ffmpeg_binary(), *probe_args(path)], capture_output=True, text=True)
    return parse_probe(done.stderr, path)


def parse_probe(stderr: str, path: Path | str = "input") -> MediaInfo:
    """Parse the banner `ffmpeg -i FILE` prints (pure, for tests)."""
    match = _DURATION_RE.search(stderr)
    if not match:
        raise FFmpegError(f"{path} is not a readable media file: {_useful_stderr(stderr)}")
    hours, minutes, seconds = match.groups()
    info = MediaInfo(duration=int(hours) * 3600 + int(minutes) * 60 + float(seconds))
    for kind, description in _STREAM_RE.findall(stderr):
        getattr(info, {"Video": "video", "Audio": "audio", "Subtitle": "subtitles"}[kind]).append(description)
    info.chapters = len(re.findall(r"^\s*Chapter #\d+[:.]\d+", stderr, re.M))
    if info.video:
        size = _SIZE_RE.search(info.video[0])
        if size:
            info.width, info.height = int(size.group(1)), int(size.group(2))
        fps = _FPS_RE.search(info.video[0])
        if fps:
            info.fps = float(fps.group(1))
    return info


def decode_check_args(path: Path) -> list[str]:
    """Decode every frame and discard it: errors (if any) appear on stderr."""
    return ["-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"]


def decode_errors(path: Path) -> str:
    """ffmpeg's error output when fully decoding `path` ('' when it decodes cleanly)."""
    done = subprocess.run([ffmpeg_binary(), *decode_check_args(path)], capture_output=True, text=True)
    return done.stderr.strip() if done.returncode == 0 else (done.stderr.strip() or "decode failed")
