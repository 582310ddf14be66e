"""Keyframes: one still per shot, made by an image backend from the shot's prompt and the cast's faces.

`make_keyframes(ws, slug, scenes)` asks an image backend (the offline `animatic-frame` by default) for each
shot's keyframe in the film's aspect ratio: the shot's still prompt plus the reference images of what is in
frame (the picked faces of the characters in frame, the setting's and the props' images; chosen by
prominence when the backend takes fewer, the rest reported as left out). Takes are cached by content hash,
resumable, several per shot; the storyboard (`storyboard.py`) picks and approves them, and `generate`
sends the approved keyframe to video backends as their first frame.
"""

from __future__ import annotations

from .. import store
from ..bible import load_bible
from ..errors import UserError
from ..models import ProgressCallback, Shot, ShotPrompt
from ..plan import plan_book
from ..project import load_analysis, load_text, open_project
from ..prompts import render_prompts
from ..workspace import Workspace
from .index import fingerprint, read_index
from .make import KeyframeReport, image_backend, make_all, run_coroutine, variant_of
from .requests import KeyframePlan, in_frame, keyframe_request, references, request_key
from .sketch import build_sketch
from .storyboard import (
    StoryboardShot,
    approve,
    approved_keyframe,
    current_keyframe,
    pick,
    reject,
    replace,
    storyboard,
    waiting_for_approval,
)

DEFAULT_BACKEND = "animatic-frame"

__all__ = ["DEFAULT_BACKEND", "KeyframePlan", "KeyframeReport", "StoryboardShot", "approve", "approved_keyframe",
           "build_sketch", "current_keyframe", "fingerprint", "in_frame", "make_keyframes", "pick",
           "read_index", "references", "reject", "replace", "request_key", "storyboard", "waiting_for_approval"]


def make_keyframes(ws: Workspace, slug: str, scene_ids: list[str] | None, *, backend: str = DEFAULT_BACKEND,
                   options: dict | None = None, shot_ids: list[str] | None = None, dry_run: bool = False,
                   force: bool = False, resubmit_unknown: bool = False,
                   progress: ProgressCallback | None = None) -> KeyframeReport:
    """Make the keyframe of every shot of `scene_ids` (None: every scene), or of `shot_ids` only."""
    engine = image_backend(backend, options, dry_run=dry_run)
    project = open_project(ws, slug).ensure()
    shots = select_shots(ws, slug, scene_ids, shot_ids)
    plans = plan_keyframes(ws, slug, shots, engine)
    report = KeyframeReport(backend=backend, planned=plans, dry_run=dry_run)
    report.estimated_cost = round(sum(p.cost for p in plans), 4)
    for plan in plans:
        if plan.left_out:
            report.left_out[plan.shot.id] = plan.left_out
    if dry_run:
        report.still_needed = engine.still_needed()
        return report
    run_coroutine(make_all(engine, project, plans, report, force=force or bool(shot_ids), progress=progress,
                  resubmit_unknown=resubmit_unknown))
    return report


def plan_keyframes(ws: Workspace, slug: str, shots: list[Shot], engine) -> list[KeyframePlan]:
    """One plan per shot: the request (with the next variant after rejected takes) and its cache key."""
    project = open_project(ws, slug)
    analysis, text = load_analysis(ws, slug), load_text(ws, slug)
    try:
        bible = load_bible(ws, slug)
    except UserError:
        bible = None
    prompts = {p.shot_id: p for p in render_prompts(ws, slug, shots, backend=engine.name,
                                                     capabilities=engine.capabilities)}
    plans = []
    for shot in shots:
        prompt = prompts.get(shot.id) or ShotPrompt(shot_id=shot.id, prompt=shot.action or shot.id,
                                                    duration=shot.duration)
        request, left_out = keyframe_request(ws, shot, prompt, engine, bible=bible, analysis=analysis, text=text)
        base = request_key(engine, request)
        variant = variant_of(project, shot, base)
        if variant:
            request, left_out = keyframe_request(ws, shot, prompt, engine, bible=bible, analysis=analysis,
                                                 text=text, variant=variant)
        engine.check(request)
        key = base if not variant else f"{base}+{variant}"
        plans.append(KeyframePlan(shot, request, key, engine.cost(request.duration), left_out))
    return plans


def select_shots(ws: Workspace, slug: str, scene_ids: list[str] | None, shot_ids: list[str] | None) -> list[Shot]:
    """The stored shots of the scenes (planned now when a scene has none), or the named shots."""
    project = open_project(ws, slug)
    if shot_ids:
        by_id = {s.id: s for s in store.load_shots(project.db_path)}
        missing = [i for i in shot_ids if i not in by_id]
        if missing:
            raise UserError(f"no shot {', '.join(missing)} in '{slug}'",
                            f"see the shot ids with `filmsofone plan {slug}`")
        return [by_id[i] for i in shot_ids]
    known = [s.id for s in load_analysis(ws, slug).scenes]
    wanted = list(scene_ids) if scene_ids else known
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise UserError(f"no scene {', '.join(unknown)} in '{slug}'", f"scenes: {', '.join(known[:30])}")
    shots: list[Shot] = []
    for scene_id in wanted:
        scene_shots = store.load_shots(project.db_path, scene_id)
        if not scene_shots:
            scene_shots = plan_book(ws, slug, scene_id).get(scene_id, [])
        shots.extend(scene_shots)
    return shots
