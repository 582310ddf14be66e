"""A fake fal.ai queue on 127.0.0.1 (docs/contracts.md), with a separate file CDN.

`POST /{endpoint id}` answers request_id plus status/response/cancel URLs that drop the endpoint's
subpath (`/{owner}/{app}/requests/{id}`), as the real queue does. Requests go IN_QUEUE -> IN_PROGRESS ->
COMPLETED as time passes (`job_seconds`); the result is `{"video": {"url", ...}, "seed"}` with a real MP4
on the CDN, as long as the input's `duration` (or 25 frames at the input's `fps` for stable-video). The image
endpoints (Seedream, FLUX Kontext, Nano Banana) answer `{"images": [{"url", "content_type", "width",
"height"}], "seed", "has_nsfw_concepts"}` with a real PNG; their edit endpoints need `image_urls` (Seedream:
at most 10, as documented). `received_references()` gives the decoded reference images of each create.
`Authorization: Key <key>` is checked.

Switches: `throttle` (429 + Retry-After on submit), `create_errors` (500 `internal_error`),
`hang_create`, `get_errors` (503 `runner_scheduling_failure` on a status poll), `malformed`,
`moderate_submit` (422 content_policy_violation at submit), `outcome` ("success" | "moderated": 422 on
the result | "failed": COMPLETED with an error | "nsfw": an image result flagged in `has_nsfw_concepts`),
`expire_outputs`, `truncate_downloads`.
`submissions` counts accepted submits.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid

from ._base import FakeHandler, FakeServer, sample_mp4
from .faults import Reply, tiny_png
from .replicate import SIZES, FakeCdn

NEEDS_IMAGE = ("image-to-video", "stable-video")
IMAGE_APPS = ("fal-ai/bytedance/seedream", "fal-ai/flux-pro/kontext", "fal-ai/nano-banana")
MAX_IMAGE_URLS = {"fal-ai/bytedance/seedream/v4/edit": 10, "fal-ai/bytedance/seedream/v4.5/edit": 10}
SHAPES = {  # app -> (the input naming the shape, its documented values)
    "fal-ai/bytedance/seedream": ("image_size", {"square_hd", "square", "portrait_4_3", "portrait_16_9",
                                                 "landscape_4_3", "landscape_16_9", "auto", "auto_2K", "auto_4K"}),
    "fal-ai/flux-pro/kontext": ("aspect_ratio", {"21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21"}),
    "fal-ai/nano-banana": ("aspect_ratio", {"auto", "21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3",
                                            "9:16"}),
}
DURATIONS = {"fal-ai/kling-video": {"5", "10"}, "fal-ai/pika": {5, 10}}


class FalHandler(FakeHandler):
    server: "FakeFal"

    def authorized(self) -> bool:
        if self.headers.get("Authorization") != f"Key {self.server.key}":
            self.send_json(401, {"detail": "Invalid credentials"}, headers={"X-Fal-Error-Type": "unauthorized"})
            return False
        return True

    def do_POST(self) -> None:
        srv, endpoint = self.server, self.url.path.strip("/")
        body = self.body()
        if not self.authorized():
            return
        if srv.take("throttle"):
            return self.send_json(429, {"detail": "Too many requests"}, headers={"Retry-After": srv.retry_after})
        if srv.take("create_errors"):
            return self.send_json(500, {"detail": "Internal error", "error_type": "internal_error"},
                                  headers={"X-Fal-Error-Type": "internal_error"})
        try:
            inputs = json.loads(body)
        except ValueError:
            return self.send_json(422, {"detail": [{"loc": ["body"], "msg": "Invalid JSON", "type": "json_invalid"}]})
        problems = []
        if endpoint.endswith(NEEDS_IMAGE) and "image_url" not in inputs:
            problems.append({"loc": ["body", "image_url"], "msg": "Field required", "type": "missing"})
        if endpoint.startswith(IMAGE_APPS) and (endpoint.endswith(("/edit", "/multi"))):
            urls = inputs.get("image_urls")
            if not isinstance(urls, list) or not urls:
                problems.append({"loc": ["body", "image_urls"], "msg": "Field required", "type": "missing"})
            elif len(urls) > MAX_IMAGE_URLS.get(endpoint, len(urls)):
                problems.append({"loc": ["body", "image_urls"], "msg": "List should have at most "
                                 f"{MAX_IMAGE_URLS[endpoint]} items", "type": "too_long"})
        for app, (field, allowed) in SHAPES.items():
            value = inputs.get(field)
            if endpoint.startswith(app) and value is not None and not isinstance(value, dict) and value not in allowed:
                problems.append({"loc": ["body", field], "msg": f"Input should be one of {sorted(allowed)}",
                                 "type": "enum"})
        if "stable-video" not in endpoint and "prompt" not in inputs:
            problems.append({"loc": ["body", "prompt"], "msg": "Field required", "type": "missing"})
        for prefix, allowed in DURATIONS.items():
            if endpoint.startswith(prefix) and "duration" in inputs and inputs["duration"] not in allowed:
                problems.append({"loc": ["body", "duration"], "msg": f"Input should be one of {sorted(map(str, allowed))}",
                                 "type": "enum"})
        if srv.take("moderate_submit"):
            problems.append({"loc": ["body", "prompt"], "msg": "The prompt was flagged by the content checker.",
                             "type": "content_policy_violation"})
        if problems:
            return self.send_json(422, {"detail": problems}, headers={"X-Fal-Retryable": "false"})
        request_id = str(uuid.uuid4())
        app = "/".join(endpoint.split("/")[:2])  # the URLs drop the subpath
        base = f"{srv.url}/{app}/requests/{request_id}"
        with srv.lock:
            srv.submissions += 1
            srv.jobs[request_id] = {"endpoint": endpoint, "input": inputs, "created": time.monotonic(),
                                    "outcome": srv.outcome, "canceled": False}
        if srv.take("hang_create"):
            time.sleep(srv.hang_seconds)
        answer = {"request_id": request_id, "response_url": base, "status_url": f"{base}/status",
                  "cancel_url": f"{base}/cancel", "gateway_request_id": request_id, "queue_position": 0}
        fault = srv.generic_fault("create", {"detail": "Internal error", "error_type": "internal_error"},
                                  hang_reply=Reply(200, answer))
        if fault is not None:
            if fault.status >= 400:
                with srv.lock:
                    srv.jobs.pop(request_id, None)
                    srv.submissions -= 1
            return self.play(fault)
        self.send_json(200, answer)

    def do_PUT(self) -> None:
        srv, parts = self.server, self.url.path.strip("/").split("/")
        self.body()
        if not self.authorized():
            return
        with srv.lock:
            job = srv.jobs.get(parts[3]) if len(parts) > 4 and parts[-1] == "cancel" else None
            if job is None:
                return self.send_json(404, {"detail": "Request not found"})
            if srv.state(job)[0] != "IN_QUEUE":
                return self.send_json(400, {"status": "ALREADY_COMPLETED"})
            job["canceled"] = True
        self.send_json(202, {"status": "CANCELLATION_REQUESTED"})

    def do_GET(self) -> None:
        srv, parts = self.server, self.url.path.strip("/").split("/")
        if not self.authorized():
            return
        if len(parts) < 4 or parts[2] != "requests":
            return self.send_json(404, {"detail": "Not found"})
        with srv.lock:
            job = srv.jobs.get(parts[3])
        if job is None:
            return self.send_json(404, {"detail": "Request not found"})
        if parts[-1] == "status":
            fault = srv.generic_fault("status", {"detail": "Internal error", "error_type": "internal_error"})
            if fault is not None:
                return self.play(fault)
            if srv.take("get_errors"):
                return self.send_json(503, {"detail": "No runner available", "error_type": "runner_scheduling_failure"},
                                      headers={"X-Fal-Error-Type": "runner_scheduling_failure"})
            if srv.take("malformed"):
                return self.send(200, "{\"status\": ", "application/json")
            return self.send_json(200, srv.status_body(parts[3], job))
        state, _ = srv.state(job)
        if state != "COMPLETED":
            return self.send_json(400, {"detail": "Request is still in progress"})
        if job["outcome"] == "moderated":
            return self.send_json(422, {"detail": [{"loc": ["body", "prompt"], "msg": "Output flagged by the "
                                                    "safety checker", "type": "content_policy_violation"}]},
                                  headers={"X-Fal-Retryable": "false"})
        if job["outcome"] == "failed":
            return self.send_json(500, {"detail": "Runner crashed", "error_type": "runner_server_error"})
        self.send_json(200, srv.result(parts[3], job))


class FakeFal(FakeServer):
    handler_class = FalHandler

    def __init__(self, job_seconds: float = 0.3, key: str = "fal_key_id:fal_key_secret_42"):
        super().__init__()
        self.job_seconds = job_seconds
        self.key = key
        self.jobs: dict[str, dict] = {}
        self.submissions = 0
        self.outcome = "success"
        self.retry_after = "2"
        self.hang_seconds = 2.0
        self.throttle = self.create_errors = self.hang_create = self.get_errors = self.malformed = 0
        self.moderate_submit = self.truncate_downloads = 0
        self.expire_outputs = False
        self.cdn = FakeCdn(self)
        self._made = threading.Lock()

    def start(self) -> "FakeFal":
        self.cdn.start()
        return super().start()

    def stop(self) -> None:
        super().stop()
        self.cdn.stop()

    def state(self, job: dict) -> tuple[str, float]:
        elapsed = time.monotonic() - job["created"]
        if job["canceled"]:
            return "COMPLETED", 1.0
        if elapsed < self.job_seconds * 0.25:
            return "IN_QUEUE", 0.0
        if elapsed < self.job_seconds:
            return "IN_PROGRESS", elapsed / self.job_seconds
        return "COMPLETED", 1.0

    def status_body(self, request_id: str, job: dict) -> dict:
        state, done = self.state(job)
        if state == "IN_QUEUE":
            return {"status": "IN_QUEUE", "queue_position": 1, "response_url": f"/requests/{request_id}"}
        logs = [{"message": f"Generating: {int(done * 100)}%", "level": "INFO", "timestamp": "2026-11-21T05:00:00"}]
        if state == "IN_PROGRESS":
            return {"status": "IN_PROGRESS", "logs": logs}
        body = {"status": "COMPLETED", "logs": logs, "metrics": {"inference_time": self.job_seconds}}
        if job["canceled"]:
            body.update(error="Request was cancelled", error_type="client_cancelled")
        elif job["outcome"] == "failed":
            body.update(error="Runner crashed while generating", error_type="runner_server_error")
        return body

    def received_references(self) -> list[list[bytes]]:
        """The reference images each create carried (decoded), in the order they were sent."""
        with self.lock:
            jobs = sorted(self.jobs.values(), key=lambda job: job["created"])
        return [[_decoded(url) for url in job["input"].get("image_urls") or []] for job in jobs]

    def result(self, request_id: str, job: dict) -> dict:
        if job["endpoint"].startswith(IMAGE_APPS):
            return self.image_result(request_id, job)
        path = f"/files/{request_id}/output.mp4"
        inputs = job["input"]
        with self._made:
            if path not in self.cdn.files:
                if "stable-video" in job["endpoint"]:
                    seconds = 25 / float(inputs.get("fps", 25))
                else:
                    seconds = float(inputs.get("duration") or 5)
                width, height = SIZES.get(inputs.get("aspect_ratio", "16:9"), (320, 180))
                self.cdn.files[path] = sample_mp4(round(seconds, 3), width, height, 24)
        data = self.cdn.files[path]
        return {"video": {"url": f"{self.cdn.url}{path}", "content_type": "video/mp4", "file_name": "output.mp4",
                          "file_size": len(data)}, "seed": inputs.get("seed", 1234)}

    def image_result(self, request_id: str, job: dict) -> dict:
        path = f"/files/{request_id}/output.png"
        with self._made:
            self.cdn.files.setdefault(path, tiny_png(96, 54))
        return {"images": [{"url": f"{self.cdn.url}{path}", "content_type": "image/png", "width": 96, "height": 54}],
                "seed": job["input"].get("seed", 1234), "has_nsfw_concepts": [job["outcome"] == "nsfw"]}


def _decoded(url: str) -> bytes:
    return base64.b64decode(url.split(",", 1)[1]) if url.startswith("data:") else url.encode()
