"""Changing the bible from the command line: show, set, lock, light, face, edit.

Every change is made on the round-trip document (so the user's comments and key order survive),
validated as a whole, and only then written; an invalid change leaves the file and the database as they
were. A valid change to a character's or setting's name, aliases, gender, role or interior is carried
into the stored analysis, so `filmsofone show` and the planner use the same names.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .. import store
from ..errors import BadInput, BibleError, UserError
from ..project import load_analysis, load_text
from ..workspace import Workspace
from .model import TIMES_OF_DAY, CastBible
from .paths import MAX_IMAGE_BYTES, image_kind, validate_in_workspace
from .presets import light_presets
from .seed import base_path, build_bible, read_base, render_document, write_base
from .text import identity_text, look_text
from .yamlio import (
    assign,
    dump_text,
    keep_tail_comment,
    load_value,
    parse_text,
    read_document,
    to_commented,
    to_plain,
    validate_document,
    write_atomically,
)

READ_ONLY_FIELDS = ("id", "hints")
LIGHT_FIELDS = ("key", "fill", "practicals", "direction", "color_temperature", "contrast", "palette", "weather")
IMAGE_SUFFIXES = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif", "BMP": ".bmp", "TIFF": ".tif"}


# --- finding entries -------------------------------------------------------------------------------


def find_entry(bible: CastBible, key: str) -> tuple[str, Any]:
    """('characters' | 'settings' | 'props', the entry) for an id, name or alias."""
    for kind, finder in (("characters", bible.character), ("settings", bible.setting), ("props", bible.prop)):
        try:
            return kind, finder(key)
        except KeyError:
            continue
    known = ", ".join([c.name for c in bible.characters][:8])
    raise UserError(f"no character, setting or prop called '{key}' in the cast bible of {bible.book}",
                    f"use an id, name or alias (e.g. {known})" if known else "see `filmsofone cast show`")


def entry_name(ws: Workspace, slug: str, key: str) -> str:
    """The own name (accents and all) of the character, setting or prop an id, name or alias finds."""
    return find_entry(_current(ws, slug)[1], key)[1].name


def describe_entry(bible: CastBible, key: str) -> str:
    """One entry in full (as YAML) followed by the words the prompts will use for it."""
    kind, entry = find_entry(bible, key)
    doc = CommentedMap()
    doc[kind] = to_commented([entry.model_dump(mode="json")])
    text = dump_text(doc)
    if kind == "characters":
        text += f"\nprompt: {identity_text(bible, entry.id)}\n"
    elif kind == "settings":
        text += "\n" + "\n".join(f"prompt ({t}): {look_text(bible, entry.id, t)}" for t in TIMES_OF_DAY) + "\n"
    return text


# --- the document: open, change, validate, write ---------------------------------------------------


def open_document(ws: Workspace, slug: str, *, validate: bool = True) -> CommentedMap:
    """The user's file as a round-trip document; written first from the stored analysis when missing."""
    path = ws.bible_path(slug)
    if not path.exists():
        fresh = build_bible(slug, load_analysis(ws, slug), load_text(ws, slug))
        write_atomically(path, dump_text(render_document(fresh)))
        write_base(ws, slug, fresh)
    doc = read_document(path)
    if validate:
        validate_in_workspace(doc, path, ws.root)
    return doc


def save_document(ws: Workspace, slug: str, doc: CommentedMap) -> CastBible:
    """Validate the changed document and write it; the file stays as it was when invalid."""
    path = ws.bible_path(slug)
    bible = validate_in_workspace(doc, path, ws.root)
    write_atomically(path, dump_text(doc))
    sync_analysis(ws, slug, bible)
    return bible


def _entry_node(doc: CommentedMap, bible: CastBible, key: str) -> tuple[str, CommentedMap]:
    kind, entry = find_entry(bible, key)
    for node in doc.get(kind) or []:
        if isinstance(node, CommentedMap) and node.get("id") == entry.id:
            return kind, node
    raise UserError(f"'{key}' is not in {kind} of the cast bible", "see `filmsofone cast show`")


