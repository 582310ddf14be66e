"""`keyframes`: a still per shot from the cast's faces, and the storyboard to approve before paying for video."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import UserError
from . import app
from .context import console, workspace
from .generate import parse_options
from .progress import progress_bar

USAGE = "S --scene ID | S --all | S approve SHOT [N] | S reject SHOT | S replace SHOT FILE | S pick SHOT N | S show"


@app.command("keyframes", context_settings={"allow_extra_args": False})
def keyframes(
    args: list[str] = typer.Argument(..., help=USAGE, metavar="S [approve|reject|replace|pick|show] [SHOT] [FILE|N]"),
    scene: list[str] | None = typer.Option(None, "--scene", help="A scene id (repeatable)."),
    all_scenes: bool = typer.Option(False, "--all", help="Every scene of the book."),
    shot: list[str] | None = typer.Option(None, "--shot", help="A new take of one shot's keyframe (repeatable)."),
    backend: str = typer.Option("animatic-frame", "--backend", "-b",
                                help="An image backend: animatic-frame (offline), runway-image, ..."),
    option: list[str] | None = typer.Option(None, "--option", "-o", help="Backend option NAME=VALUE."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print shots, references and estimated cost; make nothing."),
    resubmit_unknown: bool = typer.Option(False, "--resubmit-unknown",
                                          help="Ask again for keyframes whose create had no answer (may pay twice)."),
) -> None:
    """Make each shot's keyframe (`keyframes S --scene ID`), then approve, reject, replace or pick them."""
    ws = workspace()
    slug, verb, rest = args[0], (args[1] if len(args) > 1 else None), args[2:]
    if verb is None:
        return _make(ws, slug, scene, all_scenes, shot, backend, option, dry_run, resubmit_unknown)
    if verb == "show":
        return _show(ws, slug, scene)
    _edit(ws, slug, verb, rest)


def _make(ws, slug, scene, all_scenes, shot, backend, option, dry_run, resubmit_unknown) -> None:
    from ..keyframes import make_keyframes

    if sum(bool(x) for x in (scene, all_scenes, shot)) != 1:
        raise UserError("say which keyframes to make", "give exactly one of --scene ID, --all or --shot ID")
    with progress_bar() as progress:
        report = make_keyframes(ws, slug, list(scene) if scene else None, backend=backend,
                                options=parse_options(option or []), shot_ids=list(shot or []) or None,
                                dry_run=dry_run, resubmit_unknown=resubmit_unknown, progress=progress)
    for plan in report.planned:
        if plan.left_out:
            console.print(f"[yellow]left out[/] {plan.shot.id}: {', '.join(plan.left_out)} ({backend} takes "
                          f"{len(plan.request.references)} reference images)", highlight=False)
    if report.dry_run:
        _print_dry_run(report, backend)
        return
    console.print(f"{backend}: {len(report.made)} keyframes made, {len(report.cached)} cached")
    for title, items in (("failed", report.failed), ("outcome unknown (rerun with --resubmit-unknown)",
                                                     report.unknown)):
        for shot_id, reason in items.items():
            console.print(f"[red]{title}[/] {shot_id}: {reason}", highlight=False)
    console.print(f"approve them with `filmsofone keyframes {slug} approve SHOT` or in `filmsofone watch {slug}`",
                  highlight=False)
    if not report.ok:
        raise typer.Exit(1)


def _print_dry_run(report, backend: str) -> None:
    """Each keyframe to make with the reference images it sends and its price, then the total."""
    table = Table("shot", "size", "references", "price")
    for plan in report.planned:
        table.add_row(plan.shot.id, plan.shot.size, str(len(plan.request.references)), f"${plan.cost:.2f}")
    if report.planned:
        console.print(table)
    console.print(f"{len(report.planned)} keyframes, estimated ${report.estimated_cost:.2f} on {backend}")
    for need in report.still_needed:
        console.print(f"[yellow]needed[/] {need}", highlight=False)


def _show(ws, slug: str, scene: list[str] | None) -> None:
    from ..keyframes import storyboard

    table = Table("shot", "size", "seconds", "takes", "shows", "approved")
    for item in storyboard(ws, slug, scene[0] if scene else None):
        table.add_row(item.shot.id, item.shot.size, f"{item.shot.duration:g}", str(len(item.takes)),
                      f"take {item.current_number}" if item.current_number else "-",
                      "yes" if item.approved else "")
    console.print(table)


def _edit(ws, slug: str, verb: str, rest: list[str]) -> None:
    from ..keyframes import approve, pick, reject, replace

    if verb not in ("approve", "reject", "replace", "pick") or not rest:
        raise UserError(f"unknown keyframes command {' '.join([verb, *rest])!r}", USAGE)
    shot_id, extra = rest[0], rest[1:]
    if verb == "approve":
        take = approve(ws, slug, shot_id, _number(extra[0]) if extra else None)
        console.print(f"shot {shot_id}: keyframe take {take.number} approved")
    elif verb == "pick":
        if len(extra) != 1:
            raise UserError("`keyframes S pick SHOT N` needs the take number", USAGE)
        take = pick(ws, slug, shot_id, _number(extra[0]))
        console.print(f"shot {shot_id}: the storyboard shows take {take.number}")
    elif verb == "reject":
        take = reject(ws, slug, shot_id)
        done = f"take {take.number} rejected" if take else "no keyframe to reject"
        console.print(f"shot {shot_id}: {done}; `filmsofone keyframes {slug} --shot {shot_id}` makes another")
    else:
        if len(extra) != 1:
            raise UserError("`keyframes S replace SHOT FILE` needs the image file", USAGE)
        take = replace(ws, slug, shot_id, Path(extra[0]))
        console.print(f"shot {shot_id}: {extra[0]} is keyframe take {take.number}, approved")


def _number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise UserError(f"take number {text!r} is not a number", "keyframe takes are numbered from 1")
    return int(text)
