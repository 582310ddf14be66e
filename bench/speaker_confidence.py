"""How well the per-quotation confidence and method of the analysis predict a right speaker, on PDNC, end to end.

    .venv/bin/python bench/speaker_confidence.py ../shared/corpus/pdnc [--weights-dir DIR] [--novel NAME ...]

Each novel is analysed as `eval_pdnc.py --analysis-only` does (in its own process; with `--weights-dir`, the
speaker weights fitted without it, from `train_speakers.py --lono-dir`, for honest figures). Every gold
quotation found by the analysis is scored as `eval_pdnc.py` scores it (the predicted speaker's cluster maps to the
gold speaker) and counted under its `method` and its `confidence` bucket. Printed: accuracy by method, and by
confidence bucket with the mean confidence there: a calibrated confidence has accuracy close to its mean, and
lower buckets are more often wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import eval_pdnc  # noqa: E402

BUCKETS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01)


def scored_quotes(novel: Path, weights_dir: Path | None) -> list[tuple[str, float, bool]]:
    """(method, confidence, right) of each gold quotation the analysis found."""
    analysis = eval_pdnc.run_import(novel, True, weights_dir)["analysis"]
    gold, gold_quotes = eval_pdnc.load_gold(novel)
    owner = eval_pdnc.unique_names(gold)
    to_gold = eval_pdnc.gold_of_clusters(analysis["characters"], owner)
    spans = eval_pdnc.QuoteSpans(analysis["quotes"])
    found = []
    for q in gold_quotes:
        speaker = eval_pdnc.gold_character(q["speaker"], gold, owner)
        predicted = spans.overlapping(q["spans"])
        if predicted is not None:
            found.append((predicted["method"], predicted["confidence"], to_gold.get(predicted["speaker"]) == speaker))
    return found


def print_tables(scored: list[tuple[str, float, bool]]) -> None:
    by_method = defaultdict(list)
    for method, _, right in scored:
        by_method[method].append(right)
    print(f"{'method':12} {'quotes':>7} {'right':>6}")
    for method, rights in sorted(by_method.items(), key=lambda item: -len(item[1])):
        print(f"{method:12} {len(rights):7d} {sum(rights) / len(rights):6.3f}")
    print(f"\n{'confidence':>12} {'quotes':>7} {'right':>6} {'mean conf.':>10}")
    for low, high in zip(BUCKETS, BUCKETS[1:]):
        inside = [(c, r) for _, c, r in scored if low <= c < high]
        if inside:
            print(f"{low:5.2f}-{min(high, 1.0):4.2f} {len(inside):7d} {sum(r for _, r in inside) / len(inside):6.3f} "
                  f"{sum(c for c, _ in inside) / len(inside):10.3f}")
    total = len(scored)
    print(f"{'all':>12} {total:7d} {sum(r for *_, r in scored) / max(total, 1):6.3f} "
          f"{sum(c for _, c, _ in scored) / max(total, 1):10.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--novel", action="append", help="only these novel folders")
    parser.add_argument("--weights-dir", type=Path, help="speaker weights fitted without each novel (<dir>/<novel>.json)")
    args = parser.parse_args()
    novels = sorted(p for p in args.corpus.iterdir() if (p / "novel_text.txt").is_file())
    if args.novel:
        novels = [p for p in novels if p.name in args.novel]
    scored = []
    for novel in novels:
        scored += scored_quotes(novel, args.weights_dir)
        print(f"{novel.name}: done", file=sys.stderr)
    print_tables(scored)


if __name__ == "__main__":
    main()
