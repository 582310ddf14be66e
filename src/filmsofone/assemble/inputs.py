"""Everything a cut reads from the workspace, gathered defensively in one place.

Takes come from `filmsofone.generate.chosen_takes`; the style from the cast bible (`bible.load_bible`).
A take whose file is missing or unreadable is left out (the cut shows a placeholder card instead).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import ffmpeg, store
from ..adapt import adapt
from ..bible import load_bible
from ..errors import FFmpegError, UserError
from ..generate import chosen_takes
from ..models import BookAnalysis, Scene, Shot
from ..project import load_analysis, load_text, open_project
from ..store.files import write_atomic
from ..workspace import Project, Workspace
from .format import ClipSignature, signature
from .reel import select_scenes


@dataclass
class ProbedTake:
    path: Path
    duration: float
    frames: int
    signature: ClipSignature
    backend: str = ""  # the generator that made it (native sound: sound.native)


@dataclass
class CutInputs:
    project: Project
    analysis: BookAnalysis
    text: str
    scenes: list[Scene]  # the scenes asked for, in film order
    shots: list[Shot]  # their shots, in order
    takes: dict[str, ProbedTake]
    style: Any = None
    bible: Any = None
    problems: list[str] = field(default_factory=list)  # takes left out, and why


def load_inputs(ws: Workspace, slug: str, selection: str | None = None, progress=None) -> CutInputs:
    """Analysis, text, selected scenes and their shots and probed chosen takes, and the style of `slug`."""
    project = open_project(ws, slug)
    analysis = load_analysis(ws, slug)
    cut_away = {s.id for s in adapt(ws, slug, analysis=analysis).scenes if not s.kept}
    scenes = [s for s in select_scenes(analysis, selection) if s.id not in cut_away]
    if not scenes:
        raise UserError(f"the adaptation of '{slug}' cuts every scene selected",
                        f"keep one with `filmsofone adapt {slug} --scene ID --keep`")
    scene_ids = {s.id for s in scenes}
    try:
        text = load_text(ws, slug)
    except FileNotFoundError:
        text = ""
    shots = [s for s in store.load_shots(project.db_path) if s.scene in scene_ids]
    bible = load_bible(ws, slug)  # a broken bible is a BibleError the user must fix
    shot_ids = {s.id for s in shots}
    raw = {k: v for k, v in (chosen_takes(ws, slug) or {}).items() if k in shot_ids}
    takes, problems = probe_takes(project, raw, progress)
    return CutInputs(project, analysis, text, scenes, shots, takes, getattr(bible, "style", None), bible, problems)


def _field(take: Any, name: str) -> Any:
    return take.get(name) if isinstance(take, dict) else getattr(take, name, None)


PROBE_BATCH = 40


def probe_takes(project: Project, raw: dict[str, Any], progress=None) -> tuple[dict[str, ProbedTake], list[str]]:
    """Probe every take (batched, a few ffmpeg runs in parallel; cached by file size and time).

    Unreadable ones become problems (the cut shows a placeholder for them).
    """
    cache_file = project.cache_dir / "cut" / "probe.json"
    cache = _read_json(cache_file)
    jobs: dict[str, tuple[Path, float]] = {}
    makers = {shot_id: str(_field(take, "backend") or "") for shot_id, take in raw.items()}
    for shot_id, take in raw.items():
        path = Path(str(_field(take, "path") or ""))
        if not path.is_absolute():
            path = project.root / path
        jobs[shot_id] = (path, float(_field(take, "duration") or 0.0))
    found: dict[Path, tuple[int, ClipSignature] | str] = {}
    unknown: list[tuple[Path, str]] = []
    for path, _ in jobs.values():
        key = _cache_key(path)
        if key is None:
            found[path] = f"take file missing: {path}"
        elif key in cache:
            found[path] = cache[key]["frames"], ClipSignature.model_validate(cache[key]["signature"])
        else:
            unknown.append((path, key))
    batches = [unknown[i:i + PROBE_BATCH] for i in range(0, len(unknown), PROBE_BATCH)]
    done = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        for batch, results in zip(batches, pool.map(lambda b: ffmpeg.probe_many([p for p, _ in b]), batches)):
            for (path, key), result in zip(batch, results):
                found[path] = _judge(path, result)
                if not isinstance(found[path], str):
                    cache[key] = {"frames": found[path][0], "signature": found[path][1].model_dump()}
            done += len(batch)
            if progress:
                progress("cut: probing takes", done, len(unknown))
    takes, problems = {}, []
    for shot_id, (path, duration) in jobs.items():
        result = found[path]
        if isinstance(result, str):
            problems.append(f"{shot_id}: {result}")
        else:
            takes[shot_id] = ProbedTake(path, duration, result[0], result[1], makers[shot_id])
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    _write_json(cache_file, cache)
    return takes, problems


def _cache_key(path: Path) -> str | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return f"{path}|{stat.st_size}|{stat.st_mtime_ns}" if path.is_file() else None


def _judge(path: Path, result) -> tuple[int, ClipSignature] | str:
    if isinstance(result, FFmpegError):
        return f"unreadable take {path.name}: {result.message}"
    info, frames = result
    if frames <= 0:
        return f"take {path.name} has no video frames"
    return frames, signature(info)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data: dict) -> None:
    write_atomic(path, json.dumps(data))
