"""The library behind `filmsofone generate` and `filmsofone takes add`."""

from __future__ import annotations

import time
from contextlib import nullcontext
from pathlib import Path

from .. import ffmpeg, store
from ..adapt import adapt
from ..backends import get_backend
from ..bible import load_bible
from ..errors import UserError
from ..keyframes import approved_keyframe, current_keyframe, waiting_for_approval
from ..keyframes.make import run_coroutine
from ..models import ProgressCallback, Shot
from ..plan import plan_book
from ..plan.edit import find_shot
from ..project import load_text, open_project
from ..store.debris import clean_debris
from ..store.lock import project_lock
from ..workspace import Workspace
from .engine import Engine, RunFlags
from .estimate import dry_backend
from .jobs import JobStore, clip_paths
from .report import GenerationReport, PlannedShot
from .requests import plan_requests, shot_frames
from .takes import Take, _takes_by_shot


def generate_scenes(ws: Workspace, slug: str, scene_ids: list[str] | None, *, backend: str = "animatic",
                    concurrency: int | None = None, progress: ProgressCallback | None = None,
                    shot_ids: list[str] | None = None, options: dict | None = None, dry_run: bool = False,
                    budget: float | None = None, resubmit_unknown: bool = False, force: bool | None = None,
                    require_approval: bool = False) -> GenerationReport:
    """Make every shot of `scene_ids` (None: every scene the adaptation keeps), or just `shot_ids`, on `backend`.

    Shots whose clip is cached (same prompt, options, inputs and backend) are not made again; `shot_ids`
    re-renders those shots as new takes (`force` defaults to True then). A backend that takes a first frame
    starts each shot on its keyframe. With `require_approval` (the CLI's default; `--no-storyboard`
    turns it off) a paid backend makes only shots whose keyframe is approved, else `StoryboardNotApproved`
    is raised before anything is sent; without it (and for free backends, and in a dry run) shots start on
    their current keyframe when they have one. Returns what happened per shot.
    """
    project = open_project(ws, slug).ensure()
    if not dry_run:
        ffmpeg.require()  # every clip is checked with it: without one, stop before anything is made or paid
    with nullcontext() if dry_run else project_lock(project, "generate"):
        analysis = store.load_analysis(project.db_path)
        shots = _select_shots(ws, slug, project.db_path, analysis, scene_ids, shot_ids)
        engine_backend = get_backend(backend, options) if not dry_run else dry_backend(backend, options)
        bible = load_bible(ws, slug)
        paid = _is_paid(engine_backend)
        gated = paid and require_approval and not dry_run
        if gated:
            _require_approval(project, slug, shots)  # before any request is built or sent
        frames = shot_frames(shots, (lambda s: approved_keyframe(project, s)) if gated else
                             (lambda s: current_keyframe(project, s)), engine_backend.capabilities)
        planned = plan_requests(ws, slug, shots, engine_backend, analysis=analysis, text=load_text(ws, slug),
                                bible=bible, frames=frames)
        flags = RunFlags(force=bool(shot_ids) if force is None else force, dry_run=dry_run, budget=budget,
                         resubmit_unknown=resubmit_unknown, concurrency=concurrency)
        jobs = JobStore(project.db_path, project.root)
        if not dry_run:
            clean_debris(project)
            jobs.recover(project.clips_dir)
        report = _run(engine_backend, jobs, project, planned, shots, flags, backend, progress)
        if paid and require_approval and dry_run:
            report.awaiting_approval = waiting_for_approval(project, shots)
        return report


def _run(engine_backend, jobs: JobStore, project, planned, shots, flags: RunFlags, backend: str,
         progress: ProgressCallback | None) -> GenerationReport:
    """Plan the report (what is cached, what it costs), then run the engine over the shots."""
    scenes = list(dict.fromkeys(s.scene for s in shots))
    report = GenerationReport(backend=backend, scenes=scenes, dry_run=flags.dry_run)
    cached_keys = jobs.cached_keys({s.id for s in shots})
    for item in planned:
        cached = not flags.force and (item.shot.id, item.cache_key) in cached_keys
        report.planned.append(PlannedShot(shot_id=item.shot.id, scene=item.shot.scene,
                                          seconds=item.request.duration, cost=0.0 if cached else item.cost,
                                          cached=cached))
    report.estimated_cost = round(sum(p.cost for p in report.planned), 4)
    engine = Engine(engine_backend, jobs, project.clips_dir, flags, progress, report, cached_keys)
    totals = {scene: sum(1 for s in shots if s.scene == scene) for scene in scenes}
    started = time.perf_counter()
    run_coroutine(engine.run(planned, totals))
    report.seconds = round(time.perf_counter() - started, 3)
    return report


