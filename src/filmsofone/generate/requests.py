"""From stored shots to backend requests, each with the cache key that says whether it is already made.

The request is the shot's `ShotPrompt` as `prompts.render_prompts(..., backend=NAME)` fitted it to the
backend (seed, negative prompt, aspect ratio, prompt length), with the shot's reference images, most
prominent first, as many as the backend takes (`keyframes.references`); the engine only rounds a
duration up to the nearest length the backend makes (the cut trims). Anything the backend still cannot
honour (a seed it does not take, a duration beyond its longest, ...) is refused by `Backend.check` before
anything is sent, never silently dropped.

Image-to-video: a backend that takes a first frame gets the shot's keyframe (`Frames.first`: the approved
one, else for free backends the current one); one that takes a last frame also gets the next shot's
keyframe when the two shots continue one action in the same setup (`continues`). A backend that cannot take
frames and reference images in one request (`Capabilities.frames_with_references` False) gets, per shot,
the frames when the shot has a keyframe (it already carries the faces), else the reference images.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..backends.base import Backend, GenerationRequest
from ..bible.paths import check_listed
from ..bible.yamlio import read_document
from ..keyframes import build_sketch, in_frame, request_key
from ..keyframes.requests import faces
from ..keyframes.requests import references as shot_references
from ..models import Shot, ShotPrompt
from ..prompts import fit_duration as fit_prompt_duration
from ..prompts import render_prompts
from ..workspace import Workspace

ENGINE_OPTIONS = {"price_per_second", "price_per_clip", "concurrency", "poll_interval", "timeout"}


@dataclass
class Frames:
    """The keyframes a shot's request starts (and ends) on."""

    first: Path | None = None
    last: Path | None = None


def continues(shot: Shot, following: Shot | None) -> bool:
    """True when `following` carries on the same action in the same setup: the next shot of the scene with
    the same size, angle, lens and setting and the same characters in the same places."""
    if following is None or following.scene != shot.scene or following.order != shot.order + 1:
        return False
    same = ("size", "angle", "lens", "setting")
    placed = lambda s: sorted((p.character, p.position) for p in s.characters)  # noqa: E731
    return all(getattr(shot, f) == getattr(following, f) for f in same) and placed(shot) == placed(following)


def shot_frames(shots: list[Shot], keyframe_of, caps) -> dict[str, Frames]:
    """Shot id -> the frames to send, for a backend with capabilities `caps`; `keyframe_of(shot)` gives the
    keyframe a shot may use (or None)."""
    frames = {}
    for i, shot in enumerate(shots):
        first = keyframe_of(shot) if caps.first_frame else None
        following = shots[i + 1] if i + 1 < len(shots) else None
        last = keyframe_of(following) if first and caps.last_frame and continues(shot, following) else None
        frames[shot.id] = Frames(first, last)
    return frames


@dataclass
class Planned:
    """One shot to make: its request, cache key and estimated cost."""

    shot: Shot
    request: GenerationRequest
    cache_key: str
    cost: float


def render_shot_prompts(ws: Workspace, slug: str, shots: list[Shot], backend: Backend) -> list[ShotPrompt]:
    return render_prompts(ws, slug, shots, backend=backend.name, capabilities=backend.capabilities)


def plan_requests(ws: Workspace, slug: str, shots: list[Shot], backend: Backend, *, analysis, text: str,
                  bible=None, frames: dict[str, Frames] | None = None) -> list[Planned]:
    """One `Planned` per shot, in order; raises BackendError for a shot the backend cannot make."""
    prompts = {p.shot_id: p for p in render_shot_prompts(ws, slug, shots, backend)}
    style = getattr(bible, "style", None)
    if style is not None and hasattr(backend, "apply_model_hints"):
        backend.apply_model_hints(style.model_hints)  # checkpoint, LoRAs, sampler from the bible
    check_listed(ws.root, sorted({r for p in prompts.values() for r in p.references}), ws.bible_path(slug),
                 read_document)  # before anything is sent: every reference image exists, inside, and is one
    planned = []
    for shot in shots:
        prompt = prompts.get(shot.id) or ShotPrompt(shot_id=shot.id, prompt=shot.action or shot.id,
                                                    duration=shot.duration)
        request = build_request(ws, shot, prompt, backend, style=style, analysis=analysis, text=text, bible=bible,
                                frames=(frames or {}).get(shot.id))
        backend.check(request)
        planned.append(Planned(shot, request, cache_key(backend, request), backend.cost(request.duration, request.resolution)))
    return planned


def build_request(ws: Workspace, shot: Shot, prompt: ShotPrompt, backend: Backend, *, style, analysis, text,
                  bible, frames: Frames | None = None) -> GenerationRequest:
    caps = backend.capabilities
    frames = frames or Frames()
    references = [r.path for r in shot_references(ws, bible, shot, analysis)][:caps.reference_images]
    if frames.first is not None and not caps.frames_with_references:
        references = []  # the keyframe carries the faces; this provider takes frames or references, not both
    sketch = None
    if backend.wants_sketch:
        sketch = build_sketch(shot, analysis, text, bible,
                              faces={k: str(v) for k, v in faces(ws, bible, in_frame(shot)).items()})
    return GenerationRequest(
        shot_id=shot.id,
        prompt=prompt.prompt,
        negative_prompt=prompt.negative_prompt,
        seed=prompt.seed,
        duration=fit_duration(prompt.duration or shot.duration, caps),
        aspect_ratio=prompt.aspect_ratio or getattr(style, "aspect_ratio", None) or "16:9",
        resolution=getattr(style, "resolution", None) or "1280x720",
        fps=int(getattr(style, "fps", None) or 24),
        references=references,
        first_frame=frames.first,
        last_frame=frames.last,
        options=backend.options.model_dump(mode="json", exclude=ENGINE_OPTIONS),
        sketch=sketch,
    )


def fit_duration(duration: float, caps) -> float:
    """The nearest length the backend makes that is at least `duration` (else the longest)."""
    if caps.durations:
        longer = sorted(d for d in caps.durations if d >= duration - 1e-6)
        return longer[0] if longer else duration  # too long: `check` refuses it
    return round(max(duration, caps.min_duration), 3)


def billed_seconds(shot_seconds: float, caps) -> float:
    """The length of the clip a backend makes (and bills) for a shot of `shot_seconds`: the prompt's length
    (`prompts` fits it to the backend), rounded up to a length the backend makes, as the request carries."""
    return fit_duration(fit_prompt_duration(shot_seconds, caps), caps)


def cache_key(backend: Backend, request: GenerationRequest) -> str:
    """A hash of everything that decides the clip: backend, prompt, options, inputs (by content)."""
    return request_key(backend, request)
