"""The sound of a cut against its promises: cues heard on the dialogue stem, silent shots, EBU R128.

    .venv/bin/python bench/bench_cut_sound.py [WORKSPACE SLUG]     # default: make the demo film first

Prints the share of subtitle cues during which speech is heard on `cuts/<slug>.dialogue.wav` (ffmpeg
silencedetect), the shots without dialogue or voiceover that carry speech there (a J cut's lead counts as the next
shot's), the J cuts, and the cut's integrated
loudness and true peak (ebur128), plus the demo's wall and CPU time when it is made here.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from filmsofone.assemble.cut import load_manifest
from filmsofone.demo import SAMPLE_SLUG, run_demo
from filmsofone.project import open_project
from filmsofone.sound.checks import speech_report
from filmsofone.workspace import Workspace


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    if len(sys.argv) == 3:
        ws, slug = Workspace(Path(sys.argv[1])), sys.argv[2]
        film = open_project(ws, slug).film_path
    else:
        ws, slug = Workspace(Path(tempfile.mkdtemp(prefix="bench-sound-"))), SAMPLE_SLUG
        wall, cpu = time.perf_counter(), cpu_seconds()
        film = run_demo(ws.root)
        print(f"demo: {time.perf_counter() - wall:.0f} s wall, {cpu_seconds() - cpu:.0f} s CPU")
    manifest = load_manifest(film)
    report = speech_report(manifest)
    print(f"{slug}: {manifest.duration:.0f} s of film; cues heard on the dialogue stem {report.cues_heard}/"
          f"{report.cues} ({100 * report.heard_share:.1f} %); shots without dialogue carrying speech "
          f"{len(report.silent_shots_with_speech)}/{report.silent_shots}; J cuts {report.j_cuts} (longest lead "
          f"{report.longest_lead:.2f} s); loudness {report.loudness:.1f} LUFS, "
          f"true peak {report.true_peak:.1f} dBTP")


if __name__ == "__main__":
    main()
