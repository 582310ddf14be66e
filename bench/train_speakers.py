"""Fit the speaker decoder's weights on annotated novels (PDNC, LitBank) and print leave-one-book-out figures.

    .venv/bin/python bench/train_speakers.py ../shared/corpus/pdnc [--litbank ../shared/corpus/litbank]
        [--save] [--ner-cache DIR] [--data-cache FILE] [--lono-dir DIR] [--jobs N] [recipe options]

With `--litbank`, the LitBank documents that have quotations (rebuilt as prose by `litbank_docs`) are books
of their own: trained on, and each held out in turn like a novel.

Each novel goes through `read_book` + `analyze`; at the speaker stage the rule-based guesses and the
decoder's runs of candidates (with their features) are collected (`--data-cache` keeps them, to try training
recipes without reading the books again). A candidate is right when its cluster maps to the gold speaker
(alias overlap, as in `eval_pdnc.py`). The weights are fitted by an averaged structured perceptron: decode each
run, and where the best sequence differs from the best right one, move the weights towards the right one
(`Recipe`: epochs, shuffles averaged, how much each book counts, which features are learnt). Printed: for each
book held out, the accuracy of the rules and of the decoder trained on the other books (over quotations
matched to a gold quotation), and the ceiling (a right candidate exists); the totals for PDNC, LitBank and all;
the features whose weights disagree most between the held-out fits (a feature that changes sign when one book
is left out learnt that book, not English); then the confidence calibration (`fit_calibration`), fitted on the
held-out decodings, and its reliability table (accuracy by confidence bucket) for PDNC and LitBank. `--save`
writes the weights fitted on all books, with that calibration, to src/filmsofone/analysis/speaker_weights.json.
The corpus text never enters the repository; only weights do.

The data come through `analyze`'s documented hooks (`pipeline.AnalysisHooks`): `speaker_rules` hears what the
rules hand to the decoder, `entities` caches the recogniser's answers (--ner-cache); nothing is patched.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import math
import multiprocessing
import pickle
import random
import re
import sys
import tempfile
from dataclasses import dataclass, replace
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
        spans = list(spans)  # the key holds what is asked, so a change of the pieces or labels asks again
        asked = hashlib.sha1(repr((spans, sorted(kw.get("labels", ())), len(text))).encode()).hexdigest()[:12]
        cached = ner_cache / f"{name}.{asked}.pkl" if ner_cache else None
        if cached and cached.exists():
            return pickle.loads(cached.read_bytes())
        found = list(nlp.entities(text, spans, **kw))
        if cached:
            cached.with_suffix(".tmp").write_bytes(pickle.dumps(found))
            cached.with_suffix(".tmp").replace(cached)  # never a half-written answer
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


@dataclass(frozen=True)
class Recipe:
    """How the weights are fitted. `book_power` p scales each book's updates by (its matched quotations)^-p,
    normalised so the updates sum as before: 0 lets a book count by its size (Oliver Twist's 2,600 lines
    outweigh the 35 LitBank openings together), 1 lets every book count the same. `min_books`: a feature
    (or transition) is learnt only if it marks a right candidate in at least that many training books, so a
    habit of one author is not learnt as a rule. `margin`: a wrong candidate must lose by this much
    (cost-augmented decoding), 0 is the plain perceptron. `contexts`: whether the copies of the local features
    conjoined with the quotation's context ("tag_name|in_talk") are learnt, or only the features themselves."""

    epochs: int = 5
    seeds: int = 6  # the mean of six shuffled fits: a refit moves fewer quotations than with three
    book_power: float = 0.0
    min_books: int = 1
    margin: float = 0.0
    contexts: bool = True
    first_seed: int = 0
    without: str = ""

    def describe(self) -> str:
        return (f"averaged structured perceptron, {self.epochs} epochs, mean of {self.seeds} shuffles "
                f"(seeds {self.first_seed}..{self.first_seed + self.seeds - 1}), books weighted "
                f"by size^-{self.book_power}, features of at least {self.min_books} book(s), margin {self.margin}"
                + ("" if self.contexts else ", no context conjunctions")
                + (f", features matching {self.without!r} left out" if self.without else ""))

    def learns(self, name: str, learnt: set[str] | None) -> bool:
        """Whether the feature `name` is fitted (the others keep weight 0)."""
        return ((learnt is None or name in learnt) and (self.contexts or not _conjoined(name))
                and not (self.without and re.search(self.without, name)))


