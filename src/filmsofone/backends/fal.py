"""fal.ai: hosted video models through the queue API (docs/contracts.md, "fal").

Also the way to Pika (no first-party API), Kling, Seedance and Stable Video Diffusion: pick one with
`--option model=...`. submit `POST {base}/{model}` -> `request_id` plus the status and response URLs (used
as given: they drop the model's subpath) -> poll `GET {status_url}?logs=1` (IN_QUEUE, IN_PROGRESS,
COMPLETED, with `error` when the run failed) -> `GET {response_url}` -> `video.url` -> download.

`fal-image` (kind image, for keyframes and portraits) is the same queue with the multi-reference image
models of `IMAGE_MODELS` (FLUX Kontext max multi, Seedream 4 / 4.5 edit, Nano Banana edit): the shot's
reference images go in the model's image list, the result is `images[].url`.

Auth is `Authorization: Key $FAL_KEY` (not Bearer), sent only to the queue host. Creates are not
idempotent (a timeout after sending is `OutcomeUnknown`). A 422 whose detail is a content-policy type is
a moderation refusal, never retried. Prices are estimates in USD from fal's model pages (late 2026);
override with `--option price_per_second=...` or `price_per_clip=...`.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Literal

import httpx
from pydantic import Field, field_validator

from .base import (Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus,
                   Transient)
from .inputs import (GENERIC, ImageModel, ReferenceImageModels, VideoModel, check_images, data_uri, describe,
                     output_urls, price_per_second)
from .transport import Contract, Step, Transport, is_moderation, pick, same_origin

IMAGE_LIMIT_MB = 7.0
CONTRACT = Contract("fal", message_fields=("detail", "error", "message"))
_SEEDANCE_RATIOS = ["21:9", "16:9", "4:3", "1:1", "3:4", "9:16"]
_SEEDANCE_SECONDS = [float(d) for d in range(2, 13)]
_PIKA_RATIOS = ["16:9", "9:16", "1:1", "4:5", "5:4", "3:2", "2:3"]


def _seedance(image: bool, price: float, at_height: int, resolutions: dict[int, str]) -> VideoModel:
    """Seedance is billed by video tokens (width x height x fps x seconds / 1024): `price` per second at
    `at_height` (fal's headline), other heights in proportion to their pixels."""
    names = {"prompt": "prompt", "seed": "seed", "duration": "duration", "aspect_ratio": "aspect_ratio",
             "resolution": "resolution"}
    if image:
        names.update(first_frame="image_url", last_frame="end_image_url")
    prices = {h: round(price * (h / at_height) ** 2, 4) for h in resolutions}
    return VideoModel(Capabilities(durations=_SEEDANCE_SECONDS, aspect_ratios=_SEEDANCE_RATIOS, resolutions=[
        f"{round(h * 16 / 9)}x{h}" for h in resolutions], prompt_limit=2000, seed=True, first_frame=image,
        last_frame=image), names, price_per_second=prices[at_height], duration_type=str, resolutions=resolutions,
        prices=prices, needs_first_frame=image)


def _kling(image: bool, price: float) -> VideoModel:
    names = {"prompt": "prompt", "negative_prompt": "negative_prompt", "duration": "duration"}
    names.update({"first_frame": "image_url"} if image else {"aspect_ratio": "aspect_ratio"})
    ratios = ["16:9", "9:16", "1:1"]
    return VideoModel(Capabilities(durations=[5.0, 10.0], aspect_ratios=ratios, resolutions=["1920x1080"],
                                   prompt_limit=2500, negative_prompt=True, first_frame=image),
                      names, price_per_second=price, duration_type=str, needs_first_frame=image)


def _pika(version: str, image: bool) -> VideoModel:
    names = {"prompt": "prompt", "negative_prompt": "negative_prompt", "seed": "seed", "duration": "duration",
             "resolution": "resolution"}
    ratios = ["16:9"]
    if image:
        names["first_frame"] = "image_url"
    elif version == "2.2":
        names["aspect_ratio"], ratios = "aspect_ratio", _PIKA_RATIOS
    table = {720: "720p", 1080: "1080p"} if version == "2.2" else {480: "480p", 720: "720p", 1080: "1080p"}
    prices = {720: 0.04, 1080: 0.09} if version == "2.2" else {}  # $0.20 and $0.45 a 5 s clip
    return VideoModel(Capabilities(durations=[5.0, 10.0], aspect_ratios=ratios, resolutions=["1280x720", "1920x1080"],
                                   prompt_limit=2000, seed=True, negative_prompt=True, first_frame=image),
                      names, price_per_second=0.04, resolutions=table, prices=prices, needs_first_frame=image)


MODELS: dict[str, VideoModel] = {
    "fal-ai/bytedance/seedance/v1/lite/text-to-video": _seedance(False, 0.036, 720, {480: "480p", 720: "720p", 1080: "1080p"}),
    "fal-ai/bytedance/seedance/v1/lite/image-to-video": _seedance(True, 0.036, 720, {480: "480p", 720: "720p", 1080: "1080p"}),
    "fal-ai/bytedance/seedance/v1/pro/fast/text-to-video": _seedance(False, 0.049, 1080, {480: "480p", 720: "720p", 1080: "1080p"}),
    "fal-ai/kling-video/v2.1/master/text-to-video": _kling(False, 0.28),
    "fal-ai/kling-video/v2.1/master/image-to-video": _kling(True, 0.28),
    "fal-ai/kling-video/v2.1/standard/image-to-video": _kling(True, 0.056),
    "fal-ai/pika/v2.2/text-to-video": _pika("2.2", False),
    "fal-ai/pika/v2.2/image-to-video": _pika("2.2", True),
    "fal-ai/pika/v2.5/text-to-video": _pika("2.5", False),
    "fal-ai/stable-video": VideoModel(  # SVD animates the first frame: 25 frames, length set through fps
        Capabilities(durations=[1.0, 2.0, 2.5], aspect_ratios=["16:9", "9:16", "1:1"], resolutions=["1024x576"],
                     prompt_limit=2000, seed=True, first_frame=True),
        {"seed": "seed", "fps": "fps", "first_frame": "image_url"}, price_per_clip=0.075, frames=25,
        needs_first_frame=True, fixed={"motion_bucket_id": 127, "cond_aug": 0.02}),
}
DEFAULT_MODEL = "fal-ai/bytedance/seedance/v1/lite/text-to-video"
_SEPARATOR = "|"


class FalOptions(BackendOptions):
    base_url: str = "https://queue.fal.run"
    model: str = DEFAULT_MODEL  # an endpoint id, e.g. fal-ai/pika/v2.2/text-to-video
    extra_input: dict = Field(default_factory=dict)  # model-specific inputs sent as they are
    priority: Literal["normal", "low"] | None = None
    start_timeout: int | None = Field(default=None, ge=1)  # seconds the queue may wait to start the run

    @field_validator("model")
    @classmethod
    def _endpoint(cls, value: str) -> str:
        if not re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w.-]+)*", value):
            raise ValueError("a fal model is an endpoint id such as fal-ai/pika/v2.2/text-to-video")
        return value


