"""`adapt`: the book's screenplay at film length: running time, per-scene choices, report, JSON."""

from __future__ import annotations

import json
from typing import Optional

import typer
from rich.table import Table

from .app import app
from .context import console, err_console, workspace
from .progress import progress_bar


@app.command("adapt")
def adapt_command(
    slug: str = typer.Argument(..., help="The book's slug."),
    runtime: Optional[str] = typer.Option(None, "--runtime", "-r",
                                          help="Target running time: 2h, 90m, 5400s ('default': from the book's length)."),
    scene: Optional[str] = typer.Option(None, "--scene", "-s", help="A scene to keep, drop or weight (e.g. 1.2)."),
    keep: bool = typer.Option(False, "--keep", help="Keep the scene whole (with --scene)."),
    drop: bool = typer.Option(False, "--drop", help="Cut the scene (with --scene)."),
    weight: Optional[float] = typer.Option(None, "--weight", help="More (1.5) or less (0.5) time for the scene."),
    clear: bool = typer.Option(False, "--clear", help="Forget what was set for the scene (with --scene)."),
    report: bool = typer.Option(False, "--report", help="Per chapter what is kept and cut, per scene and character."),
    as_json: bool = typer.Option(False, "--json", help="Print the adaptation as JSON."),
    adapter: Optional[str] = typer.Option(None, "--adapter", "-a",
                                          help="offline (default) or a chat backend, e.g. openai-chat."),
    option: Optional[list[str]] = typer.Option(None, "--option", "-o",
                                               help="Adapter option NAME=VALUE (base_url=..., model=...)."),
    only_estimate: bool = typer.Option(False, "--estimate", help="Show a chat adapter's tokens and price; send nothing."),
    yes: bool = typer.Option(False, "--yes", help="Spend the estimated price of a paid chat adapter."),
    fresh: bool = typer.Option(False, "--fresh", help="Adapt anew, replacing one an older adapter version made."),
) -> None:
    """Adapt the book to a running time (the planner then shoots the kept scenes' beats)."""
    from .. import project, store
    from ..adapt import (adapt, adaptation_report, check_scene_choice, load_choices, runtime_seconds, set_adapter,
                         set_runtime, set_scene_choice)
    from ..backends import get_backend
    from ..backends.chat_ask import check_reachable
    from ..errors import UserError
    from ..plan import plan_book
    from .generate import parse_options

    ws = workspace()
    if report and as_json:
        raise UserError("--report and --json cannot go together", "--json prints the adaptation for tools; "
                        "--report prints what is kept and cut for reading: give one")
    if (keep or drop or weight is not None or clear) and scene is None:
        raise UserError("--keep, --drop, --weight and --clear need --scene", f"e.g. adapt {slug} --scene 1.2 --keep")
    if scene is not None and not (keep or drop or weight is not None or clear):
        raise UserError("say what to do with the scene", "add --keep, --drop, --weight N or --clear")
    if runtime is not None:  # every choice checked before any is saved: a refused command changes nothing
        runtime_seconds(runtime)
    if scene is not None:
        check_scene_choice(ws, slug, scene, keep=keep, drop=drop, weight=weight)
    if adapter is not None or option:
        set_adapter(ws, slug, adapter or load_adapter(ws, slug), parse_options(option or []))
    if runtime is not None:
        set_runtime(ws, slug, runtime)
    if scene is not None:
        set_scene_choice(ws, slug, scene, keep=keep, drop=drop, weight=weight, clear=clear)
    if only_estimate and load_adapter(ws, slug) == "offline":
        err_console.print("the offline adapter is free and sends nothing: $0.00 (adapt without --estimate to run it)",
                          highlight=False)
        return

    def shown(estimate) -> None:
        if estimate.asks and not only_estimate and (yes or estimate.usd <= 0):
            choices = load_choices(ws, slug)  # a server that is not there: its one line, before the estimate
            check_reachable(get_backend(choices.adapter, choices.adapter_options, kind="chat"))
        err_console.print(f"{estimate.asks} scene(s) to ask ({estimate.cached} cached): about "
                          f"{estimate.prompt_tokens} prompt and {estimate.completion_tokens} answer tokens, "
                          f"about ${estimate.usd:.2f}", highlight=False)
        if only_estimate:
            raise _Estimated()
        if estimate.usd > 0 and not yes:
            raise UserError(f"adapting would cost about ${estimate.usd:.2f}", "add --yes to spend it")

    try:
        with progress_bar() as progress:
            adaptation = adapt(ws, slug, progress=None if as_json else progress, on_estimate=shown, force=fresh)
            db = project.open_project(ws, slug).db_path
            replanned = bool(store.load_shots(db)) and (runtime is not None or scene is not None or adapter is not None
                                                        or fresh)
            if replanned:
                plan_book(ws, slug, progress=None if as_json else progress)
    except _Estimated:
        return
    for warning in adaptation.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    if as_json:
        typer.echo(json.dumps(adaptation.document(), ensure_ascii=False, indent=1))
        return
    _summary(slug, adaptation, replanned)
    if report:
        _print_report(slug, adaptation_report(project.load_analysis(ws, slug), adaptation, load_choices(ws, slug)))


class _Estimated(Exception):
    """--estimate: the estimate is shown, nothing is sent."""


def load_adapter(ws, slug: str) -> str:
    from ..adapt import load_choices

    return load_choices(ws, slug).adapter


def _summary(slug: str, adaptation, replanned: bool) -> None:
    from ..adapt import format_runtime

    kept = adaptation.kept_ids()
    console.print(f"{slug}: {len(kept)} of {len(adaptation.scenes)} scenes kept, "
                  f"{format_runtime(adaptation.total_seconds)} of film (target {format_runtime(adaptation.target_seconds)}, "
                  f"the whole book would run {format_runtime(adaptation.full_seconds)}; {adaptation.adapter} adapter)"
                  + ("; shots re-planned" if replanned else ""), highlight=False)


def _print_report(slug: str, report) -> None:
    from ..adapt import format_runtime

    chapters = Table(title="chapters")
    for column in ("chapter", "kept", "cut", "time"):
        chapters.add_column(column)
    for line in report.chapters:
        chapters.add_row(f"{line.index} {line.title[:30]}", " ".join(line.kept) or "-", " ".join(line.cut) or "-",
                         format_runtime(line.seconds))
    console.print(chapters)
    scenes = Table(title="scenes")
    for column in ("scene", "kept", "time", "place", "beats", "note", "your choice"):
        scenes.add_column(column)
    for line in report.scenes:
        scenes.add_row(line.id, "yes" if line.kept else "cut", format_runtime(line.seconds) if line.kept else "-",
                       line.place or "-", str(line.beats), line.note, line.choice or "-")
    console.print(scenes)
    chosen = [line for line in report.scenes if line.choice]
    if chosen:
        console.print(f"your choices: {'; '.join(f'{line.id} {line.choice}' for line in chosen)}. Undo one with "
                      f"`filmsofone adapt {slug} --scene {chosen[0].id} --clear`", highlight=False)
    people = Table(title="characters")
    for column in ("character", "role", "screen time", "lines", "scenes"):
        people.add_column(column)
    for line in report.characters:
        if line.seconds or line.role == "major":
            people.add_row(line.name, line.role, format_runtime(line.seconds), str(line.lines), str(line.scenes))
    console.print(people)
