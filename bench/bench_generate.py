"""Generation benchmarks (run by hand: `.venv/bin/python bench/bench_generate.py`).

1. Hosted engine: 8 shots, concurrency 4, a fake service on 127.0.0.1 taking 1 s per job (ideal: 2 s),
   then the same with 0 s jobs to isolate the engine's own cost per shot (create, polls, streamed
   download, decode check, database writes).
2. Animatic: render time per shot (one at a time, then 2 in parallel) for 4 s and 7 s shots.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def _workspace(shots: int, duration: float):
    from filmsofone.workspace import Workspace
    from fakes.project import make_book

    ws = Workspace(Path(tempfile.mkdtemp(prefix="bench-gen-"))).ensure()
    make_book(ws, shots_per_scene=shots, duration=duration)
    return ws


def bench_hosted() -> None:
    from filmsofone import backends
    from filmsofone.generate import generate_scenes, requests
    from fakes.generic import KEY_ENV, FakeHostedBackend, FakeHostedService, mp4_of
    from fakes.project import SLUG, simple_prompts

    backends.register(FakeHostedBackend)
    requests.render_shot_prompts = simple_prompts
    mp4_of(1.0)  # made once, outside the timing
    for job_seconds in (1.0, 0.0):
        service = FakeHostedService(job_seconds=job_seconds).start()
        os.environ[KEY_ENV] = service.key
        ws = _workspace(8, 1.0)
        run = dict(backend="fakehosted", concurrency=4, options={"base_url": service.url})
        started = time.perf_counter()
        generate_scenes(ws, SLUG, ["1.1"], dry_run=True, **run)
        setup = time.perf_counter() - started  # loading, prompts, requests, cache keys: no jobs
        started, cpu = time.perf_counter(), time.process_time()
        report = generate_scenes(ws, SLUG, ["1.1"], **run)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        service.stop()
        assert len(report.made) == 8, report
        ideal = 2 * job_seconds
        print(f"hosted: 8 shots, concurrency 4, {job_seconds:g} s jobs: {wall:.2f} s wall (ideal {ideal:g} s, "
              f"setup {setup * 1000:.0f} ms); beyond the ideal {(wall - ideal - setup) / 2 * 1000:.0f} ms per job "
              f"slot; engine process CPU {cpu / 8 * 1000:.0f} ms per shot; creates {len(service.creates)}")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (ffmpeg), whatever else loads the machine."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def bench_animatic() -> None:
    from filmsofone.generate import generate_scenes
    from fakes.project import SLUG

    for duration in (4.0, 7.0):
        for concurrency in (1, 2):
            ws = _workspace(8, duration)
            started, cpu = time.perf_counter(), _cpu()
            report = generate_scenes(ws, SLUG, ["1.1", "1.2"], concurrency=concurrency)
            wall, cpu = time.perf_counter() - started, _cpu() - cpu
            assert len(report.made) == 16
            print(f"animatic: 16 shots of {duration:g} s, concurrency {concurrency}: {wall:.2f} s wall, "
                  f"{wall / 16 * 1000:.0f} ms per shot; {cpu / 16 * 1000:.0f} ms CPU per shot")


if __name__ == "__main__":
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    bench_hosted()
    bench_animatic()
