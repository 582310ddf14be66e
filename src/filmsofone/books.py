"""Importing books and opening imported ones: the library behind `import`, `books` and `show`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from . import store
from .errors import BadInput, BookNotFound
from .models import BookAnalysis
from .workspace import Project, Workspace, slugify

ProgressCallback = Callable[[str, int, int], None]


def import_book(
    ws: Workspace,
    path: Path,
    *,
    slug: str | None = None,
    title: str | None = None,
    progress: ProgressCallback | None = None,
) -> BookAnalysis:
    """Read and analyse the book at `path`, store the analysis and write (or merge) its cast bible.

    Nothing is written until the analysis has succeeded; a failure while storing leaves no new project.
    """
    path = Path(path)
    if not path.exists():
        raise BadInput(f"no such file: {path}", "check the path, or put the book in books/")
    from .analysis import analyze
    from .bible import seed_bible
    from .ingest import read_book

    slug = slugify(slug or path.name)
    book = read_book(path)
    title = title or book.title or path.stem.replace("-", " ").replace("_", " ").title()
    analysis = analyze(book, slug=slug, title=title, progress=progress)

    ws.ensure()
    project = ws.project(slug)
    is_new = not project.root.exists()
    try:
        project.ensure()
        _write_text_atomically(project.text_path, book.text)
        store.save_analysis(project.db_path, analysis, source_path=str(path.resolve()))
        seed_bible(ws, slug, analysis, book.text)
    except BaseException:
        if is_new:
            store.forget_engine(project.db_path)
            shutil.rmtree(project.root, ignore_errors=True)
        raise
    return analysis


def _write_text_atomically(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def open_project(ws: Workspace, slug: str) -> Project:
    """The project of an imported book, or BookNotFound naming the books that exist."""
    project = ws.project(slug)
    if not project.db_path.is_file():
        known = ws.slugs()
        hint = f"imported books: {', '.join(known)}" if known else "import one with `filmsofone import BOOK`"
        raise BookNotFound(f"no imported book '{slug}' in {ws.root}", hint)
    return project


def load_analysis(ws: Workspace, slug: str) -> BookAnalysis:
    return store.load_analysis(open_project(ws, slug).db_path)


def load_text(ws: Workspace, slug: str) -> str:
    """The decoded text the analysis offsets index."""
    return open_project(ws, slug).text_path.read_text(encoding="utf-8")


def list_books(ws: Workspace) -> list[store.BookRow]:
    books = []
    for slug in ws.slugs():
        with store.session_for(ws.project(slug).db_path) as session:
            row = store.load_book(session)
        if row is not None:
            books.append(row)
    return books
