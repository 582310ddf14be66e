"""Hearing and choosing voices: a character's own line from the book in their voice or in candidates.

`audition_voices` speaks one line in N candidate voices (of the character's gender and age, none already
someone else's) and remembers them; `pick_voice` writes candidate N into the bible (where a re-import
keeps it, like every edit). The files are `projects/<slug>/auditions/voices/<id>-<n>.wav`.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..backends.speech_base import SpeechRequest, make_speech
from ..bible import load_bible
from ..bible.edit import find_entry, open_document, save_document, set_fields
from ..bible.model import CastBible, CharacterLook, Voice
from ..bible.voices import age_band, candidates
from ..errors import UserError
from ..models import BookAnalysis, Character
from ..project import load_analysis, load_text
from ..workspace import Workspace
from .lines import quote_words
from .speech import voice_params

NARRATOR_NAMES = ("narrator", "the narrator")
FALLBACK_LINE = "I have kept this light for forty years, and I will keep it tonight."
NARRATION_LINE = "It was late in the evening when the boats came home, one by one, out of the fog."


def _folder(ws: Workspace, slug: str) -> Path:
    return ws.project(slug).root / "auditions" / "voices"


def _character(bible: CastBible, name: str) -> CharacterLook | None:
    """The character called `name`; None for the narrator; UserError for anything else."""
    if name.strip().casefold() in NARRATOR_NAMES:
        return None
    kind, entry = find_entry(bible, name)
    if kind != "characters":
        raise UserError(f"'{name}' is not a character", "voices belong to characters (or the narrator)")
    return entry


def sample_line(ws: Workspace, slug: str, character: CharacterLook | None, *,
                book: tuple[BookAnalysis, str] | None = None) -> str:
    """One of the character's own lines (a mid-length one), or a stock line when they never speak. `book`: the
    analysis and text when the caller has them loaded (the screening room asks for every voice of the cast)."""
    if character is None:
        return NARRATION_LINE
    analysis, text = book or (load_analysis(ws, slug), load_text(ws, slug))
    quotes = {q.id: q for q in analysis.quotes}
    said = [quote_words(quotes, text, q.id) for q in analysis.quotes if q.speaker == character.id]
    fitting = [s for s in said if 40 <= len(s) <= 200] or [s for s in said if s]
    return max(fitting[:50], key=len) if fitting else FALLBACK_LINE


def _speak(ws: Workspace, voice: Voice, line: str, dest: Path) -> Path:
    engine = make_speech(voice.engine, dict(voice.options))
    engine.synthesize(SpeechRequest(text=line, voice=voice_params(voice, ws)), dest)
    return dest


def speak_sample(ws: Workspace, slug: str, name: str) -> tuple[Voice, Path]:
    """Their current voice saying one of their lines (for `cast voice` and the screening room)."""
    bible = load_bible(ws, slug)
    character = _character(bible, name)
    voice = character.voice if character is not None else bible.narrator
    if not voice.voice:
        raise UserError(f"{name} has no voice yet", f"audition some: filmsofone cast voice {slug} '{name}' --audition")
    return voice, voice_sample(ws, slug, character, voice)


def voice_sample(ws: Workspace, slug: str, character: CharacterLook | None, voice: Voice, *,
                 book: tuple[BookAnalysis, str] | None = None) -> Path:
    """One of the character's lines in `voice`, made once (the file name follows the voice and the line)."""
    line = sample_line(ws, slug, character, book=book)
    request = SpeechRequest(text=line, voice=voice_params(voice, ws))
    ident = character.id if character is not None else "narrator"
    path = _folder(ws, slug) / "samples" / f"{ident}-{request.cache_key()[:12]}.wav"
    return path if path.is_file() else _speak(ws, voice, line, path)


def audition_voices(ws: Workspace, slug: str, name: str, n: int = 4) -> list[tuple[Voice, Path]]:
    """N candidate voices speaking one of the character's lines; remembered for `pick_voice`."""
    bible = load_bible(ws, slug)
    character = _character(bible, name)
    taken = {c.voice.key() for c in bible.characters if character is None or c.id != character.id}
    taken.add(bible.narrator.key())
    if character is not None:
        pool = candidates(character.gender, age_band(_as_character(character), character.hints, character.age))
    else:
        pool = candidates("unknown", "old")
    free = [v for v in pool if v.key() not in taken]
    chosen, variants = [], set()
    for voice in free:  # different variants first
        if voice.voice.split("+")[-1] not in variants:
            chosen.append(voice)
            variants.add(voice.voice.split("+")[-1])
        if len(chosen) == n:
            break
    chosen += [v for v in free if v not in chosen][: n - len(chosen)]
    ident = character.id if character is not None else "narrator"
    folder = _folder(ws, slug)
    line = sample_line(ws, slug, character)
    made = [(voice, _speak(ws, voice, line, folder / f"{ident}-{number}.wav"))
            for number, voice in enumerate(chosen, 1)]
    (folder / f"{ident}.json").write_text(json.dumps([v.model_dump() for v in chosen]), encoding="utf-8")
    return made


def pick_voice(ws: Workspace, slug: str, name: str, number: int) -> Voice:
    """Make audition candidate `number` the character's (or the narrator's) voice in the bible."""
    bible = load_bible(ws, slug)
    character = _character(bible, name)
    ident = character.id if character is not None else "narrator"
    listing = _folder(ws, slug) / f"{ident}.json"
    if not listing.is_file():
        raise UserError(f"no voice audition for {name} yet", f"run: filmsofone cast voice {slug} '{name}' --audition")
    options = [Voice.model_validate(v) for v in json.loads(listing.read_text(encoding="utf-8"))]
    if not 1 <= number <= len(options):
        raise UserError(f"the audition of {name} has candidates 1-{len(options)}, not {number}",
                        "pick one of the numbers `cast voice --audition` printed")
    voice = options[number - 1]
    make_speech(voice.engine, dict(voice.options)).check_voice(voice_params(voice, ws))
    if character is not None:
        set_fields(ws, slug, character.id, [f"voice.{k}={v}" for k, v in _fields(voice).items()])
    else:
        doc = open_document(ws, slug)
        doc["narrator"] = voice.model_dump()
        save_document(ws, slug, doc)
    return voice


def _fields(voice: Voice) -> dict:
    return {"engine": voice.engine, "voice": voice.voice, "pitch": voice.pitch, "rate": voice.rate}


def _as_character(look: CharacterLook) -> Character:
    return Character(id=look.id, name=look.name, aliases=list(look.aliases), gender=look.gender, role=look.role)
