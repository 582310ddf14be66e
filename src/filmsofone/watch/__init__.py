"""The screening room: the film, its scenes and shots, the cast, served on 127.0.0.1 to a browser.

`serve(ws, slug)` gathers the room, starts the server on a free port (or `port`), opens the browser
on the tokened URL unless told not to, and serves until interrupted. `open_room` returns the running
server for tests and embedding.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable

from ..errors import UserError
from ..workspace import Workspace


def render(room, nonce: str = "", csrf: str = "") -> str:
    """The page, rendered with Jinja2 (autoescaped)."""
    from pathlib import Path
    from urllib.parse import quote

    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("filmsofone.watch", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))

    def under(root: Path, prefix: str, path: Path) -> str:
        try:
            return f"{prefix}/" + quote(Path(path).resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            return "#"

    def clock(seconds: float) -> str:
        minutes, secs = divmod(int(seconds), 60)
        return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}" if minutes >= 60 else f"{minutes}:{secs:02d}"

    return env.get_template("room.html.j2").render(
        room=room, clock=clock, nonce=nonce, csrf=csrf,
        file_url=lambda p: under(room.project.root, "files", p),
        cast_url=lambda p: under(room.ws.bible_assets_dir(room.slug), "cast", p),
    )


def open_room(ws: Workspace, slug: str, *, port: int = 0, token: str | None = None, quiet: bool = True):
    """A started `ScreeningServer` (serving in a background thread); call `.shutdown()` when done."""
    import threading

    from .room import gather
    from .server import ScreeningServer

    server = ScreeningServer(gather(ws, slug), render, port=port, token=token, quiet=quiet,
                             regather=lambda: gather(ws, slug), act=lambda *a: storyboard_action(ws, slug, *a),
                             adapt_act=lambda *a: scene_choice_action(ws, slug, *a))
    threading.Thread(target=server.serve_forever, name="screening-room", daemon=True).start()
    return server


def storyboard_action(ws: Workspace, slug: str, shot_id: str, verb: str, body: bytes) -> str:
    """What the storyboard's buttons do: approve the shown keyframe, ask for another take (on the backend
    that made the shown one; an uploaded image's shot gets the offline animatic), or replace it with the
    uploaded image (approved). Returns a line for the page."""
    import tempfile
    from pathlib import Path

    from ..keyframes import DEFAULT_BACKEND, approve, make_keyframes, read_index, reject, replace

    if verb == "approve":
        return f"shot {shot_id}: keyframe take {approve(ws, slug, shot_id).number} approved"
    if verb == "replace":
        if not body:
            raise UserError("no image was sent", "choose an image file")
        with tempfile.TemporaryDirectory(prefix="filmsofone-upload-") as tmp:
            upload = Path(tmp) / "upload"
            upload.write_bytes(body)
            take = replace(ws, slug, shot_id, upload)
        return f"shot {shot_id}: your image is keyframe take {take.number}, approved"
    entry = read_index(ws.project(slug)).shots.get(shot_id)
    made = [t.backend for t in entry.takes if t.source == "made"] if entry else []
    backend = made[-1] if made else DEFAULT_BACKEND
    reject(ws, slug, shot_id)
    report = make_keyframes(ws, slug, None, shot_ids=[shot_id], backend=backend)
    if not report.ok:
        raise UserError(f"shot {shot_id}: {'; '.join({**report.failed, **report.unknown}.values())}",
                        "try again, or another backend from the command line")
    return f"shot {shot_id}: a new keyframe take on {backend}"


def scene_choice_action(ws: Workspace, slug: str, scene_id: str, verb: str) -> str:
    """What the adaptation's buttons do: keep a scene whole, drop it, or forget what was set, as
    `filmsofone adapt S --scene ID --keep|--drop|--clear` does. With the offline adapter the book is adapted
    again and, when it has shots, re-planned; a chat adapter is never asked from the room (it may cost money):
    the choice is saved for the next `filmsofone adapt`. Returns a line for the page."""
    from .. import store
    from ..adapt import adapt, format_runtime, load_choices, set_scene_choice
    from ..adapt.offline import NAME as OFFLINE
    from ..plan import plan_book

    set_scene_choice(ws, slug, scene_id, keep=verb == "keep", drop=verb == "drop", clear=verb == "clear")
    done = {"keep": "kept whole", "drop": "dropped", "clear": "back to the adapter's choice"}[verb]
    adapter = load_choices(ws, slug).adapter
    if adapter != OFFLINE:
        return (f"scene {scene_id}: {done}; run `filmsofone adapt {slug}` to adapt again "
                f"(the {adapter} adapter shows its price first)")
    adaptation = adapt(ws, slug)
    replanned = bool(store.load_shots(ws.project(slug).db_path))
    if replanned:
        plan_book(ws, slug)
    return (f"scene {scene_id}: {done}; the film runs {format_runtime(adaptation.total_seconds)} "
            f"(target {format_runtime(adaptation.target_seconds)})" + ("; shots re-planned" if replanned else ""))


def serve(ws: Workspace, slug: str, *, port: int = 0, open_browser: bool = True,
          announce: Callable[[str], None] = print) -> None:
    """Serve the screening room of `slug` until Ctrl-C."""
    import threading

    from ..errors import UserError

    try:
        server = open_room(ws, slug, port=port)
    except OSError as exc:
        raise UserError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}",
                        "pick another --port, or leave it out") from exc
    announce(server.url)
    if open_browser:
        webbrowser.open(server.url)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
