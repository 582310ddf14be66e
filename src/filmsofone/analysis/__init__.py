"""Book analysis: chapters, scenes, characters and their aliases, quotations and speakers, settings.

The spaCy model is loaded lazily on first use (never at import).
"""

from __future__ import annotations


def analyze(book, *, slug: str, title: str, progress=None, hooks=None):
    """`BookText` -> `BookAnalysis` (see `pipeline.analyze`; `hooks`: `pipeline.AnalysisHooks`)."""
    from .pipeline import analyze as _analyze

    return _analyze(book, slug=slug, title=title, progress=progress, hooks=hooks)


__all__ = ["analyze"]
