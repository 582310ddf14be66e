"""A small hand-made book and its analysis, stored like an import would store it."""

from __future__ import annotations

import hashlib

import pytest

from filmsofone import store
from filmsofone.cli import main
from filmsofone.models import BookAnalysis, BookInfo, Chapter, Character, Quote, QuoteTag, Scene, Setting
from filmsofone.workspace import Workspace

TEXT = """CHAPTER I.

Ada Quill was a tall, dark young woman with short grey hair. She walked down to the boathouse at night.
"We must go," said Ada. "The lamps are out."
Tom Quill, a stout little man with a red beard, followed her. "I know," said Tom.

CHAPTER II.

In the morning Mr. Quill stood in the garden. His old coat was torn. "Where is she?" said Mr. Quill.
"Here," said Ada Quill, smiling, her grey eyes bright.
"""


def _span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def _tag(text: str, phrase: str, who: str) -> QuoteTag | None:
    """The speech tag `phrase` ("said Ada.") as the analysis records it (None in a text without it)."""
    if phrase not in text:
        return None
    start = text.index(phrase)
    subject = text.index(who, start)
    return QuoteTag(span=(start, subject + len(who)), verb="said", who=who, who_span=(subject, subject + len(who)),
                    kind="name")


def make_analysis(slug: str = "quills", text: str = TEXT) -> BookAnalysis:
    ch2 = text.index("CHAPTER II.")
    return BookAnalysis(
        book=BookInfo(slug=slug, title="The Quills", source_sha256=hashlib.sha256(text.encode()).hexdigest(),
                      chars=len(text)),
        chapters=[Chapter(index=1, title="CHAPTER I.", start=0, end=ch2),
                  Chapter(index=2, title="CHAPTER II.", start=ch2, end=len(text))],
        scenes=[Scene(id="1.1", chapter=1, start=0, end=ch2, setting="s1", interior=True, time_of_day="night",
                      characters=["c1", "c2"]),
                Scene(id="2.1", chapter=2, start=ch2, end=len(text), setting="s2", interior=False,
                      time_of_day="day", characters=["c1", "c3"])],
        characters=[Character(id="c1", name="Ada Quill", aliases=["Ada"], gender="female", role="major", mentions=3),
                    Character(id="c2", name="Tom Quill", aliases=["Tom"], gender="male", role="intermediate",
                              mentions=2),
                    Character(id="c3", name="Mr. Quill", aliases=[], gender="male", role="minor", mentions=2)],
        settings=[Setting(id="s1", name="the boathouse", interior=None, mentions=1),
                  Setting(id="s2", name="the garden", interior=None, mentions=1)],
        quotes=[Quote(id="q1", spans=[_span(text, "We must go,"), _span(text, "The lamps are out.")], speaker="c1",
                      scene="1.1", tag=_tag(text, "said Ada.", "Ada"), method="explicit", confidence=0.95),
                Quote(id="q2", spans=[_span(text, "I know,")], speaker="c2", scene="1.1",
                      tag=_tag(text, "said Tom.", "Tom"), method="explicit", confidence=0.95),
                Quote(id="q3", spans=[_span(text, "Where is she?")], speaker="c3", scene="2.1",
                      tag=_tag(text, "said Mr. Quill", "Mr. Quill"), method="explicit", confidence=0.95),
                Quote(id="q4", spans=[_span(text, "Here,")], speaker="c1", scene="2.1",
                      tag=_tag(text, "said Ada Quill", "Ada Quill"), method="explicit", confidence=0.95)],
    )


def store_book(ws: Workspace, slug: str = "quills", text: str = TEXT) -> BookAnalysis:
    """Store the analysis and text as `filmsofone import` would (without the bible)."""
    analysis = make_analysis(slug, text)
    project = ws.project(slug).ensure()
    project.text_path.write_text(text, encoding="utf-8")
    store.save_analysis(project.db_path, analysis, source_path="quills.txt")
    return analysis


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """`filmsofone ARGV`: its exit status, stdout and stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err
