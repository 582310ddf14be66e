"""A generic hosted video service on 127.0.0.1 and the backend that talks to it (for engine tests).

The service keeps the common contract of hosted providers (docs/providers.md, "The common shape"):
`POST /v1/jobs` creates a job (`{"id"}`, 201), `GET /v1/jobs/{id}` polls it (`queued`, `running`,
`succeeded` with an output URL, `failed`, `refused` with a reason), `GET /files/{token}/{name}` serves a
real MP4 of the requested duration. Jobs take `job_seconds` from creation. It counts every create per
prompt, requires `Authorization: Bearer <key>`, and plays faults queued per stage:

    service.fault("create", "throttle")   # 429 with Retry-After (also "unavailable": 503 + Retry-After)
    service.fault("create", "hang")       # makes the job, then answers after the client's timeout
    service.fault("status", "server_error" | "malformed" | "throttle" | "hang")
    service.fault("download", "expired" | "truncated" | "server_error" | "not_video" | "wrong_length")

Prompts containing FORBIDDEN are refused by moderation; prompts containing BROKEN fail.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

from filmsofone import ffmpeg
from filmsofone.backends.base import (
    Backend,
    BackendOptions,
    Capabilities,
    Failed,
    GenerationRequest,
    JobState,
    JobStatus,
)
from filmsofone.backends.transport import Contract, Step, Transport, malformed, pick

from .faults import FaultPlayer

KEY_ENV = "FAKEHOSTED_API_KEY"
_clips: dict[float, bytes] = {}
_clips_lock = threading.Lock()


def mp4_of(duration: float) -> bytes:
    """A real 160x90 H.264 + AAC MP4 of `duration` seconds (made once per duration)."""
    with _clips_lock:
        if duration not in _clips:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "c.mp4"
                ffmpeg.run([*ffmpeg.base_args(), "-f", "lavfi", "-i", f"testsrc2=size=160x90:rate=24:duration={duration}",
                            "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", str(duration),
                            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                            "-shortest", "-movflags", "+faststart", str(out)])
                _clips[duration] = out.read_bytes()
        return _clips[duration]


class FakeHostedService(FaultPlayer):
    """The generic service; faults queued through the shared fault player, played in its own words."""

    def __init__(self, *, key: str = "sk-fake-SECRET-0123456789", job_seconds: float = 0.2,
                 hang_seconds: float = 1.5):
        self.key = key
        self.job_seconds = job_seconds
        self.hang_seconds = hang_seconds
        self.jobs: dict[str, dict] = {}
        self.creates: list[str] = []  # the prompt of every create received
        self.downloads = 0
        self.create_attempts: list[tuple[float, str]] = []  # (when, prompt) of every create, throttled too
        self.max_in_flight = 0  # most jobs created and not yet fetched at once
        self.last_create = 0.0
        self._init_faults()
        self.echo_auth_in_errors = False  # a careless provider that quotes the Authorization header
        self.output_name = "clip.mp4"
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None

    # -- control --

    def creates_per_prompt(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for prompt in self.creates:
            counts[prompt] = counts.get(prompt, 0) + 1
        return counts

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeHostedService":
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                service._handle(self, "POST")

            def do_GET(self):
                service._handle(self, "GET")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # -- the contract --

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        path = h.path.split("?")[0]
        if path.startswith("/files/"):
            return self._file(h, path)
        if h.headers.get("Authorization") != f"Bearer {self.key}":
            detail = f"bad credentials: {h.headers.get('Authorization')}" if self.echo_auth_in_errors else "unauthorized"
            return self._json(h, 401, {"error": detail})
        if method == "POST" and path == "/v1/jobs":
            return self._create(h, json.loads(body or b"{}"))
        if method == "GET" and path.startswith("/v1/jobs/"):
            return self._status(h, path.rsplit("/", 1)[1])
        self._json(h, 404, {"error": "no such route"})

    def _create(self, h, payload: dict) -> None:
        fault = self.take_fault("create")
        with self.lock:
            self.create_attempts.append((time.monotonic(), payload.get("prompt", "")))
        if fault == "throttle":
            return self._json(h, 429, {"error": "too many requests"}, {"Retry-After": "0.2"})
        if fault == "unavailable":  # documented load shedding: nothing was created
            return self._json(h, 503, {"error": "overloaded"}, {"Retry-After": "0.1"})
        if fault == "server_error":  # the job may or may not exist: here it does not
            return self._json(h, 500, {"error": "internal"})
        job_id = uuid.uuid4().hex[:12]
        prompt = payload.get("prompt", "")
        with self.lock:
            self.creates.append(prompt)
            self.last_create = time.monotonic()
            self.jobs[job_id] = {"prompt": prompt, "duration": float(payload.get("duration", 1.0)),
                                 "created": time.monotonic(), "token": uuid.uuid4().hex[:8], "fetched": False}
            in_flight = sum(1 for job in self.jobs.values() if not job["fetched"])
            self.max_in_flight = max(self.max_in_flight, in_flight)
        if fault == "hang":
            time.sleep(self.hang_seconds)
        if fault == "malformed":
            return self._raw(h, 200, b"{not json", "application/json")
        if self.echo_auth_in_errors and "ECHO" in prompt:
            return self._json(h, 400, {"error": f"cannot parse request from {h.headers.get('Authorization')}"})
        self._json(h, 201, {"id": job_id, "status": "queued"})

    def _status(self, h, job_id: str) -> None:
        fault = self.take_fault("status")
        if fault == "throttle":
            return self._json(h, 429, {"error": "slow down"}, {"Retry-After": "0.1"})
        if fault == "server_error":
            return self._json(h, 500, {"error": "internal"})
        if fault == "malformed":
            return self._raw(h, 200, b"<html>gateway</html>", "text/html")
        if fault == "hang":
            time.sleep(self.hang_seconds)
        job = self.jobs.get(job_id)
        if job is None:
            return self._json(h, 404, {"error": "no such job"})
        age = time.monotonic() - job["created"]
        if age < self.job_seconds:
            state = "queued" if age < self.job_seconds / 3 else "running"
            return self._json(h, 200, {"id": job_id, "status": state, "progress": round(age / self.job_seconds, 2)})
        if "FORBIDDEN" in job["prompt"]:
            return self._json(h, 200, {"id": job_id, "status": "refused", "error": "flagged by the content policy"})
        if "BROKEN" in job["prompt"]:
            return self._json(h, 200, {"id": job_id, "status": "failed", "error": "generation failed"})
        name = self.output_name
        return self._json(h, 200, {"id": job_id, "status": "succeeded", "filename": name,
                                   "output": f"{self.url}/files/{job['token']}/{job_id}/{quote(name, safe='')}"})

    def _file(self, h, path: str) -> None:
        parts = path.split("/")
        token, job_id = parts[2], parts[3]
        job = self.jobs.get(job_id)
        fault = self.take_fault("download")
        if job is None or job["token"] != token or fault == "expired":
            if job is not None and fault == "expired":
                job["token"] = uuid.uuid4().hex[:8]  # a re-poll gives a fresh URL
            return self._json(h, 410, {"error": "this URL has expired"})
        if fault == "server_error":
            return self._json(h, 502, {"error": "bad gateway"})
        if fault == "not_video":  # a captive portal or CDN error page served with 200
            return self._raw(h, 200, b"<html><body>Access denied</body></html>" * 50, "text/html")
        if fault == "wrong_length":
            return self._raw(h, 200, mp4_of(job["duration"] + 3.0), "video/mp4")
        data = mp4_of(job["duration"])
        with self.lock:
            self.downloads += 1
            job["fetched"] = True
        if fault == "truncated":
            h.send_response(200)
            h.send_header("Content-Type", "video/mp4")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data[: len(data) // 3])
            h.wfile.flush()
            h.close_connection = True
            return
        self._raw(h, 200, data, "video/mp4")

    def _json(self, h, code: int, payload, headers: dict | None = None) -> None:
        self._raw(h, code, json.dumps(payload).encode(), "application/json", headers)

    def _raw(self, h, code: int, data: bytes, ctype: str, headers: dict | None = None) -> None:
        h.send_response(code)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(data)


class FakeHostedOptions(BackendOptions):
    base_url: str = "http://127.0.0.1:9"
    http_timeout: float = 5.0
    model: str = "standard"  # "pro" costs three times as much, as providers price their better models


PRICES = {"standard": 0.1, "pro": 0.3}


class FakeHostedBackend(Backend):
    """The adapter for FakeHostedService, written only with the transport."""

    name: ClassVar[str] = "fakehosted"
    description: ClassVar[str] = "a generic hosted service for tests"
    capabilities: ClassVar[Capabilities] = Capabilities(min_duration=0.5, max_duration=10, seed=True,
                                                        negative_prompt=False, prompt_limit=4000)
    needs_key: ClassVar[bool] = True
    key_env_var: ClassVar[str] = KEY_ENV
    Options: ClassVar[type[BackendOptions]] = FakeHostedOptions
    price_per_second: ClassVar[float] = 0.1
    poll_interval: ClassVar[float] = 0.05
    retry_base: ClassVar[float] = 0.05
    retry_cap: ClassVar[float] = 0.5
    default_concurrency: ClassVar[int] = 4

    contract: ClassVar[Contract] = Contract("fakehosted")

    def __init__(self, options: BackendOptions | None = None, key: str | None = None):
        super().__init__(options, key)
        self.price_per_second = PRICES.get(self.options.model, 0.1)

    def client(self, *, timeout: float | None = None) -> Transport:
        return super().client(timeout=timeout or self.options.http_timeout)

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        body = await client.json(Step.CREATE, "POST", "/v1/jobs", json={
            "prompt": request.prompt, "duration": request.duration, "seed": request.seed, "model": self.options.model})
        return pick(body, "id", contract=self.contract, step=Step.CREATE)

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        body = await client.json(Step.READ, "GET", f"/v1/jobs/{job_id}")
        status = pick(body, "status", contract=self.contract)
        state = {"queued": JobState.QUEUED, "running": JobState.RUNNING, "succeeded": JobState.SUCCEEDED,
                 "failed": JobState.FAILED, "refused": JobState.REFUSED}.get(status)
        if state is None:
            raise malformed(Step.READ, self.contract, f"unknown status {status!r}")
        return JobStatus(state=state, progress=body.get("progress"), error=body.get("error"),
                         output_urls=[body["output"]] if body.get("output") else [])

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed("the job succeeded without an output")
        await client.download(status.output_urls[0], dest)
