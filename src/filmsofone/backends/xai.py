"""xAI's Imagine API (docs/contracts.md, "xAI Grok Imagine"): images for keyframes and video.

Auth: `Authorization: Bearer $XAI_API_KEY` to `https://api.x.ai`.

Images (`grok-imagine-image`) are synchronous: `POST /v1/images/generations` (text only) or
`POST /v1/images/edits` (with up to 3 source images, `image` or `images`, as data URIs) answers with
`{"data": [{"url", ...}], "block_reason"}`; the output URL is temporary. There is no job to poll, so the
output URL itself is the job id the engine records: a rerun after a crash downloads it instead of paying again.

Video (`grok-imagine`): `POST /v1/videos/generations` -> `{"request_id"}`; `GET /v1/videos/{request_id}` ->
`status` pending | done | failed | expired (done: `video.url`, `video.respect_moderation`; failed: `error`).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from .base import Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus, Refused
from .inputs import data_uri
from .transport import Contract, Step, Transport, is_moderation, malformed, pick

PROVIDER = "xai"
KEY_VAR = "XAI_API_KEY"
IMAGE_LIMIT_MB = 10.0  # [not documented] a conservative ceiling for a data URI in a JSON body
MAX_SOURCE_IMAGES = 3  # documented: "up to three source images for a single image edit"
PROMPT_LIMIT = 1000  # [not documented for the API] the shortest limit seen; longer prompts are refused before sending
CONTRACT = Contract(PROVIDER, key_hint=f"check {KEY_VAR}", message_fields=("error", "message", "detail", "code"))
# a synchronous image create can take a while to answer: a longer read timeout than the 30 s default
IMAGE_CONTRACT = Contract(PROVIDER, key_hint=f"check {KEY_VAR}", message_fields=("error", "message", "detail", "code"),
                          timeout=180.0)

# documented image aspect ratios and their 1K frame sizes (the `resolution` tier is "1k" or "2k")
IMAGE_SIZES = {"1:1": "1024x1024", "3:4": "896x1280", "4:3": "1280x896", "9:16": "768x1408", "16:9": "1408x768",
               "2:3": "864x1296", "3:2": "1296x864", "9:19.5": "576x1248", "19.5:9": "1248x576",
               "9:20": "576x1280", "20:9": "1280x576", "1:2": "704x1408", "2:1": "1408x704"}
# USD per output image; an edit also pays $0.002 per input image (documented)
IMAGE_PRICES = {"grok-imagine-image": 0.02, "grok-imagine-image-pro": 0.07}
INPUT_IMAGE_PRICE = 0.002

VIDEO_RATIOS = ("16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3")  # documented
# the frame sizes we map onto the documented tiers 480p and 720p (by the short side)
VIDEO_SIZES = {"16:9": ("1280x720", "848x480"), "9:16": ("720x1280", "480x848"), "1:1": ("720x720", "480x480"),
               "4:3": ("960x720", "640x480"), "3:4": ("720x960", "480x640"), "3:2": ("1080x720", "720x480"),
               "2:3": ("720x1080", "480x720")}
VIDEO_PRICES = {"480p": 0.05, "720p": 0.07}  # USD per generated second (grok-imagine-video)


class _XaiCommon(Backend):
    needs_key = True
    key_env_var = KEY_VAR
    contract = CONTRACT
    default_concurrency = 2

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed(f"{PROVIDER}: the answer has no output URL")
        await client.download(status.output_urls[0], dest)


# --- images ---------------------------------------------------------------------------------------


class XaiImageOptions(BackendOptions):
    base_url: str = "https://api.x.ai"
    model: str = "grok-imagine-image"  # or grok-imagine-image-pro
    resolution: Literal["1k", "2k"] = "1k"  # text-to-image only (an edit follows its sources)


class XaiImageBackend(_XaiCommon):
    """Grok Imagine images: text-to-image, or an edit of up to 3 reference images (the cast's faces)."""

    name = "grok-imagine-image"
    kind = "image"
    description = "xAI Grok Imagine image (grok-imagine-image / -pro): stills from text and up to 3 reference images"
    capabilities: ClassVar[Capabilities] = Capabilities(
        min_duration=0.0, max_duration=3600.0, aspect_ratios=list(IMAGE_SIZES), resolutions=list(IMAGE_SIZES.values()),
        prompt_limit=PROMPT_LIMIT, seed=False, reference_images=MAX_SOURCE_IMAGES)
    Options = XaiImageOptions
    contract = IMAGE_CONTRACT
    poll_interval = 1.0  # nothing is polled: the create answers with the image
    # the default model's image plus its (at most 3) input images; an instance prices its own model
    price_per_clip = round(IMAGE_PRICES["grok-imagine-image"] + MAX_SOURCE_IMAGES * INPUT_IMAGE_PRICE, 4)

    def __init__(self, options: BackendOptions | None = None, key: str | None = None):
        super().__init__(options, key)
        # an unknown model is priced like the dearest known one until the user says otherwise
        output = IMAGE_PRICES.get(self.options.model, max(IMAGE_PRICES.values()))
        self.price_per_clip = round(output + MAX_SOURCE_IMAGES * INPUT_IMAGE_PRICE, 4)

    def body(self, request: GenerationRequest) -> tuple[str, dict]:
        """The endpoint and JSON body of one still (after `check`)."""
        body: dict = {"model": self.options.model, "prompt": request.prompt, "aspect_ratio": request.aspect_ratio,
                      "response_format": "url"}
        if not request.references:
            return "/v1/images/generations", {**body, "n": 1, "resolution": self.options.resolution}
        images = [{"url": data_uri(path, provider=PROVIDER, limit_mb=IMAGE_LIMIT_MB)} for path in request.references]
        if len(images) == 1:
            return "/v1/images/edits", {**body, "image": images[0]}
        return "/v1/images/edits", {**body, "images": images}

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        """Make the image; its (temporary) URL is the job id. Raises Refused when xAI blocks it."""
        self.check(request)
        path, body = self.body(request)
        data = await client.json(Step.CREATE, "POST", path, json=body)
        reason = data.get("block_reason")
        if reason:
            raise Refused(f"{PROVIDER}: the image was blocked by content moderation ({reason})")
        url = pick(data, "data", 0, "url", contract=self.contract, step=Step.CREATE)
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise malformed(Step.CREATE, self.contract, "data[0].url is not a URL")
        return url

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        """Nothing to ask: the job id is the finished image's URL."""
        if not job_id.startswith(("http://", "https://")):
            raise Failed(f"{PROVIDER}: {job_id!r} is not an image URL")
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=[job_id])


