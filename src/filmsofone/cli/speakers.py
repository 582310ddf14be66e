"""`speakers`: the lines whose speaker the analysis is unsure of, fixing them by hand, or asking a language model."""

from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape

from ..bible.speaker_fixes import UNSURE_BELOW, fix_speaker, refine_with_model, unsure_lines
from ..errors import BadInput, UserError
from ..project import load_analysis, load_text
from .app import app
from .context import console, err_console, workspace
from .progress import progress_bar

LISTED = 20  # unsure lines listed when --limit is not given


@app.command("speakers")
def speakers(
    slug: str = typer.Argument(..., help="The book's slug."),
    fix: tuple[str, str] | None = typer.Option(
        None, "--fix", metavar="QUOTE_ID CHARACTER",
        help="Give that line to that character (id, name or alias); kept across re-import.",
    ),
    limit: Optional[int] = typer.Option(None, "--limit", "-n",
                                        help=f"How many unsure lines to list ({LISTED}) or to refine (all)."),
    refine: bool = typer.Option(False, "--refine", help="Ask a language model about the unsure lines (chat backend)."),
    backend_name: str = typer.Option("openai-chat", "--backend", "-b", help="The chat backend for --refine."),
    option: Optional[list[str]] = typer.Option(None, "--option", "-o",
                                               help="Chat backend option NAME=VALUE (base_url=..., model=...)."),
    below: float = typer.Option(UNSURE_BELOW, "--below", min=0.0, max=1.0,
                                help="Refine the lines of confidence under this (0..1)."),
    only_estimate: bool = typer.Option(False, "--estimate", help="With --refine: show tokens and price; send nothing."),
    yes: bool = typer.Option(False, "--yes", help="With --refine: send to a paid or hosted chat backend."),
) -> None:
    """The lines whose speaker is least sure: list them, fix one, or have a language model re-attribute them.

    Lowest confidence first, with the text before each; --refine (off unless asked) sends them to a chat backend."""
    ws = workspace()
    if limit is not None and limit < 1:
        raise BadInput(f"--limit must be at least 1 (got {limit})")
    if fix is not None and any(fix):
        quote_id, character = _fix_arguments(fix)
        quote, name = fix_speaker(ws, slug, quote_id, character)
        console.print(f"{quote.id}: now said by [bold]{escape(name)}[/]", highlight=False)
        return
    if refine:
        _refine(ws, slug, backend_name, option or [], below, limit, only_estimate, yes)
        return
    if only_estimate or yes or option:
        raise BadInput("--estimate, --yes and --option go with --refine", f"e.g. speakers {slug} --refine --estimate")
    lines = unsure_lines(load_analysis(ws, slug), load_text(ws, slug), limit or LISTED)
    if not lines:
        console.print("no quotations in this book")
        return
    for line in lines:
        sure = f"{line.confidence:.2f}" if line.confidence is not None else " -  "
        console.print(f"[bold]{line.quote}[/] {sure} {escape(line.speaker or 'nobody')} ({line.method or '?'})",
                      highlight=False)
        console.print(f"    …{escape(line.before[-120:])} [italic]“{escape(line.line[:160])}”[/]", highlight=False)
    console.print(f"fix one: filmsofone speakers {slug} --fix QUOTE_ID CHARACTER "
                  f"(or have a language model try them: --refine --estimate)", highlight=False)


def _refine(ws, slug: str, backend_name: str, options: list[str], below: float, limit: int | None,
            only_estimate: bool, yes: bool) -> None:
    from ..backends import get_backend
    from ..backends.chat_ask import check_reachable
    from .generate import parse_options

    if not 0.0 < below <= 1.0:
        raise BadInput(f"--below must be between 0 and 1 (got {below})")
    backend = get_backend(backend_name, parse_options(options), kind="chat")

    def shown(estimate) -> None:
        sends = estimate.asks and not only_estimate and (yes or not (estimate.usd > 0 or backend.is_paid()))
        if sends:
            check_reachable(backend)  # a server that is not there: its one line, before the estimate
        err_console.print(f"{estimate.asks} line(s) to ask {backend.name} ({estimate.cached} cached): about "
                          f"{estimate.prompt_tokens} prompt and {estimate.completion_tokens} answer tokens, "
                          f"about {_dollars(estimate.usd)}", highlight=False, soft_wrap=True)
        if only_estimate:
            raise _Estimated()
        if estimate.asks and (estimate.usd > 0 or backend.is_paid()) and not yes:
            raise UserError(f"sending {estimate.asks} line(s) to {backend.options.base_url} may be billed "
                            f"(about {_dollars(estimate.usd)} at the prices set)",
                            "add --yes to send them; set price_per_million_input/output with --option to see a price")

    try:
        with progress_bar() as progress:
            refinement = refine_with_model(ws, slug, backend, below=below, limit=limit, progress=progress,
                                           on_estimate=shown)
    except _Estimated:
        return
    for warning in refinement.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    names = {c.id: c.name for c in load_analysis(ws, slug).characters}
    for quote_id, old, new in refinement.changed:
        console.print(f"{quote_id}: {escape(names.get(old or '', 'nobody'))} -> [bold]{escape(names.get(new, new))}[/]",
                      highlight=False)
    total = len(refinement.changed) + len(refinement.agreed) + len(refinement.unknown) + len(refinement.warnings)
    console.print(f"{total} line(s) refined ({refinement.asked} asked, {refinement.cached} cached): "
                  f"{len(refinement.changed)} changed, {len(refinement.agreed)} confirmed, "
                  f"{len(refinement.unknown)} undecided, {len(refinement.warnings)} left as they were; "
                  f"your --fix lines win over these", highlight=False)


def _dollars(usd: float) -> str:
    return f"${usd:.2f}" if usd == 0 or usd >= 0.01 else f"${usd:.4f}"


class _Estimated(Exception):
    """--estimate: the estimate is shown, nothing is sent."""


def _fix_arguments(fix: tuple[str, str]) -> tuple[str, str]:
    quote_id, character = (part.strip() for part in fix)
    if not quote_id or not character:
        raise BadInput("--fix takes a quotation id and a character, e.g. --fix q12 'Ada Quill'")
    return quote_id, character
