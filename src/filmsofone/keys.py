"""API keys: from the environment, else a key file only its owner can read (mode 600).

The key file is JSON `{name: key}` at `$FILMSOFONE_KEYS_FILE`, else `$XDG_CONFIG_HOME/filmsofone/keys.json`
(`~/.config/...`). A backend's key is its `key_env_var` from the environment, else the file's entry under
the backend's name (or under the variable's name). Keys never reach the database, logs, exceptions or
exports: `scrub` removes every known key from a text before it is stored or shown.
"""

from __future__ import annotations

import json
import os
import stat
import uuid
from collections.abc import Iterable
from pathlib import Path

from .errors import BackendError, UserError

KEYS_FILE_ENV = "FILMSOFONE_KEYS_FILE"
REDACTED = "[redacted]"


class KeyFileError(UserError):
    """The key file is unsafe or unreadable."""


def keys_file() -> Path:
    override = os.environ.get(KEYS_FILE_ENV)
    if override:
        return Path(override).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "filmsofone" / "keys.json"


def _read_file() -> dict[str, str]:
    path = keys_file()
    if not path.is_file():
        return {}
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(f"the key file {path} can be read by others (mode {mode:o})", f"run: chmod 600 {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        raise KeyFileError(f"the key file {path} is not valid JSON", "fix it, or delete it and run `keys set`") \
            from None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def check_key_file() -> None:
    """Raise KeyFileError when the key file exists but is unsafe (readable by others) or not valid JSON."""
    _read_file()


def set_key(name: str, value: str) -> Path:
    """Store `value` under `name` in the key file, created with mode 600 and replaced atomically."""
    value = value.strip()
    if not name or not value:
        raise UserError("a key needs a name and a non-empty value", "run `filmsofone keys set NAME` again")
    path = keys_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = _read_file()
    data[name] = value
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")  # unique: two writers never share it
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def key_source(backend_cls) -> str | None:
    """Where the backend's key comes from ('env:VAR' or 'file'), or None; never the key itself."""
    var = getattr(backend_cls, "key_env_var", None)
    if var and os.environ.get(var):
        return f"env:{var}"
    stored = _read_file()
    if backend_cls.name in stored or (var and var in stored):
        return "file"
    return None


def find_key(backend_cls) -> str | None:
    return find_named_key(backend_cls.name, getattr(backend_cls, "key_env_var", None))


def find_named_key(name: str, env_var: str | None) -> str | None:
    """`env_var` from the environment, else the key file's entry under `name` (or under `env_var`): a backend's
    key, or the other half of a two-part credential (an API key beside its secret)."""
    if env_var and os.environ.get(env_var):
        return os.environ[env_var]
    stored = _read_file()
    return stored.get(name) or (stored.get(env_var) if env_var else None)


def require_key(backend_cls) -> str:
    key = find_key(backend_cls)
    if not key:
        var = backend_cls.key_env_var
        others = [v for v in getattr(backend_cls, "extra_key_env_vars", ()) if not find_named_key(v, v)]
        hint = f"set {var}, or run `filmsofone keys set {backend_cls.name}`" if var else \
            f"run `filmsofone keys set {backend_cls.name}`"
        if others:  # the other half of a two-part credential, missing too
            hint += f"; and set {' and '.join(others)}"
        raise BackendError(f"backend '{backend_cls.name}' needs an API key and none is configured", hint)
    return key


def stored_names() -> list[str]:
    return sorted(_read_file())


def known_secrets(env_vars: Iterable[str] = ()) -> list[str]:
    """Every key value this process could use (for scrubbing): the key file's, and those of `env_vars` that
    are set (the registry's `key_env_vars()`: this module knows nothing of the backends)."""
    secrets = {os.environ[var] for var in env_vars if var and os.environ.get(var)}
    try:
        secrets.update(v for v in _read_file().values() if v)
    except KeyFileError:  # scrubbing must never fail
        pass
    return sorted(secrets, key=len, reverse=True)


def scrub(text: str | None, secrets: list[str] | None = None) -> str | None:
    """`text` with every known key replaced by a marker."""
    if not text:
        return text
    for secret in _with_parts(secrets if secrets is not None else known_secrets()):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _with_parts(secrets: list[str]) -> list[str]:
    """The keys, and the halves of composite keys ("ACCESS:SECRET"), longest first."""
    found = {s for s in secrets if s and len(s) >= 4}
    for secret in list(found):
        found.update(part for part in secret.replace(",", ":").split(":") if len(part) >= 8)
    return sorted(found, key=len, reverse=True)


class ScrubFilter:
    """A logging filter that blanks the given keys out of every record it sees (attach to a logger)."""

    def __init__(self, secrets: list[str]):
        self.secrets = _with_parts(secrets)

    def filter(self, record) -> bool:
        if self.secrets:
            message = record.getMessage()
            cleaned = scrub(message, self.secrets)
            if cleaned != message:
                record.msg, record.args = cleaned, ()
        return True
