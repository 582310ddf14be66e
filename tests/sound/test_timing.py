"""Lines laid on shots: re-timing the plan from the speech, and placing lines on a cut (pure)."""

import pytest

from filmsofone.sound.timing import GAP, L_CUT, LEAD, MIN_SHOT, TAIL, TURN, Timed, place, retime


def lines(**by_shot):
    return {shot: [Timed(f"{shot}#{i}", shot, who, seconds) for i, (who, seconds) in enumerate(said)]
            for shot, said in by_shot.items()}


def test_a_speaking_shot_lasts_as_long_as_its_lines_and_silent_shots_keep_theirs():
    said = lines(b=[("ada", 2.0), ("ada", 1.0)])
    durations = retime(["a", "b", "c"], said, {"a": 4.0, "b": 9.0, "c": 3.0})
    assert durations == {"b": pytest.approx(LEAD + 2.0 + GAP + 1.0 + TAIL)}


def test_consecutive_speaking_shots_cut_before_the_line_ends_and_the_layout_matches():
    said = lines(a=[("ada", 2.0)], b=[("tom", 1.5)], c=[])
    durations = retime(["a", "b", "c"], said, {})
    assert durations["a"] == pytest.approx(LEAD + 2.0 - L_CUT)  # an L cut into Tom's shot
    assert durations["b"] == pytest.approx(L_CUT + TURN + 1.5 + TAIL)
    segments, at = [], 0.0
    for shot in ("a", "b"):
        segments.append((shot, at, at + durations[shot]))
        at += durations[shot]
    segments.append(("c", at, at + 2.0))
    placed = place(segments, said)
    assert [p.key for p in placed] == ["a#0", "b#0"]
    assert placed[0].start == pytest.approx(LEAD) and placed[0].end > segments[0][2]  # runs over the cut
    assert placed[1].start == pytest.approx(placed[0].end + TURN)
    assert placed[1].end <= segments[1][2] - TAIL + 1e-9  # nothing is spoken over the silent shot


def test_short_lines_still_get_a_shot_long_enough_to_see():
    assert retime(["a"], lines(a=[("ada", 0.2)]), {}) == {"a": MIN_SHOT}


def test_lines_never_start_before_their_shot_nor_overlap():
    said = lines(a=[("ada", 5.0)], b=[("tom", 1.0)])
    placed = place([("a", 0.0, 2.0), ("b", 2.0, 4.0)], said)  # takes shorter than the speech
    assert placed[1].start >= placed[0].end + TURN
