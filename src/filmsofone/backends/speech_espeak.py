"""`espeak`: the offline speech engine, libespeak-ng driven directly through ctypes.

The `espeakng-loader` wheel ships the shared library and its voice data (languages under `lang/`, voice
variants under `voices/!v`), so a fresh `pip install` speaks with no system package and no network. A voice
id is `LANGUAGE+VARIANT` ("en-gb-x-rp+f3"); pitch (0-100) and rate (words per minute) are engine
parameters. The library has one global state, so synthesis is serialised by a lock.
"""

from __future__ import annotations

import ctypes
import threading
from functools import lru_cache
from pathlib import Path

from ..errors import BackendError
from .speech_base import SpeechBackend, SpeechRequest, SpeechResult, VoiceParams, write_wav

_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_RATE, _PITCH = 1, 3
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
_lock = threading.Lock()


class _Engine:
    """The loaded library, its sample rate and the PCM collected by the synthesis callback."""

    def __init__(self) -> None:
        import espeakng_loader

        self.data_path = Path(espeakng_loader.get_data_path())
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self.lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self.lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                          ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        self.sample_rate = self.lib.espeak_Initialize(_OUTPUT_SYNCHRONOUS, 0, str(self.data_path).encode(), 0)
        if self.sample_rate <= 0:
            raise BackendError("libespeak-ng did not start", "reinstall the espeakng-loader package")
        self.pcm = bytearray()
        self._callback = _CALLBACK(self._collect)  # kept referenced: the library calls it
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav, samples: int, _events) -> int:
        if samples > 0:
            self.pcm.extend(ctypes.string_at(wav, samples * 2))
        return 0

    def speak(self, text: str, voice: VoiceParams) -> bytes:
        if self.lib.espeak_SetVoiceByName(voice.voice.encode()) != 0:
            raise BackendError(f"espeak has no voice '{voice.voice}'", "see `filmsofone voices` for the voice ids")
        self.lib.espeak_SetParameter(_RATE, voice.rate, 0)
        self.lib.espeak_SetParameter(_PITCH, voice.pitch, 0)
        self.pcm = bytearray()
        data = text.encode("utf-8") + b"\0"
        buffer = ctypes.create_string_buffer(data, len(data))
        self.lib.espeak_Synth(buffer, len(data), 0, 0, 0, _CHARS_UTF8, None, None)
        self.lib.espeak_Synchronize()
        return bytes(self.pcm)


@lru_cache(maxsize=1)
def _engine() -> _Engine:
    return _Engine()


def data_path() -> Path:
    """The voice data folder inside the espeakng-loader wheel."""
    import espeakng_loader

    return Path(espeakng_loader.get_data_path())


@lru_cache(maxsize=1)
def known_variants() -> frozenset[str]:
    return frozenset(p.name for p in (data_path() / "voices" / "!v").iterdir() if p.is_file())


@lru_cache(maxsize=1)
def known_languages() -> frozenset[str]:
    return frozenset(p.name.lower() for p in (data_path() / "lang").rglob("*") if p.is_file())


def check_voice_id(voice_id: str) -> None:
    """BackendError unless `voice_id` is LANGUAGE or LANGUAGE+VARIANT with both in the wheel's data."""
    language, _, variant = voice_id.partition("+")
    if not language or language.lower() not in known_languages():
        raise BackendError(f"espeak has no language '{language}' (voice '{voice_id}')",
                           "use e.g. en-gb, en-us, en-gb-x-rp, en-gb-scotland")
    if variant and variant not in known_variants():
        raise BackendError(f"espeak has no voice variant '{variant}' (voice '{voice_id}')",
                           "use e.g. f1..f5, m1..m8, Andrea, Lee (see espeak-ng-data/voices/!v)")


class EspeakSpeech(SpeechBackend):
    name = "espeak"
    description = "offline speech (libespeak-ng from the espeakng-loader wheel): 100+ voice variants, no key"
    local = True

    def check_voice(self, voice: VoiceParams) -> None:
        check_voice_id(voice.voice)

    def synthesize(self, request: SpeechRequest, dest: Path) -> SpeechResult:
        self.check_voice(request.voice)
        with _lock:
            engine = _engine()
            pcm = engine.speak(request.text, request.voice)
        seconds = write_wav(dest, pcm, engine.sample_rate)
        return SpeechResult(path=str(dest), seconds=seconds, sample_rate=engine.sample_rate)
