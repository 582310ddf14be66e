"""Where everything lives.

A workspace is a folder holding:

- `books/`    source novels (the user's files),
- `casts/`    one human-edited cast bible per book: `casts/<slug>.yaml` (+ `casts/<slug>/` for images),
- `projects/` one folder per book: `projects/<slug>/` with the SQLite database, clips, cuts and caches.

The default workspace is the current directory; `--workspace DIR` or `FILMSOFONE_WORKSPACE` override it.
"""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import BadInput

WORKSPACE_ENV = "FILMSOFONE_WORKSPACE"
_SLUG_RE = re.compile(r"[^a-z0-9]+")
_VALID_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify(name: str) -> str:
    """'The Lantern Keepers.txt' -> 'the-lantern-keepers'."""
    stem = Path(name).stem if "." in name and "/" not in name else name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = _SLUG_RE.sub("-", ascii_stem.lower()).strip("-")
    return slug or "book"


def check_slug(slug: str) -> str:
    """A slug given by the user, as given; BadInput when it is not one (nothing is silently renamed)."""
    if not _VALID_SLUG.fullmatch(slug):
        raise BadInput(f"'{slug}' is not a valid slug", f"use lowercase letters, digits and dashes, "
                       f"e.g. --slug {slugify(slug.replace('.', '-'))}")
    return slug


def require_file(path: Path, hint: str = "check the path, or put the book in books/") -> Path:
    """`path`, or BadInput saying why it cannot be opened: missing, a broken link or a symlink loop."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BadInput(f"{path} is a symlink loop (it links back to itself)", "point the link at a file") from None
        if os.path.islink(path):
            raise BadInput(f"{path} is a broken symlink (to {os.readlink(path)})", "point the link at a file") \
                from None
        raise BadInput(f"no such file: {path}", hint) from None
    return path


def output_file(path: Path, default_name: str) -> Path:
    """Where to write a file the user named with --output: inside `path` as `default_name` when it is a folder;
    `path` itself when its folder exists; else BadInput (a mistyped folder would otherwise appear silently)."""
    path = Path(path).expanduser().absolute()
    if path.is_dir():
        return path / default_name
    folder = path.parent
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise BadInput(f"cannot write {path}: the folder {folder} {what}",
                       f"create it first with mkdir -p {folder}, or give another path")
    return path


@dataclass(frozen=True)
class Project:
    """The files of one book inside a workspace."""

    root: Path
    slug: str

    @property
    def db_path(self) -> Path:
        return self.root / "filmsofone.db"

    @property
    def clips_dir(self) -> Path:
        return self.root / "clips"

    @property
    def cuts_dir(self) -> Path:
        return self.root / "cuts"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def text_path(self) -> Path:
        """The book's decoded text, exactly as the analysis offsets index it."""
        return self.root / "book.txt"

    @property
    def lock_path(self) -> Path:
        """The file whose lock says one process writes this project (beside the folder: see store/lock.py)."""
        return self.root.parent / f".{self.slug}.lock"

    @property
    def film_path(self) -> Path:
        return self.cuts_dir / f"{self.slug}.mp4"

    def ensure(self) -> "Project":
        for folder in (self.root, self.clips_dir, self.cuts_dir, self.cache_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


@dataclass(frozen=True)
class Workspace:
    """A folder with books/, casts/ and projects/."""

    root: Path

    @classmethod
    def resolve(cls, path: str | Path | None = None) -> "Workspace":
        """The workspace at `path`, else $FILMSOFONE_WORKSPACE, else the current directory."""
        chosen = Path(path or os.environ.get(WORKSPACE_ENV) or Path.cwd()).expanduser().resolve()
        if chosen.exists() and not chosen.is_dir():
            raise BadInput(f"the workspace {chosen} is a file, not a folder",
                           f"give a folder with --workspace or {WORKSPACE_ENV}")
        return cls(chosen)

    @property
    def books_dir(self) -> Path:
        return self.root / "books"

    @property
    def casts_dir(self) -> Path:
        return self.root / "casts"

    @property
    def projects_dir(self) -> Path:
        return self.root / "projects"

    @property
    def templates_dir(self) -> Path:
        """User overrides of the packaged prompt templates."""
        return self.root / "templates"

    def ensure(self) -> "Workspace":
        for folder in (self.books_dir, self.casts_dir, self.projects_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def project(self, slug: str) -> Project:
        return Project(self.projects_dir / slug, slug)

    def bible_path(self, slug: str) -> Path:
        return self.casts_dir / f"{slug}.yaml"

    def bible_assets_dir(self, slug: str) -> Path:
        return self.casts_dir / slug

    def slugs(self) -> list[str]:
        """Slugs of the books imported into this workspace."""
        if not self.projects_dir.is_dir():
            return []
        return sorted(p.name for p in self.projects_dir.iterdir() if (p / "filmsofone.db").is_file())
