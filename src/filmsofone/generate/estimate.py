"""What the adapted film would cost on each registered video backend, with the pricing `generate --dry-run`
uses: every shot of every kept scene (its stored shot list, else the one `filmsofone plan` would store) is
billed at the clip length the backend makes for it (`requests.billed_seconds`), at the backend's declared
price (`Backend.cost`). A backend that made clips of the film prices each shot it made with the options that
shot's clip was made with (stored with its job: a model, a price override), and the shots it has not made with
the options of its newest clip, as `generate --dry-run --option ...` with those options prices them; the row is
the sum. A shot whose clip that backend already made, with the request it would send now under those options
(the same cache key `generate` checks), is counted as made and not priced, as the dry run does. Nothing is
planned into the store, nothing is sent, no key is needed.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, Field

from .. import store
from ..adapt import Adaptation
from ..backends import backend_class, list_backends
from ..bible import load_bible
from ..errors import BackendError, UserError
from ..keyframes import current_keyframe
from ..keys import key_source
from ..models import BookAnalysis, Shot
from ..plan import film_shots
from ..project import load_text, open_project
from ..workspace import Project, Workspace
from .jobs import JobStore
from .requests import ENGINE_OPTIONS, billed_seconds, plan_requests, shot_frames

TUNING = ENGINE_OPTIONS - {"price_per_second", "price_per_clip"}  # options that leave the price alone


class OptionsShare(BaseModel):
    """The part of a backend's price made under one set of options (when its clips were made under several)."""

    options: dict = Field(default_factory=dict)  # as shown: those that differ from the defaults, tuning aside
    price: str
    shots: int  # shots counted under these options
    made: int = 0
    usd: float


class BackendEstimate(BaseModel):
    backend: str
    description: str = ""
    free: bool  # no declared price (local, your own server, the offline animatic)
    usd: float  # the whole film, every shot not made yet made once
    billed_seconds: float  # clip seconds still to make (each shot rounded up to a length the backend makes)
    made: int = 0  # shots whose current clip from this backend exists: not priced (`generate` does not remake them)
    options: dict = Field(default_factory=dict)  # its newest clip's options (as `--option` gives them)
    price: str  # "$0.12/s", "$0.28/clip" or "free", under `options`
    shares: list[OptionsShare] = Field(default_factory=list)  # per set of options, when its clips used several
    needs_key: bool = False
    key_set: bool = False


class FilmEstimate(BaseModel):
    shots: int
    seconds: float  # the shots' planned length
    scenes: int  # kept scenes
    backends: list[BackendEstimate] = Field(default_factory=list)  # cheapest first, free ones first


def estimate_film(ws: Workspace, slug: str, adaptation: Adaptation, *,
                  analysis: BookAnalysis | None = None) -> FilmEstimate:
    """The price of the whole adapted film on every registered video backend that makes clips, without the
    shots whose clip from that backend is already made."""
    project = open_project(ws, slug)
    analysis = analysis or store.load_analysis(project.db_path)
    shots = film_shots(ws, slug, adaptation, analysis=analysis)
    flat = [shot for scene in shots.values() for shot in scene]
    estimate = FilmEstimate(shots=len(flat), seconds=round(sum(s.duration for s in flat), 1), scenes=len(shots))
    jobs = JobStore(project.db_path, project.root)
    takes = jobs.cached_keys_by_backend({s.id for s in flat})
    used = jobs.options_by_backend({s.id for s in flat})
    resolution = load_bible(ws, slug).style.resolution  # the size every clip is asked for (some prices depend on it)
    for cls in list_backends("video"):
        if hasattr(cls, "attach"):  # attaches a file you made elsewhere (`takes add`): nothing to price
            continue
        shares = [(_share(ws, project, cls, flat, group, options, takes.get(cls.name, set()), analysis, resolution),
                   len(group))
                  for options, group in option_groups(flat, used.get(cls.name, {}))]
        estimate.backends.append(combined(shares))
    estimate.backends.sort(key=lambda e: (e.usd, e.backend))
    return estimate


def option_groups(shots: list[Shot], made_with: dict[str, dict]) -> list[tuple[dict | None, set[str]]]:
    """The shots grouped by the options they are priced with: a shot the backend made, its clip's options; the
    others, those of the backend's newest clip (`made_with` is in take order), None when it made none. The group
    of the newest options comes last."""
    newest = list(made_with.values())[-1] if made_with else None
    groups: dict[str, tuple[dict | None, set[str]]] = {}
    for shot in shots:
        options = made_with.get(shot.id, newest)
        groups.setdefault(json.dumps(options, sort_keys=True), (options, set()))[1].add(shot.id)
    if not groups:  # a film with no shots (every scene cut): one empty group, priced at nothing
        return [(newest, set())]
    last = json.dumps(newest, sort_keys=True)
    return sorted(groups.values(), key=lambda group: json.dumps(group[0], sort_keys=True) == last)


