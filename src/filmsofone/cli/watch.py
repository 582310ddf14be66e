"""`cut` and `watch`: the private film, and the screening room to watch it in."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import app
from .context import console, workspace
from .progress import progress_bar


@app.command("cut")
def cut(
    slug: str = typer.Argument(..., help="The book's slug."),
    scenes: Optional[str] = typer.Option(None, "--scenes", help="Scenes to cut: 1.1-3.2, 2.1,2.3 or a chapter: 2."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="The MP4 to write (default: cuts/<slug>.mp4)."),
    transitions: bool = typer.Option(False, "--transitions", help="Cross-fade between scenes (re-encodes)."),
    music: Optional[Path] = typer.Option(None, "--music", help="Your music file under the whole film "
                                         "(instead of the score made from each scene's intent)."),
    no_music: bool = typer.Option(False, "--no-music", help="No score."),
    no_ambience: bool = typer.Option(False, "--no-ambience", help="No room tone, weather or place sound."),
    no_dialogue: bool = typer.Option(False, "--no-dialogue", help="No line of dialogue: none spoken (voiceover "
                                     "included), none subtitled."),
    yes: bool = typer.Option(False, "--yes", help="Pay for hosted voices or music (a run without it shows "
                             "the price)."),
) -> None:
    """Cut the chosen takes into one film with titles, subtitles, chapters, voices, score and ambience."""
    from ..assemble.cut import cut as cut_library
    from ..assemble.sound import SoundOptions

    sound = SoundOptions(dialogue=not no_dialogue, subtitles=not no_dialogue, music=not no_music,
                         ambience=not no_ambience, allow_paid=yes)
    with progress_bar() as progress:
        result = cut_library(workspace(), slug, scenes=scenes, output=output, progress=progress,
                             transitions=transitions, music=music, sound=sound)
    made = result.manifest
    missing = sum(1 for s in made.segments if s.segment.kind == "placeholder")
    how = ("joined by stream copy" if made.fast_path else
           f"{made.normalised} take(s) normalised" + (", scenes cross-faded" if made.transitions else "")
           + (", music mixed" if made.music else ""))
    console.print(f"cut {len(made.scenes)} scene(s), {made.duration:.1f} s ({how})"
                  + (f"; {missing} placeholder card(s) for shots without a take" if missing else ""))
    if made.loudness is not None:
        console.print(f"sound: {made.loudness:.1f} LUFS, true peak {made.true_peak:.1f} dBTP; stems "
                      + ", ".join(Path(p).name for p in made.stems.values()), highlight=False)
    for problem in made.problems:
        console.print(f"[yellow]note:[/] {problem}", highlight=False)
    print(result.film_path)


@app.command("watch")
def watch(
    slug: str = typer.Argument(..., help="The book's slug."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Print the address instead of opening a browser."),
    port: int = typer.Option(0, "--port", min=0, max=65535, help="Port on 127.0.0.1 (default: any free port)."),
) -> None:
    """Open the screening room: the film, its scenes and shots, the cast (local only, until Ctrl-C)."""
    from ..watch import serve

    serve(workspace(), slug, port=port, open_browser=not no_browser, announce=lambda url: print(url, flush=True))
