"""Editing shot lists by hand: the library behind `filmsofone shots set|add|rm|move`.

Every edit marks the shot `edited`, so re-planning keeps it. Values are written `field=value`:
`size=CU`, `duration=4.5`, `characters=Ada:left,Tom:right` (ids, names or aliases), `dialogue=q3,q4`,
`props=lamp,key`, `source_span=120:380`, `locked=true`, `action="Ada lights the lamp."`.
"""

from __future__ import annotations

from pydantic import ValidationError

from .. import store
from ..errors import UserError
from ..models import BookAnalysis, Shot
from ..project import check_scene, load_analysis, load_removed, open_project, save_removed
from ..workspace import Workspace

EDITABLE = ("size", "angle", "movement", "lens", "duration", "characters", "setting", "time_of_day", "light",
            "action", "dialogue", "props", "source_span", "notes", "locked")
_LISTS = ("dialogue", "props")
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def find_shot(ws: Workspace, slug: str, shot_id: str) -> tuple[Shot, list[Shot]]:
    """The shot and its scene's whole list, or a UserError naming nearby ids."""
    db = open_project(ws, slug).db_path
    scene_id = shot_id.rsplit("-", 1)[0]
    shots = store.load_shots(db, scene_id)
    for shot in shots:
        if shot.id == shot_id:
            return shot, shots
    if not shots:
        try:
            check_scene(load_analysis(ws, slug), scene_id)
        except UserError as exc:  # "9.9-001": the book has no scene 9.9; name its scenes
            raise UserError(f"no shot '{shot_id}' in {slug}: it has no scene {scene_id}",
                            f"{exc.hint}; list a scene's shots with `filmsofone shots {slug} --scene ID`") from None
    hint = f"shots of scene {scene_id}: {', '.join(s.id for s in shots)}" if shots else \
        f"scene {scene_id} has no shots yet: plan it with `filmsofone plan {slug} --scene {scene_id}`"
    raise UserError(f"no shot '{shot_id}' in {slug}", hint)


def parse_assignments(assignments: list[str], analysis: BookAnalysis) -> dict:
    """['size=CU', 'characters=Ada:left'] -> {'size': 'CU', 'characters': [{'character': 'c1', ...}]}."""
    values: dict = {}
    for assignment in assignments:
        key, sep, raw = assignment.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in EDITABLE:
            raise UserError(f"cannot set '{assignment}'", f"write FIELD=VALUE with FIELD one of {', '.join(EDITABLE)}")
        values[key] = _parse_value(key, raw.strip(), analysis)
    return values


def _parse_value(key: str, raw: str, analysis: BookAnalysis):
    if key == "locked":
        if raw.lower() not in _TRUE | _FALSE:
            raise UserError(f"locked={raw}: expected true or false", "write locked=true or locked=false")
        return raw.lower() in _TRUE
    if key in _LISTS:
        return [item.strip() for item in raw.split(",") if item.strip()]
    if key == "characters":
        return [_in_frame(item.strip(), analysis) for item in raw.split(",") if item.strip()]
    if key == "source_span":
        if not raw or raw.lower() == "none":
            return None
        start, _, end = raw.partition(":")
        try:
            return (int(start), int(end))
        except ValueError:
            raise UserError(f"source_span={raw}: expected START:END", "character offsets, e.g. 120:380") from None
    if key in ("setting", "light") and raw.lower() in ("", "none"):
        return None
    if key == "setting":
        return _setting_id(raw, analysis)
    return raw


def _in_frame(item: str, analysis: BookAnalysis) -> dict:
    name, _, position = item.partition(":")
    return {"character": _character_id(name.strip(), analysis), "position": position.strip() or "center"}


def _character_id(key: str, analysis: BookAnalysis) -> str:
    folded = key.casefold()
    for character in analysis.characters:
        if character.id == key or folded in (n.casefold() for n in [character.name, *character.aliases]):
            return character.id
    raise UserError(f"no character '{key}' in {analysis.book.slug}",
                    "use an id, name or alias from `filmsofone show " + analysis.book.slug + "`")


def _setting_id(key: str, analysis: BookAnalysis) -> str:
    folded = key.casefold()
    for setting in analysis.settings:
        if setting.id == key or folded in (n.casefold() for n in [setting.name, *setting.aliases]):
            return setting.id
    raise UserError(f"no setting '{key}' in {analysis.book.slug}", "use an id or name from `filmsofone show`")


def _apply(shot: Shot, values: dict) -> Shot:
    data = shot.model_dump()
    data.update(values)
    if set(values) - {"locked"}:
        data["edited"] = True
    try:
        return Shot.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise UserError(f"invalid shot value: {problems}",
                        "sizes: EWS WS MS MCU CU ECU insert; positions: left center right offscreen") from None


