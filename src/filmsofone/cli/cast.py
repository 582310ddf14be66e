"""`cast`: show and edit the cast bible (characters, settings and their light, props, style)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from .app import app
from .context import console, err_console, workspace

cast_app = typer.Typer(help="The cast bible: faces, wardrobe, props and light, fixed for the whole film.",
                       no_args_is_help=True)
app.add_typer(cast_app, name="cast")


def say(text: str) -> None:
    """Print user text as it is (no rich markup: '[a, b]' is YAML here, not a style tag)."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


@cast_app.command("show")
def show(
    slug: str = typer.Argument(..., help="The book's slug."),
    name: Optional[str] = typer.Argument(None, help="A character, setting or prop (id, name or alias)."),
    as_json: bool = typer.Option(False, "--json", help="Print the validated bible (or the entry) as JSON."),
) -> None:
    """Show the bible, or one character, setting or prop in full."""
    from ..bible import load_bible
    from ..bible.edit import describe_entry, find_entry
    from ..bible.seed import conflicts_path

    ws = workspace()
    bible = load_bible(ws, slug)
    if as_json:
        chosen = find_entry(bible, name)[1] if name else bible
        typer.echo(chosen.model_dump_json(indent=1))
        return
    if name:
        say(describe_entry(bible, name))
        return
    _overview(bible, ws.bible_path(slug))
    conflicts = conflicts_path(ws, slug)
    if conflicts.exists():
        say(f"conflicts from the last import (your values were kept):\n{conflicts.read_text(encoding='utf-8')}")


def _overview(bible, path: Path) -> None:
    """Tables of the characters (with the words prompts use) and settings, and the style in a line."""
    from ..bible import identity_text, look_text

    people = Table("id", "name", "aliases", "role", "look", "hints", title=Text(f"{bible.title} ({path})"))
    for person in bible.characters:
        look = identity_text(bible, person.id).partition(": ")[2]
        people.add_row(*map(Text, (person.id, person.name + (" (locked)" if person.locked else ""),
                                   ", ".join(person.aliases), person.role, look, str(len(person.hints)))))
    console.print(people)
    places = Table("id", "setting", "int/ext", "day light")
    for place in bible.settings:
        places.add_row(*map(Text, (place.id, place.name, {True: "INT", False: "EXT", None: "?"}[place.interior],
                                   look_text(bible, place.id, "day").partition("day light: ")[2])))
    console.print(places)
    style = bible.style
    say(f"style: {style.aspect_ratio} {style.resolution} @ {style.fps} fps; {style.film_look}; {style.stock}; "
        f"{style.grade}")


@cast_app.command("edit")
def edit(slug: str = typer.Argument(..., help="The book's slug.")) -> None:
    """Open the bible in $EDITOR; it is installed only when valid (else: where and why, and re-open)."""
    from ..bible.edit import edit_bible

    def reopen(error) -> bool:
        err_console.print("[bold red]error:[/] ", end="")
        err_console.print(str(error), markup=False, highlight=False, soft_wrap=True)
        return typer.confirm("re-open the editor to fix it?", default=True)

    bible = edit_bible(workspace(), slug, reopen=reopen)
    say(f"cast bible saved: {len(bible.characters)} characters, {len(bible.settings)} settings, "
        f"{len(bible.props)} props")


@cast_app.command("set")
def set_(
    slug: str = typer.Argument(..., help="The book's slug."),
    name: str = typer.Argument(..., help="A character, setting or prop (id, name or alias)."),
    assignments: list[str] = typer.Argument(..., help="field=value (field+=value appends to a list); "
                                            "dotted fields go deeper: wardrobe.chapters.3='a wet coat'"),
) -> None:
    """Change fields of one entry, e.g. `hair='short grey' wardrobe.default='a blue sweater'`."""
    from ..bible import identity_text
    from ..bible.edit import find_entry, set_fields

    bible = set_fields(workspace(), slug, name, assignments)
    kind, entry = find_entry(bible, name)
    say(identity_text(bible, entry.id) if kind == "characters" else f"updated {entry.name}")


@cast_app.command("face")
def face(
    slug: str = typer.Argument(..., help="The book's slug."),
    name: str = typer.Argument(..., help="A character (or setting, prop)."),
    image: Path = typer.Argument(..., help="A PNG, JPEG or WebP picture of the face."),
) -> None:
    """Add a reference image (checked, then copied into casts/<slug>/)."""
    from ..bible.edit import add_reference_image, entry_name

    ws = workspace()
    copy = add_reference_image(ws, slug, name, image)
    say(f"reference image for {entry_name(ws, slug, name)}: {copy.relative_to(ws.root)}")