# --- video ----------------------------------------------------------------------------------------


class XaiVideoOptions(BackendOptions):
    base_url: str = "https://api.x.ai"
    model: str = "grok-imagine-video"
    resolution: Literal["480p", "720p"] | None = None  # None: from the shot's frame height


def _video_capabilities() -> Capabilities:
    return Capabilities(durations=[float(s) for s in range(1, 16)], min_duration=1.0, max_duration=15.0,
                        aspect_ratios=list(VIDEO_RATIOS),
                        resolutions=[size for pair in VIDEO_SIZES.values() for size in pair],
                        prompt_limit=PROMPT_LIMIT, seed=False, negative_prompt=False, reference_images=0,
                        first_frame=True, last_frame=False)


class XaiVideoBackend(_XaiCommon):
    """Grok Imagine video: text-to-video, or image-to-video from the shot's keyframe as its first frame."""

    name = "grok-imagine"
    kind = "video"
    description = "xAI Grok Imagine video (grok-imagine-video): 1-15 s, 480p/720p, text or first frame"
    capabilities: ClassVar[Capabilities] = _video_capabilities()
    Options = XaiVideoOptions
    price_per_second = VIDEO_PRICES["720p"]
    price_per_clip = INPUT_IMAGE_PRICE  # the first frame's input price (counted for every shot: an upper bound)
    poll_interval = 5.0

    def __init__(self, options: BackendOptions | None = None, key: str | None = None):
        super().__init__(options, key)
        if self.options.resolution is not None:
            self.price_per_second = VIDEO_PRICES[self.options.resolution]

    def tier(self, request: GenerationRequest) -> str:
        """480p or 720p: the option, else the shot's frame height (its short side)."""
        if self.options.resolution:
            return self.options.resolution
        width, _, height = request.resolution.partition("x")
        short = min(int(width), int(height)) if width.isdigit() and height.isdigit() else 720
        return "720p" if short >= 720 else "480p"

    def body(self, request: GenerationRequest) -> dict:
        body: dict = {"model": self.options.model, "prompt": request.prompt, "duration": int(request.duration),
                      "aspect_ratio": request.aspect_ratio, "resolution": self.tier(request)}
        if request.first_frame is not None:
            body["image"] = {"url": data_uri(request.first_frame, provider=PROVIDER, limit_mb=IMAGE_LIMIT_MB)}
        return body

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        data = await client.json(Step.CREATE, "POST", "/v1/videos/generations", json=self.body(request))
        return str(pick(data, "request_id", contract=self.contract, step=Step.CREATE))

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        return video_status(await client.json(Step.READ, "GET", f"/v1/videos/{job_id}"), self.interval())


def video_status(data: dict, interval: float) -> JobStatus:
    """Map one answer of `GET /v1/videos/{request_id}` onto JobStatus."""
    state = data.get("status")
    progress = data.get("progress")
    fraction = float(progress) / 100 if isinstance(progress, (int, float)) else None
    if state is None and data.get("request_id"):  # accepted, no result yet: the id is echoed back
        return JobStatus(state=JobState.QUEUED, poll_after=interval)
    if state in ("pending", "queued"):
        return JobStatus(state=JobState.QUEUED, progress=fraction)
    if state in ("processing", "in_progress", "running"):
        return JobStatus(state=JobState.RUNNING, progress=fraction)
    if state == "done":
        video = data.get("video") if isinstance(data.get("video"), dict) else {}
        if video.get("respect_moderation") is False:
            return JobStatus(state=JobState.REFUSED,
                             error=f"{PROVIDER}: the video was withheld by content moderation")
        url = video.get("url")
        if not isinstance(url, str) or not url:
            raise malformed(Step.READ, CONTRACT, "a done video without video.url")
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=[url])
    if state == "failed":
        error = data.get("error") if isinstance(data.get("error"), dict) else {}
        code, message = str(error.get("code") or ""), str(error.get("message") or "the video failed")
        text = f"{PROVIDER}: {message}" + (f" [{code}]" if code else "")
        refused = is_moderation(f"{code} {message}", CONTRACT)
        return JobStatus(state=JobState.REFUSED if refused else JobState.FAILED, error=text)
    if state == "expired":
        return JobStatus(state=JobState.FAILED, error=f"{PROVIDER}: the request expired before it was fetched")
    raise malformed(Step.READ, CONTRACT, f"unknown video status {state!r}")
