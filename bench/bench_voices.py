"""Voice casting on real novels: every PDNC novel imported fresh, its bible's voices checked.

    .venv/bin/python bench/bench_voices.py ../shared/corpus/pdnc [--novels DaisyMiller,TheAwakening]

Prints, per novel: characters, major characters, speakers, distinct voices, the most speakers in one
scene, and clashes (two major characters with one voice (engine, voice id, pitch), or two characters
who speak in one scene with one voice; the narrator counts as a speaker everywhere). Exit 1 on a clash.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from filmsofone.bible import load_bible
from filmsofone.bible.voices import voice_clashes
from filmsofone.books import import_book
from filmsofone.workspace import Workspace


def check(novel: Path, root: Path) -> tuple[str, int]:
    ws = Workspace(root / novel.name).ensure()
    started = time.perf_counter()
    analysis = import_book(ws, novel / "novel_text.txt", slug=novel.name.lower())
    bible = load_bible(ws, novel.name.lower())
    voices = {c.id: c.voice for c in bible.characters}
    problems = voice_clashes(analysis, voices, bible.narrator)
    per_scene: dict[str, set[str]] = defaultdict(set)
    for quote in analysis.quotes:
        if quote.speaker and quote.scene:
            per_scene[quote.scene].add(quote.speaker)
    majors = sum(1 for c in analysis.characters if c.role == "major")
    speakers = len({s for ids in per_scene.values() for s in ids})
    line = (f"{novel.name:30s} characters {len(analysis.characters):4d}  major {majors:3d}  speakers {speakers:4d}  "
            f"voices {len({v.key() for v in voices.values()}):4d}  most in a scene "
            f"{max((len(v) for v in per_scene.values()), default=0):3d}  clashes {len(problems):3d}  "
            f"({time.perf_counter() - started:.0f} s)")
    for problem in problems[:5]:
        line += f"\n    {problem}"
    return line, len(problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdnc", type=Path)
    parser.add_argument("--novels", default="", help="comma-separated folder names (default: all)")
    args = parser.parse_args()
    wanted = {n for n in args.novels.split(",") if n}
    novels = sorted(p for p in args.pdnc.iterdir() if (p / "novel_text.txt").is_file()
                    and (not wanted or p.name in wanted))
    clashes = 0
    with tempfile.TemporaryDirectory(prefix="bench-voices-") as tmp:
        for novel in novels:
            line, found = check(novel, Path(tmp))
            clashes += found
            print(line, flush=True)
    print(f"{len(novels)} novel(s), {clashes} clash(es)")
    return 1 if clashes else 0


if __name__ == "__main__":
    sys.exit(main())
