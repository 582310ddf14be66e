"""A fake Luma service with both APIs (docs/contracts.md).

Agents API under /v1: POST /v1/generations -> 201 Generation {id, state, ...}; GET /v1/generations/{id} ->
state queued/processing/completed/failed, `output: [{type, url}]`, `failure_code`/`failure_reason`;
400/422 on unknown fields (a `seed`), 429 + Retry-After when throttled.
Dream Machine under /dream-machine/v1: POST /generations -> Generation; states queued/dreaming/
completed/failed, `assets.video`, free-text `failure_reason`; `model` is required.

Outcomes: success | moderated | failed | no_output.
"""

from __future__ import annotations

from .hosted_base import FakeService, Recorded, Reply

KEY = "luma-test-SECRET-key-4242"
AGENTS_FIELDS = {"type", "model", "prompt", "aspect_ratio", "video", "user_id", "web_search"}
DM_FIELDS = {"model", "prompt", "aspect_ratio", "duration", "resolution", "loop", "keyframes", "concepts",
             "callback_url", "generation_type"}


class FakeLuma(FakeService):
    create_paths = ("/v1/generations", "/dream-machine/v1/generations")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.expire_outputs = False

    def route(self, req: Recorded) -> Reply:
        if req.path.startswith("/files/"):
            job = self.jobs.get(req.path.removeprefix("/files/").split(".")[0])
            if job is None or self.expire_outputs:
                return Reply(403, b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                             {"Content-Type": "application/xml"})
            return self.media_reply(job)
        legacy = req.path.startswith("/dream-machine/")
        if req.headers.get("authorization") != f"Bearer {KEY}":
            return Reply(401, {"detail": "Invalid API key"} if legacy else
                         {"error": {"code": "unauthorized", "message": "Invalid API key"}})
        if self.is_create(req):
            return self.create(req, legacy)
        prefix = "/dream-machine/v1/generations/" if legacy else "/v1/generations/"
        if req.method == "GET" and req.path.startswith(prefix):
            return self.generation(req.path.removeprefix(prefix), legacy)
        return Reply(404, {"detail": "Not found"})

    def create(self, req: Recorded, legacy: bool) -> Reply:
        body = req.json() or {}
        job = self.new_job(duration=float(str(body.get("duration") or (body.get("video") or {}).get("duration")
                                              or "5s").rstrip("s")), legacy=legacy, request=body)
        fault = self.generic_fault("create", {"error": {"code": "rate_limited", "message": "Too many requests"}},
                                   hang_reply=Reply(201, self.view(job, "queued")))
        if fault is not None:
            if fault.status >= 400:
                del self.jobs[job["id"]]
            return fault
        unknown = set(body) - (DM_FIELDS if legacy else AGENTS_FIELDS)
        if unknown or not body.get("prompt") or not body.get("model"):
            del self.jobs[job["id"]]
            message = f"unknown or missing fields: {sorted(unknown) or 'prompt/model'}"
            return Reply(400, {"detail": message} if legacy else
                         {"error": {"code": "invalid_request", "message": message}})
        return Reply(200 if legacy else 201, self.view(job, "queued"))

    def view(self, job: dict, state: str) -> dict:
        legacy = job["legacy"]
        data = {"id": job["id"], "state": state, "model": job["request"].get("model"),
                "created_at": "2026-11-21T05:00:00Z"}
        if legacy:
            data.update({"generation_type": "video", "request": job["request"], "failure_reason": None,
                         "assets": None})
        else:
            data.update({"type": "video", "output": [], "failure_code": None, "failure_reason": None})
        return data

    def generation(self, job_id: str, legacy: bool) -> Reply:
        fault = self.generic_fault("status", {"error": {"code": "internal", "message": "Internal error"}})
        if fault is not None:
            return fault
        job = self.jobs.get(job_id)
        if job is None:
            return Reply(404, {"detail": "Generation not found"})
        step = self.advance(job)
        if step == "queued":
            return Reply(200, self.view(job, "queued"))
        if step == "running":
            return Reply(200, self.view(job, "dreaming" if legacy else "processing"))
        data = self.view(job, "failed")
        if step == "moderated":
            data["failure_reason"] = "Prompt not allowed because of content moderation"
            if not legacy:
                data["failure_code"] = "content_moderated"
            return Reply(200, data)
        if step == "failed":
            data["failure_reason"] = "The generation failed, please try again"
            if not legacy:
                data["failure_code"] = "generation_failed"
            return Reply(200, data)
        data = self.view(job, "completed")
        url = f"{self.url}/files/{job_id}.mp4?X-Amz-Expires=3600&X-Amz-Signature=ab12"
        if step != "no_output":
            if legacy:
                data["assets"] = {"video": url, "image": f"{self.url}/files/{job_id}.jpg"}
            else:
                data["output"] = [{"type": "video", "url": url}]
        return Reply(200, data)