def _current(ws: Workspace, slug: str) -> tuple[CommentedMap, CastBible]:
    path = ws.bible_path(slug)
    doc = open_document(ws, slug, validate=False)
    return doc, validate_in_workspace(doc, path, ws.root)


# --- set, lock, light ------------------------------------------------------------------------------


def set_fields(ws: Workspace, slug: str, name: str, assignments: list[str]) -> CastBible:
    """Apply `field=value` (or `field+=value` to append to a list) to one entry; dotted fields go deeper.

    `hair=short grey`, `wardrobe.default=a blue sweater`, `wardrobe.chapters.3=a wet coat`,
    `aliases+=Miss Quill`, `seed=42`, `light.night.color_temperature=2400`.
    """
    doc, bible = _current(ws, slug)
    kind, node = _entry_node(doc, bible, name)
    for assignment in assignments:
        field, append, raw = _parse_assignment(assignment)
        _assign(node, _field_path(field), raw, append=append, doc=doc, path=ws.bible_path(slug))
    return save_document(ws, slug, doc)


def _field_path(field: str) -> list[str]:
    """'wardrobe.scenes.2.1' -> ['wardrobe', 'scenes', '2.1'] (scene ids hold a dot)."""
    parts = field.split(".")
    if "scenes" in parts[:-1]:
        at = parts.index("scenes")
        parts = parts[:at + 1] + [".".join(parts[at + 1:])]
    return parts


def _parse_assignment(assignment: str) -> tuple[str, bool, str]:
    if "=" not in assignment:
        raise UserError(f"'{assignment}' is not field=value", "e.g. hair='short grey' or aliases+=Ada")
    field, _, raw = assignment.partition("=")
    append = field.endswith("+")
    field = field.rstrip("+").strip()
    if not field:
        raise UserError(f"'{assignment}' names no field", "e.g. hair='short grey'")
    if field.split(".")[0] in READ_ONLY_FIELDS:
        raise UserError(f"'{field}' is read-only", "it is written by the tool from the book")
    return field, append, raw.strip()


def _assign(node: CommentedMap, parts: list[str], raw: str, *, append: bool, doc: CommentedMap, path: Path) -> None:
    """Set the value, trying it as text first and as YAML (number, list, true/false) when text is refused."""
    parent = node
    for part in parts[:-1]:
        key = _key_for(parent, part)
        if key not in parent or not isinstance(parent[key], CommentedMap):
            parent[key] = CommentedMap()
        parent = parent[key]
    key = _key_for(parent, parts[-1])
    previous = parent.get(key, _MISSING)
    errors: list[BibleError] = []
    for value in _candidates(raw):
        if append:
            items = list(to_plain(previous)) if isinstance(previous, list) else []
            value = items + (value if isinstance(value, list) else [value])
        parent[key] = to_commented(value)
        try:
            validate_document(doc, path)
            return
        except BibleError as exc:
            errors.append(exc)
    if previous is _MISSING:
        del parent[key]
    else:
        parent[key] = previous
    raise errors[-1]


_MISSING = object()


def _key_for(parent: CommentedMap, part: str) -> Any:
    """Mapping keys may be numbers (wardrobe.chapters.3): use the key's existing type."""
    if part not in parent and part.isdigit():
        return int(part)
    return part


def _candidates(raw: str) -> list[Any]:
    values: list[Any] = [raw]
    try:
        parsed = load_value(raw) if raw else ""
    except Exception:
        return values
    if parsed != raw:
        values.append(parsed)
    if "," in raw and not raw.startswith("["):
        values.append([part.strip() for part in raw.split(",") if part.strip()])
    return values


def set_locked(ws: Workspace, slug: str, name: str, locked: bool = True) -> CastBible:
    """Lock (or unlock) an entry: a locked look is never changed by re-imports."""
    doc, bible = _current(ws, slug)
    _, node = _entry_node(doc, bible, name)
    node["locked"] = locked
    return save_document(ws, slug, doc)