def fit(books: dict[str, list], recipe: Recipe = Recipe()) -> dict[str, float]:
    """The mean of averaged structured perceptrons trained on differently shuffled runs (less variance)."""
    runs, scales = _weighted_runs(books, recipe.book_power)
    learnt = _features_of_books(books, recipe.min_books)
    total: dict[str, float] = {}
    for seed in range(recipe.first_seed, recipe.first_seed + recipe.seeds):
        for name, value in fit_once(runs, scales, recipe, seed, learnt).items():
            total[name] = total.get(name, 0.0) + value / recipe.seeds
    return total


def _weighted_runs(books: dict[str, list], power: float) -> tuple[list, list[float]]:
    """All the runs, and the scale of each one's updates: (its book's matched quotations)^-power, normalised to
    a mean of 1 per quotation."""
    runs, raw = [], []
    for book_runs in books.values():
        size = max(1, sum(sum(matched) for _, _, matched, _ in book_runs))
        runs += book_runs
        raw += [size ** -power] * len(book_runs)
    quotes = [sum(matched) for _, _, matched, _ in runs]
    norm = sum(quotes) / max(sum(q * r for q, r in zip(quotes, raw)), 1e-12)
    return runs, [r * norm for r in raw]


def _features_of_books(books: dict[str, list], min_books: int) -> set[str] | None:
    """The features that mark a right candidate (or its transition) in at least `min_books` books (None: all)."""
    if min_books <= 1:
        return None
    from filmsofone.analysis.speaker_decoder import best_sequence, sequence_features

    counts: dict[str, int] = {}
    for book_runs in books.values():
        seen: set[str] = set()
        for run, right, _, _ in book_runs:
            for position, ok in zip(run, right):
                for who, features in position.options:
                    if who in ok:
                        seen.update(features)
            if any(right):
                seen.update(sequence_features(run, best_sequence(run, {}, allowed=[r or None for r in right])))
        for name in seen:
            counts[name] = counts.get(name, 0) + 1
    return {name for name, count in counts.items() if count >= min_books}


_COST = "__cost"  # the pseudo-feature of a wrong candidate in cost-augmented decoding (never learnt)


def fit_once(runs, scales: list[float], recipe: Recipe, seed: int, learnt: set[str] | None = None) -> dict[str, float]:
    """Averaged structured perceptron over the runs, each update scaled by its run's scale; only the features
    in `learnt` (None: all) are learnt. With a margin, wrong candidates carry a cost while decoding."""
    from filmsofone.analysis.speaker_decoder import best_sequence, sequence_features

    weights: dict[str, float] = {_COST: recipe.margin} if recipe.margin else {}
    totals: dict[str, float] = {}
    order = list(range(len(runs)))
    rng = random.Random(seed)
    steps, count = 0, len(runs) * recipe.epochs
    for _ in range(recipe.epochs):
        rng.shuffle(order)
        for n in order:
            run, right, _, _ = runs[n]
            steps += 1
            allowed = [r or None for r in right]
            decoded = _with_cost(run, right) if recipe.margin else run
            predicted = best_sequence(decoded, weights)
            target = best_sequence(run, weights, allowed=allowed)
            if predicted == target:
                continue
            delta = sequence_features(run, target)
            for name, value in sequence_features(run, predicted).items():
                delta[name] = delta.get(name, 0.0) - value
            for name, value in delta.items():
                if value and recipe.learns(name, learnt):
                    value *= scales[n]
                    weights[name] = weights.get(name, 0.0) + value
                    totals[name] = totals.get(name, 0.0) + value * (count - steps + 1)
    return {name: total / count for name, total in totals.items() if abs(total / count) > 1e-6}


def _conjoined(name: str) -> bool:
    """A local feature conjoined with the quotation's context ("tag_name|in_talk"; transitions are not)."""
    return "|" in name and name.split("|", 1)[0] not in ("same", "new", "alternate")


