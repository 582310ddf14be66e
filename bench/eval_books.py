"""Score the book analysis on all development books: 8 PDNC novels and the 35 LitBank openings.

    .venv/bin/python bench/eval_books.py ../shared/corpus [--weights-dir DIR] [--only NAME ...] [--json FILE]

`--weights-dir` (from `bench/train_speakers.py --lono-dir DIR`) scores each book with the speaker weights fitted
without it (<dir>/<book>.json): the leave-one-book-out figures. Without it the packaged weights are used.

PDNC novels are imported by `eval_pdnc.score_novel` (one child process each, analysis only); LitBank
documents are rebuilt as prose by `litbank_docs` and analysed in this process. Printed per book and overall
(PDNC, LitBank, all):

- chars: recall of gold characters (PDNC: major + intermediate; LitBank: people named at least twice) found
  as a character of their own (a predicted character maps to them);
- coref P / R (LitBank): pairwise precision and recall of the gold proper-name mentions of people grouped into
  characters (a mention belongs to the character whose alias covers it in the text);
- quotes: gold quotations overlapped by a predicted one;
- speaker accuracy overall and by type (explicit / anaphoric / implicit; PDNC's gold types, LitBank's derived
  from its coref layer, see `litbank_docs`), missed quotations counting as wrong;
- narrator: for a first-person book, "named" (the narrator is a character under the book's name for them),
  "found" (a narrator character, unnamed or the book gives no name), "MISSED"; for a third-person book "-",
  or "FALSE" when a narrator was made up.

`--details` prints, for each LitBank document, the gold people named at least twice (found or MISSING, with
the proper names the gold gives them) and each predicted character with its aliases and the gold it maps to.

A predicted character maps to the gold character most of its alias occurrences cover (LitBank) or most of its
aliases belong to (PDNC, `eval_pdnc.gold_of_clusters`); the narrator character maps to the gold narrator.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import os
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import eval_pdnc
import litbank_docs

WEIGHTS_ENV = "FILMSOFONE_SPEAKER_WEIGHTS"
TYPES = ("explicit", "anaphoric", "implicit")


def is_narrator(character: dict) -> bool:
    return character["name"] == "the narrator" or "I" in character["aliases"]


# --- LitBank ------------------------------------------------------------------------------------------


def analyse_text(text: str, name: str):
    from filmsofone.analysis import analyze
    from filmsofone.ingest import read_book

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        return analyze(read_book(path), slug="doc", title=name).model_dump(mode="json")


def alias_mentions(text: str, characters: list[dict]) -> list[tuple[int, int, str]]:
    """(start, end, character id) for every occurrence of an alias, longest first (an alias two characters
    share belongs to neither; the full stop of a title is optional, as in the analysis's own mention scan)."""
    owners = defaultdict(set)
    for c in characters:
        for alias in {c["name"], *c["aliases"]}:
            if alias != "I" and alias.strip():
                owners[alias].add(c["id"])
                if alias.startswith("the "):
                    owners["The " + alias[4:]].add(c["id"])
    if not owners:
        return []
    alternatives = sorted(owners, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a).replace(r"\ ", r"\s+").replace(r"\.", r"\.?")
                                                for a in alternatives) + r")(?!\w)")
    lookup: dict[str, set] = defaultdict(set)  # "Mr Pellow" is "Mr. Pellow", as the analysis finds mentions
    for a, ids in owners.items():
        lookup[re.sub(r"\s+", " ", a).replace(".", "")] |= ids
    found = []
    for match in pattern.finditer(text):
        ids = lookup.get(re.sub(r"\s+", " ", match.group(0)).replace(".", ""), set())
        if len(ids) == 1:
            found.append((match.start(), match.end(), next(iter(ids))))
    return found


def litbank_to_gold(doc: litbank_docs.Document, characters: list[dict]):
    """(predicted character id -> gold entity, [(gold entity, predicted id or None) per gold proper-name
    mention], predicted ids of narrator characters, votes: id -> Counter of gold entities it covers)."""
    gold_of_mention = sorted((s, e, entity, kind) for entity, ms in doc.entities.items() for s, e, kind in ms)
    predicted = alias_mentions(doc.text, characters)
    starts = [p[0] for p in predicted]

    def predicted_at(s: int, e: int) -> str | None:
        i = max(0, bisect.bisect_left(starts, s) - 2)
        while i < len(predicted) and predicted[i][0] < e:
            if predicted[i][1] > s:
                return predicted[i][2]
            i += 1
        return None

    votes: dict[str, Counter] = defaultdict(Counter)
    proper = []
    for s, e, entity, kind in gold_of_mention:
        cid = predicted_at(s, e)
        if cid is not None:
            votes[cid][entity] += 1
        if kind == "PROP":
            proper.append((entity, cid))
    to_gold = {cid: min(v, key=lambda g: (-v[g], g)) for cid, v in votes.items()}
    narrators = [c["id"] for c in characters if is_narrator(c)]
    for cid in narrators:
        if cid not in to_gold and doc.narrator:
            to_gold[cid] = doc.narrator
    return to_gold, proper, narrators, votes


