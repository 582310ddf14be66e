"""Score settings against LitBank's place annotations (FAC, GPE, LOC).

    .venv/bin/python bench/eval_litbank.py ../shared/corpus/litbank/entities [--analysis-only]

Each document (tokens, one per line, blank line between sentences) is rebuilt as text, imported through the
normal import path, and its settings (names and aliases) are located in the text again. Printed per document
and overall:

- mention recall: gold FAC/GPE/LOC mentions overlapped by a predicted setting mention;
- mention precision: predicted setting mentions that overlap a gold place mention;
- place recall: distinct gold places (by their last word, lower case) that some setting names.

`--misses` also prints the most frequent missed gold mentions and unmatched predictions (to see why).
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

PLACE_LABELS = {"FAC", "GPE", "LOC"}


def read_document(path: Path) -> tuple[str, list[tuple[int, int, str]]]:
    """The rebuilt text and its gold place mentions (start, end, label) from every nesting layer."""
    sentences: list[list[list[str]]] = [[]]
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            if sentences[-1]:
                sentences.append([])
            continue
        sentences[-1].append(line.split("\t"))
    pieces, offsets, cursor = [], [], 0
    for sentence in sentences:
        for row in sentence:
            offsets.append((cursor, cursor + len(row[0])))
            pieces.append(row[0] + " ")
            cursor += len(row[0]) + 1
        if sentence:
            pieces.append("\n")
            cursor += 1
    text = "".join(pieces)
    rows = [row for sentence in sentences for row in sentence]
    gold = []
    for layer in range(1, max((len(r) for r in rows), default=1)):
        open_span = None
        for i, row in enumerate(rows + [["", "O"] * 4]):
            tag = row[layer] if layer < len(row) else "O"
            if open_span and not tag.startswith("I-"):
                gold.append((offsets[open_span[0]][0], offsets[i - 1][1], open_span[1]))
                open_span = None
            if tag.startswith("B-"):
                open_span = (i, tag[2:])
    return text, [g for g in gold if g[2] in PLACE_LABELS]


def predicted_mentions(text: str, analysis) -> list[tuple[int, int]]:
    spans = []
    for setting in analysis.settings:
        for name in {setting.name, *setting.aliases}:
            bare = re.sub(r"^(?:the|a|an) ", "", name, flags=re.I)
            pattern = re.escape(bare).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]+")
            spans += [m.span() for m in re.finditer(rf"(?<!\w){pattern}(?!\w)", text, re.I)]
    return sorted(set(spans))


def score(path: Path, analysis_only: bool) -> dict:
    from filmsofone.analysis import analyze
    from filmsofone.books import import_book
    from filmsofone.ingest import read_book
    from filmsofone.workspace import Workspace

    text, gold = read_document(path)
    with tempfile.TemporaryDirectory() as tmp:
        book_path = Path(tmp) / f"{path.stem}.txt"
        book_path.write_text(text, encoding="utf-8")
        if analysis_only:
            analysis = analyze(read_book(book_path), slug="doc", title=path.stem)
        else:
            analysis = import_book(Workspace(Path(tmp) / "ws").ensure(), book_path, slug="doc")
    predicted = predicted_mentions(text, analysis)
    overlap = lambda a, b: a[0] < b[1] and b[0] < a[1]  # noqa: E731
    missed = [text[s:e] for s, e, _ in gold if not any(overlap((s, e), p) for p in predicted)]
    wrong = [text[s:e] for s, e in predicted if not any(overlap(g, (s, e)) for g in gold)]
    found = len(gold) - len(missed)
    correct = len(predicted) - len(wrong)
    gold_places = {text[s:e].split()[-1].lower() for s, e, _ in gold}
    named = {w.lower() for st in analysis.settings for n in (st.name, *st.aliases) for w in n.split()[-1:]}
    return {
        "doc": path.stem.replace("_brat", ""),
        "gold": len(gold),
        "recall": found / len(gold) if gold else None,
        "precision": correct / len(predicted) if predicted else None,
        "predicted": len(predicted),
        "found": found,
        "correct": correct,
        "places": len(gold_places),
        "places_found": len(gold_places & named),
        "settings": len(analysis.settings),
        "missed": missed,
        "wrong": wrong,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("entities", type=Path)
    parser.add_argument("--analysis-only", action="store_true", help="read_book + analyze only")
    parser.add_argument("--misses", type=int, default=0, help="print the N most frequent misses and wrong predictions")
    args = parser.parse_args()
    started = time.perf_counter()
    results = [score(p, args.analysis_only) for p in sorted(args.entities.glob("*.tsv"))]
    print(f"{'document':60} {'gold':>5} {'recall':>7} {'prec':>6} {'places':>7} {'found':>6}")
    for r in results:
        rec = f"{r['recall']:.3f}" if r["recall"] is not None else "  -  "
        pre = f"{r['precision']:.3f}" if r["precision"] is not None else "  -  "
        print(f"{r['doc'][:60]:60} {r['gold']:5d} {rec:>7} {pre:>6} {r['places']:7d} {r['places_found']:6d}")
    gold = sum(r["gold"] for r in results)
    predicted = sum(r["predicted"] for r in results)
    places = sum(r["places"] for r in results)
    print("-" * 96)
    print(f"{'OVERALL':60} {gold:5d} {sum(r['found'] for r in results) / max(gold, 1):7.3f} "
          f"{sum(r['correct'] for r in results) / max(predicted, 1):6.3f} {places:7d} "
          f"{sum(r['places_found'] for r in results):6d}")
    if args.misses:
        from collections import Counter

        for label, key in (("missed gold mentions", "missed"), ("predictions matching no gold place", "wrong")):
            counts = Counter(" ".join(m.lower().split()) for r in results for m in r[key])
            print(f"{label}: " + ", ".join(f"{m!r} {n}" for m, n in counts.most_common(args.misses)))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(results)} documents in {time.perf_counter() - started:.1f}s, peak RSS {rss:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
