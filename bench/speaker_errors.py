"""Why speakers go wrong: every gold quotation of the development books sorted into a kind of error.

    .venv/bin/python bench/speaker_errors.py ../shared/corpus [--weights-dir DIR] [--only NAME ...]
        [--show KIND] [--examples N] [--json FILE]

Each book is analysed in this process (PDNC novels and LitBank openings, as `eval_books.py` does), with the
packaged speaker weights or, with `--weights-dir` (from `train_speakers.py --lono-dir`), those fitted without
it. Each gold quotation with a speaker falls into one kind, the first that applies:

- right; missed (no predicted quotation overlaps it);
- narrator: the gold speaker is the book's first-person narrator (and the quotation is wrong);
- unnamed not in list: the gold speaker has no proper name in the gold (LitBank: no PROP mention; "the boy")
  and no predicted character stands for it;
- named not in list: the gold speaker has a name but no predicted character stands for it;
- tag name -> other: a name tag whose subject is the gold speaker's own name gave someone else (the
  character list maps that name wrongly: a merge or a split);
- tag name misread: a name tag naming someone other than the gold speaker (the subject found is not the speaker);
- tag pronoun / tag descriptor / tag I: the tag's pronoun, description or "I" resolved to the wrong person;
- untagged <method>: no tag; the method that chose the wrong speaker (turn-taking, vocative, narration, ...);
- spurious: the chosen speaker is a predicted character that stands for no gold character.

`--tag-causes` splits the wrong pronoun and descriptor tags of the PDNC novels by cause, from PDNC's own
columns (each quotation's addressees, each character's gender): the speaker chosen is one the quotation
addresses; is the previous quotation's speaker; the gold speaker was the previous quotation's; the chosen one
is of the other gender; another person of the same gender; or the row's kind when the tag was not the problem
(the gold speaker not in the character list...). `--show "tag pronoun: chose an addressee"` prints those rows.

Printed: counts per kind, per corpus; `--show KIND --examples N` prints that many wrong quotations of a kind
with the text around them. The corpus never enters the repository.
"""

from __future__ import annotations

import ast
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import eval_books
import eval_pdnc
import litbank_docs


def classify(gold: str, quote: dict | None, to_gold: dict, present: set, named: bool, narrator: str | None,
             tag_owner: str | None) -> str:
    """The kind of a gold quotation's outcome (see the module docstring)."""
    if quote is None:
        return "missed"
    got = to_gold.get(quote["speaker"])
    if got == gold:
        return "right"
    if narrator is not None and gold == narrator:
        return "narrator"
    if gold not in present:
        return "named not in list" if named else "unnamed not in list"
    tag = quote.get("tag")
    if tag is not None:
        if tag["kind"] == "name":
            return "tag name -> other" if tag_owner == gold else "tag name misread"
        return {"pronoun": "tag pronoun", "descriptor": "tag descriptor", "narrator": "tag I"}[tag["kind"]]
    if quote["speaker"] is not None and got is None:
        return "spurious"
    return f"untagged {quote.get('method') or 'none'}"


def litbank_book(doc: litbank_docs.Document) -> list[dict]:
    analysis = eval_books.analyse_text(doc.text, doc.name)
    to_gold = eval_books.litbank_to_gold(doc, analysis["characters"])[0]
    present = set(to_gold.values())
    mention_owner = sorted((s, e, entity) for entity, ms in doc.entities.items() for s, e, _ in ms)
    find = eval_pdnc.QuoteSpans(analysis["quotes"]).overlapping
    rows = []
    for s, e, speaker, kind in doc.quotes:
        if speaker is None:
            continue
        quote = find([(s, e)])
        owner = None
        if quote is not None and quote.get("tag"):
            ts, te = quote["tag"]["who_span"]
            owner = next((g for ms, me, g in mention_owner if ms < te and ts < me), None)
        category = classify(speaker, quote, to_gold, present, bool(doc.proper_names(speaker)), doc.narrator, owner)
        rows.append({"book": doc.name, "corpus": "litbank", "type": kind, "kind": category, "span": (s, e),
                     "gold": speaker, "got": to_gold.get(quote["speaker"]) if quote else None,
                     "tag": quote.get("tag") if quote else None, "text": doc.text})
    return rows