def _save(ws: Workspace, slug: str, scene_id: str, shots: list[Shot]) -> list[Shot]:
    ordered = [s.model_copy(update={"order": n}) for n, s in enumerate(shots, 1)]
    store.save_shots(open_project(ws, slug).db_path, scene_id, ordered)
    return ordered


def set_shot(ws: Workspace, slug: str, shot_id: str, assignments: list[str]) -> Shot:
    """Change fields of a shot; it becomes `edited` (setting only `locked` does not count as an edit)."""
    shot, shots = find_shot(ws, slug, shot_id)
    changed = _apply(shot, parse_assignments(assignments, load_analysis(ws, slug)))
    _save(ws, slug, shot.scene, [changed if s.id == shot_id else s for s in shots])
    return changed


def add_shot(ws: Workspace, slug: str, scene_id: str, assignments: list[str], *, after: str | None = None) -> Shot:
    """A new hand-made shot in a scene, after `after` (else at the end)."""
    analysis = load_analysis(ws, slug)
    check_scene(analysis, scene_id)
    shots = store.load_shots(open_project(ws, slug).db_path, scene_id)
    numbers = [int(s.id.rsplit("-", 1)[1]) for s in shots if s.id.rsplit("-", 1)[-1].isdigit()]
    scene = analysis.scene(scene_id)
    base = Shot(id=f"{scene_id}-{max(numbers + [0]) + 1:03d}", scene=scene_id, order=0, setting=scene.setting,
                time_of_day=scene.time_of_day)
    values = parse_assignments(assignments, analysis)
    new = _apply(base, values).model_copy(update={"edited": True})
    index = len(shots)
    if after is not None:
        index = next((i + 1 for i, s in enumerate(shots) if s.id == after), None)
        if index is None:
            raise UserError(f"no shot '{after}' in scene {scene_id}", f"shots: {', '.join(s.id for s in shots)}")
    saved = _save(ws, slug, scene_id, [*shots[:index], new, *shots[index:]])
    return next(s for s in saved if s.id == new.id)


def remove_shot(ws: Workspace, slug: str, shot_id: str) -> Shot:
    """Delete a shot; re-planning will not bring back a shot made from the same words."""
    shot, shots = find_shot(ws, slug, shot_id)
    _save(ws, slug, shot.scene, [s for s in shots if s.id != shot_id])
    if shot.source_span is not None:
        removed = load_removed(ws, slug)
        removed.setdefault(shot.scene, []).append(shot)
        save_removed(ws, slug, removed)
    return shot


def move_shot(ws: Workspace, slug: str, shot_id: str, *, to: int | None = None, after: str | None = None,
              before: str | None = None) -> list[Shot]:
    """Move a shot to position `to` (1-based), or after/before another shot of its scene; it becomes edited."""
    shot, shots = find_shot(ws, slug, shot_id)
    if sum(x is not None for x in (to, after, before)) != 1:
        raise UserError("say where to move the shot", "give exactly one of --to N, --after SHOT, --before SHOT")
    rest = [s for s in shots if s.id != shot_id]
    if to is not None:
        if not 1 <= to <= len(shots):
            raise UserError(f"position {to} is outside 1..{len(shots)}", "count shots from 1")
        index = to - 1
    else:
        target = after or before
        index = next((i for i, s in enumerate(rest) if s.id == target), None)
        if index is None:
            raise UserError(f"no shot '{target}' in scene {shot.scene}", f"shots: {', '.join(s.id for s in rest)}")
        index += 1 if after else 0
    moved = shot.model_copy(update={"edited": True})
    return _save(ws, slug, shot.scene, [*rest[:index], moved, *rest[index:]])


def set_durations(ws: Workspace, slug: str, durations: dict[str, float]) -> list[Shot]:
    """Set the duration of shots (e.g. from the length of their speech); they are not marked `edited`,
    and locked shots keep theirs. Returns the shots changed."""
    db = open_project(ws, slug).db_path
    by_scene: dict[str, dict[str, float]] = {}
    for shot_id, seconds in durations.items():
        by_scene.setdefault(shot_id.rsplit("-", 1)[0], {})[shot_id] = seconds
    changed: list[Shot] = []
    for scene_id, wanted in by_scene.items():
        shots = store.load_shots(db, scene_id)
        updated = [s.model_copy(update={"duration": round(wanted[s.id], 3)})
                   if s.id in wanted and not s.locked and abs(s.duration - wanted[s.id]) > 1e-3 else s for s in shots]
        fresh = [new for new, old in zip(updated, shots) if new is not old]
        if fresh:
            store.save_shots(db, scene_id, updated)
            changed += fresh
    return changed
