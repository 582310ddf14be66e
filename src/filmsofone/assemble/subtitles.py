"""Dialogue as subtitles: cues timed inside the shots that speak them, written as SRT and WebVTT."""

from __future__ import annotations

import math
import textwrap

from pydantic import BaseModel

from ..models import BookAnalysis
from ..sound.lines import quote_words, share
from ..sound.stems import SpokenLine
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
    return quote_words({q.id: q for q in analysis.quotes if q.id == quote_id}, text, quote_id)


def _chunks(lines: list[str]) -> list[str]:
    """Group wrapped lines into cue texts of at most MAX_LINES lines."""
    return ["\n".join(lines[i:i + MAX_LINES]) for i in range(0, len(lines), MAX_LINES)]


def dialogue_cues(reel: Reel, analysis: BookAnalysis, text: str, *, transition: float = 0.0) -> list[Cue]:
    """Cues inside the window of the shot that speaks each quotation.

    A quotation spoken over several shots is shared among them line by line, in order; a shot speaking
    several quotations shares its time among them by length; a long piece becomes cues of two lines.
    """
    names = {c.id: c.name for c in analysis.characters}
    speakers = {q.id: names.get(q.speaker or "") for q in analysis.quotes}
    speaking: dict[str, list[int]] = {}
    for index, segment in enumerate(reel.segments):
        if segment.shot_id is not None:
            for qid in dict.fromkeys(segment.dialogue):
                speaking.setdefault(qid, []).append(index)
    pieces: dict[int, list[tuple[str, str]]] = {}
    for qid, indices in speaking.items():
        lines = textwrap.wrap(quote_text(analysis, text, qid), LINE_CHARS)
        for index, group in zip(indices, share(lines, len(indices))):
            pieces.setdefault(index, []).extend((qid, chunk) for chunk in _chunks(group))
    times = segment_times(reel, transition)
    cues: list[Cue] = []
    for index in sorted(pieces):
        segment, (start, end) = reel.segments[index], times[index]
        order = {qid: n for n, qid in enumerate(segment.dialogue)}
        shown = sorted(pieces[index], key=lambda piece: order[piece[0]])
        cues += _timed(shown, start, end, segment.shot_id, speakers)
    return cues


def _timed(shown: list[tuple[str, str]], start: float, end: float, shot_id: str,
           speakers: dict[str, str | None]) -> list[Cue]:
    """Share the shot's window among its pieces by length, keeping EDGE clear at both ends."""
    low, high = start + EDGE, end - EDGE
    if high <= low:
        low, high = start, end
    weights = [max(len(chunk), 10) for _, chunk in shown]
    total, cursor, cues = sum(weights), low, []
    for (qid, chunk), weight in zip(shown, weights):
        length = (high - low) * weight / total
        cues.append(Cue(start=cursor, end=cursor + length, text=chunk, speaker=speakers.get(qid),
                        shot_id=shot_id, quote_id=qid))
        cursor += length
    return cues


def speech_cues(lines: list[SpokenLine]) -> list[Cue]:
    """Cues timed to the speech: each line shown while it is spoken (a long line as several two-line cues,
    its time shared by length)."""
    cues: list[Cue] = []
    for line in lines:
        chunks = _chunks(textwrap.wrap(line.text, LINE_CHARS)) or [line.text]
        weights = [max(len(chunk), 10) for chunk in chunks]
        cursor, total = line.start, sum(weights)
        for chunk, weight in zip(chunks, weights):
            length = (line.end - line.start) * weight / total
            cues.append(Cue(start=cursor, end=cursor + length, text=chunk, speaker=line.speaker,
                            shot_id=line.shot_id, quote_id=line.quote_id or "vo"))
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
