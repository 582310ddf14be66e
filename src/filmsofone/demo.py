"""`filmsofone demo`: the bundled sample book, imported, adapted to its default running time, planned,
generated offline and cut into a film."""

from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path

from . import ffmpeg
from .models import ProgressCallback
from .workspace import Workspace

SAMPLE_SLUG = "the-lantern-keepers"


def sample_book_path() -> Path:
    """The bundled sample novella (an original text written for this project)."""
    return Path(str(resources.files("filmsofone") / "samples" / f"{SAMPLE_SLUG}.txt"))


def run_demo(root: Path | None = None, *, progress: ProgressCallback | None = None) -> Path:
    """Make the sample film (its adaptation at the default running time) in workspace `root` (a new
    temporary folder when None); return its path."""
    from .adapt import adapt
    from .assemble import cut_film
    from .books import import_book
    from .generate import generate_scenes
    from .plan import plan_book
    from .sound import voice_book

    ffmpeg.require()  # the clips and the cut need it: say so before minutes of importing and voicing
    ws = Workspace(Path(root).resolve() if root else Path(tempfile.mkdtemp(prefix="filmsofone-demo-"))).ensure()
    book = ws.books_dir / sample_book_path().name
    if not book.exists():
        shutil.copyfile(sample_book_path(), book)
    import_book(ws, book, slug=SAMPLE_SLUG, progress=progress)
    adaptation = adapt(ws, SAMPLE_SLUG, progress=progress)
    plan_book(ws, SAMPLE_SLUG, progress=progress)
    voice_book(ws, SAMPLE_SLUG, progress=progress)  # the speaking shots last as long as their lines
    generate_scenes(ws, SAMPLE_SLUG, adaptation.kept_ids(), backend="animatic", progress=progress)
    return cut_film(ws, SAMPLE_SLUG, progress=progress)
