"""Takes: every finished clip of a shot. The cut uses the chosen take, else the newest good one."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import select

from .. import store
from ..errors import UserError
from ..plan.edit import find_shot
from ..project import check_scene, open_project
from ..store.tables import TakeRow
from ..workspace import Workspace


class Take(BaseModel):
    """One clip of one shot, as the cut and `takes` see it."""

    id: int
    shot_id: str
    scene: str | None
    number: int  # 1-based, in the order the takes were made
    backend: str
    path: Path  # absolute
    duration: float
    chosen: bool  # picked by the user
    current: bool  # the one the cut uses
    created_at: datetime
    source: str | None = None


def _takes_by_shot(db_path: Path, project_root: Path, shot_ids: set[str] | None = None) -> dict[str, list[Take]]:
    with store.session_for(db_path) as session:
        rows = session.exec(select(TakeRow).order_by(TakeRow.shot_id, TakeRow.id)).all()
    grouped: dict[str, list[TakeRow]] = {}
    for row in rows:
        if shot_ids is None or row.shot_id in shot_ids:
            grouped.setdefault(row.shot_id, []).append(row)
    result = {}
    for shot_id, shot_rows in grouped.items():
        current = _current(shot_rows, project_root)
        result[shot_id] = [
            Take(id=r.id, shot_id=r.shot_id, scene=r.scene, number=i + 1, backend=r.backend,
                 path=project_root / r.path, duration=r.duration, chosen=r.chosen,
                 current=current is not None and r.id == current.id, created_at=r.created_at, source=r.source)
            for i, r in enumerate(shot_rows)
        ]
    return result


def _current(rows: list[TakeRow], project_root: Path) -> TakeRow | None:
    good = [r for r in rows if (project_root / r.path).is_file()]
    chosen = [r for r in good if r.chosen]
    if chosen:
        return chosen[-1]
    return good[-1] if good else None


def chosen_takes(ws: Workspace, slug: str) -> dict[str, Take]:
    """Shot id -> the take the cut uses (the user's pick, else the newest take whose file exists)."""
    project = open_project(ws, slug)
    return {shot_id: take for shot_id, takes in _takes_by_shot(project.db_path, project.root).items()
            for take in takes if take.current}


def list_takes(ws: Workspace, slug: str, scene_id: str | None = None) -> dict[str, list[Take]]:
    """Every take of every shot (of one scene), in shot order; an unknown scene is the user's mistake."""
    project = open_project(ws, slug)
    if scene_id is not None:
        check_scene(store.load_analysis(project.db_path), scene_id)
    shots = store.load_shots(project.db_path, scene_id)
    takes = _takes_by_shot(project.db_path, project.root, {s.id for s in shots} if scene_id else None)
    order = {s.id: i for i, s in enumerate(shots)}
    return dict(sorted(takes.items(), key=lambda kv: (order.get(kv[0], 1 << 30), kv[0])))


def pick_take(ws: Workspace, slug: str, shot_id: str, number: int) -> Take:
    """Make take `number` (1-based) the one the cut uses for `shot_id`."""
    project = open_project(ws, slug)
    with store.session_for(project.db_path) as session:
        rows = session.exec(select(TakeRow).where(TakeRow.shot_id == shot_id).order_by(TakeRow.id)).all()
        if not rows:
            find_shot(ws, slug, shot_id)  # no such shot: say so, with the scene's shots
            raise UserError(f"shot {shot_id} has no takes", "generate it first, or add one with `takes add`")
        if not 1 <= number <= len(rows):
            raise UserError(f"shot {shot_id} has takes 1-{len(rows)}, not {number}",
                            f"run `filmsofone takes {slug} --scene {rows[0].scene}` to see them")
        if not (project.root / rows[number - 1].path).is_file():
            raise UserError(f"take {number} of shot {shot_id} has lost its file", "pick another take")
        for i, row in enumerate(rows):
            row.chosen = i == number - 1
            session.add(row)
        session.commit()
    return _takes_by_shot(project.db_path, project.root, {shot_id})[shot_id][number - 1]
