"""Style packs: the look of a film as one portable zip, shared between books and people.

A pack holds `pack.yaml` (the style with its model hints, the settings' light and references, the
characters' and props' looks) and `images/` (their reference images). Paths inside are relative to the
pack; absolute paths (a LoRA on someone's disk, a reference typed as a full path) are cut to their file
name, so a pack never carries private paths. Importing applies the style to the whole bible and each
look to the character, setting or prop of the same name or alias; locked entries are left alone.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ruamel.yaml.comments import CommentedMap

from ..errors import BadInput
from ..store.files import temp_name, write_atomic
from ..workspace import Workspace
from .model import Style, _without_article
from .paths import MAX_IMAGE_BYTES, check_listed, image_kind_of
from .yamlio import assign, dump_text, keep_tail_comment, locate, parse_text, read_document, to_commented, to_plain

PACK_VERSION = 1
PACK_FILE = "pack.yaml"
IMAGES_DIR = "images"
CHARACTER_LOOK = ("gender", "age", "face", "physical", "hair", "build", "wardrobe", "voice", "seed", "notes")
SETTING_LOOK = ("interior", "description", "light", "references", "notes")
PROP_LOOK = ("description", "notes")
_ABSOLUTE = re.compile(r"^(?:/|~|[A-Za-z]:[\\/]|\\\\)")


class StylePack(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filmsofone_style_pack: int = PACK_VERSION
    source: dict[str, str] = Field(default_factory=dict)
    style: Style
    characters: list[dict[str, Any]] = Field(default_factory=list)
    settings: list[dict[str, Any]] = Field(default_factory=list)
    props: list[dict[str, Any]] = Field(default_factory=list)


@dataclass
class PackReport:
    applied: list[str] = field(default_factory=list)  # "style", "characters[Ada Quill]", ...
    skipped: list[str] = field(default_factory=list)  # not in this book, or locked
    images: list[str] = field(default_factory=list)  # workspace-relative copies


# --- export ----------------------------------------------------------------------------------------


def export_pack(ws: Workspace, slug: str, output: Path) -> Path:
    """Write the look of `slug` as a style pack zip at `output`; return its path."""
    from . import load_bible

    bible = load_bible(ws, slug)
    images: dict[str, Path] = {}  # name in the pack -> file on disk

    def pack_images(paths: list[str]) -> list[str]:
        names = []
        for relative in paths:
            check_listed(ws.root, [relative], ws.bible_path(slug), read_document, must_exist=False)
            source = ws.root / relative
            if not source.is_file():
                continue
            name, n = f"{IMAGES_DIR}/{source.name}", 1
            while name in images and images[name] != source:
                n += 1
                name = f"{IMAGES_DIR}/{source.stem}-{n}{source.suffix}"
            images[name] = source
            names.append(name)
        return names

    def entry(item: Any, fields: tuple[str, ...]) -> dict[str, Any]:
        data = item.model_dump(mode="json")
        out = {"name": data["name"], "aliases": data.get("aliases", [])}
        out.update({k: data[k] for k in fields if k in data})
        out["reference_images"] = pack_images(item.reference_images)
        return _scrub(out, ws.root)

    pack = StylePack(
        source={"book": bible.book, "title": bible.title},
        style=Style.model_validate(_scrub(bible.style.model_dump(mode="json"), ws.root)),
        characters=[entry(c, CHARACTER_LOOK) for c in bible.characters],
        settings=[entry(s, SETTING_LOOK) for s in bible.settings],
        props=[entry(p, PROP_LOOK) for p in bible.props],
    )
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(output)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(PACK_FILE, dump_text(to_commented(pack.model_dump(mode="json"))))
            for name, source in sorted(images.items()):
                archive.write(source, name)
        tmp.replace(output)
    finally:
        tmp.unlink(missing_ok=True)
    return output


def _scrub(value: Any, root: Path) -> Any:
    """Cut absolute paths to their file names, and the workspace's path out of any text."""
    if isinstance(value, dict):
        return {k: _scrub(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, root) for v in value]
    if isinstance(value, str):
        value = value.replace(str(root) + "/", "").replace(str(root), ".")
        if _ABSOLUTE.match(value.strip()):
            return PurePosixPath(value.strip().replace("\\", "/")).name
        return value
    return value


# --- import ----------------------------------------------------------------------------------------


MAX_PACK_BYTES = 256 << 20
MAX_PACK_MEMBERS = 2000
MAX_PACK_YAML_BYTES = 8 << 20


def _read_member(archive: zipfile.ZipFile, name: str, limit: int, where: str) -> bytes:
    """The member's bytes, refused (while reading) beyond `limit`."""
    pieces, size = [], 0
    with archive.open(name) as handle:
        while chunk := handle.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise BadInput(f"{where}!{name} unpacks to more than {limit >> 20} MB", "use a smaller pack")
            pieces.append(chunk)
    return b"".join(pieces)


