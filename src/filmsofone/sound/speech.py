"""Speaking lines: each line's voice from the bible, synthesised once and cached by content hash.

The cache is `projects/<slug>/cache/speech/<hash>.wav`, the hash covering the text, the voice and the
engine, so an unchanged line is never synthesised (or paid for) again and an interrupted run resumes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..backends.speech_base import SpeechBackend, SpeechRequest, VoiceParams, make_speech, wav_seconds
from ..bible.model import CastBible, Voice
from ..bible.voices import ENGINE, candidates
from ..errors import UserError
from ..models import ProgressCallback
from ..workspace import Workspace
from .lines import Line

EXCHANGE_VOICES = 10
EXCHANGE_CHARACTERS = 2000
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
                       description=voice.description, reference=reference, options=dict(voice.options))


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


class Engines:
    """The speech engines of one run, made once per engine and options (keys asked for once)."""

    def __init__(self) -> None:
        self._made: dict[tuple, SpeechBackend] = {}

    def get(self, voice: Voice) -> SpeechBackend:
        key = (voice.engine, tuple(sorted(voice.options.items())))
        if key not in self._made:
            self._made[key] = make_speech(voice.engine, dict(voice.options))
        return self._made[key]


def speak_lines(ws: Workspace, cache: Path, lines: list[Line], voices: dict[str, Voice], *,
                progress: ProgressCallback | None = None, engines: Engines | None = None,
                allow_paid: bool = False) -> dict[str, Spoken]:
    """Line key -> the spoken line (a cached WAV). Lines of an engine that speaks whole exchanges
    (ElevenLabs' text to dialogue) go to it a scene's run of uncached lines at a time. Lines a hosted engine
    would bill are refused (with the price) unless `allow_paid`."""
    cache.mkdir(parents=True, exist_ok=True)
    engines = engines or Engines()
    requests = {line.key: SpeechRequest(text=line.text, voice=voice_params(voices[line.key], ws)) for line in lines}
    path = {key: cache / f"{request.cache_key()}.wav" for key, request in requests.items()}
    if not allow_paid:
        _refuse_unpriced(lines, voices, path, engines)
    spoken: dict[str, Spoken] = {}
    for group in _groups(lines, voices, path, engines):
        engine = engines.get(voices[group[0].key])
        if len(group) > 1:
            engine.synthesize_exchange([requests[line.key] for line in group], [path[line.key] for line in group])
        elif not path[group[0].key].is_file():
            engine.synthesize(requests[group[0].key], path[group[0].key])
        for line in group:
            spoken[line.key] = Spoken(line, path[line.key], wav_seconds(path[line.key]), voices[line.key])
        if progress:
            progress("speaking lines", len(spoken), len(lines))
    return spoken


def _refuse_unpriced(lines: list[Line], voices: dict[str, Voice], path: dict[str, Path], engines: Engines) -> None:
    """UserError naming the price when uncached lines would go to a hosted (billed) engine."""
    owed: dict[str, list[float]] = {}
    for line in lines:
        engine = engines.get(voices[line.key])
        if not engine.local and not path[line.key].is_file():
            owed.setdefault(engine.name, []).append(engine.price(line.text))
    if owed:
        bill = "; ".join(f"{len(p)} line(s) by {name}, about ${sum(p):.2f}" for name, p in owed.items())
        raise UserError(f"speaking these lines costs money: {bill}",
                        "run `filmsofone voice SLUG --yes` to pay for them (they are kept; never paid twice)")


def _groups(lines: list[Line], voices: dict[str, Voice], path: dict[str, Path], engines: Engines) -> list[list[Line]]:
    """Lines one by one, except runs of uncached lines of one scene for an exchange-speaking engine
    (at most EXCHANGE_VOICES voices and EXCHANGE_CHARACTERS characters a run)."""
    groups: list[list[Line]] = []
    for line in lines:
        voice = voices[line.key]
        previous = groups[-1] if groups else None
        if (previous and not path[line.key].is_file() and not path[previous[0].key].is_file()
                and previous[0].scene == line.scene and _same_engine(voices[previous[0].key], voice)
                and engines.get(voice).speaks_exchanges
                and len({voices[x.key].voice for x in previous} | {voice.voice}) <= EXCHANGE_VOICES
                and sum(len(x.text) for x in previous) + len(line.text) <= EXCHANGE_CHARACTERS):
            previous.append(line)
        else:
            groups.append([line])
    return groups


def _same_engine(a: Voice, b: Voice) -> bool:
    return a.engine == b.engine and a.options == b.options
