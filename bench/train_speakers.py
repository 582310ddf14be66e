"""Fit the speaker decoder's weights on annotated novels (PDNC, LitBank) and print leave-one-book-out figures.

    .venv/bin/python bench/train_speakers.py ../shared/corpus/pdnc [--litbank ../shared/corpus/litbank]
        [--save] [--ner-cache DIR] [--lono-dir DIR]

With `--litbank`, the LitBank documents that have quotations (rebuilt as prose by `litbank_docs`) are books
of their own: trained on, and each held out in turn like a novel.

Each novel goes through `read_book` + `analyze`; at the speaker stage the rule-based guesses and the
decoder's runs of candidates (with their features) are collected. A candidate is right when its cluster maps
to the gold speaker (alias overlap, as in `eval_pdnc.py`). The weights are fitted by an averaged structured
perceptron: decode each run, and where the best sequence differs from the best right one, move the weights
towards the right one. Printed: for each novel held out, the accuracy of the rules and of the decoder trained
on the other novels (over quotations matched to a gold quotation), and the ceiling (a right candidate exists).
Then the confidence calibration: a logistic from the decoder's margin to the chance of being right, fitted on
the held-out decodings, and the held-out accuracy by confidence bucket. `--save` writes the weights fitted on all
novels, with that calibration, to src/filmsofone/analysis/speaker_weights.json. The corpus text never enters the
repository; only weights do.

The data come through `analyze`'s documented hooks (`pipeline.AnalysisHooks`): `speaker_rules` hears what the
rules hand to the decoder, `entities` caches the recogniser's answers (--ner-cache); nothing is patched.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import multiprocessing
import pickle
import random
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import eval_books
import eval_pdnc
import litbank_docs

WEIGHTS_PATH = Path(__file__).parents[1] / "src/filmsofone/analysis/speaker_weights.json"


def capture(book_path: Path, name: str, ner_cache: Path | None):
    """The analysis of a book, with the speaker stage's rule guesses and the decoder's runs captured."""
    from filmsofone.analysis import analyze, nlp
    from filmsofone.analysis.pipeline import AnalysisHooks
    from filmsofone.analysis.speaker_decoder import SpeakerDecoder
    from filmsofone.ingest import read_book

    captured = {}

    def speaker_rules(index, quotes, guesses):  # the documented hook: what the rules hand to the decoder
        captured["runs"] = list(SpeakerDecoder(index, None).runs(quotes, guesses))
        captured["rules"] = [r.speaker for r in guesses.attributions]

    def entities(text, spans, **kw):  # the documented hook: the recogniser's answers, cached between runs
        cached = ner_cache / f"{name}.pkl" if ner_cache else None
        if cached and cached.exists():
            return pickle.loads(cached.read_bytes())
        found = list(nlp.entities(text, spans, **kw))
        if cached:
            cached.write_bytes(pickle.dumps(found))
        return found

    hooks = AnalysisHooks(entities=entities, speaker_rules=speaker_rules)
    analysis = analyze(read_book(book_path), slug=name.lower(), title=name, hooks=hooks)
    return analysis, captured["runs"], captured["rules"]


def labelled_runs(captured_runs, rules, wanted: list[str | None], to_gold: dict) -> list[tuple]:
    """Per run of dialogue: its positions, the right candidates of each, which quotations have gold, and
    whether the rules were right. `wanted[i]` is the gold speaker of predicted quotation i (None: no gold)."""
    runs = []
    for run in captured_runs:
        right = [{who for who, _ in p.options if wanted[p.index] and to_gold.get(who) == wanted[p.index]} for p in run]
        matched = [wanted[p.index] is not None for p in run]
        rules_ok = [to_gold.get(rules[p.index]) == wanted[p.index] for p in run]
        runs.append((run, right, matched, rules_ok))
    return runs


def collect(novel: Path, ner_cache: Path | None) -> list[tuple[list, list[set], list[bool]]]:
    """Per run of dialogue of a PDNC novel: its positions, the right candidates of each, and whether the
    rules were right."""
    analysis, captured_runs, rules = capture(novel / "novel_text.txt", novel.name, ner_cache)
    gold, gold_quotes = eval_pdnc.load_gold(novel)
    owner = eval_pdnc.unique_names(gold)
    to_gold = eval_pdnc.gold_of_clusters([c.model_dump() for c in analysis.characters], owner)
    spans = sorted((s, e, i) for i, q in enumerate(gold_quotes) for s, e in q["spans"])
    starts = [s[0] for s in spans]
    wanted = [_gold_speaker(q.spans, spans, starts, gold_quotes, gold, owner) for q in analysis.quotes]
    return labelled_runs(captured_runs, rules, wanted, to_gold)


def collect_litbank(doc, ner_cache: Path | None) -> list[tuple]:
    """The same for a LitBank document (`litbank_docs.Document`): gold speakers are coref entities."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{doc.name}.txt"
        path.write_text(doc.text, encoding="utf-8")
        analysis, captured_runs, rules = capture(path, doc.name, ner_cache)
    to_gold = eval_books.litbank_to_gold(doc, [c.model_dump() for c in analysis.characters])[0]
    wanted = [eval_books.gold_speaker_of(doc, q.spans) for q in analysis.quotes]
    return labelled_runs(captured_runs, rules, wanted, to_gold)