class FalBackend(Backend):
    name = "fal"
    kind = "video"
    description = "fal.ai queue: Seedance, Kling, Pika, Stable Video Diffusion and any video endpoint"
    capabilities = MODELS[DEFAULT_MODEL].caps
    needs_key = True
    key_env_var = "FAL_KEY"
    Options = FalOptions
    contract = CONTRACT
    idempotent_create = False
    cache_exempt_options = Backend.cache_exempt_options | {"priority", "start_timeout"}
    price_per_second = MODELS[DEFAULT_MODEL].price_per_second
    default_concurrency = 2  # fal's starting account concurrency; more is queued server-side anyway
    poll_interval = 3.0

    def __init__(self, options: FalOptions | None = None, key: str | None = None):
        super().__init__(options, key)
        known = self.options.model in MODELS
        self.model = MODELS.get(self.options.model, GENERIC)
        self.capabilities = self.model.caps
        self.price_per_second = self.model.price_per_second if known else None
        self.price_per_clip = self.model.price_per_clip if known else None

    def price_per_second_at(self, resolution: str | None) -> float | None:
        """The chosen model's price at the height it makes for `resolution` (Seedance and Pika 2.2 cost more at
        1080p); None for an endpoint fal has not priced here."""
        if resolution is None or self.price_per_second is None:
            return self.price_per_second
        return price_per_second(self.model, resolution)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Key {self._key}"} if self._key else {}

    def check(self, request: GenerationRequest) -> None:
        super().check(request)
        check_images(request, self.model, "fal", IMAGE_LIMIT_MB)

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        body = {**describe(self.model, request, partial(data_uri, provider="fal", limit_mb=IMAGE_LIMIT_MB)),
                **self.options.extra_input}
        return await self._queue(client, self.options.model, body)

    async def _queue(self, client: Transport, endpoint: str, body: dict) -> str:
        """Submit `body` to `endpoint`'s queue; the job id holds the request id and its status/response URLs."""
        headers = {}
        if self.options.priority:
            headers["X-Fal-Queue-Priority"] = self.options.priority
        if self.options.start_timeout:
            headers["X-Fal-Request-Timeout"] = str(self.options.start_timeout)
        data = await client.json(Step.CREATE, "POST", f"/{endpoint}", json=body, headers=headers)
        ids = [str(pick(data, name, contract=CONTRACT, step=Step.CREATE))
               for name in ("request_id", "status_url", "response_url")]
        job_id = _SEPARATOR.join(ids)
        self._urls(job_id)  # the key goes only to the queue's own host
        return job_id

    def _urls(self, job_id: str) -> tuple[str, str]:
        """The status and response URLs of a job; Failed when they leave the queue's host (the key would follow)."""
        _, status_url, response_url = _split(job_id)
        if not (same_origin(status_url, self.options.base_url) and same_origin(response_url, self.options.base_url)):
            raise Failed("fal: the queue answered with URLs on another host; refusing to send the key there")
        return status_url, response_url

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        status_url, response_url = self._urls(job_id)
        data = await client.json(Step.READ, "GET", status_url, params={"logs": "1"})
        state = pick(data, "status", contract=CONTRACT)
        if state == "IN_QUEUE":
            return JobStatus(state=JobState.QUEUED)
        if state == "IN_PROGRESS":
            return JobStatus(state=JobState.RUNNING, progress=_log_progress(data.get("logs")))
        if state != "COMPLETED":
            raise Transient(f"fal: unknown status {state!r}")
        if data.get("error"):
            message = f"fal: {data.get('error_type') or 'error'}: {data['error']}"[:500]
            refused = is_moderation(f"{data.get('error_type')} {data['error']}", CONTRACT)
            return JobStatus(state=JobState.REFUSED if refused else JobState.FAILED, error=message)
        return await self._result(client, response_url)

    async def _result(self, client: Transport, response_url: str) -> JobStatus:
        """The run's result; a 4xx here is the model's own failure (a 422 content filter: a refusal)."""
        response = await client.send(Step.READ, "GET", response_url, read_codes=_MODEL_ERRORS)
        if response.status_code in _MODEL_ERRORS:
            message = f"fal: {_detail(response)}"[:500]
            refused = is_moderation(message, CONTRACT)
            return JobStatus(state=JobState.REFUSED if refused else JobState.FAILED, error=message)
        return self.outcome(client.decode(Step.READ, response))

    def outcome(self, data: dict) -> JobStatus:
        """The job's end from its result: the output URLs, or why there are none."""
        urls = output_urls(data.get("video") or data.get("videos") or data)
        if not urls:
            return JobStatus(state=JobState.FAILED, error="fal: the result holds no video URL")
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=urls)

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed("fal: no output to download")
        await client.download(status.output_urls[0], dest)  # the key stays with the API's host


