"""Killed with SIGKILL mid-scene and run again: every remote job submitted exactly once, no clip lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import select

from filmsofone import ffmpeg, store
from filmsofone.generate import chosen_takes
from filmsofone.store.tables import JobRow
from fakes.project import SLUG, make_book

CHILD = Path(__file__).resolve().parents[1] / "fakes" / "generate_child.py"


def _child(ws, service) -> subprocess.Popen:
    env = {**os.environ, "FAKEHOSTED_API_KEY": service.key}
    return subprocess.Popen([sys.executable, str(CHILD), str(ws.root), service.url, "1.1", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the fake never reached the expected state"
        time.sleep(0.02)


def test_sigkill_midway_then_rerun_submits_each_job_once_and_loses_no_clip(ws, service):
    make_book(ws, shots_per_scene=4, duration=1.0)
    service.job_seconds = 2.0
    child = _child(ws, service)
    # kill once the first two clips were fetched and the last two jobs are running remotely
    _wait_for(lambda: service.downloads >= 2 and len(service.creates) == 4
              and time.monotonic() - service.last_create > 0.5)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL

    with store.session_for(ws.project(SLUG).db_path) as session:
        jobs = session.exec(select(JobRow)).all()
    in_flight = [j for j in jobs if j.status in ("submitted", "running", "downloading")]
    assert in_flight and all(j.remote_id for j in in_flight)  # killed midway, remote ids recorded

    rerun = _child(ws, service)
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["failed"] == {} and report["unknown"] == {}
    assert len(report["made"]) + len(report["cached"]) == 4 and report["cached"]
    assert sorted(service.creates_per_prompt().values()) == [1, 1, 1, 1]  # never submitted twice
    takes = chosen_takes(ws, SLUG)
    assert len(takes) == 4
    for take in takes.values():
        assert ffmpeg.decode_errors(take.path) == ""
