"""What the adapted film would cost on each registered video backend, with the pricing `generate --dry-run`
uses: every shot of every kept scene (its stored shot list, else the one `filmsofone plan` would store) is
billed at the clip length the backend makes for it (`requests.billed_seconds`), at the backend's declared
price (`Backend.cost`). Nothing is planned into the store, nothing is sent, no key is needed.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from ..adapt import Adaptation
from ..backends import backend_class, list_backends
from ..keys import key_source
from ..models import BookAnalysis, Shot
from ..plan import film_shots
from ..workspace import Workspace
from .requests import billed_seconds


class BackendEstimate(BaseModel):
    backend: str
    description: str = ""
    free: bool  # no declared price (local, your own server, the offline animatic)
    usd: float  # the whole film, every shot made once
    billed_seconds: float  # clip seconds the backend makes (each shot rounded up to a length it makes)
    price: str  # "$0.12/s", "$0.28/clip" or "free"
    needs_key: bool = False
    key_set: bool = False


class FilmEstimate(BaseModel):
    shots: int
    seconds: float  # the shots' planned length
    scenes: int  # kept scenes
    backends: list[BackendEstimate] = Field(default_factory=list)  # cheapest first, free ones first


def estimate_film(ws: Workspace, slug: str, adaptation: Adaptation, *,
                  analysis: BookAnalysis | None = None) -> FilmEstimate:
    """The price of the whole adapted film on every registered video backend that makes clips."""
    shots = film_shots(ws, slug, adaptation, analysis=analysis)
    flat = [shot for scene in shots.values() for shot in scene]
    estimate = FilmEstimate(shots=len(flat), seconds=round(sum(s.duration for s in flat), 1), scenes=len(shots))
    for cls in list_backends("video"):
        if hasattr(cls, "attach"):  # attaches a file you made elsewhere (`takes add`): nothing to price
            continue
        estimate.backends.append(backend_estimate(cls, flat))
    estimate.backends.sort(key=lambda e: (e.usd, e.backend))
    return estimate


def backend_estimate(cls, shots: list[Shot]) -> BackendEstimate:
    """One backend's price for `shots`, as `generate --dry-run` prices them (nothing cached)."""
    backend = dry_backend(cls.name, None)
    billed = [billed_seconds(shot.duration, cls.capabilities) for shot in shots]
    usd = round(sum(backend.cost(seconds) for seconds in billed), 2)
    return BackendEstimate(backend=cls.name, description=cls.description, free=backend.cost(1.0) == 0, usd=usd,
                           billed_seconds=round(sum(billed), 1), price=price_label(cls), needs_key=cls.needs_key,
                           key_set=bool(cls.needs_key and key_source(cls)))


def price_label(cls) -> str:
    """A backend's declared price: "$0.12/s", "$0.28/clip" or "free"."""
    return (f"${cls.price_per_second:g}/s" if cls.price_per_second else
            f"${cls.price_per_clip:g}/clip" if cls.price_per_clip else "free")


def dry_backend(name: str, options: dict | None):
    """A backend instance for estimating: no key is needed to count seconds and dollars."""
    cls = backend_class(name)
    return cls(cls.make_options(options), key=None)
