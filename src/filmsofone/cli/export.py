"""`export`: the shot list (fountain, csv, json) and the cut's timeline (otio, edl, fcpxml)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import UserError
from .app import app
from .context import console, workspace

SHOTLIST_FORMATS = ("fountain", "csv", "json")
TIMELINE_FORMATS = ("otio", "edl", "fcpxml")


@app.command("export")
def export(
    slug: str = typer.Argument(..., help="The book's slug."),
    fmt: str = typer.Option("fountain", "--format", "-f", help="fountain | csv | json | otio | edl | fcpxml"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write (default: stdout for text formats)."),
    cut: Optional[Path] = typer.Option(None, "--cut", help="otio/edl/fcpxml: the cut to export (an .mp4 `cut` made; "
                                                           "default: the whole film)."),
) -> None:
    """Export the screenplay and shot list, or the cut's timeline for an editor."""
    ws = workspace()
    if cut is not None and fmt not in TIMELINE_FORMATS:
        raise UserError(f"--cut goes with a timeline format, not {fmt}", f"use --format {' | '.join(TIMELINE_FORMATS)}")
    if fmt in SHOTLIST_FORMATS:
        from ..plan.export import export_shotlist

        written = export_shotlist(ws, slug, fmt, output)
    elif fmt in TIMELINE_FORMATS:
        from ..assemble.timeline import export_timeline

        written = export_timeline(ws, slug, fmt, output, film=cut)
    else:
        raise UserError(f"unknown export format '{fmt}'", f"use one of {', '.join(SHOTLIST_FORMATS + TIMELINE_FORMATS)}")
    if written is not None:
        console.print(f"wrote {written}")
