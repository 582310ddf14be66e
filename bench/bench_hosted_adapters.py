"""Benchmark: a scene of N shots through `generate_scenes` on each hosted adapter of issue 7, against its fake.

Run by hand: `.venv/bin/python bench/bench_hosted_adapters.py [--shots 8] [--concurrency 4] [--polls 3]
[--interval 0.2]`. Each fake job finishes on its `--polls`-th poll, so a job takes (polls - 1) x interval
seconds of polling; the ideal scene time is ceil(shots / concurrency) x that. Prints the wall time and the
adapter + engine overhead per shot (HTTP round trips, JSON mapping, JWT minting for Kling, the MiniMax
file-retrieve step, download, ffprobe and full decode of every clip).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from fakes import kling, luma, minimax, openai_videos, runway, veo  # noqa: E402
from fakes.project import SLUG, make_book  # noqa: E402

from filmsofone.generate import generate_scenes  # noqa: E402
from filmsofone.workspace import Workspace  # noqa: E402

CASES = [  # backend, fake class, env, base_url suffix
    ("runway", runway.FakeRunway, {"RUNWAYML_API_SECRET": runway.KEY}, ""),
    ("luma", luma.FakeLuma, {"LUMA_API_KEY": luma.KEY}, "/v1"),
    ("kling", kling.FakeKling, {"KLING_ACCESS_KEY": kling.ACCESS, "KLING_SECRET_KEY": kling.SECRET}, ""),
    ("minimax", minimax.FakeMinimax, {"MINIMAX_API_KEY": minimax.KEY}, ""),
    ("veo", veo.FakeVeo, {"GEMINI_API_KEY": veo.KEY}, "/v1beta"),
    ("openai-videos", openai_videos.FakeOpenAIVideos, {"OPENAI_API_KEY": openai_videos.KEY}, "/v1"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shots", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--polls", type=int, default=3)
    parser.add_argument("--interval", type=float, default=0.2)
    args = parser.parse_args()
    os.environ["FILMSOFONE_KEYS_FILE"] = str(Path(tempfile.mkdtemp()) / "none.json")
    job = (args.polls - 1) * args.interval
    ideal = math.ceil(args.shots / args.concurrency) * job
    print(f"{args.shots} shots, concurrency {args.concurrency}, {args.polls} polls x {args.interval:g} s "
          f"(ideal {ideal:.2f} s a scene)")
    for name, fake_class, env, suffix in CASES:
        os.environ.update(env)
        with tempfile.TemporaryDirectory() as tmp, fake_class(polls_to_finish=args.polls) as fake:
            if hasattr(fake, "poll_after_ms"):
                fake.poll_after_ms = str(int(args.interval * 1000))
            ws = Workspace(Path(tmp)).ensure()
            make_book(ws, shots_per_scene=args.shots, duration=1.0)
            started = time.perf_counter()
            report = generate_scenes(ws, SLUG, ["1.1"], backend=name, concurrency=args.concurrency,
                                     options={"base_url": fake.url + suffix, "poll_interval": args.interval})
            wall = time.perf_counter() - started
            assert len(report.made) == args.shots, report
            print(f"{name:14s} {wall:6.2f} s wall, overhead {(wall - ideal) / args.shots * 1000:6.0f} ms a shot, "
                  f"{len(fake.requests)} requests, {len(fake.creates)} creates")


if __name__ == "__main__":
    main()
