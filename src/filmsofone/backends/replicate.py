"""Replicate: hosted video models through the predictions API (`../shared/design/backends.md` section 4).

create `POST /v1/models/{owner}/{name}/predictions` (or `/v1/predictions` with a pinned `version`) ->
poll `GET /v1/predictions/{id}` (starting, processing, succeeded, failed, canceled) -> download `output`
(a URL, a list of them, or an object holding them; deleted after an hour, so fetched at once).

Auth is `Authorization: Bearer $REPLICATE_API_TOKEN`, sent only to the API host, never to the file CDN.
Creates are not idempotent: a create that times out after sending is `OutcomeUnknown` (the engine marks
it and asks before resubmitting). Inputs differ per model; the known models below declare theirs (input
names, allowed durations, ratios, prompt limits, images, price). Any other model takes the prompt,
duration and ratio, plus `extra_input`. Prices are estimates in USD from the providers' pages (late
2026); override them with `--option price_per_second=...`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pydantic import Field, field_validator

from ..errors import BackendError
from .base import (Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus,
                   OutcomeUnknown, Refused, Transient)
from .http import json_body, send_create, send_get, stream_download

IMAGE_LIMIT_MB = 7.0  # data URIs travel inside the JSON body
MODERATION = re.compile(r"\bE005\b|flagged as sensitive|nsfw|content[ _](policy|moderation|filter)"
                        r"|safety[ _](filter|check|system)|sensitive content|policy[ _]violation", re.I)


@dataclass(frozen=True)
class VideoModel:
    """What one hosted model takes, and what its inputs are called."""

    caps: Capabilities
    names: dict[str, str]  # our field -> the model's input name (prompt, negative_prompt, seed, duration, ...)
    price_per_second: float | None = None
    price_per_clip: float | None = None
    duration_type: type = int
    resolutions: dict[int, str] = field(default_factory=dict)  # frame height -> the model's resolution value
    needs_first_frame: bool = False
    fixed: dict = field(default_factory=dict)  # inputs always sent
    frames: int | None = None  # a model that always makes this many frames: the length is set through its fps
    ratio_follows_image: bool = False  # the model ignores the ratio when given a first frame: do not send it


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
              reference_images=4, first_frame=True, last_frame=True),
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
}
GENERIC = VideoModel(
    _caps(min_duration=1, max_duration=20, aspect_ratios=["16:9", "9:16", "1:1", "4:3", "3:4", "21:9"],
          resolutions=["any"], prompt_limit=2000),
    {"prompt": "prompt", "duration": "duration", "aspect_ratio": "aspect_ratio"})
DEFAULT_MODEL = "kwaivgi/kling-v2.1-master"


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


def describe(model: VideoModel, request: GenerationRequest, image) -> dict:
    """The model's `input` for one request; `image(path)` encodes an image the way the service takes it."""
    names, data = model.names, dict(model.fixed)
    if "prompt" in names:
        data[names["prompt"]] = request.prompt
    if request.negative_prompt and "negative_prompt" in names:
        data[names["negative_prompt"]] = request.negative_prompt
    if request.seed is not None and "seed" in names:
        data[names["seed"]] = request.seed
    if model.frames and "fps" in names:
        data[names["fps"]] = max(1, round(model.frames / request.duration))
    if "duration" in names:
        seconds = int(round(request.duration)) if float(request.duration).is_integer() else request.duration
        data[names["duration"]] = model.duration_type(seconds)
    if "aspect_ratio" in names and not (request.first_frame and model.ratio_follows_image):
        data[names["aspect_ratio"]] = request.aspect_ratio
    if "resolution" in names and model.resolutions:
        data[names["resolution"]] = nearest_resolution(model.resolutions, request.resolution)
    for ours in ("first_frame", "last_frame"):
        path = getattr(request, ours)
        if path is not None:
            data[names[ours]] = image(path)
    if request.references:
        data[names["references"]] = [image(path) for path in request.references]
    return data


def nearest_resolution(table: dict[int, str], resolution: str) -> str:
    match = re.fullmatch(r"\s*(\d+)\s*x\s*(\d+)\s*", resolution or "")
    height = min(int(match.group(1)), int(match.group(2))) if match else 720
    return table[min(table, key=lambda h: (abs(h - height), -h))]


