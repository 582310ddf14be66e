"""The cut: chosen takes joined into one film with title cards, subtitles, chapters and sound.

`cut_film(ws, slug, ...) -> Path` is the entry point; `timeline.export_timeline` hands the cut to an
editor (OpenTimelineIO, CMX 3600 EDL, FCP XML).
"""

from __future__ import annotations

from .cut import cut_film

__all__ = ["cut_film"]
