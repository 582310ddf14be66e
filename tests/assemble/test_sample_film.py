"""The real pipeline on the bundled sample: import, plan, generate one scene offline, cut it."""

import pytest
from cutkit import chapters, subtitle_packets

from filmsofone import ffmpeg
from filmsofone.assemble.cut import cut
from filmsofone.assemble.reel import CHAPTER_SECONDS, TITLE_SECONDS
from filmsofone.sound.timing import J_LEAD, L_CUT


@pytest.mark.slow
def test_generated_scene_cut_by_stream_copy(ws, sample_book):
    from filmsofone.adapt import adapt
    from filmsofone.books import import_book
    from filmsofone.generate import chosen_takes, generate_scenes
    from filmsofone.plan import plan_book
    from filmsofone.project import load_analysis
    from filmsofone.sound import voice_book

    import_book(ws, sample_book, slug="sample")
    kept, scenes = adapt(ws, "sample").kept_ids(), {s.id: s for s in load_analysis(ws, "sample").scenes}
    SCENE = min(kept, key=lambda sid: scenes[sid].end - scenes[sid].start)  # the shortest scene the film keeps
    plan_book(ws, "sample", scene_id=SCENE)
    voice_book(ws, "sample", [SCENE])
    generate_scenes(ws, "sample", [SCENE], backend="animatic")
    takes = chosen_takes(ws, "sample")
    result = cut(ws, "sample", scenes=SCENE)
    made, film = result.manifest, result.film_path

    shots = [s for s in made.segments if s.segment.shot_id]
    assert shots and all(s.segment.kind == "shot" for s in shots)  # every shot has its take
    assert made.fast_path and made.normalised == 0  # the animatic's clips are joined by stream copy
    info = ffmpeg.probe(film)
    assert info.video and info.audio and info.subtitles
    expected = sum(takes[s.segment.shot_id].duration for s in shots) + TITLE_SECONDS + CHAPTER_SECONDS
    assert info.duration == pytest.approx(expected, abs=(len(shots) + 1) / made.format.fps)
    assert len(chapters(film)) == 1
    windows = {s.segment.shot_id: (s.start, s.end) for s in shots}
    spoken = subtitle_packets(film)
    assert len(spoken) == len(made.cues) > 0
    for (start, end, _), cue in zip(spoken, made.cues):
        low, high = windows[cue.shot_id]
        assert low - J_LEAD - 1e-3 <= start < end <= high + L_CUT + 1e-3  # over a cut: a J or an L cut
    assert ffmpeg.decode_errors(film) == ""
