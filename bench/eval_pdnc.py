"""Score the book analysis on the Project Dialogism Novel Corpus (PDNC), end to end.

    .venv/bin/python bench/eval_pdnc.py ../shared/corpus/pdnc [--novel NAME ...] [--json] [--weights-dir DIR]
    .venv/bin/python bench/eval_pdnc.py ../shared/corpus/pdnc --novel NAME --analysis-json FILE

The second form scores an analysis the CLI printed (`filmsofone import`, then `filmsofone show S --json > FILE`)
with the same scorer: the figures an unseen novel gets measured through the public CLI.

The speaker model's packaged weights were fitted on these novels; `--weights-dir` (from
`bench/train_speakers.py --lono-dir DIR`) scores each novel with weights fitted without it instead.

Each novel is imported through the normal import path (`books.import_book` into a temporary workspace) in its
own process, so wall time and peak memory are the import's own. Printed per novel and overall:

- char recall: major + intermediate gold characters matched by a predicted cluster (alias overlap);
- merged: gold characters sharing a predicted cluster with another gold character (major pairs listed);
- quote recall: gold quotations overlapped by a predicted quotation span;
- speaker accuracy overall and by quote type (Explicit / Anaphoric / Implicit): the predicted speaker's
  cluster maps (by alias overlap) to the gold speaker; missed quotations count as wrong;
- wall time and peak RSS (the import process plus its worker processes) of the import.
"""

from __future__ import annotations

import argparse
import ast
import bisect
import csv
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--novel", action="append", help="only these novel folders")
    parser.add_argument("--json", action="store_true", help="print the per-novel results as JSON")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--analysis-only", action="store_true",
                        help="read_book + analyze only (skip storing and the cast bible)")
    parser.add_argument("--errors", type=int, default=0, help="print this many speaker errors per novel")
    parser.add_argument("--weights-dir", type=Path,
                        help="score each novel with the speaker weights <dir>/<novel>.json (fitted without it: "
                             "bench/train_speakers.py --lono-dir), for honest figures on the training novels")
    parser.add_argument("--analysis-json", type=Path,
                        help="score this analysis document (`filmsofone show S --json > FILE`) instead of importing; "
                             "with one --novel, the gold it is scored against")
    args = parser.parse_args()
    if args.analysis_json:
        if not args.novel or len(args.novel) != 1:
            parser.error("--analysis-json needs exactly one --novel (the gold)")
        analysis = json.loads(args.analysis_json.read_text(encoding="utf-8"))
        print_table([score_analysis(args.corpus / args.novel[0], {"analysis": analysis})])
        return
    if args.one:
        print(json.dumps(import_one(args.corpus, args.analysis_only)))
        return
    novels = sorted(p for p in args.corpus.iterdir() if (p / "novel_text.txt").is_file())
    if args.novel:
        novels = [p for p in novels if p.name in args.novel]
    results = [score_novel(novel, args.errors, args.analysis_only, args.weights_dir) for novel in novels]
    if args.json:
        print(json.dumps(results, indent=1))
    print_table(results)


# --- importing (in a child process) ------------------------------------------------------------------


def import_one(novel: Path, analysis_only: bool = False) -> dict:
    from filmsofone.books import import_book
    from filmsofone.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp)).ensure()
        started, cpu = time.perf_counter(), time.process_time()
        if analysis_only:
            from filmsofone.analysis import analyze
            from filmsofone.ingest import read_book

            book = read_book(novel / "novel_text.txt")
            analysis = analyze(book, slug=novel.name.lower(), title=novel.name)
        else:
            analysis = import_book(ws, novel / "novel_text.txt", slug=novel.name.lower(), title=novel.name)
        wall = time.perf_counter() - started
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    cpu = time.process_time() - cpu + resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    return {"analysis": analysis.model_dump(mode="json"), "wall": wall, "cpu": cpu,
            "rss_mb": self_rss + child_rss}


def held_out_weights(weights_dir: Path, book: str) -> str:
    """The weights file fitted without `book`; a missing one stops the run (the analysis would otherwise fall back
    to its rules alone and the figures would silently mean something else)."""
    path = (weights_dir / f"{book}.json").resolve()
    if not path.is_file():
        raise SystemExit(f"no held-out weights for {book}: {path} is missing (train_speakers.py --lono-dir writes them)")
    return str(path)


def run_import(novel: Path, analysis_only: bool, weights_dir: Path | None = None) -> dict:
    command = [sys.executable, __file__, str(novel), "--one"] + (["--analysis-only"] if analysis_only else [])
    env = dict(os.environ)
    if weights_dir is not None:
        env["FILMSOFONE_SPEAKER_WEIGHTS"] = held_out_weights(weights_dir, novel.name)
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if out.returncode:
        raise SystemExit(f"import of {novel.name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- gold ---------------------------------------------------------------------------------------------


def norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace(".", "")).strip().lower()


