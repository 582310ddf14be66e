"""A small HTTP server for the screening room: 127.0.0.1 only, a random token in every URL, HTTP Range
for seeking, and only the project's own files (no path outside it, whatever the URL says). Read routes:
the page, the film and its tracks, `files/`, `cast/`, `thumb/SHOT.jpg`, and `adaptation.json` (the
adaptation report, running time and per-backend estimate the page shows).

The routes that change something (POST only: the storyboard's approve / another take / replace, and the
adaptation's keep / drop / clear of a scene) need,
besides the session token in the URL, a same-origin request (an `Origin` naming this server, and no
cross-site `Sec-Fetch-Site`) carrying a CSRF token the server put in a page it served (`X-CSRF-Token`).
"""

from __future__ import annotations

import collections
import hmac
import json
import mimetypes
import re
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import UserError
from .room import Room, thumbnail

CHUNK = 256 * 1024
TYPES = {".mp4": "video/mp4", ".vtt": "text/vtt; charset=utf-8", ".srt": "application/x-subrip",
         ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
MEDIA = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".vtt", ".srt", ".jpg", ".jpeg", ".png", ".webp", ".wav",
         ".mp3", ".m4a", ".ogg"}
_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
MAX_UPLOAD = 25 * 1024 * 1024  # bytes of an image sent to replace a keyframe
CSRF_KEPT = 64  # pages whose CSRF token is still honoured (the newest ones)
_ACTION_RE = re.compile(r"^keyframes/([A-Za-z0-9._-]{1,80})/(approve|retake|replace)$")
_SCENE_ACTION_RE = re.compile(r"^adaptation/scenes/([A-Za-z0-9._-]{1,40})/(keep|drop|clear)$")


class RangeError(ValueError):
    """A Range header that cannot be satisfied."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single `bytes=` range, None for the whole file; RangeError if unsatisfiable.

    Several ranges are answered with the whole file (allowed by RFC 9110).
    """
    if not header or "," in header:
        return None
    match = _RANGE_RE.match(header.strip())
    if not match or match.groups() == ("", ""):
        raise RangeError(header)
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            raise RangeError(header)
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise RangeError(header)
    return start, end


def confined(root: Path, relative: str) -> Path | None:
    """The file `relative` names inside `root`, or None when it is not a plain file under `root`.

    Refuses absolute paths, '..', backslashes, NUL, hidden names, and symlinks that lead outside.
    """
    if not relative or "\\" in relative or "\x00" in relative or relative.startswith("/"):
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    root = root.resolve()
    try:
        target = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


class ScreeningServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, room: Room, render_page, *, port: int = 0, token: str | None = None, quiet: bool = True,
                 regather=None, act=None, adapt_act=None):
        self.room = room
        self.render_page = render_page  # (room, nonce, csrf=...) -> html
        self.regather = regather  # () -> Room: the page shows the latest cut, takes and cast on every load
        self.act = act  # (shot_id, verb, body bytes) -> message: the storyboard's write actions
        self.adapt_act = adapt_act  # (scene_id, keep|drop|clear) -> message: the adaptation's scene choices
        self.token = token or secrets.token_urlsafe(24)
        self.quiet = quiet
        self.thumb_lock = threading.Lock()
        self.act_lock = threading.Lock()
        self._csrf: collections.deque[str] = collections.deque(maxlen=CSRF_KEPT)
        super().__init__(("127.0.0.1", port), _Handler)

    def issue_csrf(self) -> str:
        """A fresh CSRF token for one served page."""
        value = secrets.token_urlsafe(24)
        self._csrf.append(value)
        return value

    def csrf_ok(self, value: str | None) -> bool:
        if not value:
            return False
        return any(hmac.compare_digest(value.encode(), known.encode()) for known in list(self._csrf))

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/{self.token}/"


