"""Correcting who says a line: the unsure quotations listed, a speaker set by hand, the fix kept across re-import.

`unsure_lines` lists the quotations the analysis is least sure of (lowest confidence first) with the text around
them; `fix_speaker` sets a quotation's speaker (method "user", confidence 1), stores the analysis and records
the fix in `projects/<slug>/speaker_fixes.json`; `reapply_speaker_fixes` applies the records to a fresh analysis
at re-import. A record names the quotation by its first words and where it started (ids are renumbered when the
analysis changes, offsets when the text is edited: the line with those words nearest that place is the one),
and the character by name (ids too), like `cast merge` records.

`refine_with_model` asks a chat backend about the least sure lines (`analysis.refine`), stores the speakers it
gives (method "llm") and records them in `projects/<slug>/speaker_llm.json` the same way; at re-import the
model's records are applied first and the user's after them, so a user's fix always wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .. import store
from ..analysis.refine import Refinement, refine_speakers
from ..errors import UserError
from ..models import BookAnalysis, ProgressCallback, Quote
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
    _record(fixes_path(ws, slug), [{"start": _start(quote), "words": _words(text, quote), "character": who.name}])
    return quote, who.name


def refine_with_model(ws: Workspace, slug: str, backend, *, below: float = UNSURE_BELOW, limit: int | None = None,
                      progress: ProgressCallback | None = None, on_estimate=None, **asking) -> Refinement:
    """Re-attribute the lines under `below` (at most `limit`) with the chat `backend`; store and record the
    speakers it gives (see the module docstring). `asking` goes to `analysis.refine.refine_speakers`."""
    project = open_project(ws, slug)
    analysis = store.load_analysis(project.db_path)
    text = load_text(ws, slug)
    refinement = refine_speakers(analysis, text, backend, project.cache_dir / "speakers-chat", below=below,
                                 limit=limit, progress=progress, on_estimate=on_estimate, **asking)
    answered = {qid for qid, _, _ in refinement.changed} | set(refinement.agreed)
    quotes = [q for q in analysis.quotes if q.id in answered]
    names = {c.id: c.name for c in analysis.characters}
    if quotes:
        save_analysis_keeping_source(project.db_path, analysis)
        _record(llm_fixes_path(ws, slug), [{"start": _start(q), "words": _words(text, q),
                                            "character": names[q.speaker], "confidence": q.confidence}
                                           for q in quotes])
    return refinement


def _record(path: Path, records: list[dict]) -> None:
    """Add `records` to the fixes file at `path` (replacing those of the same lines)."""
    starts = {r["start"] for r in records}
    kept = [r for r in _read_records(path) if r.get("start") not in starts]
    write_atomically(path, json.dumps({"fixes": kept + records}, indent=1, ensure_ascii=False))


def reapply_speaker_fixes(ws: Workspace, slug: str, analysis: BookAnalysis, text: str) -> bool:
    """Apply the recorded speakers to a fresh analysis (in place): the model's (`--refine`), then the user's
    (`--fix`), which win. True when any applied. A record whose line or character the fresh analysis no longer
    has is skipped, and so is a model's record for a line the fresh analysis is now surer of than the model was."""
    by_words: dict[str, list[Quote]] = {}
    for quote in analysis.quotes:
        by_words.setdefault(_words(text, quote), []).append(quote)
    applied = False
    for record, method in [*((r, "llm") for r in read_llm_fixes(ws, slug)), *((r, "user") for r in read_fixes(ws, slug))]:
        same = by_words.get(record.get("words", ""), [])
        if not same:
            continue
        quote = min(same, key=lambda q: abs(_start(q) - int(record.get("start", 0))))
        try:
            who = resolve_character(analysis, record["character"])
        except UserError:
            continue
        confidence = _confidence(record.get("confidence", 1.0))
        if method == "llm" and quote.method != "user" and (quote.confidence or 0.0) >= confidence:
            continue
        _set(quote, who.id, method, confidence)
        applied = True
    return applied


def fixes_path(ws: Workspace, slug: str) -> Path:
    return ws.project(slug).root / "speaker_fixes.json"


def llm_fixes_path(ws: Workspace, slug: str) -> Path:
    return ws.project(slug).root / "speaker_llm.json"


def read_fixes(ws: Workspace, slug: str) -> list[dict]:
    """The user's recorded fixes."""
    return _read_records(fixes_path(ws, slug))


def read_llm_fixes(ws: Workspace, slug: str) -> list[dict]:
    """The speakers a language model gave (`speakers --refine`)."""
    return _read_records(llm_fixes_path(ws, slug))


def _read_records(path: Path) -> list[dict]:
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


def _set(quote: Quote, character_id: str, method: str = "user", confidence: float = 1.0) -> None:
    quote.speaker = character_id
    quote.method = method
    quote.confidence = confidence


def _confidence(value) -> float:
    try:
        return min(max(float(value), 0.0), 1.0)
    except (TypeError, ValueError):
        return 1.0


def _start(quote: Quote) -> int:
    return quote.spans[0][0] if quote.spans else -1


def _words(text: str, quote: Quote) -> str:
    start, end = quote.spans[0]
    return _squeeze(text[start : min(end, start + _PREFIX_CHARS)])


def _squeeze(text: str) -> str:
    return " ".join(text.split())