@cast_app.command("light")
def light(
    slug: str = typer.Argument(..., help="The book's slug."),
    setting: str = typer.Argument(..., help="A setting (id, name or alias)."),
    time: list[str] = typer.Option([], "--time", "-t", help="day | night | dawn | dusk (repeatable; default: all)."),
    key: Optional[str] = typer.Option(None, "--key", help="Key light, e.g. 'low sun through the window'."),
    fill: Optional[str] = typer.Option(None, "--fill", help="Fill light."),
    practicals: Optional[str] = typer.Option(None, "--practicals", help="Lamps, candles, screens in frame."),
    direction: Optional[str] = typer.Option(None, "--direction", help="Where the key comes from."),
    kelvin: Optional[int] = typer.Option(None, "--kelvin", "-k", help="Colour temperature in kelvin."),
    contrast: Optional[str] = typer.Option(None, "--contrast", help="low | medium | high"),
    palette: Optional[str] = typer.Option(None, "--palette", help="Hex colours, comma separated: '#1b2a41,#c9b37e'."),
    weather: Optional[str] = typer.Option(None, "--weather", help="Rain, fog, clear, ..."),
) -> None:
    """Set the light of a setting at some or all times of day."""
    from ..bible import look_text
    from ..bible.edit import set_light

    changes = {"key": key, "fill": fill, "practicals": practicals, "direction": direction,
               "color_temperature": kelvin, "contrast": contrast, "weather": weather,
               "palette": [c.strip() for c in palette.split(",") if c.strip()] if palette is not None else None}
    bible = set_light(workspace(), slug, setting, time, {k: v for k, v in changes.items() if v is not None})
    place = bible.setting(setting)
    for when in time or ["day", "night", "dawn", "dusk"]:
        say(look_text(bible, place.id, when))


@cast_app.command("lock")
def lock(
    slug: str = typer.Argument(..., help="The book's slug."),
    name: str = typer.Argument(..., help="A character, setting or prop."),
    unlock: bool = typer.Option(False, "--unlock", help="Unlock instead."),
) -> None:
    """Lock a look so re-imports never change it."""
    from ..bible.edit import entry_name, set_locked

    ws = workspace()
    set_locked(ws, slug, name, not unlock)
    say(f"{entry_name(ws, slug, name)}: {'unlocked' if unlock else 'locked'}")


@cast_app.command("merge")
def merge(
    slug: str = typer.Argument(..., help="The book's slug."),
    keep: str = typer.Argument(..., help="The character to keep."),
    other: str = typer.Argument(..., help="The character that is really the same person."),
) -> None:
    """Merge two characters the analysis kept apart (quotations, scenes and shots follow)."""
    from ..bible.edit import entry_name
    from ..bible.recast import merge_characters

    ws = workspace()
    names = entry_name(ws, slug, keep), entry_name(ws, slug, other)  # their own names, before one goes
    report = merge_characters(ws, slug, keep, other)
    say(f"merged {names[1]} into {names[0]}: {len(report.quotes)} quotations, {len(report.scenes)} scenes, "
        f"{len(report.shots)} shots changed (undo: filmsofone cast split {slug} '{names[0]}' --alias '{names[1]}')")


@cast_app.command("split")
def split(
    slug: str = typer.Argument(..., help="The book's slug."),
    name: str = typer.Argument(..., help="The character the analysis joined wrongly."),
    alias: list[str] = typer.Option(..., "--alias", "-a", help="A name that belongs to someone else (repeatable)."),
    new_name: Optional[str] = typer.Option(None, "--name", help="The new character's name (default: the alias)."),
) -> None:
    """Split names off a character into a character of their own (undoes a `cast merge` exactly)."""
    from ..bible.recast import split_character

    report = split_character(workspace(), slug, name, alias, new_name)
    verb = "restored" if report.restored else "split off"
    say(f"{verb} {report.other}: {len(report.quotes)} quotations, {len(report.scenes)} scenes, "
        f"{len(report.shots)} shots changed")


@cast_app.command("export")
def export(
    slug: str = typer.Argument(..., help="The book's slug."),
    share: Path = typer.Option(..., "--share", help="The style pack to write (a .zip)."),
) -> None:
    """Export the film's look (style, light, looks, references, model hints) as a portable style pack."""
    from ..bible.pack import export_pack

    say(f"wrote {export_pack(workspace(), slug, share)}")


@cast_app.command("import")
def import_(
    slug: str = typer.Argument(..., help="The book's slug."),
    pack: Path = typer.Argument(..., help="A style pack made by `filmsofone cast export`."),
) -> None:
    """Apply a style pack: its style, and the looks of the characters, settings and props of the same name."""
    from ..bible.pack import import_pack

    report = import_pack(workspace(), slug, pack)
    say(f"applied: {', '.join(report.applied)}")
    if report.skipped:
        say(f"skipped: {', '.join(report.skipped)}")


@cast_app.command("prop")
def prop(
    slug: str = typer.Argument(..., help="The book's slug."),
    name: str = typer.Argument(..., help="The object, e.g. 'the brass lantern'."),
    description: str = typer.Option("", "--description", "-d", help="Its fixed look, e.g. 'dented brass, green glass'."),
    character: list[str] = typer.Option([], "--character", "-c", help="Who carries it (repeatable)."),
    scene: list[str] = typer.Option([], "--scene", "-s", help="Scenes it appears in (repeatable)."),
) -> None:
    """Add an important object with a locked description, tied to characters or scenes."""
    from ..bible.edit import add_prop

    bible = add_prop(workspace(), slug, name, description, characters=character, scenes=scene)
    say(f"added {bible.props[-1].id}: {name}")
