"""The backend registry: built-in and third-party backends register through the same hook.

Every module named in the entry-point group `filmsofone.backends` defines `register_backends(register)`;
filmsofone's own backends come through `filmsofone.backends.builtin` exactly like a plugin's. `register`
takes a Backend class, or a name and a module path (imported only when that backend is used or listed),
so discovering backends never imports their heavy dependencies.
"""

from __future__ import annotations

import importlib
import logging
import threading
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Callable

from ..errors import BackendError
from ..keys import require_key

if TYPE_CHECKING:
    from .base import Backend

ENTRY_POINT_GROUP = "filmsofone.backends"
log = logging.getLogger(__name__)

_lock = threading.RLock()
_entries: dict[str, "type[Backend] | str"] | None = None


def _register_into(entries: dict) -> Callable:
    def register(backend: "type[Backend] | str", module: str | None = None) -> None:
        if isinstance(backend, str):
            if not module:
                raise ValueError("register(name, 'package.module') needs the module path")
            entries[backend] = module
        else:
            entries[backend.name] = backend
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


def register(backend: "type[Backend] | str", module: str | None = None) -> None:
    """Register a backend at run time (tests and scripts; plugins use the entry point)."""
    _register_into(_load_entries())(backend, module)


def reset_registry() -> None:
    """Forget registrations (tests)."""
    global _entries
    with _lock:
        _entries = None


def backend_names() -> list[str]:
    """Registered names, without importing any backend module."""
    return sorted(_load_entries())


def key_env_vars() -> list[str]:
    """The API-key environment variables of the backends registered as classes or already loaded (for
    `keys.known_secrets`); naming them imports no backend module."""
    return sorted({var for entry in _load_entries().values() if (var := getattr(entry, "key_env_var", None))})


def _resolve(name: str, entry: "type[Backend] | str") -> "type[Backend]":
    if not isinstance(entry, str):
        return entry
    from .base import Backend

    module_path, _, attr = entry.partition(":")
    module = importlib.import_module(module_path)
    if attr:
        cls = getattr(module, attr)
    else:
        matches = [v for v in vars(module).values()
                   if isinstance(v, type) and issubclass(v, Backend) and getattr(v, "name", None) == name]
        if not matches:
            raise ImportError(f"{module_path} defines no backend named '{name}'")
        cls = matches[0]
    with _lock:
        _load_entries()[name] = cls
    return cls


def backend_class(name: str) -> "type[Backend]":
    """The class of the backend called `name`, or BackendError listing the known ones."""
    entries = _load_entries()
    if name not in entries:
        raise BackendError(f"unknown backend '{name}'", f"known backends: {', '.join(sorted(entries))}")
    try:
        return _resolve(name, entries[name])
    except ImportError as exc:
        raise BackendError(f"backend '{name}' cannot be loaded: {exc}", "reinstall the package providing it") \
            from None


def list_backends() -> list["type[Backend]"]:
    """Every backend class that loads (one that fails to import is skipped with a warning)."""
    classes = []
    for name, entry in sorted(_load_entries().items()):
        try:
            classes.append(_resolve(name, entry))
        except ImportError as exc:
            log.warning("backend %s is unavailable: %s", name, exc)
    return classes


def get_backend(name: str, options: dict | None = None, *, key: str | None = None) -> "Backend":
    """An instance of backend `name` with validated `options` and its key (from env or the key file)."""
    cls = backend_class(name)
    opts = cls.make_options(options)
    if key is None and cls.needs_key:
        key = require_key(cls)
    return cls(opts, key=key)
