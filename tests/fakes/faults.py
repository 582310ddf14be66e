"""The faults every provider fake plays, shared by both fake bases (`_base.FakeServer` and
`hosted_base.FakeService`): the same answers for every provider, so the contract test
(tests/backends/test_contract.py) plays each one against each backend.

    fake.fault("create", "throttle")     # 429 + Retry-After: 1 (nothing accepted)
    fake.fault("create", "server_error") # 500
    fake.fault("create", "unavailable")  # 503 without Retry-After
    fake.fault("create", "malformed")    # 200 with an HTML body
    fake.fault("create", "hang")         # the job is made; the answer comes after the client's timeout
    fake.fault("status", ...)            # the same kinds on a poll
    fake.fault("download", "expired" | "truncated" | "redirect" | "server_error")

`redirect` answers 302 to `fake.elsewhere`, another host (an `Elsewhere` server, which records every
request's headers so a test can check that no key reached it).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from filmsofone import ffmpeg

FAULT_KINDS = ("throttle", "server_error", "unavailable", "malformed", "hang", "expired", "truncated",
               "redirect")


@dataclass
class Reply:
    status: int = 200
    body: bytes | dict | list | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode(), "application/json"
        if isinstance(self.body, str):
            return self.body.encode(), "application/json"
        return self.body or b"", self.headers.get("Content-Type", "application/octet-stream")


_MEDIA_CACHE: dict[tuple, bytes] = {}
_MEDIA_LOCK = threading.Lock()


def tiny_mp4(duration: float, width: int = 320, height: int = 180, fps: int = 24, *, sound: bool = False) -> bytes:
    """A real, decodable H.264 + AAC MP4 of `duration` seconds (cached per shape); silent unless `sound`
    (then a 300 Hz tone, as a clip a model made with its own sound)."""
    key = ("mp4", round(duration, 3), width, height, fps, sound)
    with _MEDIA_LOCK:
        if key not in _MEDIA_CACHE:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "clip.mp4"
                ffmpeg.run([*ffmpeg.base_args(), "-f", "lavfi", "-i",
                            f"testsrc2=size={width}x{height}:rate={fps}:duration={duration}",
                            "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=48000" if sound
                            else "anullsrc=r=48000:cl=stereo", "-t", str(duration),
                            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                            "-c:a", "aac", "-ar", "48000", "-ac", "2", "-shortest",
                            "-movflags", "+faststart", str(out)])
                _MEDIA_CACHE[key] = out.read_bytes()
        return _MEDIA_CACHE[key]


def tiny_png(width: int = 64, height: int = 64, color=(120, 90, 60)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


class FaultPlayer:
    """Queued faults per stage; each fake calls `generic_fault(stage, ...)` where it serves that stage.
    Subclasses provide `self.lock` and call `_init_faults()`."""

    hang_seconds = 2.0
    elsewhere: str | None = None  # the other host a `redirect` points at

    def _init_faults(self) -> None:
        self.faults: dict[str, list[str]] = {}
        self.played: list[tuple[str, str]] = []

    def fault(self, stage: str, kind: str, times: int = 1) -> None:
        """Queue `kind` (one of FAULT_KINDS, or a provider's own fault its fake knows) for `stage`."""
        with self.lock:
            self.faults.setdefault(stage, []).extend([kind] * times)

    def take_fault(self, stage: str) -> str | None:
        with self.lock:
            queue = self.faults.get(stage) or []
            kind = queue.pop(0) if queue else None
            if kind:
                self.played.append((stage, kind))
            return kind

    def generic_fault(self, stage: str, error_body, *, hang_reply: Reply | None = None) -> Reply | None:
        """The reply for a queued generic fault of `stage`, or None when none is queued."""
        kind = self.take_fault(stage)
        if kind is None:
            return None
        if kind == "throttle":
            return Reply(429, error_body, {"Retry-After": "1"})
        if kind == "server_error":
            return Reply(500, error_body)
        if kind == "unavailable":
            return Reply(503, error_body)
        if kind == "malformed":
            return Reply(200, b"<html>gateway hiccup</html>", {"Content-Type": "text/html"})
        if kind == "hang":
            reply = hang_reply or Reply(200, {})
            reply.delay = self.hang_seconds
            return reply
        if kind == "expired":
            return Reply(403, b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                         {"Content-Type": "application/xml"})
        if kind == "redirect":  # the file moved to another host: it must never see the key
            return Reply(302, b"", {"Location": f"{self.elsewhere}/moved/clip.mp4"})
        if kind == "truncated":  # the connection drops halfway through the body
            clip = tiny_mp4(2.0)
            return Reply(200, clip[: len(clip) // 2], {"Content-Type": "video/mp4",
                                                       "X-Fake-Declared-Length": str(len(clip))})
        raise AssertionError(f"unknown fault {kind}")



class Elsewhere:
    """Another host: serves a real MP4 on any path and keeps every request's headers."""

    def __init__(self):
        self.seen: list[dict[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                owner.seen.append({k.lower(): v for k, v in self.headers.items()})
                data = tiny_mp4(5.0)
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "Elsewhere":
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def keys_seen(self, *names: str) -> list[str]:
        """Values of key-carrying headers that reached this host (it should be empty)."""
        names = names or ("authorization", "x-goog-api-key", "x-api-key", "api-key")
        return [headers[n] for headers in self.seen for n in names if n in headers]
