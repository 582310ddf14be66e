"""Import speed and memory, against bare `en_core_web_sm` tagging of the same text in the same run.

    .venv/bin/python bench/bench_import.py BOOK [--analysis-only]
    .venv/bin/python bench/bench_import.py --generate-mb 50 [--corpus ../shared/corpus/pdnc] [--no-tagging]

Prints, for the import (`books.import_book` into a temporary workspace): each stage as it starts (wall seconds,
CPU seconds of this process and its finished workers, peak RSS so far, on stderr), then wall time, CPU time (this process and its worker processes) and peak RSS; then the same for running the whole English pipeline over the same text
(`nlp.pipe` over its paragraphs, one process), and the ratio of the two wall times. Each measurement runs in
a fresh child process so that neither benefits from the other's loaded model or warm caches.

`--generate-mb N` builds an N MB omnibus in a temporary folder (never in the repository): the corpus novels
one after another, each under a "BOOK n" heading, cycled until the size is reached; without the corpus, a
generated text of chapters of plain narration and dialogue. Bare tagging is skipped for it (`--no-tagging`
is implied above 5 MB), since tagging 50 MB would only repeat what the import shows.
"""

from __future__ import annotations

import argparse
import json
import random
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
    stages: list[tuple[str, float, float, float]] = []  # (label, wall s since start, CPU s, peak RSS MB so far)

    def progress(label: str, done: int, total: int) -> None:
        if not stages or stages[-1][0] != label:
            stages.append((label, time.perf_counter() - started, _cpu_seconds(), _peak_rss_kb() / 1024))
            print(f"{stages[-1][1]:8.1f} s  {stages[-1][2]:6.1f} s CPU  {stages[-1][3]:6.0f} MB  {label}",
                  file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        if analysis_only:
            analyze(read_book(book, progress=progress), slug="bench", title="bench", progress=progress)
        else:
            import_book(Workspace(Path(tmp)).ensure(), book, slug="bench", progress=progress)
    return {**_figures(started), "stages": stages}


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


def _cpu_seconds() -> float:
    """CPU time of this process and of its worker processes that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _figures(started: float) -> dict:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_kb = _peak_rss_kb()
    return {
        "wall": time.perf_counter() - started,
        "cpu": _cpu_seconds(),
        "rss_mb": (own_kb + children.ru_maxrss) / 1024,  # upper bound: the two peaks may not coincide
        "max_rss_mb": max(own_kb, children.ru_maxrss) / 1024,
    }


def _peak_rss_kb() -> int:
    """This process's own peak RSS: VmHWM (ru_maxrss keeps the parent's peak across fork + exec on Linux)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(mode: str, book: Path, analysis_only: bool) -> dict:
    command = [sys.executable, __file__, str(book), "--child", mode] + (["--analysis-only"] if analysis_only else [])
    out = subprocess.run(command, stdout=subprocess.PIPE, stderr=None if mode == "import" else subprocess.PIPE, text=True)
    if out.returncode:
        raise SystemExit((out.stderr or "")[-2000:] or f"the {mode} child failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def generate_omnibus(path: Path, megabytes: float, corpus: Path | None) -> Path:
    """Write an omnibus of about `megabytes` MB (UTF-8) at `path`: corpus novels cycled, else generated text."""
    target = int(megabytes * 2**20)
    novels = sorted(corpus.glob("*/novel_text.txt")) if corpus and corpus.is_dir() else []
    written, book = 0, 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            book += 1
            body = novels[(book - 1) % len(novels)].read_text(encoding="utf-8") if novels else _generated_novel(book)
            piece = f"BOOK {book}\n\n\n{body.strip()}\n\n\n"
            out.write(piece[: target - written + 1] if written + len(piece) > target else piece)
            written += len(piece.encode("utf-8"))
    return path


_NAMES = ["Anna Verlaine", "Tomas Reed", "Mrs. Holt", "Mr. Pell", "Clara", "Jonah", "Miss Ashby", "Dr. Quayle"]
_PLACES = ["the harbour", "the library", "the garden", "Lisbury", "the station", "the kitchen"]


def _generated_novel(seed: int, chapters: int = 40) -> str:
    rng = random.Random(seed)
    out = []
    for number in range(1, chapters + 1):
        out.append(f"CHAPTER {number}.\n")
        for _ in range(60):
            a, b = rng.sample(_NAMES, 2)
            place = rng.choice(_PLACES)
            out.append(f"{a} walked to {place} with {b} and looked at the grey sky for a long while, "
                       f"thinking of the winter that had passed.")
            out.append(f"\u201cWe cannot stay here,\u201d said {a}. \u201cNot after what happened at {place}.\u201d")
            out.append(f"\u201cThen we go tonight,\u201d {b} replied, and turned away.")
    return "\n\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("book", type=Path, nargs="?")
    parser.add_argument("--analysis-only", action="store_true", help="read_book + analyze, without storing")
    parser.add_argument("--generate-mb", type=float, help="import a generated omnibus of this many MB instead")
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared/corpus/pdnc",
                        help="novels to build the omnibus from (default ../shared/corpus/pdnc)")
    parser.add_argument("--no-tagging", action="store_true", help="skip the bare en_core_web_sm comparison")
    parser.add_argument("--child", choices=["import", "tagging"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_mb:
        with tempfile.TemporaryDirectory() as tmp:
            args.book = generate_omnibus(Path(tmp) / f"omnibus-{args.generate_mb:g}mb.txt", args.generate_mb, args.corpus)
            report(args, tagging=not args.no_tagging and args.generate_mb <= 5)
        return
    if args.book is None:
        parser.error("give a BOOK or --generate-mb N")
    report(args, tagging=not args.no_tagging)


def report(args, *, tagging: bool) -> None:
    if args.child == "import":
        print(json.dumps(measure_import(args.book, args.analysis_only)))
        return
    if args.child == "tagging":
        print(json.dumps(measure_tagging(args.book)))
        return
    with args.book.open(encoding="utf-8", errors="replace") as lines:
        words = sum(len(line.split()) for line in lines)  # line by line: the parent stays small (see _peak_rss_kb)
    size_mb = args.book.stat().st_size / 2**20
    imported = _child("import", args.book, args.analysis_only)
    print(f"book: {args.book.name} ({words} words, {size_mb:.1f} MB)")
    figures = [("import", imported)]
    if tagging:
        figures.append(("bare en_core_web_sm", _child("tagging", args.book, args.analysis_only)))
    for label, fig in figures:
        print(f"{label:22} wall {fig['wall']:6.1f} s   CPU {fig['cpu']:6.1f} s   peak RSS {fig['rss_mb']:6.0f} MB"
              f"  (largest process {fig.get('max_rss_mb', fig['rss_mb']):.0f} MB)")
    if tagging:
        print(f"import / bare tagging wall time: {imported['wall'] / figures[1][1]['wall']:.2f}")
    print(f"import words per wall second: {words / imported['wall']:.0f}")


if __name__ == "__main__":
    main()
