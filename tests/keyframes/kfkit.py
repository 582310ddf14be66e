"""Helpers of the keyframe tests: file hashes, and a tiny book whose two leads have picked faces."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fakes.project import SLUG, TEXT, make_book


def sha(path_or_bytes) -> str:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    return hashlib.sha256(data).hexdigest()


def cast_book(ws, shots_per_scene: int = 3, slug: str = SLUG) -> dict[str, Path]:
    """The tiny book, its bible, and picked faces for Ada (c1) and Tom (c2); returns id -> face file."""
    from filmsofone import store
    from filmsofone.audition import audition, pick
    from filmsofone.bible import load_bible, seed_bible

    make_book(ws, shots_per_scene=shots_per_scene, slug=slug)
    seed_bible(ws, slug, store.load_analysis(ws.project(slug).db_path), TEXT)
    faces = {}
    for char_id, name in (("c1", "Ada Quill"), ("c2", "Tom Quill")):
        audition(ws, slug, name, n=2)
        pick(ws, slug, name, 2 if char_id == "c1" else 1)
        faces[char_id] = ws.root / load_bible(ws, slug).character(char_id).reference_images[0]
    return faces
