"""What a speech backend is asked and answers: one line of text in one voice, written as a WAV file.

A speech backend is a class with `name`, `kind = "speech"`, `local`, `needs_key`, `key_env_var`, and
`synthesize(request, dest) -> SpeechResult`. The offline default is `espeak` (libespeak-ng from the
`espeakng-loader` wheel); hosted engines (an OpenAI-compatible `/v1/audio/speech`, ElevenLabs) implement
the same method over HTTP. The sound stage caches every line by `request.cache_key()`, so a line is never
synthesised (or paid for) twice.
"""

from __future__ import annotations

import hashlib
import json
import wave
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from ..errors import BackendError


class VoiceParams(BaseModel):
    """A voice as the engine takes it (the bible's `voice`, with no bible types)."""

    model_config = ConfigDict(extra="forbid")
    engine: str = "espeak"
    voice: str = ""  # the engine's voice id: "en-gb-x-rp+f3" (espeak), "alloy" (OpenAI), a voice_id (ElevenLabs)
    pitch: int = Field(50, ge=0, le=100)
    rate: int = Field(165, ge=60, le=450)  # words per minute
    description: str = ""  # for engines that take instructions
    reference: str = ""  # a clip for engines that clone (absolute path)


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


class SpeechBackend:
    """Base class of speech engines."""

    name: ClassVar[str] = ""
    kind: ClassVar[str] = "speech"
    description: ClassVar[str] = ""
    local: ClassVar[bool] = True
    needs_key: ClassVar[bool] = False
    key_env_var: ClassVar[str] = ""

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


def wav_seconds(path: Path) -> float:
    """Length of a WAV file in seconds."""
    with wave.open(str(path), "rb") as source:
        return source.getnframes() / source.getframerate()


_SPEECH: dict[str, str] = {
    "espeak": "filmsofone.backends.speech_espeak:EspeakSpeech",
    "openai-speech": "filmsofone.backends.speech_openai:OpenAISpeech",
    "elevenlabs": "filmsofone.backends.speech_elevenlabs:ElevenLabsSpeech",
}


def speech_names() -> list[str]:
    return sorted(_SPEECH)


def speech_class(name: str) -> type[SpeechBackend]:
    """The speech engine called `name`, or BackendError listing the known ones."""
    import importlib

    if name not in _SPEECH:
        raise BackendError(f"unknown speech engine '{name}'", f"known engines: {', '.join(speech_names())}")
    module, _, attr = _SPEECH[name].partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise BackendError(f"speech engine '{name}' cannot be loaded: {exc}", "reinstall filmsofone") from None