def set_light(ws: Workspace, slug: str, setting: str, times: list[str], changes: dict[str, Any]) -> CastBible:
    """Change the light of a setting at some times of day (`times` empty: all four)."""
    doc, bible = _current(ws, slug)
    kind, node = _entry_node(doc, bible, setting)
    if kind != "settings":
        raise UserError(f"'{setting}' is not a setting", "see the settings in `filmsofone cast show`")
    unknown = [t for t in times if t not in TIMES_OF_DAY]
    if unknown:
        raise UserError(f"unknown time of day '{unknown[0]}'", f"use one of {', '.join(TIMES_OF_DAY)}")
    light = node.setdefault("light", CommentedMap())
    current = bible.setting(setting).light
    presets = light_presets(bible.setting(setting).interior)
    for time in times or list(TIMES_OF_DAY):
        if time not in light:
            light[time] = to_commented((current.get(time) or presets[time]).model_dump(mode="json"))
        for field, value in changes.items():
            if field not in LIGHT_FIELDS:
                raise UserError(f"'{field}' is not a light field", f"use {', '.join(LIGHT_FIELDS)}")
            assign(light[time], field, value)
    return save_document(ws, slug, doc)


# --- props -----------------------------------------------------------------------------------------


def add_prop(ws: Workspace, slug: str, name: str, description: str = "", *, characters: list[str] = (),
             scenes: list[str] = ()) -> CastBible:
    """Add an important object, tied to characters (ids, names or aliases) and scenes."""
    doc, bible = _current(ws, slug)
    if any(p.name.casefold() == name.casefold() for p in bible.props):
        raise UserError(f"there is already a prop called '{name}'", f"change it with `filmsofone cast set {slug} "
                        f"'{name}' description=...`")
    owners = []
    for key in characters:
        try:
            owners.append(bible.character(key).id)
        except KeyError:
            raise UserError(f"no character called '{key}' in the cast bible", "use an id, name or alias") from None
    taken = {p.id for p in bible.props}
    prop_id = next(f"p{n}" for n in range(1, len(taken) + 2) if f"p{n}" not in taken)
    entry = {"id": prop_id, "name": name, "aliases": [], "description": description, "reference_images": [],
             "characters": owners, "scenes": list(scenes), "locked": False, "notes": ""}
    props = doc.get("props")
    if not isinstance(props, CommentedSeq):
        props = doc["props"] = CommentedSeq()
    with keep_tail_comment(props):
        props.append(to_commented(entry))
    for owner in owners:
        _, node = _entry_node(doc, bible, owner)
        assign(node, "props", to_plain(node.get("props") or []) + [prop_id])
    return save_document(ws, slug, doc)


# --- reference images ------------------------------------------------------------------------------


def add_reference_image(ws: Workspace, slug: str, name: str, image: Path) -> Path:
    """Check `image` is a picture, copy it into casts/<slug>/ and list it on the entry; return the copy."""
    image = Path(image)
    fmt = check_image(image)
    doc, bible = _current(ws, slug)
    kind, node = _entry_node(doc, bible, name)
    digest = hashlib.sha256(image.read_bytes()).hexdigest()[:10]
    target = ws.bible_assets_dir(slug) / f"{node['id']}-{digest}{IMAGE_SUFFIXES.get(fmt, image.suffix.lower())}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copyfile(image, target)
    relative = target.relative_to(ws.root).as_posix()
    images = node.setdefault("reference_images", CommentedSeq())
    if relative not in images:
        images.append(relative)
    save_document(ws, slug, doc)
    return target


def check_image(image: Path) -> str:
    """The image's format (PNG, JPEG, ...); BadInput when it is missing or not an image."""
    from PIL import Image, UnidentifiedImageError

    if not image.is_file():
        raise BadInput(f"no such image: {image}", "check the path")
    if image.stat().st_size > MAX_IMAGE_BYTES:
        raise BadInput(f"{image} is larger than {MAX_IMAGE_BYTES >> 20} MB", "use a smaller picture")
    if image_kind(image) is None:
        raise BadInput(f"{image} is not an image (PNG, JPEG, GIF or WebP)", "use a PNG, JPEG or WebP file")
    try:
        with Image.open(image) as picture:
            fmt = picture.format or ""
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise BadInput(f"{image} is not an image Pillow can read ({exc})", "use a PNG, JPEG or WebP file") from exc
    return fmt