def gold_speaker_of(doc: litbank_docs.Document, spans) -> str | None:
    """The gold speaker of the first gold quotation a predicted quotation's spans overlap."""
    for s, e in spans:
        for gs, ge, speaker, _ in doc.quotes:
            if gs < e and s < ge:
                return speaker
    return None


def details(doc: litbank_docs.Document, characters: list[dict], to_gold: dict, votes: dict, named: set[str]) -> list[str]:
    """Lines showing the gold people named twice (found or MISSING, with their proper names) and every predicted
    character (aliases, the gold entity it maps to and the gold mentions its aliases cover)."""
    found = set(to_gold.values())
    lines = [f"  gold narrator: {doc.narrator} {sorted(set(doc.proper_names(doc.narrator)))}" if doc.narrator else "  gold narrator: -"]
    for entity in sorted(named, key=lambda g: -len(doc.proper_names(g))):
        lines.append(f"  gold {'found  ' if entity in found else 'MISSING'} {entity}: {dict(Counter(doc.proper_names(entity)))}")
    for c in characters:
        covered = dict(votes.get(c["id"], {}))
        lines.append(f"  predicted {c['id']} {c['name']!r} {sorted(a for a in c['aliases'] if a != c['name'])} "
                     f"-> {to_gold.get(c['id'])} {covered}")
    return lines


def score_litbank(doc: litbank_docs.Document, weights_dir: Path | None) -> dict:
    if weights_dir is not None and doc.quotes:  # a document without quotations has no speakers to weigh
        os.environ[WEIGHTS_ENV] = eval_pdnc.held_out_weights(weights_dir, doc.name)
    analysis = analyse_text(doc.text, doc.name)
    characters = analysis["characters"]
    to_gold, proper, narrators, votes = litbank_to_gold(doc, characters)
    named = {g for g, ms in doc.entities.items() if sum(k == "PROP" for *_, k in ms) >= 2}
    found_chars = named & set(to_gold.values())
    precision_pairs, recall_pairs = _pairs(proper)

    predicted = eval_pdnc.QuoteSpans(analysis["quotes"])
    totals, correct, found_quotes = Counter(), Counter(), 0
    for s, e, speaker, kind in doc.quotes:
        if speaker is None:
            continue
        totals[kind] += 1
        hit = predicted.overlapping([(s, e)])
        if hit is None:
            continue
        found_quotes += 1
        correct[kind] += to_gold.get(hit["speaker"]) == speaker
    narrator = _narrator_verdict(bool(doc.narrator), bool(narrators),
                                 bool(doc.proper_names(doc.narrator)) if doc.narrator else False,
                                 any(to_gold.get(c) == doc.narrator and votes.get(c) for c in narrators))
    quotes = sum(totals.values())
    return {
        "book": doc.name, "corpus": "litbank", "details": details(doc, characters, to_gold, votes, named),
        "chars_wanted": len(named), "chars_found": len(found_chars),
        "char_recall": len(found_chars) / len(named) if named else None,
        "missing": sorted(named - found_chars),
        "pairs": precision_pairs + recall_pairs,
        "coref_p": precision_pairs[0] / precision_pairs[1] if precision_pairs[1] else None,
        "coref_r": recall_pairs[0] / recall_pairs[1] if recall_pairs[1] else None,
        "quotes": quotes, "quotes_found": found_quotes,
        "by_type": {t: (correct[t], totals[t]) for t in totals},
        "narrator": narrator,
    }


