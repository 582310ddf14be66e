"""The cast bible: how every character, place and object looks, fixed once for the whole film.

It lives in `casts/<slug>.yaml` (images under `casts/<slug>/`), is seeded from the analysis at import,
edited by hand, merged three-way on re-import, and read by the prompts through `identity_text`,
`look_text`, `palette` and `seed_for`.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from ..errors import BibleError
from ..workspace import Workspace
from .model import CastBible, CharacterLook, Hint, Light, LoRA, ModelHints, Prop, SettingLook, Style, Wardrobe
from .paths import validate_in_workspace
from .seed import bible_from_analysis, build_bible
from .seeding import seed_bible, seed_bible_with_report
from .text import ShotLook, identity_text, look_text, palette, seed_for, shot_look, style_text
from .yamlio import read_document

__all__ = [
    "BibleError",
    "CastBible",
    "CharacterLook",
    "Hint",
    "Light",
    "LoRA",
    "ModelHints",
    "Prop",
    "SettingLook",
    "Style",
    "Wardrobe",
    "build_bible",
    "identity_text",
    "load_bible",
    "look_text",
    "palette",
    "seed_bible",
    "seed_bible_with_report",
    "seed_for",
    "shot_look",
    "style_text",
    "ShotLook",
]


def load_bible(ws: Workspace, slug: str) -> CastBible:
    """The validated bible of `slug`; seeded from the stored analysis when the file is missing.

    Raises BibleError with file:line:column when the file is invalid.
    """
    path: Path = ws.bible_path(slug)
    if not path.exists():
        return bible_from_analysis(ws, slug)
    name, digest = f"{ws.root.resolve()}|{path.resolve()}", hashlib.sha256(path.read_bytes()).hexdigest()
    with _cache_lock:
        cached = _cache.get(name)  # (the same file in another workspace is checked against that one)
    if cached is None or cached[0] != digest:
        cached = (digest, validate_in_workspace(read_document(path), path, ws.root))
        with _cache_lock:
            _cache[name] = cached
    return cached[1].model_copy(deep=True)


# Parsing a big bible takes a second or two (pure-Python YAML) and every stage loads it, so the last valid
# parse of each file is kept while the file's bytes are unchanged.
_cache: dict[str, tuple[str, CastBible]] = {}
_cache_lock = threading.Lock()
