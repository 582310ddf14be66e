"""A small hand-written story and its analysis, built directly (the planner is pure)."""

from __future__ import annotations

import re

import pytest

from filmsofone.models import BookAnalysis, BookInfo, Chapter, Character, Quote, QuoteTag, Scene, Setting

STORY = """CHAPTER ONE

The lighthouse stood on the black rocks above the harbour. Wind pulled at the shutters.

Ada Quill climbed the last stairs with the lamp held high.

"Tom, are you there?" said Ada.

"Up here," said Tom. "The glass is cracked again."

"Again? That is the third time this month!" cried Ada.

The wind howled at the shutters and the lamp flame shivered.

"Someone is doing it on purpose," said Tom.

"Then we will find out who," said Ada.

* * *

Morning came grey over the harbour. Ada walked along the quay towards the market, past the nets and the gulls.

She found Mrs. Pell at her stall, weighing fish.

"You look tired, dear," said Mrs. Pell.

"I have not slept," said Ada. "Did you see anyone near the lighthouse last night?"

"Only the Hollis boy," said Mrs. Pell.

CHAPTER TWO

That night the storm broke. Tom stood alone at the window of the lamp room, and his heart hammered with fear as the glass trembled.
"""

SPEAKERS = {"Ada": "c1", "Tom": "c2", "Mrs. Pell": "c3"}


def _tag(text: str, after: int) -> QuoteTag | None:
    """The tag right after a quotation ("said Ada"), as the analysis records it."""
    names = "|".join(re.escape(name) for name in SPEAKERS)
    match = re.compile(rf"\s*(said|cried) ({names})").match(text, after)
    if match is None:
        return None
    return QuoteTag(span=(match.start(1), match.end(2)), verb=match.group(1), who=match.group(2),
                    who_span=match.span(2), kind="name")


def build_analysis(text: str = STORY) -> BookAnalysis:
    """Chapters at 'CHAPTER' lines, scenes at '* * *', quotations between double quotes, speakers from tags."""
    chapters, scenes = [], []
    starts = [m.start() for m in re.finditer(r"^CHAPTER .*$", text, re.M)]
    for n, start in enumerate(starts, 1):
        end = starts[n] if n < len(starts) else len(text)
        title = text[start:text.index("\n", start)]
        chapters.append(Chapter(index=n, title=title, start=start, end=end))
        cuts = [start] + [m.end() for m in re.finditer(r"^\* \* \*$", text[start:end], re.M)]
        cuts = [start] + [start + m.end() for m in re.finditer(r"^\* \* \*$", text[start:end], re.M)]
        for k, a in enumerate(cuts):
            b = cuts[k + 1] if k + 1 < len(cuts) else end
            scenes.append(Scene(id=f"{n}.{k + 1}", chapter=n, start=a, end=b))
    settings = {"1.1": ("s1", True, "night"), "1.2": ("s2", False, "dawn"), "2.1": ("s1", True, "night")}
    for s in scenes:
        sid, interior, tod = settings[s.id]
        s.setting, s.interior, s.time_of_day = sid, interior, tod
    quotes = []
    for m in re.finditer(r'"([^"]+)"', text):
        tag = _tag(text, m.end())
        speaker = SPEAKERS[tag.who] if tag else None
        scene = next(s for s in scenes if s.start <= m.start() < s.end)
        if speaker is None and quotes and quotes[-1].scene == scene.id and text[quotes[-1].spans[0][1] + 1: m.start()].count("\n") == 0:
            speaker = quotes[-1].speaker
        quotes.append(Quote(id=f"q{len(quotes) + 1}", spans=[(m.start(1), m.end(1))], speaker=speaker, scene=scene.id,
                            tag=tag, method="explicit" if tag else "continued", confidence=0.9 if tag else 0.7))
    # merge 'said Tom. "..."' continuation into the same speaker (already handled above)
    for s in scenes:
        body = text[s.start:s.end]
        s.characters = [cid for name, cid in SPEAKERS.items() if name.split()[-1] in body]
    characters = [
        Character(id="c1", name="Ada Quill", aliases=["Ada"], gender="female", role="major", mentions=9),
        Character(id="c2", name="Tom Quill", aliases=["Tom"], gender="male", role="major", mentions=6),
        Character(id="c3", name="Mrs. Pell", aliases=[], gender="female", role="minor", mentions=2),
    ]
    setting_list = [Setting(id="s1", name="the lighthouse", interior=True, mentions=2),
                    Setting(id="s2", name="the harbour", interior=False, mentions=2)]
    return BookAnalysis(book=BookInfo(slug="story", title="The Story", source_sha256="0" * 64, chars=len(text)),
                        chapters=chapters, scenes=scenes, characters=characters, settings=setting_list, quotes=quotes)


@pytest.fixture
def story() -> tuple[BookAnalysis, str]:
    return build_analysis(), STORY


def whole(analysis: BookAnalysis, text: str):
    """The book adapted whole (a running time longer than all its material: every filmable beat is kept)."""
    from filmsofone.adapt import Choices, adapt_book

    return adapt_book(analysis, text, Choices(runtime_seconds=10**7))


def plan(analysis: BookAnalysis, scene_id: str, text: str, **options):
    """`plan_scene` on the scene as the whole-book adaptation writes it (the planner shoots adapted scenes)."""
    from filmsofone.plan import plan_scene

    return plan_scene(analysis, whole(analysis, text).scene(scene_id), **options)


SAMPLE = "the-lantern-keepers"


@pytest.fixture(scope="session")
def _planned_sample(_imported_sample, tmp_path_factory):
    """The imported sample with every scene planned once."""
    import shutil

    from filmsofone import store
    from filmsofone.plan import plan_book
    from filmsofone.workspace import Workspace

    root = tmp_path_factory.mktemp("planned") / "ws"
    shutil.copytree(_imported_sample, root)
    ws = Workspace(root)
    plan_book(ws, SAMPLE)
    store.forget_engine(ws.project(SAMPLE).db_path)
    return root


@pytest.fixture
def planned_ws(_planned_sample, tmp_path):
    """A fresh workspace holding the imported and planned sample."""
    import shutil

    from filmsofone.workspace import Workspace

    root = tmp_path / "planned-ws"
    shutil.copytree(_planned_sample, root)
    return Workspace(root)
