"""Film grammar on a small hand-built analysis, adapted whole (plan_scene is pure)."""

from __future__ import annotations

from .conftest import STORY, build_analysis, plan


def test_every_quotation_lands_in_exactly_one_line_of_dialogue(story):
    analysis, text = story
    seen = []
    for scene in analysis.scenes:
        shots = plan(analysis, scene.id, text)
        for shot in shots:
            seen += [q for q in shot.dialogue if q not in seen]
    assert sorted(seen) == sorted(q.id for q in analysis.quotes)


def test_new_setting_opens_with_an_establishing_shot(story):
    analysis, text = story
    for scene in analysis.scenes:
        shots = plan(analysis, scene.id, text)
        assert shots[0].notes == "establishing"
        assert shots[0].characters == []
        assert shots[0].size == ("EWS" if scene.interior is False else "WS")


def test_dialogue_opens_on_a_two_shot_then_singles_follow_the_speaker(story):
    analysis, text = story
    shots = plan(analysis, "1.1", text)
    quotes = {q.id: q for q in analysis.quotes}
    lines = [s for s in shots if s.dialogue]
    assert lines[0].notes == "two-shot" and len(lines[0].characters) == 2
    singles = [s for s in lines if s.notes.startswith("single")]
    assert len(singles) >= 2
    for shot in singles:
        assert shot.characters[0].character == quotes[shot.dialogue[0]].speaker
    turns = [speaker for i, speaker in enumerate(quotes[s.dialogue[0]].speaker for s in lines)
             if i == 0 or speaker != quotes[lines[i - 1].dialogue[0]].speaker]
    assert turns[:3] == ["c1", "c2", "c1"]


def test_screen_sides_hold_for_the_whole_scene(story):
    analysis, text = story
    for scene in analysis.scenes:
        sides = {}
        for shot in plan(analysis, scene.id, text):
            for placed in shot.characters:
                assert sides.setdefault(placed.character, placed.position) == placed.position
        if len(sides) == 2:
            assert set(sides.values()) == {"left", "right"}


def test_characters_in_frame_are_present_in_the_scene(story):
    analysis, text = story
    for scene in analysis.scenes:
        for shot in plan(analysis, scene.id, text):
            assert {f.character for f in shot.characters} <= set(scene.characters)


def test_strong_line_gets_a_reaction_and_peaks_go_close(story):
    analysis, text = story
    shots = plan(analysis, "1.1", text)
    assert any(s.notes == "reaction" for s in shots)
    peak = plan(analysis, "2.1", text)
    assert any(s.size in ("CU", "ECU") for s in peak)


def test_movement_is_tracked(story):
    analysis, text = story
    shots = plan(analysis, "1.2", text)
    assert any(s.movement == "tracking" and s.characters for s in shots)


def test_durations_follow_the_text_and_respect_the_longest_clip(story):
    analysis, text = story
    for max_clip in (10.0, 4.0):
        for scene in analysis.scenes:
            for shot in plan(analysis, scene.id, text, max_clip=max_clip):
                assert 1.5 <= shot.duration <= max_clip
    shots = plan(analysis, "1.1", text)
    by_quote = {s.dialogue[0]: s for s in shots if s.dialogue}
    # "Then we will find out who," (6 words) at ~2.5 words/s plus a pause
    assert 2.4 <= by_quote["q6"].duration <= 3.4


def test_long_takes_split_below_the_clip_limit(story):
    analysis, text = story
    wide = plan(analysis, "1.2", text, max_clip=10.0)
    tight = plan(analysis, "1.2", text, max_clip=2.0)
    assert len(tight) > len(wide)
    assert any("(part 1/" in s.notes for s in tight)
    assert all(s.duration <= 2.0 for s in tight)


def test_planning_is_deterministic_and_ids_follow_order(story):
    analysis, text = story
    first = plan(analysis, "1.1", text)
    assert first == plan(analysis, "1.1", text)
    assert [s.id for s in first] == [f"1.1-{i:03d}" for i in range(1, len(first) + 1)]
    assert [s.order for s in first] == list(range(1, len(first) + 1))


def test_props_and_light_come_from_the_cast_bible(story):
    from filmsofone.bible import CastBible, Light, Prop, SettingLook

    analysis, text = story
    bible = CastBible(
        book="story",
        settings=[SettingLook(id="s1", name="the lighthouse", interior=True,
                              light={"night": Light(key="a single paraffin lamp", practicals="lamp room glow")})],
        props=[Prop(id="p1", name="the lamp", description="a brass paraffin lamp with a cracked chimney")],
    )
    shots = plan(analysis, "1.1", text, bible=bible)
    assert any("the lamp" in s.props for s in shots if "lamp" in s.action.lower())
    assert all(s.light == "a single paraffin lamp, lamp room glow" for s in shots)
    assert plan(analysis, "1.1", text)[0].light == "moonlight and warm practical lamps"


def test_time_passing_mid_scene_re_establishes(story):
    from filmsofone.plan.grammar import time_passes

    analysis, text = story
    assert time_passes("Three days later the letter came.") == "later"
    assert time_passes("The next morning, Ada woke early.") == "day"
    assert time_passes("At the door stood a man.") is None
    marker = "The wind howled at the shutters"
    later = text.replace(marker, "The next morning the wind howled at the shutters")
    shifted = build_analysis(later)
    shots = plan(shifted, "1.1", later)
    jump = next(i for i, s in enumerate(shots) if s.notes == "establishing: time passes")
    assert shots[jump].characters == [] and shots[jump].time_of_day == "day"
    assert all(s.time_of_day == "day" for s in shots[jump:])
    assert all(s.time_of_day == "night" for s in shots[:jump])


