"""Writing files so that a crash leaves either the old file or the new one, never half of one."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from .faults import checkpoint

TMP_SUFFIX = ".tmp"


def temp_name(path: Path) -> Path:
    """A unique hidden sibling of `path` to write before renaming (two processes never share one)."""
    return path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}{TMP_SUFFIX}")


def write_atomic(path: Path, data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write `data` to a unique temp file beside `path`, flush it to disk, then rename it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(path)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data.encode(encoding) if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        checkpoint("file-written")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def is_temp(path: Path) -> bool:
    """Whether `path` is a temp file `temp_name` made (debris when no process is writing it)."""
    return path.name.startswith(".") and path.name.endswith(TMP_SUFFIX)
