"""Generation: shots -> takes, on any backend, resumable and cached.

`generate_scenes` makes the shots of some scenes (or some shots) on one backend and returns a
`GenerationReport`; `chosen_takes` gives the take the cut uses for each shot; `list_takes`, `pick_take`
and `add_take` are the library behind `filmsofone takes`.
"""

from __future__ import annotations

from .api import add_take, generate_scenes
from .report import GenerationReport, PlannedShot
from .takes import Take, chosen_takes, list_takes, pick_take

__all__ = ["GenerationReport", "PlannedShot", "Take", "add_take", "chosen_takes", "generate_scenes",
           "list_takes", "pick_take"]
