"""One `paragraphs()`: blank-line paragraphs, or lines in a book without blank lines, chosen once per book so
that the planner's beats see the paragraphs the analysis saw."""

from __future__ import annotations

from filmsofone.analysis.text import lines_are_paragraphs, paragraphs
from filmsofone.models import BookAnalysis, BookInfo, Chapter, Scene
from filmsofone.plan.beats import cut_beats

LINE = '"I shall go down to the harbour before the tide turns," said Ada, and she took up the lantern.'
NARRATION = "The wind came off the sea and rattled the shutters of the little house all night long, and nobody slept."


def _no_blank_lines(n: int = 300) -> str:
    """A book that marks each paragraph by a line break only (as some EPUB conversions and plain texts do)."""
    return "\n".join(LINE if i % 3 == 0 else NARRATION for i in range(n)) + "\n"


def test_a_book_without_blank_lines_has_a_paragraph_per_line():
    text = _no_blank_lines()
    assert lines_are_paragraphs(text)
    found = paragraphs(text)
    assert len(found) == 300
    assert all("\n" not in text[p.start : p.end] and text[p.start : p.end].strip() == text[p.start : p.end] for p in found)


def test_a_scene_of_such_a_book_is_cut_the_same_way_as_the_whole_book():
    text = _no_blank_lines()
    whole = paragraphs(text)
    start, end = whole[10].start, whole[20].end  # a short scene: too short to tell the book's style by itself
    assert [(p.start, p.end) for p in paragraphs(text, start, end)] == [(p.start, p.end) for p in whole[10:21]]


def test_blank_line_paragraphs_keep_their_hard_wrapped_lines_together():
    body = "\n\n".join(f"{NARRATION}\n{NARRATION}\n   {LINE}" for _ in range(120))
    assert not lines_are_paragraphs(body)
    found = paragraphs(body)
    assert len(found) == 120
    assert body[found[0].start : found[0].end].count("\n") == 2


def test_paragraphs_are_trimmed_on_both_sides():
    text = "   Indented first line\nand its second line.   \n\n\t  Another one.\n"
    assert [text[p.start : p.end] for p in paragraphs(text)] == ["Indented first line\nand its second line.", "Another one."]


def test_a_short_text_without_blank_lines_is_one_paragraph():
    text = f"{NARRATION}\n{NARRATION}\n{NARRATION}\n"
    assert not lines_are_paragraphs(text)
    assert len(paragraphs(text)) == 1


def test_the_planners_beats_follow_the_books_lines():
    text = _no_blank_lines(300)
    lines = paragraphs(text)
    scene = Scene(id="1.1", chapter=1, start=lines[3].start, end=lines[8].end)
    analysis = BookAnalysis(
        book=BookInfo(slug="b", title="B", source_sha256="0", chars=len(text)),
        chapters=[Chapter(index=1, title="One", start=0, end=len(text))],
        scenes=[scene], characters=[], settings=[], quotes=[],
    )
    beats = cut_beats(analysis, scene, text)
    assert [(b.start, b.end) for b in beats] == [(p.start, p.end) for p in lines[3:9]]
