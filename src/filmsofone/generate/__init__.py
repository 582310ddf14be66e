"""Generation: shots -> takes, on any backend, resumable and cached.

`generate_scenes` makes the shots of some scenes (or some shots) on one backend and returns a
`GenerationReport`; `chosen_takes` gives the take the cut uses for each shot; `list_takes`, `pick_take`
and `add_take` are the library behind `filmsofone takes`; `estimate_film` prices the adapted film on every
video backend (the screening room shows it).
"""

from __future__ import annotations

from .api import add_take, generate_scenes
from .estimate import BackendEstimate, FilmEstimate, estimate_film, price_label
from .report import GenerationReport, PlannedShot
from .takes import Take, chosen_takes, list_takes, pick_take

__all__ = ["BackendEstimate", "FilmEstimate", "GenerationReport", "PlannedShot", "Take", "add_take",
           "chosen_takes", "estimate_film", "generate_scenes", "list_takes", "pick_take", "price_label"]
