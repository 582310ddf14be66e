"""A written story and its analysis built by hand (the adapter is pure), and the imported sample."""

from __future__ import annotations

import re

import pytest

from filmsofone.models import BookAnalysis, BookInfo, Chapter, Character, Quote, Scene, Setting

STORY = """CHAPTER ONE

It is a truth the harbour people all repeat, that a lighthouse keeper never sleeps.

The lighthouse stood on the black rocks above the harbour. Ada Quill climbed the last stairs with the lamp held high. She thought of her brother, and wondered whether he had ever been afraid of the dark. Years before, her father had kept the light alone.

"Tom, are you there?" said Ada.

"Up here," said Tom, "and the glass is cracked again. Don't tell Father \u2014 he'll say it's my fault."

"Again? That is the third time this month!" cried Ada. She set the lamp on the table.

Tom knew that she was frightened, and he felt ashamed of it.

"He said to me, 'Mind the lamp,' and I did," said Tom.

Tom crossed the room and pressed his hand against the cracked pane.

* * *

Morning came grey over the harbour. Ada walked along the quay towards the market, past the nets and the gulls.

She found Mrs. Pell at her stall, weighing fish.

"You look tired, dear," said Mrs. Pell.

"I haven't slept," said Ada. "Did you see anyone near the lighthouse last night?"

Mrs. Pell remembered the boy she had seen, and hoped he was safe.

"Only the Hollis boy," said Mrs. Pell.

CHAPTER TWO

That night the storm broke. Tom stood alone at the window of the lamp room.

"Who's there?" whispered Tom.

A figure in an oilskin coat ran down the steps towards the boats. Tom seized the lantern and followed him.

* * *

The kettle sang on the stove in the kitchen. Ada poured the tea and sat down opposite her brother.

"It was the Hollis boy," said Tom. "I'm sure of it."

"Then we'll go and see his mother in the morning," said Ada.
"""

NAMES = {"Ada": "c1", "Tom": "c2", "Mrs. Pell": "c3"}
SETTINGS = {"1.1": ("s1", True, "night"), "1.2": ("s2", False, "dawn"), "2.1": ("s1", True, "night"),
            "2.2": (None, True, "day")}


def _quotes(text: str, scenes: list[Scene]) -> list[Quote]:
    """Quotations between double quotes; a piece followed by ', said NAME, "' continues in the next piece."""
    pieces = [(m.start(1), m.end(1)) for m in re.finditer(r'"([^"]+)"', text)]
    quotes: list[Quote] = []
    joined = False
    for a, b in pieces:
        after = text[b + 1:b + 40]
        tag = re.match(r"\s*(?:said|cried|whispered) (Mrs\. Pell|Ada|Tom)", after)
        if joined:
            quotes[-1].spans.append((a, b))
        else:
            scene = next(s for s in scenes if s.start <= a < s.end)
            quotes.append(Quote(id=f"q{len(quotes) + 1}", spans=[(a, b)], scene=scene.id))
        if tag and quotes[-1].speaker is None:
            quotes[-1].speaker = NAMES[tag.group(1)]
        joined = bool(re.match(r'\s*said \w+, "', text[b + 1:b + 40]))
    return quotes


def build_story(text: str = STORY) -> BookAnalysis:
    chapters, scenes = [], []
    starts = [m.start() for m in re.finditer(r"^CHAPTER .*$", text, re.M)]
    for n, start in enumerate(starts, 1):
        end = starts[n] if n < len(starts) else len(text)
        chapters.append(Chapter(index=n, title=text[start:text.index("\n", start)], start=start, end=end))
        cuts = [start] + [start + m.end() for m in re.finditer(r"^\* \* \*$", text[start:end], re.M)]
        for k, a in enumerate(cuts):
            b = cuts[k + 1] if k + 1 < len(cuts) else end
            setting, interior, time = SETTINGS[f"{n}.{k + 1}"]
            body = text[a:b]
            present = [cid for name, cid in NAMES.items() if name.split()[-1] in body or name in body]
            scenes.append(Scene(id=f"{n}.{k + 1}", chapter=n, start=a, end=b, setting=setting, interior=interior,
                                time_of_day=time, characters=present))
    characters = [
        Character(id="c1", name="Ada Quill", aliases=["Ada"], gender="female", role="major", mentions=9),
        Character(id="c2", name="Tom Quill", aliases=["Tom"], gender="male", role="major", mentions=8),
        Character(id="c3", name="Mrs. Pell", gender="female", role="minor", mentions=3),
    ]
    settings = [Setting(id="s1", name="the lighthouse", interior=True, mentions=3),
                Setting(id="s2", name="the harbour", interior=False, mentions=3),
                Setting(id="s3", name="the kitchen", interior=True, mentions=1)]
    return BookAnalysis(book=BookInfo(slug="story", title="The Story", source_sha256="0" * 64, chars=len(text)),
                        chapters=chapters, scenes=scenes, characters=characters, settings=settings,
                        quotes=_quotes(text, scenes))


@pytest.fixture
def story() -> tuple[BookAnalysis, str]:
    return build_story(), STORY


SAMPLE = "the-lantern-keepers"
