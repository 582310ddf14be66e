"""A fake Runway API (docs/contracts.md).

POST /v1/text_to_video | /v1/image_to_video | /v1/text_to_image -> {"id", "estimatedCost"}; 400 on a bad body
(unknown model, negativePrompt on gen4.x, missing X-Runway-Version -> 400 as the real API does);
GET /v1/tasks/{id} -> PENDING/THROTTLED/RUNNING/SUCCEEDED/FAILED with `output` signed URLs;
GET /files/{id}.mp4?sig=... serves the clip (403 once `expire_outputs` is set, like an expired S3 link).

Outcomes: success | moderated (FAILED, SAFETY.INPUT.TEXT) | failed (INTERNAL.BAD_OUTPUT.CODE01) |
throttled (THROTTLED for a poll, then on) | no_output (SUCCEEDED without output: malformed).
"""

from __future__ import annotations

import base64

from .hosted_base import FakeService, Recorded, Reply

KEY = "rw_test_SECRET_key_0123456789"
VERSION = "2024-11-06"
GEN4_RATIOS = {"1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672"}


class FakeRunway(FakeService):
    create_paths = ("/v1/text_to_video", "/v1/image_to_video", "/v1/text_to_image")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.expire_outputs = False
        self.uploaded: list[bytes] = []

    def received_references(self) -> list[list[bytes]]:
        """The reference images each text-to-image create carried (decoded), in the order they were sent."""
        return [[base64.b64decode(ref["uri"].split(",", 1)[1]) for ref in r.json().get("referenceImages", [])]
                for r in self.creates if r.path == "/v1/text_to_image"]

    def route(self, req: Recorded) -> Reply:
        if req.path == "/upload-bucket":  # the presigned storage POST: no Runway key expected
            if "authorization" in req.headers:
                return Reply(400, b"<Error><Code>InvalidArgument</Code></Error>", {"Content-Type": "application/xml"})
            self.uploaded.append(req.body)
            return Reply(204, b"")
        if req.path.startswith("/files/"):
            job = self.jobs.get(req.path.removeprefix("/files/").split(".")[0])
            if job is None or self.expire_outputs:
                return Reply(403, b"<Error><Code>AccessDenied</Code></Error>", {"Content-Type": "application/xml"})
            return self.media_reply(job)
        if req.headers.get("authorization") != f"Bearer {KEY}":
            return Reply(401, {"error": "Invalid API key"})
        if req.headers.get("x-runway-version") != VERSION:
            return Reply(400, {"error": "You must set the X-Runway-Version header"})
        if self.is_create(req):
            return self.create(req)
        if req.method == "POST" and req.path == "/v1/uploads":
            body = req.json() or {}
            if body.get("type") != "ephemeral" or not body.get("filename"):
                return Reply(400, {"error": "filename and type 'ephemeral' are required"})
            return Reply(200, {"uploadUrl": f"{self.url}/upload-bucket", "fields": {"key": "u/1", "policy": "p"},
                               "runwayUri": f"runway://uploads/{len(self.uploaded) + 1}/{body['filename']}"})
        if req.method == "GET" and req.path.startswith("/v1/tasks/"):
            return self.task(req.path.removeprefix("/v1/tasks/"))
        if req.method == "DELETE" and req.path.startswith("/v1/tasks/"):
            return Reply(204, b"")
        return Reply(404, {"error": "Not found"})

    def create(self, req: Recorded) -> Reply:
        body = req.json()
        job = self.new_job(duration=float(body.get("duration") or 5), image=req.path.endswith("text_to_image"))
        fault = self.generic_fault("create", {"error": "Too many requests"},
                                   hang_reply=Reply(200, {"id": job["id"]}))
        if fault is not None:
            if fault.status >= 400:
                del self.jobs[job["id"]]
            return fault
        problem = self.invalid(req.path, body)
        if problem:
            del self.jobs[job["id"]]
            return Reply(400, {"error": problem})
        return Reply(200, {"id": job["id"], "estimatedCost": {"credits": 60}})

    def invalid(self, path: str, body: dict) -> str | None:
        model = body.get("model")
        if not body.get("promptText") and "text" in path:
            return "promptText: Required"
        if len(body.get("promptText", "")) > 1000:
            return "promptText: String must contain at most 1000 character(s)"
        if path.endswith("text_to_image"):
            return None if model in ("gen4_image", "gen4_image_turbo") else f"model: invalid literal {model!r}"
        if model in ("gen4.5", "gen4_turbo"):
            if "negativePrompt" in body:
                return "Unrecognized key(s) in object: 'negativePrompt'"
            if path.endswith("text_to_video") and model == "gen4_turbo":
                return "model: gen4_turbo is not available for text_to_video"
            if path.endswith("text_to_video") and body.get("ratio") not in ("1280:720", "720:1280"):
                return f"ratio: Invalid enum value {body.get('ratio')!r} for text_to_video"
            if body.get("ratio") not in GEN4_RATIOS:
                return f"ratio: Invalid enum value {body.get('ratio')!r}"
        if path.endswith("image_to_video") and not body.get("promptImage"):
            return "promptImage: Required"
        return None

    def task(self, job_id: str) -> Reply:
        fault = self.generic_fault("status", {"error": "Internal server error"})
        if fault is not None:
            return fault
        job = self.jobs.get(job_id)
        if job is None:
            return Reply(404, {"error": "Task not found"})
        base = {"id": job_id, "createdAt": "2026-11-21T05:00:00.000Z"}
        step = self.advance(job)
        if step == "queued":
            return Reply(200, {**base, "status": "PENDING"})
        if step == "running":
            return Reply(200, {**base, "status": "RUNNING", "progress": 0.5})
        if step == "throttled":
            job["outcome"] = "success"
            job["polls"] = 0
            return Reply(200, {**base, "status": "THROTTLED"})
        if step == "moderated":
            return Reply(200, {**base, "status": "FAILED", "failure": "Your prompt was flagged by moderation.",
                               "failureCode": "SAFETY.INPUT.TEXT"})
        if step == "failed":
            return Reply(200, {**base, "status": "FAILED", "failure": "An unexpected error occurred.",
                               "failureCode": "INTERNAL.BAD_OUTPUT.CODE01"})
        if step == "no_output":
            return Reply(200, {**base, "status": "SUCCEEDED"})
        suffix = "png" if job.get("image") else "mp4"
        return Reply(200, {**base, "status": "SUCCEEDED", "progress": 1,
                           "output": [f"{self.url}/files/{job_id}.{suffix}?sig=abc&expires=1"]})