def load_gold(novel: Path) -> tuple[dict, list[dict]]:
    characters = {}
    with open(novel / "character_info.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                aliases = set(ast.literal_eval(row["Aliases"]))
            except (ValueError, SyntaxError):
                aliases = set()
            characters[row["Main Name"]] = {
                "names": {norm(a) for a in aliases | {row["Main Name"]}},
                "category": row["Category"].strip().lower(),
            }
    quotes = []
    with open(novel / "quotation_info.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            quotes.append({"spans": ast.literal_eval(row["quoteByteSpans"]), "speaker": row["speaker"],
                           "type": row["quoteType"].strip().lower()})
    return characters, quotes


def unique_names(gold: dict) -> dict[str, str]:
    """Alias -> gold character, for aliases that belong to exactly one gold character."""
    owners = defaultdict(set)
    for name, info in gold.items():
        for alias in info["names"]:
            owners[alias].add(name)
    return {alias: next(iter(names)) for alias, names in owners.items() if len(names) == 1}


def gold_character(speaker: str, gold: dict, owner: dict[str, str]) -> str:
    """The gold character a quotation's speaker string names (speaker strings are not always main names)."""
    if speaker in gold:
        return speaker
    return owner.get(norm(speaker), speaker)


def gold_of_clusters(characters: list[dict], owner: dict[str, str]) -> dict[str, str | None]:
    """Predicted cluster id -> the gold character it stands for: the one its own name belongs to, else the one
    most of its aliases belong to (ties: by name), else None."""
    result = {}
    for c in characters:
        names = {norm(c["name"]), *(norm(a) for a in c["aliases"])}
        hits = Counter(owner[n] for n in names if n in owner)
        result[c["id"]] = owner.get(norm(c["name"])) or (min(hits, key=lambda g: (-hits[g], g)) if hits else None)
    return result


# --- scoring ------------------------------------------------------------------------------------------


class QuoteSpans:
    """The predicted quotations' spans in text order, to find the one a gold quotation overlaps."""

    def __init__(self, quotes: list[dict]):
        self.spans = sorted(((s, e, q) for q in quotes for s, e in q["spans"]), key=lambda span: span[:2])
        self.starts = [span[0] for span in self.spans]

    def overlapping(self, gold_spans) -> dict | None:
        """The first predicted quotation overlapping one of `gold_spans` (tried in order), or None."""
        for gs, ge in gold_spans:
            i = max(0, bisect.bisect_left(self.starts, gs) - 3)
            while i < len(self.spans) and self.spans[i][0] < ge:
                if self.spans[i][1] > gs:
                    return self.spans[i][2]
                i += 1
        return None


def score_novel(novel: Path, show_errors: int = 0, analysis_only: bool = False, weights_dir: Path | None = None) -> dict:
    return score_analysis(novel, run_import(novel, analysis_only, weights_dir), show_errors)


