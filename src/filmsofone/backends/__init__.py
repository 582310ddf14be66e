"""The backend registry: built-in and third-party backends register through the same hook.

Every module named in the entry-point group `filmsofone.backends` defines `register_backends(register)`;
filmsofone's own backends come through `filmsofone.backends.builtin` exactly like a plugin's. `register`
takes a Backend class, or a name, a module path and a kind (the module is imported only when that backend
is used or listed), so discovering backends never imports their heavy dependencies.

Every backend has a kind (`Backend.kind`: video, image, speech, music or chat); `backend_names`,
`list_backends`, `backend_class` and `get_backend` take `kind=` to list or look up one kind only.
"""

from __future__ import annotations

import importlib
import logging
import threading
from importlib.metadata import entry_points
from dataclasses import dataclass
from typing import TYPE_CHECKING
from collections.abc import Callable

from ..errors import BackendError
from ..keys import require_key

if TYPE_CHECKING:
    from .base import Backend

ENTRY_POINT_GROUP = "filmsofone.backends"
log = logging.getLogger(__name__)

KINDS = ("video", "image", "speech", "music", "chat")

_lock = threading.RLock()
_entries: "dict[str, _Entry] | None" = None


@dataclass
class _Entry:
    kind: str
    target: "type[Backend] | str"  # the class, or "package.module[:Class]" until first used


def _register_into(entries: dict) -> Callable:
    def register(backend: "type[Backend] | str", module: str | None = None, *, kind: str = "video") -> None:
        if isinstance(backend, str):
            if not module:
                raise ValueError("register(name, 'package.module') needs the module path")
            entry = _Entry(kind, module)
        else:
            entry = _Entry(backend.kind, backend)
        if entry.kind not in KINDS:
            raise ValueError(f"backend kind must be one of {', '.join(KINDS)}, not {entry.kind!r}")
        entries[backend if isinstance(backend, str) else backend.name] = entry
    return register


def _load_entries() -> dict:
    global _entries
    with _lock:
        if _entries is None:
            found: dict = {}
            register = _register_into(found)
            for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name != "builtin"):
                try:
                    point.load().register_backends(register)
                except Exception as exc:  # a broken plugin must not break the others
                    log.warning("backend plugin %s failed to load: %s", point.name, exc)
            _entries = found
        return _entries


def register(backend: "type[Backend] | str", module: str | None = None, *, kind: str = "video") -> None:
    """Register a backend at run time (tests and scripts; plugins use the entry point)."""
    _register_into(_load_entries())(backend, module, kind=kind)


def reset_registry() -> None:
    """Forget registrations (tests)."""
    global _entries
    with _lock:
        _entries = None


def backend_names(kind: str | None = None) -> list[str]:
    """Registered names (of one kind, if given), without importing any backend module."""
    return sorted(name for name, entry in _load_entries().items() if kind is None or entry.kind == kind)


def key_env_vars() -> list[str]:
    """The API-key environment variables (both halves of a two-part credential) of the backends registered as
    classes or already loaded (for `keys.known_secrets`); naming them imports no backend module."""
    found = set()
    for entry in _load_entries().values():
        found.update(getattr(entry.target, "extra_key_env_vars", ()))
        found.add(getattr(entry.target, "key_env_var", None))
    return sorted(var for var in found if var)


def backend_kind(name: str) -> str:
    """The kind a backend was registered with (BackendError when unknown)."""
    return _entry(name).kind


def _entry(name: str, kind: str | None = None) -> _Entry:
    entries = _load_entries()
    if name not in entries or (kind is not None and entries[name].kind != kind):
        known = ", ".join(backend_names(kind))
        what = f"{kind} backend" if kind else "backend"
        raise BackendError(f"unknown {what} '{name}'", f"known {what}s: {known}")
    return entries[name]


def _resolve(name: str, entry: _Entry) -> "type[Backend]":
    if not isinstance(entry.target, str):
        return entry.target
    from .base import Backend

    module_path, _, attr = entry.target.partition(":")
    module = importlib.import_module(module_path)
    if attr:
        cls = getattr(module, attr)
    else:
        matches = [v for v in vars(module).values()
                   if isinstance(v, type) and issubclass(v, Backend) and getattr(v, "name", None) == name]
        if not matches:
            raise ImportError(f"{module_path} defines no backend named '{name}'")
        cls = matches[0]
    if cls.kind != entry.kind:
        raise ImportError(f"{module_path} makes {cls.kind}, but '{name}' was registered as {entry.kind}")
    with _lock:
        entry.target = cls
    return cls


def backend_class(name: str, kind: str | None = None) -> "type[Backend]":
    """The class of the backend called `name` (of `kind`, if given), or BackendError listing the known ones."""
    entry = _entry(name, kind)
    try:
        return _resolve(name, entry)
    except ImportError as exc:
        raise BackendError(f"backend '{name}' cannot be loaded: {exc}", "reinstall the package providing it") \
            from None


def list_backends(kind: str | None = None) -> list["type[Backend]"]:
    """Every backend class (of `kind`, if given) that loads; one that fails to import is skipped with a warning."""
    classes = []
    for name, entry in sorted(_load_entries().items()):
        if kind is not None and entry.kind != kind:
            continue
        try:
            classes.append(_resolve(name, entry))
        except ImportError as exc:
            log.warning("backend %s is unavailable: %s", name, exc)
    return classes


def get_backend(name: str, options: dict | None = None, *, key: str | None = None,
                kind: str | None = None) -> "Backend":
    """An instance of backend `name` (of `kind`, if given) with validated `options` and its key (from env or
    the key file)."""
    cls = backend_class(name, kind)
    opts = cls.make_options(options)
    if key is None and cls.needs_key:
        key = require_key(cls)
    return cls(opts, key=key)
