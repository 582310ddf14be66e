"""The adaptation kept in the project: `projects/<slug>/adaptation.json` (the adapted scenes, with the key of
what they were made from) and `projects/<slug>/adaptation-choices.json` (the user's running time and
per-scene keep/drop/weight, which survive re-adaptation and re-import). Both are written to a temporary
file first and renamed over the old one, so a crash leaves the previous version whole.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from .. import store
from ..errors import ServerUnreachable, UserError
from ..models import BookAnalysis, ProgressCallback
from ..project import check_scene, load_analysis, load_text, open_project
from ..backends import backend_names, get_backend
from ..workspace import Project, Workspace
from .llm import adapt_with_model
from .model import Adaptation, Choices, SceneChoice
from .offline import NAME as OFFLINE, adapt_book
from .runtime import parse_runtime

ADAPTATION_FILE = "adaptation.json"
CHOICES_FILE = "adaptation-choices.json"
VERSION = 5  # bump when the offline adapter changes what it writes (2: present tense read with spaCy;
#   3: feelings refused by the parse, 'had better', VBN read as a past after a subject; 4: admire verbs;
#   5: thought verbs by lemma, nouns of the mind, predictions, a state before ", and she ...", cut list items)
_UNSTAMPED = "5"  # adaptation.json files written before the version was stored beside the key carry it in the key


def _path(ws: Workspace, slug: str, name: str) -> Path:
    return open_project(ws, slug).root / name


def _write_json(path: Path, document: dict) -> None:
    pending = path.with_name(path.name + ".tmp")
    with pending.open("w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pending, path)


def load_choices(ws: Workspace, slug: str) -> Choices:
    path = _path(ws, slug, CHOICES_FILE)
    if not path.is_file():
        return Choices()
    try:
        return Choices.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise UserError(f"the adaptation choices of {slug} cannot be read ({path})",
                        "fix or delete the file; `filmsofone adapt S --runtime ...` writes it again") from exc


def save_choices(ws: Workspace, slug: str, choices: Choices) -> None:
    _write_json(_path(ws, slug, CHOICES_FILE), choices.model_dump(mode="json"))


def runtime_seconds(runtime: str | None) -> float | None:
    """The running time asked for ('2h', '90m', '5400s'), or None for 'default' / '' (the default rule)."""
    default = runtime is None or runtime.strip().lower() in ("", "default", "auto")
    return None if default else parse_runtime(runtime)


def set_runtime(ws: Workspace, slug: str, runtime: str | None) -> Choices:
    """Set the book's running time ('2h', '90m', '5400s'); 'default' or '' returns to the default rule."""
    choices = load_choices(ws, slug)
    choices.runtime_seconds = runtime_seconds(runtime)
    save_choices(ws, slug, choices)
    return choices


def check_scene_choice(ws: Workspace, slug: str, scene_id: str, *, keep: bool = False, drop: bool = False,
                       weight: float | None = None) -> None:
    """Refuse a choice `set_scene_choice` cannot make (unknown scene, kept and dropped, weight out of range)."""
    check_scene(load_analysis(ws, slug), scene_id)
    if keep and drop:
        raise UserError("a scene cannot be both kept and dropped", "give one of --keep or --drop")
    if weight is not None and not (0 < weight <= 10):
        raise UserError(f"the weight must be above 0 and at most 10 (got {weight:g})",
                        "e.g. --weight 1.5 for more time, 0.5 for less")


def set_scene_choice(ws: Workspace, slug: str, scene_id: str, *, keep: bool = False, drop: bool = False,
                     weight: float | None = None, clear: bool = False) -> SceneChoice:
    """Pin a scene (keep it whole), drop it, weight it (more or less time), or clear what was set."""
    check_scene_choice(ws, slug, scene_id, keep=keep, drop=drop, weight=weight)
    choices = load_choices(ws, slug)
    choice = SceneChoice() if clear else choices.of(scene_id).model_copy()
    if keep or drop:
        choice.pin, choice.drop = keep, drop
    if weight is not None:
        choice.weight = weight
    if choice == SceneChoice():
        choices.scenes.pop(scene_id, None)
    else:
        choices.scenes[scene_id] = choice
    save_choices(ws, slug, choices)
    return choice


def adaptation_key(analysis: BookAnalysis, text_sha: str, choices: Choices, version: str | None = None) -> str:
    """What an adaptation was made from: the analysis, the text and the choices (and, in files written before
    the adapter's version was stored beside the key, that version)."""
    digest = hashlib.sha256()
    for part in (analysis.model_dump_json(), text_sha, choices.model_dump_json(), *([version] if version else [])):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


