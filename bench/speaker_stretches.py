"""Where untagged lines go wrong: every gold quotation sorted by the kind of stretch of dialogue it sits in.

    .venv/bin/python bench/speaker_stretches.py ../shared/corpus [--weights-dir DIR] [--only NAME ...]
        [--ner-cache DIR] [--type implicit|anaphoric|explicit|all] [--show STRETCH] [--examples N] [--json FILE]

Each book (PDNC novels and LitBank openings) is analysed in this process with the packaged speaker weights or,
with `--weights-dir` (from `train_speakers.py --lono-dir`), those fitted without it: the held-out figures. The
speaker stage's runs are captured through `pipeline.AnalysisHooks` (as `train_speakers.py` does), so each
quotation also says whether its gold speaker was among the decoder's candidates at all.

The stretch of a quotation (the first that applies), read from the predicted quotations' paragraphs and the
gold speakers of the quotations before it:

- narrator replying: the gold speaker is a first-person book's narrator;
- same paragraph, same / other speaker: a quotation before it in its paragraph (after an action beat);
- beat before, speaker / other / no one named: the quotation opens a turn after narration in its own paragraph
  (`Ada looked up. "..."`), which names the gold speaker, only others, or no character;
- opening, ...: the first quotation of a run of dialogue; split by the narration paragraph just before it
  (speaker named / other named / no one named: the last sentence's characters);
- after narration, ...: one narration paragraph since the last quotation; split the same way;
- same speaker, new paragraph: the gold speaker spoke the turn just before;
- second turn: the reply to a run's first turn;
- A-B alternation: the gold speaker spoke the turn before last (and someone else the turn between);
- third person joining: neither of the last two turns' speakers.

Printed per corpus: for each stretch the quotations (of `--type`, default implicit), how many are wrong, how
many of the wrong ones had no right candidate ("no cand": the gold speaker was not among the decoder's
options; "no char": no predicted character stands for them at all), and how many follow a wrong turn
("after err": the turn before is wrong too; the cascades). The corpus never enters the repository.
"""

from __future__ import annotations

import json
import pickle
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import eval_books
import eval_pdnc
import litbank_docs

STRETCHES = (
    "narrator replying", "same paragraph, same speaker", "same paragraph, other speaker",
    "beat before, speaker named", "beat before, other named", "beat before, no one named",
    "opening, speaker named", "opening, other named", "opening, no one named",
    "after narration, speaker named", "after narration, other named", "after narration, no one named",
    "same speaker, new paragraph", "second turn", "A-B alternation", "third person joining",
)


def capture(path: Path, name: str, ner_cache: Path | None):
    """The analysis of a book, with the speaker stage's index, quotations and the decoder's candidates."""
    from filmsofone.analysis import analyze, nlp
    from filmsofone.analysis.pipeline import AnalysisHooks
    from filmsofone.analysis.speaker_decoder import SpeakerDecoder
    from filmsofone.ingest import read_book

    seen = {}

    def speaker_rules(index, quotes, guesses):
        seen.update(index=index, quotes=quotes, candidates={
            p.index: [who for who, _ in p.options] for run in SpeakerDecoder(index, None).runs(quotes, guesses) for p in run})

    def entities(text, spans, **kw):
        cached = ner_cache / f"{name}.pkl" if ner_cache else None
        if cached and cached.exists():
            return pickle.loads(cached.read_bytes())
        found = list(nlp.entities(text, spans, **kw))
        if cached:
            cached.write_bytes(pickle.dumps(found))
        return found

    analysis = analyze(read_book(path), slug=name.lower(), title=name,
                       hooks=AnalysisHooks(entities=entities, speaker_rules=speaker_rules))
    return analysis, seen


