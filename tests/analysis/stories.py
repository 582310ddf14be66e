"""Helpers for tests that analyse a short story written in the test."""

from __future__ import annotations

import hashlib

from filmsofone.analysis import analyze
from filmsofone.models import BookAnalysis, BookText


def analyze_story(text: str, slug: str = "story", progress=None) -> BookAnalysis:
    """The analysis of `text`, as the import would make it."""
    book = BookText(text=text, source_sha256=hashlib.sha256(text.encode()).hexdigest())
    return analyze(book, slug=slug, title=slug.title(), progress=progress)


def speaker_of(analysis: BookAnalysis, text: str, words: str) -> str | None:
    """The name of the character who says the quotation of `text` that opens with `words`."""
    for quote in analysis.quotes:
        start, end = quote.spans[0]
        if text[start:end].startswith(words):
            return analysis.character(quote.speaker).name if quote.speaker else None
    raise AssertionError(words)
