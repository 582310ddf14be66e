"""A fake server for the OpenAI `/v1/videos` contract (docs/contracts.md).

POST /v1/videos (multipart/form-data only; JSON -> 400) -> Video {id, object: "video", status: "queued", ...};
GET /v1/videos/{id} -> status queued/in_progress/completed/failed, `progress` 0-100, header
`openai-poll-after-ms`; GET /v1/videos/{id}/content -> MP4 bytes with the Bearer key (404 once expired).
Errors: {"error": {"message", "type", "param", "code"}}; 429 with Retry-After.

Outcomes: success | moderated (create answers 400 moderation_blocked) | moderated_output (the video fails with
code moderation_blocked) | failed | no_status.
"""

from __future__ import annotations

import re

from .hosted_base import FakeService, Recorded, Reply

KEY = "sk-test-SECRET-openai-9999"
SIZES = {"720x1280", "1280x720", "1024x1792", "1792x1024", "1920x1080", "1080x1920"}


def oai_error(message: str, code: str | None = None, type_: str = "invalid_request_error", param=None) -> dict:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def multipart_fields(req: Recorded) -> dict[str, bytes]:
    """Parse a multipart body well enough for a test double."""
    match = re.search(r"boundary=([^;]+)", req.headers.get("content-type", ""))
    if not match:
        return {}
    fields = {}
    for part in req.body.split(b"--" + match.group(1).strip('"').encode()):
        head, _, value = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]+)"', head)
        if name:
            fields[name.group(1).decode()] = value.removesuffix(b"\r\n")
    return fields


class FakeOpenAIVideos(FakeService):
    create_paths = ("/v1/videos",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.expire_outputs = False
        self.poll_after_ms = "1500"

    def is_create(self, req: Recorded) -> bool:
        return req.method == "POST" and req.path == "/v1/videos"

    def route(self, req: Recorded) -> Reply:
        if req.headers.get("authorization") != f"Bearer {KEY}":
            sent = req.headers.get("authorization", "").removeprefix("Bearer ")
            # echoes what it was given (the real service masks part of it): the adapter must not repeat it
            return Reply(401, oai_error(f"Incorrect API key provided: {sent}.", "invalid_api_key"))
        if self.is_create(req):
            return self.create(req)
        match = re.fullmatch(r"/v1/videos/([^/]+)(/content)?", req.path)
        if req.method == "GET" and match:
            job = self.jobs.get(match.group(1))
            if match.group(2):
                if job is None or self.expire_outputs:
                    return Reply(404, oai_error("Video content has expired.", "not_found"))
                return self.media_reply(job)
            return self.video(match.group(1))
        return Reply(404, oai_error("Not found", "not_found"))

    def view(self, job: dict, status: str, progress: int = 0) -> dict:
        return {"id": job["id"], "object": "video", "status": status, "progress": progress,
                "model": job["model"], "seconds": str(int(job["duration"])), "size": job["size"],
                "created_at": 1763700000, "completed_at": None, "expires_at": None, "error": None}

    def create(self, req: Recorded) -> Reply:
        if not req.headers.get("content-type", "").startswith("multipart/form-data"):
            return Reply(400, oai_error("This endpoint expects multipart/form-data."))
        fields = multipart_fields(req)
        text = {k: v.decode(errors="replace") for k, v in fields.items() if k != "input_reference"}
        job = self.new_job(duration=float(text.get("seconds") or 4), model=text.get("model", "sora-2"),
                           size=text.get("size", "720x1280"))
        fault = self.generic_fault("create", oai_error("Rate limit reached", "rate_limit_exceeded", "requests"),
                                   hang_reply=Reply(200, self.view(job, "queued")))
        if fault is not None:
            if fault.status >= 400:
                del self.jobs[job["id"]]
            return fault
        problem = None
        if not text.get("prompt"):
            problem = oai_error("prompt is required", param="prompt")
        elif text.get("seconds") not in ("4", "8", "12"):
            problem = oai_error("seconds must be one of 4, 8, 12", param="seconds")
        elif text.get("size") not in SIZES:
            problem = oai_error("size is not supported", param="size")
        elif job["outcome"] == "moderated":
            problem = oai_error("Your request was blocked by our moderation system.", "moderation_blocked")
        if problem:
            del self.jobs[job["id"]]
            return Reply(400, problem)
        return Reply(200, self.view(job, "queued"))

    def video(self, video_id: str) -> Reply:
        fault = self.generic_fault("status", oai_error("The server had an error", "server_error", "server_error"))
        if fault is not None:
            return fault
        job = self.jobs.get(video_id)
        if job is None:
            return Reply(404, oai_error("Video not found", "not_found"))
        hint = {"openai-poll-after-ms": self.poll_after_ms}
        step = self.advance(job)
        if step == "queued":
            return Reply(200, self.view(job, "queued"), hint)
        if step == "running":
            return Reply(200, self.view(job, "in_progress", 40), hint)
        if step in ("moderated_output", "failed"):
            view = self.view(job, "failed")
            view["error"] = ({"code": "moderation_blocked", "message": "The output was blocked by moderation."}
                             if step == "moderated_output" else {"code": "internal_error",
                                                                  "message": "Video generation failed."})
            return Reply(200, view)
        if step == "no_status":
            return Reply(200, {"id": video_id, "object": "video"})
        return Reply(200, {**self.view(job, "completed", 100), "completed_at": 1763700100,
                           "expires_at": 1763786500})