def pdnc_context(novel: Path, gold: dict, owner: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """PDNC's addressees of each gold quotation (by its first span: gold characters) and each character's gender."""
    addressed = {}
    with open(novel / "quotation_info.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names = ast.literal_eval(row["addressees"] or "[]")
            first = tuple(ast.literal_eval(row["quoteByteSpans"])[0])
            addressed[first] = sorted({eval_pdnc.gold_character(n, gold, owner) for n in names})
    with open(novel / "character_info.csv", encoding="utf-8") as f:
        gender = {row["Main Name"]: row["Gender"].strip() for row in csv.DictReader(f)}
    return addressed, gender


def tag_cause(row: dict) -> str | None:
    """Why a wrong pronoun or descriptor tag went wrong (PDNC rows), or None for other rows."""
    if row["corpus"] != "pdnc" or row["kind"] == "right" or not row["tag"] or row["tag"]["kind"] not in ("pronoun", "descriptor"):
        return None
    got, gold = row["got"], row["gold"]
    if not row["kind"].startswith("tag "):
        return row["kind"]
    if got is None:
        return "chose no gold character"
    if got in row["addressees"]:
        return "chose an addressee"
    if got == row["previous"]:
        return "chose the previous speaker"
    if gold == row["previous"]:
        return "gold was the previous speaker"
    if row["genders"][0] != row["genders"][1]:
        return "chose the other gender"
    return "another of the same gender"


def print_tag_causes(rows: list[dict]) -> None:
    for kind in ("pronoun", "descriptor"):
        tagged = [r for r in rows if r["corpus"] == "pdnc" and r["tag"] and r["tag"]["kind"] == kind]
        causes = Counter(r["cause"] for r in tagged if r["cause"])
        print(f"\nPDNC {kind} tags: {len(tagged)}, wrong {sum(causes.values())}")
        for cause, n in causes.most_common():
            print(f"  {cause:32} {n:5d}")


def pdnc_book(novel: Path) -> list[dict]:
    analysis = eval_pdnc.import_one(novel, analysis_only=True)["analysis"]
    gold, gold_quotes = eval_pdnc.load_gold(novel)
    owner = eval_pdnc.unique_names(gold)
    to_gold = eval_pdnc.gold_of_clusters(analysis["characters"], owner)
    present = {g for g in to_gold.values() if g}
    first_person, narrator = eval_books._pdnc_narrator(novel)
    find = eval_pdnc.QuoteSpans(analysis["quotes"]).overlapping
    text = (novel / "novel_text.txt").read_text(encoding="utf-8")
    addressed, gender = pdnc_context(novel, gold, owner)
    rows = []
    previous = None
    for q in sorted(gold_quotes, key=lambda q: q["spans"][0]):
        speaker = eval_pdnc.gold_character(q["speaker"], gold, owner)
        quote = find(q["spans"])
        tag_owner = owner.get(eval_pdnc.norm(quote["tag"]["who"])) if quote is not None and quote.get("tag") else None
        category = classify(speaker, quote, to_gold, present, True, narrator if first_person else None, tag_owner)
        rows.append({"book": novel.name, "corpus": "pdnc", "type": q["type"], "kind": category,
                     "span": tuple(q["spans"][0]), "gold": speaker,
                     "got": to_gold.get(quote["speaker"]) if quote else None,
                     "tag": quote.get("tag") if quote else None, "text": text,
                     "addressees": addressed.get(tuple(q["spans"][0]), []), "previous": previous})
        got = rows[-1]["got"]
        rows[-1]["genders"] = (gender.get(got), gender.get(speaker))
        rows[-1]["cause"] = tag_cause(rows[-1])
        previous = speaker
    return rows


def print_counts(rows: list[dict]) -> None:
    for label, corpus in (("PDNC", "pdnc"), ("LitBank", "litbank"), ("all", None)):
        part = [r for r in rows if corpus is None or r["corpus"] == corpus]
        if not part:
            continue
        counts = Counter(r["kind"] for r in part)
        by_type = defaultdict(Counter)
        for r in part:
            by_type[r["kind"]][r["type"]] += 1
        print(f"\n{label}: {len(part)} quotations, right {counts['right']} ({counts['right'] / len(part):.3f})")
        print(f"{'kind':28} {'n':>5} {'share':>6}  {'expl':>5} {'anaph':>5} {'impl':>5}")
        for kind, n in counts.most_common():
            if kind == "right":
                continue
            t = by_type[kind]
            print(f"{kind:28} {n:5d} {n / len(part):6.3f}  {t['explicit']:5d} {t['anaphoric']:5d} {t['implicit']:5d}")


def print_examples(rows: list[dict], kind: str, n: int) -> None:
    shown = [r for r in rows if kind in (r["kind"], f"{r['kind']}: {r.get('cause')}")][:n]
    for r in shown:
        context = eval_books.quotation_in_context(r["text"], r["span"], 250, 200, 120)
        tag = f" tag={r['tag']['kind']}:{r['tag']['who']}" if r["tag"] else ""
        print(f"--- {r['book']} gold={r['gold']} got={r['got']}{tag}\n{context}\n")


def main() -> None:
    parser = eval_books.book_arguments(__doc__)
    parser.add_argument("--show", action="append", default=[], help="print examples of this kind of error")
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the rows (without the text) here")
    parser.add_argument("--tag-causes", action="store_true",
                        help="split the wrong pronoun and descriptor tags of the PDNC novels by cause")
    args = parser.parse_args()
    novels, docs = eval_books.development_books(args.corpus, args.only, quoted_only=True)
    books = [(n.name, lambda n=n: pdnc_book(n)) for n in novels] + [(d.name, lambda d=d: litbank_book(d)) for d in docs]
    rows = eval_books.rows_of_books(books, args.weights_dir)
    for kind in args.show:
        print_examples(rows, kind, args.examples)
    print_counts(rows)
    if args.tag_causes:
        print_tag_causes(rows)
    if args.json:
        args.json.write_text(json.dumps([{k: v for k, v in r.items() if k != "text"} for r in rows], indent=0))


if __name__ == "__main__":
    main()
