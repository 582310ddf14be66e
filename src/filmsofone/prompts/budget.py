"""Fitting a prompt into a backend's length limit: the least important parts go first; identities never do.

The order of sacrifice: the spoken line, the mood, props, the style's extras, the action beyond its first sentence,
the setting's look beyond its first clause, the light, the style, the setting, the action beyond twelve
words, the framing's lens and movement. Each character's identity text is kept verbatim; when the
identities alone do not fit, that is an error the user fixes in the cast bible.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..errors import BibleError

Step = Callable[[dict], None]


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text.strip())
    return match.group(1) if match else text


def _first_clause(text: str) -> str:
    return re.split(r"[;,:\u2014]|\s-\s", text.strip(), maxsplit=1)[0]


def _words(text: str, count: int) -> str:
    pieces = text.split()
    return " ".join(pieces[:count]) + ("..." if len(pieces) > count else "")


def _set(key: str, fn) -> Step:
    def step(ctx: dict) -> None:
        ctx[key] = fn(ctx[key]) if ctx[key] else ctx[key]
    step.__name__ = f"trim_{key}"
    return step


STEPS: list[Step] = [
    _set("dialogue", lambda _: ""),
    _set("mood", lambda _: ""),
    _set("props", lambda _: []),
    _set("style", _first_clause),
    _set("action", _first_sentence),
    _set("look", _first_clause),
    _set("light", lambda _: ""),
    _set("style", lambda _: ""),
    _set("look", lambda _: ""),
    _set("action", lambda text: _words(text, 12)),
    _set("framing", _first_clause),
    _set("framing_still", _first_clause),
]


def fit(render: Callable[[dict], str], context: dict, limit: int, *, shot_id: str = "") -> str:
    """Render; while over `limit`, apply the next step of sacrifice and render again."""
    context = dict(context)
    prompt = render(context)
    for step in STEPS:
        if len(prompt) <= limit:
            return prompt
        step(context)
        prompt = render(context)
    if len(prompt) <= limit:
        return prompt
    names = ", ".join(c["name"] for c in context["characters"]) or "no one"
    raise BibleError(
        f"shot {shot_id}: the identities of {names} alone make a {len(prompt)}-character prompt, "
        f"over the backend's limit of {limit}",
        "shorten those characters' descriptions in the cast bible, or use a backend with a longer limit",
    )