class StoryboardNotApproved(UserError):
    """A paid backend was asked for shots whose keyframe is not approved."""


def _is_paid(backend) -> bool:
    """True when the backend charges (its declared price, or the user's override)."""
    return backend.cost(1.0) > 0


def _require_approval(project, slug: str, shots: list[Shot]) -> None:
    """Refuse (before anything is sent) when some shots have no approved keyframe."""
    waiting = waiting_for_approval(project, shots)
    if waiting:
        scenes = " ".join(f"--scene {x}" for x in dict.fromkeys(s.scene for s in shots if s.id in waiting))
        raise StoryboardNotApproved(
            f"{len(waiting)} of {len(shots)} shots have no approved keyframe; nothing was sent",
            f"make and approve them: `filmsofone keyframes {slug} {scenes}`, then "
            f"`filmsofone keyframes {slug} approve SHOT` or the screening room; or pass --no-storyboard")


def _select_shots(ws, slug, db_path: Path, analysis, scene_ids, shot_ids) -> list[Shot]:
    known = [s.id for s in analysis.scenes]
    if shot_ids:
        everything = store.load_shots(db_path)
        by_id = {s.id: s for s in everything}
        missing = [i for i in shot_ids if i not in by_id]
        if missing:
            raise UserError(f"no shot {', '.join(missing)} in '{slug}'",
                            f"see the shot ids with `filmsofone plan {slug}`")
        return [by_id[i] for i in shot_ids]
    wanted = list(scene_ids) if scene_ids else adapt(ws, slug, analysis=analysis).kept_ids()
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise UserError(f"no scene {', '.join(unknown)} in '{slug}'", f"scenes: {', '.join(known[:30])}")
    shots = []
    for scene_id in wanted:
        scene_shots = store.load_shots(db_path, scene_id)
        if not scene_shots:
            scene_shots = _plan_scene(ws, slug, scene_id)
        if not scene_shots and scene_ids:
            raise UserError(f"scene {scene_id} is cut by the adaptation of '{slug}'",
                            f"keep it with `filmsofone adapt {slug} --scene {scene_id} --keep`")
        shots.extend(scene_shots)
    return shots


def _plan_scene(ws, slug, scene_id) -> list[Shot]:
    return plan_book(ws, slug, scene_id).get(scene_id, [])


def add_take(ws: Workspace, slug: str, shot_id: str, file: Path) -> Take:
    """Attach a video file to `shot_id` as a new take (re-encoded to the clip format; the cut's pick)."""
    project = open_project(ws, slug).ensure()
    shot, _ = find_shot(ws, slug, shot_id)
    backend = get_backend("clips", {"file": str(Path(file).resolve())})
    jobs = JobStore(project.db_path, project.root)
    with project_lock(project, "takes add"):
        return _attach(project, jobs, backend, shot, file)


def _attach(project, jobs: JobStore, backend, shot: Shot, file: Path) -> Take:
    shot_id = shot.id
    job = jobs.new_job(shot_id=shot_id, scene=shot.scene, backend="clips", cache_key=f"file:{Path(file).name}",
                       status="running", request={"file": Path(file).name})
    final, tmp = clip_paths(project.clips_dir, shot.scene, shot_id, job.id)
    final.parent.mkdir(parents=True, exist_ok=True)
    try:
        backend.attach(tmp)
        duration = round(ffmpeg.probe(tmp).duration, 3)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        jobs.update(job, status="failed", error=str(exc)[:500])
        raise
    tmp.replace(final)
    row = jobs.finish(job, scene=shot.scene, path=final, duration=duration)
    with store.session_for(project.db_path) as session:
        take = session.get(type(row), row.id)
        take.source = str(Path(file).name)
        session.add(take)
        session.commit()
    return next(t for t in _takes_by_shot(project.db_path, project.root, {shot_id})[shot_id] if t.id == row.id)
