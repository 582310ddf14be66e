"""`backends`, `generate`, `takes`, `keys`: making clips and choosing among them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import UserError
from .app import app
from .context import console, workspace
from .progress import progress_bar

SLOW_SHOT = 5.0  # seconds: a run with a shot this slow lists each shot's time
keys_app = typer.Typer(help="API keys for hosted backends (kept in the environment or a mode-600 file).",
                       no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def parse_options(pairs: list[str]) -> dict:
    """`["model=x", "seed=3"]` -> {"model": "x", "seed": 3} (values are JSON when they parse as JSON)."""
    options = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UserError(f"bad --option {pair!r}", "write it as NAME=VALUE")
        try:
            options[name.strip()] = json.loads(value)
        except ValueError:
            options[name.strip()] = value
    return options


@app.command("backends")
def backends_() -> None:
    """List the backends (video, image, speech, music, chat), what they can do, and whether their key is set."""
    from ..backends import list_backends
    from ..generate import price_label
    from ..keys import key_source

    table = Table("backend", "durations", "takes", "price", "key")
    for cls in list_backends():
        caps = cls.capabilities
        durations = ", ".join(f"{d:g}" for d in caps.durations) if caps.durations else \
            f"{caps.min_duration:g}-{caps.max_duration:g}"
        takes = [n for n, ok in (("seed", caps.seed), ("negative", caps.negative_prompt),
                                 (f"{caps.reference_images} refs", caps.reference_images),
                                 ("first frame", caps.first_frame), ("last frame", caps.last_frame)) if ok]
        price = price_label(cls)
        if not cls.needs_key:
            key = "not needed"
        else:
            try:
                source = key_source(cls)
                key = f"set ({source})" if source else f"[yellow]missing[/] ({_key_vars(cls) or 'keys set'})"
            except UserError as exc:
                key = f"[red]{exc.message}[/]"
        table.add_row(f"[bold]{cls.name}[/] ({cls.kind})\n{cls.description}", durations + " s",
                      ", ".join(takes) or "-", price, key)
    console.print(table)


def _key_vars(cls, between: str = " + ") -> str:
    """The variables a backend's key comes from ('KLING_SECRET_KEY + KLING_ACCESS_KEY' for a two-part one)."""
    return between.join(var for var in (cls.key_env_var, *cls.extra_key_env_vars) if var)


