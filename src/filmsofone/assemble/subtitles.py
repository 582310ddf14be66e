"""Dialogue as subtitles: cues timed inside the shots that speak them, written as SRT and WebVTT."""

from __future__ import annotations

import math
import re
import textwrap

from pydantic import BaseModel

from ..models import BookAnalysis
from .reel import Reel
from .timing import segment_times

LINE_CHARS = 42
MAX_LINES = 2
EDGE = 0.04  # seconds kept clear at each end of a shot


class Cue(BaseModel):
    start: float
    end: float
    text: str
    speaker: str | None = None  # the speaker's name
    shot_id: str
    quote_id: str


def quote_text(analysis: BookAnalysis, text: str, quote_id: str) -> str:
    """The words of a quotation (its pieces joined), whitespace tidied."""
    for quote in analysis.quotes:
        if quote.id == quote_id:
            pieces = [text[start:end] for start, end in quote.spans if 0 <= start < end <= len(text)]
            return re.sub(r"\s+", " ", " ".join(pieces)).strip()
    return ""


def _chunks(words: str) -> list[str]:
    """Split a line of dialogue into cue texts of at most MAX_LINES lines of LINE_CHARS."""
    lines = textwrap.wrap(words, LINE_CHARS) or [words]
    return ["\n".join(lines[i:i + MAX_LINES]) for i in range(0, len(lines), MAX_LINES)]


def dialogue_cues(reel: Reel, analysis: BookAnalysis, text: str, *, transition: float = 0.0) -> list[Cue]:
    """One or more cues per quotation, inside the window of the shot that speaks it.

    A shot speaking several quotations shares its time among them by length; a long quotation is split
    into cues of two lines, each given time by length.
    """
    names = {c.id: c.name for c in analysis.characters}
    speakers = {q.id: names.get(q.speaker or "") for q in analysis.quotes}
    cues: list[Cue] = []
    for segment, (start, end) in zip(reel.segments, segment_times(reel, transition)):
        if not segment.dialogue or segment.shot_id is None:
            continue
        spoken = [(qid, quote_text(analysis, text, qid)) for qid in segment.dialogue]
        spoken = [(qid, words) for qid, words in spoken if words]
        pieces = [(qid, chunk) for qid, words in spoken for chunk in _chunks(words)]
        if not pieces:
            continue
        window_start, window_end = start + EDGE, end - EDGE
        if window_end <= window_start:
            window_start, window_end = start, end
        weights = [max(len(chunk), 10) for _, chunk in pieces]
        total, cursor = sum(weights), window_start
        for (qid, chunk), weight in zip(pieces, weights):
            length = (window_end - window_start) * weight / total
            cues.append(Cue(start=cursor, end=cursor + length, text=chunk, speaker=speakers.get(qid),
                            shot_id=segment.shot_id, quote_id=qid))
            cursor += length
    return cues


def _stamp(seconds: float, sep: str, up: bool) -> str:
    millis = math.ceil(seconds * 1000 - 1e-6) if up else math.floor(seconds * 1000 + 1e-6)
    millis = max(0, millis)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{ms:03d}"


def to_srt(cues: list[Cue]) -> str:
    """SubRip text (start rounded up, end down, so a cue never leaves its shot)."""
    blocks = [f"{i}\n{_stamp(c.start, ',', True)} --> {_stamp(c.end, ',', False)}\n{c.text}\n"
              for i, c in enumerate(cues, 1)]
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: list[Cue]) -> str:
    """WebVTT text, each cue tagged with its speaker's voice when known."""
    blocks = ["WEBVTT\n"]
    for c in cues:
        body = _vtt_escape(c.text)
        if c.speaker:
            body = f"<v {_vtt_escape(c.speaker)}>{body}</v>"
        blocks.append(f"{c.quote_id}-{c.shot_id}\n{_stamp(c.start, '.', True)} --> {_stamp(c.end, '.', False)}\n"
                      f"{body}\n")
    return "\n".join(blocks)
