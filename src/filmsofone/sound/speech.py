"""Speaking lines: each line's voice from the bible, synthesised once and cached by content hash.

The cache is `projects/<slug>/cache/speech/<hash>.wav`, the hash covering the text, the voice and the
engine, so an unchanged line is never synthesised (or paid for) again and an interrupted run resumes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..backends.speech_base import SpeechBackend, SpeechRequest, VoiceParams, speech_class, wav_seconds
from ..bible.model import CastBible, Voice
from ..bible.voices import ENGINE, candidates
from ..errors import UserError
from ..models import ProgressCallback
from ..workspace import Workspace
from .lines import Line

UNATTRIBUTED = ("en+f4", "en+m6", "en-us+f2", "en-us+m2")  # voices for lines whose speaker is unknown


@dataclass(frozen=True)
class Spoken:
    """A line as spoken: its WAV file and length."""

    line: Line
    path: Path
    seconds: float
    voice: Voice


def voice_params(voice: Voice, ws: Workspace) -> VoiceParams:
    reference = str((ws.root / voice.reference).resolve()) if voice.reference else ""
    return VoiceParams(engine=voice.engine, voice=voice.voice, pitch=voice.pitch, rate=voice.rate,
                       description=voice.description, reference=reference)


def line_voices(bible: CastBible, lines: list[Line]) -> dict[str, Voice]:
    """Line key -> its voice: the narrator's for voiceover, the speaker's from the bible, else a voice that
    nobody else speaking in that scene has."""
    characters = {c.id: c for c in bible.characters}
    in_scene: dict[str, set[tuple]] = {}
    for line in lines:
        if line.speaker in characters and characters[line.speaker].voice.voice:
            in_scene.setdefault(line.scene, set()).add(characters[line.speaker].voice.key())
    voices: dict[str, Voice] = {}
    for line in lines:
        used = in_scene.get(line.scene, set()) | {bible.narrator.key()}
        if line.voiceover:
            voices[line.key] = bible.narrator if bible.narrator.voice else _fallback(used, "unknown")
            continue
        character = characters.get(line.speaker or "")
        if character is not None and character.voice.voice:
            voices[line.key] = character.voice
        elif character is not None:  # no voice id yet: the engine's default for their gender
            voices[line.key] = _fallback(used, character.gender, character.voice)
        else:
            voices[line.key] = _fallback(used, "unknown")
    return voices


def _fallback(used: set[tuple], gender: str, base: Voice | None = None) -> Voice:
    pool = candidates(gender, "adult") if gender in ("female", "male") else \
        [Voice(engine=ENGINE, voice=v, pitch=48) for v in UNATTRIBUTED] + candidates("unknown", "adult")
    chosen = next((v for v in pool if v.key() not in used), pool[0])
    if base is not None and base.engine != ENGINE:
        return base
    return chosen


def engine_for(name: str, engines: dict[str, SpeechBackend],
               make: Callable[[str], SpeechBackend] | None) -> SpeechBackend:
    if name not in engines:
        engines[name] = make(name) if make else speech_class(name)()
    return engines[name]


def speak_lines(ws: Workspace, cache: Path, lines: list[Line], voices: dict[str, Voice], *,
                progress: ProgressCallback | None = None,
                make_engine: Callable[[str], SpeechBackend] | None = None) -> dict[str, Spoken]:
    """Line key -> the spoken line (cached WAV); engines are made once each by `make_engine` (or by name)."""
    cache.mkdir(parents=True, exist_ok=True)
    engines: dict[str, SpeechBackend] = {}
    spoken: dict[str, Spoken] = {}
    for done, line in enumerate(lines, 1):
        voice = voices[line.key]
        request = SpeechRequest(text=line.text, voice=voice_params(voice, ws))
        path = cache / f"{request.cache_key()}.wav"
        if not path.is_file():
            engine_for(voice.engine, engines, make_engine).synthesize(request, path)
        spoken[line.key] = Spoken(line, path, wav_seconds(path), voice)
        if progress:
            progress("speaking lines", done, len(lines))
    return spoken


def check_voice(voice: Voice, make_engine: Callable[[str], SpeechBackend] | None = None) -> None:
    """UserError (exit 2) when the engine or its voice id is unknown."""
    if not voice.voice and voice.engine == ENGINE:
        raise UserError("the voice has no voice id", "set one, e.g. voice.voice=en-gb-x-rp+f3")
    engine = make_engine(voice.engine) if make_engine else speech_class(voice.engine)()
    engine.check_voice(VoiceParams(engine=voice.engine, voice=voice.voice, pitch=voice.pitch, rate=voice.rate))
