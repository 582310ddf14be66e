"""Changing the bible from the command line: show, set, lock, light, face, edit.

Every change is made on the round-trip document (so the user's comments and key order survive),
validated as a whole, and only then written; an invalid change leaves the file as it was.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from ..errors import UserError
from .model import CastBible
from .text import identity_text, look_text
from .yamlio import dump_text, to_commented


def find_entry(bible: CastBible, key: str) -> tuple[str, object]:
    """('characters' | 'settings' | 'props', the entry) for an id, name or alias."""
    for kind, finder in (("characters", bible.character), ("settings", bible.setting), ("props", bible.prop)):
        try:
            return kind, finder(key)
        except KeyError:
            continue
    known = ", ".join([c.name for c in bible.characters][:8])
    raise UserError(f"no character, setting or prop called '{key}' in the cast bible of {bible.book}",
                    f"use an id, name or alias (e.g. {known})" if known else "see `filmsofone cast show`")


def describe_entry(bible: CastBible, key: str) -> str:
    """One entry in full (as YAML) followed by the words the prompts will use for it."""
    kind, entry = find_entry(bible, key)
    doc = CommentedMap()
    doc[kind] = to_commented([entry.model_dump(mode="json")])
    text = dump_text(doc)
    if kind == "characters":
        text += f"\nprompt: {identity_text(bible, entry.id)}\n"
    elif kind == "settings":
        text += "\n" + "\n".join(f"prompt ({t}): {look_text(bible, entry.id, t)}" for t in ("day", "night")) + "\n"
    return text
