"""`voice` and `cast voice`: speak the planned lines (re-timing the shots), hear and choose a character's voice."""

from __future__ import annotations

from typing import Optional

import typer

from .app import app
from .cast import cast_app
from .context import console, workspace
from .progress import progress_bar


@app.command("voice")
def voice(
    slug: str = typer.Argument(..., help="The book's slug."),
    scene: Optional[list[str]] = typer.Option(None, "--scene", help="Only these scenes (repeatable)."),
    yes: bool = typer.Option(False, "--yes", help="Pay for lines a hosted voice engine bills (the price is "
                             "shown first, by a run without --yes)."),
) -> None:
    """Speak every planned line in its speaker's voice and fit the speaking shots to their speech."""
    from ..sound import voice_book

    with progress_bar() as progress:
        report = voice_book(workspace(), slug, scene or None, progress=progress, allow_paid=yes)
    console.print(f"{report.lines} line(s), {report.seconds:.1f} s of speech in {report.voices} voice(s); "
                  f"{len(report.retimed)} shot(s) re-timed to their speech", highlight=False)


@cast_app.command("voice")
def cast_voice(
    slug: str = typer.Argument(..., help="The book's slug."),
    name: str = typer.Argument(..., help="A character (id, name or alias), or 'narrator'."),
    audition: bool = typer.Option(False, "--audition", help="Speak one of their lines in N candidate voices."),
    n: int = typer.Option(4, "-n", "--candidates", min=1, max=12, help="How many candidates."),
    pick: Optional[int] = typer.Option(None, "--pick", min=1, help="Keep candidate N of the last audition."),
) -> None:
    """Hear a character's voice (the current one, or N candidates with --audition) and keep one (--pick N)."""
    from ..bible.edit import entry_name
    from ..sound.casting import NARRATOR_NAMES, audition_voices, pick_voice, speak_sample

    ws = workspace()
    if name.strip().casefold() not in NARRATOR_NAMES:
        name = entry_name(ws, slug, name)  # the character's own name, accents and all
    if pick is not None:
        chosen = pick_voice(ws, slug, name, pick)
        console.print(f"{name}: voice {chosen.engine} {chosen.voice} pitch {chosen.pitch}", highlight=False)
        return
    if audition:
        for number, (candidate, path) in enumerate(audition_voices(ws, slug, name, n), 1):
            console.print(f"{number}: {candidate.voice} pitch {candidate.pitch}  {path.relative_to(ws.root)}",
                          highlight=False)
        console.print(f"keep one with: filmsofone cast voice {slug} '{name}' --pick N", highlight=False)
        return
    current, path = speak_sample(ws, slug, name)
    console.print(f"{name}: {current.engine} {current.voice} pitch {current.pitch}  {path.relative_to(ws.root)}",
                  highlight=False)
