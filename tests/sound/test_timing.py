"""Lines laid on shots: re-timing the plan from the speech, and placing lines on a cut (pure)."""

import pytest

from filmsofone.sound.timing import (
    GAP,
    J_LEAD,
    J_SHARE,
    L_CUT,
    LEAD,
    MIN_SHOT,
    TAIL,
    TURN,
    Span,
    Timed,
    leads,
    place,
    retime,
)


def lines(**by_shot):
    return {shot: [Timed(f"{shot}#{i}", shot, who, seconds) for i, (who, seconds) in enumerate(said)]
            for shot, said in by_shot.items()}


def laid(order, durations, planned=None, scene="1.1"):
    """Spans of the shots in `order`, back to back, with their new (else planned, else 2 s) durations."""
    spans, at = [], 0.0
    for shot in order:
        seconds = durations.get(shot, (planned or {}).get(shot, 2.0))
        spans.append(Span(shot, at, at + seconds, scene))
        at += seconds
    return spans


def test_a_speaking_shot_lasts_as_long_as_its_lines_and_silent_shots_keep_theirs():
    said = lines(b=[("ada", 2.0), ("ada", 1.0)])
    durations = retime(["a", "b", "c"], said, {"a": 4.0, "b": 9.0, "c": 3.0})
    assert durations == {"b": pytest.approx(LEAD + 2.0 + GAP + 1.0 + TAIL)}


def test_the_same_speaker_going_on_in_the_next_shot_is_an_l_cut_and_the_layout_matches():
    said = lines(a=[("ada", 2.0)], b=[("ada", 1.5)], c=[])
    durations = retime(["a", "b", "c"], said, {})
    assert durations["a"] == pytest.approx(LEAD + 2.0 - L_CUT)  # an L cut: Ada finishes over shot b
    assert durations["b"] == pytest.approx(L_CUT + GAP + 1.5 + TAIL)
    segments = laid(["a", "b", "c"], durations)
    placed = place(segments, said)
    assert [p.key for p in placed] == ["a#0", "b#0"]
    assert placed[0].start == pytest.approx(LEAD) and placed[0].end > segments[0].end  # runs over the cut
    assert placed[1].start == pytest.approx(placed[0].end + GAP)
    assert placed[1].end <= segments[1].end - TAIL + 1e-9  # nothing is spoken over the silent shot


def test_a_reply_starts_before_its_shot_a_j_cut_and_the_layout_matches():
    said = lines(a=[("ada", 2.0)], b=[("tom", 2.5)], c=[])
    durations = retime(["a", "b", "c"], said, {})
    assert durations["a"] == pytest.approx(LEAD + 2.0 + TURN + J_LEAD)  # Ada finishes in her own shot
    assert durations["b"] == pytest.approx(-J_LEAD + 2.5 + TAIL)
    segments = laid(["a", "b", "c"], durations)
    ada, tom = place(segments, said)
    assert ada.end < segments[0].end  # no L cut
    assert tom.start == pytest.approx(segments[1].start - J_LEAD)  # Tom is heard before we see him
    assert tom.start >= ada.end + TURN - 1e-9  # never over Ada's line
    assert tom.end == pytest.approx(segments[1].end - TAIL)


def test_a_speaker_cut_to_mid_conversation_is_heard_over_the_end_of_the_silent_shot_before():
    said = lines(a=[("ada", 1.0)], b=[], c=[("tom", 2.2)])
    planned = {"b": 0.9}
    durations = retime(["a", "b", "c"], said, planned)
    assert "b" not in durations  # the silent (reaction) shot keeps its length
    lead = J_SHARE * 0.9  # a short reaction shot bounds the lead
    assert durations["c"] == pytest.approx(-lead + 2.2 + TAIL)
    segments = laid(["a", "b", "c"], durations, planned)
    ada, tom = place(segments, said)
    assert ada.end + TAIL == pytest.approx(segments[0].end)  # a straight cut to the silent shot
    assert tom.start == pytest.approx(segments[2].start - lead)


def test_no_j_cut_over_a_scene_change_a_card_a_voiceover_or_an_unknown_speaker():
    said = lines(a=[("ada", 1.0)], b=[("tom", 1.0)])
    change = [Span("a", 0.0, 2.0, "1.1"), Span("b", 2.0, 4.0, "1.2")]
    assert place(change, said)[1].start == pytest.approx(2.0 + LEAD)
    card = [Span("a", 0.0, 2.0, "1.1"), Span(None, 2.0, 3.0, "1.1"), Span("b", 3.0, 5.0, "1.1")]
    assert place(card, said)[1].start == pytest.approx(3.0 + LEAD)
    first = Timed("x", "b", "tom", 1.0)
    assert not leads(Timed("y", "a", "narrator", 1.0), True, first)  # after a voiceover: an L cut
    assert not leads(Timed("y", "a", None, 1.0), True, first)
    assert not leads(Timed("y", "a", "tom", 1.0), True, first)  # the same speaker goes on
    assert not leads(None, False, first)  # the scene's first words: a straight cut
    assert not leads(Timed("y", "a", "ada", 1.0), True, Timed("x", "b", "narrator", 1.0))
    assert leads(Timed("y", "a", "ada", 1.0), True, first) and leads(None, True, first)


def test_a_lead_never_overlaps_the_previous_line_when_takes_come_out_short():
    said = lines(a=[("ada", 3.0)], b=[("tom", 1.0)])
    placed = place([Span("a", 0.0, 2.0, "1.1"), Span("b", 2.0, 4.0, "1.1")], said)  # Ada's take is short
    assert placed[1].start == pytest.approx(placed[0].end + TURN)


def test_short_lines_still_get_a_shot_long_enough_to_see():
    assert retime(["a"], lines(a=[("ada", 0.2)]), {}) == {"a": MIN_SHOT}
    durations = retime(["a", "b"], lines(a=[("ada", 0.2)], b=[("tom", 0.3)]), {})
    assert durations["a"] == MIN_SHOT  # the reply's lead stays inside the last third of Ada's shot
    assert durations["b"] == MIN_SHOT


def test_lines_never_start_before_their_shot_nor_overlap():
    said = lines(a=[("ada", 5.0)], b=[("ada", 1.0)])
    placed = place([("a", 0.0, 2.0), ("b", 2.0, 4.0)], said)  # takes shorter than the speech
    assert placed[1].start >= placed[0].end + GAP


def test_no_lead_into_a_clip_that_speaks_for_itself_and_the_next_line_waits_after_it():
    said = lines(a=[("ada", 1.0)], c=[("tom", 1.0)])  # b is a native-audio clip: its own speech, not in `lines`
    spans = [Span("a", 0.0, 2.0, "1.1"), Span("b", 2.0, 4.0, "1.1"), Span("c", 4.0, 6.0, "1.1")]
    assert place(spans, said)[1].start < 4.0  # as a silent reaction shot it would carry Tom's lead
    assert place(spans, said, own_sound={"b"})[1].start == pytest.approx(4.0 + LEAD)
