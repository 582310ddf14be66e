"""The kill test: `import`, `generate` (animatic) and `cut`, each killed with SIGKILL at many points, then run
again: every command finishes, the database is sound, every shot has exactly one take, nothing is made twice
and nothing is left behind.

The kill points are checkpoints in the code (`filmsofone.store.faults.checkpoint`): with
FILMSOFONE_KILL_AT=NAME[:N] the process kills itself the N-th time it reaches NAME, so each run dies at
a known step (the seeded order of the points below is fixed, so a failure replays exactly). The killed runs
of one command follow each other on the same workspace, each one also recovering from the one before.
"""

from __future__ import annotations

import random
import signal
import sqlite3
from pathlib import Path

import pytest

from faultkit import LONGER_BOOK as BOOK, cli

SLUG = "tiny"
SEED = 17
IMPORT_POINTS = ["db-create:2", "analysis-stored", "text-stored", "file-written:1", "file-written:2"]
GENERATE_POINTS = ["job-created:1", "job-updated:2", "clip-rendered:1", "clip-in-place:1", "take-recorded:1",
                   "clip-in-place:2", "job-updated:4", "clip-rendered:3", "take-recorded:3", "clip-in-place:4"]
CUT_POINTS = ["cut-card-made:1", "cut-card-made:2", "file-written:1", "file-written:3", "film-joined",
              "file-written:4"]


def _killed(done, point: str) -> None:
    assert done.returncode == -signal.SIGKILL, f"{point}: never reached (exit {done.returncode}): {done.stderr}"


def _sound(db: Path) -> None:
    if db.exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def _leftovers(root: Path) -> list[Path]:
    """Temp files, partial clips, cut work folders and renderers' work folders anywhere in the workspace."""
    return sorted(p for p in root.rglob("*")
                  if p.name.endswith((".tmp", ".part.mp4")) or p.name.startswith((".cut-", ".work-"))
                  or (p.is_dir() and p.parent.name in ("cards", "normalised") and p.name.startswith("tmp")))


@pytest.mark.slow
def test_killed_anywhere_then_rerun_nothing_lost_made_twice_or_left(tmp_path):
    root = tmp_path / "ws"
    (root / "books").mkdir(parents=True)
    book = root / "books" / f"{SLUG}.txt"
    book.write_text(BOOK, encoding="utf-8")
    project = root / "projects" / SLUG
    db = project / "filmsofone.db"
    order = random.Random(SEED)
    points = {"import": IMPORT_POINTS[:], "generate": GENERATE_POINTS[:], "cut": CUT_POINTS[:]}
    for names in points.values():
        order.shuffle(names)
    assert sum(len(v) for v in points.values()) >= 20

    for point in points["import"]:
        _killed(cli(root, "import", str(book), kill_at=point), point)
        _sound(db)
        listed = cli(root, "books")
        assert listed.returncode == 0, listed.stderr  # the workspace stays usable after every kill
    done = cli(root, "import", str(book))
    assert done.returncode == 0, done.stderr
    assert (project / "book.txt").read_text(encoding="utf-8") == BOOK.replace("\r\n", "\n")
    assert (root / "casts" / f"{SLUG}.yaml").is_file()

    for point in points["generate"]:
        _killed(cli(root, "generate", SLUG, "--all", kill_at=point), point)
        _sound(db)
    done = cli(root, "generate", SLUG, "--all")
    assert done.returncode == 0, done.stderr
    _one_take_per_shot(db, project)
    again = cli(root, "generate", SLUG, "--all")
    assert again.returncode == 0 and " 0 made" in again.stdout, again.stdout  # nothing made twice

    for point in points["cut"]:
        _killed(cli(root, "cut", SLUG, kill_at=point), point)
        _sound(db)
    done = cli(root, "cut", SLUG)
    assert done.returncode == 0, done.stderr
    film = project / "cuts" / f"{SLUG}.mp4"
    assert film.is_file() and film.with_suffix(".cut.json").is_file()

    _one_take_per_shot(db, project)
    assert _leftovers(root) == []


def _one_take_per_shot(db: Path, project: Path) -> None:
    with sqlite3.connect(db) as conn:
        shots = {row[0] for row in conn.execute("select id from shots")}
        takes = conn.execute("select shot_id, path from takes").fetchall()
        stuck = conn.execute("select id, status from jobs where status in "
                             "('pending', 'submitting', 'submitted', 'running', 'downloading')").fetchall()
        done_jobs = conn.execute("select count(*) from jobs where status = 'done'").fetchone()[0]
    assert shots and sorted(s for s, _ in takes) == sorted(shots)  # exactly one take per shot
    assert stuck == [] and done_jobs == len(takes)
    clips = sorted(p.relative_to(project).as_posix() for p in (project / "clips").rglob("*.mp4"))
    assert clips == sorted(path for _, path in takes)  # no clip without its take, no take without its clip
