"""Voice casting: a distinct offline voice for every speaking character, chosen by gender and age.

The candidates are the espeak voice variants that sound like people (grouped by gender and age), each in
several English accents and at a few pitches; a voice is (engine, voice id, pitch). Characters are cast in
order of importance (major, intermediate, then minor; by mentions), each taking the best candidate for
their gender and age that nobody has yet, so all major and intermediate characters sound different. Should
the candidates run out (a book with hundreds of speakers), a minor character takes a voice nobody they
share a scene with has. The narrator, who speaks voiceover, gets a voice of their own first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import product

from ..models import BookAnalysis, Character
from .model import Hint, Voice

ENGINE = "espeak"
RATE = 165
# espeak voice variants that sound like people, by gender and age band
VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "female": {"young": ("Andrea", "anika", "Alicia", "steph", "f5", "belinda"),
               "adult": ("f3", "f2", "f4", "linda", "Annie", "steph2"),
               "old": ("f1", "grandma", "aunty", "steph3")},
    "male": {"young": ("michel", "miguel", "Diogo", "victor", "Hugo", "Marco", "travis"),
             "adult": ("m3", "m2", "m6", "m7", "Andy", "Lee", "Denis", "antonio", "sandro", "john", "norbert",
                       "pedro", "pablo", "gustave", "iven", "robert", "marcelo", "ian"),
             "old": ("m1", "croak", "m8", "grandpa", "m4", "david", "paul", "quincy")},
}
# accents, most neutral first (each is a language file of the espeak data)
ACCENTS = ("en", "en-gb-x-rp", "en-us", "en-gb-scotland", "en-gb-x-gbclan", "en-us-nyc", "en-gb-x-gbcwmd",
           "en-029")
PITCH_STEPS = (0, 8, -8, 16, -16)
BASE_PITCH = {("female", "young"): 62, ("female", "adult"): 52, ("female", "old"): 42,
              ("male", "young"): 54, ("male", "adult"): 46, ("male", "old"): 38}
NARRATOR = Voice(engine=ENGINE, voice="en-gb-x-rp+m7", pitch=42, rate=155,
                 description="a calm, warm storyteller")
_OLD = re.compile(r"\b(old|elderly|aged|grey-haired|gray-haired|white-haired|grand(?:mother|father|ma|pa)|"
                  r"granny|widow|aunt|uncle|dowager|colonel|general|major|admiral|judge|doctor|dr|professor|"
                  r"sir|lord|lady|mrs|madame|father)\b", re.I)
_YOUNG = re.compile(r"\b(young|little|child|girl|boy|lad|lass|maid|miss|master|kid|baby|daughter|son|niece|nephew|"
                    r"youth|schoolgirl|schoolboy)\b", re.I)


def age_band(character: Character, hints: list[Hint] = (), age: str = "") -> str:
    """'young', 'adult' or 'old', from a stated age, the name's title ('Mrs', 'Miss'), or the book's hints."""
    if age.strip():
        digits = re.findall(r"\d+", age)
        if digits:
            years = int(digits[0])
            return "young" if years < 25 else ("old" if years >= 55 else "adult")
        text = age
    else:
        text = " ".join([character.name, *character.aliases, *(h.text for h in hints)])
    old, young = len(_OLD.findall(text)), len(_YOUNG.findall(text))
    if old > young:
        return "old"
    if young > old:
        return "young"
    return "adult"


def candidates(gender: str, band: str) -> list[Voice]:
    """Voices for a character, best first: variants of their age (then the neighbouring ages), across
    accents and pitches, ordered so neighbours differ in variant first, then accent, then pitch."""
    genders = [gender] if gender in VARIANTS else ["female", "male"]
    bands = {"young": ("young", "adult", "old"), "adult": ("adult", "young", "old"),
             "old": ("old", "adult", "young")}[band]
    found: list[Voice] = []
    for step, accent in product(PITCH_STEPS, ACCENTS):
        for name in bands:
            for variants in zip(*(VARIANTS[g][name] for g in genders)) if len(genders) > 1 else \
                    ((v,) for v in VARIANTS[genders[0]][name]):
                for g, variant in zip(genders, variants):
                    pitch = max(0, min(100, BASE_PITCH[(g, name)] + step))
                    found.append(Voice(engine=ENGINE, voice=f"{accent}+{variant}", pitch=pitch, rate=RATE))
    return found


def speaking_scenes(analysis: BookAnalysis) -> dict[str, set[str]]:
    """Scene ids in which each character speaks (has a quotation)."""
    scenes: dict[str, set[str]] = defaultdict(set)
    for quote in analysis.quotes:
        if quote.speaker and quote.scene:
            scenes[quote.speaker].add(quote.scene)
    return scenes


def _importance(character: Character) -> tuple[int, int, str]:
    return ({"major": 0, "intermediate": 1}.get(character.role, 2), -character.mentions, character.id)


def cast_voices(analysis: BookAnalysis, hints: dict[str, list[Hint]] | None = None,
                narrator: Voice = NARRATOR) -> dict[str, Voice]:
    """A voice for every character (by id): distinct for all while candidates last, and never the voice of
    someone speaking in the same scene or of the narrator."""
    hints = hints or {}
    scenes = speaking_scenes(analysis)
    taken: dict[tuple, list[str]] = {narrator.key(): ["narrator"]}
    cast: dict[str, Voice] = {}
    for character in sorted(analysis.characters, key=_importance):
        options = candidates(character.gender, age_band(character, hints.get(character.id, [])))
        free = next((v for v in options if v.key() not in taken), None)
        if free is None:
            free = _shared_voice(character.id, options, taken, scenes)
        cast[character.id] = free
        taken.setdefault(free.key(), []).append(character.id)
    return cast


def _shared_voice(char_id: str, options: list[Voice], taken: dict[tuple, list[str]],
                  scenes: dict[str, set[str]]) -> Voice:
    """A voice already used, by nobody who speaks in a scene with `char_id` (the least used such voice)."""
    mine = scenes.get(char_id, set())

    def clashes(voice: Voice) -> bool:
        return any(owner == "narrator" or mine & scenes.get(owner, set()) for owner in taken[voice.key()])

    fine = [v for v in options if not clashes(v)]
    return min(fine or options, key=lambda v: len(taken[v.key()]))


def voice_clashes(analysis: BookAnalysis, voices: dict[str, Voice], narrator: Voice = NARRATOR) -> list[str]:
    """Where casting fails its promise: two major characters with one voice, or two characters (or a
    character and the narrator) with one voice speaking in the same scene. Empty when all is well."""
    names = {c.id: c.name for c in analysis.characters}
    problems: list[str] = []
    majors: dict[tuple, str] = {}
    for character in analysis.characters:
        if character.role == "major" and character.id in voices:
            key = voices[character.id].key()
            if key in majors:
                problems.append(f"major characters {majors[key]} and {character.name} share {key}")
            majors.setdefault(key, character.name)
    speakers: dict[str, set[str]] = defaultdict(set)
    for quote in analysis.quotes:
        if quote.speaker in voices and quote.scene:
            speakers[quote.scene].add(quote.speaker)
    for scene, ids in sorted(speakers.items()):
        heard: dict[tuple, str] = {narrator.key(): "the narrator"}
        for char_id in sorted(ids):
            key = voices[char_id].key()
            if key in heard:
                problems.append(f"scene {scene}: {heard[key]} and {names.get(char_id, char_id)} share {key}")
            heard.setdefault(key, names.get(char_id, char_id))
    return problems