def _gold_speaker(quote_spans, spans, starts, gold_quotes, gold, owner) -> str | None:
    for qs, qe in quote_spans:
        i = max(0, bisect.bisect_left(starts, qs) - 3)
        while i < len(spans) and spans[i][0] < qe:
            if spans[i][1] > qs:
                return eval_pdnc.gold_character(gold_quotes[spans[i][2]]["speaker"], gold, owner)
            i += 1
    return None


def fit(runs, epochs: int = 5, seeds: int = 3) -> dict[str, float]:
    """The mean of averaged structured perceptrons trained on differently shuffled runs (less variance)."""
    total: dict[str, float] = {}
    for seed in range(seeds):
        for name, value in fit_once(runs, epochs, seed).items():
            total[name] = total.get(name, 0.0) + value / seeds
    return total


def fit_once(runs, epochs: int, seed: int) -> dict[str, float]:
    """Averaged structured perceptron over the runs."""
    from filmsofone.analysis.speaker_decoder import best_sequence, sequence_features

    weights: dict[str, float] = {}
    totals: dict[str, float] = {}
    order = list(range(len(runs)))
    rng = random.Random(seed)
    steps = 0
    for _ in range(epochs):
        rng.shuffle(order)
        for n in order:
            run, right, _, _ = runs[n]
            predicted = best_sequence(run, weights)
            target = best_sequence(run, weights, allowed=[r or None for r in right])
            steps += 1
            if predicted != target:
                delta = sequence_features(run, target)
                for name, value in sequence_features(run, predicted).items():
                    delta[name] = delta.get(name, 0.0) - value
                for name, value in delta.items():
                    if value:
                        weights[name] = weights.get(name, 0.0) + value
                        totals[name] = totals.get(name, 0.0) + value * (len(runs) * epochs - steps + 1)
    count = len(runs) * epochs
    return {name: total / count for name, total in totals.items() if abs(total / count) > 1e-6}


def accuracy(runs, weights: dict[str, float]) -> tuple[float, float, float]:
    """(rules, decoded, ceiling) accuracy over the quotations matched to a gold quotation."""
    from filmsofone.analysis.speaker_decoder import best_sequence

    rules = decoded = ceiling = n = 0
    for run, right, matched, rules_ok in runs:
        sequence = best_sequence(run, weights) if weights else [None] * len(run)
        for who, ok, is_matched, rule_ok in zip(sequence, right, matched, rules_ok):
            if is_matched:
                n += 1
                rules += rule_ok
                ceiling += bool(ok)
                decoded += who in ok
    n = max(n, 1)
    return rules / n, decoded / n, ceiling / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="the PDNC folder (one folder per novel)")
    parser.add_argument("--litbank", type=Path, help="also train on LitBank's documents (the folder holding coref/ "
                        "and quotations/; only those with a quotation layer), each one held out in turn")
    parser.add_argument("--save", action="store_true", help="write the weights fitted on all novels")
    parser.add_argument("--ner-cache", type=Path, help="keep the recogniser's entities here between runs")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1, help="fit the held-out weights in this many processes")
    parser.add_argument("--lono-dir", type=Path,
                        help="also write, for each novel, weights fitted without it (<dir>/<novel>.json) for "
                             "eval_pdnc.py --weights-dir")
    args = parser.parse_args()
    if args.ner_cache:
        args.ner_cache.mkdir(parents=True, exist_ok=True)
    novels = sorted(p for p in args.corpus.iterdir() if (p / "novel_text.txt").is_file())
    data = {novel.name: collect(novel, args.ner_cache) for novel in novels}
    if args.litbank:
        for doc in litbank_docs.documents(args.litbank):
            if doc.quotes:
                data[doc.name] = collect_litbank(doc, args.ner_cache)
    print(f"{'held out':28} {'quotes':>6} {'rules':>6} {'decoded':>7} {'ceiling':>7}")
    held_weights, margins, per_book = {}, [], {}
    fitted = held_out_fits(data, args.epochs, args.jobs)
    for held, runs in data.items():
        weights = held_weights[held] = fitted[held]
        figures = accuracy(runs, weights)
        margins += held_out_margins(runs, weights)
        n = per_book[held] = (sum(sum(m) for _, _, m, _ in runs), figures)
        print(f"{held[:28]:28} {n[0]:6d} {figures[0]:6.3f} {figures[1]:7.3f} {figures[2]:7.3f}")
    pdnc = {novel.name for novel in novels}
    for label, books in (("PDNC (leave-one-book-out)", pdnc), ("LitBank (leave-one-book-out)", set(data) - pdnc),
                         ("ALL (leave-one-book-out)", set(data))):
        count = sum(per_book[b][0] for b in books)
        if count:
            totals = [sum(per_book[b][0] * per_book[b][1][k] for b in books) / count for k in range(3)]
            print(f"{label:28} {count:6d} {totals[0]:6.3f} {totals[1]:7.3f} {totals[2]:7.3f}")
    calibration = fit_calibration(margins)
    print_calibration(margins, calibration)
    if args.lono_dir:
        args.lono_dir.mkdir(parents=True, exist_ok=True)
        for held, weights in held_weights.items():
            save(args.lono_dir / f"{held}.json", weights, sorted(set(data) - {held}), args.epochs, calibration)
    if args.save:
        save(WEIGHTS_PATH, fit([r for rs in data.values() for r in rs], args.epochs), sorted(data), args.epochs, calibration)
        print(f"weights written to {WEIGHTS_PATH}")


