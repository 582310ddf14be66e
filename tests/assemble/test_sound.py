"""The cut's sound: dialogue in each speaker's voice, a score, ambience, stems and the EBU R128 master."""

import wave

import numpy as np
import pytest
from cutkit import Book, audio_rms, chapters, make_clip, subtitle_packets
from sqlmodel import select

from filmsofone import ffmpeg, store
from filmsofone.assemble.cut import cut
from filmsofone.assemble.sound import SoundOptions
from filmsofone.bible.edit import set_fields
from filmsofone.errors import UserError
from filmsofone.store.tables import TakeRow


@pytest.fixture
def voiced(ws):
    book = Book(ws)
    book.voice()
    book.shoot()
    return book


def speech_seconds(stem, start, end, silences):
    covered = sum(max(0.0, min(end, b) - max(start, a)) for a, b in silences)
    return (end - start) - covered


def stem_rms(path, start=0.0, end=None):
    with wave.open(str(path), "rb") as source:
        rate = source.getframerate()
        pcm = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2").reshape(-1, 2) / 32768.0
    piece = pcm[int(start * rate): None if end is None else int(end * rate)]
    return float(np.sqrt((piece ** 2).mean())) if piece.size else 0.0


def test_lines_are_spoken_where_their_cues_are_and_silent_shots_stay_silent(voiced):
    made = cut(voiced.ws, "tale").manifest
    dialogue = made.stems["dialogue"]
    silences = ffmpeg.silences(dialogue, made.duration)
    assert len(made.cues) >= 4
    assert all(speech_seconds(dialogue, c.start, c.end, silences) > 0.3 * (c.end - c.start) for c in made.cues)
    for placed in made.segments:
        if not placed.segment.dialogue:
            assert speech_seconds(dialogue, placed.start + 0.05, placed.end - 0.05, silences) < 0.02
    assert {c.speaker for c in made.cues} == {"Ada Quill"}


def test_stems_beside_the_film_and_the_master_meets_ebu_r128(voiced):
    made = cut(voiced.ws, "tale").manifest
    film = voiced.project.film_path
    assert made.stems == {name: str(film.with_name(f"tale.{name}.wav")) for name in ("dialogue", "music", "ambience")}
    for path in made.stems.values():
        assert ffmpeg.probe(path).duration == pytest.approx(made.duration, abs=0.05)
        assert stem_rms(path) > 0.001
    level = ffmpeg.measure_loudness(film)
    assert level.integrated == pytest.approx(-16.0, abs=1.0)
    assert level.true_peak <= -1.0
    assert made.loudness == pytest.approx(level.integrated, abs=0.3)  # measured before the AAC encode


def test_no_music_and_no_ambience_write_no_such_stems(voiced):
    cut(voiced.ws, "tale")  # an earlier cut with every stem
    made = cut(voiced.ws, "tale", sound=SoundOptions(music=False, ambience=False)).manifest
    film = voiced.project.film_path
    assert set(made.stems) == {"dialogue"} and stem_rms(made.stems["dialogue"]) > 0.01
    assert not film.with_name("tale.music.wav").exists() and not film.with_name("tale.ambience.wav").exists()
    level = ffmpeg.measure_loudness(film)
    assert level.integrated == pytest.approx(-16.0, abs=1.0)  # mastered from the dialogue alone


def test_no_dialogue_writes_no_dialogue_stem(voiced):
    cut(voiced.ws, "tale")  # an earlier cut with every stem
    made = cut(voiced.ws, "tale", sound=SoundOptions(dialogue=False)).manifest
    film = voiced.project.film_path
    assert set(made.stems) == {"music", "ambience"} and all(stem_rms(p) > 0.001 for p in made.stems.values())
    assert not film.with_name("tale.dialogue.wav").exists()
    assert ffmpeg.measure_loudness(film).integrated == pytest.approx(-16.0, abs=1.0)  # mastered from the beds
    silent = cut(voiced.ws, "tale", sound=SoundOptions(dialogue=False, music=False, ambience=False)).manifest
    assert silent.stems == {} and not list(film.parent.glob("tale.*.wav"))  # none left from the cut before


def test_no_dialogue_shows_no_line_either(voiced):
    """`cut --no-dialogue`: no line heard, and none shown (no subtitle track, no .srt/.vtt, none in the room)."""
    spoken = cut(voiced.ws, "tale").manifest  # an earlier cut with every line spoken and subtitled
    film = voiced.project.film_path
    assert spoken.cues and subtitle_packets(film) and film.with_suffix(".vtt").read_text().count(" --> ") >= 4
    made = cut(voiced.ws, "tale", sound=SoundOptions(dialogue=False, subtitles=False)).manifest
    assert made.cues == [] and made.subtitles_srt is None and made.subtitles_vtt is None
    assert not film.with_suffix(".srt").exists() and not film.with_suffix(".vtt").exists()
    info = ffmpeg.probe(film)
    assert not info.subtitles and subtitle_packets(film) == []
    assert len(chapters(film)) == 3 and film.with_suffix(".chapters.vtt").is_file()  # the scene titles stay
    assert set(made.stems) == {"music", "ambience"}