# --- cast edit -------------------------------------------------------------------------------------


def working_copy_path(ws: Workspace, slug: str) -> Path:
    """Where an edit in progress is kept (the user's text survives an invalid edit here)."""
    return ws.project(slug).root / "bible.edit.yaml"


def run_editor(path: Path) -> None:
    """Open `path` in $VISUAL / $EDITOR (default vi) and wait for it."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        subprocess.run([*shlex.split(command), str(path)], check=False)
    except FileNotFoundError as exc:
        raise UserError(f"cannot start the editor '{command}'", "set $EDITOR to an installed editor") from exc


def edit_bible(ws: Workspace, slug: str, *, editor: Callable[[Path], None] = run_editor,
               reopen: Callable[[BibleError], bool] = lambda _: False) -> CastBible:
    """Edit a working copy; install it only when valid, else report and offer to re-open.

    The bible file and the database change only when the edited text is valid; the text is installed
    exactly as the user wrote it. When the user gives up, the text stays in the working copy and the
    next `cast edit` resumes from it.
    """
    path = ws.bible_path(slug)
    if not path.exists():
        open_document(ws, slug)  # written from the stored analysis; a broken file is opened as it is
    working = working_copy_path(ws, slug)
    working.parent.mkdir(parents=True, exist_ok=True)
    if not working.exists():  # else: the text of an edit that was refused, resumed (never overwritten)
        write_atomically(working, path.read_text(encoding="utf-8"))
    while True:
        editor(working)
        text = working.read_text(encoding="utf-8")
        try:
            bible = validate_in_workspace(parse_text(text, working), working, ws.root)
        except BibleError as exc:
            if reopen(exc):
                continue
            raise BibleError(f"{exc.message}; the cast bible was not changed",
                             f"{exc.hint}. Your text is kept in {working}: run `filmsofone cast edit {slug}` "
                             "to continue") from exc
        write_atomically(path, text)
        working.unlink()
        sync_analysis(ws, slug, bible)
        return bible


# --- carrying names into the stored analysis -------------------------------------------------------


def sync_analysis(ws: Workspace, slug: str, bible: CastBible) -> bool:
    """Carry the user's changes of names, aliases, gender, role (settings: interior) into the stored analysis.

    Only fields that differ from what the tool last wrote are carried, so a guess of the bible's (an
    interior guessed from a place's name) never overwrites the analysis.
    """
    project = ws.project(slug)
    base = read_base(ws, slug)
    if not project.db_path.is_file() or base is None:
        return False
    analysis = store.load_analysis(project.db_path)
    changed = _carry(analysis.characters, bible.characters, base.get("characters") or [],
                     ("name", "aliases", "gender", "role"))
    changed |= _carry(analysis.settings, bible.settings, base.get("settings") or [], ("name", "aliases", "interior"))
    if changed:
        save_analysis_keeping_source(project.db_path, analysis)
    return changed


def _carry(stored: list, looks: list, base: list[dict], fields: tuple[str, ...]) -> bool:
    by_id = {look.id: look for look in looks}
    base_by_id = {item.get("id"): item for item in base if isinstance(item, dict)}
    changed = False
    for item in stored:
        look, old = by_id.get(item.id), base_by_id.get(item.id)
        if look is None or old is None:
            continue
        for field in fields:
            wanted = getattr(look, field)
            if wanted != old.get(field) and getattr(item, field) != wanted:
                setattr(item, field, list(wanted) if isinstance(wanted, list) else wanted)
                changed = True
    return changed


def save_analysis_keeping_source(db_path: Path, analysis) -> None:
    with store.session_for(db_path) as session:
        row = store.load_book(session)
        source = row.source_path if row else ""
    store.save_analysis(db_path, analysis, source_path=source)


__all__ = [
    "add_prop",
    "add_reference_image",
    "base_path",
    "check_image",
    "describe_entry",
    "edit_bible",
    "find_entry",
    "open_document",
    "save_document",
    "set_fields",
    "set_light",
    "set_locked",
    "sync_analysis",
    "working_copy_path",
]
