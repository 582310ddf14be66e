"""Files a killed process left in a project folder, removed by the next process that holds its lock.

Only the names our own writers use are touched: temp files (`.<name>.<pid>-<id>.tmp`, and the old
`book.txt.tmp`) in the project folder and of this book's cast bible, the cut's work folders (`cuts/.cut-*`, `cache/cut/*/tmp*`) and renderers' work folders
beside the clips (`clips/<scene>/.work-*`). Partial clips belong to jobs: see `generate.jobs.recover`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..workspace import Project
from .files import is_temp


def _debris(project: Project) -> list[Path]:
    found: list[Path] = []
    casts = project.root.parent.parent / "casts"  # the workspace's casts/ (projects/<slug> -> <workspace>)
    if project.root.is_dir():
        found += [p for p in project.root.rglob("*.tmp") if p.is_file() and is_temp(p)]
    if (casts / project.slug).is_dir():
        found += [p for p in (casts / project.slug).iterdir() if p.is_file() and is_temp(p)]
    if casts.is_dir():
        found += [p for p in casts.glob(f".{project.slug}.yaml.*") if p.is_file() and is_temp(p)]
    found += [p for p in project.root.glob("*.txt.tmp") if p.is_file()]
    found += [p for p in project.cuts_dir.glob(".cut-*") if p.is_dir()]
    found += [p for p in (project.cache_dir / "cut").glob("*/tmp*") if p.is_dir()]
    found += [p for p in project.clips_dir.glob("*/.work-*") if p.is_dir()]
    return found


def clean_debris(project: Project) -> int:
    """Delete what killed processes left behind; return how many files and folders went.

    Call it only while holding the project's lock (store/lock.py): then nobody else is writing these.
    """
    removed = 0
    for path in _debris(project):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed += 1
    return removed