def score_analysis(novel: Path, imported: dict, show_errors: int = 0) -> dict:
    """The figures of one novel's analysis (`imported["analysis"]`, the document `show --json` prints)."""
    analysis = imported["analysis"]
    gold, gold_quotes = load_gold(novel)
    owner = unique_names(gold)
    for q in gold_quotes:
        q["speaker"] = gold_character(q["speaker"], gold, owner)
    cluster_gold = {}  # predicted cluster id -> Counter of gold characters its names belong to
    for c in analysis["characters"]:
        names = {norm(c["name"]), *(norm(a) for a in c["aliases"])}
        cluster_gold[c["id"]] = Counter(owner[n] for n in names if n in owner)
    best_gold = gold_of_clusters(analysis["characters"], owner)

    wanted = [n for n, info in gold.items() if info["category"] in ("major", "intermediate") and not n.startswith("_")]
    found = {g for hits in cluster_gold.values() for g in hits}
    missing = [n for n in wanted if n not in found]
    merged_groups = [sorted(hits) for hits in cluster_gold.values() if len(hits) > 1]
    strong = {}  # the same, counting only multi-word names ("Mr. Pellow", "Ada Pellow"), not bare surnames
    for c in analysis["characters"]:
        names = {norm(c["name"]), *(norm(a) for a in c["aliases"])}
        strong[c["id"]] = {owner[n] for n in names if n in owner and " " in n}
    strong_merged = sorted({g for hits in strong.values() if len(hits) > 1 for g in hits})
    merge_detail = [f"{c['name']} {c['aliases']} -> {sorted(cluster_gold[c['id']])}" for c in analysis["characters"] if len(cluster_gold[c["id"]]) > 1]
    merged = sorted({g for group in merged_groups for g in group})
    majors_merged = [g for g in merged_groups if sum(gold[n]["category"] == "major" for n in g) > 1]

    predicted_spans = QuoteSpans(analysis["quotes"])
    found_quotes, correct = 0, Counter()
    totals = Counter()
    errors = []
    for q in gold_quotes:
        totals[q["type"]] += 1
        predicted = predicted_spans.overlapping(q["spans"])
        if predicted is None:
            continue
        found_quotes += 1
        if best_gold.get(predicted["speaker"]) == q["speaker"]:
            correct[q["type"]] += 1
        elif len(errors) < show_errors:
            errors.append((q["type"], q["speaker"], best_gold.get(predicted["speaker"]), q["spans"][0]))
    result = {
        "novel": novel.name,
        "char_recall": (len(wanted) - len(missing)) / max(len(wanted), 1),
        "missing": missing,
        "merged": merged,
        "majors_merged": majors_merged,
        "merge_detail": merge_detail,
        "strong_merged": strong_merged,
        "quote_recall": found_quotes / max(len(gold_quotes), 1),
        "quotes": len(gold_quotes),
        "predicted_quotes": len(analysis["quotes"]),
        "speaker_acc": sum(correct.values()) / max(len(gold_quotes), 1),
        "by_type": {t: (correct[t], totals[t]) for t in totals},
        "wall": imported.get("wall", 0.0),
        "cpu": imported.get("cpu", 0.0),
        "rss_mb": imported.get("rss_mb", 0.0),
        "words": len((novel / "novel_text.txt").read_text(encoding="utf-8").split()),
        "characters": [{k: c[k] for k in ("id", "name", "aliases")} for c in analysis["characters"]],
    }
    for line in merge_detail if show_errors else ():
        print(f"  [{novel.name}] merged: {line}", file=sys.stderr)
    if errors:
        text = (novel / "novel_text.txt").read_text(encoding="utf-8")
        for kind, want, got, (s, e) in errors:
            context = text[max(0, s - 220) : min(e, s + 60)] + " ... " + text[e : e + 80]
            print(f"  [{novel.name}] {kind}: gold={want} got={got} :: {context!r}", file=sys.stderr)
    print(f"{novel.name}: done in {result['wall']:.1f}s", file=sys.stderr)
    return result


def print_table(results: list[dict]) -> None:
    header = f"{'novel':28} {'chars':>6} {'merged':>6} {'quotes':>7} {'speaker':>8} {'expl':>6} {'anaph':>6} {'impl':>6} {'wall s':>7} {'CPU s':>6} {'RSS MB':>7} {'words':>7}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(_row(r["novel"], r))
        if r["missing"]:
            print(f"    missing: {', '.join(r['missing'])}")
        if r["merged"]:
            print(f"    merged: {', '.join(r['merged'])}" + (f"  MAJORS: {r['majors_merged']}" if r["majors_merged"] else ""))
        if r["strong_merged"]:
            print(f"    merged by multi-word names: {', '.join(r['strong_merged'])}")
    overall = _overall(results)
    print("-" * len(header))
    print(_row("OVERALL", overall))
    print(f"major+intermediate char recall (all novels pooled as a mean of novels): {overall['char_recall']:.3f}; "
          f"pairs of majors merged: {len(overall['majors_merged'])}; "
          f"gold characters merged by multi-word names: {sum(len(r['strong_merged']) for r in results)}")


def _overall(results: list[dict]) -> dict:
    by_type = defaultdict(lambda: [0, 0])
    for r in results:
        for t, (c, n) in r["by_type"].items():
            by_type[t][0] += c
            by_type[t][1] += n
    quotes = sum(r["quotes"] for r in results)
    return {
        "char_recall": _weighted_char_recall(results),
        "merged": [m for r in results for m in r["merged"]],
        "majors_merged": [m for r in results for m in r["majors_merged"]],
        "quote_recall": sum(r["quote_recall"] * r["quotes"] for r in results) / max(quotes, 1),
        "speaker_acc": sum(c for c, _ in by_type.values()) / max(quotes, 1),
        "by_type": {t: tuple(v) for t, v in by_type.items()},
        "wall": sum(r["wall"] for r in results),
        "cpu": sum(r["cpu"] for r in results),
        "rss_mb": max((r["rss_mb"] for r in results), default=0),
        "words": sum(r["words"] for r in results),
    }


def _weighted_char_recall(results: list[dict]) -> float:
    return sum(r["char_recall"] for r in results) / max(len(results), 1)


def _row(name: str, r: dict) -> str:
    def acc(t):
        c, n = r["by_type"].get(t, (0, 0))
        return f"{c / n:.3f}" if n else "  -  "

    return (f"{name:28} {r['char_recall']:6.3f} {len(r['merged']):6d} {r['quote_recall']:7.3f} {r['speaker_acc']:8.3f} "
            f"{acc('explicit'):>6} {acc('anaphoric'):>6} {acc('implicit'):>6} {r['wall']:7.1f} {r['cpu']:6.1f} {r['rss_mb']:7.0f} {r['words']:7d}")


if __name__ == "__main__":
    main()
