"""Failure 6: a killed `generate` leaves no ffmpeg running and no debris the rerun does not clean."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest

from filmsofone.bible.yamlio import load_value
from fakes.project import SLUG, make_book

from faultkit import cli, cli_start


def _children_writing_into(root: Path) -> list[int]:
    """Pids of the processes whose command line names a file under `root` (the ffmpeg encoders)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(root) in command and "ffmpeg" in command:
            found.append(int(entry.name))
    return found


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc to see the children")
def test_ffmpeg_dies_with_a_killed_generate_and_the_rerun_cleans_up(ws):
    shots = make_book(ws, shots_per_scene=2, duration=30.0)
    run = cli_start(ws.root, "generate", SLUG, "--all")
    assert _wait_for(lambda: _children_writing_into(ws.root), timeout=120), "no ffmpeg child was seen"
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=10)
    assert _wait_for(lambda: not _children_writing_into(ws.root), timeout=5), "ffmpeg outlived its parent"
    done = cli(ws.root, "generate", SLUG, "--all")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(ws.project(SLUG).db_path) as conn:
        takes = conn.execute("select shot_id from takes").fetchall()
        stuck = conn.execute("select count(*) from jobs where status in ('pending', 'running')").fetchone()[0]
    assert sorted(t for (t,) in takes) == sorted(s.id for s in shots) and stuck == 0
    assert not list(ws.root.rglob("*.part.mp4"))


def test_a_yaml_alias_bomb_given_to_cast_set_is_refused_fast():
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "\n".join(
        f"a{i}: &a{i} [" + ",".join(["*a" if i == 1 else f"*a{i - 1}"] * 9) + "]" for i in range(1, 10))
    started = time.monotonic()
    with pytest.raises(Exception, match="aliases expand it"):
        load_value(bomb)
    assert time.monotonic() - started < 2
