"""The sample book goes through read_book + analyze and yields a valid analysis document."""

from __future__ import annotations

import pytest

from filmsofone.analysis import analyze
from filmsofone.ingest import read_book
from filmsofone.models import BookAnalysis


@pytest.fixture(scope="module")
def sample_analysis(sample_book):
    book = read_book(sample_book)
    return book, analyze(book, slug="the-lantern-keepers", title="The Lantern Keepers")


def test_sample_has_chapters_scenes_characters_quotes(sample_analysis):
    book, analysis = sample_analysis
    assert len(analysis.chapters) >= 3
    assert len(analysis.scenes) >= len(analysis.chapters)
    assert any(c.name == "Ada Quill" for c in analysis.characters)
    assert len(analysis.quotes) > 100
    for quote in analysis.quotes:
        for start, end in quote.spans:
            assert book.text[start - 1] in "\"“‘'" and book.text[start:end].strip()
    BookAnalysis.model_validate_json(analysis.model_dump_json())
