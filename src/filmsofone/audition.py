"""Auditions: render candidate portraits of a character (or stills of a setting or prop) and pick one.

`audition` asks an image backend (the offline `animatic-portrait` by default; `runway-image` or any
plugin of kind "image") for N candidates drawn from the entry's words in the cast bible, and writes them to
`casts/<slug>/auditions/<entry id>/<n>.png`. `pick` makes candidate N the entry's reference image: it is
copied into `casts/<slug>/` and put first in the entry's `reference_images` (replacing an earlier pick), so
every later prompt for a shot with that character carries it to backends that take references.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from pathlib import Path

from .errors import BackendError, UserError
from .keyframes.make import check_image
from .workspace import Workspace
from .models import ProgressCallback
from .store.files import write_atomic

DEFAULT_BACKEND = "animatic-portrait"
PICKS_FILE = "picked.json"
_ASPECTS = {"characters": ("3:4", "1:1", "9:16"), "settings": ("16:9", "4:3", "1:1"), "props": ("1:1", "4:3")}


def auditions_dir(ws: Workspace, slug: str, entry_id: str) -> Path:
    return ws.bible_assets_dir(slug) / "auditions" / entry_id


def audition(ws: Workspace, slug: str, name: str, n: int = 4, backend: str = DEFAULT_BACKEND, *,
             options: dict | None = None, seed: int | None = None,
             progress: ProgressCallback | None = None) -> list[Path]:
    """Render `n` candidates for the character, setting or prop `name`; return their paths (1..n)."""
    from .backends import get_backend
    from .bible import load_bible
    from .bible.edit import find_entry

    if n < 1:
        raise UserError("an audition needs at least one candidate", "use -n 1 or more")
    bible = load_bible(ws, slug)
    kind, entry = find_entry(bible, name)
    engine = get_backend(backend, options)
    if engine.kind != "image":
        raise BackendError(f"backend '{backend}' makes video; an audition needs an image backend",
                           "use --backend animatic-portrait (offline), runway-image, or another image backend")
    references = [ws.root / r for r in entry.reference_images if (ws.root / r).is_file()]
    requests = [candidate_request(bible, slug, kind, entry, engine, i, seed, references) for i in range(1, n + 1)]
    for request in requests:
        engine.check(request)  # before anything is sent
    folder = auditions_dir(ws, slug, entry.id)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    paths = [folder / f"{i}.png" for i in range(1, n + 1)]
    asyncio.run(_render_all(engine, requests, paths, progress, f"audition {entry.name}"))
    return paths


def candidate_request(bible, slug: str, kind: str, entry, engine, index: int, seed: int | None,
                      references: list[Path] = ()):
    """The image request for candidate `index` of `entry`, fitted to what the backend takes (the entry's
    current reference images go along to backends that take references, to keep the identity)."""
    from .backends.base import GenerationRequest
    from .bible import identity_text, look_text, palette

    caps = engine.capabilities
    style = bible.style
    if kind == "characters":
        words = identity_text(bible, entry.id)
        prompt = f"Casting portrait, head and shoulders, facing the camera, plain backdrop. {words}."
        colours: list[str] = []
    elif kind == "settings":
        words = look_text(bible, entry.id, "day")
        prompt = f"Location still, no people. {words}."
        colours = palette(bible, entry.id, "day")
    else:
        words = f"{entry.name}: {entry.description}".rstrip(": ")
        prompt = f"Prop still on a neutral table, even light. {words}."
        colours = []
    prompt = f"{prompt} {style.film_look}".strip()[: caps.prompt_limit]
    aspect = next((a for a in _ASPECTS[kind] if a in caps.aspect_ratios), caps.aspect_ratios[0])
    base = seed if seed is not None else int(hashlib.sha256(f"{slug}:{entry.id}".encode()).hexdigest()[:7], 16)
    return GenerationRequest(
        shot_id=f"audition-{entry.id}-{index}",
        prompt=prompt,
        negative_prompt=style.negative_prompt if caps.negative_prompt else "",
        seed=base + index if caps.seed else None,
        duration=caps.durations[0] if caps.durations else caps.min_duration,
        aspect_ratio=aspect,
        resolution=_resolution_for(aspect, caps.resolutions),
        references=[] if engine.local else list(references)[: caps.reference_images],
        sketch={"kind": kind, "name": entry.name, "lines": [words], "palette": colours, "variant": index},
    )


def _resolution_for(aspect: str, resolutions: list[str]) -> str:
    width, _, height = aspect.partition(":")
    wanted = float(width) / float(height)
    for resolution in resolutions:
        w, _, h = resolution.partition("x")
        if abs(int(w) / int(h) - wanted) < 0.02:
            return resolution
    return resolutions[0] if resolutions else "1280x720"


async def _render_all(engine, requests, paths: list[Path], progress, label: str) -> None:
    slots = asyncio.Semaphore(engine.concurrency())
    done = 0

    async def one(request, path: Path) -> None:
        nonlocal done
        async with slots:
            await make_image(engine, request, path)
        done += 1
        if progress is not None:
            progress(label, done, len(requests))

    if progress is not None:
        progress(label, 0, len(requests))
    await asyncio.gather(*(one(r, p) for r, p in zip(requests, paths)))


async def make_image(engine, request, dest: Path) -> None:
    """One image through a backend's steps (local render, or create -> poll -> download), checked and
    renamed into place; a failure becomes a BackendError that never carries a key."""
    from .backends.base import BackendFailure

    tmp = dest.with_name(f".{dest.stem}.part{dest.suffix}")
    try:
        if engine.local:
            await engine.render(request, tmp)
        else:
            await _hosted(engine, request, tmp)
        check_image(tmp)
    except BackendFailure as exc:
        tmp.unlink(missing_ok=True)
        from .keys import scrub

        raise BackendError(f"{request.shot_id} on {engine.name}: {scrub(str(exc), _secrets(engine))}",
                           "run the audition again, or try another backend") from None
    os.replace(tmp, dest)


def _secrets(engine) -> list[str] | None:
    from .backends import key_env_vars
    from .keys import known_secrets

    return [s for s in {engine.key, *known_secrets(key_env_vars())} if s]


async def _hosted(engine, request, tmp: Path) -> None:
    """The generate engine's create -> poll -> download path, for one image (no database here)."""
    from .backends import remote
    from .backends.base import Failed, OutcomeUnknown
    from .backends.transport import GaveUp

    async def check(path: Path) -> None:
        await asyncio.to_thread(check_image, path)

    async with engine.client() as client:
        try:
            await remote.make(engine, client, request, tmp, check=check)
        except OutcomeUnknown as exc:
            raise Failed(f"{exc} (not sent again: an audition never pays twice)") from None
        except (GaveUp, remote.TimedOut) as exc:
            raise Failed(str(exc)) from None


