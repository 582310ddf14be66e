"""LitBank's coreference and quotation layers read into text plus gold, for the bench scripts.

Each `<id>_brat.txt` (one sentence a line, tokens split by spaces) is rebuilt as ordinary prose: tokens are
joined with the usual spacing (no space before "," or "'s", none inside quotation marks), sentences with a
space, and a new paragraph (a blank line) starts at each sentence that opens a quotation, the convention of
printed dialogue (the layers carry no paragraph breaks). Every token keeps its character span, so the gold
mentions and quotations are located in the rebuilt text.

Gold, per document:
- entities: coref entity id -> its mentions `(start, end, kind)` with kind PROP / NOM / PRON, PER only;
- quotes: `(start, end, speaker entity id or None, type)`, the type derived from the coref layer as PDNC
  defines it: "explicit" when a proper-name mention of the speaker stands in the quotation's sentences (and a
  following sentence that starts in lower case, "said Lucy.") outside it, "anaphoric" when a pronoun or noun phrase of the speaker does, else "implicit";
- narrator: the entity of most first-person pronouns ("I", "me", "my", ...) in the narration (outside
  quotations), when the narration uses them at least 10 times and at a rate of 1 in 100 tokens; else None.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "'s", "’s", "n't", "n’t", "’re", "’ve", "’ll", "’d", "’m", "'re", "'ve", "'ll", "'d", "'m", "...", "'S"}
_NO_SPACE_AFTER = {"(", "["}
_OPENING = {"“", "‘"}
_CLOSING = {"”", "’", "’”"}
_TOGGLING = {'"', "'"}
_FIRST_PERSON = {"i", "me", "my", "myself", "mine"}


@dataclass
class Document:
    name: str
    text: str
    entities: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    quotes: list[tuple[int, int, str | None, str]] = field(default_factory=list)
    narrator: str | None = None
    has_quote_layer: bool = False

    def proper_names(self, entity: str) -> list[str]:
        return [self.text[s:e] for s, e, kind in self.entities.get(entity, []) if kind == "PROP"]


def documents(litbank: Path, names: list[str] | None = None) -> list[Document]:
    """Every document that has a coref layer (`litbank` is the folder holding coref/ and quotations/)."""
    found = []
    for ann in sorted((litbank / "coref").glob("*_brat.ann")):
        name = ann.name.removesuffix("_brat.ann")
        if names and name not in names and not any(name.startswith(n) for n in names):
            continue
        found.append(read(litbank, name))
    return found


def read(litbank: Path, name: str) -> Document:
    sentences = [line.split(" ") if line else [] for line in
                 (litbank / "coref" / f"{name}_brat.txt").read_text(encoding="utf-8").split("\n")]
    text, offsets = _rebuild(sentences)
    doc = Document(name=name, text=text)
    mentions, coref = {}, {}
    for row in _rows(litbank / "coref" / f"{name}_brat.ann"):
        if row[0] == "MENTION" and len(row) >= 9:
            mentions[row[1]] = (_span(offsets, row[2:6]), row[7], row[8])
        elif row[0] == "COREF":
            coref[row[1]] = row[2]
    entities = defaultdict(list)
    for mention, entity in coref.items():
        if mention in mentions and mentions[mention][1] == "PER":
            (s, e), _, kind = mentions[mention]
            entities[entity].append((s, e, kind))
    doc.entities = {k: sorted(v) for k, v in entities.items()}
    quote_file = litbank / "quotations" / f"{name}_brat.ann"
    if quote_file.exists():
        doc.has_quote_layer = True
        spans, speakers = {}, {}
        for row in _rows(quote_file):
            if row[0] == "QUOTE":
                spans[row[1]] = (_span(offsets, row[2:6]), int(row[2]), int(row[4]))
            elif row[0] == "ATTRIB":
                speakers[row[1]] = row[2]
        sentence_spans = [(_span(offsets, [str(i), "0", str(i), str(len(s) - 1)]) if s else (0, 0)) for i, s in enumerate(sentences)]
        for qid, ((s, e), first, last) in sorted(spans.items(), key=lambda kv: kv[1][0]):
            speaker = speakers.get(qid)
            if last + 1 < len(sentences) and sentences[last + 1][:1] and sentences[last + 1][0][:1].islower():
                last += 1  # '"Not a word, mind!" | said Nell.': the tag is split off as a sentence
            doc.quotes.append((s, e, speaker, _quote_type(doc, speaker, s, e, sentence_spans[first][0], sentence_spans[last][1])))
    doc.narrator = _narrator(doc)
    return doc


def _rows(path: Path):
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            yield line.split("\t")


def _span(offsets, fields) -> tuple[int, int]:
    s_sent, s_tok, e_sent, e_tok = (int(f) for f in fields)
    return offsets[s_sent][s_tok][0], offsets[e_sent][e_tok][1]


def _rebuild(sentences: list[list[str]]) -> tuple[str, list[list[tuple[int, int]]]]:
    pieces: list[str] = []
    offsets: list[list[tuple[int, int]]] = []
    cursor, open_marks, curly = 0, Counter(), 0
    glue_next = True
    for tokens in sentences:
        spans = []
        opens_quote = bool(tokens) and (tokens[0] in _OPENING or tokens[0] in _TOGGLING)
        if tokens and pieces:
            separator = "\n\n" if opens_quote and not curly and not any(open_marks.values()) else " "
            if glue_next and separator == " ":
                separator = ""
            pieces.append(separator)
            cursor += len(separator)
        glue_next = True
        for k, token in enumerate(tokens):
            if token in _TOGGLING:  # a straight mark opens a sentence's first token, closes its last, else flips
                is_open = True if k == 0 else False if k == len(tokens) - 1 else not open_marks[token]
                opening, closing = is_open, not is_open
                open_marks[token] = int(is_open)
            else:
                opening, closing = token in _OPENING, token in _CLOSING
                curly = curly + 1 if opening else max(0, curly - 1) if closing else curly
            space = "" if glue_next or closing or token in _NO_SPACE_BEFORE else " "
            pieces.append(space + token)
            cursor += len(space)
            spans.append((cursor, cursor + len(token)))
            cursor += len(token)
            glue_next = opening or token in _NO_SPACE_AFTER
        offsets.append(spans)
    return "".join(pieces), offsets


def _quote_type(doc: Document, speaker: str | None, start: int, end: int, sentence_start: int, sentence_end: int) -> str:
    kinds = {kind for s, e, kind in doc.entities.get(speaker, [])
             if sentence_start <= s and e <= sentence_end and (e <= start or s >= end)}
    return "explicit" if "PROP" in kinds else "anaphoric" if kinds else "implicit"


def _narrator(doc: Document) -> str | None:
    spans = sorted((s, e) for s, e, _, _ in doc.quotes)
    starts = [s for s, _ in spans]

    def in_quote(position: int) -> bool:
        i = bisect.bisect_right(starts, position) - 1
        return i >= 0 and position < spans[i][1]

    counts = Counter(entity for entity, mentions in doc.entities.items() for s, e, kind in mentions
                     if kind == "PRON" and doc.text[s:e].lower() in _FIRST_PERSON and not in_quote(s))
    narration_tokens = len(doc.text.split()) - sum(len(doc.text[s:e].split()) for s, e in spans)
    if not counts:
        return None
    entity, n = counts.most_common(1)[0]
    return entity if n >= 10 and n >= 0.01 * narration_tokens else None


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Print what the gold of each LitBank document holds.")
    parser.add_argument("litbank", type=Path)
    args = parser.parse_args()
    for doc in documents(args.litbank):
        types = Counter(t for *_, t in doc.quotes)
        narrator = f"{doc.narrator} {sorted(set(doc.proper_names(doc.narrator)))[:3]}" if doc.narrator else "-"
        print(f"{doc.name[:40]:40} chars={len(doc.text):6d} entities={len(doc.entities):3d} quotes={len(doc.quotes):3d} "
              f"{dict(types)} narrator={narrator}")


if __name__ == "__main__":
    main()