def check_images(request: GenerationRequest, model: VideoModel, provider: str, limit_mb: float) -> None:
    """Images exist, are small enough, and a model that needs a first frame gets one (before sending)."""
    if model.needs_first_frame and request.first_frame is None:
        raise BackendError(f"{provider} model needs a first frame for shot {request.shot_id}",
                           "give the shot a first frame, or pick a text-to-video model")
    for path in [*request.references, request.first_frame, request.last_frame]:
        if path is None:
            continue
        path = Path(path)
        if not path.is_file():
            raise BackendError(f"{provider}: image not found: {path}", "check the shot's images")
        if path.stat().st_size > limit_mb * 1024 * 1024:
            raise BackendError(f"{provider}: {path.name} is over {limit_mb:g} MB", "use a smaller image")


def data_uri(path: Path) -> str:
    import base64
    import mimetypes

    mime = mimetypes.guess_type(str(path))[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(Path(path).read_bytes()).decode()}"


def output_urls(output) -> list[str]:
    """Every URL in a model's output (a string, a list, or an object of them)."""
    if isinstance(output, str):
        return [output] if output.startswith(("http://", "https://")) else []
    if isinstance(output, list):
        return [url for item in output for url in output_urls(item)]
    if isinstance(output, dict):
        preferred = [output[k] for k in ("video", "url", "output") if k in output]
        rest = [v for k, v in output.items() if k not in ("video", "url", "output")]
        return [url for item in [*preferred, *rest] for url in output_urls(item)]
    return []


class ReplicateBackend(Backend):
    name = "replicate"
    kind = "video"
    description = "Replicate predictions (Kling, Hailuo, Seedance and any video model by owner/name)"
    capabilities = MODELS[DEFAULT_MODEL].caps
    needs_key = True
    key_env_var = "REPLICATE_API_TOKEN"
    Options = ReplicateOptions
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

    async def submit(self, client: httpx.AsyncClient, request: GenerationRequest) -> str:
        self.check(request)
        body = {"input": {**describe(self.model, request, data_uri), **self.options.extra_input}}
        if self.options.version:
            url, body["version"] = "/v1/predictions", self.options.version
        else:
            url = f"/v1/models/{self.options.model}/predictions"
        try:
            response = await send_create(client, "POST", url, json=body)
        except Failed as exc:
            if MODERATION.search(str(exc)):
                raise Refused(f"replicate: {exc}") from None
            raise
        data = json_body(response, step="create")
        if not isinstance(data, dict) or not data.get("id"):
            raise OutcomeUnknown("replicate: the create answer has no prediction id; a job may exist")
        return str(data["id"])

    async def status(self, client: httpx.AsyncClient, job_id: str) -> JobStatus:
        data = json_body(await send_get(client, f"/v1/predictions/{job_id}"), step="get")
        if not isinstance(data, dict) or "status" not in data:
            raise Transient("replicate: malformed prediction (no status)")
        state, error = data["status"], data.get("error")
        if state == "starting":
            return JobStatus(state=JobState.QUEUED)
        if state == "processing":
            return JobStatus(state=JobState.RUNNING, progress=log_progress(data.get("logs")))
        if state == "succeeded":
            urls = output_urls(data.get("output"))
            if not urls:
                return JobStatus(state=JobState.FAILED, error="replicate: the prediction succeeded without a "
                                 "video URL in its output")
            return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=urls)
        if state in ("failed", "canceled", "aborted"):
            message = f"replicate: {error or state}"
            refused = bool(error) and bool(MODERATION.search(str(error)))
            return JobStatus(state=JobState.REFUSED if refused else JobState.FAILED, error=message[:500])
        raise Transient(f"replicate: unknown prediction status {state!r}")

    async def download(self, client: httpx.AsyncClient, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed("replicate: no output to download")
        await stream_download(client, status.output_urls[0], dest)  # the key stays with the API's host


def log_progress(logs) -> float | None:
    """The last percentage in a prediction's logs (many models print tqdm bars), as 0..1."""
    if not isinstance(logs, str):
        return None
    found = re.findall(r"(\d{1,3})%\|", logs) or re.findall(r"(\d{1,3}(?:\.\d+)?)\s?%", logs)
    return min(1.0, float(found[-1]) / 100) if found else None