def list_candidates(ws: Workspace, slug: str, entry_id: str) -> list[Path]:
    folder = auditions_dir(ws, slug, entry_id)
    numbered = [p for p in folder.glob("*.png") if p.stem.isdigit()] if folder.is_dir() else []
    return sorted(numbered, key=lambda p: int(p.stem))


def pick(ws: Workspace, slug: str, name: str, n: int) -> Path:
    """Make audition candidate `n` the entry's reference image (first in `reference_images`); return the copy."""
    from .bible import load_bible
    from .bible.edit import add_reference_image, find_entry, set_fields

    bible = load_bible(ws, slug)
    kind, entry = find_entry(bible, name)
    folder = auditions_dir(ws, slug, entry.id)
    candidate = folder / f"{n}.png"
    if not candidate.is_file():
        have = [p.stem for p in list_candidates(ws, slug, entry.id)]
        hint = f"candidates: {', '.join(have)}" if have else f"run `filmsofone cast audition {slug} '{name}'` first"
        raise UserError(f"no audition candidate {n} for {entry.name}", hint)
    copy = add_reference_image(ws, slug, entry.id, candidate)
    relative = copy.relative_to(ws.root).as_posix()
    picks_file = folder / PICKS_FILE
    earlier = json.loads(picks_file.read_text(encoding="utf-8")) if picks_file.is_file() else []
    current = load_bible(ws, slug)
    _, fresh = find_entry(current, entry.id)
    ordered = [relative] + [r for r in fresh.reference_images if r != relative and r not in earlier]
    set_fields(ws, slug, entry.id, [f"reference_images={json.dumps(ordered)}"])
    write_atomic(picks_file, json.dumps(sorted(set(earlier) | {relative}), indent=1))
    return copy
