"""Reading books: .txt, .md and .epub files to a `BookText` whose offsets every later stage uses."""

from __future__ import annotations

from .reader import read_book

__all__ = ["read_book"]
