"""A fake MiniMax (Hailuo) API (docs/contracts.md).

Errors come inside HTTP 200 bodies as `base_resp.status_code != 0`, like the real service:
POST /v1/video_generation -> {"task_id", "base_resp": {"status_code": 0, "status_msg": "success"}};
GET /v1/query/video_generation?task_id= -> status Queueing/Preparing/Processing/Success/Fail, `file_id`;
GET /v1/files/retrieve?file_id= -> {"file": {"file_id", "bytes", "filename", "download_url", ...}}.

Faults: throttle (200 + status_code 1002), the generic ones (server_error, unavailable, malformed, hang).
Outcomes: success | moderated (create answers 1026 input sensitive) | moderated_output (the query answers
1027) | failed (status Fail) | no_output (Success without file_id).
"""

from __future__ import annotations

from .hosted_base import FakeService, Recorded, Reply

KEY = "mm-test-SECRET-5150-key"


def ok(**fields) -> dict:
    return {**fields, "base_resp": {"status_code": 0, "status_msg": "success"}}


def error(code: int, message: str) -> dict:
    return {"base_resp": {"status_code": code, "status_msg": message}}


class FakeMinimax(FakeService):
    create_paths = ("/v1/video_generation",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.expire_outputs = False
        self.retrievals = 0
        self.files: dict[str, str] = {}

    def route(self, req: Recorded) -> Reply:
        if req.path.startswith("/files/"):
            job = self.jobs.get(req.path.removeprefix("/files/").split(".")[0])
            if job is None or (self.expire_outputs and req.query.get("gen") == "1"):
                return Reply(403, b"<Error><Code>AccessDenied</Code></Error>", {"Content-Type": "application/xml"})
            return self.media_reply(job)
        if req.headers.get("authorization") != f"Bearer {KEY}":
            return Reply(200, error(1004, "authorization failed"))  # yes: inside a 200
        if self.is_create(req):
            return self.create(req)
        if req.method == "GET" and req.path == "/v1/query/video_generation":
            return self.query(req.query.get("task_id", ""))
        if req.method == "GET" and req.path == "/v1/files/retrieve":
            return self.retrieve(req.query.get("file_id", ""))
        return Reply(404, {"error": "not found"})

    def create(self, req: Recorded) -> Reply:
        body = req.json() or {}
        job = self.new_job(duration=float(body.get("duration") or 6))
        fault = self.take_fault("create")
        if fault == "throttle":
            del self.jobs[job["id"]]
            return Reply(200, error(1002, "rate limit exceeded"))
        if fault is not None:
            self.faults.setdefault("create", []).insert(0, fault)
            reply = self.generic_fault("create", {"error": "internal"},
                                       hang_reply=Reply(200, ok(task_id=job["id"])))
            if reply.status >= 400:
                del self.jobs[job["id"]]
            return reply
        if job["outcome"] == "moderated":
            del self.jobs[job["id"]]
            return Reply(200, error(1026, "input new_sensitive"))
        if not body.get("model") or not body.get("prompt") and not body.get("first_frame_image"):
            del self.jobs[job["id"]]
            return Reply(200, error(2013, "invalid params: model and prompt are required"))
        if body["model"] == "S2V-01" and not body.get("subject_reference"):
            del self.jobs[job["id"]]
            return Reply(200, error(2013, "invalid params: subject_reference"))
        if "negative_prompt" in body or "seed" in body:
            del self.jobs[job["id"]]
            return Reply(200, error(2013, "invalid params: unknown field"))
        return Reply(200, ok(task_id=job["id"]))

    def query(self, task_id: str) -> Reply:
        fault = self.take_fault("status")
        if fault == "throttle":
            return Reply(200, error(1002, "rate limit exceeded"))
        if fault is not None:
            self.faults.setdefault("status", []).insert(0, fault)
            return self.generic_fault("status", {"error": "internal"})
        job = self.jobs.get(task_id)
        if job is None:
            return Reply(200, error(2013, "task not found"))
        step = self.advance(job)
        if step == "queued":
            return Reply(200, ok(task_id=task_id, status="Queueing"))
        if step == "running":
            return Reply(200, ok(task_id=task_id, status="Processing"))
        if step == "moderated_output":
            return Reply(200, error(1027, "output new_sensitive"))
        if step == "failed":
            return Reply(200, ok(task_id=task_id, status="Fail"))
        if step == "no_output":
            return Reply(200, ok(task_id=task_id, status="Success"))
        file_id = job.setdefault("file_id", str(300000 + len(self.files)))
        self.files[file_id] = task_id
        return Reply(200, ok(task_id=task_id, status="Success", file_id=file_id))

    def retrieve(self, file_id: str) -> Reply:
        self.retrievals += 1
        job_id = self.files.get(file_id)
        if job_id is None:
            return Reply(200, error(2013, "file not found"))
        return Reply(200, ok(file={"file_id": int(file_id), "bytes": 1000, "created_at": 1763700000,
                                   "filename": "output.mp4", "purpose": "video_generation",
                                   "download_url": f"{self.url}/files/{job_id}.mp4?gen={self.retrievals}"}))