def test_without_dialogue_a_clip_that_speaks_for_itself_is_muted_while_it_speaks(ws):
    book = Book(ws)
    speaking = next(s.id for s in book.shots if s.dialogue and s.scene == "1.1")
    quiet = next(s.id for s in book.shots if not s.dialogue)
    book.shoot()
    with_sound_of_its_own(book, speaking)
    with_sound_of_its_own(book, quiet)
    none = SoundOptions(dialogue=False, subtitles=False, music=False, ambience=False)
    for how, sound, fade in (("spoken", SoundOptions(music=False, ambience=False), False), ("no dialogue", none, False),
                             ("no dialogue, cross-faded", none, 0.5)):
        made = cut(ws, "tale", sound=sound, transitions=fade).manifest
        windows = {p.segment.shot_id: (p.start, p.end) for p in made.segments}
        film = ws.project("tale").film_path
        heard = film_rms(film, windows[speaking][0] + 0.1, windows[speaking][1] - 0.1)  # clear of AAC's edges
        assert heard > 0.01 if how == "spoken" else heard < 1e-4, how
        assert film_rms(film, *windows[quiet]) > 0.01  # a clip's own sound without a line stays


def test_without_dialogue_a_clip_that_speaks_for_itself_keeps_the_scenes_ambience_and_music(ws):
    """Only the speech goes: the clip's own sound (its lines cannot be told apart from its effects) is silenced,
    the scene's ambience and score go on under the shot as under its neighbour, not a hole of silence."""
    book = Book(ws)
    speaking = next(s.id for s in book.shots if s.dialogue and s.scene == "1.1")
    neighbour = next(s.id for s in book.shots if s.scene == "1.1" and s.id != speaking)
    book.shoot()
    with_sound_of_its_own(book, speaking, frequency=1250)  # a pitch the score does not hold
    film = ws.project("tale").film_path
    for sound in (SoundOptions(), SoundOptions(dialogue=False, subtitles=False)):
        made = cut(ws, "tale", sound=sound).manifest
        windows = {p.segment.shot_id: (p.start + 0.1, p.end - 0.1) for p in made.segments}  # clear of AAC's edges
        share = tone_share(film, *windows[speaking], 1250)
        if sound.dialogue:
            assert share > 0.5  # the clip speaks for itself: its sound dominates the shot
            continue
        assert set(made.stems) == {"music", "ambience"}
        assert share < 0.01  # its speech is gone
        level, around = film_rms(film, *windows[speaking]), film_rms(film, *windows[neighbour])
        assert level > 0.01 and level == pytest.approx(around, rel=0.5)  # the beds go on at the scene's level


def test_music_follows_the_scene_and_a_users_file_replaces_it(voiced, tmp_path):
    make_clip(voiced.ws.root / "tone.mp4", 2.0, tone=True)
    set_fields(voiced.ws, "tale", "Ada Quill", ["notes=x"])  # the bible exists and is valid
    from filmsofone.bible.edit import open_document, save_document

    doc = open_document(voiced.ws, "tale")
    doc["music"]["scenes"] = {"2.1": "tone.mp4"}
    save_document(voiced.ws, "tale", doc)
    labels = []
    made = cut(voiced.ws, "tale", progress=lambda label, done, total: labels.append(label)).manifest
    assert "sound: decoding the music file tone.mp4" in labels  # the cut's bar says what it waits for
    opener = next(s.start for s in made.segments if s.segment.scene == "2.1")
    with wave.open(made.stems["music"], "rb") as source:
        rate = source.getframerate()
        pcm = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2").reshape(-1, 2)[:, 0] / 32768.0
    late = pcm[int((opener + 2.0) * rate): int((opener + 3.0) * rate)]
    spectrum = np.abs(np.fft.rfft(late))
    assert np.argmax(spectrum) * rate / len(late) == pytest.approx(440, abs=3)  # the user's tone
    assert audio_rms(voiced.project.film_path) > 0.01


def test_a_music_file_that_is_not_audio_is_one_clear_error(voiced):
    (voiced.ws.root / "notes.mp3").write_text("not music")
    from filmsofone.bible.edit import open_document, save_document

    doc = open_document(voiced.ws, "tale")
    doc["music"]["film"] = "notes.mp3"
    save_document(voiced.ws, "tale", doc)
    with pytest.raises(UserError, match="music file notes.mp3 is not audio"):
        cut(voiced.ws, "tale")


