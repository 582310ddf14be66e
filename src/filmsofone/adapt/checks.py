"""Checks of an adaptation against its book (used by `bench/adapt_check.py` and the tests).

- `unverbatim_lines`: dialogue whose words are not the book's (the line must split, at its spaces, into at
  most as many pieces as the quotation has, each found in order in the book's text of the beat's span,
  whitespace runs read as one space);
- `tagged_actions`: action lines holding a speech tag (`lexicon.SPEECH_VERBS`) or its residue (a lower-case
  or punctuation start, a quotation mark, under three words);
- `interior_share`: the share of action sentences stating an interior state (`lexicon.INTERIOR_STATE_WORDS`);
- `uncast_majors`: major characters with no kept scene.
"""

from __future__ import annotations

from ..lexicon import has_speech_verb, states_interior
from ..models import BookAnalysis
from .filmable import is_residue, split_sentences, tidy
from .model import Adaptation


def is_verbatim(line: str, source: str, pieces: int) -> bool:
    """`line` is `pieces` or fewer runs of `source`'s words in order (whitespace made single spaces)."""
    flat = tidy(source)
    cursor, rest = 0, line.strip()
    for _ in range(max(1, pieces)):
        if not rest:
            return True
        words = rest.split(" ")
        lo, hi, found = 1, len(words), 0  # the longest prefix of `rest` found after `cursor`
        while lo <= hi:
            mid = (lo + hi) // 2
            if _find_run(flat, words[:mid], cursor)[0] >= 0:
                found, lo = mid, mid + 1
            else:
                hi = mid - 1
        if not found:
            return False
        at, length = _find_run(flat, words[:found], cursor)
        cursor = at + length
        rest = " ".join(words[found:])
    return not rest


def _find_run(flat: str, words: list[str], cursor: int) -> tuple[int, int]:
    """Where the words stand in `flat` from `cursor`, and their length there; a run may end in a full stop where
    the book has the comma before a speech tag (`source.dialogue_line`). (-1, 0) when they are not there."""
    forms = [words] + ([words[:-1] + [words[-1][:-1] + ","]] if words[-1].endswith(".") else [])
    found = [(at, len(run)) for run in (" ".join(form) for form in forms) if (at := flat.find(run, cursor)) >= 0]
    return min(found) if found else (-1, 0)  # the earliest: "Send her here, ... Send her here."


def unverbatim_lines(analysis: BookAnalysis, text: str, adaptation: Adaptation) -> list[str]:
    quotes = {q.id: q for q in analysis.quotes}
    bad = []
    for scene in adaptation.scenes:
        for beat in scene.beats:
            if beat.kind == "dialogue":
                quote = quotes.get(beat.quote or "")
                pieces = len(quote.spans) if quote else 1
                if not is_verbatim(beat.text, text[beat.source[0]:beat.source[1]], pieces):
                    bad.append(f"{scene.id} {beat.quote}: {beat.text[:80]}")
    return bad


def action_lines(adaptation: Adaptation) -> list[str]:
    return [b.text for s in adaptation.scenes for b in s.beats if b.kind == "action"]


def tagged_actions(adaptation: Adaptation) -> list[str]:
    return [line for line in action_lines(adaptation) if has_speech_verb(line) or is_residue(line)]


def interior_share(adaptation: Adaptation) -> tuple[int, int]:
    """(action sentences stating an interior state, action sentences)."""
    sentences = [line[a:b] for line in action_lines(adaptation) for a, b in split_sentences(line, 0, len(line))]
    return sum(1 for s in sentences if states_interior(s)), len(sentences)


def uncast_majors(analysis: BookAnalysis, adaptation: Adaptation) -> list[str]:
    kept = set(adaptation.kept_ids())
    seen = {c for s in analysis.scenes if s.id in kept for c in s.characters}
    return [c.name for c in analysis.characters if c.role == "major" and c.id not in seen]
