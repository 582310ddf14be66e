"""An imported book's project: open it and read what the stages stored (analysis, text, intents, edits).

The data access every stage uses (bible, plan, prompts, generate, assemble, watch); importing a book, which
writes all of this, is `filmsofone.books`.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import select

from . import store
from .errors import BookNotFound, UserError
from .models import BookAnalysis, Shot
from .store.files import write_atomic
from .store.tables import SceneRow
from .workspace import Project, Workspace

REMOVED_FILE = "removed-shots.json"


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


def check_scene(analysis: BookAnalysis, scene_id: str) -> None:
    """UserError naming the book's scenes when `scene_id` is not one of them."""
    if not any(s.id == scene_id for s in analysis.scenes):
        ids = [s.id for s in analysis.scenes]
        shown = ", ".join(ids[:12]) + (" ..." if len(ids) > 12 else "")
        raise UserError(f"no scene '{scene_id}' in {analysis.book.slug}", f"scenes: {shown}")


def load_intents(db_path: Path) -> dict[str, str]:
    """The stored intent of each scene that has one ("from dread to relief"), by scene id."""
    with store.session_for(db_path) as session:
        return {row.id: row.intent for row in session.exec(select(SceneRow)).all() if row.intent}


def removed_path(ws: Workspace, slug: str) -> Path:
    return open_project(ws, slug).root / REMOVED_FILE


def load_removed(ws: Workspace, slug: str) -> dict[str, list[Shot]]:
    """The shots the user removed, by scene (kept in the project folder, next to the database)."""
    path = removed_path(ws, slug)
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {scene: [Shot.model_validate(s) for s in shots] for scene, shots in data.items()}


def save_removed(ws: Workspace, slug: str, removed: dict[str, list[Shot]]) -> None:
    """Replace the record of removed shots (written whole, then renamed into place)."""
    path = removed_path(ws, slug)
    write_atomic(path, json.dumps({scene: [s.model_dump(mode="json") for s in shots]
                                   for scene, shots in removed.items()}, ensure_ascii=False, indent=1))
