"""Failure 4: one writer per project; two `generate` runs of one scene at once make each shot once in total."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from filmsofone.store.lock import ProjectBusy, project_lock
from fakes.project import SLUG, make_book

from faultkit import cli_env, cli_start

HOLD = """
import sys, time
from pathlib import Path
from filmsofone.store.lock import project_lock
from filmsofone.workspace import Workspace
with project_lock(Workspace(Path(sys.argv[1])).project(sys.argv[2]), "generate"):
    print("held", flush=True)
    time.sleep(60)
"""


def _holder(ws, slug: str) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(ws.root), slug], stdout=subprocess.PIPE, text=True,
                             env=cli_env())
    assert child.stdout.readline().strip() == "held"
    return child


def test_a_second_writer_is_told_who_holds_the_project_and_gets_it_when_the_holder_dies(ws):
    child = _holder(ws, SLUG)
    try:
        told = []
        with pytest.raises(ProjectBusy) as caught:
            with project_lock(ws.project(SLUG), "cut", wait=0.3, notify=told.append):
                pass
        assert f"pid {child.pid} running `generate` since" in str(caught.value)
        assert told == [f"waiting: '{SLUG}' is in use by pid {child.pid} running `generate` since "
                        f"{told[0].rpartition('since ')[2]}"]
    finally:
        child.send_signal(signal.SIGKILL)  # the OS releases the lock of a killed process
        child.wait()
    with project_lock(ws.project(SLUG), "cut", wait=5):
        pass


def test_the_lock_is_reentrant_within_a_process(ws):
    project = ws.project(SLUG)
    with project_lock(project, "import"):
        with project_lock(project, "generate", wait=0):
            pass


@pytest.mark.slow
def test_two_generate_runs_of_one_scene_at_once_make_each_shot_once(ws):
    shots = [s for s in make_book(ws, shots_per_scene=3, duration=0.5) if s.scene == "1.1"]
    runs = [cli_start(ws.root, "generate", SLUG, "--scene", "1.1") for _ in range(2)]
    outputs = [run.communicate(timeout=240) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    db = sqlite3.connect(ws.project(SLUG).db_path)
    takes = db.execute("select shot_id, count(*) from takes group by shot_id").fetchall()
    jobs = db.execute("select shot_id, count(*) from jobs group by shot_id").fetchall()
    assert sorted(takes) == sorted((s.id, 1) for s in shots)
    assert sorted(jobs) == sorted((s.id, 1) for s in shots)
    clips = [p for p in (ws.project(SLUG).clips_dir).rglob("*") if p.is_file()]
    assert len(clips) == len(shots)


def test_lock_file_lives_beside_the_project_folder(ws):
    with project_lock(ws.project("new-book"), "import"):
        assert ws.project("new-book").lock_path.exists() and not ws.project("new-book").root.exists()
        assert str(os.getpid()) in ws.project("new-book").lock_path.read_text()
