"""J cuts on a real cut: a reply, and a line after a reaction shot, are heard before their shot (measured
on the dialogue stem with silencedetect); never over a scene change, never over the line before."""

import pytest
from cutkit import Exchange, subtitle_packets

from filmsofone import ffmpeg
from filmsofone.assemble.cut import cut
from filmsofone.sound.checks import EDGE, speech_report
from filmsofone.sound.timing import J_LEAD, J_SHARE, TURN


def heard(silences, start, end):
    return (end - start) - sum(max(0.0, min(end, b) - max(start, a)) for a, b in silences)


@pytest.fixture(scope="module")
def talk(tmp_path_factory):
    from filmsofone.workspace import Workspace

    ws = Workspace(tmp_path_factory.mktemp("jcuts"))
    book = Exchange(ws)
    book.voice()
    book.shoot()
    made = cut(ws, "talk").manifest
    return made, ffmpeg.silences(made.stems["dialogue"], made.duration)


def windows(made):
    return {p.segment.shot_id: (p.start, p.end) for p in made.segments if p.segment.shot_id}


def spoken(made, shot_id):
    cues = [c for c in made.cues if c.shot_id == shot_id]
    return min(c.start for c in cues), max(c.end for c in cues)


def test_a_reply_is_heard_before_the_cut_to_its_speaker_and_after_the_line_it_answers(talk):
    made, silences = talk
    shots = windows(made)
    (ada_start, ada_end), (tom_start, _) = spoken(made, "1.1-002"), spoken(made, "1.1-003")
    cut_at = shots["1.1-003"][0]
    assert cut_at - tom_start == pytest.approx(J_LEAD, abs=0.01)  # Tom is heard J_LEAD before we see him
    assert ada_end < tom_start - TURN + 0.01  # Ada's line has ended in her own shot
    assert heard(silences, tom_start + 0.05, cut_at) > 0.3  # on the stem, before the picture cuts
    assert heard(silences, ada_end + 0.05, tom_start - 0.05) < 0.02  # the pause between the two lines
    assert shots["1.1-002"][0] <= ada_start  # Ada's line starts in her own shot


def test_a_line_after_a_reaction_shot_leads_into_its_last_third_only(talk):
    made, silences = talk
    shots = windows(made)
    react_start, react_end = shots["1.1-004"]
    start, _ = spoken(made, "1.1-005")
    lead = react_end - start
    assert 0.1 < lead <= min(J_LEAD, J_SHARE * (react_end - react_start)) + 1e-6
    assert heard(silences, react_start + 0.05, start - 0.05) < 0.02  # the reaction is silent until the lead
    assert heard(silences, start + 0.05, react_end) > 0.5 * (lead - 0.05)


def test_no_lead_for_the_same_speaker_going_on_nor_over_a_scene_change(talk):
    made, _ = talk
    shots = windows(made)
    assert spoken(made, "1.1-006")[0] >= shots["1.1-006"][0]  # Ada goes on: an L cut, not a J cut
    assert spoken(made, "2.1-001")[0] >= shots["2.1-001"][0]  # a new scene: the line waits for its shot
    assert shots["1.1-001"] and all(c.shot_id != "1.1-001" for c in made.cues)


def test_subtitles_follow_the_speech_and_the_sound_check_counts_a_lead_as_the_next_shots(talk):
    made, _ = talk
    packets = subtitle_packets(made.film)
    assert len(packets) == len(made.cues)
    reply = next(c for c in made.cues if c.shot_id == "1.1-003")
    assert any(abs(start - reply.start) < 0.01 for start, _, _ in packets)  # the cue shows while it is heard
    report = speech_report(made)
    assert report.heard_share == 1.0 and report.silent_shots == 2 and report.silent_shots_with_speech == []
    assert report.j_cuts == 2 and report.longest_lead == pytest.approx(J_LEAD, abs=0.01)


def test_the_sound_check_still_finds_speech_earlier_than_a_lead_allows(talk):
    made, _ = talk
    late = 0.4 + EDGE  # the reaction shot said to end later: the line would lead by more than J_LEAD
    moved = made.model_copy(deep=True)
    for placed in moved.segments:
        if placed.segment.shot_id == "1.1-004":
            placed.end += late
        elif placed.segment.shot_id == "1.1-005":
            placed.start += late
    assert speech_report(moved).silent_shots_with_speech == ["1.1-004"]


def test_a_voiceover_shot_is_not_counted_as_a_silent_one(talk):
    made, _ = talk
    narrated = made.model_copy(deep=True)
    reaction = next(c for c in narrated.cues if c.shot_id == "1.1-005").model_copy(
        update={"shot_id": "1.1-004", "quote_id": "vo", "speaker": "Narrator"})
    narrated.cues.append(reaction)  # the narrator speaks over the reaction shot (no quotation there)
    assert speech_report(narrated).silent_shots == 1
