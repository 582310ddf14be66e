"""Import speed and memory, against bare `en_core_web_sm` tagging of the same text in the same run.

    .venv/bin/python bench/bench_import.py BOOK [--analysis-only]

Prints, for the import (`books.import_book` into a temporary workspace): wall time, CPU time (this process and
its worker processes) and peak RSS; then the same for running the whole English pipeline over the same text
(`nlp.pipe` over its paragraphs, one process), and the ratio of the two wall times. Each measurement runs in
a fresh child process so that neither benefits from the other's loaded model or warm caches.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure_import(book: Path, analysis_only: bool) -> dict:
    from filmsofone.analysis import analyze
    from filmsofone.books import import_book
    from filmsofone.ingest import read_book
    from filmsofone.workspace import Workspace

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if analysis_only:
            analyze(read_book(book), slug="bench", title="bench")
        else:
            import_book(Workspace(Path(tmp)).ensure(), book, slug="bench")
    return _figures(started)


def measure_tagging(book: Path) -> dict:
    import spacy

    from filmsofone.analysis.nlp import MODEL_NAMES
    from filmsofone.ingest import read_book

    started = time.perf_counter()
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name)
            break
        except OSError:
            continue
    text = read_book(book).text
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    for _ in nlp.pipe(paragraphs, batch_size=64):
        pass
    return _figures(started)


def _figures(started: float) -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall": time.perf_counter() - started,
        "cpu": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        "rss_mb": (own.ru_maxrss + children.ru_maxrss) / 1024,
    }


def _child(mode: str, book: Path, analysis_only: bool) -> dict:
    command = [sys.executable, __file__, str(book), "--child", mode] + (["--analysis-only"] if analysis_only else [])
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("--analysis-only", action="store_true", help="read_book + analyze, without storing")
    parser.add_argument("--child", choices=["import", "tagging"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "import":
        print(json.dumps(measure_import(args.book, args.analysis_only)))
        return
    if args.child == "tagging":
        print(json.dumps(measure_tagging(args.book)))
        return
    words = len(args.book.read_text(encoding="utf-8", errors="replace").split())
    imported = _child("import", args.book, args.analysis_only)
    tagged = _child("tagging", args.book, args.analysis_only)
    print(f"book: {args.book.name} ({words} words)")
    for label, fig in (("import", imported), ("bare en_core_web_sm", tagged)):
        print(f"{label:22} wall {fig['wall']:6.1f} s   CPU {fig['cpu']:6.1f} s   peak RSS {fig['rss_mb']:6.0f} MB")
    print(f"import / bare tagging wall time: {imported['wall'] / tagged['wall']:.2f}")
    print(f"import words per wall second: {words / imported['wall']:.0f}")


if __name__ == "__main__":
    main()
