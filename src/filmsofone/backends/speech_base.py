"""What a speech backend is asked and answers: one line of text in one voice, written as a WAV file.

A speech backend is a `Backend` of kind "speech" (registered like the video backends, looked up with
`backend_class(name, kind="speech")`) with `synthesize(request, dest) -> SpeechResult`. The offline
default is `espeak` (libespeak-ng from the `espeakng-loader` wheel); hosted engines (an OpenAI-compatible
`/v1/audio/speech`, ElevenLabs) implement the same method over HTTP. The sound stage caches every line by `request.cache_key()`, so a line is never
synthesised (or paid for) twice.
"""

from __future__ import annotations

import hashlib
import json
import wave
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .. import ffmpeg
from . import backend_class, get_backend
from .base import Backend


class VoiceParams(BaseModel):
    """A voice as the engine takes it (the bible's `voice`, with no bible types)."""

    model_config = ConfigDict(extra="forbid")
    engine: str = "espeak"
    voice: str = ""  # the engine's voice id: "en-gb-x-rp+f3" (espeak), "alloy" (OpenAI), a voice_id (ElevenLabs)
    pitch: int = Field(50, ge=0, le=100)
    rate: int = Field(165, ge=60, le=450)  # words per minute
    description: str = ""  # for engines that take instructions
    reference: str = ""  # a clip for engines that clone (absolute path)
    options: dict[str, str | int | float | bool] = Field(default_factory=dict)  # base_url, model, ... per engine


class SpeechRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    voice: VoiceParams

    def cache_key(self, *extra: str) -> str:
        data = json.dumps([self.text, self.voice.model_dump(), *extra], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:24]


class SpeechResult(BaseModel):
    path: str
    seconds: float
    sample_rate: int


class SpeechBackend(Backend):
    """Base class of speech engines: `synthesize` one line to a WAV file (engines that speak a whole
    exchange at once also have `synthesize_exchange` and set `speaks_exchanges`)."""

    kind: ClassVar[str] = "speech"
    local: ClassVar[bool] = True
    verify_output: ClassVar[bool] = False
    speaks_exchanges: ClassVar[bool] = False
    price_per_character: ClassVar[float] = 0.0  # USD; hosted engines bill characters

    def price(self, text: str) -> float:
        """Estimated USD for speaking `text` (0 for a local engine)."""
        return 0.0 if self.local else len(text) * self.price_per_character

    def synthesize(self, request: SpeechRequest, dest: Path) -> SpeechResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def check_voice(self, voice: VoiceParams) -> None:
        """Raise BackendError when the engine does not know `voice` (default: any voice is accepted)."""


def write_wav(dest: Path, pcm: bytes, sample_rate: int, channels: int = 1) -> float:
    """Write 16-bit PCM as a WAV file (through a temporary name); return its length in seconds."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    partial.replace(dest)
    return len(pcm) / 2 / channels / sample_rate


def save_audio(data: bytes, dest: Path) -> SpeechResult:
    """Any audio file an engine answered (WAV, MP3, ...) decoded to 48 kHz WAV at `dest`."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    encoded = dest.with_name(f".{dest.name}.download")
    partial = dest.with_name(f".{dest.name}.partial.wav")
    try:
        encoded.write_bytes(data)
        ffmpeg.run(ffmpeg.decode_audio_args(encoded, partial))
        partial.replace(dest)
    finally:
        encoded.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return SpeechResult(path=str(dest), seconds=wav_seconds(dest), sample_rate=ffmpeg.AUDIO_RATE)


def wav_seconds(path: Path) -> float:
    """Length of a WAV file in seconds."""
    with wave.open(str(path), "rb") as source:
        return source.getnframes() / source.getframerate()


def speech_class(name: str) -> type[SpeechBackend]:
    """The speech engine called `name`, or BackendError listing the known ones."""
    return backend_class(name, kind="speech")


def make_speech(name: str, options: dict | None = None, *, key: str | None = None) -> SpeechBackend:
    """An engine with its options (unknown ones dropped: a voice's options may name per-line settings) and
    its key (from the environment or the key file; none for a server whose options say needs_key: false)."""
    cls = speech_class(name)
    known = {k: v for k, v in (options or {}).items() if k in cls.Options.model_fields}
    if known.get("needs_key") is False and key is None:
        key = ""
    return get_backend(name, known, key=key, kind="speech")
