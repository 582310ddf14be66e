"""Correcting who says a line: the unsure quotations listed, a speaker set by hand, the fix kept across re-import.

`unsure_lines` lists the quotations the analysis is least sure of (lowest confidence first) with the text around
them; `fix_speaker` sets a quotation's speaker (method "user", confidence 1), stores the analysis and records
the fix in `projects/<slug>/speaker_fixes.json`; `reapply_speaker_fixes` applies the records to a fresh analysis
at re-import. A record names the quotation by its first words and where it started (ids are renumbered when the
analysis changes, offsets when the text is edited: the line with those words nearest that place is the one),
and the character by name (ids too), like `cast merge` records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .. import store
from ..errors import UserError
from ..models import BookAnalysis, Quote
from ..project import load_text, open_project
from ..workspace import Workspace
from .edit import save_analysis_keeping_source
from .recast import resolve_character
from .yamlio import write_atomically

UNSURE_BELOW = 0.5  # a speaker chosen with less confidence than this is "unsure" (listed, marked in the room)
CONTEXT_CHARS = 160  # narration shown before a listed line
_PREFIX_CHARS = 40  # words of the line a record keeps to find it again


@dataclass
class UnsureLine:
    quote: str  # the quotation's id
    speaker: str | None  # the speaker's name
    confidence: float | None
    method: str | None
    before: str  # the text just before the line
    line: str  # the line itself (its first piece)


def is_unsure(quote: Quote) -> bool:
    """A line whose speaker the analysis is unsure of (or found no one for); a user's fix never is."""
    if quote.method == "user":
        return False
    return quote.speaker is None or (quote.confidence is not None and quote.confidence < UNSURE_BELOW)


def unsure_lines(analysis: BookAnalysis, text: str, limit: int = 20) -> list[UnsureLine]:
    """The `limit` quotations of least confidence (no speaker first), with the text before each."""
    names = {c.id: c.name for c in analysis.characters}
    candidates = [q for q in analysis.quotes if q.method != "user"]
    candidates.sort(key=lambda q: (q.speaker is not None, q.confidence if q.confidence is not None else 1.0, _start(q)))
    lines = []
    for quote in candidates[: max(limit, 0)]:
        start, end = quote.spans[0]
        lines.append(UnsureLine(quote.id, names.get(quote.speaker), quote.confidence, quote.method,
                                _squeeze(text[max(0, start - CONTEXT_CHARS) : max(0, start - 1)]), _squeeze(text[start:end])))
    return lines


def fix_speaker(ws: Workspace, slug: str, quote_id: str, character: str) -> tuple[Quote, str]:
    """Give quotation `quote_id` to `character` (id, name or alias); return the quotation and the name."""
    project = open_project(ws, slug)
    analysis = store.load_analysis(project.db_path)
    quote = _quote(analysis, quote_id)
    who = resolve_character(analysis, character)
    text = load_text(ws, slug)
    _set(quote, who.id)
    save_analysis_keeping_source(project.db_path, analysis)
    records = [r for r in read_fixes(ws, slug) if r["start"] != _start(quote)]
    records.append({"start": _start(quote), "words": _words(text, quote), "character": who.name})
    write_atomically(fixes_path(ws, slug), json.dumps({"fixes": records}, indent=1, ensure_ascii=False))
    return quote, who.name


def reapply_speaker_fixes(ws: Workspace, slug: str, analysis: BookAnalysis, text: str) -> bool:
    """Apply the recorded fixes to a fresh analysis (in place); True when any applied. A fix whose line or
    character the fresh analysis no longer has is skipped."""
    by_words: dict[str, list[Quote]] = {}
    for quote in analysis.quotes:
        by_words.setdefault(_words(text, quote), []).append(quote)
    applied = False
    for record in read_fixes(ws, slug):
        same = by_words.get(record.get("words", ""), [])
        if not same:
            continue
        quote = min(same, key=lambda q: abs(_start(q) - int(record.get("start", 0))))
        try:
            who = resolve_character(analysis, record["character"])
        except UserError:
            continue
        _set(quote, who.id)
        applied = True
    return applied


def fixes_path(ws: Workspace, slug: str) -> Path:
    return ws.project(slug).root / "speaker_fixes.json"


def read_fixes(ws: Workspace, slug: str) -> list[dict]:
    path = fixes_path(ws, slug)
    if not path.exists():
        return []
    try:
        return list(json.loads(path.read_text(encoding="utf-8")).get("fixes", []))
    except (ValueError, AttributeError) as exc:
        raise UserError(f"{path} is not a list of speaker fixes ({exc})", "fix or delete the file") from exc


def _quote(analysis: BookAnalysis, quote_id: str) -> Quote:
    for quote in analysis.quotes:
        if quote.id == quote_id:
            return quote
    raise UserError(f"no quotation '{quote_id}' in {analysis.book.slug}",
                    f"see `filmsofone speakers {analysis.book.slug}` for the ids of unsure lines")


def _set(quote: Quote, character_id: str) -> None:
    quote.speaker = character_id
    quote.method = "user"
    quote.confidence = 1.0


def _start(quote: Quote) -> int:
    return quote.spans[0][0] if quote.spans else -1


def _words(text: str, quote: Quote) -> str:
    start, end = quote.spans[0]
    return _squeeze(text[start : min(end, start + _PREFIX_CHARS)])


def _squeeze(text: str) -> str:
    return " ".join(text.split())
