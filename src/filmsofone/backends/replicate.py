"""Replicate: hosted video models through the predictions API (docs/contracts.md, "Replicate").

create `POST /v1/models/{owner}/{name}/predictions` (or `/v1/predictions` with a pinned `version`) ->
poll `GET /v1/predictions/{id}` (starting, processing, succeeded, failed, canceled) -> download `output`
(a URL, a list of them, or an object holding them; deleted after an hour, so fetched at once).

`replicate-image` (kind image, for keyframes and portraits) runs the multi-reference image models of
`IMAGE_MODELS` (Seedream 4 / 4.5, Nano Banana, FLUX Kontext max and its two-image app) the same way.

Auth is `Authorization: Bearer $REPLICATE_API_TOKEN`, sent only to the API host, never to the file CDN.
Creates are not idempotent: a create that times out after sending is `OutcomeUnknown` (the engine marks
it and asks before resubmitting). Inputs differ per model; the known models below declare theirs (input
names, allowed durations, ratios, prompt limits, images, price). Any other model takes the prompt,
duration and ratio, plus `extra_input`. Prices are estimates in USD from the providers' pages (late
2026); override them with `--option price_per_second=...`.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from pydantic import Field, field_validator

from .base import (Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus,
                   Transient)
from .inputs import GENERIC, ImageModel, ReferenceImageModels, VideoModel, check_images, data_uri, describe, output_urls
from .transport import Contract, Step, Transport, is_moderation, pick

IMAGE_LIMIT_MB = 7.0  # data URIs travel inside the JSON body
CONTRACT = Contract("replicate", moderation_codes=("E005",))


def _caps(**values) -> Capabilities:
    return Capabilities(**values)


MODELS: dict[str, VideoModel] = {
    "kwaivgi/kling-v2.1-master": VideoModel(
        _caps(durations=[5, 10], aspect_ratios=["16:9", "9:16", "1:1"], resolutions=["1920x1080"],
              prompt_limit=2500, negative_prompt=True, first_frame=True),
        {"prompt": "prompt", "negative_prompt": "negative_prompt", "duration": "duration",
         "aspect_ratio": "aspect_ratio", "first_frame": "start_image"},
        price_per_second=0.28, ratio_follows_image=True),
    "minimax/hailuo-2.3": VideoModel(
        _caps(durations=[6, 10], aspect_ratios=["16:9"], resolutions=["1366x768", "1920x1080"],
              prompt_limit=2000, first_frame=True),
        {"prompt": "prompt", "duration": "duration", "resolution": "resolution",
         "first_frame": "first_frame_image"},
        price_per_second=0.047, resolutions={768: "768p", 1080: "1080p"}, fixed={"prompt_optimizer": False}),
    "bytedance/seedance-1-lite": VideoModel(
        _caps(durations=[float(d) for d in range(2, 13)], aspect_ratios=["16:9", "4:3", "1:1", "3:4", "9:16",
              "21:9", "9:21"], resolutions=["854x480", "1280x720", "1920x1080"], prompt_limit=2000, seed=True,
              reference_images=4, first_frame=True, last_frame=True, frames_with_references=False),
        {"prompt": "prompt", "seed": "seed", "duration": "duration", "aspect_ratio": "aspect_ratio",
         "resolution": "resolution", "first_frame": "image", "last_frame": "last_frame_image",
         "references": "reference_images"},
        price_per_second=0.036, resolutions={480: "480p", 720: "720p", 1080: "1080p"}, fixed={"fps": 24}),
    "bytedance/seedance-1-pro": VideoModel(
        _caps(durations=[float(d) for d in range(2, 13)], aspect_ratios=["16:9", "4:3", "1:1", "3:4", "9:16",
              "21:9", "9:21"], resolutions=["854x480", "1920x1080"], prompt_limit=2000, seed=True,
              first_frame=True, last_frame=True),
        {"prompt": "prompt", "seed": "seed", "duration": "duration", "aspect_ratio": "aspect_ratio",
         "resolution": "resolution", "first_frame": "image", "last_frame": "last_frame_image"},
        price_per_second=0.15, resolutions={480: "480p", 1080: "1080p"}, fixed={"fps": 24}),
    "stability-ai/stable-video-diffusion": VideoModel(  # animates the first frame: 25 frames, fps sets the length
        _caps(durations=[1.0, 2.0, 2.5], aspect_ratios=["16:9", "9:16", "1:1"], resolutions=["1024x576"],
              prompt_limit=2000, seed=True, first_frame=True),
        {"seed": "seed", "fps": "frames_per_second", "first_frame": "input_image"}, price_per_clip=0.07, frames=25,
        needs_first_frame=True, fixed={"video_length": "25_frames_with_svd_xt", "sizing_strategy":
                                       "maintain_aspect_ratio", "motion_bucket_id": 127, "cond_aug": 0.02}),
}
DEFAULT_MODEL = "kwaivgi/kling-v2.1-master"
# community models run by version id: the one Replicate's own example prediction runs
# (replicate.com/p/i3p45mtb7hlersug7xeese7gla, by Replicate's @fofr); `--option version=` overrides it
PINNED_VERSIONS = {
    "stability-ai/stable-video-diffusion": "3f0457e4619daac51203dedb472816fd4af51f3149fa7a9e0b5ffcf1b8172438",
}


class ReplicateOptions(BackendOptions):
    base_url: str = "https://api.replicate.com"
    model: str = DEFAULT_MODEL  # owner/name
    version: str | None = None  # a pinned version id (community models)
    extra_input: dict = Field(default_factory=dict)  # model-specific inputs sent as they are

    @field_validator("model")
    @classmethod
    def _model_name(cls, value: str) -> str:
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", value):
            raise ValueError("a Replicate model is owner/name, e.g. kwaivgi/kling-v2.1-master")
        return value


class ReplicateBackend(Backend):
    name = "replicate"
    kind = "video"
    description = "Replicate predictions (Kling, Hailuo, Seedance and any video model by owner/name)"
    capabilities = MODELS[DEFAULT_MODEL].caps
    needs_key = True
    key_env_var = "REPLICATE_API_TOKEN"
    Options = ReplicateOptions
    contract = CONTRACT
    idempotent_create = False
    price_per_second = MODELS[DEFAULT_MODEL].price_per_second
    default_concurrency = 4
    poll_interval = 3.0

    def __init__(self, options: ReplicateOptions | None = None, key: str | None = None):
        super().__init__(options, key)
        self.model = MODELS.get(self.options.model, GENERIC)
        self.capabilities = self.model.caps
        self.price_per_second = self.model.price_per_second if self.options.model in MODELS else None
        self.price_per_clip = self.model.price_per_clip

    def check(self, request: GenerationRequest) -> None:
        super().check(request)
        check_images(request, self.model, "replicate", IMAGE_LIMIT_MB)

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        image = partial(data_uri, provider="replicate", limit_mb=IMAGE_LIMIT_MB)
        inputs = {**describe(self.model, request, image), **self.options.extra_input}
        return await self._predict(client, self.options.model, inputs)

    async def _predict(self, client: Transport, model: str, inputs: dict) -> str:
        """Create a prediction of `model` (pinned to the option's version, else to the documented one)."""
        body: dict = {"input": inputs}
        chosen = self.options.version if model == self.options.model else None  # not a fallback's
        version = chosen or PINNED_VERSIONS.get(model)
        if version:
            url, body["version"] = "/v1/predictions", version
        else:
            url = f"/v1/models/{model}/predictions"
        data = await client.json(Step.CREATE, "POST", url, json=body)
        return str(pick(data, "id", contract=CONTRACT, step=Step.CREATE))

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        data = await client.json(Step.READ, "GET", f"/v1/predictions/{job_id}")
        state, error = pick(data, "status", contract=CONTRACT), data.get("error")
        if state == "starting":
            return JobStatus(state=JobState.QUEUED)
        if state == "processing":
            return JobStatus(state=JobState.RUNNING, progress=log_progress(data.get("logs")))
        if state == "succeeded":
            urls = output_urls(data.get("output"))
            if not urls:
                return JobStatus(state=JobState.FAILED, error="replicate: the prediction succeeded without a "
                                 "URL in its output")
            return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=urls)
        if state in ("failed", "canceled", "aborted"):
            message = f"replicate: {error or state}"
            refused = bool(error) and is_moderation(str(error), CONTRACT)
            return JobStatus(state=JobState.REFUSED if refused else JobState.FAILED, error=message[:500])
        raise Transient(f"replicate: unknown prediction status {state!r}")

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed("replicate: no output to download")
        await client.download(status.output_urls[0], dest)  # the key stays with the API's host


