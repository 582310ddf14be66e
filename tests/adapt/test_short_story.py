"""A short story's default running time: a minute for each scene at least, and a scene of every chapter
kept (a story of a few thousand words used to get two minutes and lose most of its chapters)."""

from __future__ import annotations

from filmsofone.adapt import adapt_book, default_target_seconds

from analysis.stories import analyze_story

TALK = [
    '"Is the ferry late again, Osric?" asked Nell Marden.',
    '"Late and leaking," said Osric Pellow. "The ropes are rotten through."',
    '"Then we mend them before the tide," said Nell Marden.',
    '"With what, Nell? The chandler wants coin we have not got."',
    '"With the old sail in the loft," said Nell Marden. "Fetch it down."',
    'Osric Pellow climbed the ladder and threw the sail down onto the boards.',
]


def _story() -> str:
    one = "\n\n".join(TALK * 8)
    two = ("The lamp burned low in the loft. Nell Marden counted the coins twice and put them back in the tin "
           "box under the boards, where the damp had rusted the hinges.\n\n\"Nine,\" said Nell Marden. \"Nine, "
           "and the chandler wants twelve.\"\n\nThe wind rattled the shutters all night.")
    three = "\n\n".join(TALK[:3] * 3)
    return (f"CHAPTER I.\n\n{one}\n\n* * *\n\n{one}\n\n* * *\n\n{one}\n\nCHAPTER II.\n\n{two}\n\nCHAPTER III.\n\n{three}\n\n"
            "* * *\n\n" + three + "\n")


def test_a_short_story_gets_a_minute_a_scene_and_keeps_every_chapter():
    text = _story()
    analysis = analyze_story(text, "ferry")
    adaptation = adapt_book(analysis, text)
    filmable = [s for s in adapt_book(analysis, text).scenes if s.weight > 0]
    assert adaptation.target_seconds == round(min(adaptation.full_seconds, 60 * len(filmable)), 1)
    kept_chapters = {analysis.scenes[i].chapter for i, s in enumerate(adaptation.scenes) if s.kept}
    assert kept_chapters == {c.index for c in analysis.chapters} == {1, 2, 3}
    assert len(adaptation.kept_ids()) < len(adaptation.scenes)  # still an adaptation, not the whole story


def test_the_minute_a_scene_is_for_short_stories_only():
    assert default_target_seconds(3_000, scenes=6) == 360
    assert default_target_seconds(3_000, full_seconds=300, scenes=6) == 300  # never longer than the whole
    assert default_target_seconds(3_000) == 60 * max(1, 100 * (3_000 / 40_000) ** 1.5)
    assert default_target_seconds(122_000, scenes=400) == default_target_seconds(122_000)
    assert default_target_seconds(20_000, scenes=100) == default_target_seconds(20_000)
