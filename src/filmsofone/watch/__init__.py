"""The screening room (first version: prints the film's path)."""

from __future__ import annotations

from typing import Callable

from ..errors import UserError
from ..workspace import Workspace


def serve(ws: Workspace, slug: str, *, port: int = 0, open_browser: bool = True,
          announce: Callable[[str], None] = print) -> None:
    from ..books import open_project

    film = open_project(ws, slug).film_path
    if not film.is_file():
        raise UserError(f"no film of '{slug}' yet", f"make it with `filmsofone cut {slug}`")
    announce(str(film))
