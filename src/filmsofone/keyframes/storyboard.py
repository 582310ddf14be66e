"""The storyboard: each shot's keyframe takes, the pick, and the director's approval.

`approve` approves a shot's current take (or take N); `reject` withdraws the approval and rejects the
current take, so the next `filmsofone keyframes` run (or the screening room's "another take") asks for a
new one; `replace` makes an image of the user's own (a painting, a photograph) a take, cropped to the
shot's aspect ratio, and approves it. An approval belongs to the shot's content (its fingerprint), so it
survives re-planning that leaves the shot unchanged and lapses when the shot changes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from .. import store
from ..errors import UserError
from ..models import Shot
from ..project import open_project
from ..workspace import Project, Workspace
from .index import (
    Approval,
    KeyframeTake,
    editing,
    file_sha256,
    fingerprint,
    keyframes_dir,
    read_index,
)
from .make import record_take

MAX_UPLOAD_PIXELS = 40_000_000


@dataclass
class StoryboardShot:
    """One shot as the storyboard shows it."""

    shot: Shot
    takes: list[KeyframeTake]
    current: Path | None  # the take the storyboard shows (pick, else newest not rejected)
    current_number: int | None
    approved: Path | None  # the approved image, when the approval still holds


def find_shot(project: Project, slug: str, shot_id: str) -> Shot:
    for shot in store.load_shots(project.db_path):
        if shot.id == shot_id:
            return shot
    raise UserError(f"no shot {shot_id} in '{slug}'", f"see the shot ids with `filmsofone plan {slug}`")


def approved_keyframe(project: Project, shot: Shot, index=None) -> Path | None:
    """The approved keyframe of `shot` while its approval holds (same shot content, file unchanged)."""
    index = index or read_index(project)
    approval = index.approvals.get(fingerprint(shot))
    if approval is None:
        return None
    path = project.root / approval.file
    if not path.is_file() or file_sha256(path) != approval.sha256:
        return None
    return path


def current_keyframe(project: Project, shot: Shot, index=None) -> Path | None:
    """The keyframe a free backend starts from: the approved one, else the pick or newest good take."""
    index = index or read_index(project)
    approved = approved_keyframe(project, shot, index)
    if approved is not None:
        return approved
    entry = index.shots.get(shot.id)
    take = entry.current(project.root) if entry else None
    return project.root / take.file if take else None


def storyboard(ws: Workspace, slug: str, scene_id: str | None = None) -> list[StoryboardShot]:
    """Every shot (of one scene) in shot order, with its keyframe takes and approval."""
    project = open_project(ws, slug)
    index = read_index(project)
    shots = store.load_shots(project.db_path, scene_id)
    result = []
    for shot in shots:
        entry = index.shots.get(shot.id)
        take = entry.current(project.root) if entry else None
        result.append(StoryboardShot(shot, list(entry.takes) if entry else [],
                                     project.root / take.file if take else None, take.number if take else None,
                                     approved_keyframe(project, shot, index)))
    return result


def waiting_for_approval(project: Project, shots: list[Shot]) -> list[str]:
    """Ids of the shots without a valid approved keyframe."""
    index = read_index(project)
    return [s.id for s in shots if approved_keyframe(project, s, index) is None]


def approve(ws: Workspace, slug: str, shot_id: str, number: int | None = None) -> KeyframeTake:
    """Approve take `number` of the shot's keyframe (default: the current one); it becomes the pick."""
    return _choose(ws, slug, shot_id, number, approving=True)


def _choose(ws: Workspace, slug: str, shot_id: str, number: int | None, *, approving: bool) -> KeyframeTake:
    project = open_project(ws, slug)
    shot = find_shot(project, slug, shot_id)
    with editing(project) as index:
        entry = index.shots.get(shot_id)
        take = _take(entry, number, project, slug, shot)
        entry.chosen = take.number
        take.rejected = False
        if approving:
            path = project.root / take.file
            index.approvals[fingerprint(shot)] = Approval(shot_id=shot_id, file=take.file,
                                                          sha256=file_sha256(path))
    return take


def _take(entry, number: int | None, project: Project, slug: str, shot: Shot) -> KeyframeTake:
    if entry is None or not entry.takes:
        raise UserError(f"shot {shot.id} has no keyframe yet",
                        f"make one with `filmsofone keyframes {slug} --scene {shot.scene}`")
    if number is None:
        current = entry.current(project.root)
        if current is None:
            raise UserError(f"shot {shot.id} has no keyframe to approve (all rejected or missing)",
                            f"make another with `filmsofone keyframes {slug} --scene {shot.scene}`")
        return current
    found = [t for t in entry.takes if t.number == number and (project.root / t.file).is_file()]
    if not found:
        have = ", ".join(str(t.number) for t in entry.takes)
        raise UserError(f"shot {shot.id} has no keyframe take {number}", f"takes: {have}")
    return found[0]


def pick(ws: Workspace, slug: str, shot_id: str, number: int) -> KeyframeTake:
    """Make take `number` the one the storyboard shows (without approving it)."""
    return _choose(ws, slug, shot_id, number, approving=False)


def reject(ws: Workspace, slug: str, shot_id: str) -> KeyframeTake | None:
    """Withdraw the shot's approval and reject its current take (the next run makes another)."""
    project = open_project(ws, slug)
    shot = find_shot(project, slug, shot_id)
    with editing(project) as index:
        index.approvals.pop(fingerprint(shot), None)
        entry = index.shots.get(shot_id)
        current = entry.current(project.root) if entry else None
        if current is not None:
            current.rejected = True
            entry.chosen = None
    return current


def replace(ws: Workspace, slug: str, shot_id: str, file: Path, aspect_ratio: str | None = None) -> KeyframeTake:
    """Make the user's image the shot's keyframe (cropped to the shot's aspect ratio) and approve it."""
    project = open_project(ws, slug)
    shot = find_shot(project, slug, shot_id)
    aspect = aspect_ratio or _film_aspect(ws, slug)
    folder = keyframes_dir(project) / shot.scene
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{shot_id}-{secrets.token_hex(4)}.upload.png"
    try:
        _import_image(Path(file), tmp, aspect)
        take = record_take(project, shot, tmp, backend="upload", cache_key=f"upload:{file_sha256(tmp)[:24]}",
                           source="upload")
    finally:
        tmp.unlink(missing_ok=True)
    return approve(ws, slug, shot_id, take.number)


def _film_aspect(ws: Workspace, slug: str) -> str:
    from ..bible import load_bible

    try:
        return load_bible(ws, slug).style.aspect_ratio
    except UserError:
        return "16:9"


def _import_image(source: Path, dest: Path, aspect: str) -> None:
    """Decode any image Pillow reads, crop it to `aspect`, save it as PNG; a bad file is the user's error."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not source.is_file():
        raise UserError(f"no file {source}", "give the path of an image (PNG, JPEG, WebP, ...)")
    try:
        with Image.open(source) as picture:
            if picture.width * picture.height > MAX_UPLOAD_PIXELS:
                raise UserError(f"{source.name} is {picture.width}x{picture.height}: too large",
                                "use an image under 40 megapixels")
            picture = ImageOps.exif_transpose(picture).convert("RGB")
            width, _, height = aspect.partition(":")
            ratio = float(width) / float(height) if height else 16 / 9
            w = picture.width if picture.width / picture.height <= ratio else int(picture.height * ratio)
            h = int(w / ratio)
            ImageOps.fit(picture, (max(2, w), max(2, h))).save(dest, "PNG")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UserError(f"{source.name} is not an image filmsofone can read ({type(exc).__name__})",
                        "use a PNG, JPEG or WebP file") from None