def _pairs(mentions: list[tuple[str, str | None]]) -> tuple[tuple[int, int], tuple[int, int]]:
    """((same gold among same predicted, same predicted), (same predicted among same gold, same gold)) pair
    counts over the gold proper-name mentions; a mention no character covers pairs with nothing."""
    both, same_pred, same_gold = Counter(), Counter(), Counter()
    for gold, pred in mentions:
        same_gold[gold] += 1
        if pred is not None:
            same_pred[pred] += 1
            both[(gold, pred)] += 1

    def pairs(counts) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    return (pairs(both), pairs(same_pred)), (pairs(both), pairs(same_gold))


def _narrator_verdict(gold: bool, predicted: bool, gold_named: bool, named: bool) -> str:
    if not gold:
        return "FALSE" if predicted else "-"
    if not predicted:
        return "MISSED"
    return "named" if named else "UNNAMED" if gold_named else "found"


# --- PDNC ---------------------------------------------------------------------------------------------


def score_pdnc(novel: Path, weights_dir: Path | None) -> dict:
    r = eval_pdnc.score_novel(novel, 0, True, weights_dir)
    gold, _ = eval_pdnc.load_gold(novel)
    wanted = [n for n, info in gold.items() if info["category"] in ("major", "intermediate") and not n.startswith("_")]
    first_person, narrator_name = _pdnc_narrator(novel)
    characters = r["characters"]
    narrators = [c for c in characters if is_narrator(c)]
    owner = eval_pdnc.unique_names(gold)
    to_gold = eval_pdnc.gold_of_clusters(characters, owner)
    named = narrator_name is not None and any(to_gold.get(c["id"]) == narrator_name for c in narrators)
    return {
        "book": novel.name, "corpus": "pdnc",
        "chars_wanted": len(wanted), "chars_found": len(wanted) - len(r["missing"]),
        "char_recall": r["char_recall"], "missing": r["missing"], "majors_merged": r["majors_merged"],
        "pairs": None, "coref_p": None, "coref_r": None,
        "quotes": r["quotes"], "quotes_found": round(r["quote_recall"] * r["quotes"]),
        "by_type": r["by_type"],
        "narrator": _narrator_verdict(first_person, bool(narrators), narrator_name is not None, named),
        "wall": r["wall"], "rss_mb": r["rss_mb"],
    }


