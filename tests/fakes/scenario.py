"""A fake Scenario API (docs/contracts.md, "Scenario").

HTTP Basic auth (API key : API secret) on every /v1 route. POST /v1/assets {"image": base64, "name"} ->
{"asset": {"id"}} (images under 6 MB); POST /v1/generate/custom/{modelId} {"prompt", "aspectRatio",
"numOutputs", "referenceImages": [asset ids]} -> {"job": {"jobId", "status": "queued"}} (404 for an unknown
model, 400 for an unknown asset); GET /v1/jobs/{jobId} -> queued | in-progress | success (metadata.assetIds) |
failure; GET /v1/assets/{assetId} -> {"asset": {"id", "url"}}; the file is served from /cdn/{assetId}.png,
another path that wants no key (403 once `expire_outputs` is set).

Outcomes: success | moderated (failure whose reason names content moderation) | failed.
"""

from __future__ import annotations

import base64

from .hosted_base import FakeService, Recorded, Reply

KEY = "api_test_scenario_KEY_0123"
SECRET = "scn-test-SECRET-9876543210abcdef"
MODEL = "model_character_ada"
ASSET_LIMIT = 6 * 1024 * 1024
RATIOS = {"1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "2:1", "1:2"}


def basic(key: str = KEY, secret: str = SECRET) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


class FakeScenario(FakeService):
    create_paths = ("/v1/generate/",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.models = {MODEL}
        self.assets: dict[str, bytes] = {}  # uploaded reference images by asset id
        self.outputs: dict[str, str] = {}  # output asset id -> job id
        self.expire_outputs = False

    def received_references(self) -> list[list[bytes]]:
        """The reference images of every accepted generation, in order."""
        return [[self.assets[a] for a in job["references"]] for job in self.jobs.values()]

    def route(self, req: Recorded) -> Reply:
        if req.path.startswith("/cdn/"):
            job = self.jobs.get(self.outputs.get(req.path.removeprefix("/cdn/").split(".")[0], ""))
            if job is None or self.expire_outputs:
                return Reply(403, b"<Error><Code>AccessDenied</Code></Error>", {"Content-Type": "application/xml"})
            return self.media_reply(job)
        if req.headers.get("authorization") != basic():
            return Reply(401, {"message": "Unauthorized: invalid API key or secret"})
        if req.method == "POST" and req.path == "/v1/assets":
            return self.upload(req)
        if self.is_create(req):
            return self.create(req)
        if req.method == "GET" and req.path.startswith("/v1/jobs/"):
            return self.job(req.path.removeprefix("/v1/jobs/"))
        if req.method == "GET" and req.path.startswith("/v1/assets/"):
            asset_id = req.path.removeprefix("/v1/assets/")
            if asset_id not in self.outputs and asset_id not in self.assets:
                return Reply(404, {"message": f"Asset {asset_id} not found"})
            return Reply(200, {"asset": {"id": asset_id, "url": f"{self.url}/cdn/{asset_id}.png", "kind": "image"}})
        return Reply(404, {"message": f"Cannot {req.method} {req.path}"})

    def upload(self, req: Recorded) -> Reply:
        body = req.json() or {}
        image, name = body.get("image"), body.get("name")
        if not isinstance(image, str) or not name:
            return Reply(400, {"message": "image (base64) and name are required"})
        try:
            data = base64.b64decode(image.split(",", 1)[1] if image.startswith("data:") else image, validate=True)
        except ValueError:
            return Reply(400, {"message": "image is not valid base64"})
        if len(data) >= ASSET_LIMIT:
            return Reply(413, {"message": "image too large for /v1/assets; use /v1/uploads"})
        asset_id = f"asset_{len(self.assets) + 1:04d}"
        self.assets[asset_id] = data
        return Reply(200, {"asset": {"id": asset_id, "kind": "uploaded", "status": "success"}})

    def create(self, req: Recorded) -> Reply:
        model = req.path.removeprefix("/v1/generate/custom/")
        if not req.path.startswith("/v1/generate/custom/") or model not in self.models:
            return Reply(404, {"message": f"Model {model} not found"})
        body = req.json() or {}
        problem = self.invalid(body)
        if problem:
            return Reply(400, {"message": problem})
        job = self.new_job(image=True, references=list(body.get("referenceImages") or []), body=body)
        fault = self.generic_fault("create", {"message": "Internal server error"},
                                   hang_reply=Reply(200, {"job": {"jobId": job["id"], "status": "queued"}}))
        if fault is not None:
            if fault.status >= 400:
                del self.jobs[job["id"]]
            return fault
        return Reply(200, {"job": {"jobId": job["id"], "status": "queued", "jobType": "inference",
                                   "metadata": {"input": body}}, "creativeUnitsCost": 5})

    def invalid(self, body: dict) -> str | None:
        if not body.get("prompt"):
            return "prompt is required"
        if body.get("aspectRatio") not in (None, *RATIOS):
            return f"aspectRatio must be one of {sorted(RATIOS)}"
        unknown = [a for a in body.get("referenceImages") or [] if a not in self.assets]
        return f"referenceImages: unknown asset {unknown[0]}" if unknown else None

    def job(self, job_id: str) -> Reply:
        fault = self.generic_fault("status", {"message": "Internal server error"})
        if fault is not None:
            return fault
        job = self.jobs.get(job_id)
        if job is None:
            return Reply(404, {"message": f"Job {job_id} not found"})
        base = {"jobId": job_id, "jobType": "inference", "createdAt": "2026-12-07T01:00:00.000Z"}
        step = self.advance(job)
        if step == "queued":
            return Reply(200, {"job": {**base, "status": "queued", "progress": 0}})
        if step == "running":
            return Reply(200, {"job": {**base, "status": "in-progress", "progress": 0.5}})
        if step == "moderated":
            return Reply(200, {"job": {**base, "status": "failure", "progress": 1,
                                       "metadata": {"error": "The prompt was flagged by content moderation"}}})
        if step == "failed":
            return Reply(200, {"job": {**base, "status": "failure", "progress": 1,
                                       "metadata": {"error": "Inference failed: out of memory"}}})
        output = job.setdefault("output", f"asset_out_{job_id[:8]}")
        self.outputs[output] = job_id
        return Reply(200, {"job": {**base, "status": "success", "progress": 1, "metadata": {"assetIds": [output]}}})
