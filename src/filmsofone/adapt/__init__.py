"""Adaptation: from the novel's prose to a screenplay of film length.

For every scene the adapter decides kept or cut and, when kept, writes beats (`action`, `dialogue`,
`voiceover`), each pointing to its span of the book; the planner shoots from those beats. The offline
adapter (`offline.adapt_book`) is the default. Entry points: `adapt` (the current adaptation of a book,
made or loaded), `set_runtime`, `set_scene_choice`, `adaptation_report`.
"""

from __future__ import annotations

from .model import AdaptedBeat, AdaptedScene, Adaptation, Choices, SceneChoice
from .offline import adapt_book
from .report import adaptation_report
from .runtime import beat_seconds, default_target_seconds, format_runtime, parse_runtime
from .saved import (CurrentAdaptation, adapt, check_scene_choice, current_adaptation, load_choices, runtime_seconds,
                    set_adapter, set_runtime, set_scene_choice)

__all__ = ["AdaptedBeat", "AdaptedScene", "Adaptation", "Choices", "CurrentAdaptation", "SceneChoice", "adapt",
           "adapt_book", "adaptation_report", "beat_seconds", "current_adaptation", "default_target_seconds",
           "format_runtime", "load_choices", "parse_runtime", "set_adapter", "set_runtime", "set_scene_choice",
           "check_scene_choice", "runtime_seconds"]