def stretch(i: int, quotes, gold: list[str | None], index, to_gold: dict, narrator: str | None) -> str:
    """The kind of stretch quotation `i` sits in (see the module docstring)."""
    from filmsofone.analysis.conversation import link

    want = gold[i]
    if narrator is not None and want == narrator:
        return "narrator replying"
    kind = link(quotes[i - 1], quotes[i]) if i else "start"
    if kind == "same_paragraph":
        return "same paragraph, " + ("same speaker" if gold[i - 1] == want else "other speaker")
    para = index.paragraphs[quotes[i].paragraphs[0]]
    if quotes[i].start - 1 > para.start:
        named = _named(index, para.start, quotes[i].start - 1, to_gold)
        if named:
            return "beat before, " + _who(named, want)
    if kind in ("start", "gap"):
        previous = index.paragraphs[quotes[i].paragraphs[0] - 1] if quotes[i].paragraphs[0] else None
        named = []
        if previous is not None and not index.inside.any_between(previous.start, previous.end):
            named = _named(index, _last_sentence(index.text, previous.start, previous.end), previous.end, to_gold)
        return ("opening, " if kind == "start" else "after narration, ") + _who(named, want)
    if gold[i - 1] == want:
        return "same speaker, new paragraph"
    j = i - 1
    while j > 0 and link(quotes[j - 1], quotes[j]) == "same_paragraph":
        j -= 1
    if j == 0 or link(quotes[j - 1], quotes[j]) == "start":
        return "second turn"
    return "A-B alternation" if gold[j - 1] == want else "third person joining"


def _named(index, start: int, end: int, to_gold: dict) -> list[str]:
    """The gold characters named in narration `text[start:end]` (through the predicted characters)."""
    return [to_gold.get(who) for _, _, who in index.mentions_in(start, end) if who in index.characters]


def _who(named: list[str | None], want: str | None) -> str:
    return "speaker named" if want in named else "other named" if named else "no one named"


def _last_sentence(text: str, start: int, end: int) -> int:
    cut = max(text.rfind(mark, start, end - 2) for mark in (". ", "! ", "? ", ".\n", "!\n", "?\n"))
    return cut + 2 if cut >= start else start


def rows_of(book: str, corpus: str, analysis, seen: dict, to_gold: dict, gold: list, types: list,
            narrator: str | None, text: str) -> list[dict]:
    """One row per predicted quotation that has a gold speaker."""
    quotes, index, candidates = seen["quotes"], seen["index"], seen["candidates"]
    predicted = [to_gold.get(q.speaker) for q in analysis.quotes]
    present = {g for g in to_gold.values() if g}
    rows = []
    for i, quote in enumerate(quotes):
        if gold[i] is None:
            continue
        right = predicted[i] == gold[i]
        previous_wrong = i > 0 and gold[i - 1] is not None and predicted[i - 1] != gold[i - 1]
        rows.append({
            "book": book, "corpus": corpus, "type": types[i], "stretch": stretch(i, quotes, gold, index, to_gold, narrator),
            "right": right, "candidate": any(to_gold.get(w) == gold[i] for w in candidates.get(i, [])),
            "in_list": gold[i] in present, "after_error": previous_wrong, "method": analysis.quotes[i].method,
            "gold": gold[i], "got": predicted[i], "span": quote.spans[0], "text": text,
        })
    return rows


def pdnc_book(novel: Path, ner_cache: Path | None) -> list[dict]:
    analysis, seen = capture(novel / "novel_text.txt", novel.name, ner_cache)
    gold_chars, gold_quotes = eval_pdnc.load_gold(novel)
    owner = eval_pdnc.unique_names(gold_chars)
    to_gold = eval_pdnc.gold_of_clusters([c.model_dump() for c in analysis.characters], owner)
    found = eval_pdnc.QuoteSpans([{"spans": q["spans"], "q": q} for q in gold_quotes])
    matched = [found.overlapping(q.spans) for q in seen["quotes"]]
    gold = [eval_pdnc.gold_character(m["q"]["speaker"], gold_chars, owner) if m else None for m in matched]
    types = [m["q"]["type"] if m else None for m in matched]
    first_person, narrator = eval_books._pdnc_narrator(novel)
    text = (novel / "novel_text.txt").read_text(encoding="utf-8")
    return rows_of(novel.name, "pdnc", analysis, seen, to_gold, gold, types, narrator if first_person else None, text)