_MODEL_ERRORS = frozenset(code for code in range(400, 500) if code != 429)


def _split(job_id: str) -> tuple[str, str, str]:
    parts = job_id.split(_SEPARATOR)
    if len(parts) != 3 or not all(p.startswith(("http://", "https://")) for p in parts[1:]):
        raise Failed(f"fal: not a job id of this backend: {job_id[:80]!r}")
    return parts[0], parts[1], parts[2]


def _detail(response: httpx.Response) -> str:
    """fal's error detail: a list of {loc, msg, type} for model errors, a string for infrastructure ones."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    detail = body.get("detail") if isinstance(body, dict) else body
    if isinstance(detail, list):
        items = [f"{d.get('type', 'error')}: {d.get('msg', '')}" for d in detail if isinstance(d, dict)]
        return f"HTTP {response.status_code}: " + "; ".join(items)
    return f"HTTP {response.status_code}: {detail}"


def _log_progress(logs) -> float | None:
    if not isinstance(logs, list):
        return None
    text = "\n".join(str(item.get("message", "")) for item in logs if isinstance(item, dict))
    found = re.findall(r"(\d{1,3}(?:\.\d+)?)\s?%", text)
    return min(1.0, float(found[-1]) / 100) if found else None


# --- images: multi-reference models for keyframes (`fal-image`) -----------------------------------------

_KONTEXT_RATIOS = ("21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21")
_SEEDREAM_SIZES = {"16:9": "landscape_16_9", "9:16": "portrait_16_9", "4:3": "landscape_4_3",
                   "3:4": "portrait_4_3", "1:1": "square_hd"}
_NANO_RATIOS = ("21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3", "9:16")
_ONE_PNG = {"num_images": 1, "output_format": "png"}


def _seedream(version: str, price: float, references: int) -> dict[str, ImageModel]:
    base = f"fal-ai/bytedance/seedream/{version}"
    shape = dict(aspect_ratios=tuple(_SEEDREAM_SIZES), ratio="image_size", sizes=_SEEDREAM_SIZES, seed="seed")
    return {f"{base}/edit": ImageModel(price, references="image_urls", max_references=references, min_references=1,
                                       fallback=f"{base}/text-to-image", fixed={"num_images": 1, "max_images": 1,
                                       "enable_safety_checker": True}, **shape),
            f"{base}/text-to-image": ImageModel(price, fixed={"num_images": 1, "max_images": 1,
                                                               "enable_safety_checker": True}, **shape)}


IMAGE_MODELS: dict[str, ImageModel] = {  # endpoint id -> inputs (fal's model pages, llms.txt; late 2026)
    **_seedream("v4", 0.03, 10),
    **_seedream("v4.5", 0.04, 10),
    "fal-ai/flux-pro/kontext/max/multi": ImageModel(  # fal documents no maximum: 4, as BFL's own Kontext API
        0.08, _KONTEXT_RATIOS, references="image_urls", max_references=4, min_references=1,
        fallback="fal-ai/flux-pro/kontext/max/text-to-image", seed="seed",
        fixed={**_ONE_PNG, "safety_tolerance": "2"}),
    "fal-ai/flux-pro/kontext/max/text-to-image": ImageModel(0.08, _KONTEXT_RATIOS, seed="seed",
                                                            fixed={**_ONE_PNG, "safety_tolerance": "2"}),
    "fal-ai/nano-banana/edit": ImageModel(  # Gemini 2.5 Flash Image: Google advises at most 3 input images
        0.039, _NANO_RATIOS, references="image_urls", max_references=3, min_references=1,
        fallback="fal-ai/nano-banana", seed="seed", fixed=_ONE_PNG),
    "fal-ai/nano-banana": ImageModel(0.039, _NANO_RATIOS, seed="seed", fixed=_ONE_PNG),
}
DEFAULT_IMAGE_MODEL = "fal-ai/bytedance/seedream/v4/edit"


class FalImageOptions(FalOptions):
    model: str = DEFAULT_IMAGE_MODEL  # one of IMAGE_MODELS


class FalImageBackend(ReferenceImageModels, FalBackend):
    """fal's multi-reference image models: a keyframe from the shot's prompt and its reference images."""

    name = "fal-image"
    kind = "image"
    description = "fal.ai image models with reference images: Seedream 4/4.5 edit, FLUX Kontext max multi, Nano Banana"
    capabilities = IMAGE_MODELS[DEFAULT_IMAGE_MODEL].capabilities()
    Options = FalImageOptions
    price_per_second = None
    price_per_clip = IMAGE_MODELS[DEFAULT_IMAGE_MODEL].price_per_image
    poll_interval = 2.0
    image_models, provider, image_limit_mb = IMAGE_MODELS, "fal", IMAGE_LIMIT_MB

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        return await self._queue(client, *self.image_input(request))

    def outcome(self, data: dict) -> JobStatus:
        if any(flag is True for flag in data.get("has_nsfw_concepts") or []):
            return JobStatus(state=JobState.REFUSED, error="fal: the safety checker flagged the image")
        urls = output_urls(data.get("images") or data.get("image") or [])
        if not urls:
            return JobStatus(state=JobState.FAILED, error="fal: the result holds no image URL")
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=urls[:1])