def _with_cost(run, right):
    """The run with a cost feature on each wrong candidate of a quotation that has a right one."""
    return [replace(p, options=[(who, {**f, _COST: 1.0} if ok and who not in ok else f) for who, f in p.options])
            for p, ok in zip(run, right)]


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
    parser.add_argument("--litbank-held-out", action="store_true",
                        help="with --litbank: train on the PDNC novels only; the LitBank documents are only scored "
                             "(and calibrated on), each with the weights fitted on all the novels")
    parser.add_argument("--save", action="store_true", help="write the weights fitted on all novels")
    parser.add_argument("--ner-cache", type=Path, help="keep the recogniser's entities here between runs")
    parser.add_argument("--data-cache", type=Path, help="keep the collected runs in this file (pickle) between runs "
                        "that change only the training; delete it when the analysis code changes")
    parser.add_argument("--epochs", type=int, default=Recipe.epochs)
    parser.add_argument("--seeds", type=int, default=Recipe.seeds, help="average this many differently shuffled fits")
    parser.add_argument("--first-seed", type=int, default=Recipe.first_seed,
                        help="the first shuffle's seed (another value: another set of shuffles, to see the noise)")
    parser.add_argument("--book-power", type=float, default=Recipe.book_power,
                        help="scale each book's updates by its size^-P (0: by size, 1: every book the same)")
    parser.add_argument("--min-books", type=int, default=Recipe.min_books,
                        help="learn only the features that mark a right speaker in at least N training books")
    parser.add_argument("--margin", type=float, default=Recipe.margin,
                        help="cost of a wrong candidate while training (0: plain perceptron)")
    parser.add_argument("--spread", type=int, default=25, help="print the N features whose weight varies most "
                        "between the held-out fits (those changing sign first)")
    parser.add_argument("--no-contexts", action="store_true",
                        help="learn the local features alone, not their copies conjoined with the quotation's context")
    parser.add_argument("--without", default="", help="leave out the features whose name matches this regular "
                        "expression (an ablation: e.g. '^near_turn')")
    parser.add_argument("--jobs", type=int, default=1, help="fit the held-out weights in this many processes")
    parser.add_argument("--lono-dir", type=Path,
                        help="also write, for each novel, weights fitted without it (<dir>/<novel>.json) for "
                             "eval_pdnc.py --weights-dir")
    args = parser.parse_args()
    if args.ner_cache:
        args.ner_cache.mkdir(parents=True, exist_ok=True)
    novels = sorted(p for p in args.corpus.iterdir() if (p / "novel_text.txt").is_file())
    data = collect_all(novels, args.litbank, args.ner_cache, args.data_cache)
    recipe = Recipe(args.epochs, args.seeds, args.book_power, args.min_books, args.margin, not args.no_contexts, args.first_seed,
                    args.without)
    print(f"training: {recipe.describe()}")
    pdnc = {novel.name for novel in novels}
    trained = pdnc if args.litbank_held_out else set(data)
    held_weights = held_out_fits(data, trained, recipe, args.jobs)
    groups = {"PDNC": sorted(pdnc), "LitBank": sorted(set(data) - pdnc), "ALL": sorted(data)}
    margins = print_held_out(data, held_weights, groups)
    print_spread({held: held_weights[held] for held in trained}, args.spread)  # the distinct fits
    calibration = fit_calibration(margins)
    print_calibration({label: [pair for book in books for pair in margins[book]] for label, books in groups.items()},
                      calibration)
    if args.lono_dir:
        args.lono_dir.mkdir(parents=True, exist_ok=True)
        for held, weights in held_weights.items():
            save(args.lono_dir / f"{held}.json", weights, sorted(trained - {held}), recipe, calibration)
    if args.save:
        whole = held_weights[next(iter(set(data) - trained))] if set(data) - trained else fit(data, recipe)
        save(WEIGHTS_PATH, whole, sorted(trained), recipe, calibration)
        print(f"weights written to {WEIGHTS_PATH}")


def print_held_out(data: dict, held_weights: dict, groups: dict[str, list[str]]) -> dict[str, list]:
    """Each book's accuracy decoded with the weights fitted without it, then the totals of each group of books;
    returns each book's held-out (calibration inputs, right) pairs."""
    print(f"{'held out':28} {'quotes':>6} {'rules':>6} {'decoded':>7} {'ceiling':>7}")
    margins, per_book = {}, {}
    for held, runs in data.items():
        figures = accuracy(runs, held_weights[held])
        margins[held] = held_out_margins(runs, held_weights[held])
        n = per_book[held] = (sum(sum(m) for _, _, m, _ in runs), figures)
        print(f"{held[:28]:28} {n[0]:6d} {figures[0]:6.3f} {figures[1]:7.3f} {figures[2]:7.3f}")
    for label, books in groups.items():
        count = sum(per_book[b][0] for b in books)
        if count:
            totals = [sum(per_book[b][0] * per_book[b][1][k] for b in books) / count for k in range(3)]
            print(f"{label + ' (leave-one-book-out)':28} {count:6d} {totals[0]:6.3f} {totals[1]:7.3f} {totals[2]:7.3f}")
    return margins