def _check_pack_images(doc: Any, archive: zipfile.ZipFile, where: str) -> None:
    """Every image a look lists is a file of the pack's own images/ folder, an image, and not too large."""
    names = set(archive.namelist())
    for section in ("characters", "settings", "props"):
        for index, look in enumerate(doc.get(section) or []):
            for position, name in enumerate(look.get("reference_images") or [] if hasattr(look, "get") else []):
                name = str(name)
                problem = None
                if not name.startswith(f"{IMAGES_DIR}/") or name not in names:
                    problem = f"is not a file of the pack's {IMAGES_DIR}/ folder"
                else:
                    data = _read_member(archive, name, MAX_IMAGE_BYTES, where)
                    if image_kind_of(data[:16]) is None:
                        problem = "is not an image (PNG, JPEG, GIF or WebP)"
                if problem:
                    line, column = locate(doc, (section, index, "reference_images", position))
                    raise BadInput(f"{where}!{PACK_FILE}:{line}:{column}: {section}[{index}].reference_images"
                                   f"[{position}]: '{name}' {problem}", "use a pack made by `filmsofone cast export`")


def read_pack(path: Path) -> tuple[StylePack, zipfile.ZipFile]:
    """The validated pack and its open archive; BadInput when it is not a style pack (or a dangerous one)."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"no such style pack: {path}", "check the path of the .zip")
    if path.stat().st_size > MAX_PACK_BYTES:
        raise BadInput(f"{path} is larger than a style pack may be ({MAX_PACK_BYTES >> 20} MB)", "check the file")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise BadInput(f"{path} is not a style pack (not a zip file)", "make one with `filmsofone cast export`") from exc
    try:
        for name in archive.namelist():
            if name.startswith("/") or ".." in PurePosixPath(name).parts:
                raise BadInput(f"{path} holds an unsafe path '{name}'", "use a pack made by `filmsofone cast export`")
        if len(archive.infolist()) > MAX_PACK_MEMBERS:
            raise BadInput(f"{path} holds more than {MAX_PACK_MEMBERS} files", "use a pack made by `filmsofone cast export`")
        if PACK_FILE not in archive.namelist():
            raise BadInput(f"{path} has no {PACK_FILE}", "make one with `filmsofone cast export`")
        text = _read_member(archive, PACK_FILE, MAX_PACK_YAML_BYTES, str(path)).decode("utf-8", errors="replace")
        doc = parse_text(text, f"{path}!{PACK_FILE}")
        pack = StylePack.model_validate(to_plain(doc))
        _check_pack_images(doc, archive, str(path))
    except ValidationError as exc:
        archive.close()
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadInput(f"{path}: {where}: {first['msg']}", "the pack was made by a different version?") from exc
    except BaseException:
        archive.close()
        raise
    return pack, archive


def import_pack(ws: Workspace, slug: str, path: Path) -> PackReport:
    """Apply a style pack to the bible of `slug` (style, and the looks of same-named entries)."""
    from .edit import open_document, save_document

    pack, archive = read_pack(path)
    report = PackReport()
    with archive:
        doc = open_document(ws, slug)
        if not isinstance(doc.get("style"), CommentedMap):
            doc["style"] = CommentedMap()
        with keep_tail_comment(doc["style"]):  # keeps the user's comments on the style's keys
            for key, value in pack.style.model_dump(mode="json").items():
                assign(doc["style"], key, value)
        report.applied.append("style")
        for kind, fields in (("characters", CHARACTER_LOOK), ("settings", SETTING_LOOK), ("props", PROP_LOOK)):
            for look in getattr(pack, kind):
                node = _matching_node(doc.get(kind) or [], look)
                label = f"{kind}[{look.get('name')}]"
                if node is None or node.get("locked"):
                    report.skipped.append(label + (" (locked)" if node is not None else " (not in this book)"))
                    continue
                for key in fields:
                    if key in look:
                        assign(node, key, look[key])
                copied = [_copy_image(ws, slug, archive, name, report) for name in look.get("reference_images", [])]
                existing = to_plain(node.get("reference_images") or [])
                assign(node, "reference_images", existing + [c for c in copied if c and c not in existing])
                report.applied.append(label)
        save_document(ws, slug, doc)
    return report


def _matching_node(nodes: list, look: dict) -> Any:
    """The entry with a name or alias in common ('The Hotel' is 'the hotel' is 'hotel')."""
    names = {_without_article(str(n)) for n in (look.get("name"), *(look.get("aliases") or [])) if n}
    for node in nodes:
        mine = {_without_article(str(n)) for n in (node.get("name"), *(node.get("aliases") or [])) if n}
        if names & mine:
            return node
    return None


def _copy_image(ws: Workspace, slug: str, archive: zipfile.ZipFile, name: str, report: PackReport) -> str | None:
    if name not in archive.namelist():
        return None
    target = ws.bible_assets_dir(slug) / PurePosixPath(name).name
    target.parent.mkdir(parents=True, exist_ok=True)
    data = _read_member(archive, name, MAX_IMAGE_BYTES, "style pack")
    if target.exists() and target.read_bytes() != data:
        target = target.with_name(f"{target.stem}-{hashlib.sha256(data).hexdigest()[:10]}{target.suffix}")
    if not target.exists():
        write_atomic(target, data)
    relative = target.relative_to(ws.root).as_posix()
    report.images.append(relative)
    return relative
