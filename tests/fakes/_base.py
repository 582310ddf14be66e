"""What the fake provider servers share: a threaded HTTP server on 127.0.0.1 and real small MP4s.

Each fake subclasses `FakeServer`, sets `handler_class` to a `FakeHandler` subclass with do_GET/do_POST,
and keeps its state (jobs, switches, submission counter) on the server object, guarded by `lock`.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
import time
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from filmsofone import ffmpeg

from .faults import FaultPlayer, Reply


@cache
def _clip_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="filmsofone-fake-clips-"))


@cache
def sample_mp4(duration: float = 2.0, width: int = 320, height: int = 180, fps: int = 24) -> bytes:
    """A real H.264/AAC MP4 of a test pattern, made once per parameter set per session."""
    width, height = width - width % 2, height - height % 2
    dest = _clip_dir() / f"testsrc-{duration:g}-{width}x{height}-{fps}.mp4"
    ffmpeg.run([*ffmpeg.base_args(),
                "-f", "lavfi", "-i", f"testsrc=size={width}x{height}:rate={fps}:duration={duration:g}",
                "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
                "-t", f"{duration:g}", "-map", "0:v:0", "-map", "1:a:0",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-ar", "48000", "-ac", "2", "-movflags", "+faststart", str(dest)])
    return dest.read_bytes()


class FakeHandler(BaseHTTPRequestHandler):
    """Request helpers; the server object holds all state."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        if parsed:  # every request is recorded, for assertions
            with self.server.lock:
                self.server.requests.append((self.command, self.path))
        return parsed

    @property
    def url(self):
        return urlsplit(self.path)

    @property
    def query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.url.query).items()}

    def body(self) -> bytes:
        """The request body, read once (read it before answering, or keep-alive breaks)."""
        if getattr(self, "_raw", None) is None or getattr(self, "_raw_for", None) is not self.requestline:
            length = int(self.headers.get("Content-Length") or 0)
            self._raw, self._raw_for = (self.rfile.read(length) if length else b""), self.requestline
        return self._raw

    def json_body(self):
        raw = self.body()
        return json.loads(raw) if raw else None

    def send(self, status: int, body: bytes | str = b"", content_type: str = "application/json",
             headers: dict | None = None, length: int | None = None) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        if length is not None and length != len(data):  # a truncated body: hang up mid-way
            self.close_connection = True

    def play(self, reply: Reply) -> None:
        """Answer with a Reply of the shared fault player (a hang waits first; a cut body hangs up)."""
        if reply.delay:
            time.sleep(reply.delay)
        payload, content_type = reply.encoded()
        declared = reply.headers.get("X-Fake-Declared-Length")
        extra = {k: v for k, v in reply.headers.items() if k.lower() not in ("content-type", "x-fake-declared-length")}
        self.send(reply.status, payload, reply.headers.get("Content-Type", content_type), extra,
                  length=int(declared) if declared else None)

    def send_json(self, status: int, payload, headers: dict | None = None) -> None:
        self.send(status, json.dumps(payload), headers=headers)

    def send_file(self, data: bytes, *, truncate: bool = False, name: str = "clip.mp4") -> None:
        """Serve MP4 (or PNG) bytes; `truncate` announces the full length but sends half and closes."""
        sent = data[: len(data) // 2] if truncate else data
        kind = "image/png" if data.startswith(b"\x89PNG") else "video/mp4"
        self.send(200, sent, kind, {"Content-Disposition": f'filename="{name}"'}, length=len(data))


class FakeServer(ThreadingHTTPServer, FaultPlayer):
    """A provider double on a free 127.0.0.1 port, run in a daemon thread; use as a context manager."""

    daemon_threads = True
    allow_reuse_address = True
    handler_class: type[FakeHandler] = FakeHandler

    def __init__(self):
        super().__init__(("127.0.0.1", 0), self.handler_class)
        self.lock = threading.RLock()
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request, for assertions
        self._init_faults()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeServer":
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def handle_error(self, request, client_address) -> None:
        """A client hanging up (a killed run, a timeout test) is expected: no traceback."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def take(self, switch: str) -> bool:
        """Consume one use of a counted failure switch (an int attribute): True while it lasts."""
        with self.lock:
            left = getattr(self, switch)
            if left:
                setattr(self, switch, left - 1)
                return True
            return False


async def drive(backend, request, dest: Path, *, client=None, polls: int = 400, pause: float = 0.05):
    """What the engine does for one hosted shot, minus its retries: submit, poll to the end, download.

    Returns (job_id, last JobStatus); downloads only when the job succeeded.
    """
    from filmsofone.backends.base import JobState

    own = client is None
    client = client or backend.client()
    try:
        job_id = await backend.submit(client, request)
        for _ in range(polls):
            status = await backend.status(client, job_id)
            if status.state not in (JobState.QUEUED, JobState.RUNNING):
                break
            await asyncio.sleep(pause)
        if status.state == JobState.SUCCEEDED:
            await backend.download(client, status, dest)
        return job_id, status
    finally:
        if own:
            await client.aclose()


def generate_command(ws_root: Path, slug: str, *args: str) -> list[str]:
    """`filmsofone --workspace WS generate SLUG ARGS... --no-storyboard` as a subprocess command line (these
    tests are about the engine, not about the storyboard's approval)."""
    import sys

    return [sys.executable, "-c", "from filmsofone.cli import main; main()", "--workspace", str(ws_root),
            "generate", slug, *args, "--no-storyboard"]


def kill_midway(command: list[str], env: dict, ready, *, timeout: float = 60.0) -> int:
    """Start `command`, SIGKILL it as soon as `ready()` is true; return its exit status (negative: killed)."""
    import os
    import signal
    import subprocess
    import time

    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if ready():
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.01)
        return process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()


def run_to_end(command: list[str], env: dict, *, timeout: float = 120.0):
    """Run `command` to completion; return the CompletedProcess (text output)."""
    import os
    import subprocess

    return subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout)
