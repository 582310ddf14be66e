"""Importing a book: read it, analyse it, store the analysis and seed its cast bible (the library behind
`import`). It sits above the stages it calls; reading an imported book back is `filmsofone.project`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from collections.abc import Callable

from . import store
from .analysis import analyze
from .bible import load_bible, seed_bible
from .errors import BadInput
from .ingest import read_book
from .models import BookAnalysis, ProgressCallback
from .store.debris import clean_debris
from .store.faults import checkpoint
from .store.files import temp_name
from .store.lock import project_lock
from .workspace import Project, Workspace, check_slug, require_file, slugify


def import_book(
    ws: Workspace,
    path: Path,
    *,
    slug: str | None = None,
    title: str | None = None,
    progress: ProgressCallback | None = None,
) -> BookAnalysis:
    """Read and analyse the book at `path`, store the analysis and write (or merge) its cast bible.

    Nothing is written until the analysis has succeeded and an existing cast bible has been found valid;
    a failure while storing leaves no new project, and a re-import that fails keeps the previous one.
    """
    path = require_file(Path(path))
    slug = check_slug(slug) if slug is not None else slugify(path.name)
    ws.ensure()
    project = ws.project(slug)
    with project_lock(project, "import"):
        clean_debris(project)
        return _import_locked(ws, project, path, title, progress)


def _import_locked(ws: Workspace, project: Project, path: Path, title: str | None,
                   progress: ProgressCallback | None) -> BookAnalysis:
    slug = project.slug
    if ws.bible_path(slug).exists():
        load_bible(ws, slug)  # a broken bible stops the import here, before anything is written
    book = read_book(path, progress=progress)
    previous = store.imported_book(project.db_path)
    _refuse_another_book(previous, path, book.source_sha256, slug)
    title = title or book.title or path.stem.replace("-", " ").replace("_", " ").title()
    analysis = analyze(book, slug=slug, title=title, progress=progress)

    is_new = previous is None  # no project, or one whose first import was killed before it stored the book
    pending_text = temp_name(project.text_path)
    step = _steps(progress, 3)
    try:
        project.ensure()
        step("storing: text")
        _write_text(pending_text, book.text)
        step("storing: analysis")
        store.save_analysis(project.db_path, analysis, source_path=str(path.resolve()))
        checkpoint("analysis-stored")
        pending_text.replace(project.text_path)
        checkpoint("text-stored")
        step("storing: cast bible")
        seed_bible(ws, slug, analysis, book.text)
        step("storing: done")
    except BaseException:
        pending_text.unlink(missing_ok=True)
        if is_new:
            store.forget_engine(project.db_path)
            shutil.rmtree(project.root, ignore_errors=True)
        raise
    return analysis


def _refuse_another_book(previous: store.BookRow | None, path: Path, sha256: str, slug: str) -> None:
    """BadInput when `slug` already holds a different book (another file with other text)."""
    if previous is None or previous.source_sha256 == sha256 or previous.source_path == str(path.resolve()):
        return
    raise BadInput(f"'{slug}' is already the slug of another book ({previous.source_path})",
                   f"import this one under its own name: filmsofone import {path} --slug NEW-NAME")


def _write_text(path: Path, text: str, chunk: int = 1 << 20) -> None:
    """Write `text` as UTF-8 a piece at a time (a long book is never encoded whole in memory)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        for at in range(0, len(text), chunk):
            out.write(text[at : at + chunk])
        out.flush()
        os.fsync(out.fileno())


def _steps(progress: ProgressCallback | None, total: int) -> Callable[[str], None]:
    """A callback that reports each next step of `total` under its label (labels sharing a prefix share a bar)."""
    done = 0

    def step(label: str) -> None:
        nonlocal done
        if progress is not None:
            progress(label, done, total)
        done += 1

    return step