@functools.cache
def adapter_version() -> str:
    """The version of the code that writes adaptations: VERSION and a digest of this package's source, so a
    change to the adapter counts even when VERSION was not bumped."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return f"{VERSION}-{digest.hexdigest()[:12]}"


@dataclass
class _Saved:
    key: str
    version: str  # the adapter version that made it
    adaptation: Adaptation
    checked: dict  # {"version": a newer adapter version, "changes": the scene ids it adapts differently}


def load_saved(ws: Workspace, slug: str) -> _Saved | None:
    """The stored adaptation, its key and version, when there is one that can be read."""
    path = _path(ws, slug, ADAPTATION_FILE)
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return _Saved(document["key"], document.get("version", _UNSTAMPED), Adaptation.model_validate(
            document["adaptation"]), document.get("checked") or {})
    except (ValueError, KeyError, TypeError):
        return None  # an unreadable file is made again


def _store(project: Project, key: str, adaptation: Adaptation, version: str, checked: dict | None = None) -> None:
    """Write the adaptation with what it was made from (`key`), by which adapter version, and what a newer
    version was found to change (`checked`)."""
    _write_json(project.root / ADAPTATION_FILE, {"key": key, "version": version, "checked": checked or {},
                                                "adaptation": adaptation.model_dump(mode="json")})


def adapt(ws: Workspace, slug: str, *, progress: ProgressCallback | None = None, force: bool = False,
          analysis: BookAnalysis | None = None, text: str | None = None, on_estimate=None) -> Adaptation:
    """The book's adaptation under the user's choices: the stored one when still current, else made anew
    (by the chosen adapter) and stored. `on_estimate` sees a chat adapter's token and price estimate
    before anything is sent (see `llm.adapt_with_model`). One an older version of the adapter made from the
    same book and choices is kept, with a warning saying how to take the new one (`force`, the CLI's
    `adapt S --fresh`), when the new one would change scenes that have clips or would ask a chat model again."""
    project, analysis, text, choices, key = _inputs(ws, slug, analysis, text)
    saved = _current_saved(ws, slug, analysis, text, choices, key)
    if saved is not None and not force:
        verdict = _older(project, saved, analysis, text, choices)
        if (verdict.version, verdict.checked) != (saved.version, saved.checked):
            _store(project, key, verdict.adaptation, verdict.version, verdict.checked)
        return _with_notice(verdict.adaptation, verdict.notice)
    adaptation = _run_adapter(project, analysis, text, choices, progress, on_estimate)
    _store(project, key, adaptation, adapter_version())
    return adaptation


def _inputs(ws: Workspace, slug: str, analysis: BookAnalysis | None, text: str | None):
    """The project, analysis, text and choices an adaptation is made from, and their key."""
    project = open_project(ws, slug)
    analysis = analysis or store.load_analysis(project.db_path)
    text = text if text is not None else load_text(ws, slug)
    choices = load_choices(ws, slug)
    return project, analysis, text, choices, adaptation_key(analysis, hashlib.sha256(text.encode("utf-8")).hexdigest(),
                                                             choices)


def _current_saved(ws: Workspace, slug: str, analysis: BookAnalysis, text: str, choices: Choices,
                   key: str) -> _Saved | None:
    """The stored adaptation when it was made from this analysis, text and choices (by any adapter version)."""
    saved = load_saved(ws, slug)
    if saved is None:
        return None
    if saved.version == _UNSTAMPED:  # a file from before the stamp: its key holds the version
        text_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        saved.key = key if saved.key == adaptation_key(analysis, text_sha, choices, _UNSTAMPED) else ""
    return saved if saved.key == key else None


@dataclass
class _Verdict:
    adaptation: Adaptation  # the one to use and store
    version: str  # the adapter version to store it under
    checked: dict
    notice: str | None = None  # why an older adaptation is kept, and how to take the new one


def _older(project: Project, saved: _Saved, analysis: BookAnalysis, text: str, choices: Choices) -> _Verdict:
    """What becomes of an adaptation made from the same book and choices: kept as it is when the adapter's
    version is the same; else (an older adapter's) taken over when the new offline adapter makes the same film,
    replaced by the new one when no scene it changes has clips, kept with a notice when some have (re-planning
    would leave them unused) or when a chat adapter made it (asking again may cost money). The new offline
    adaptation is compared once per version (the changed scenes are stored in `checked`). Never writes."""
    version = adapter_version()
    if saved.version == version:
        return _Verdict(saved.adaptation, version, saved.checked)
    if choices.adapter != OFFLINE:
        return _Verdict(saved.adaptation, saved.version, saved.checked, _notice(
            saved.adaptation, project.slug, None, "asking the model again may cost money (the price is shown first)"))
    fresh = None
    changes = saved.checked.get("changes") if saved.checked.get("version") == version else None
    if changes is None:
        fresh = adapt_book(analysis, text, choices)
        before = {s.id: s for s in saved.adaptation.scenes}
        changes = [s.id for s in fresh.scenes if before.get(s.id) != s]
    if not changes:
        return _Verdict(saved.adaptation, version, {})  # the same film: the new version takes it over
    clips, cost = store.made_clips(project.db_path, set(changes))
    if not clips:  # nothing made from the old one is lost
        return _Verdict(fresh or adapt_book(analysis, text, choices), version, {})
    paid = f", ${cost:.2f} of them paid" if cost > 0 else ""
    return _Verdict(saved.adaptation, saved.version, {"version": version, "changes": changes}, _notice(
        saved.adaptation, project.slug, changes, f"re-planning those scenes leaves their {clips} clip(s) unused{paid}"))


def _notice(adaptation: Adaptation, slug: str, changes: list[str] | None, cost_note: str) -> str:
    scenes = f" (scenes {', '.join(changes[:8])}{' ...' if len(changes) > 8 else ''})" if changes else ""
    return (f"this adaptation was made by an older version of the {adaptation.adapter} adapter; the installed one "
            f"may adapt the book differently{scenes}. It is kept: {cost_note}. To take the new one: "
            f"`filmsofone adapt {slug} --fresh`")


def _with_notice(adaptation: Adaptation, notice: str | None) -> Adaptation:
    if notice is None:
        return adaptation
    return adaptation.model_copy(update={"warnings": [*adaptation.warnings, notice]})


class CurrentAdaptation(BaseModel):
    """The adaptation as it stands, for a page that must never send anything (the screening room)."""

    adaptation: Adaptation
    stale: bool = False  # the stored one, made before the choices or the book changed (a chat adapter's)


def current_adaptation(ws: Workspace, slug: str, *, analysis: BookAnalysis | None = None,
                       text: str | None = None) -> CurrentAdaptation | None:
    """The stored adaptation when current; else, with the offline adapter, the one `adapt` would make (made
    in memory, nothing stored); else (a chat adapter, which may cost money) the stored one marked stale, or
    None when there is none. Never sends a request, never writes."""
    project, analysis, text, choices, key = _inputs(ws, slug, analysis, text)
    saved = _current_saved(ws, slug, analysis, text, choices, key)
    verdict = _older(project, saved, analysis, text, choices) if saved is not None else None
    if verdict is not None:  # what `adapt` would give, without storing it
        return CurrentAdaptation(adaptation=_with_notice(verdict.adaptation, verdict.notice))
    if choices.adapter == OFFLINE:
        return CurrentAdaptation(adaptation=adapt_book(analysis, text, choices))
    stored = load_saved(ws, slug)
    return CurrentAdaptation(adaptation=stored.adaptation, stale=True) if stored is not None else None


def set_adapter(ws: Workspace, slug: str, adapter: str, options: dict | None = None) -> Choices:
    """Adapt with `adapter` ('offline', or a chat backend such as 'openai-chat') and its options (added to
    those already set when the adapter stays the same)."""
    choices = load_choices(ws, slug)
    merged = {**(choices.adapter_options if adapter == choices.adapter else {}), **(options or {})}
    if adapter == OFFLINE and options:
        raise UserError(f"the {OFFLINE} adapter takes no options (got {', '.join(sorted(options))})",
                        f"options are for a chat adapter: --adapter {' or '.join(backend_names('chat'))} "
                        "--option base_url=... --option model=...")
    if adapter != OFFLINE:
        if adapter not in backend_names("chat"):
            raise UserError(f"unknown adapter '{adapter}'",
                            f"use --adapter {OFFLINE}, or a chat backend: {', '.join(backend_names('chat'))}")
        get_backend(adapter, merged, kind="chat")  # a bad option is refused here
    choices.adapter, choices.adapter_options = adapter, merged
    save_choices(ws, slug, choices)
    return choices


def _run_adapter(project: Project, analysis: BookAnalysis, text: str, choices: Choices,
                 progress: ProgressCallback | None, on_estimate) -> Adaptation:
    if choices.adapter == OFFLINE:
        return adapt_book(analysis, text, choices, progress=progress)
    backend = get_backend(choices.adapter, choices.adapter_options, kind="chat")
    try:
        return adapt_with_model(analysis, text, choices, backend, project.cache_dir / "adapt-chat",
                                progress=progress, on_estimate=on_estimate)
    except ServerUnreachable as exc:  # the book stays on the chat adapter: how to leave it (plan and cut adapt too)
        raise ServerUnreachable(exc.message, f"{exc.hint}; or go back to the offline adapter: "
                                        f"`filmsofone adapt {project.slug} --adapter {OFFLINE}`") from exc
