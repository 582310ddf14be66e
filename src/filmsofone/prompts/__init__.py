"""Prompts: each shot in words a backend reads, the same words for the same character in every shot.

A prompt = framing (size, angle, lens, movement) + each character in frame by the cast bible's identity
text, verbatim + the action + the setting's look and light + the film's style; with the style's negative
prompt, a seed from the bible's policy and reference images, each only where the backend accepts them.
Templates are Jinja2 (`templates/*.j2`; `<workspace>/templates/` overrides them), chosen per backend.
"""

from __future__ import annotations

from .render import fit_duration, render_prompts, shot_context

__all__ = ["fit_duration", "render_prompts", "shot_context"]
