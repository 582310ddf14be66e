"""Benchmark: plan a whole novel and render every prompt (run by hand; prints figures).

    .venv/bin/python bench/bench_plan.py [NOVEL.txt] [--gold PDNC_FOLDER] [--backend animatic --backend luma]

By default the novel is Pride and Prejudice from ../shared/corpus/pdnc, imported through the real import
path into a temporary workspace (the import is timed separately). With `--gold FOLDER` the analysis is
PDNC's gold annotation instead (no spaCy), stored the same way.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = REPO.parent / "shared" / "corpus" / "pdnc" / "PrideAndPrejudice"


def _gold_workspace(ws, folder: Path, slug: str) -> None:
    sys.path.insert(0, str(REPO / "tests"))
    from plan.test_corpus import gold_analysis

    from filmsofone import store
    from filmsofone.bible import seed_bible

    analysis, text = gold_analysis(folder)
    analysis = analysis.model_copy(update={"book": analysis.book.model_copy(update={"slug": slug})})
    project = ws.project(slug).ensure()
    project.text_path.write_text(text, encoding="utf-8")
    store.save_analysis(project.db_path, analysis, source_path=str(folder / "novel_text.txt"))
    seed_bible(ws, slug, analysis, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("novel", nargs="?", type=Path, help="a .txt novel (default: Pride and Prejudice)")
    parser.add_argument("--gold", type=Path, help="a PDNC folder: use its gold annotation as the analysis")
    parser.add_argument("--backend", action="append", help="render prompts for this backend (repeatable)")
    args = parser.parse_args()
    backends = args.backend or ["animatic", "luma"]

    from filmsofone import books, project, store
    from filmsofone.plan import plan_book
    from filmsofone.prompts import render_prompts
    from filmsofone.workspace import Workspace

    root = Path(tempfile.mkdtemp(prefix="bench-plan-"))
    try:
        ws = Workspace(root).ensure()
        slug = "novel"
        started = time.perf_counter()
        if args.gold:
            _gold_workspace(ws, args.gold, slug)
            source = f"gold annotation of {args.gold.name}"
        else:
            novel = args.novel or DEFAULT_FOLDER / "novel_text.txt"
            if not novel.is_file():
                sys.exit(f"no novel at {novel}")
            book = ws.books_dir / "novel.txt"
            shutil.copyfile(novel, book)
            books.import_book(ws, book, slug=slug)
            source = f"{novel} through the import path"
        prepared = time.perf_counter() - started
        analysis = project.load_analysis(ws, slug)
        words = len(project.load_text(ws, slug).split())

        started, cpu = time.perf_counter(), time.process_time()
        planned = plan_book(ws, slug)
        plan_seconds, plan_cpu = time.perf_counter() - started, time.process_time() - cpu
        shots = store.load_shots(ws.project(slug).db_path)
        film = sum(s.duration for s in shots)

        print(f"novel: {source}")
        print(f"  {words:,} words, {len(analysis.scenes)} scenes, {len(analysis.quotes):,} quotations "
              f"(prepared in {prepared:.1f} s)")
        print(f"plan_book: {len(shots):,} shots in {plan_seconds:.2f} s wall, {plan_cpu:.2f} s CPU "
              f"({len(shots) / plan_seconds:,.0f} shots/s; {film / 3600:.1f} h of film; "
              f"{len(shots) / max(len(planned), 1):.0f} shots per scene on average)")
        for backend in backends:
            started, cpu = time.perf_counter(), time.process_time()
            prompts = render_prompts(ws, slug, shots, backend=backend)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            lengths = [len(p.prompt) for p in prompts]
            print(f"render_prompts[{backend}]: {len(prompts):,} prompts in {seconds:.2f} s wall, {cpu:.2f} s CPU "
                  f"({len(prompts) / seconds:,.0f}/s; length median {statistics.median(lengths):.0f}, "
                  f"max {max(lengths)} chars)")
    finally:
        store.forget_engine(ws.project("novel").db_path)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
