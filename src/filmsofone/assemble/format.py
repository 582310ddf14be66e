"""The film's format (size, frame rate, fit) and how a clip is compared with it.

The style in the cast bible says the aspect ratio, the resolution and the frame rate. When every take
already shares one size of that aspect ratio and that frame rate (the animatic's 640x360 @ 24 fps, say),
the cut keeps their size rather than upscaling, so it can join them by stream copy.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from ..ffmpeg import AUDIO_RATE, MediaInfo

Fit = Literal["letterbox", "crop"]


class FilmFormat(BaseModel):
    width: int = 1280
    height: int = 720
    fps: int = 24
    fit: Fit = "letterbox"
    card_preset: str = "veryfast"  # x264 preset for cards: "ultrafast" (Baseline) when the takes are Baseline

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"

    def frames(self, seconds: float) -> int:
        """Whole frames in `seconds` (at least one)."""
        return max(1, round(seconds * self.fps))

    def seconds(self, frames: int) -> float:
        return frames / self.fps


class ClipSignature(BaseModel):
    """What decides whether a clip can be joined by stream copy."""

    video_codec: str | None = None
    profile: str | None = None  # "High", "Constrained Baseline", ...
    pix_fmt: str | None = None
    width: int | None = None
    height: int | None = None
    sar: str | None = None
    fps: float | None = None
    audio_codec: str | None = None
    sample_rate: int | None = None
    channels: str | None = None

    def matches(self, fmt: FilmFormat) -> bool:
        return (self.video_codec == "h264" and self.pix_fmt == "yuv420p" and self.width == fmt.width
                and self.height == fmt.height and self.sar in (None, "1:1") and self.fps is not None
                and abs(self.fps - fmt.fps) < 0.01 and self.audio_codec == "aac"
                and self.sample_rate == AUDIO_RATE and self.channels == "stereo")


_PROFILE_RE = re.compile(r"\w+ \(([^)]+)\)")
_PIX_RE = re.compile(r"\b(yuv\w+|rgb\w+|bgr\w+|gray\w*|nv12|p010\w*)\b")
_SAR_RE = re.compile(r"SAR (\d+:\d+)")
_RATE_RE = re.compile(r"(\d+) Hz")


def signature(info: MediaInfo) -> ClipSignature:
    """Read a clip's signature from what `ffmpeg.probe` found."""
    sig = ClipSignature(width=info.width, height=info.height, fps=info.fps)
    if info.video:
        line = info.video[0]
        sig.video_codec = line.split()[0].strip(",")
        profile = _PROFILE_RE.match(line)
        sig.profile = profile.group(1) if profile else None
        pix = _PIX_RE.search(line)
        sig.pix_fmt = pix.group(1) if pix else None
        sar = _SAR_RE.search(line)
        sig.sar = sar.group(1) if sar else None
    if info.audio:
        line = info.audio[0]
        sig.audio_codec = line.split()[0].strip(",")
        rate = _RATE_RE.search(line)
        sig.sample_rate = int(rate.group(1)) if rate else None
        parts = [p.strip() for p in line.split(",")]
        sig.channels = parts[2] if len(parts) > 2 else None
    return sig


def parse_resolution(text: str | None, default: tuple[int, int] = (1280, 720)) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[x×]\s*(\d+)\s*", text or "")
    return (int(match.group(1)), int(match.group(2))) if match else default


def parse_aspect(text: str | None) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[:/x]\s*(\d+(?:\.\d+)?)\s*", text or "")
    if not match or float(match.group(2)) == 0:
        return None
    return float(match.group(1)) / float(match.group(2))


def even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def film_format(style: object | None, signatures: list[ClipSignature]) -> FilmFormat:
    """The format of the cut: the style's, at the takes' common size when they already agree with it."""
    width, height = parse_resolution(getattr(style, "resolution", None))
    fps = int(getattr(style, "fps", 24) or 24)
    fit = getattr(style, "fit", None) or "letterbox"
    fit = fit if fit in ("letterbox", "crop") else "letterbox"
    aspect = parse_aspect(getattr(style, "aspect_ratio", None))
    if aspect and abs(width / height - aspect) > 0.01:  # resolution disagrees with the aspect: trust the aspect
        width = even(height * aspect)
    sizes = {(s.width, s.height) for s in signatures}
    if len(sizes) == 1 and signatures:
        (w, h), = sizes
        same_aspect = w and h and abs((w / h) - (width / height)) < 0.01
        same_fps = all(s.fps is not None and abs(s.fps - fps) < 0.01 for s in signatures)
        if same_aspect and same_fps:
            width, height = w, h
    return FilmFormat(width=width, height=height, fps=fps, fit=fit, card_preset=card_preset(signatures))


def card_preset(signatures: list[ClipSignature]) -> str:
    """Encode cards like most takes are encoded, so the joined H.264 stream keeps one profile family."""
    profiles = [s.profile or "" for s in signatures]
    baseline = sum("Baseline" in p for p in profiles)
    return "ultrafast" if profiles and baseline * 2 > len(profiles) else "veryfast"
