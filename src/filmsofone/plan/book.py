"""Planning a whole book (or one scene) against the store: the library behind `filmsofone plan`."""

from __future__ import annotations

from .. import store
from ..adapt import AdaptedScene, Adaptation, adapt
from ..backends import backend_class
from ..backends.base import Capabilities
from ..bible import load_bible
from ..models import BookAnalysis, ProgressCallback, Shot
from ..project import check_scene, load_intents, load_removed, load_text, open_project
from ..store.tables import SceneRow
from ..workspace import Workspace
from .grammar import DEFAULT_MAX_CLIP, plan_scene
from .intent import parse_intent


def backend_max_clip(backend: str | None) -> float:
    """The longest clip the backend makes (10 s when no backend is named)."""
    if backend is None:
        return DEFAULT_MAX_CLIP
    caps = backend_capabilities(backend)
    return max(caps.durations) if caps.durations else caps.max_duration


def backend_capabilities(backend: str) -> Capabilities:
    """The backend's declared capabilities; an unknown name is the user's mistake (BackendError)."""
    return backend_class(backend).capabilities


def set_intent(ws: Workspace, slug: str, scene_id: str, intent: str | None) -> None:
    """Store the scene's intent ("from dread to relief"; None or "" clears it)."""
    project = open_project(ws, slug)
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
    """Plan every scene (or one) from the book's adaptation, keep locked and edited shots, store the shot
    lists; return them by scene (a scene the adaptation cuts has no shots)."""
    project = open_project(ws, slug)
    analysis = store.load_analysis(project.db_path)
    text = load_text(ws, slug)
    if scene_id is not None:
        check_scene(analysis, scene_id)
    adaptation = adapt(ws, slug, analysis=analysis, text=text, progress=progress)
    planner = _planner(ws, slug, analysis, backend_max_clip(backend))
    scene_ids = [scene_id] if scene_id is not None else [s.id for s in analysis.scenes]
    previous_by_scene: dict[str, list[Shot]] = {}
    for shot in store.load_shots(project.db_path, scene_id):
        previous_by_scene.setdefault(shot.scene, []).append(shot)
    planned: dict[str, list[Shot]] = {}
    for done, sid in enumerate(scene_ids):
        adapted = adaptation.scene(sid)
        shots = planner(adapted, previous_by_scene.get(sid, []))
        store.save_shots(project.db_path, sid, shots)
        planned[sid] = shots
        if progress:
            progress("planning shots", done + 1, len(scene_ids))
    return planned


def film_shots(ws: Workspace, slug: str, adaptation: Adaptation, *,
               analysis: BookAnalysis | None = None) -> dict[str, list[Shot]]:
    """The shots of every scene `adaptation` keeps, as `generate --all` would make them, storing nothing: a
    scene's stored shot list when it has one, else the list `plan_book` would store (planned in memory)."""
    project = open_project(ws, slug)
    analysis = analysis or store.load_analysis(project.db_path)
    stored: dict[str, list[Shot]] = {}
    for shot in store.load_shots(project.db_path):
        stored.setdefault(shot.scene, []).append(shot)
    planner = None
    shots: dict[str, list[Shot]] = {}
    for adapted in adaptation.scenes:
        if not adapted.kept:
            continue
        if adapted.id not in stored and planner is None:
            planner = _planner(ws, slug, analysis, backend_max_clip(None))
        shots[adapted.id] = stored.get(adapted.id) or planner(adapted, [])
    return shots


def _planner(ws: Workspace, slug: str, analysis: BookAnalysis, max_clip: float):
    """(adapted scene, its stored shots) -> its shot list, with the bible, intents and removals."""
    bible = load_bible(ws, slug)
    intents = load_intents(open_project(ws, slug).db_path)
    removed = load_removed(ws, slug)

    def planner(adapted: AdaptedScene, previous: list[Shot]) -> list[Shot]:
        return plan_scene(analysis, adapted, bible=bible, max_clip=max_clip, previous=previous,
                          intent=intents.get(adapted.id), removed=removed.get(adapted.id, []))

    return planner
