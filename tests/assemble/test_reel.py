"""The pure parts of a cut: scene selection, layout, cues, chapters, the film's format."""

from types import SimpleNamespace

import pytest
from cutkit import Book

from filmsofone.assemble.chapters import scene_chapters, to_chapters_vtt, to_ffmetadata, ChapterMark
from filmsofone.assemble.format import ClipSignature, FilmFormat, film_format, signature
from filmsofone.assemble.reel import UsableTake, build_reel, select_scenes
from filmsofone.assemble.subtitles import Cue, dialogue_cues, to_srt, to_vtt
from filmsofone.errors import UserError
from filmsofone.ffmpeg import parse_probe

FMT = FilmFormat(width=320, height=180, fps=24)


@pytest.fixture
def book(ws):
    return Book(ws, scenes=(("1.1", 1), ("1.2", 1), ("2.1", 2), ("2.2", 2), ("3.1", 3)))


@pytest.mark.parametrize("selection, expected", [
    (None, ["1.1", "1.2", "2.1", "2.2", "3.1"]),
    ("1.2-2.2", ["1.2", "2.1", "2.2"]),
    ("3.1, 1.1", ["1.1", "3.1"]),
    ("2", ["2.1", "2.2"]),
    ("1.1,1.1-1.2", ["1.1", "1.2"]),
    (" 1.2 - 2.1 ", ["1.2", "2.1"]),
])
def test_select_scenes(book, selection, expected):
    assert [s.id for s in select_scenes(book.analysis, selection)] == expected


@pytest.mark.parametrize("selection", ["9.9", "1.1-4.4", "7", "banana"])
def test_select_unknown_scene_names_the_known_ones(book, selection):
    with pytest.raises(UserError, match="no scene") as info:
        select_scenes(book.analysis, selection)
    assert "1.1" in info.value.hint


@pytest.mark.parametrize("selection", ["2.2-1.2", "1.1-1.2,3.1-2.1"])
def test_select_refuses_a_backward_range_and_shows_it_the_right_way_round(book, selection):
    with pytest.raises(UserError, match="runs backwards") as info:
        select_scenes(book.analysis, selection)
    assert "--scenes 1.2-2.2" in info.value.hint or "--scenes 2.1-3.1" in info.value.hint


def _reel(book, with_takes=True):
    takes = {s.id: UsableTake(path=f"/clips/{s.id}.mp4", frames=24) for s in book.shots} if with_takes else {}
    return build_reel(book.analysis, book.analysis.scenes, book.shots, takes, FMT)


def test_reel_layout_title_chapters_shots_in_order(book):
    reel = _reel(book)
    kinds = [(s.kind, s.scene, s.shot_id) for s in reel.segments]
    assert kinds[:5] == [("title", "1.1", None), ("chapter", "1.1", None), ("shot", "1.1", "1.1-001"),
                         ("shot", "1.1", "1.1-002"), ("shot", "1.2", "1.2-001")]
    assert [s.title for s in reel.segments if s.kind == "chapter"] == ["Chapter 1", "Chapter 2", "Chapter 3"]
    starts = [s.start_frame for s in reel.segments]
    assert starts == sorted(starts) and reel.segments[1].start_frame == 72
    assert reel.frames == 72 + 3 * 48 + 10 * 24


def test_reel_placeholders_keep_the_shots_length(book):
    reel = _reel(book, with_takes=False)
    shots = [s for s in reel.segments if s.shot_id]
    assert all(s.kind == "placeholder" for s in shots) and shots[0].frames == 24
    assert shots[0].title == "Shot 1.1-001" and "scene 1.1" in shots[0].subtitle


def test_cues_split_long_lines_and_stay_inside_their_shot(book):
    reel = _reel(book)
    cues = dialogue_cues(reel, book.analysis, book.text)
    assert [c.quote_id for c in cues] == ["q1", "q2", "q3", "q4"]
    for cue in cues:
        segment = next(s for s in reel.segments if s.shot_id == cue.shot_id)
        assert segment.start_frame / 24 <= cue.start < cue.end <= segment.end_frame / 24
        assert all(len(line) <= 42 for line in cue.text.split("\n")) and cue.text.count("\n") <= 1
    assert cues[0].speaker == "Ada Quill" and cues[0].text == "Mind the lantern, the wind is rising."


