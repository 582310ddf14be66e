"""Benchmark: cut 200 matching clips (the animatic's format) by stream copy, and time it.

Run by hand: `.venv/bin/python bench/bench_cut.py [--clips 200] [--seconds 2] [--keep DIR]`.
Prints the time of a cold cut (probing every take, drawing cards, joining) and of a warm one (probes
and cards cached), the film's duration, and whether the fast path (no video re-encoding) was taken.

`--workspace W --slug S` instead times the cut of a book already generated in W (e.g. by
`filmsofone demo -w W`) and checks the film: duration against the chosen takes (± 1 frame per shot),
one chapter per scene, every subtitle cue inside its shot, audio present, a clean decode.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from filmsofone import ffmpeg, store
from filmsofone.assemble.cut import cut
from filmsofone.models import BookAnalysis, BookInfo, Chapter, Scene, Shot
from filmsofone.store.tables import TakeRow
from filmsofone.workspace import Workspace

SHOTS_PER_SCENE = 10


def make_master(path: Path, seconds: float) -> None:
    """One clip in the animatic's format: H.264 yuv420p 640x360 @ 24 fps, AAC 48 kHz stereo."""
    ffmpeg.run([*ffmpeg.base_args(), "-f", "lavfi", "-i", f"testsrc=size=640x360:rate=24:duration={seconds}",
                "-f", "lavfi", "-t", str(seconds), "-i", "anullsrc=r=48000:cl=stereo",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ar", "48000",
                "-ac", "2", "-t", str(seconds), "-movflags", "+faststart", str(path)])


def make_book(ws: Workspace, clips: int, seconds: float) -> None:
    project = ws.project("bench").ensure()
    scenes = [Scene(id=f"{1 + i // 5}.{1 + i % 5}", chapter=1 + i // 5, start=0, end=1)
              for i in range((clips + SHOTS_PER_SCENE - 1) // SHOTS_PER_SCENE)]
    chapters = sorted({s.chapter for s in scenes})
    analysis = BookAnalysis(book=BookInfo(slug="bench", title="Bench", source_sha256="0" * 64, chars=1),
                            chapters=[Chapter(index=c, title=f"Chapter {c}", start=0, end=1) for c in chapters],
                            scenes=scenes, characters=[], settings=[], quotes=[])
    store.save_analysis(project.db_path, analysis, source_path="bench")
    project.text_path.write_text(" ")
    master = project.root / "master.mp4"
    make_master(master, seconds)
    made = 0
    with store.session_for(project.db_path) as session:
        for scene in scenes:
            shots = []
            for order in range(1, SHOTS_PER_SCENE + 1):
                if made == clips:
                    break
                shot = Shot(id=f"{scene.id}-{order:03d}", scene=scene.id, order=order, duration=seconds)
                clip = project.clips_dir / f"{shot.id}.mp4"
                shutil.copyfile(master, clip)
                session.add(TakeRow(shot_id=shot.id, scene=scene.id, backend="bench", cache_key=shot.id,
                                    path=clip.relative_to(project.root).as_posix(), duration=seconds))
                shots.append(shot)
                made += 1
            store.save_shots(project.db_path, scene.id, shots)
        session.commit()


def check_book(root: Path, slug: str) -> None:
    """Cut a generated book and check the film against its takes, scenes and dialogue."""
    from filmsofone.generate import chosen_takes

    ws = Workspace(root.resolve())
    started = time.perf_counter()
    result = cut(ws, slug)
    elapsed = time.perf_counter() - started
    made, film = result.manifest, result.film_path
    takes = chosen_takes(ws, slug)
    fps = made.format.fps
    shots = [p for p in made.segments if p.segment.shot_id]
    taken = [p for p in shots if p.segment.kind == "shot"]
    cards = sum(p.segment.frames for p in made.segments if p.segment.kind != "shot") / fps
    expected = sum(takes[p.segment.shot_id].duration for p in taken) + cards
    info = ffmpeg.probe(film)
    windows = {p.segment.shot_id: (p.start, p.end) for p in shots}
    outside = [c for c in made.cues if not windows[c.shot_id][0] <= c.start < c.end <= windows[c.shot_id][1]]
    print(f"cut of {slug}: {elapsed:.1f} s for {len(taken)} takes + {len(shots) - len(taken)} placeholders "
          f"(fast path: {made.fast_path})")
    print(f"duration {info.duration:.3f} s; chosen takes + cards {expected:.3f} s; difference "
          f"{info.duration - expected:+.3f} s (allowed ± {len(shots) / fps:.3f} s)")
    print(f"chapters {info.chapters} for {len(made.scenes)} scenes; subtitle cues {len(made.cues)}, outside "
          f"their shot {len(outside)}; audio streams {len(info.audio)}; subtitle streams {len(info.subtitles)}")
    started = time.perf_counter()
    errors = ffmpeg.decode_errors(film)
    print(f"decode check ({time.perf_counter() - started:.1f} s): {errors or 'clean'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--keep", type=Path, help="make the workspace here and keep it")
    parser.add_argument("--workspace", type=Path, help="check the cut of a book generated in this workspace")
    parser.add_argument("--slug", default="the-lantern-keepers")
    options = parser.parse_args()
    if options.workspace:
        return check_book(options.workspace, options.slug)
    root = options.keep or Path(tempfile.mkdtemp(prefix="filmsofone-bench-"))
    ws = Workspace(root).ensure()
    try:
        started = time.perf_counter()
        make_book(ws, options.clips, options.seconds)
        print(f"setup: {options.clips} clips of {options.seconds:g} s in {time.perf_counter() - started:.1f} s")
        for label in ("cold", "warm"):
            started = time.perf_counter()
            result = cut(ws, "bench")
            elapsed = time.perf_counter() - started
            made = result.manifest
            info = ffmpeg.probe(result.film_path)
            print(f"{label} cut: {elapsed:.2f} s for {options.clips} clips -> {info.duration:.1f} s film "
                  f"({len(made.scenes)} scenes, fast path: {made.fast_path}, re-encoded takes: {made.normalised})")
        print(f"decode check: {ffmpeg.decode_errors(result.film_path) or 'clean'}")
    finally:
        if options.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
