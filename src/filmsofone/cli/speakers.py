"""`speakers`: the lines whose speaker the analysis is unsure of, and fixing them by hand."""

from __future__ import annotations

import typer
from rich.markup import escape

from ..bible.speaker_fixes import fix_speaker, unsure_lines
from ..errors import BadInput
from ..project import load_analysis, load_text
from .app import app
from .context import console, workspace


@app.command("speakers")
def speakers(
    slug: str = typer.Argument(..., help="The book's slug."),
    fix: tuple[str, str] | None = typer.Option(
        None, "--fix", metavar="QUOTE_ID CHARACTER",
        help="Give that line to that character (id, name or alias); kept across re-import.",
    ),
    limit: int = typer.Option(20, "--limit", "-n", help="How many unsure lines to list."),
) -> None:
    """List the lines whose speaker is least sure (lowest confidence first, with the text before each), or fix one."""
    ws = workspace()
    if fix is not None and any(fix):
        quote_id, character = _fix_arguments(fix)
        quote, name = fix_speaker(ws, slug, quote_id, character)
        console.print(f"{quote.id}: now said by [bold]{escape(name)}[/]", highlight=False)
        return
    if limit < 1:
        raise BadInput(f"--limit must be at least 1 (got {limit})")
    lines = unsure_lines(load_analysis(ws, slug), load_text(ws, slug), limit)
    if not lines:
        console.print("no quotations in this book")
        return
    for line in lines:
        sure = f"{line.confidence:.2f}" if line.confidence is not None else " -  "
        console.print(f"[bold]{line.quote}[/] {sure} {escape(line.speaker or 'nobody')} ({line.method or '?'})",
                      highlight=False)
        console.print(f"    …{escape(line.before[-120:])} [italic]“{escape(line.line[:160])}”[/]", highlight=False)
    console.print(f"fix one: filmsofone speakers {slug} --fix QUOTE_ID CHARACTER", highlight=False)


def _fix_arguments(fix: tuple[str, str]) -> tuple[str, str]:
    quote_id, character = (part.strip() for part in fix)
    if not quote_id or not character:
        raise BadInput("--fix takes a quotation id and a character, e.g. --fix q12 'Elizabeth Bennet'")
    return quote_id, character
