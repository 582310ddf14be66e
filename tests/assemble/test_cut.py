"""The cut probed as a viewer's player sees it: streams, durations, chapters, subtitles, sound."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from cutkit import Book, audio_rms, chapters, decoded_audio_seconds, frame_at, make_clip, subtitle_packets

from filmsofone import ffmpeg
from filmsofone.assemble import cut_film
from filmsofone.assemble.cut import cut, load_manifest
from filmsofone.assemble.reel import CHAPTER_SECONDS, TITLE_SECONDS
from filmsofone.assemble.sound import SILENT

FPS = 24


def use_style(monkeypatch, **style):
    from filmsofone.assemble import inputs

    defaults = dict(aspect_ratio="16:9", resolution="1280x720", fps=FPS)
    bible = SimpleNamespace(style=SimpleNamespace(**{**defaults, **style}), characters=[])
    monkeypatch.setattr(inputs, "load_bible", lambda ws, slug: bible)


@pytest.fixture
def book(ws, monkeypatch):
    book = Book(ws)
    return book


def test_whole_cut_duration_streams_chapters_subtitles(book, ws):
    takes = book.shoot()
    result = cut(book.ws, "tale", sound=SILENT)  # the picture, subtitles and chapters (sound: test_sound.py)
    film, made = result.film_path, result.manifest
    info = ffmpeg.probe(film)
    assert len(info.video) == 1 and len(info.audio) == 1 and len(info.subtitles) == 1
    assert (info.width, info.height, info.fps) == (320, 180, FPS)  # the takes' size: no upscaling
    cards = TITLE_SECONDS + 2 * CHAPTER_SECONDS  # the title, then chapters 1 and 2
    expected = sum(t["duration"] for t in takes.values()) + cards
    assert info.duration == pytest.approx(expected, abs=len(takes) / FPS)
    assert ffmpeg.video_frames(film) == round(expected * FPS)
    assert ffmpeg.decode_errors(film) == ""
    assert decoded_audio_seconds(film) == pytest.approx(expected, abs=0.05)  # no drift at the joins
    assert made.fast_path and made.normalised == 0
    shot_parts = {s.segment.shot_id: s.part for s in made.segments if s.segment.kind == "shot"}
    assert shot_parts == {sid: str(t["path"]) for sid, t in takes.items()}  # the takes themselves, copied

    marks = chapters(film)
    assert [title.split(" ")[0] for _, _, title in marks] == ["1.1", "1.2", "2.1"]
    assert [round(start, 2) for start, _, _ in marks] == [0.0, 7.0, 9.0]  # scene 2.1 opens with its chapter card

    windows = {s.segment.shot_id: (s.start, s.end) for s in made.segments}
    spoken = subtitle_packets(film)
    assert len(spoken) == len(made.cues) >= 4
    for (start, end, text), cue in zip(spoken, made.cues):
        low, high = windows[cue.shot_id]
        assert low <= start < end <= high + 1e-3, (text, cue.shot_id)
        assert text == cue.text
    assert "Mind the lantern" in spoken[0][2]


def test_progress_is_reported_for_every_step(book):
    book.shoot()
    seen: dict[str, tuple[int, int]] = {}
    cut_film(book.ws, "tale", progress=lambda label, done, total: seen.__setitem__(label, (done, total)))
    assert seen["cut: probing takes"] == (6, 6)
    assert seen["cut: preparing parts"] == (9, 9)
    assert seen["cut: joining (seconds of film)"] == (13, 13)


def test_srt_and_vtt_beside_the_film(book):
    book.shoot()
    film = cut_film(book.ws, "tale")
    srt, vtt = film.with_suffix(".srt").read_text(), film.with_suffix(".vtt").read_text()
    assert srt.startswith("1\n00:00:06,300 --> ")  # the speaking shot starts at 6.0; the line LEAD later
    assert vtt.startswith("WEBVTT") and "<v Ada Quill>Mind the lantern" in vtt
    assert film.with_suffix(".chapters.vtt").read_text().count(" --> ") == 3
    assert load_manifest(film).duration == pytest.approx(13.0)


def test_missing_and_broken_takes_become_placeholder_cards(book):
    book.shoot([s.id for s in book.shots if s.id != "1.1-001"])
    broken = book.project.clips_dir / "broken.mp4"
    broken.write_bytes(b"not a video at all")
    book.add_take("1.2-002", broken, 1.0)  # newer than its good take, so the cut tries it
    result = cut(book.ws, "tale")
    kinds = {s.segment.shot_id: s.segment.kind for s in result.manifest.segments if s.segment.shot_id}
    assert kinds["1.1-001"] == kinds["1.2-002"] == "placeholder" and kinds["2.1-001"] == "shot"
    assert any("broken.mp4" in p for p in result.manifest.problems)
    assert ffmpeg.probe(result.film_path).duration == pytest.approx(13.0, abs=0.05)
    assert ffmpeg.decode_errors(result.film_path) == ""


def test_mismatched_takes_are_normalised_letterboxed(book, monkeypatch):
    use_style(monkeypatch, resolution="320x180")
    book.shoot(["1.1-001"], size="240x180", fps=30, audio=False)  # 4:3, 30 fps, silent
    book.shoot(["1.1-002"], size="320x180", fps=24, tone=True, rate=44100, channels=1)  # CD-rate mono sound
    result = cut(book.ws, "tale", scenes="1.1")
    made = result.manifest
    assert not made.fast_path and made.normalised == 2
    assert "48000 Hz, stereo" in ffmpeg.probe(result.film_path).audio[0]
    assert audio_rms(result.film_path) > 0.01  # the mono take's sound survives
    info = ffmpeg.probe(result.film_path)
    assert (info.width, info.height, info.fps) == (320, 180, FPS) and info.audio
    assert ffmpeg.decode_errors(result.film_path) == ""
    start = next(s.start for s in made.segments if s.segment.shot_id == "1.1-001")
    frame = frame_at(result.film_path, start + 0.3)
    assert frame[:, :15].max() < 30  # pillar-boxed: black bars left and right
    assert frame[:, 160].max() > 100  # picture in the middle
    assert info.duration == pytest.approx(TITLE_SECONDS + CHAPTER_SECONDS + 2.0, abs=2 / FPS)


def test_crop_fit_fills_the_frame(book, monkeypatch):
    use_style(monkeypatch, resolution="320x180", fit="crop")
    book.shoot(["1.1-001"], size="240x180")
    result = cut(book.ws, "tale", scenes="1.1")
    start = next(s.start for s in result.manifest.segments if s.segment.shot_id == "1.1-001")
    frame = frame_at(result.film_path, start + 0.3)
    assert frame[:, :15].max() > 100  # cropped, no bars


def test_transitions_cross_fade_scenes(book):
    book.voice()
    book.shoot()
    result = cut(book.ws, "tale", transitions=True)
    made = result.manifest
    assert made.transitions == 0.5 and not made.fast_path
    seconds = sum(s.duration for s in book.shots) + 3.0 + 2 * 2.0
    assert ffmpeg.probe(result.film_path).duration == pytest.approx(seconds - 2 * 0.5, abs=2 / FPS)
    assert len(chapters(result.film_path)) == 3
    assert ffmpeg.decode_errors(result.film_path) == ""
    for cue in made.cues:
        low, high = next((s.start, s.end) for s in made.segments if s.segment.shot_id == cue.shot_id)
        assert low <= cue.start < cue.end <= high


def test_music_bed_is_mixed_and_normalised(book, tmp_path):
    book.shoot()
    music = make_clip(tmp_path / "music.mp4", 3.0, tone=True)
    silent = cut_film(book.ws, "tale", output=tmp_path / "silent.mp4", sound=SILENT)
    scored = cut(book.ws, "tale", music=music, output=tmp_path / "scored.mp4")
    assert audio_rms(silent) == 0.0
    assert audio_rms(scored.film_path) > 0.01
    assert scored.manifest.music == str(music)
    assert ffmpeg.probe(scored.film_path).duration == pytest.approx(13.0, abs=0.1)


def test_music_under_cross_faded_scenes(book, tmp_path):
    book.shoot()
    music = make_clip(tmp_path / "music.mp4", 2.0, tone=True)
    result = cut(book.ws, "tale", transitions=True, music=music)
    assert audio_rms(result.film_path) > 0.01
    assert ffmpeg.probe(result.film_path).duration == pytest.approx(12.0, abs=0.1)
    assert ffmpeg.decode_errors(result.film_path) == ""


def test_clips_own_sound_is_kept(book):
    book.shoot(tone=True)
    film = cut_film(book.ws, "tale", scenes="1.1")
    assert audio_rms(film) > 0.01


def test_scene_selection_and_default_name(book):
    book.shoot()
    result = cut(book.ws, "tale", scenes="1.2-2.1")
    assert result.film_path.name == "tale-scenes-1.2-2.1.mp4"
    assert [c[2].split(" ")[0] for c in chapters(result.film_path)] == ["1.2", "2.1"]


def test_baseline_takes_like_the_animatics_join_cleanly(book):
    book.shoot(codec_args=["-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-pix_fmt", "yuv420p",
                           "-r", str(FPS)])
    result = cut(book.ws, "tale")
    assert result.manifest.fast_path and result.manifest.format.card_preset == "ultrafast"
    info = ffmpeg.probe(result.film_path)
    assert info.fps == FPS and "Baseline" in info.video[0]
    assert ffmpeg.video_frames(result.film_path) == 13 * FPS
    assert ffmpeg.decode_errors(result.film_path) == ""


@pytest.mark.parametrize("how", ["silent", "with sound", "cross-faded"])
def test_a_first_chapter_over_ten_seconds_beside_subtitles_keeps_its_times_and_titles(ws, how):
    """The mp4 muxer times its chapter track in the LCM of the streams' time bases; with the subtitle encoder's
    1/1000000 a chapter over 11.2 s overflowed and readers got chapter 0 as 0..0 s with the next one's title."""
    book = Book(ws, shot_seconds=6.0)
    book.voice()
    book.shoot()
    made = cut(ws, "tale", sound=SILENT if how == "silent" else None,
               transitions=0.5 if how == "cross-faded" else False).manifest
    assert made.chapters[0].end - made.chapters[0].start > 12.0 and made.cues
    found = chapters(made.film)
    assert [title for _, _, title in found] == [mark.title for mark in made.chapters]
    for (start, end, _), mark in zip(found, made.chapters):
        assert start == pytest.approx(mark.start, abs=0.002)
        assert end == pytest.approx(mark.end, abs=0.05)  # the last one ends with the film
    assert subtitle_packets(made.film) and ffmpeg.decode_errors(made.film) == ""


