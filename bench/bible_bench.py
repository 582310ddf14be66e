"""Cast bible figures on the PDNC novels (run by hand): hints found, file size, seed/parse/merge times.

    .venv/bin/python bench/bible_bench.py [NOVEL ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from filmsofone import bible
from filmsofone.analysis import analyze
from filmsofone.bible.hints import find_hints
from filmsofone.bible.yamlio import read_document
from filmsofone.ingest import read_book
from filmsofone.workspace import Workspace

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pdnc"


def bench(novel: str) -> None:
    book = read_book(CORPUS / novel / "novel_text.txt")
    analysis = analyze(book, slug="bench", title=novel)
    ws = Workspace(Path(tempfile.mkdtemp(prefix="bible-bench-"))).ensure()
    started = time.perf_counter()
    hints = find_hints(book.text, analysis.characters)
    hints_s = time.perf_counter() - started
    started = time.perf_counter()
    path = bible.seed_bible(ws, "bench", analysis, book.text)
    seed_s = time.perf_counter() - started
    started = time.perf_counter()
    read_document(path)
    parse_s = time.perf_counter() - started
    started = time.perf_counter()
    bible.seed_bible(ws, "bench", analysis, book.text)  # a re-import: three-way merge
    merge_s = time.perf_counter() - started
    with_hints = sum(1 for found in hints.values() if found)
    described = sum(1 for s in bible.load_bible(ws, "bench").settings if s.description)
    print(f"{novel:32} chars={len(analysis.characters):3} with_hints={with_hints:3} "
          f"hints={sum(map(len, hints.values())):4} settings={len(analysis.settings):3} described={described:3} lines={len(path.read_text().splitlines()):6} "
          f"hints_s={hints_s:.3f} seed_s={seed_s:.2f} parse_s={parse_s:.2f} reimport_s={merge_s:.2f}")


if __name__ == "__main__":
    for name in sys.argv[1:] or sorted(p.name for p in CORPUS.iterdir() if p.is_dir()):
        bench(name)
