"""What each shot says: its dialogue lines (in its speaker's voice) and its voiceover (in the narrator's).

A quotation spoken over several shots is shared among them sentence by sentence, in order; a voiceover
shot (`kind == "voiceover"`) speaks its action text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import BookAnalysis, Shot

_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=\S)")
_MARKUP = re.compile(r"[_*]+")


@dataclass(frozen=True)
class Line:
    """One thing said in one shot."""

    shot_id: str
    scene: str
    text: str
    quote_id: str | None = None
    speaker: str | None = None  # a character id; None: unattributed (or the narrator for voiceover)
    voiceover: bool = False

    @property
    def key(self) -> str:
        return f"{self.shot_id}|{self.quote_id or 'vo'}|{self.text[:40]}"


def quote_words(analysis_quotes: dict, text: str, quote_id: str) -> str:
    """The words of a quotation (its pieces joined), markup and whitespace tidied."""
    quote = analysis_quotes.get(quote_id)
    if quote is None:
        return ""
    pieces = [text[start:end] for start, end in quote.spans if 0 <= start < end <= len(text)]
    return re.sub(r"\s+", " ", _MARKUP.sub("", " ".join(pieces))).strip()


def share(items: list[str], parts: int) -> list[list[str]]:
    """Split `items` into `parts` consecutive groups as evenly as possible (later groups may be empty)."""
    size, extra = divmod(len(items), parts)
    groups, cursor = [], 0
    for index in range(parts):
        count = size + (1 if index < extra else 0)
        groups.append(items[cursor:cursor + count])
        cursor += count
    return groups


def shot_lines(analysis: BookAnalysis, text: str, shots: list[Shot]) -> dict[str, list[Line]]:
    """Shot id -> its lines in speaking order, for `shots` in film order."""
    quotes = {q.id: q for q in analysis.quotes}
    speaking: dict[str, list[Shot]] = {}
    for shot in shots:
        for qid in dict.fromkeys(shot.dialogue):
            speaking.setdefault(qid, []).append(shot)
    pieces: dict[tuple[str, str], str] = {}
    for qid, holders in speaking.items():
        sentences = [s for s in _SENTENCE.split(quote_words(quotes, text, qid)) if s.strip()]
        for shot, group in zip(holders, share(sentences, len(holders))):
            if group:
                pieces[(shot.id, qid)] = " ".join(group)
    lines: dict[str, list[Line]] = {}
    for shot in shots:
        said = [Line(shot.id, shot.scene, pieces[(shot.id, qid)], qid, quotes[qid].speaker)
                for qid in dict.fromkeys(shot.dialogue) if (shot.id, qid) in pieces]
        if getattr(shot, "kind", None) == "voiceover" and shot.action.strip():
            said.append(Line(shot.id, shot.scene, _MARKUP.sub("", shot.action).strip(), voiceover=True))
        if said:
            lines[shot.id] = said
    return lines
