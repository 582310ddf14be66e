"""`cast audition` and `cast pick`: candidate faces (or stills of places and props) and the chosen one."""

from __future__ import annotations

from typing import Optional

import typer

from .cast import cast_app
from .context import console, workspace
from .progress import progress_bar


@cast_app.command("audition")
def audition_(
    slug: str = typer.Argument(..., help="The book's slug."),
    name: str = typer.Argument(..., help="A character, setting or prop (id, name or alias)."),
    n: int = typer.Option(4, "-n", "--candidates", min=1, max=16, help="How many candidates."),
    backend: str = typer.Option("animatic-portrait", "--backend", "-b",
                                help="An image backend: animatic-portrait (offline), runway-image, ..."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Start from this seed (new faces: another number)."),
    option: Optional[list[str]] = typer.Option(None, "--option", "-o", help="Backend option NAME=VALUE."),
) -> None:
    """Render N candidate portraits from the bible entry; pick one with `cast pick S NAME N`."""
    from ..audition import audition
    from ..bible.edit import entry_name
    from .generate import parse_options

    ws = workspace()
    with progress_bar() as progress:
        paths = audition(ws, slug, name, n, backend, options=parse_options(option or []), seed=seed,
                         progress=progress)
    for number, path in enumerate(paths, 1):
        console.print(f"{number}: {path.relative_to(ws.root)}", highlight=False)
    console.print(f"pick one with: filmsofone cast pick {slug} '{entry_name(ws, slug, name)}' N", highlight=False)


@cast_app.command("pick")
def pick_(
    slug: str = typer.Argument(..., help="The book's slug."),
    name: str = typer.Argument(..., help="A character, setting or prop (id, name or alias)."),
    number: int = typer.Argument(..., min=1, help="The candidate's number from `cast audition`."),
) -> None:
    """Make audition candidate N the reference image of NAME (used by backends that take references)."""
    from ..audition import pick
    from ..bible.edit import entry_name

    ws = workspace()
    copy = pick(ws, slug, name, number)
    console.print(f"{entry_name(ws, slug, name)}: reference image {copy.relative_to(ws.root)}", highlight=False)