def _share(ws: Workspace, project: Project, cls, shots: list[Shot], group: set[str], options: dict | None,
           takes: set[tuple[str, str]], analysis: BookAnalysis, resolution: str) -> BackendEstimate:
    backend, shown = pricing_backend(cls, options)
    made = made_shots(ws, project, backend, shots, takes, analysis, only=group)
    return backend_estimate(cls, [shot for shot in shots if shot.id in group], made, backend=backend, options=shown,
                            resolution=resolution)


def combined(shares: list[tuple[BackendEstimate, int]]) -> BackendEstimate:
    """One backend's row from its (price, shots) per set of options (the last: its newest options'): prices,
    seconds and made shots summed; the shares listed when the shots were priced under more than one set of
    options (options that price alike once shown, e.g. differing only in tuning, are one share)."""
    merged: dict[str, OptionsShare] = {}
    for part, shots in shares:
        known = merged.setdefault(json.dumps(part.options, sort_keys=True),
                                  OptionsShare(options=part.options, price=part.price, shots=0, usd=0.0))
        known.shots, known.made, known.usd = known.shots + shots, known.made + part.made, round(known.usd + part.usd, 2)
    parts = [part for part, _ in shares]
    return parts[-1].model_copy(update={
        "usd": round(sum(part.usd for part in parts), 2), "made": sum(part.made for part in parts),
        "billed_seconds": round(sum(part.billed_seconds for part in parts), 1),
        "shares": list(merged.values()) if len(merged) > 1 else []})


def pricing_backend(cls, options: dict | None):
    """The backend as it would run next: with the options its newest clip of the film was made with (a
    model, a price override...), else, with none or options it no longer accepts, its defaults. Returns the
    instance and the options shown with its price (those that differ from the defaults, engine tuning aside)."""
    if options:
        try:
            backend = dry_backend(cls.name, options)
        except BackendError:
            options = None
    if not options:
        return dry_backend(cls.name, None), {}
    defaults = cls.make_options(None).model_dump(mode="json")
    return backend, {k: v for k, v in backend.options.model_dump(mode="json").items()
                     if v != defaults.get(k) and k not in TUNING}


def made_shots(ws: Workspace, project: Project, backend, shots: list[Shot], takes: set[tuple[str, str]],
               analysis: BookAnalysis, *, only: set[str] | None = None) -> set[str]:
    """The shots (of `only`, else all) whose clip from `backend` (as `pricing_backend` makes it) exists for the
    request it would send now (as the dry run with those options checks); only asked of a paid backend that has
    takes (a free one costs nothing either way), and only the shots with takes are planned (a whole novel's
    shots take seconds; all of `shots` still give the frames, a shot may end on the next one's keyframe)."""
    taken = {shot_id for shot_id, _ in takes if only is None or shot_id in only}
    with_takes = [shot for shot in shots if shot.id in taken]  # each prompt is its shot's own: plan only these
    if not with_takes or backend.cost(1.0) == 0:
        return set()
    frames = shot_frames(shots, lambda shot: current_keyframe(project, shot), backend.capabilities)
    try:
        planned = plan_requests(ws, project.slug, with_takes, backend, analysis=analysis,
                                bible=load_bible(ws, project.slug), text=load_text(ws, project.slug), frames=frames)
    except UserError:  # a shot this backend cannot make: the dry run refuses too; price every shot
        return set()
    return {item.shot.id for item in planned if (item.shot.id, item.cache_key) in takes}


def backend_estimate(cls, shots: list[Shot], made: set[str] | None = None, *, backend=None,
                     options: dict | None = None, resolution: str | None = None) -> BackendEstimate:
    """One backend's price for `shots` but those `made`, as `generate --dry-run` prices them (with `backend`,
    an instance made with `options`; its defaults without), each clip at `resolution` (the film's)."""
    backend = backend or dry_backend(cls.name, None)
    billed = [billed_seconds(shot.duration, backend.capabilities) for shot in shots if shot.id not in (made or ())]
    usd = round(sum(backend.cost(seconds, resolution) for seconds in billed), 2)
    return BackendEstimate(backend=cls.name, description=cls.description, free=backend.cost(1.0) == 0, usd=usd,
                           billed_seconds=round(sum(billed), 1), made=len(made or ()), price=price_label(backend, resolution),
                           options=dict(options or {}), needs_key=cls.needs_key,
                           key_set=bool(cls.needs_key and key_source(cls)))


def price_label(backend, resolution: str | None = None) -> str:
    """A backend's price, "$0.12/s", "$0.28/clip" or "free": a class's declared one, an instance's own (its
    model's at `resolution`, or its options' override)."""
    if isinstance(backend, type):
        per_second, per_clip = backend.price_per_second, backend.price_per_clip
    else:
        per_clip = backend.cost(0.0, resolution)
        per_second = backend.cost(1.0, resolution) - per_clip
    return f"${per_second:g}/s" if per_second else f"${per_clip:g}/clip" if per_clip else "free"


def dry_backend(name: str, options: dict | None):
    """A backend instance for estimating: no key is needed to count seconds and dollars."""
    cls = backend_class(name)
    return cls(cls.make_options(options), key=None)
