"""Scene statistics per novel: how many scenes, how small the smallest, and (with --full) how many scenes
lack a setting, an interior/exterior, a time of day or characters.

    .venv/bin/python bench/scene_stats.py [../shared/corpus/pdnc] [--novel NAME ...] [--full] [--smallest N]

Each novel (`<folder>/novel_text.txt`) and the bundled sample novella are read through `ingest.read_book`;
chapters and scenes come from the normal splitter and segmenter. `--full` runs the whole `analyze` (slower)
to count scenes without setting / interior / time of day / characters. `--smallest N` prints the opening of
the N smallest scenes of each book.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def books(corpus: Path | None, only: list[str] | None) -> list[tuple[str, Path]]:
    from filmsofone.demo import sample_book_path

    found = [("the-lantern-keepers (sample)", sample_book_path())]
    if corpus is not None and corpus.is_dir():
        found += [(p.name, p / "novel_text.txt") for p in sorted(corpus.iterdir()) if (p / "novel_text.txt").is_file()]
    if only:
        found = [b for b in found if any(name in b[0] for name in only)]
    return found


def stats(name: str, path: Path, full: bool, smallest: int) -> dict:
    from filmsofone.analysis import analyze
    from filmsofone.analysis.chapters import ChapterSplitter
    from filmsofone.analysis.scenes import SceneSegmenter
    from filmsofone.ingest import read_book

    started = time.perf_counter()
    book = read_book(path)
    text = book.text
    row: dict = {"book": name}
    if full:
        analysis = analyze(book, slug="b", title=name)
        chapters, scenes = analysis.chapters, analysis.scenes
        n = max(len(scenes), 1)
        row["no_setting"] = sum(1 for s in scenes if not s.setting) / n
        row["no_interior"] = sum(1 for s in scenes if s.interior is None) / n
        row["no_time"] = sum(1 for s in scenes if s.time_of_day == "unknown") / n
        row["no_chars"] = sum(1 for s in scenes if not s.characters) / n
    else:
        end = book.story_end if book.story_end is not None else len(text)
        chapters = ChapterSplitter().split(text, book.story_start, end, book.chapter_hints)
        scenes = SceneSegmenter().segment(text, chapters)
    sizes = [s.end - s.start for s in scenes]
    row.update(chapters=len(chapters), scenes=len(scenes), min=min(sizes), median=int(statistics.median(sizes)),
               under=sum(1 for s in sizes if s < 1000), seconds=time.perf_counter() - started)
    for scene in sorted(scenes, key=lambda s: s.end - s.start)[:smallest]:
        opening = " ".join(text[scene.start : scene.start + 70].split())
        print(f"  {name[:20]:20} {scene.id:>7} {scene.end - scene.start:6d}  {opening!r}")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=Path("../shared/corpus/pdnc"))
    parser.add_argument("--novel", action="append", help="only books whose name contains this")
    parser.add_argument("--full", action="store_true", help="run the whole analysis (setting/time/characters)")
    parser.add_argument("--smallest", type=int, default=0, help="print the N smallest scenes of each book")
    args = parser.parse_args()
    rows = [stats(name, path, args.full, args.smallest) for name, path in books(args.corpus, args.novel)]
    header = f"{'book':30} {'chap':>5} {'scenes':>6} {'min':>6} {'median':>7} {'<1000':>6}"
    if args.full:
        header += f" {'noSet':>6} {'noI/E':>6} {'noTime':>6} {'noChar':>6}"
    print(header + f" {'sec':>6}")
    for r in rows:
        line = f"{r['book'][:30]:30} {r['chapters']:5d} {r['scenes']:6d} {r['min']:6d} {r['median']:7d} {r['under']:6d}"
        if args.full:
            line += f" {r['no_setting']:6.2f} {r['no_interior']:6.2f} {r['no_time']:6.2f} {r['no_chars']:6.2f}"
        print(line + f" {r['seconds']:6.1f}")


if __name__ == "__main__":
    main()
