"""Checks the offline adaptation on every PDNC novel and the sample novella, and prints its figures.

    .venv/bin/python bench/adapt_check.py [../shared/corpus/pdnc] [--only NAME ...] [--keep DIR]

Each book is imported into a temporary workspace (the real import path), adapted with the default target
and planned. Per book it prints: the target and the planned film's running time (must be within 10%);
scenes kept; major characters with no kept scene (must be none); action lines holding a speech tag or its
residue (must be none); dialogue lines not verbatim in the book (must be none); the share of action
sentences stating an interior state (word list: `filmsofone.lexicon.INTERIOR_STATE_WORDS`; must be <= 5%);
whether the Fountain export parses with screenplain into one heading per kept scene, each naming the scene's
place; and the time the offline adapter takes on the book (Pride and Prejudice: must be <= 5 s).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from screenplain.parsers import fountain as fountain_parser
from screenplain.types import Slug

from filmsofone import books, project, store
from filmsofone.adapt import adapt, adapt_book, load_choices
from filmsofone.adapt.checks import interior_share, tagged_actions, uncast_majors, unverbatim_lines
from filmsofone.demo import sample_book_path
from filmsofone.plan import plan_book
from filmsofone.project import load_intents
from filmsofone.plan.export import fountain
from filmsofone.workspace import Workspace

DEFAULT_PDNC = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pdnc"


def names_place(heading: str, place: str) -> bool:
    """The heading names the place (letters and digits compared, punctuation and case aside)."""
    def flat(value: str) -> str:
        return " " + " ".join(re.findall(r"\w+", value.upper())) + " "
    return flat(place) in flat(heading)


def check_book(ws: Workspace, path: Path, slug: str, reuse: bool = False) -> dict:
    started = time.perf_counter()
    if not (reuse and ws.project(slug).db_path.is_file()):
        books.import_book(ws, path, slug=slug)
    imported = time.perf_counter() - started
    analysis, text = project.load_analysis(ws, slug), project.load_text(ws, slug)
    timings, cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        adapt_book(analysis, text, load_choices(ws, slug))
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    adaptation = adapt(ws, slug)
    planned = plan_book(ws, slug)
    film = sum(s.duration for shots in planned.values() for s in shots)
    source = fountain(analysis, text, adaptation, load_intents(project.open_project(ws, slug).db_path))
    headings = [str(e.line.to_plain() if hasattr(e.line, "to_plain") else e.line)
                for e in fountain_parser.parse(io.StringIO(source)) if isinstance(e, Slug)]
    kept = [s for s in adaptation.scenes if s.kept]
    placed = [s for s in kept if s.place]
    named = sum(1 for s, h in zip(kept, headings) if s.place and names_place(h, s.place))
    interior, sentences = interior_share(adaptation)
    return {
        "book": slug, "words": len(text.split()), "import_s": imported, "adapt_s": min(timings), "adapt_cpu": min(cpu),
        "target": adaptation.target_seconds, "film": film, "off": abs(film - adaptation.target_seconds) / adaptation.target_seconds,
        "kept": len(kept), "scenes": len(adaptation.scenes), "uncast": uncast_majors(analysis, adaptation),
        "tagged": tagged_actions(adaptation), "unverbatim": unverbatim_lines(analysis, text, adaptation),
        "interior": interior, "sentences": sentences, "headings": len(headings), "placed": len(placed),
        "named": named, "lines": sum(1 for s in kept for b in s.beats if b.kind == "dialogue"),
        "actions": sum(1 for s in kept for b in s.beats if b.kind == "action"),
        "voiceover": sum(1 for s in kept for b in s.beats if b.kind == "voiceover"),
    }


def report(row: dict) -> bool:
    share = row["interior"] / max(row["sentences"], 1)
    ok = (row["off"] <= 0.10 and not row["uncast"] and not row["tagged"] and not row["unverbatim"] and share <= 0.05
          and row["headings"] == row["kept"] and row["named"] == row["placed"])
    print(f"{row['book']:<28} {row['words']:>7} words  target {row['target'] / 60:6.1f} min  film {row['film'] / 60:6.1f} min "
          f"({row['off']:.1%} off)  kept {row['kept']}/{row['scenes']} scenes  "
          f"{row['lines']} lines, {row['actions']} actions, {row['voiceover']} v.o.")
    print(f"{'':<28} majors without a scene: {len(row['uncast'])} {row['uncast'][:5]}  "
          f"tagged/residue actions: {len(row['tagged'])}  unverbatim lines: {len(row['unverbatim'])}  "
          f"interior: {row['interior']}/{row['sentences']} = {share:.1%}")
    print(f"{'':<28} fountain headings {row['headings']} for {row['kept']} kept scenes, "
          f"{row['named']}/{row['placed']} name the scene's place ({row['kept'] - row['placed']} scenes have no known place)  "
          f"adapt {row['adapt_s']:.2f} s wall, {row['adapt_cpu']:.2f} s CPU (import {row['import_s']:.0f} s)  {'OK' if ok else 'FAIL'}")
    for example in (row["tagged"][:3] + row["unverbatim"][:3]):
        print(f"{'':<28}   e.g. {example}")
    sys.stdout.flush()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdnc", nargs="?", type=Path, default=DEFAULT_PDNC)
    parser.add_argument("--only", nargs="*", help="Folder names of the novels to check (default: all, and the sample).")
    parser.add_argument("--keep", type=Path, help="Keep the workspace here instead of a temporary folder.")
    parser.add_argument("--reuse", action="store_true", help="With --keep: books already imported there are not imported again.")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="adapt-check-"))
    ws = Workspace(root).ensure()
    jobs = [] if args.only else [("the-lantern-keepers", sample_book_path())]
    for folder in sorted(p for p in args.pdnc.glob("*") if (p / "novel_text.txt").is_file()):
        if not args.only or folder.name in args.only:
            jobs.append((folder.name.lower(), folder / "novel_text.txt"))
    results = []
    try:
        for slug, path in jobs:
            book = ws.books_dir / f"{slug}.txt"
            shutil.copyfile(path, book)
            results.append(report(check_book(ws, book, slug, args.reuse)))
            store.forget_engine(ws.project(slug).db_path)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{sum(results)}/{len(results)} books pass every check (load average {load:.1f} on {os.cpu_count()} cores)")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