def litbank_book(doc: litbank_docs.Document, ner_cache: Path | None) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{doc.name}.txt"
        path.write_text(doc.text, encoding="utf-8")
        analysis, seen = capture(path, doc.name, ner_cache)
    to_gold = eval_books.litbank_to_gold(doc, [c.model_dump() for c in analysis.characters])[0]
    gold, types = [], []
    for q in seen["quotes"]:
        hit = next(((speaker, kind) for s, e in q.spans for gs, ge, speaker, kind in doc.quotes if gs < e and s < ge), (None, None))
        gold.append(hit[0])
        types.append(hit[1])
    return rows_of(doc.name, "litbank", analysis, seen, to_gold, gold, types, doc.narrator, doc.text)


def print_table(rows: list[dict], wanted_type: str) -> None:
    for label, corpus in (("PDNC", "pdnc"), ("LitBank", "litbank"), ("all", None)):
        part = [r for r in rows if (corpus is None or r["corpus"] == corpus) and wanted_type in ("all", r["type"])]
        if not part:
            continue
        wrong = [r for r in part if not r["right"]]
        print(f"\n{label}, {wanted_type} quotations: {len(part)}, right {len(part) - len(wrong)} "
              f"({1 - len(wrong) / len(part):.3f}), wrong {len(wrong)}")
        print(f"{'stretch':32} {'n':>5} {'wrong':>5} {'acc':>6} {'no cand':>7} {'no char':>7} {'after err':>9}")
        by = defaultdict(list)
        for r in part:
            by[r["stretch"]].append(r)
        for name in sorted(by, key=lambda s: -sum(not r["right"] for r in by[s])):
            group = by[name]
            bad = [r for r in group if not r["right"]]
            print(f"{name:32} {len(group):5d} {len(bad):5d} {1 - len(bad) / len(group):6.3f} "
                  f"{sum(not r['candidate'] for r in bad):7d} {sum(not r['in_list'] for r in bad):7d} "
                  f"{sum(r['after_error'] for r in bad):9d}")


def print_examples(rows: list[dict], name: str, n: int, wanted_type: str) -> None:
    for r in [r for r in rows if r["stretch"] == name and not r["right"] and wanted_type in ("all", r["type"])][:n]:
        context = eval_books.quotation_in_context(r["text"], r["span"], 300, 160, 100)
        print(f"--- {r['book']} gold={r['gold']} got={r['got']} method={r['method']} cand={r['candidate']}\n{context}\n")


def main() -> None:
    parser = eval_books.book_arguments(__doc__)
    parser.add_argument("--ner-cache", type=Path, help="the recogniser's entities kept between runs")
    parser.add_argument("--type", default="implicit", choices=("implicit", "anaphoric", "explicit", "all"))
    parser.add_argument("--show", action="append", default=[], help="print wrong quotations of this stretch")
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the rows (without the text) here")
    args = parser.parse_args()
    if args.ner_cache:
        args.ner_cache.mkdir(parents=True, exist_ok=True)
    novels, docs = eval_books.development_books(args.corpus, args.only, quoted_only=True)
    books = [(n.name, lambda n=n: pdnc_book(n, args.ner_cache)) for n in novels]
    books += [(d.name, lambda d=d: litbank_book(d, args.ner_cache)) for d in docs]
    rows = eval_books.rows_of_books(books, args.weights_dir)
    for name in args.show:
        print_examples(rows, name, args.examples, args.type)
    print_table(rows, args.type)
    if args.json:
        args.json.write_text(json.dumps([{k: v for k, v in r.items() if k != "text"} for r in rows], indent=0))


if __name__ == "__main__":
    main()
