"""Writing the bible at import: the seeded file, or a three-way merge into the user's file on re-import.

The user's recorded merges and splits of characters, and fixed speakers, are applied again first, and the names the merged
bible settles on are carried into the stored analysis.
"""

from __future__ import annotations

from pathlib import Path

from ..models import BookAnalysis
from ..workspace import Workspace
from .edit import save_analysis_keeping_source, sync_analysis
from .merge import MergeReport, merge_bible
from .recast import reapply_recasts
from .seed import build_bible, conflicts_path, read_base, render_document, write_base
from .speaker_fixes import reapply_speaker_fixes
from .yamlio import dump_text, read_document, validate_document, write_atomically


def seed_bible(ws: Workspace, slug: str, analysis: BookAnalysis, text: str) -> Path:
    """Write `casts/<slug>.yaml` from the analysis, or merge it into the user's file; return its path."""
    seed_bible_with_report(ws, slug, analysis, text)
    return ws.bible_path(slug)


def seed_bible_with_report(ws: Workspace, slug: str, analysis: BookAnalysis, text: str) -> MergeReport:
    """As `seed_bible`, returning what the merge did (conflicts are also written next to the base).

    The user's recorded character merges and splits (`cast merge`, `cast split`), then their speaker fixes
    (`speakers --fix`), are applied again to `analysis` first (in place, and in the store), so they survive a
    re-import.
    """
    path = ws.bible_path(slug)
    recast = reapply_recasts(ws, slug, analysis, text)
    fixed = reapply_speaker_fixes(ws, slug, analysis, text)
    if (recast or fixed) and ws.project(slug).db_path.is_file():
        save_analysis_keeping_source(ws.project(slug).db_path, analysis)
    fresh = build_bible(slug, analysis, text)
    report = MergeReport()
    if path.exists():
        ours = read_document(path)
        validate_document(ours, path)  # never merge into a broken file: the user is told where it breaks
        report = merge_bible(read_base(ws, slug), ours, fresh.model_dump(mode="json"))
        merged = validate_document(ours, path)
        write_atomically(path, dump_text(ours))
    else:
        merged = fresh
        write_atomically(path, dump_text(render_document(fresh)))
    write_base(ws, slug, fresh)
    _write_conflicts(ws, slug, report)
    sync_analysis(ws, slug, merged)
    return report


def _write_conflicts(ws: Workspace, slug: str, report: MergeReport) -> None:
    path = conflicts_path(ws, slug)
    if report.conflicts:
        write_atomically(path, "\n".join(report.conflicts) + "\n")
    elif path.exists():
        path.unlink()