@app.command("generate")
def generate(
    slug: str = typer.Argument(..., help="The book's slug."),
    scene: Optional[list[str]] = typer.Option(None, "--scene", help="A scene id (repeatable)."),
    all_scenes: bool = typer.Option(False, "--all", help="Every scene of the book."),
    shot: Optional[list[str]] = typer.Option(None, "--shot", help="Re-render one shot as a new take (repeatable)."),
    backend: str = typer.Option("animatic", "--backend", "-b", help="See `filmsofone backends`."),
    concurrency: Optional[int] = typer.Option(None, "--concurrency", "-j", min=1, help="Jobs at once."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print shots, seconds and estimated cost; make nothing."),
    budget: Optional[float] = typer.Option(None, "--budget", min=0, help="Stop before spending more (USD)."),
    resubmit_unknown: bool = typer.Option(False, "--resubmit-unknown",
                                          help="Submit again the jobs whose create had no answer (may pay twice)."),
    option: Optional[list[str]] = typer.Option(None, "--option", "-o", help="Backend option NAME=VALUE."),
    no_storyboard: bool = typer.Option(False, "--no-storyboard",
                                       help="Let a paid backend make shots whose keyframe is not approved."),
) -> None:
    """Generate the shots of a scene (or all scenes, or one shot) on a backend; cached shots are skipped."""
    from ..generate import generate_scenes

    chosen = sum(bool(x) for x in (scene, all_scenes, shot))
    if chosen != 1:
        raise UserError("say what to generate", "give exactly one of --scene ID, --all or --shot ID")
    with progress_bar() as progress:
        report = generate_scenes(workspace(), slug, list(scene) if scene else None, backend=backend,
                                 concurrency=concurrency, progress=progress, shot_ids=list(shot or []) or None,
                                 options=parse_options(option or []), dry_run=dry_run, budget=budget,
                                 resubmit_unknown=resubmit_unknown, require_approval=not no_storyboard)
    _print_report(report, slug)
    if not report.ok:
        raise typer.Exit(1)


def _print_report(report, slug: str) -> None:
    if report.dry_run:
        table = Table("shot", "seconds", "estimated cost", "cached")
        for item in report.planned:
            table.add_row(item.shot_id, f"{item.seconds:g}", f"${item.cost:.2f}", "yes" if item.cached else "")
        console.print(table)
        todo = [p for p in report.planned if not p.cached]
        made = len(report.planned) - len(todo)
        console.print(f"{len(todo)} shots to make, {sum(p.seconds for p in todo):g} s, "
                      f"estimated ${report.estimated_cost:.2f} on {report.backend}"
                      + (f" ({made} shots already made, not priced)" if made else ""), highlight=False)
        if report.awaiting_approval:
            console.print(f"[yellow]{len(report.awaiting_approval)} shots have no approved keyframe[/]: approve "
                          f"them (`filmsofone keyframes {slug} approve SHOT`, or in `filmsofone watch {slug}`) or pass "
                          "--no-storyboard", highlight=False)
        return
    console.print(f"{report.backend}: {len(report.made)} made, {len(report.cached)} cached "
                  f"in {report.seconds:.1f} s" + (f", about ${report.spent:.2f}" if report.spent else ""))
    if report.timings and max(report.timings.values()) >= SLOW_SHOT:  # a slow backend: how long each shot took
        console.print("made in: " + ", ".join(f"{shot} {seconds:.1f} s" for shot, seconds in report.timings.items()),
                      highlight=False)
    for title, items, style in (("refused", report.refused, "red"), ("failed", report.failed, "red"),
                                ("outcome unknown (rerun with --resubmit-unknown to submit again)",
                                 report.unknown, "yellow"),
                                ("still running (run again to resume)", report.pending, "yellow"),
                                ("over budget", report.over_budget, "yellow")):
        for shot_id, reason in items.items():
            console.print(f"[{style}]{title}[/] {escape(shot_id)}: {escape(reason)}", highlight=False)


@app.command("takes", context_settings={"allow_extra_args": False})
def takes(
    args: list[str] = typer.Argument(..., help="S | [S] pick SHOT N | [S] add SHOT FILE",
                                     metavar="S | [S] pick SHOT N | [S] add SHOT FILE"),
    scene: Optional[str] = typer.Option(None, "--scene", help="Only this scene (with S)."),
    book: Optional[str] = typer.Option(None, "--book", help="The book's slug (for pick/add; found when unique)."),
) -> None:
    """List takes (`takes S --scene ID`), pick one for the cut (`takes pick SHOT N`), add a file (`takes add SHOT FILE`)."""
    from ..generate import add_take, list_takes, pick_take

    ws = workspace()
    if len(args) > 1 and args[1] in ("pick", "add"):  # `takes S pick SHOT N`: the book first, as everywhere else
        book, args = book or args[0], args[1:]
    if args[0] in ("pick", "add"):
        if len(args) != 3:
            raise UserError(f"`takes {args[0]}` needs two arguments",
                            "takes pick SHOT N | takes add SHOT FILE")
        slug = book or _book_of_shot(ws, args[1])
        if args[0] == "pick":
            if not args[2].isdigit():
                raise UserError(f"take number {args[2]!r} is not a number", "takes are numbered from 1")
            take = pick_take(ws, slug, args[1], int(args[2]))
            console.print(f"shot {take.shot_id}: the cut now uses take {take.number} ({take.path.name})")
        else:
            take = add_take(ws, slug, args[1], Path(args[2]))
            console.print(f"shot {take.shot_id}: take {take.number} added from {args[2]} ({take.duration:.2f} s)")
        return
    if len(args) != 1:
        raise UserError("too many arguments", "takes S --scene ID | takes S pick SHOT N | takes S add SHOT FILE")
    table = Table("shot", "take", "backend", "seconds", "made", "cut uses", "file")
    for shot_id, shot_takes in list_takes(ws, args[0], scene).items():
        for take in shot_takes:
            table.add_row(shot_id, str(take.number), take.backend, f"{take.duration:.2f}",
                          take.created_at.strftime("%Y-%m-%d %H:%M"),
                          ("picked" if take.chosen else "newest") if take.current else "", take.path.name)
    if not table.rows:
        where = f"scene {scene}" if scene else "any scene"
        console.print(f"no takes yet in {where} of {args[0]} (make them with `filmsofone generate {args[0]}"
                      f"{f' --scene {scene}' if scene else ' --all'}`)")
        return
    console.print(table)


def _book_of_shot(ws, shot_id: str) -> str:
    from .. import store

    owners = [slug for slug in ws.slugs()
              if any(s.id == shot_id for s in store.load_shots(ws.project(slug).db_path))]
    if len(owners) == 1:
        return owners[0]
    if not owners:
        raise UserError(f"no book in {ws.root} has a shot {shot_id}", "check the shot id with `filmsofone plan S`")
    raise UserError(f"several books have a shot {shot_id}: {', '.join(owners)}", "add --book S")


@keys_app.command("set")
def keys_set(name: str = typer.Argument(..., help="A backend name (e.g. replicate) or its key variable.")) -> None:
    """Store an API key in the key file (mode 600); it is read without echo (or from a pipe: one line)."""
    import sys

    from ..keys import check_key_file, set_key

    backends, variables = _key_names()
    if name not in backends and name not in variables:
        raise UserError(f"no backend or key variable called '{name}'",
                        f"give a backend that takes a key: {', '.join(sorted(backends))}")
    check_key_file()  # an unsafe key file is refused before the key is typed, not after
    value = typer.prompt(f"key for {name}", hide_input=True) if sys.stdin.isatty() else sys.stdin.readline()
    path = set_key(name, value)
    console.print(f"stored the key for {name} in {path}")


def _key_names() -> tuple[set[str], set[str]]:
    """The backends that take a key, and their key variables (either names a key file entry)."""
    from ..backends import list_backends

    keyed = [cls for cls in list_backends() if getattr(cls, "key_env_var", None)]
    return ({cls.name for cls in keyed},
            {var for cls in keyed for var in (cls.key_env_var, *getattr(cls, "extra_key_env_vars", ()))})


@keys_app.command("list")
def keys_list() -> None:
    """Which backends have a key configured, and where from (never the key)."""
    from ..backends import list_backends
    from ..keys import find_named_key, key_source, keys_file, stored_names

    table = Table("backend", "variable", "key")
    for cls in list_backends():
        if cls.needs_key:
            source = key_source(cls)
            status = f"set ({source})" if source else "missing"
            missing = [var for var in cls.extra_key_env_vars if not find_named_key(var, var)]
            table.add_row(cls.name, _key_vars(cls, "\n") or "-", "\n".join([status, *(f"{var} missing" for var in missing)]))
    console.print(table)
    console.print(f"key file: {keys_file()} ({len(stored_names())} stored)")
