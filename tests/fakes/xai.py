"""A fake xAI Imagine API (docs/contracts.md, "xAI Grok Imagine").

POST /v1/images/generations | /v1/images/edits -> the image at once: {"data": [{"url", "mime_type",
"revised_prompt"}], "block_reason", "usage"} (synchronous; an edit takes `image` or `images`, at most 3);
POST /v1/videos/generations -> {"request_id"}; GET /v1/videos/{id} -> pending | done (video.url,
respect_moderation) | failed (error.code, error.message) | expired. A bad key is a 400, as xAI documents.
Outputs are served from /imgen/{id}.jpeg and /vidgen/{id}.mp4 (403 once `expire_outputs` is set).

Outcomes: success | moderated (an image: 200 with `block_reason`; a video: done with respect_moderation false) |
moderated_400 (an image create refused with a 400 naming moderation) | failed | expired.
"""

from __future__ import annotations

import base64

from .hosted_base import FakeService, Recorded, Reply

KEY = "xai-test-SECRET-key-0123456789abcdef"
IMAGE_RATIOS = {"1:1", "3:4", "4:3", "9:16", "16:9", "2:3", "3:2", "9:19.5", "19.5:9", "9:20", "20:9", "1:2", "2:1",
                "auto"}
VIDEO_RATIOS = {"1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"}
IMAGE_FIELDS = {"model", "prompt", "n", "aspect_ratio", "resolution", "response_format", "quality", "user"}
EDIT_FIELDS = {"model", "prompt", "image", "images", "aspect_ratio", "response_format", "mask", "user"}
VIDEO_FIELDS = {"model", "prompt", "duration", "aspect_ratio", "resolution", "image", "size", "user", "output"}


def _bad(message: str) -> Reply:
    return Reply(400, {"code": "Client specified an invalid argument", "error": message})


def tiny_jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), (150, 110, 70)).save(buffer, format="JPEG")
    return buffer.getvalue()


def decoded_image(url: str) -> bytes:
    """The bytes of a data URI (what the adapter sends for local images)."""
    return base64.b64decode(url.split(",", 1)[1])