def log_progress(logs) -> float | None:
    """The last percentage in a prediction's logs (many models print tqdm bars), as 0..1."""
    if not isinstance(logs, str):
        return None
    found = re.findall(r"(\d{1,3})%\|", logs) or re.findall(r"(\d{1,3}(?:\.\d+)?)\s?%", logs)
    return min(1.0, float(found[-1]) / 100) if found else None



# --- images: multi-reference models for keyframes (`replicate-image`) -----------------------------------

_RATIOS = ("16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "1:1", "21:9")
_KONTEXT_RATIOS = ("21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21")
_SEEDREAM = {"size": "2K", "sequential_image_generation": "disabled", "max_images": 1}
_KONTEXT = {"output_format": "png", "safety_tolerance": 2}

IMAGE_MODELS: dict[str, ImageModel] = {  # owner/name -> inputs (the models' API pages on Replicate; late 2026)
    "bytedance/seedream-4": ImageModel(0.03, _RATIOS, references="image_input", max_references=10, fixed=_SEEDREAM),
    "bytedance/seedream-4.5": ImageModel(0.04, _RATIOS, references="image_input", max_references=14,
                                         fixed=_SEEDREAM),
    "google/nano-banana": ImageModel(  # Gemini 2.5 Flash Image: Google advises at most 3 input images
        0.039, _RATIOS[:-1] + ("4:5", "5:4", "21:9"), references="image_input", max_references=3,
        fixed={"output_format": "png"}),
    "flux-kontext-apps/multi-image-kontext-max": ImageModel(  # exactly two images (input_image_1, input_image_2)
        0.08, _KONTEXT_RATIOS, references="input_image_{n}", max_references=2, min_references=2,
        fallback="black-forest-labs/flux-kontext-max", fixed=_KONTEXT),
    "black-forest-labs/flux-kontext-max": ImageModel(0.08, _KONTEXT_RATIOS, references="input_image",
                                                     max_references=1, seed="seed", fixed=_KONTEXT),
}
DEFAULT_IMAGE_MODEL = "bytedance/seedream-4"


class ReplicateImageOptions(ReplicateOptions):
    model: str = DEFAULT_IMAGE_MODEL  # one of IMAGE_MODELS


class ReplicateImageBackend(ReferenceImageModels, ReplicateBackend):
    """Replicate's multi-reference image models: a keyframe from the shot's prompt and its reference images."""

    name = "replicate-image"
    kind = "image"
    description = "Replicate image models with reference images: Seedream 4/4.5, Nano Banana, FLUX Kontext max"
    capabilities = IMAGE_MODELS[DEFAULT_IMAGE_MODEL].capabilities()
    Options = ReplicateImageOptions
    price_per_second = None
    price_per_clip = IMAGE_MODELS[DEFAULT_IMAGE_MODEL].price_per_image
    poll_interval = 2.0
    image_models, provider, image_limit_mb = IMAGE_MODELS, "replicate", IMAGE_LIMIT_MB

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        return await self._predict(client, *self.image_input(request))
