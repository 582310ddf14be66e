"""A fake Veo service speaking both predictLongRunning dialects (docs/contracts.md).

Gemini API under /v1beta (header x-goog-api-key): POST /v1beta/models/{m}:predictLongRunning -> {"name":
"models/{m}/operations/{id}"}; GET /v1beta/{name} -> {"name", "done", "metadata"?, "error"?, "response":
{"generateVideoResponse": {"generatedSamples": [{"video": {"uri"}}], "raiMediaFilteredCount",
"raiMediaFilteredReasons"}}}; the uri needs the same key. A `seed` is refused (400 INVALID_ARGUMENT), as the
Gemini API does.
Vertex under /v1 (Bearer token): POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:
predictLongRunning; POST ...:fetchPredictOperation {"operationName"} -> response.videos[{bytesBase64Encoded}].

Outcomes: success | moderated (done, no samples, raiMediaFilteredCount 1) | failed (done + error) | no_output.
"""

from __future__ import annotations

import base64

from .hosted_base import FakeService, Recorded, Reply, tiny_mp4

KEY = "AIza-test-SECRET-veo-0042"


def google_error(code: int, status: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "status": status}}


class FakeVeo(FakeService):
    hang_seconds = 2.0

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.expire_outputs = False

    def is_create(self, req: Recorded) -> bool:
        return req.method == "POST" and req.path.endswith(":predictLongRunning")

    def route(self, req: Recorded) -> Reply:
        vertex = req.path.startswith("/v1/")
        if vertex:
            authorised = req.headers.get("authorization") == f"Bearer {KEY}"
        else:
            authorised = req.headers.get("x-goog-api-key") == KEY and "authorization" not in req.headers
        if not authorised:
            return Reply(401 if vertex else 400, google_error(401 if vertex else 400, "UNAUTHENTICATED" if vertex
                                                              else "INVALID_ARGUMENT", "API key not valid."))
        if req.path.startswith("/v1beta/files/"):
            job = self.jobs.get(req.path.removeprefix("/v1beta/files/").split(":")[0])
            if job is None or self.expire_outputs:
                return Reply(404, google_error(404, "NOT_FOUND", "File not found"))
            return self.media_reply(job)
        if self.is_create(req):
            return self.create(req, vertex)
        if vertex and req.method == "POST" and req.path.endswith(":fetchPredictOperation"):
            name = (req.json() or {}).get("operationName", "")
            return self.operation(name, vertex=True)
        if not vertex and req.method == "GET" and "/operations/" in req.path:
            return self.operation(req.path.removeprefix("/v1beta/"), vertex=False)
        return Reply(404, google_error(404, "NOT_FOUND", "not found"))

    def create(self, req: Recorded, vertex: bool) -> Reply:
        body = req.json() or {}
        parameters = body.get("parameters") or {}
        model_path = req.path.removesuffix(":predictLongRunning").removeprefix("/v1beta/").removeprefix("/v1/")
        job = self.new_job(duration=float(parameters.get("durationSeconds") or 8))
        job["name"] = f"{model_path}/operations/{job['id']}"
        fault = self.generic_fault("create", google_error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted"),
                                   hang_reply=Reply(200, {"name": job["name"]}))
        if fault is not None:
            if fault.status >= 400:
                del self.jobs[job["id"]]
            return fault
        if not vertex and "seed" in parameters:
            del self.jobs[job["id"]]
            return Reply(400, google_error(400, "INVALID_ARGUMENT", "seed parameter is not supported in Gemini API"))
        instances = body.get("instances") or []
        if len(instances) != 1 or not instances[0].get("prompt"):
            del self.jobs[job["id"]]
            return Reply(400, google_error(400, "INVALID_ARGUMENT", "instances[0].prompt is required"))
        for ref in instances[0].get("referenceImages", []):
            base64.b64decode(ref["image"]["bytesBase64Encoded"], validate=True)
        return Reply(200, {"name": job["name"]})

    def operation(self, name: str, *, vertex: bool) -> Reply:
        fault = self.generic_fault("status", google_error(500, "INTERNAL", "Internal error encountered."))
        if fault is not None:
            return fault
        job = next((j for j in self.jobs.values() if j.get("name") == name), None)
        if job is None:
            return Reply(404, google_error(404, "NOT_FOUND", "operation not found"))
        step = self.advance(job)
        if step in ("queued", "running"):
            data = {"name": name}
            if step == "running":
                data["metadata"] = {"@type": "type.googleapis.com/google.ai.generativelanguage.v1beta."
                                             "PredictLongRunningMetadata"}
            return Reply(200, data)
        if step == "failed":
            return Reply(200, {"name": name, "done": True, "error": {"code": 13, "message": "Internal error."}})
        result: dict = {"raiMediaFilteredCount": 0}
        if step == "moderated":
            result = {"raiMediaFilteredCount": 1, "raiMediaFilteredReasons": [
                "Your prompt could not be submitted: it may violate our policies (support code 58061214)."]}
        elif step == "success" and vertex:
            encoded = base64.b64encode(tiny_mp4(job["duration"])).decode()
            result["videos"] = [{"bytesBase64Encoded": encoded, "mimeType": "video/mp4"}]
        elif step == "success":
            result["generatedSamples"] = [{"video": {"uri": f"{self.url}/v1beta/files/{job['id']}:download?alt=media"}}]
        if vertex:
            return Reply(200, {"name": name, "done": True, "response": {
                "@type": "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse", **result}})
        return Reply(200, {"name": name, "done": True, "response": {
            "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
            "generateVideoResponse": result}})
