"""The CLI's help as a new user reads it: one-line summaries, and the README naming the options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from filmsofone import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands():
    cli._register_commands()
    group = typer.main.get_command(cli.app)
    found = []

    def walk(command, path):
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])
        else:
            found.append((" ".join(path), command))

    walk(group, [])
    return dict(found)


COMMANDS = _commands()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_commands_summary_is_one_line_in_the_listing(name):
    summary = (COMMANDS[name].help or "").strip().split("\n\n")[0]
    assert summary and "\n" not in summary, f"`{name}`: the first paragraph of its docstring wraps: {summary!r}"


@pytest.mark.parametrize("name", ["adapt", "speakers", "cut", "watch"])
def test_the_readme_names_every_option_of_the_commands_landed_with_it(name):
    options = [o for p in COMMANDS[name].params for o in p.opts if o.startswith("--") and o != "--help"]
    missing = [o for o in options if o not in README]
    assert not missing, f"README does not mention `{name}` {', '.join(missing)}"


def test_the_readme_shows_every_command():
    """A first-time user finds each command (and each sub-command) in the README with an example."""
    shown_as = {"shots table": "shots"}  # the hidden default of `shots S --scene ID`
    missing = [name for name in sorted(COMMANDS)
               if not re.search(rf"filmsofone {re.escape(shown_as.get(name, name))}\b", README)]
    assert not missing, f"README has no example of: {', '.join(missing)}"