def collect_all(novels: list[Path], litbank: Path | None, ner_cache: Path | None, data_cache: Path | None) -> dict:
    """Every book's labelled runs (PDNC novels, then LitBank documents with quotations), read from `data_cache`
    when it exists (the analysis code must not have changed since), else collected and written there."""
    if data_cache and data_cache.exists():
        return _with_partners(pickle.loads(data_cache.read_bytes()))
    data = {}
    for n, novel in enumerate(novels, 1):
        print(f"reading {novel.name} ({n}/{len(novels)})", file=sys.stderr, flush=True)
        data[novel.name] = collect(novel, ner_cache)
    if litbank:
        docs = [doc for doc in litbank_docs.documents(litbank) if doc.quotes]
        for n, doc in enumerate(docs, 1):
            print(f"reading {doc.name} ({n}/{len(docs)})", file=sys.stderr, flush=True)
            data[doc.name] = collect_litbank(doc, ner_cache)
    if data_cache:
        data_cache.parent.mkdir(parents=True, exist_ok=True)
        data_cache.with_suffix(".tmp").write_bytes(pickle.dumps(data))
        data_cache.with_suffix(".tmp").replace(data_cache)
    return _with_partners(data)


def _with_partners(data: dict) -> dict:
    """Each book's runs with the book's pairs of name-tagged speakers on every position, as the decoder has
    them (`speaker_decoder.with_partners`)."""
    from filmsofone.analysis.speaker_decoder import with_partners

    out = {}
    for book, labelled in data.items():
        runs = with_partners([run for run, *_ in labelled])
        out[book] = [(run, *rest) for run, (_, *rest) in zip(runs, labelled)]
    return out


_DATA: dict = {}


def _fit_on(args: tuple[tuple[str, ...], Recipe]) -> tuple[tuple[str, ...], dict[str, float]]:
    books, recipe = args
    return books, fit({name: _DATA[name] for name in books}, recipe)


def held_out_fits(data: dict, trained: set[str], recipe: Recipe, jobs: int) -> dict[str, dict[str, float]]:
    """For each book, the weights fitted on the `trained` books but itself (in `jobs` forked processes; books
    outside `trained` share the one fit on all of them)."""
    _DATA.clear()
    _DATA.update(data)
    training = {held: tuple(sorted(trained - {held})) for held in data}
    tasks = [(books, recipe) for books in dict.fromkeys(training.values())]
    if jobs <= 1:
        fits = dict(map(_fit_on, tasks))
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            fits = dict(pool.imap_unordered(_fit_on, tasks))
    return {held: fits[books] for held, books in training.items()}


def print_spread(fits: dict[str, dict[str, float]], top: int) -> None:
    """The features whose weights disagree most between the held-out fits: a feature that changes sign when
    one book is left out learnt that book's habit, not a rule that transfers."""
    if top <= 0 or len(fits) < 2:
        return
    rows = []
    for name in {name for weights in fits.values() for name in weights}:
        values = [weights.get(name, 0.0) for weights in fits.values()]
        mean = sum(values) / len(values)
        spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        flips = min(sum(v > 0 for v in values), sum(v < 0 for v in values))
        rows.append((flips > 0, spread, name, mean, min(values), max(values), flips))
    rows.sort(key=lambda row: (not row[0], -row[1]))
    print(f"\n{'feature (spread between held-out fits)':44} {'mean':>7} {'min':>7} {'max':>7} {'sd':>6} {'flips':>5}")
    for _, spread, name, mean, low, high, flips in rows[:top]:
        print(f"{name[:44]:44} {mean:7.2f} {low:7.2f} {high:7.2f} {spread:6.2f} {flips:5d}")
    changing = sum(row[0] for row in rows)
    print(f"{changing} of {len(rows)} features change sign between the {len(fits)} held-out fits")


# --- confidence ---------------------------------------------------------------------------------------

CALIBRATION_BOOK_POWER = 0.75  # each held-out quotation weighs by its book's size^-0.75 in the calibration fit


