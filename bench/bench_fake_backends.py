"""Benchmark: a scene of N shots through `generate_scenes` on the fake ComfyUI, Replicate and fal servers.

Run by hand: `.venv/bin/python bench/bench_fake_backends.py [--shots 8] [--concurrency 4] [--job 1.0]`.
Every fake takes `--job` seconds per job (ComfyUI runs one prompt at a time per server, so it gets as many
fake servers as the concurrency). Prints the wall time, the ideal time (ceil(shots / concurrency) x job) and
the engine + adapter overhead per shot (HTTP, polling granularity, download, ffprobe and full decode).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from fakes.comfyui import FakeComfyUI  # noqa: E402
from fakes.fal import FakeFal  # noqa: E402
from fakes.project import SLUG, make_book  # noqa: E402
from fakes.replicate import FakeReplicate  # noqa: E402

from filmsofone.generate import generate_scenes  # noqa: E402
from filmsofone.workspace import Workspace  # noqa: E402


def run(backend: str, shots: int, concurrency: int, job: float, duration: float) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        ws = Workspace(Path(tmp) / "ws").ensure()
        make_book(ws, shots_per_scene=shots, duration=duration)
        options: dict = {"poll_interval": 0.1}
        if backend == "comfyui":
            servers = [stack.enter_context(FakeComfyUI(job_seconds=job)) for _ in range(concurrency)]
            options["url"] = [s.url for s in servers]
        elif backend == "replicate":
            fake = stack.enter_context(FakeReplicate(job_seconds=job))
            os.environ["REPLICATE_API_TOKEN"] = fake.token
            options.update(base_url=fake.url, model="bytedance/seedance-1-lite")
        else:
            fake = stack.enter_context(FakeFal(job_seconds=job))
            os.environ["FAL_KEY"] = fake.key
            options["base_url"] = fake.url
        started = time.perf_counter()
        report = generate_scenes(ws, SLUG, ["1.1"], backend=backend, concurrency=concurrency, options=options)
        return time.perf_counter() - started, len(report.made)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shots", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--job", type=float, default=1.0, help="seconds each fake job takes")
    parser.add_argument("--duration", type=float, default=5.0, help="clip seconds")
    args = parser.parse_args()
    ideal = math.ceil(args.shots / args.concurrency) * args.job
    from fakes._base import sample_mp4

    for seconds in (args.duration, 5.0):  # made once, outside the timing
        sample_mp4(seconds, 320, 180, 24)
    print(f"{args.shots} shots of {args.duration:g} s, concurrency {args.concurrency}, {args.job:g} s per job; "
          f"ideal {ideal:.2f} s")
    for backend in ("comfyui", "replicate", "fal"):
        wall, made = run(backend, args.shots, args.concurrency, args.job, args.duration)
        print(f"{backend:10s} {made} made in {wall:5.2f} s  (overhead {(wall - ideal) / args.shots * 1000:5.0f} ms"
              f" per shot)")


if __name__ == "__main__":
    main()
