"""`cast`: show and edit the cast bible (characters, settings and their light, props, style)."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from . import app
from .context import console, workspace

cast_app = typer.Typer(help="The cast bible: faces, wardrobe, props and light, fixed for the whole film.",
                       no_args_is_help=True)
app.add_typer(cast_app, name="cast")


@cast_app.command("show")
def show(
    slug: str = typer.Argument(..., help="The book's slug."),
    name: Optional[str] = typer.Argument(None, help="A character, setting or prop (id, name or alias)."),
) -> None:
    """Show the bible, or one character, setting or prop in full."""
    from ..bible import identity_text, load_bible, look_text
    from ..bible.edit import describe_entry

    ws = workspace()
    bible = load_bible(ws, slug)
    if name:
        console.print(describe_entry(bible, name), highlight=False, soft_wrap=True)
        return
    people = Table("id", "name", "aliases", "role", "look", "hints", title=f"{bible.title} ({ws.bible_path(slug)})")
    for person in bible.characters:
        look = identity_text(bible, person.id).partition(": ")[2]
        people.add_row(person.id, person.name + (" [locked]" if person.locked else ""), ", ".join(person.aliases),
                       person.role, look, str(len(person.hints)))
    console.print(people)
    places = Table("id", "setting", "int/ext", "day light")
    for place in bible.settings:
        places.add_row(place.id, place.name, {True: "INT", False: "EXT", None: "?"}[place.interior],
                       look_text(bible, place.id, "day").partition("day light: ")[2])
    console.print(places)
    style = bible.style
    console.print(f"style: {style.aspect_ratio} {style.resolution} @ {style.fps} fps; {style.film_look}; "
                  f"{style.stock}; {style.grade}", highlight=False)