def with_sound_of_its_own(book, shot_id, frequency=440):
    """Give `shot_id` a newest take with a tone, as if Veo 3 made it with generateAudio."""
    native = make_clip(book.project.clips_dir / f"veo-{shot_id}.mp4",
                       next(s.duration for s in book.shots if s.id == shot_id), tone=True, frequency=frequency)
    book.add_take(shot_id, native, 1.0)
    with store.session_for(book.project.db_path) as session:
        row = session.exec(select(TakeRow).where(TakeRow.shot_id == shot_id).order_by(TakeRow.id.desc())).first()
        row.backend = "veo"
        session.add(row)
        session.commit()


def film_samples(film, start, end):
    """The film's sound (first channel) between `start` and `end` seconds, whole frames only; and its rate."""
    import av

    pieces, rate = [], 48000
    with av.open(str(film)) as container:
        for frame in container.decode(audio=0):
            if frame.time is None or not start <= frame.time < end - frame.samples / frame.sample_rate:
                continue
            pieces.append(frame.to_ndarray().astype("float64")[0])
            rate = frame.sample_rate
    assert pieces, "no sound decoded in the window"
    return np.concatenate(pieces), rate


def film_rms(film, start, end):
    """Root-mean-square level of the film's sound between `start` and `end` seconds."""
    samples, _ = film_samples(film, start, end)
    return float(np.sqrt((samples ** 2).mean()))


def tone_share(film, start, end, frequency):
    """The part of the film's sound power between `start` and `end` that lies within 15 Hz of `frequency`."""
    samples, rate = film_samples(film, start, end)
    power = np.abs(np.fft.rfft(samples * np.hanning(len(samples)))) ** 2
    hertz = np.fft.rfftfreq(len(samples), 1 / rate)
    return float(power[np.abs(hertz - frequency) <= 15].sum() / power.sum())


def test_a_clip_with_its_own_speech_is_kept_and_not_spoken_over(ws):
    book = Book(ws)
    book.voice()
    speaking = next(s.id for s in book.shots if s.dialogue and s.scene == "1.1")
    book.shoot()
    with_sound_of_its_own(book, speaking)
    made = cut(ws, "tale").manifest
    window = next((p.start, p.end) for p in made.segments if p.segment.shot_id == speaking)
    silences = ffmpeg.silences(made.stems["dialogue"], made.duration)
    assert speech_seconds(made.stems["dialogue"], window[0] + 0.05, window[1] - 0.05, silences) < 0.02
    assert any(c.shot_id == speaking and window[0] <= c.start < c.end <= window[1] for c in made.cues)
    assert any(c.shot_id != speaking for c in made.cues)  # the other lines are still spoken
    assert audio_rms(ws.project("tale").film_path) > 0.01


def _eleven_composer():
    from fakes.speech import ELEVEN_KEY, FakeElevenLabs

    return FakeElevenLabs(), "ELEVENLABS_API_KEY", ELEVEN_KEY, lambda url: {"base_url": url}, \
        lambda sent: sent["prompt"], r"\$"


def _lyria_composer():
    from fakes.lyria import KEY, PROJECT, FakeLyria

    return FakeLyria(), "GOOGLE_ACCESS_TOKEN", KEY, lambda url: {"base_url": url + "/v1", "project": PROJECT}, \
        lambda sent: sent["instances"][0]["prompt"], r"\$0\.18"  # one 30-second clip a scene


@pytest.mark.parametrize("engine, composer", [("elevenlabs-music", _eleven_composer), ("lyria", _lyria_composer)])
def test_a_hosted_composer_scores_each_scene_once_after_its_price_is_accepted(voiced, monkeypatch, engine, composer):
    from filmsofone.bible.edit import open_document, save_document

    fake, key_var, key, options, prompt_of, price = composer()
    monkeypatch.setenv(key_var, key)
    with fake:
        doc = open_document(voiced.ws, "tale")
        doc["music"]["engine"] = engine
        doc["music"]["options"] = options(fake.url)
        save_document(voiced.ws, "tale", doc)
        with pytest.raises(UserError, match=rf"composing 3 scene\(s\) with {engine} costs about {price}"):
            cut(voiced.ws, "tale")
        assert fake.creates == []
        made = cut(voiced.ws, "tale", sound=SoundOptions(allow_paid=True)).manifest
        assert len(fake.creates) == 3
        prompts = [prompt_of(r.json()) for r in fake.creates]
        assert all(p.startswith("Instrumental film score") and "pulse" in p for p in prompts)
        assert stem_rms(made.stems["music"]) > 0.01
        cut(voiced.ws, "tale")  # composed pieces are kept: nothing is paid twice
        assert len(fake.creates) == 3