def held_out_margins(runs, weights: dict[str, float]) -> list[tuple[dict[str, float], bool]]:
    """(calibration inputs, right) of each quotation matched to a gold one, decoded with weights fitted without
    it: the inputs read its margin (max-marginals) and the features of the speaker chosen."""
    from filmsofone.analysis.speaker_decoder import best_sequence_with_margins, calibration_inputs

    pairs = []
    for run, right, matched, _ in runs:
        sequence, margins = best_sequence_with_margins(run, weights)
        for position, who, ok, margin, is_matched in zip(run, sequence, right, margins, matched):
            if is_matched:
                features = next((f for candidate, f in position.options if candidate == who), {})
                pairs.append((calibration_inputs(margin, features), who in ok))
    return pairs


def fit_calibration(books: dict[str, list[tuple[dict[str, float], bool]]], power: float = CALIBRATION_BOOK_POWER,
                    l2: float = 0.01, steps: int = 50) -> dict[str, float]:
    """The logistic P(right) = 1 / (1 + exp(-sum(coefficient * input))) over the held-out quotations of the
    books, each quotation weighing by its book's size^-power (0.75: a book counts by the fourth root of its
    size, so Oliver Twist's 2,600 lines do not set alone how sure a short book's lines are; on the LitBank
    openings, never trained on, a calibration fitted on PDNC alone said 0.81 where 0.53 were right), by
    Newton's method with a small ridge."""
    import numpy as np

    names = sorted({name for pairs in books.values() for inputs, _ in pairs for name in inputs})
    rows, right, weight = [], [], []
    for pairs in books.values():
        for inputs, ok in pairs:
            rows.append([inputs.get(name, 0.0) for name in names])
            right.append(float(ok))
            weight.append(len(pairs) ** -power)
    if not rows:
        return {}
    x, y, w = np.array(rows), np.array(right), np.array(weight) * len(weight) / sum(weight)
    theta = np.zeros(len(names))
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ theta, -60, 60)))
        gradient = x.T @ (w * (y - p)) - l2 * theta
        hessian = (x * (w * p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(names))
        step = np.linalg.solve(hessian, gradient)
        theta += step
        if np.abs(step).max() < 1e-8:
            break
    return {name: round(float(value), 4) for name, value in zip(names, theta)}


BUCKETS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01)


def print_calibration(groups: dict[str, list[tuple[dict[str, float], bool]]], calibration: dict[str, float]) -> None:
    """Reliability of the held-out quotations by confidence bucket, per group of books: a calibrated confidence
    has accuracy close to its mean, and lower confidence means more often wrong."""
    from filmsofone.analysis.speaker_decoder import calibrated

    terms = " + ".join(f"{value} * {name}" for name, value in calibration.items())
    print(f"\nconfidence = 1 / (1 + exp(-({terms}))), log_margin = log(1 + margin); fitted on the held-out books, "
          f"each weighing by its size^-{CALIBRATION_BOOK_POWER}")
    for label, pairs in groups.items():
        if not pairs:
            continue
        scored = [(calibrated(inputs, calibration), right) for inputs, right in pairs]
        print(f"\n{label}\n{'confidence':>12} {'quotes':>7} {'right':>6} {'mean conf.':>10}")
        for low, high in zip(BUCKETS, BUCKETS[1:]):
            inside = [(c, r) for c, r in scored if low <= c < high]
            if inside:
                print(f"{low:5.2f}-{min(high, 1.0):4.2f} {len(inside):7d} {sum(r for _, r in inside) / len(inside):6.3f} "
                      f"{sum(c for c, _ in inside) / len(inside):10.3f}")
        print(f"{'all':>12} {len(scored):7d} {sum(r for _, r in scored) / len(scored):6.3f} "
              f"{sum(c for c, _ in scored) / len(scored):10.3f}")


def save(path: Path, weights: dict[str, float], novels: list[str], recipe: Recipe,
         calibration: tuple[float, float]) -> None:
    meta = {"trained_on": novels, "date": date.today().isoformat(), "model": recipe.describe(),
            "calibration": "fitted on each book's decodings with weights fitted without it, each quotation weighing "
                           f"by its book's size^-{CALIBRATION_BOOK_POWER}"}
    rounded = {name: round(value, 4) for name, value in sorted(weights.items()) if abs(value) >= 1e-4}
    document = {"meta": meta, "weights": rounded, "calibration": calibration}
    path.write_text(json.dumps(document, indent=1) + "\n")


if __name__ == "__main__":
    main()
