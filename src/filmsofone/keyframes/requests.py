"""From shots to keyframe requests: the shot's still prompt plus its reference images, chosen by prominence.

References, most prominent first: the face (first reference image: the audition pick, or a photo added with
`cast face`) of each character in frame - the speaker of the shot's line first, then the one in the centre,
then the others in the shot's order -, then the setting's first image, the props' first images, then the
characters' and the setting's further images. A backend that takes fewer gets the first ones; the rest are
reported as left out. Offscreen characters bring nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..backends.base import Backend, GenerationRequest
from ..models import BookAnalysis, Shot, ShotPrompt
from ..workspace import Workspace
from .sketch import build_sketch, in_frame

ENGINE_OPTIONS = {"price_per_second", "price_per_clip", "concurrency", "poll_interval", "timeout"}


@dataclass
class Reference:
    path: Path  # absolute
    label: str  # "Ada Quill's face", "the boathouse", ...


@dataclass
class KeyframePlan:
    """One keyframe to make: its request, cache key, estimated cost and the references left out."""

    shot: Shot
    request: GenerationRequest
    cache_key: str
    cost: float
    left_out: list[str] = field(default_factory=list)


def faces(ws: Workspace, bible, character_ids: list[str]) -> dict[str, Path]:
    """Character id -> the file of its face (its first reference image that exists)."""
    found = {}
    for char_id in character_ids:
        for image in _images(bible, "character", char_id):
            if (ws.root / image).is_file():
                found[char_id] = ws.root / image
                break
    return found


def _images(bible, kind: str, key: str) -> list[str]:
    if bible is None or not key:
        return []
    try:
        return list(getattr(bible, kind)(key).reference_images)
    except KeyError:
        return []


def _name(bible, kind: str, key: str) -> str:
    try:
        return getattr(bible, kind)(key).name
    except (KeyError, AttributeError):
        return key


def references(ws: Workspace, bible, shot: Shot, analysis: BookAnalysis | None = None) -> list[Reference]:
    """Every reference image of the shot, most prominent first (files that exist, each once)."""
    people = in_frame(shot, analysis)
    firsts: list[Reference] = []
    rest: list[Reference] = []
    for char_id in people:
        images = _images(bible, "character", char_id)
        name = _name(bible, "character", char_id)
        firsts += [Reference(ws.root / i, f"{name}'s face") for i in images[:1]]
        rest += [Reference(ws.root / i, f"{name} ({Path(i).name})") for i in images[1:]]
    place = _images(bible, "setting", shot.setting or "")
    place_name = _name(bible, "setting", shot.setting or "")
    firsts += [Reference(ws.root / i, place_name) for i in place[:1]]
    for prop in shot.props:
        firsts += [Reference(ws.root / i, _name(bible, "prop", prop)) for i in _images(bible, "prop", prop)[:1]]
    rest += [Reference(ws.root / i, f"{place_name} ({Path(i).name})") for i in place[1:]]
    unique: dict[Path, Reference] = {}
    for ref in firsts + rest:
        if ref.path.is_file():
            unique.setdefault(ref.path.resolve(), ref)
    return list(unique.values())


def shot_aspect(bible, caps) -> str:
    """The film's aspect ratio when the backend makes it, else the backend's nearest one."""
    wanted = getattr(getattr(bible, "style", None), "aspect_ratio", None) or "16:9"
    if wanted in caps.aspect_ratios:
        return wanted
    return min(caps.aspect_ratios, key=lambda a: abs(_ratio(a) - _ratio(wanted)))


def _ratio(aspect: str) -> float:
    width, _, height = aspect.partition(":")
    try:
        return float(width) / float(height)
    except (ValueError, ZeroDivisionError):
        return 16 / 9


def resolution_for(aspect: str, resolutions: list[str]) -> str:
    """The backend's resolution of that shape (else its first one)."""
    for resolution in resolutions:
        w, _, h = resolution.partition("x")
        if w.isdigit() and h.isdigit() and abs(int(w) / int(h) - _ratio(aspect)) < 0.02:
            return resolution
    return resolutions[0] if resolutions else "1280x720"


def keyframe_request(ws: Workspace, shot: Shot, prompt: ShotPrompt, backend: Backend, *, bible, analysis,
                     text: str, variant: int = 0) -> tuple[GenerationRequest, list[str]]:
    """The image request of one shot's keyframe, and the labels of the references left out."""
    caps = backend.capabilities
    refs = references(ws, bible, shot, analysis)
    sent, left_out = refs[:caps.reference_images], [r.label for r in refs[caps.reference_images:]]
    aspect = shot_aspect(bible, caps)
    seed = None
    if caps.seed:
        seed = (prompt.seed or 0) + 1009 * variant
    sketch = None
    if backend.wants_sketch:
        sketch = build_sketch(shot, analysis, text, bible,
                              faces={k: str(v) for k, v in faces(ws, bible, in_frame(shot)).items()})
    request = GenerationRequest(
        shot_id=shot.id, prompt=prompt.prompt[:caps.prompt_limit],
        negative_prompt=prompt.negative_prompt if caps.negative_prompt else "",
        seed=seed, duration=caps.durations[0] if caps.durations else caps.min_duration,
        aspect_ratio=aspect, resolution=resolution_for(aspect, caps.resolutions),
        references=[r.path for r in sent],
        options=backend.options.model_dump(mode="json", exclude=ENGINE_OPTIONS), sketch=sketch,
    )
    return request, left_out


def file_digest(path: Path | None) -> str | None:
    if path is None:
        return None
    path = Path(path)
    if not path.is_file():
        return f"missing:{path.name}"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def request_key(backend: Backend, request: GenerationRequest, *, variant: int = 0) -> str:
    """A hash of everything that decides the output: backend, prompt, options, input images by content."""
    payload = request.model_dump(mode="json", exclude={"shot_id", "references", "first_frame", "last_frame",
                                                       "idempotency_key"})
    payload["backend"] = backend.name
    payload["options"] = {k: v for k, v in payload["options"].items() if k not in backend.cache_exempt_options}
    payload["inputs"] = [file_digest(p) for p in request.references]
    payload["first_frame"] = file_digest(request.first_frame)
    payload["last_frame"] = file_digest(request.last_frame)
    if payload.get("sketch"):  # local file names in the sketch count by content, not by path
        payload["sketch"] = json.loads(json.dumps(payload["sketch"]))
        for figure in payload["sketch"].get("figures", []):
            if figure.get("face"):
                figure["face"] = file_digest(Path(figure["face"]))
    if variant:
        payload["variant"] = variant
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]
