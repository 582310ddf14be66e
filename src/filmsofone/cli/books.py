"""`import`, `books`, `show`: getting books in and looking at what was read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from ..books import import_book
from ..project import list_books, load_analysis
from .app import app
from .context import console, workspace
from .progress import progress_bar


@app.command("import")
def import_(
    book: Path = typer.Argument(..., help="A .txt, .md or .epub file."),
    slug: Optional[str] = typer.Option(None, "--slug", "-s", help="Short name (default: from the file name)."),
    title: Optional[str] = typer.Option(None, "--title", "-t", help="Title (default: from the book)."),
) -> None:
    """Import a book: read it, analyse it, write its cast bible."""
    ws = workspace()
    with progress_bar() as progress:
        analysis = import_book(ws, book, slug=slug, title=title, progress=progress)
    info = analysis.book
    console.print(
        f"imported [bold]{info.title}[/] as [bold]{info.slug}[/]: {len(analysis.chapters)} chapters, "
        f"{len(analysis.scenes)} scenes, {len(analysis.characters)} characters, {len(analysis.quotes)} quotations"
    )
    console.print(f"cast bible: {ws.bible_path(info.slug)}")


@app.command("books")
def books_() -> None:
    """List the imported books."""
    ws = workspace()
    if not ws.root.is_dir():  # a mistyped --workspace is not an empty one
        console.print(f"no workspace at {ws.root} yet: `filmsofone --workspace {ws.root} import BOOK` makes it")
        return
    rows = list_books(ws)
    if not rows:
        console.print("no books yet: `filmsofone import BOOK`")
        return
    table = Table("slug", "title", "length", "source")
    for row in rows:
        table.add_row(row.slug, row.title, f"{row.chars:,} chars", row.source_path)
    console.print(table)


@app.command("show")
def show(
    slug: str = typer.Argument(..., help="The book's slug (see `filmsofone books`)."),
    as_json: bool = typer.Option(False, "--json", help="Print the analysis document as JSON."),
) -> None:
    """Show the analysis of a book: chapters, scenes, characters, settings, quotations."""
    analysis = load_analysis(workspace(), slug)
    if as_json:
        typer.echo(json.dumps(analysis.model_dump(mode="json"), ensure_ascii=False, indent=1))
        return
    names = {c.id: c.name for c in analysis.characters}
    places = {s.id: s.name for s in analysis.settings}
    table = Table("character", "aliases", "gender", "role", "mentions", title=analysis.book.title)
    for c in analysis.characters:
        table.add_row(c.name, ", ".join(c.aliases), c.gender, c.role, str(c.mentions))
    console.print(table)
    scenes = Table("scene", "setting", "int/ext", "time", "characters", "quotes")
    for s in analysis.scenes:
        where = {True: "INT", False: "EXT", None: "?"}[s.interior]
        cast = ", ".join(names.get(c, c) for c in s.characters)
        scenes.add_row(s.id, places.get(s.setting or "", "-"), where, s.time_of_day, cast,
                       str(len(analysis.quotes_in(s.id))))
    console.print(scenes)