class FakeXai(FakeService):
    create_paths = ("/v1/images/generations", "/v1/images/edits", "/v1/videos/generations")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.expire_outputs = False

    def media_reply(self, job: dict) -> Reply:
        """Images come as JPEG (`mime_type: image/jpeg`), as xAI's examples show; videos as MP4."""
        reply = super().media_reply(job)
        if job.get("image") and reply.status == 200:
            return Reply(200, tiny_jpeg(), {"Content-Type": "image/jpeg"})
        return reply

    # -- what tests look at --

    def received_references(self) -> list[list[bytes]]:
        """The source images of every accepted image create, in order (an empty list: text-to-image)."""
        return [job["references"] for job in self.jobs.values() if job.get("image")]

    def first_frames(self) -> list[bytes]:
        """The first frame of every accepted image-to-video create."""
        return [job["first_frame"] for job in self.jobs.values() if job.get("first_frame") is not None]

    # -- routes --

    def route(self, req: Recorded) -> Reply:
        if req.path.startswith(("/imgen/", "/vidgen/")):
            job = self.jobs.get(req.path.rsplit("/", 1)[-1].split(".")[0])
            if job is None or self.expire_outputs:
                return Reply(403, b"<Error><Code>AccessDenied</Code></Error>", {"Content-Type": "application/xml"})
            return self.media_reply(job)
        if req.headers.get("authorization") != f"Bearer {KEY}":
            return _bad("Incorrect API key provided. You can obtain an API key from https://console.x.ai.")
        if req.method == "POST" and req.path in ("/v1/images/generations", "/v1/images/edits"):
            return self.image(req)
        if req.method == "POST" and req.path == "/v1/videos/generations":
            return self.video(req)
        if req.method == "GET" and req.path.startswith("/v1/videos/"):
            return self.poll(req.path.removeprefix("/v1/videos/"))
        return Reply(404, {"code": "Not found", "error": f"no route {req.method} {req.path}"})

    def image(self, req: Recorded) -> Reply:
        body = req.json() or {}
        problem = self.invalid_image(req.path, body)
        if problem:
            return _bad(problem)
        sources = body.get("images") or ([body["image"]] if body.get("image") else [])
        job = self.new_job(image=True, references=[decoded_image(s["url"]) for s in sources], body=body)
        answer = {"data": [{"url": f"{self.url}/imgen/{job['id']}.jpeg", "b64_json": None, "mime_type": "image/jpeg",
                            "revised_prompt": ""}], "block_reason": None,
                  "usage": {"cost_in_usd_ticks": 200_000_000 + 20_000_000 * len(sources)}}
        fault = self.generic_fault("create", {"code": "Internal", "error": "Service temporarily unavailable"},
                                   hang_reply=Reply(200, answer))
        if fault is not None:
            if fault.status >= 400:
                del self.jobs[job["id"]]
            return fault
        if job["outcome"] == "moderated":
            return Reply(200, {"data": [], "block_reason": "content_moderation", "usage": {"cost_in_usd_ticks": 0}})
        if job["outcome"] == "moderated_400":
            del self.jobs[job["id"]]
            return _bad("Generated image rejected by content moderation.")
        return Reply(200, answer)

    @staticmethod
    def invalid_image(path: str, body: dict) -> str | None:
        allowed = EDIT_FIELDS if path.endswith("edits") else IMAGE_FIELDS
        unknown = sorted(set(body) - allowed)
        if unknown:
            return f"Argument not supported: {unknown[0]}"
        if not body.get("prompt"):
            return "prompt: field required"
        if body.get("aspect_ratio") not in (None, *IMAGE_RATIOS):
            return f"aspect_ratio: invalid value {body.get('aspect_ratio')!r}"
        if path.endswith("generations"):
            if body.get("resolution") not in (None, "1k", "2k"):
                return f"resolution: invalid value {body.get('resolution')!r}"
            return None if 1 <= int(body.get("n") or 1) <= 10 else "n must be between 1 and 10"
        if bool(body.get("image")) == bool(body.get("images")):
            return "provide exactly one of image or images"
        sources = body.get("images") or [body["image"]]
        if len(sources) > 3:
            return "at most 3 images can be edited at once"
        if not all(isinstance(s, dict) and str(s.get("url", "")).startswith(("data:image/", "http")) for s in sources):
            return "each image needs a url (a public URL or a base64 data URI)"
        return None

    def video(self, req: Recorded) -> Reply:
        body = req.json() or {}
        problem = self.invalid_video(body)
        if problem:
            return _bad(problem)
        image = body.get("image")
        job = self.new_job(duration=float(body.get("duration") or 8), body=body,
                           first_frame=decoded_image(image["url"]) if image else None)
        fault = self.generic_fault("create", {"code": "Internal", "error": "Service temporarily unavailable"},
                                   hang_reply=Reply(200, {"request_id": job["id"]}))
        if fault is not None:
            if fault.status >= 400:
                del self.jobs[job["id"]]
            return fault
        return Reply(200, {"request_id": job["id"]})

    @staticmethod
    def invalid_video(body: dict) -> str | None:
        unknown = sorted(set(body) - VIDEO_FIELDS)
        if unknown:
            return f"Argument not supported: {unknown[0]}"
        if not body.get("prompt"):
            return "prompt: field required"
        duration = body.get("duration", 8)
        if not isinstance(duration, int) or not 1 <= duration <= 15:
            return f"duration must be an integer in [1, 15], not {duration!r}"
        if body.get("aspect_ratio") not in (None, *VIDEO_RATIOS):
            return f"aspect_ratio: invalid value {body.get('aspect_ratio')!r}"
        if body.get("resolution") not in (None, "480p", "720p"):
            return f"resolution: invalid value {body.get('resolution')!r}"
        image = body.get("image")
        if image is not None and not str((image or {}).get("url", "")).startswith(("data:image/", "http")):
            return "image.url: a public URL or a base64 data URI is required"
        return None

    def poll(self, job_id: str) -> Reply:
        fault = self.generic_fault("status", {"code": "Internal", "error": "Service temporarily unavailable"})
        if fault is not None:
            return fault
        job = self.jobs.get(job_id)
        if job is None:
            return Reply(404, {"code": "Not found", "error": f"request {job_id} not found"})
        step = self.advance(job)
        if step == "queued":
            return Reply(200, {"request_id": job_id})
        if step == "running":
            return Reply(200, {"status": "pending", "progress": 50})
        if step == "moderated":
            return Reply(200, {"status": "done", "video": {"duration": 0, "respect_moderation": False},
                               "model": "grok-imagine-video"})
        if step == "failed":
            return Reply(200, {"status": "failed", "video": {"duration": 0, "respect_moderation": True}, "model": "",
                               "error": {"code": "internal_error", "message": "Video generation failed."}})
        if step == "expired":
            return Reply(200, {"status": "expired"})
        return Reply(200, {"status": "done", "model": "grok-imagine-video",
                           "video": {"url": f"{self.url}/vidgen/{job_id}.mp4", "duration": int(job["duration"]),
                                     "respect_moderation": True}})
