"""A small threaded HTTP server on 127.0.0.1 that a provider fake subclasses.

Each fake reproduces one provider's documented contract (docs/contracts.md): its routes,
its job states, its error bodies. The base records every request (so a test can count creates), keeps
the jobs, serves real tiny MP4s (or PNGs) for downloads, and lets a test queue faults per stage:

    fake.fault("create", "throttle")   # the next create answers 429 + Retry-After
    fake.fault("status", "server_error")
    fake.fault("download", "expired")

Fault names every fake understands: throttle, server_error, unavailable, malformed, hang (answer after the
client's timeout), expired (downloads). Provider-specific outcomes (moderation, failed) are job outcomes
set with `fake.outcome = "moderated"`.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .faults import FaultPlayer, Reply, tiny_mp4, tiny_png  # noqa: F401  (re-exported for the fakes)


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body or b"null")


class FakeService(FaultPlayer):
    """Subclasses implement `route(req) -> Reply` and the provider's job shapes."""

    create_paths: tuple[str, ...] = ()  # paths (prefixes) whose POSTs are creates
    hang_seconds = 2.0

    def __init__(self, *, polls_to_finish: int = 2):
        self.requests: list[Recorded] = []
        self.jobs: dict[str, dict] = {}
        self._init_faults()
        self.polls_to_finish = polls_to_finish
        self.outcome = "success"  # the next jobs end this way: success | moderated | failed | ...
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --

    def start(self) -> "FakeService":
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _serve(self):
                service._serve(self)

            do_GET = do_POST = do_DELETE = do_PUT = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- what tests look at --

    def is_create(self, req: Recorded) -> bool:
        return req.method == "POST" and any(req.path.startswith(p) for p in self.create_paths)

    @property
    def creates(self) -> list[Recorded]:
        return [r for r in self.requests if self.is_create(r)]

    def all_header_values(self) -> str:
        return "\n".join(f"{k}: {v}" for r in self.requests for k, v in r.headers.items())

    # -- serving --

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        req = Recorded(handler.command, parts.path, query, {k.lower(): v for k, v in handler.headers.items()}, body)
        with self.lock:
            self.requests.append(req)
        try:
            reply = self.route(req)
        except Exception as exc:  # a bug in the fake: answer 599 so the test sees it
            reply = Reply(599, {"fake_error": repr(exc)})
        if reply.delay:
            time.sleep(reply.delay)
        payload, content_type = reply.encoded()
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.headers.get("Content-Type", content_type))
            declared = reply.headers.get("X-Fake-Declared-Length")  # a body cut short: the connection drops
            for name, value in reply.headers.items():
                if name.lower() not in ("content-type", "x-fake-declared-length"):
                    handler.send_header(name, value)
            handler.send_header("Content-Length", declared or str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
            if declared:
                handler.close_connection = True
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass

    def route(self, req: Recorded) -> Reply:  # pragma: no cover - subclasses
        raise NotImplementedError

    # -- helpers for subclasses --

    def new_job(self, **fields) -> dict:
        job_id = str(uuid.uuid4())
        job = {"id": job_id, "polls": 0, "outcome": self.outcome, "duration": 5.0, **fields}
        with self.lock:
            self.jobs[job_id] = job
        return job

    def advance(self, job: dict) -> str:
        """One poll of `job`: 'queued', 'running' or the final outcome."""
        job["polls"] += 1
        if job["polls"] < self.polls_to_finish:
            return "queued" if job["polls"] == 1 and self.polls_to_finish > 2 else "running"
        return job["outcome"]

    def media_reply(self, job: dict) -> Reply:
        fault = self.generic_fault("download", {"error": "download"})
        if fault is not None:
            return fault
        if job.get("image"):
            return Reply(200, tiny_png(), {"Content-Type": "image/png"})
        return Reply(200, tiny_mp4(job.get("duration", 5.0)), {"Content-Type": "video/mp4"})


# --- driving one job through an adapter's steps (what the engine does, without its bookkeeping) ---------

TERMINAL = ("succeeded", "failed", "refused")


async def drive(backend, request, dest: Path, *, client=None, max_polls: int = 20):
    """submit -> status until terminal -> download; returns (job_id, last JobStatus)."""
    import contextlib

    async with contextlib.AsyncExitStack() as stack:
        if client is None:
            client = await stack.enter_async_context(backend.client())
        job_id = await backend.submit(client, request)
        status = None
        for _ in range(max_polls):
            status = await backend.status(client, job_id)
            if status.state.value in TERMINAL:
                break
        if status is not None and status.state.value == "succeeded":
            await backend.download(client, status, dest)
        return job_id, status


def run(coro):
    import asyncio

    return asyncio.run(coro)


async def make_one(backend, request, dest: Path):
    """One job through the engine's own path (`backends.remote.make`, retries included); returns the bytes made."""
    from filmsofone.backends import remote

    async def check(path):
        return path.stat().st_size

    async with backend.client() as client:
        return await remote.make(backend, client, request, dest, check=check)


def png_files(folder: Path, count: int, stem: str = "ref") -> list[Path]:
    """`count` small PNGs of different colours in `folder` (reference images, first frames)."""
    paths = []
    for i in range(count):
        path = Path(folder) / f"{stem}{i}.png"
        path.write_bytes(tiny_png(color=(40 * i % 256, 90, 60)))
        paths.append(path)
    return paths


# --- the normal `filmsofone generate` path against a fake ---------------------------------------------


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the `filmsofone` command line in-process; (exit code, stdout, stderr)."""
    from filmsofone.cli import main

    try:
        main([str(a) for a in argv])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def generate_cli(capsys, ws, backend: str, options: dict, scene: str = "1.1", *extra: str):
    from fakes.project import SLUG

    argv = ["--workspace", ws.root, "generate", SLUG, "--scene", scene, "--backend", backend,
            "--option", "poll_interval=0.01", "--no-storyboard"]  # the adapter, not the storyboard, is tested
    for name, value in options.items():
        argv += ["--option", f"{name}={value}"]
    return cli(capsys, *argv, *extra)


def use_keys(monkeypatch, tmp_path, **env: str) -> None:
    """Keys from the environment only (an empty key file elsewhere)."""
    monkeypatch.setenv("FILMSOFONE_KEYS_FILE", str(tmp_path / "no-keys.json"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def files_containing(root: Path, secret: str) -> list[Path]:
    """Every file under `root` whose bytes contain `secret` (the database included)."""
    needle = secret.encode()
    return [p for p in Path(root).rglob("*") if p.is_file() and needle in p.read_bytes()]


def assert_key_nowhere(ws, capsys, secret: str, *texts: str) -> None:
    """The key is in no file of the workspace (rows, clips, exports) and in none of `texts` (output, logs)."""
    from fakes.project import SLUG

    for fmt in ("json", "csv", "fountain"):
        cli(capsys, "--workspace", ws.root, "export", SLUG, "--format", fmt,
            "--output", ws.root / f"export.{fmt}")
    code, out, err = cli(capsys, "--workspace", ws.root, "takes", SLUG)
    assert code == 0, err
    assert files_containing(ws.root, secret) == []
    for text in (*texts, out, err):
        assert secret not in text


def check_unknown_outcome(ws, fake, backend: str, options: dict) -> None:
    """A create answered 500 is an unknown outcome: reported, not resubmitted on rerun, and resubmitted only
    with resubmit_unknown (then made)."""
    from fakes.project import SLUG
    from filmsofone.generate import chosen_takes, generate_scenes

    options = {**options, "poll_interval": 0.01}
    fake.fault("create", "server_error")
    report = generate_scenes(ws, SLUG, ["1.2"], backend=backend, options=options)
    assert "1.2-001" in report.unknown and "a job may exist" in report.unknown["1.2-001"]
    creates = len(fake.creates)
    again = generate_scenes(ws, SLUG, ["1.2"], backend=backend, options=options)
    assert "1.2-001" in again.unknown and len(fake.creates) == creates  # never resubmitted blindly
    decided = generate_scenes(ws, SLUG, ["1.2"], backend=backend, options=options, resubmit_unknown=True)
    assert decided.made == ["1.2-001"] and len(fake.creates) == creates + 1
    assert "1.2-001" in chosen_takes(ws, SLUG)
