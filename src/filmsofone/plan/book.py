"""Planning a whole book (or one scene) against the store: the library behind `filmsofone plan`."""

from __future__ import annotations

from typing import Callable

from sqlmodel import select

from .. import books, store
from ..errors import UserError
from ..models import BookAnalysis, Shot
from ..store.tables import SceneRow
from ..workspace import Workspace
from .grammar import DEFAULT_MAX_CLIP, plan_scene
from .intent import parse_intent

ProgressCallback = Callable[[str, int, int], None]


def load_removed(ws: Workspace, slug: str) -> dict[str, list[Shot]]:
    from .edit import load_removed as load

    return load(ws, slug)


def load_bible_or_none(ws: Workspace, slug: str):
    """The cast bible, or None while the bible package is not available (its errors still surface)."""
    try:
        from ..bible import load_bible
    except ImportError:
        return None
    return load_bible(ws, slug)


def backend_max_clip(backend: str | None) -> float:
    """The longest clip the backend makes (10 s when no backend is named or the registry is unavailable)."""
    if backend is None:
        return DEFAULT_MAX_CLIP
    caps = backend_capabilities(backend)
    return max(caps.durations) if caps.durations else caps.max_duration


def backend_capabilities(backend: str):
    """The backend's declared capabilities (the defaults, 1000 characters and 1-10 s, when the registry
    is unavailable); an unknown name is the user's mistake (BackendError)."""
    try:
        from ..backends import backend_class
    except ImportError:
        from ..backends.base import Capabilities

        return Capabilities()
    return backend_class(backend).capabilities


def check_scene(analysis: BookAnalysis, scene_id: str) -> None:
    if not any(s.id == scene_id for s in analysis.scenes):
        ids = [s.id for s in analysis.scenes]
        shown = ", ".join(ids[:12]) + (" ..." if len(ids) > 12 else "")
        raise UserError(f"no scene '{scene_id}' in {analysis.book.slug}", f"scenes: {shown}")


def load_intents(db_path) -> dict[str, str]:
    with store.session_for(db_path) as session:
        return {row.id: row.intent for row in session.exec(select(SceneRow)).all() if row.intent}


def set_intent(ws: Workspace, slug: str, scene_id: str, intent: str | None) -> None:
    """Store the scene's intent ("from dread to relief"; None or "" clears it)."""
    project = books.open_project(ws, slug)
    if intent:
        parse_intent(intent)  # refuse an intent with no mood before storing it
    with store.session_for(project.db_path) as session:
        row = session.get(SceneRow, scene_id)
        if row is None:
            check_scene(store.load_analysis(project.db_path), scene_id)
        row.intent = intent or None
        session.add(row)
        session.commit()


def plan_book(ws: Workspace, slug: str, scene_id: str | None = None, progress: ProgressCallback | None = None,
              *, backend: str | None = None) -> dict[str, list[Shot]]:
    """Plan every scene (or one), keep locked and edited shots, store the shot lists; return them by scene."""
    project = books.open_project(ws, slug)
    analysis = store.load_analysis(project.db_path)
    text = books.load_text(ws, slug)
    if scene_id is not None:
        check_scene(analysis, scene_id)
    bible = load_bible_or_none(ws, slug)
    intents = load_intents(project.db_path)
    max_clip = backend_max_clip(backend)
    scene_ids = [scene_id] if scene_id is not None else [s.id for s in analysis.scenes]
    removed = load_removed(ws, slug)
    previous_by_scene: dict[str, list[Shot]] = {}
    for shot in store.load_shots(project.db_path, scene_id):
        previous_by_scene.setdefault(shot.scene, []).append(shot)
    planned: dict[str, list[Shot]] = {}
    for done, sid in enumerate(scene_ids):
        previous = previous_by_scene.get(sid, [])
        shots = plan_scene(analysis, sid, text, bible=bible, max_clip=max_clip, previous=previous,
                           intent=intents.get(sid), removed=removed.get(sid, []))
        store.save_shots(project.db_path, sid, shots)
        planned[sid] = shots
        if progress:
            progress("planning shots", done + 1, len(scene_ids))
    return planned