def test_shot_count_stays_proportional_to_the_text(story):
    analysis, text = story
    for scene in analysis.scenes:
        words = len(text[scene.start:scene.end].split())
        shots = plan(analysis, scene.id, text)
        assert 1 <= len(shots) <= words / 6 + 4


def test_edge_cases_plan_without_crashing():
    from filmsofone.models import BookAnalysis, BookInfo, Chapter, Quote, Scene

    text = 'CHAPTER I\n\n* * *\n\n"Who is there?"\n\n"Nobody, nobody at all," came the answer, "go to sleep."\n\n'
    q1 = text.index("Who")
    q2 = text.index("Nobody")
    q3 = text.index("go to")
    analysis = BookAnalysis(
        book=BookInfo(slug="e", title="E", source_sha256="0" * 64, chars=len(text)),
        chapters=[Chapter(index=1, title="CHAPTER I", start=0, end=len(text))],
        scenes=[Scene(id="1.1", chapter=1, start=0, end=11), Scene(id="1.2", chapter=1, start=11, end=len(text))],
        characters=[], settings=[],
        quotes=[Quote(id="q1", spans=[(q1, q1 + 13)], scene="1.2"),
                Quote(id="q2", spans=[(q2, q2 + 23), (q3, q3 + 11)], speaker="c9", scene="1.2")],
    )
    assert plan(analysis, "1.1", text) == []  # nothing to film: the adaptation cuts the scene
    talk = plan(analysis, "1.2", text)
    assert [q for s in talk for q in s.dialogue] == ["q1", "q2"]
    assert all(s.characters == [] for s in talk)  # an unknown speaker is never put in frame


def test_lenses_come_from_the_film_kit_when_the_bible_names_one(story):
    from filmsofone.bible import CastBible, Style
    from filmsofone.plan.grammar import lens_for

    assert lens_for("CU") == "85mm" and lens_for("WS") == "24mm"
    kit = CastBible(book="story", style=Style(lenses=["25mm Cooke S4", "40mm anamorphic", "75mm macro"]))
    assert lens_for("WS", kit) == "25mm Cooke S4"
    assert lens_for("CU", kit) == "75mm macro"
    analysis, text = story
    assert {s.lens for s in plan(analysis, "1.1", text, bible=kit)} <= set(kit.style.lenses)


def test_a_strong_line_at_high_tension_is_shot_from_below(story):
    analysis, text = story
    shots = plan(analysis, "1.1", text, intent="rage")
    strong = next(s for s in shots if "q4" in s.dialogue)  # "Again? That is the third time this month!"
    assert strong.angle == "low angle"
    assert next(s for s in plan(analysis, "1.1", text, intent="calm") if "q4" in s.dialogue).angle == "eye level"


def test_going_somewhere_else_mid_scene_re_establishes(story):
    from filmsofone.plan.grammar import moves_to

    analysis, text = story
    assert moves_to(analysis, "Ada walked down to the harbour at last.", "s1") == "s2"
    assert moves_to(analysis, "She thought of the harbour.", "s1") is None
    marker = "The wind howled at the shutters"
    moved = text.replace(marker, "Ada ran down to the harbour. The wind howled at the shutters")
    shifted = build_analysis(moved)
    shots = plan(shifted, "1.1", moved)
    at = next(i for i, s in enumerate(shots) if s.notes == "establishing: new place")
    assert shots[at].size == "EWS" and shots[at].action.startswith("The harbour")
    assert all(s.setting == "s2" for s in shots[at:]) and all(s.setting == "s1" for s in shots[:at])


def test_the_peak_of_the_scene_goes_close(story):
    from filmsofone.plan.grammar import scene_peak
    from filmsofone.plan.intent import parse_intent

    assert scene_peak(parse_intent("calm"), 5) is None
    assert scene_peak(parse_intent("from calm to terror"), 5) == 1.0
    analysis, text = story
    rising = plan(analysis, "1.1", text, intent="from calm to terror")
    last_line = [s for s in rising if s.dialogue][-1]
    assert last_line.size in ("CU", "ECU") and last_line.notes == "single: close-up"
    calm = plan(analysis, "1.1", text, intent="calm")
    assert [s for s in calm if s.dialogue][-1].size == "MCU"


def test_a_short_paragraph_about_a_prop_is_an_insert():
    from filmsofone.bible import CastBible, Prop

    text = STORY.replace("The wind howled at the shutters and the lamp flame shivered.",
                         "Tom placed the brass key on the table.")
    analysis = build_analysis(text)
    bible = CastBible(book="story", props=[Prop(id="p1", name="brass key", description="an old brass key")])
    shots = plan(analysis, "1.1", text, bible=bible)
    insert = next(s for s in shots if s.size == "insert")
    assert insert.props == ["brass key"] and insert.characters == [] and insert.notes == "insert: brass key"
    assert insert.lens == "50mm spherical prime"  # the longest lens of the default kit
    assert not any(s.size == "insert" for s in plan(analysis, "1.1", text))
