"""From stored shots to backend requests, each with the cache key that says whether it is already made.

The request is the shot's `ShotPrompt` as `prompts.render_prompts(..., backend=NAME)` fitted it to the
backend (seed, negative prompt, references, aspect ratio, prompt length); the engine only rounds a
duration up to the nearest length the backend makes (the cut trims). Anything the backend still cannot
honour (a seed it does not take, a duration beyond its longest, ...) is refused by `Backend.check` before
anything is sent, never silently dropped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..backends.base import Backend, GenerationRequest
from ..bible.paths import check_listed
from ..bible.yamlio import read_document
from ..models import Shot, ShotPrompt
from ..prompts import render_prompts
from ..workspace import Workspace

ENGINE_OPTIONS = {"price_per_second", "price_per_clip", "concurrency", "poll_interval", "timeout"}


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
                  bible=None) -> list[Planned]:
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
        request = build_request(ws, shot, prompt, backend, style=style, analysis=analysis, text=text, bible=bible)
        backend.check(request)
        planned.append(Planned(shot, request, cache_key(backend, request), backend.cost(request.duration)))
    return planned


def build_request(ws: Workspace, shot: Shot, prompt: ShotPrompt, backend: Backend, *, style, analysis, text,
                  bible) -> GenerationRequest:
    caps = backend.capabilities
    references = [ws.root / r for r in prompt.references]
    sketch = None
    if backend.wants_sketch:
        from ..backends.animatic import build_sketch

        sketch = build_sketch(shot, analysis, text, bible)
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
        options=backend.options.model_dump(mode="json", exclude=ENGINE_OPTIONS),
        sketch=sketch,
    )


def fit_duration(duration: float, caps) -> float:
    """The nearest length the backend makes that is at least `duration` (else the longest)."""
    if caps.durations:
        longer = sorted(d for d in caps.durations if d >= duration - 1e-6)
        return longer[0] if longer else duration  # too long: `check` refuses it
    return round(max(duration, caps.min_duration), 3)


def _file_digest(path: Path | None) -> str | None:
    if path is None:
        return None
    path = Path(path)
    if not path.is_file():
        return f"missing:{path.name}"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cache_key(backend: Backend, request: GenerationRequest) -> str:
    """A hash of everything that decides the clip: backend, prompt, options, inputs (by content)."""
    payload = request.model_dump(mode="json", exclude={"shot_id", "references", "first_frame", "last_frame",
                                                       "idempotency_key"})
    payload["backend"] = backend.name
    payload["options"] = {k: v for k, v in payload["options"].items() if k not in backend.cache_exempt_options}
    payload["inputs"] = [_file_digest(p) for p in request.references]
    payload["first_frame"] = _file_digest(request.first_frame)
    payload["last_frame"] = _file_digest(request.last_frame)
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]