def test_srt_and_vtt_text():
    cues = [Cue(start=1.0004, end=2.5, text="Hello <there> & you", speaker="Ada", shot_id="1.1-001", quote_id="q1")]
    assert to_srt(cues) == "1\n00:00:01,001 --> 00:00:02,500\nHello <there> & you\n"
    assert to_vtt(cues) == ("WEBVTT\n\nq1-1.1-001\n00:00:01.001 --> 00:00:02.500\n"
                            "<v Ada>Hello &lt;there&gt; &amp; you</v>\n")


def test_one_chapter_per_scene_abutting(book):
    reel = _reel(book)
    marks = scene_chapters(reel, book.analysis)
    assert [m.scene for m in marks] == ["1.1", "1.2", "2.1", "2.2", "3.1"]
    assert marks[0].start == 0 and marks[-1].end == reel.frames / 24
    assert all(a.end == b.start for a, b in zip(marks, marks[1:]))
    assert marks[0].title == "1.1 · the lighthouse, night"


def test_ffmetadata_escapes_and_uses_milliseconds():
    text = to_ffmetadata([ChapterMark(scene="1.1", start=0, end=2.5, title="a=b; #c")], "Tale")
    assert text == (";FFMETADATA1\ntitle=Tale\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=2500\n"
                    "title=a\\=b\\; \\#c\n")
    assert "00:00:00.000 --> 00:00:02.500" in to_chapters_vtt([ChapterMark(scene="1", start=0, end=2.5, title="x")])


def test_signature_from_probe_banner():
    info = parse_probe("Duration: 00:00:01.00, start: 0\n"
                       "  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), "
                       "640x360 [SAR 1:1 DAR 16:9], 61 kb/s, 24 fps, 24 tbr, 12288 tbn (default)\n"
                       "  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp\n")
    sig = signature(info)
    assert sig == ClipSignature(video_codec="h264", profile="High", pix_fmt="yuv420p", width=640, height=360,
                                sar="1:1", fps=24,
                                audio_codec="aac", sample_rate=48000, channels="stereo")
    assert sig.matches(FilmFormat(width=640, height=360, fps=24))
    assert not sig.matches(FilmFormat(width=1280, height=720, fps=24))
    assert not sig.model_copy(update={"sample_rate": 44100}).matches(FilmFormat(width=640, height=360, fps=24))


def test_film_format_follows_style_and_keeps_matching_takes_size():
    style = SimpleNamespace(aspect_ratio="16:9", resolution="1280x720", fps=24, fit="crop")
    small = ClipSignature(width=640, height=360, fps=24)
    assert film_format(style, [small, small]) == FilmFormat(width=640, height=360, fps=24, fit="crop")
    assert film_format(style, [small, small.model_copy(update={"width": 320, "height": 180})]).width == 1280
    assert film_format(style, [small.model_copy(update={"fps": 30})]).width == 1280
    assert film_format(SimpleNamespace(aspect_ratio="2.39:1", resolution="1280x720", fps=24), []).width == 1720
    assert film_format(None, []) == FilmFormat()
    baseline = small.model_copy(update={"profile": "Constrained Baseline"})
    assert film_format(style, [baseline, baseline, small]).card_preset == "ultrafast"
    assert film_format(style, [baseline, small]).card_preset == "veryfast"


def test_a_quotation_over_several_shots_is_shared_line_by_line(book):
    long_quote = "q2"  # 'I have kept this light for forty years and I will keep it tonight.' = 2 lines
    for shot in book.shots:
        shot.dialogue = [long_quote] if shot.id in ("1.2-001", "1.2-002") else []
    reel = _reel(book)
    cues = dialogue_cues(reel, book.analysis, book.text)
    assert [(c.shot_id, c.text) for c in cues] == [
        ("1.2-001", "I have kept this light for forty years and"), ("1.2-002", "I will keep it tonight.")]


def test_a_scene_without_shots_gets_a_card(book):
    shots = [s for s in book.shots if s.scene != "2.2"]
    reel = build_reel(book.analysis, book.analysis.scenes, shots, {}, FMT)
    empty = reel.scene_segments("2.2")
    assert [(s.kind, s.title, s.subtitle) for s in empty] == [("placeholder", "Scene 2.2", "no shots planned yet")]
