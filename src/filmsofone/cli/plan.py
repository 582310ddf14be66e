"""`plan`, `shots` and `prompts`: the shot list of a book, edited by hand, and the prompts it becomes."""

from __future__ import annotations

import json
from typing import Optional

import typer
from rich.table import Table
from typer.core import TyperGroup

from .app import app
from .context import console, workspace
from .progress import progress_bar


class _ShotsGroup(TyperGroup):
    """`shots S --scene ID` shows the table; `shots set|add|rm|move ...` edit."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["table", *args]
        return super().parse_args(ctx, args)


shots_app = typer.Typer(cls=_ShotsGroup, help="Show the shots of a scene (`shots S --scene ID`), or edit them.",
                        no_args_is_help=True)
app.add_typer(shots_app, name="shots")


@app.command("plan")
def plan(
    slug: str = typer.Argument(..., help="The book's slug."),
    scene: Optional[str] = typer.Option(None, "--scene", "-s", help="Plan only this scene (e.g. 1.2)."),
    intent: Optional[str] = typer.Option(None, "--intent", "-i",
                                         help='Set the scene\'s intent first, e.g. "from dread to relief" ("" clears).'),
    backend: Optional[str] = typer.Option(None, "--backend", "-b", help="Split takes to this backend's clip lengths."),
    as_json: bool = typer.Option(False, "--json", help="Print the shot lists as JSON."),
) -> None:
    """Plan shots with film grammar (locked and edited shots are kept)."""
    from ..errors import UserError
    from ..plan import plan_book, set_intent

    ws = workspace()
    if intent is not None:
        if scene is None:
            raise UserError("--intent needs --scene", "e.g. plan S --scene 1.2 --intent \"from dread to relief\"")
        set_intent(ws, slug, scene, intent)
    with progress_bar() as progress:
        planned = plan_book(ws, slug, scene, progress=progress if not as_json else None, backend=backend)
    if as_json:
        typer.echo(json.dumps({sid: [s.model_dump(mode="json") for s in shots] for sid, shots in planned.items()},
                              ensure_ascii=False, indent=1))
        return
    total = sum(len(s) for s in planned.values())
    seconds = sum(shot.duration for shots in planned.values() for shot in shots)
    shot_scenes = sum(1 for shots in planned.values() if shots)
    cut = len(planned) - shot_scenes
    console.print(f"planned {total} shots in {shot_scenes} scene(s), {seconds / 60:.1f} min of film"
                  + (f" ({cut} scene(s) cut by the adaptation: `filmsofone adapt {slug} --report`)" if cut else ""))
    if scene is not None:
        _print_table(slug, scene)


@shots_app.command("table", hidden=True)
def shots_table(
    slug: str = typer.Argument(..., help="The book's slug."),
    scene: str = typer.Option(..., "--scene", "-s", help="The scene (e.g. 1.2)."),
) -> None:
    """The shots of a scene as a table."""
    _print_table(slug, scene)


def _print_table(slug: str, scene: str) -> None:
    from .. import store
    from ..project import check_scene, load_analysis, load_intents, open_project

    ws = workspace()
    analysis = load_analysis(ws, slug)
    check_scene(analysis, scene)
    db = open_project(ws, slug).db_path
    names = {c.id: c.name for c in analysis.characters}
    intent = load_intents(db).get(scene)
    from ..plan.intent import parse_intent

    curve = f" (tension {parse_intent(intent).describe()})" if intent else ""
    table = Table(title=f"{slug} scene {scene}" + (f" - intent: {intent}{curve}" if intent else ""))
    table.add_column("shot", no_wrap=True)
    table.add_column("size", no_wrap=True)
    table.add_column("camera")
    table.add_column("sec", justify="right", no_wrap=True)
    table.add_column("in frame")
    table.add_column("action", ratio=3)
    table.add_column("lines")
    table.add_column("notes", ratio=1, overflow="fold")
    for shot in store.load_shots(db, scene):
        frame = ", ".join(f"{names.get(f.character, f.character)} ({f.position[0].upper()})" for f in shot.characters)
        mark = " locked" if shot.locked else (" edited" if shot.edited else "")
        action = shot.action if len(shot.action) <= 90 else shot.action[:87] + "..."
        camera = ", ".join(p for p in (shot.angle, shot.movement, shot.lens) if p)
        table.add_row(shot.id + mark, shot.size, camera, f"{shot.duration:.1f}", frame, action,
                      ",".join(shot.dialogue), shot.notes)
    console.print(table)


@shots_app.command("set")
def shots_set(
    slug: str = typer.Argument(..., help="The book's slug."),
    shot_id: str = typer.Argument(..., help="The shot (e.g. 1.2-003)."),
    assignments: list[str] = typer.Argument(..., help="FIELD=VALUE ... (size=CU duration=4 locked=true ...)"),
) -> None:
    """Change fields of a shot (it is kept when re-planning).

    Fields: size angle movement lens duration characters setting time_of_day light action dialogue props
    source_span notes locked, e.g. `characters=Ada:left,Tom:right dialogue=q3,q4 locked=true`.
    """
    from ..plan.edit import set_shot

    shot = set_shot(workspace(), slug, shot_id, assignments)
    console.print(f"{shot.id}: {shot.size}, {shot.duration:g} s" + (" (locked)" if shot.locked else ""))


@shots_app.command("add")
def shots_add(
    slug: str = typer.Argument(..., help="The book's slug."),
    assignments: list[str] = typer.Argument(None, help="FIELD=VALUE ..."),
    scene: str = typer.Option(..., "--scene", "-s", help="The scene to add to."),
    after: Optional[str] = typer.Option(None, "--after", help="Insert after this shot (default: at the end)."),
) -> None:
    """Add a hand-made shot to a scene."""
    from ..plan.edit import add_shot

    shot = add_shot(workspace(), slug, scene, assignments or [], after=after)
    console.print(f"added {shot.id} at position {shot.order}")


@shots_app.command("rm")
def shots_rm(
    slug: str = typer.Argument(..., help="The book's slug."),
    shot_id: str = typer.Argument(..., help="The shot to remove."),
) -> None:
    """Remove a shot (re-planning will not bring it back)."""
    from ..plan.edit import remove_shot

    removed = remove_shot(workspace(), slug, shot_id)
    console.print(f"removed {removed.id}")


@shots_app.command("move")
def shots_move(
    slug: str = typer.Argument(..., help="The book's slug."),
    shot_id: str = typer.Argument(..., help="The shot to move."),
    to: Optional[int] = typer.Option(None, "--to", help="New position, counting from 1."),
    after: Optional[str] = typer.Option(None, "--after", help="Put it after this shot."),
    before: Optional[str] = typer.Option(None, "--before", help="Put it before this shot."),
) -> None:
    """Move a shot within its scene."""
    from ..plan.edit import move_shot

    shots = move_shot(workspace(), slug, shot_id, to=to, after=after, before=before)
    console.print(" ".join(s.id for s in shots))


@app.command("prompts")
def prompts(
    slug: str = typer.Argument(..., help="The book's slug."),
    scene: str = typer.Option(..., "--scene", "-s", help="The scene (e.g. 1.2)."),
    backend: str = typer.Option("animatic", "--backend", "-b", help="Render for this backend."),
    as_json: bool = typer.Option(False, "--json", help="Print the prompts as JSON."),
) -> None:
    """The prompts of a scene's shots, as the backend will get them (plans the scene when needed)."""
    from .. import store
    from ..plan import plan_book
    from ..project import check_scene, load_analysis, open_project
    from ..prompts import render_prompts

    ws = workspace()
    check_scene(load_analysis(ws, slug), scene)
    shots = store.load_shots(open_project(ws, slug).db_path, scene) or plan_book(ws, slug, scene)[scene]
    rendered = render_prompts(ws, slug, shots, backend=backend)
    if as_json:
        typer.echo(json.dumps([p.model_dump(mode="json") for p in rendered], ensure_ascii=False, indent=1))
        return
    for prompt in rendered:
        extras = [f"{prompt.duration:g} s"] + ([f"seed {prompt.seed}"] if prompt.seed is not None else []) + \
            ([f"{len(prompt.references)} reference(s)"] if prompt.references else [])
        console.print(f"[bold]{prompt.shot_id}[/] ({', '.join(extras)}, {len(prompt.prompt)} chars)", highlight=False)
        console.print(prompt.prompt, highlight=False, markup=False)
        if prompt.negative_prompt:
            console.print(f"[dim]negative: {prompt.negative_prompt}[/]", highlight=False)
        console.print()