def _pdnc_narrator(novel: Path) -> tuple[bool, str | None]:
    """(told in the first person, the gold name of the narrator when quotations are tagged "I said")."""
    index = novel.parent / "PDNC-Novel-Index.csv"
    first_person = False
    if index.exists():
        with open(index, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row.get("Folder Name", "").strip() == novel.name:
                    first_person = row.get("Narrative Person", "").strip().startswith("1")
    if not first_person:
        return False, None
    with open(novel / "quotation_info.csv", encoding="utf-8") as f:
        speakers = Counter(row["speaker"] for row in csv.DictReader(f) if re.search(r"\bI\b", row["referringExpression"]))
    return True, (speakers.most_common(1)[0][0] if speakers else None)


# --- table --------------------------------------------------------------------------------------------


def overall(results: list[dict], label: str) -> dict:
    by_type = defaultdict(lambda: [0, 0])
    for r in results:
        for t, (c, n) in r["by_type"].items():
            by_type[t][0] += c
            by_type[t][1] += n
    pairs = [r["pairs"] for r in results if r["pairs"]]
    wanted = sum(r["chars_wanted"] for r in results)
    return {
        "book": label, "chars_wanted": wanted, "chars_found": sum(r["chars_found"] for r in results),
        "char_recall": sum(r["chars_found"] for r in results) / wanted if wanted else None,
        "coref_p": sum(p[0] for p in pairs) / max(sum(p[1] for p in pairs), 1) if pairs else None,
        "coref_r": sum(p[2] for p in pairs) / max(sum(p[3] for p in pairs), 1) if pairs else None,
        "quotes": sum(r["quotes"] for r in results), "quotes_found": sum(r["quotes_found"] for r in results),
        "by_type": {t: tuple(v) for t, v in by_type.items()},
        "narrator": _narrator_summary(results),
    }


def _narrator_summary(results: list[dict]) -> str:
    verdicts = Counter(r["narrator"] for r in results)
    first = sum(n for v, n in verdicts.items() if v != "-" and v != "FALSE")
    ok = verdicts["named"] + verdicts["found"]
    return f"{ok}/{first}" + (f" F{verdicts['FALSE']}" if verdicts["FALSE"] else "")


def row(r: dict) -> str:
    def ratio(c, n):
        return f"{c / n:.3f}" if n else "  -  "

    def figure(x):
        return f"{x:.3f}" if x is not None else "  -  "

    speaker = sum(c for c, _ in r["by_type"].values())
    types = " ".join(f"{ratio(*r['by_type'].get(t, (0, 0))):>6}" for t in TYPES)
    return (f"{r['book'][:34]:34} {figure(r['char_recall']):>6} {figure(r['coref_p']):>6} {figure(r['coref_r']):>6} "
            f"{r['quotes']:5d} {ratio(r['quotes_found'], r['quotes']):>6} {ratio(speaker, r['quotes']):>6} {types} "
            f"{r['narrator']:>8}")


def print_table(results: list[dict]) -> None:
    header = (f"{'book':34} {'chars':>6} {'corefP':>6} {'corefR':>6} {'quote':>5} {'qrec':>6} {'spkr':>6} "
              f"{'expl':>6} {'anaph':>6} {'impl':>6} {'narrator':>8}")
    print(header)
    print("-" * len(header))
    for r in results:
        print(row(r))
        if r.get("missing"):
            print(f"    missing: {', '.join(r['missing'][:8])}")
        if r.get("majors_merged"):
            print(f"    MAJORS MERGED: {r['majors_merged']}")
    print("-" * len(header))
    for label, corpus in (("OVERALL PDNC", "pdnc"), ("OVERALL LitBank", "litbank"), ("OVERALL (all books)", None)):
        part = [r for r in results if corpus is None or r["corpus"] == corpus]
        if part:
            print(row(overall(part, f"{label} ({len(part)})")))
    walls = [r for r in results if r.get("wall")]
    if walls:
        print(f"PDNC import (analysis only): {sum(r['wall'] for r in walls):.1f} s wall in all, "
              f"peak RSS {max(r['rss_mb'] for r in walls):.0f} MB")


def book_arguments(description: str) -> argparse.ArgumentParser:
    """The arguments the development-book scripts share: the corpus folder, held-out weights, --only."""
    parser = argparse.ArgumentParser(description=description.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="the folder holding pdnc/ and litbank/")
    parser.add_argument("--weights-dir", type=Path, help="leave-one-book-out weights <dir>/<book>.json")
    parser.add_argument("--only", action="append", help="only books whose name starts with this")
    return parser


def development_books(corpus: Path, only: list[str] | None, quoted_only: bool = False):
    """The PDNC novel folders and LitBank documents under `corpus` (those whose name starts with one of `only`;
    with `quoted_only`, the LitBank documents that have quotations)."""
    novels = sorted(p for p in (corpus / "pdnc").iterdir() if (p / "novel_text.txt").is_file())
    docs = [d for d in litbank_docs.documents(corpus / "litbank") if d.quotes or not quoted_only]
    if only:
        novels = [n for n in novels if any(n.name.startswith(o) for o in only)]
        docs = [d for d in docs if any(d.name.startswith(o) for o in only)]
    return novels, docs


def rows_of_books(books: list[tuple[str, object]], weights_dir: Path | None) -> list[dict]:
    """Each (name, score) book scored in turn (with its held-out weights from `weights_dir`), rows joined."""
    rows = []
    for done, (name, score) in enumerate(books, 1):
        if weights_dir is not None:
            os.environ[WEIGHTS_ENV] = eval_pdnc.held_out_weights(weights_dir, name)
        rows += score()
        print(f"[{done}/{len(books)}] {name}", file=sys.stderr)
    return rows


def quotation_in_context(text: str, span: tuple[int, int], before: int, inside: int, after: int) -> str:
    """The quotation at `span` marked [[...]] (cut to `inside` characters) with the text around it."""
    s, e = span
    return text[max(0, s - before) : s] + "[[" + text[s : min(e, s + inside)] + "]]" + text[e : e + after]


def main() -> None:
    parser = book_arguments(__doc__)
    parser.add_argument("--json", type=Path, help="also write the per-book results here")
    parser.add_argument("--details", action="store_true",
                        help="also print each LitBank document's gold people and predicted characters")
    args = parser.parse_args()
    novels, docs = development_books(args.corpus, args.only)
    results = []
    for novel in novels:
        results.append(score_pdnc(novel, args.weights_dir))
    for doc in docs:
        results.append(score_litbank(doc, args.weights_dir))
        print(f"{doc.name}: done", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    if args.details:
        for r in results:
            if r.get("details"):
                print(f"== {r['book']}")
                print("\n".join(r["details"]))
    print_table(results)


if __name__ == "__main__":
    main()
