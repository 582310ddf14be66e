"""Paths in a bible are data from outside: each must stay inside the workspace and be an image.

A cast bible or a style pack may come from someone else; a path in it must never make filmsofone read,
upload or pack a file the user did not put there. `image_problem` says what is wrong with one
`reference_images` entry (absolute, `~`, escaping the workspace through `..` or a symlink, not an image of
an accepted type, too large); `check_images` walks a bible document and raises `BibleError` at the
`file:line:column` of the first bad entry. The bible is checked when it is loaded or saved (files that do
not exist yet are allowed there) and again, requiring every file, before anything is sent or packed.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import BibleError
from .model import CastBible
from .yamlio import locate, validate_document

MAX_IMAGE_BYTES = 32 << 20
MAX_IMAGE_PIXELS = 64_000_000  # 8000 x 8000
IMAGE_KINDS = {"PNG": (b"\x89PNG\r\n\x1a\n",), "JPEG": (b"\xff\xd8\xff",), "GIF": (b"GIF87a", b"GIF89a"),
               "WEBP": (b"RIFF",)}
_DRIVE = re.compile(r"^(?:[A-Za-z]:|\\\\|~)")
_SECTIONS = ("characters", "settings", "props")
_HINT = "list images inside the workspace, e.g. casts/<slug>/face.png (add one with `filmsofone cast face`)"


def image_kind(path: Path) -> str | None:
    """PNG, JPEG, GIF or WEBP by the file's first bytes (never by its name); None for anything else."""
    with open(path, "rb") as handle:
        return image_kind_of(handle.read(16))


def image_kind_of(head: bytes) -> str | None:
    """The image kind of data starting with `head` (16 bytes are enough)."""
    for kind, magics in IMAGE_KINDS.items():
        if head.startswith(magics) and (kind != "WEBP" or head[8:12] == b"WEBP"):
            return kind
    return None


def image_problem(root: Path, relative: str, *, must_exist: bool = False) -> str | None:
    """What is wrong with `relative` as an image of the workspace at `root`; None when nothing is."""
    text = str(relative).strip()
    if not text:
        return "is empty"
    if PurePosixPath(text.replace("\\", "/")).is_absolute() or _DRIVE.match(text):
        return "is an absolute path (only paths inside the workspace are read)"
    base = Path(root).resolve()
    target = (base / text).resolve()
    if target != base and base not in target.parents:
        return "leads outside the workspace (only files inside it are read)"
    if not target.exists():
        return "does not exist" if must_exist else None
    if not target.is_file():
        return "is not a file"
    size = target.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return f"is {size >> 20} MB, more than the {MAX_IMAGE_BYTES >> 20} MB an image may have"
    if image_kind(target) is None:
        return "is not an image (PNG, JPEG, GIF or WebP)"
    return _pixels_problem(target)


def _pixels_problem(path: Path) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as picture:
            width, height = picture.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return "is not a readable image"
    if width * height > MAX_IMAGE_PIXELS:
        return f"is {width}x{height} pixels, more than an image may have"
    return None


def check_images(doc: Any, path: Path | str, root: Path, *, must_exist: bool = False) -> None:
    """BibleError at the line of the first bad `reference_images` entry of the bible document `doc`."""
    for section in _SECTIONS:
        entries = doc.get(section) if hasattr(doc, "get") else None
        for index, entry in enumerate(entries or []):
            images = entry.get("reference_images") if hasattr(entry, "get") else None
            for position, relative in enumerate(images or []):
                problem = image_problem(root, str(relative), must_exist=must_exist)
                if problem:
                    line, column = locate(doc, (section, index, "reference_images", position))
                    raise BibleError(f"{path}:{line}:{column}: {section}[{index}].reference_images[{position}]: "
                                     f"'{relative}' {problem}", _HINT)


def validate_in_workspace(doc: Any, path: Path | str, root: Path) -> CastBible:
    """`validate_document`, then every image path checked against the workspace at `root`."""
    bible = validate_document(doc, path)
    check_images(doc, path, root)
    return bible


def check_listed(root: Path, paths: list[str], bible_path: Path, read_document, *, must_exist: bool = True) -> None:
    """Before anything is sent or packed: every image in `paths` is inside the workspace and is an image
    (and exists, when `must_exist`). On a problem the bible is read again to name the line."""
    bad = next((p for p in paths if image_problem(root, p, must_exist=must_exist)), None)
    if bad is None:
        return
    if Path(bible_path).is_file():
        check_images(read_document(bible_path), bible_path, root, must_exist=must_exist)
    raise BibleError(f"{bible_path}: reference image '{bad}' {image_problem(root, bad, must_exist=must_exist)}",
                     _HINT)