class _Handler(BaseHTTPRequestHandler):
    server: ScreeningServer
    server_version = "filmsofone-watch"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        if not self.server.quiet:
            super().log_message(format, *args)

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(head=False)

    def do_POST(self) -> None:  # noqa: N802
        """The storyboard's write routes: token, same origin and a page's CSRF token, or 403."""
        if not self._host_ok():
            return self._refuse(HTTPStatus.FORBIDDEN)
        path = urlsplit(self.path).path
        token, _, rest = path.lstrip("/").partition("/")
        if not hmac.compare_digest(token.encode(), self.server.token.encode()):
            return self._refuse(HTTPStatus.FORBIDDEN)
        if not self._same_origin() or not self.server.csrf_ok(self.headers.get("X-CSRF-Token")):
            return self._refuse(HTTPStatus.FORBIDDEN)
        match = _ACTION_RE.match(unquote(rest))
        scene_match = _SCENE_ACTION_RE.match(unquote(rest))
        if scene_match is not None and self.server.adapt_act is not None:
            return self._run_action(self.server.adapt_act, scene_match.group(1), scene_match.group(2))
        if match is None or self.server.act is None:
            return self._refuse(HTTPStatus.NOT_FOUND)
        length = self.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > MAX_UPLOAD:
            return self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        body = self.rfile.read(int(length)) if int(length) else b""
        self._run_action(self.server.act, match.group(1), match.group(2), body)

    def _run_action(self, action, *args) -> None:
        """One write action at a time; its line (or the user's mistake) goes back to the page as JSON."""
        try:
            with self.server.act_lock:
                message = action(*args)
            self._json(HTTPStatus.OK, {"ok": True, "message": message})
        except UserError as exc:
            self._json(HTTPStatus.BAD_REQUEST, {"ok": False, "message": str(exc)})

    def _same_origin(self) -> bool:
        """The request comes from a page of this server (Origin must name it; fetch metadata must agree)."""
        origin = self.headers.get("Origin", "")
        if origin not in (f"http://{self.headers.get('Host', '')}",):
            return False
        return self.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"

    def _json(self, status: HTTPStatus, payload: dict, head: bool = False) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self._common_headers("application/json", len(body))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _fresh_room(self) -> Room:
        """The room gathered again (the latest cut, takes, cast and adaptation), when the server can."""
        if self.server.regather is not None:
            self.server.room = self.server.regather()
        return self.server.room

    def _refuse(self, status: HTTPStatus, head: bool = False) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        self._common_headers("text/plain; charset=utf-8", len(body))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _common_headers(self, content_type: str, length: int) -> None:
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")

    def _host_ok(self) -> bool:
        """Only requests addressed to this server by loopback name (defeats DNS rebinding)."""
        port = self.server.server_address[1]
        return self.headers.get("Host", "") in (f"127.0.0.1:{port}", f"localhost:{port}")

    def _answer(self, head: bool) -> None:
        if not self._host_ok():
            return self._refuse(HTTPStatus.FORBIDDEN, head)
        path = urlsplit(self.path).path
        token, _, rest = path.lstrip("/").partition("/")
        if not hmac.compare_digest(token.encode(), self.server.token.encode()):
            return self._refuse(HTTPStatus.FORBIDDEN, head)
        if rest == "":
            if not path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", f"/{token}/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            return self._page(head)
        if rest == "adaptation.json":
            room = self._fresh_room()
            return self._json(HTTPStatus.OK, room.adaptation.document(room.duration), head=head)
        target = self._resolve(unquote(rest))
        if target is None:
            return self._refuse(HTTPStatus.NOT_FOUND, head)
        self._file(target, head)

    def _resolve(self, rest: str) -> Path | None:
        room = self.server.room
        fixed = {"film.mp4": room.film, "film.vtt": room.subtitles, "chapters.vtt": room.chapters}
        if rest in fixed:
            return fixed[rest]
        kind, _, relative = rest.partition("/")
        if kind in ("files", "cast"):
            root = room.project.root if kind == "files" else room.ws.bible_assets_dir(room.slug)
            found = confined(root, relative)
            return found if found is not None and found.suffix.lower() in MEDIA else None
        if kind == "thumb" and relative.endswith(".jpg"):
            shot = room.shot(relative[:-4])
            if shot is None:
                return None
            with self.server.thumb_lock:
                try:
                    return thumbnail(room, shot)
                except Exception:  # a take ffmpeg cannot read: no thumbnail, the page shows a blank card
                    return None
        return None

    def _page(self, head: bool) -> None:
        nonce = secrets.token_urlsafe(16)
        body = self.server.render_page(self._fresh_room(), nonce, csrf=self.server.issue_csrf()).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self._common_headers("text/html; charset=utf-8", len(body))
        self.send_header("Content-Security-Policy",
                         "default-src 'self'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; "
                         f"script-src 'nonce-{nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _file(self, target: Path, head: bool) -> None:
        size = target.stat().st_size
        kind = TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        try:
            span = parse_range(self.headers.get("Range"), size)
        except RangeError:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        first, last = span if span else (0, size - 1)
        length = max(0, last - first + 1)
        self.send_response(HTTPStatus.PARTIAL_CONTENT if span else HTTPStatus.OK)
        self._common_headers(kind, length)
        self.send_header("Accept-Ranges", "bytes")
        if span:
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.end_headers()
        if head or length == 0:
            return
        try:
            with target.open("rb") as handle:
                handle.seek(first)
                remaining = length
                while remaining > 0:
                    chunk = handle.read(min(CHUNK, remaining))
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    remaining -= len(chunk)
        except (BrokenPipeError, ConnectionResetError):  # the browser moved on (seeking): normal
            pass
