"""Shot planning: film grammar turns a scene's analysis into a shot list; intent shapes its pace.

Entry points: `plan_scene` (pure: shoots one scene as the adaptation wrote it), `plan_book` (adapts the book,
stores the shot lists, keeps locked and edited shots), `film_shots` (the kept scenes' shots, nothing stored),
`set_intent`, the edits in `plan.edit`, and the exports in `plan.export`.
"""

from __future__ import annotations

from .book import film_shots, plan_book, set_intent
from .grammar import plan_scene
from .intent import parse_intent

__all__ = ["film_shots", "parse_intent", "plan_book", "plan_scene", "set_intent"]