_DATA: dict = {}


def _fit_without(args: tuple[str, int]) -> tuple[str, dict[str, float]]:
    held, epochs = args
    return held, fit([r for name, rs in _DATA.items() if name != held for r in rs], epochs)


def held_out_fits(data: dict, epochs: int, jobs: int) -> dict[str, dict[str, float]]:
    """For each book, the weights fitted on all the others (in `jobs` forked processes)."""
    _DATA.clear()
    _DATA.update(data)
    tasks = [(held, epochs) for held in data]
    if jobs <= 1:
        return dict(map(_fit_without, tasks))
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return dict(pool.imap_unordered(_fit_without, tasks))


# --- confidence ---------------------------------------------------------------------------------------


def held_out_margins(runs, weights: dict[str, float]) -> list[tuple[float, bool]]:
    """(decoding margin, right) of each quotation matched to a gold one, decoded with weights fitted without it."""
    from filmsofone.analysis.speaker_decoder import best_sequence_with_margins

    pairs = []
    for run, right, matched, _ in runs:
        sequence, margins = best_sequence_with_margins(run, weights)
        pairs += [(margin, who in ok) for who, ok, margin, is_matched in zip(sequence, right, margins, matched) if is_matched]
    return pairs


def fit_calibration(pairs: list[tuple[float, bool]], steps: int = 100) -> tuple[float, float]:
    """(a, b) of the logistic P(right) = 1 / (1 + exp(-(a * log(1 + margin) + b))), by Newton's method with a
    backtracking step (the log-likelihood never falls) on held-out quotations."""
    from filmsofone.analysis.speaker_decoder import margin_feature

    data = [(margin_feature(margin), right) for margin, right in pairs]
    a, b = 1.0, 0.0
    best = _log_likelihood(data, a, b)
    for _ in range(steps):
        ga = gb = haa = hab = hbb = 0.0
        for x, right in data:
            p = _sigmoid(a * x + b)
            ga, gb = ga + (right - p) * x, gb + (right - p)
            w = max(p * (1 - p), 1e-12)
            haa, hab, hbb = haa + w * x * x, hab + w * x, hbb + w
        det = haa * hbb - hab * hab
        if det <= 1e-12:
            break
        da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
        for _ in range(40):
            value = _log_likelihood(data, a + da, b + db)
            if value >= best:
                break
            da, db = da / 2, db / 2
        else:
            break
        converged = best - value > -1e-9 and abs(da) + abs(db) < 1e-7
        a, b, best = a + da, b + db, value
        if converged:
            break
    return round(a, 4), round(b, 4)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def _log_likelihood(data, a: float, b: float) -> float:
    total = 0.0
    for x, right in data:
        p = min(max(_sigmoid(a * x + b), 1e-12), 1 - 1e-12)
        total += math.log(p) if right else math.log(1 - p)
    return total


BUCKETS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01)


def print_calibration(pairs: list[tuple[float, bool]], calibration: tuple[float, float]) -> None:
    """Accuracy of the held-out quotations by confidence bucket: lower confidence should mean more often wrong."""
    from filmsofone.analysis.speaker_decoder import confidence

    print(f"\nconfidence = 1 / (1 + exp(-({calibration[0]} * log(1 + margin) + {calibration[1]}))), fitted on the held-out books")
    print(f"{'confidence':>12} {'quotes':>7} {'right':>6} {'mean conf.':>10}")
    scored = [(confidence(margin, calibration), right) for margin, right in pairs]
    for low, high in zip(BUCKETS, BUCKETS[1:]):
        inside = [(c, r) for c, r in scored if low <= c < high]
        if inside:
            print(f"{low:5.2f}-{min(high, 1.0):4.2f} {len(inside):7d} {sum(r for _, r in inside) / len(inside):6.3f} "
                  f"{sum(c for c, _ in inside) / len(inside):10.3f}")


def save(path: Path, weights: dict[str, float], novels: list[str], epochs: int,
         calibration: tuple[float, float]) -> None:
    meta = {"trained_on": novels, "date": date.today().isoformat(), "model": f"averaged structured perceptron, {epochs} epochs"}
    rounded = {name: round(value, 4) for name, value in sorted(weights.items()) if abs(value) >= 1e-4}
    document = {"meta": meta, "weights": rounded, "calibration": list(calibration)}
    path.write_text(json.dumps(document, indent=1) + "\n")


if __name__ == "__main__":
    main()