def test_long_scenes_keep_chapters_and_decode_cleanly(ws):
    """Chapters longer than ~10 s next to a subtitle track: no dangling QuickTime chapter reference."""
    book = Book(ws, scenes=(("1.1", 1), ("1.2", 1)), shot_seconds=6.0)
    book.shoot()
    film = cut_film(ws, "tale")
    assert len(chapters(film)) == 2 and subtitle_packets(film)
    assert ffmpeg.decode_errors(film) == ""
    from filmsofone.assemble.mp4fix import drop_dangling_chapter_refs

    assert drop_dangling_chapter_refs(film) == 0  # already repaired by the cut


def test_a_cut_killed_beside_a_custom_output_leaves_nothing_once_cut_again(ws, tmp_path):
    """`cut --output` outside the project: a killed run's work folder and temp files beside the film go at
    the next cut of that book; another book's files in the same folder stay."""
    import os
    import signal
    import subprocess
    import sys

    book = Book(ws)
    book.shoot()
    out = tmp_path / "elsewhere"
    out.mkdir()
    foreign = [out / ".cut-tale-2.abc123", out / ".other.srt.77-deadbeef.tmp", out / "notes.txt"]
    foreign[0].mkdir()
    foreign[1].write_text("another book's")
    foreign[2].write_text("mine")
    (out / ".one.srt.12345-0badf00d.tmp").write_text("half a subtitle file")  # an older kill's temp file
    (out / ".one.dialogue.wav.partial").write_bytes(b"RIFF")
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])),
           "FILMSOFONE_KILL_AT": "film-joined"}
    argv = [sys.executable, "-m", "filmsofone", "-w", str(ws.root), "cut", "tale", "-o", str(out / "one.mp4")]
    killed = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert [p.name for p in out.glob(".cut-tale.*")]  # the killed run's work folder, film inside
    env.pop("FILMSOFONE_KILL_AT")
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    left = sorted(p.name for p in out.iterdir())
    assert left == sorted(["one.mp4", "one.srt", "one.vtt", "one.chapters.vtt", "one.cut.json", "one.dialogue.wav",
                           "one.music.wav", "one.ambience.wav", *(p.name for p in foreign)])
