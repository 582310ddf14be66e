"""Voice casting in the bible: distinct voices by gender and age, kept through re-imports."""

import pytest
from bible.helpers import TEXT, make_analysis, store_book

from filmsofone.bible import load_bible, seed_bible
from filmsofone.bible.edit import set_fields
from filmsofone.bible.model import CharacterLook, Voice
from filmsofone.bible.voices import NARRATOR, VARIANTS, age_band, candidates, cast_voices
from filmsofone.models import BookAnalysis, Character, Quote, Scene


def crowd(n: int, gender: str = "female") -> BookAnalysis:
    """`n` characters of one gender, all speaking in one scene, half of them major."""
    base = make_analysis()
    people = [Character(id=f"c{i}", name=f"Person {i}", gender=gender, role="major" if i % 2 else "minor",
                        mentions=100 - i) for i in range(n)]
    quotes = [Quote(id=f"q{i}", spans=[(0, 5)], speaker=f"c{i}", scene="1.1") for i in range(n)]
    return base.model_copy(update={"characters": people, "quotes": quotes,
                                   "scenes": [Scene(id="1.1", chapter=1, start=0, end=10)]})


def test_everyone_gets_a_distinct_voice_of_their_gender_and_never_the_narrators():
    voices = cast_voices(crowd(40))
    keys = [v.key() for v in voices.values()]
    assert len(set(keys)) == 40 and NARRATOR.key() not in keys
    female = {v for group in VARIANTS["female"].values() for v in group}
    assert all(v.voice.split("+")[1] in female for v in voices.values())


def test_when_voices_run_out_co_speakers_still_differ(monkeypatch):
    from filmsofone.bible import voices as module

    monkeypatch.setattr(module, "PITCH_STEPS", (0,))
    monkeypatch.setattr(module, "ACCENTS", ("en",))
    analysis = crowd(30, "male")
    scenes = [Scene(id=f"1.{i}", chapter=1, start=0, end=10) for i in range(1, 16)]
    quotes = [Quote(id=f"q{i}", spans=[(0, 5)], speaker=f"c{i}", scene=f"1.{i // 2 + 1}") for i in range(30)]
    analysis = analysis.model_copy(update={"scenes": scenes, "quotes": quotes})
    voices = cast_voices(analysis)
    majors = [v.key() for c, v in voices.items() if int(c[1:]) % 2]
    assert len(set(majors)) == len(majors)  # 15 majors, 33 male variants: all distinct
    for i in range(0, 30, 2):  # c{i} and c{i+1} speak together in scene 1.{i//2+1}
        assert voices[f"c{i}"].key() != voices[f"c{i + 1}"].key()


def test_age_from_titles_and_hints():
    assert age_band(Character(id="c1", name="old Mrs. Penrose")) == "old"
    assert age_band(Character(id="c1", name="little Toby")) == "young"
    assert age_band(Character(id="c1", name="Ada Quill")) == "adult"
    assert age_band(Character(id="c1", name="Ada"), age="72") == "old"
    old_pitch = candidates("female", "old")[0].pitch
    assert old_pitch < candidates("female", "young")[0].pitch


def test_bible_voice_is_structured_and_an_old_string_reads_as_its_description():
    look = CharacterLook(id="c1", name="Ada", voice="low and husky")
    assert look.voice == Voice(description="low and husky")
    assert CharacterLook(id="c1", name="Ada", voice="").voice == Voice()
    with pytest.raises(ValueError):
        CharacterLook(id="c1", name="Ada", voice={"pitch": 140})


def test_import_casts_voices_and_the_users_choice_survives_reimport(ws):
    analysis = store_book(ws)
    seed_bible(ws, "quills", analysis, TEXT)
    bible = load_bible(ws, "quills")
    voices = {c.name: c.voice for c in bible.characters}
    assert all(v.engine == "espeak" and "+" in v.voice for v in voices.values())
    assert len({v.key() for v in voices.values()} | {bible.narrator.key()}) == 4
    assert voices["Ada Quill"].voice.split("+")[1] in ("Andrea", "f3", "f2", "f4", "linda", "Annie", "steph2",
                                                       "anika", "Alicia", "steph", "f5", "belinda")
    set_fields(ws, "quills", "Tom Quill", ["voice.voice=en-us+m8", "voice.pitch=30"])
    seed_bible(ws, "quills", analysis, TEXT)  # re-import
    tom = load_bible(ws, "quills").character("Tom Quill").voice
    assert (tom.voice, tom.pitch) == ("en-us+m8", 30)


def test_clashes_are_reported():
    from filmsofone.bible.voices import voice_clashes

    analysis = make_analysis()
    same = Voice(voice="en+f3", pitch=50)
    assert voice_clashes(analysis, {"c1": same, "c2": same, "c3": Voice(voice="en+m3")}) == [
        "scene 1.1: Ada Quill and Tom Quill share ('espeak', 'en+f3', 50)"]
    assert voice_clashes(analysis, cast_voices(analysis)) == []
