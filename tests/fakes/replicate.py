"""A fake Replicate API on 127.0.0.1 (docs/contracts.md), with a separate file CDN.

Predictions go starting -> processing -> succeeded (or failed) as time passes (`job_seconds`); the output
is a URL on the `cdn` server (another port, like replicate.delivery), serving a real MP4 as long as the
input's `duration`. Bearer auth is checked; the CDN records any Authorization header it is sent.

Switches (counted ints are consumed per use): `throttle` (429 + Retry-After on create), `create_errors`
(500 on create), `unavailable` (503 on create), `hang_create` (create the prediction, answer after
`hang_seconds`), `drop_create` (create it, then hang up without answering), `get_errors` (500 on a poll), `malformed` (garbage poll body), `outcome`
("success" | "moderated" | "failed"), `expire_outputs` (the CDN answers 404), `truncate_downloads`.
`submissions` counts predictions created. The image models (`IMAGE_MODELS`: Seedream 4 / 4.5, Nano Banana,
FLUX Kontext max and its two-image app) check their documented image inputs and answer a real PNG (a list of
URLs for Seedream, one URL for the others); `received_references()` gives each create's reference images.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid

from ._base import FakeHandler, FakeServer, sample_mp4
from .faults import Reply, tiny_png

IMAGE_MODELS = {  # model -> (its reference input, at most, exactly two numbered inputs, output as a list)
    "bytedance/seedream-4": ("image_input", 10, False, True),
    "bytedance/seedream-4.5": ("image_input", 14, False, True),
    "google/nano-banana": ("image_input", None, False, False),
    "flux-kontext-apps/multi-image-kontext-max": ("input_image_", 2, True, False),
    "black-forest-labs/flux-kontext-max": ("input_image", 1, False, False),
}
KNOWN_DURATIONS = {"kwaivgi/kling-v2.1-master": {5, 10}, "minimax/hailuo-2.3": {6, 10}}
SIZES = {"16:9": (320, 180), "9:16": (180, 320), "1:1": (240, 240), "4:3": (240, 180), "3:4": (180, 240),
         "21:9": (336, 144), "9:21": (144, 336)}


class CdnHandler(FakeHandler):
    server: "FakeCdn"

    def do_GET(self) -> None:
        cdn = self.server
        with cdn.lock:
            cdn.auth_headers_seen += bool(self.headers.get("Authorization"))
            data = cdn.files.get(self.url.path)
            expired = cdn.owner.expire_outputs
        if data is None or expired:
            return self.send(404, "not found", "text/plain")
        fault = cdn.owner.generic_fault("download", "error")
        if fault is not None:
            return self.play(fault)
        self.send_file(data, truncate=cdn.owner.take("truncate_downloads"))


class FakeCdn(FakeServer):
    handler_class = CdnHandler

    def __init__(self, owner):
        super().__init__()
        self.owner = owner
        self.files: dict[str, bytes] = {}
        self.auth_headers_seen = 0


class ReplicateHandler(FakeHandler):
    server: "FakeReplicate"

    def authorized(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {self.server.token}":
            self.send_json(401, {"title": "Unauthenticated", "detail": "You did not pass a valid authentication "
                                 "token", "status": 401})
            return False
        return True

    def do_POST(self) -> None:
        srv, path = self.server, self.url.path
        body = self.body()
        if not self.authorized():
            return
        if path.endswith("/cancel"):
            with srv.lock:
                job = srv.jobs.get(path.split("/")[3])
                if job:
                    job["canceled"] = True
            return self.send_json(200, {"id": path.split("/")[3], "status": "canceled"})
        if path == "/v1/predictions":
            model = None
        elif path.startswith("/v1/models/") and path.endswith("/predictions"):
            model = path[len("/v1/models/"):-len("/predictions")]
        else:
            return self.send_json(404, {"detail": "Not found.", "status": 404})
        if srv.take("throttle"):
            return self.send_json(429, {"detail": "Request was throttled. Your rate limit resets in ~30s.",
                                        "status": 429}, headers={"Retry-After": srv.retry_after})
        if srv.take("unavailable"):
            return self.send_json(503, {"detail": "Service unavailable", "status": 503},
                                  headers={"Retry-After": srv.retry_after})
        if srv.take("create_errors"):
            return self.send_json(500, {"detail": "Internal server error", "status": 500})
        try:
            payload = json.loads(body)
        except ValueError:
            return self.send_json(400, {"title": "Invalid JSON", "detail": "body is not JSON", "status": 400})
        inputs = payload.get("input") or {}
        if model is None and not payload.get("version"):
            return self.send_json(422, {"title": "Input validation failed", "detail": "version is required",
                                        "status": 422})
        if "prompt" not in inputs and "input_image" not in inputs:  # Stable Video Diffusion takes no prompt
            return self.send_json(422, {"title": "Input validation failed", "detail": "input: prompt is required",
                                        "status": 422})
        problem = _image_problem(model, inputs)
        if problem:
            return self.send_json(422, {"title": "Input validation failed", "detail": problem, "status": 422})
        allowed = KNOWN_DURATIONS.get(model or "")
        if allowed and inputs.get("duration") not in allowed:
            return self.send_json(422, {"title": "Input validation failed", "detail": f"input.duration: must be "
                                        f"one of {sorted(allowed)}", "status": 422})
        prediction_id = uuid.uuid4().hex[:20]
        with srv.lock:
            srv.submissions += 1
            srv.jobs[prediction_id] = {"id": prediction_id, "model": model or "community", "input": inputs,
                                       "created": time.monotonic(), "outcome": srv.outcome, "canceled": False,
                                       "version": payload.get("version")}
        if srv.take("hang_create"):
            time.sleep(srv.hang_seconds)
        if srv.take("drop_create"):  # the job exists, but the answer is lost: hang up without a response
            self.close_connection = True
            return
        fault = srv.generic_fault("create", {"detail": "Internal server error", "status": 500},
                                  hang_reply=Reply(201, srv.prediction(prediction_id)))
        if fault is not None:
            if fault.status >= 400:
                with srv.lock:
                    srv.jobs.pop(prediction_id, None)
                    srv.submissions -= 1
            return self.play(fault)
        self.send_json(201, srv.prediction(prediction_id))

    def do_GET(self) -> None:
        srv, path = self.server, self.url.path
        if not self.authorized():
            return
        if not path.startswith("/v1/predictions/"):
            return self.send_json(404, {"detail": "Not found.", "status": 404})
        fault = srv.generic_fault("status", {"detail": "Internal server error", "status": 500})
        if fault is not None:
            return self.play(fault)
        if srv.take("get_errors"):
            return self.send_json(500, {"detail": "Internal server error", "status": 500})
        if srv.take("malformed"):
            return self.send(200, "<html>upstream hiccup</html>", "text/html")
        with srv.lock:
            known = path.split("/")[3] in srv.jobs
        if not known:
            return self.send_json(404, {"detail": "Not found.", "status": 404})
        self.send_json(200, srv.prediction(path.split("/")[3]))


class FakeReplicate(FakeServer):
    handler_class = ReplicateHandler

    def __init__(self, job_seconds: float = 0.3, token: str = "r8_test_token_abc123"):
        super().__init__()
        self.job_seconds = job_seconds
        self.token = token
        self.jobs: dict[str, dict] = {}
        self.submissions = 0
        self.outcome = "success"
        self.retry_after = "2"
        self.hang_seconds = 2.0
        self.throttle = self.create_errors = self.unavailable = self.hang_create = self.drop_create = 0
        self.get_errors = self.malformed = self.truncate_downloads = 0
        self.expire_outputs = False
        self.output_as_list = False
        self.cdn = FakeCdn(self)
        self._made = threading.Lock()

    def start(self) -> "FakeReplicate":
        self.cdn.start()
        return super().start()

    def stop(self) -> None:
        super().stop()
        self.cdn.stop()

    def prediction(self, prediction_id: str) -> dict:
        with self.lock:
            job = self.jobs[prediction_id]
        elapsed = time.monotonic() - job["created"]
        base = {"id": prediction_id, "model": job["model"], "version": job["version"] or "v-fake",
                "input": job["input"], "output": None, "error": None, "logs": "", "metrics": {},
                "created_at": "2026-11-21T05:00:00Z", "started_at": None, "completed_at": None,
                "urls": {"get": f"{self.url}/v1/predictions/{prediction_id}",
                         "cancel": f"{self.url}/v1/predictions/{prediction_id}/cancel"}}
        if job["canceled"]:
            return {**base, "status": "canceled"}
        if elapsed < self.job_seconds * 0.3:
            return {**base, "status": "starting"}
        if elapsed < self.job_seconds:
            done = int(100 * elapsed / self.job_seconds)
            return {**base, "status": "processing", "started_at": "2026-11-21T05:00:01Z",
                    "logs": f"Generating...\n{done}%|#####     | {done}/100"}
        if job["outcome"] == "moderated":
            return {**base, "status": "failed", "error": "E005: The input or output was flagged as sensitive. "
                    "Please try again with different inputs."}
        if job["outcome"] == "failed":
            return {**base, "status": "failed", "error": "CUDA out of memory"}
        url = self._output(prediction_id, job)
        return {**base, "status": "succeeded", "output": [url] if self.output_as_list and isinstance(url, str) else url,
                "completed_at": "2026-11-21T05:00:09Z", "metrics": {"predict_time": self.job_seconds}}

    def received_references(self) -> list[list[bytes]]:
        """The reference images each create carried (decoded), in the order they were sent."""
        with self.lock:
            jobs = sorted(self.jobs.values(), key=lambda job: job["created"])
        return [_references(job["model"], job["input"]) for job in jobs]

    def _output(self, prediction_id: str, job: dict):
        if job["model"] in IMAGE_MODELS:
            path = f"/{prediction_id}/output.png"
            with self._made:
                self.cdn.files.setdefault(path, tiny_png(96, 54))
            url = f"{self.cdn.url}{path}"
            return [url] if IMAGE_MODELS[job["model"]][3] else url
        path = f"/{prediction_id}/output.mp4"
        with self._made:
            if path not in self.cdn.files:
                inputs = job["input"]
                seconds = float(inputs.get("duration") or 5)
                if inputs.get("video_length") == "25_frames_with_svd_xt":  # Stable Video Diffusion
                    seconds = round(25 / float(inputs.get("frames_per_second") or 6), 3)
                width, height = SIZES.get(inputs.get("aspect_ratio", "16:9"), (320, 180))
                self.cdn.files[path] = sample_mp4(seconds, width, height, 24)
        return f"{self.cdn.url}{path}"


def _decoded(value) -> bytes:
    value = str(value)
    return base64.b64decode(value.split(",", 1)[1]) if value.startswith("data:") else value.encode()


def _references(model: str, inputs: dict) -> list[bytes]:
    field, _, numbered, _ = IMAGE_MODELS.get(model, ("", None, False, False))
    if not field:
        return []
    if numbered:
        return [_decoded(inputs[k]) for k in sorted(inputs) if k.startswith(field)]
    value = inputs.get(field)
    return [_decoded(v) for v in value] if isinstance(value, list) else ([_decoded(value)] if value else [])


_RATIOS = {"match_input_image", "1:1", "4:3", "3:4", "16:9", "9:16", "3:2", "2:3", "21:9"}
SHAPES = {  # model -> documented aspect ratios (and sizes)
    "bytedance/seedream-4": (_RATIOS, {"1K", "2K", "4K", "custom"}),
    "bytedance/seedream-4.5": (_RATIOS, {"2K", "4K", "custom"}),
    "google/nano-banana": (_RATIOS | {"4:5", "5:4"}, None),
    "flux-kontext-apps/multi-image-kontext-max": (_RATIOS | {"4:5", "5:4", "9:21", "2:1", "1:2"}, None),
    "black-forest-labs/flux-kontext-max": (_RATIOS | {"4:5", "5:4", "9:21", "2:1", "1:2"}, None),
}


def _image_problem(model: str | None, inputs: dict) -> str | None:
    """What the model's documented schema refuses in `inputs` (None: acceptable)."""
    if model not in IMAGE_MODELS:
        return None
    ratios, sizes = SHAPES[model]
    if inputs.get("aspect_ratio", "match_input_image") not in ratios:
        return f"input.aspect_ratio: must be one of {sorted(ratios)}"
    if sizes is not None and inputs.get("size", "2K") not in sizes:
        return f"input.size: must be one of {sorted(sizes)}"
    field, most, numbered, _ = IMAGE_MODELS[model]
    if numbered:
        missing = [f"{field}{n}" for n in (1, 2) if not inputs.get(f"{field}{n}")]
        return f"input: {', '.join(missing)} is required" if missing else None
    value = inputs.get(field)
    if most == 1 and isinstance(value, list):
        return f"input.{field}: expected a string"
    if isinstance(value, list) and most is not None and len(value) > most:
        return f"input.{field}: at most {most} images"
    return None
