"""A fake Kling API (docs/contracts.md).

Checks the self-signed JWT on every request (HS256 over header.payload with the secret key; `iss` is the
access key; `nbf`/`exp` honoured) -> 401 code 1004 when wrong or expired.
POST /v1/videos/{text2video,image2video,multi-image2video} -> {"code": 0, "data": {"task_id", "task_status":
"submitted"}}; images must be raw base64 (a `data:` prefix -> 400 code 1201).
GET the same path + /{task_id} -> task_status submitted/processing/succeed/failed, videos at
data.task_result.videos[0].url.

`sound` ("on"|"off", kling-v2-6 and later; anything else or an older model -> 400 code 1201): with "on" the
video carries a tone (the clip's own sound), else silence.

Faults: throttle -> 429 code 1303 (concurrency over the limit), too_frequent -> 429 code 1302,
balance -> 429 code 1102; the generic ones (server_error, unavailable, malformed, hang).
Outcomes: success | moderated (create refused: 400 code 1301) | moderated_output (task failed by the risk
control system) | failed | no_output.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time

from .hosted_base import FakeService, Recorded, Reply, tiny_mp4

ACCESS = "ak-test-ACCESS-7f3a"
SECRET = "sk-test-SECRET-c0ffee-91"
KINDS = ("text2video", "image2video", "multi-image2video")


def _makes_sound(model: str) -> bool:
    """kling-v2-6 and later (kling-vMAJOR-MINOR...)."""
    parts = model.removeprefix("kling-v").split("-")
    numbers = [int(p) for p in parts[:2] if p.isdigit()]
    return model.startswith("kling-v") and bool(numbers) and (numbers + [0])[:2] >= [2, 6]


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verify_jwt(token: str, access: str = ACCESS, secret: str = SECRET) -> str | None:
    """None when valid, else why not."""
    try:
        header, payload, signature = token.split(".")
        expected = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(signature)):
            return "bad signature"
        if json.loads(_unb64(header)) != {"alg": "HS256", "typ": "JWT"}:
            return "bad header"
        claims = json.loads(_unb64(payload))
    except (ValueError, binascii.Error):
        return "malformed token"
    now = time.time()
    if claims.get("iss") != access:
        return "unknown access key"
    if not claims.get("nbf", now + 1) <= now < claims.get("exp", 0):
        return "token expired or not yet valid"
    return None


class FakeKling(FakeService):
    create_paths = tuple(f"/v1/videos/{kind}" for kind in KINDS)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.expire_outputs = False
        self.tokens: list[str] = []

    def is_create(self, req: Recorded) -> bool:
        return req.method == "POST" and req.path in self.create_paths

    def envelope(self, code: int, message: str, data=None) -> dict:
        return {"code": code, "message": message, "request_id": "req-1", "data": data}

    def route(self, req: Recorded) -> Reply:
        if req.path.startswith("/files/"):
            job = self.jobs.get(req.path.removeprefix("/files/").split(".")[0])
            if job is None or self.expire_outputs:
                return Reply(404, b"Not Found", {"Content-Type": "text/plain"})
            return self.media_reply(job)
        token = req.headers.get("authorization", "").removeprefix("Bearer ")
        self.tokens.append(token)
        problem = verify_jwt(token)
        if problem:
            return Reply(401, self.envelope(1004 if "expired" in problem else 1002, f"auth failed: {problem}"))
        if self.is_create(req):
            return self.create(req)
        kind, _, task_id = req.path.removeprefix("/v1/videos/").partition("/")
        if req.method == "GET" and kind in KINDS and task_id:
            return self.task(kind, task_id)
        return Reply(404, self.envelope(1203, "resource not found"))

    def create(self, req: Recorded) -> Reply:
        body = req.json() or {}
        kind = req.path.removeprefix("/v1/videos/")
        job = self.new_job(duration=float(body.get("duration") or 5), kind=kind)
        fault = self.take_fault("create")
        special = {"throttle": (1303, "parallel task over resource pack limit"),
                   "too_frequent": (1302, "API request too fast, please slow down"),
                   "balance": (1102, "resource pack exhausted")}
        if fault in special:
            del self.jobs[job["id"]]
            code, message = special[fault]
            return Reply(429, self.envelope(code, message))
        if fault is not None:
            self.faults.setdefault("create", []).insert(0, fault)
            reply = self.generic_fault("create", self.envelope(5000, "internal error"),
                                       hang_reply=Reply(200, self.envelope(0, "SUCCEED", self.view(job))))
            if reply.status >= 400:
                del self.jobs[job["id"]]
            return reply
        if job["outcome"] == "moderated":
            del self.jobs[job["id"]]
            return Reply(400, self.envelope(1301, "Failure to pass the content security check"))
        images = [body.get("image"), body.get("image_tail")] + [i.get("image") for i in body.get("image_list", [])]
        for image in filter(None, images):
            if image.startswith("data:"):
                del self.jobs[job["id"]]
                return Reply(400, self.envelope(1201, "image: base64 must not carry a data: prefix"))
            base64.b64decode(image, validate=True)
        sound = body.get("sound")
        if sound is not None and (sound not in ("on", "off") or not _makes_sound(body.get("model_name", ""))):
            del self.jobs[job["id"]]
            return Reply(400, self.envelope(1201, "sound: on or off, only supported by kling-v2-6 and later"))
        job["sound"] = sound == "on"
        if kind == "multi-image2video" and body.get("model_name") != "kling-v1-6":
            del self.jobs[job["id"]]
            return Reply(400, self.envelope(1201, "model_name: multi-image2video needs kling-v1-6"))
        return Reply(200, self.envelope(0, "SUCCEED", self.view(job)))

    def media_reply(self, job: dict) -> Reply:
        if not job.get("sound"):
            return super().media_reply(job)
        fault = self.generic_fault("download", {"error": "download"})
        return fault or Reply(200, tiny_mp4(job["duration"], sound=True), {"Content-Type": "video/mp4"})

    def view(self, job: dict, status: str = "submitted") -> dict:
        return {"task_id": job["id"], "task_status": status, "task_info": {}, "created_at": 1763700000000,
                "updated_at": 1763700000000}

    def task(self, kind: str, task_id: str) -> Reply:
        fault = self.generic_fault("status", self.envelope(5000, "internal error"))
        if fault is not None:
            return fault
        job = self.jobs.get(task_id)
        if job is None or job["kind"] != kind:
            return Reply(404, self.envelope(1203, "task not found"))
        step = self.advance(job)
        if step in ("queued", "running"):
            return Reply(200, self.envelope(0, "SUCCEED", self.view(job, "submitted" if step == "queued"
                                                                    else "processing")))
        if step in ("moderated_output", "failed"):
            view = self.view(job, "failed")
            view["task_status_msg"] = ("Failure to pass the risk control system" if step == "moderated_output"
                                       else "Internal error, please retry")
            return Reply(200, self.envelope(0, "SUCCEED", view))
        view = self.view(job, "succeed")
        if step != "no_output":
            view["task_result"] = {"videos": [{"id": "v1", "url": f"{self.url}/files/{task_id}.mp4",
                                               "duration": str(int(job["duration"]))}]}
        return Reply(200, self.envelope(0, "SUCCEED", view))
