"""Scene sizes on the PDNC novels (skipped when ../shared/corpus is absent): every scene is a filmable unit
unless it is its chapter's only scene (a short chapter is still one scene)."""

from __future__ import annotations

import pytest

from filmsofone.analysis.chapters import ChapterSplitter
from filmsofone.analysis.scenes import MIN_SCENE_CHARS, SceneSegmenter
from filmsofone.ingest import read_book

pytestmark = pytest.mark.corpus

NOVELS = ["PrideAndPrejudice", "AlicesAdventuresInWonderland", "TheAwakening", "OliverTwist", "ARoomWithAView"]


@pytest.mark.parametrize("novel", NOVELS)
def test_no_scene_smaller_than_a_filmable_unit(corpus_dir, novel):
    path = corpus_dir / "pdnc" / novel / "novel_text.txt"
    if not path.is_file():
        pytest.skip(f"{novel} not in the corpus")
    book = read_book(path)
    end = book.story_end if book.story_end is not None else len(book.text)
    chapters = ChapterSplitter().split(book.text, book.story_start, end, book.chapter_hints)
    scenes = SceneSegmenter().segment(book.text, chapters)
    per_chapter = {}
    for scene in scenes:
        per_chapter[scene.chapter] = per_chapter.get(scene.chapter, 0) + 1
    small = [s.id for s in scenes if s.end - s.start < MIN_SCENE_CHARS and per_chapter[s.chapter] > 1]
    assert small == []
    for scene in scenes:
        body = book.text[scene.start : scene.end]
        assert not body.startswith(("*", "[Illustration")), scene.id
