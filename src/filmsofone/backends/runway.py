"""Runway's developer API (docs/contracts.md, "Runway"): text-to-video, image-to-video and
text-to-image, including the third-party models Runway brokers (Veo 3.1, Kling, Seedance, ...).

Create `POST /v1/text_to_video`, `/v1/image_to_video` or `/v1/text_to_image` (camelCase JSON, header
`X-Runway-Version`), poll `GET /v1/tasks/{id}` (PENDING, THROTTLED, RUNNING, SUCCEEDED, FAILED, CANCELLED),
download `output[0]` (a signed URL, valid 24-48 h; fetch the task again for a fresh one).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ..errors import BackendError
from .base import Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus
from .inputs import data_uri, image_bytes
from .transport import Contract, Step, Transport, is_moderation, malformed, pick

PROVIDER = "runway"
# Runway documents 502/503 on a create as load shedding (the task was not accepted): retried as throttled
CONTRACT = Contract(PROVIDER, shed_on_create=frozenset({502, 503}), message_fields=("error", "message", "failure", "detail"))
DATA_URI_LIMIT_MB = 5.0  # larger images go through the ephemeral upload flow
UPLOAD_LIMIT_MB = 200.0

# ratio strings per aspect ratio (the pixel "W:H" form Runway takes)
_GEN4_RATIOS = {"16:9": "1280:720", "9:16": "720:1280", "4:3": "1104:832", "3:4": "832:1104", "1:1": "960:960",
                "21:9": "1584:672"}
_VEO_RATIOS = {"16:9": "1280:720", "9:16": "720:1280"}
_VEO_HD_RATIOS = {"16:9": "1920:1080", "9:16": "1080:1920"}
_IMAGE_RATIOS = {"16:9": "1920:1080", "9:16": "1080:1920", "1:1": "1024:1024", "4:3": "1440:1080",
                 "3:4": "1080:1440", "21:9": "2112:912"}


class _Model:
    """What one Runway video model accepts."""

    def __init__(self, *, text: bool, image: bool, durations: list[float], ratios: dict[str, str],
                 seed: bool = True, negative: bool = False, last_frame: bool = False, prompt_limit: int = 1000,
                 hd_ratios: dict[str, str] | None = None, text_ratios: tuple[str, ...] | None = None):
        self.text, self.image, self.durations, self.ratios = text, image, durations, ratios
        self.text_ratios = text_ratios or tuple(ratios)  # text-to-video may offer fewer shapes
        self.seed, self.negative, self.last_frame, self.prompt_limit = seed, negative, last_frame, prompt_limit
        self.hd_ratios = hd_ratios or {}

    def capabilities(self) -> Capabilities:
        return Capabilities(durations=self.durations, min_duration=min(self.durations),
                            max_duration=max(self.durations), aspect_ratios=list(self.ratios),
                            resolutions=_resolutions(self.ratios) + _resolutions(self.hd_ratios),
                            prompt_limit=self.prompt_limit, seed=self.seed, negative_prompt=self.negative,
                            reference_images=0, first_frame=self.image, last_frame=self.last_frame)


def _resolutions(ratios: dict[str, str]) -> list[str]:
    return [value.replace(":", "x") for value in ratios.values()]


_BROKERED = dict(text=True, image=True, durations=[5.0, 10.0], ratios=_VEO_RATIOS, seed=False)
MODELS: dict[str, _Model] = {
    "gen4.5": _Model(text=True, image=True, durations=[float(d) for d in range(2, 11)], ratios=_GEN4_RATIOS,
                     last_frame=True, text_ratios=("16:9", "9:16")),
    "gen4_turbo": _Model(text=False, image=True, durations=[5.0, 10.0], ratios=_GEN4_RATIOS),
    "veo3.1": _Model(text=True, image=True, durations=[4.0, 6.0, 8.0], ratios=_VEO_RATIOS, seed=False,
                     negative=True, last_frame=True, hd_ratios=_VEO_HD_RATIOS),
    "veo3.1_fast": _Model(text=True, image=True, durations=[4.0, 6.0, 8.0], ratios=_VEO_RATIOS, seed=False,
                          negative=True, last_frame=True, hd_ratios=_VEO_HD_RATIOS),
    **{name: _Model(**_BROKERED) for name in (
        "kling2.5_turbo_pro", "kling3.0_standard", "kling3.0_pro", "seedance2", "seedance2_fast", "hailuo3",
        "wan3")},
}


CREDIT_USD = 0.01  # what Runway sells an API credit for
# credits per second of video, from Runway's API reference as quoted by third parties (docs/providers.md, Prices):
# veo3.1 is 20-40 and veo3.1_fast 10-15 by resolution and sound, priced at the top; the brokered models at gen4.5's
CREDITS_PER_SECOND = {"gen4.5": 12, "gen4_turbo": 5, "veo3.1": 40, "veo3.1_fast": 15}


def model_price(model: str) -> float:
    """USD a second of `model` (a model without a known rate: gen4.5's)."""
    return round(CREDITS_PER_SECOND.get(model, CREDITS_PER_SECOND["gen4.5"]) * CREDIT_USD, 4)


class RunwayOptions(BackendOptions):
    base_url: str = "https://api.dev.runwayml.com"
    api_version: str = "2024-11-06"
    model: str = "gen4.5"
    public_figure_threshold: str | None = None  # "auto" | "low" (gen4.x content moderation)


class _RunwayCommon(Backend):
    """Auth, polling and download shared by the video and image backends."""

    needs_key = True
    key_env_var = "RUNWAYML_API_SECRET"
    contract = CONTRACT
    poll_interval = 5.0
    default_concurrency = 2

    def default_headers(self) -> dict[str, str]:
        return {"X-Runway-Version": self.options.api_version}

    async def image_uri(self, client: Transport, path: Path) -> str:
        """A data URI for images up to 5 MB; above that, an ephemeral upload (`POST /v1/uploads`, then the
        presigned multipart POST) whose `runwayUri` is used instead."""
        data, mime = image_bytes(path, provider=PROVIDER, limit_mb=UPLOAD_LIMIT_MB)
        if len(data) <= DATA_URI_LIMIT_MB * 1024 * 1024:
            return data_uri(path, provider=PROVIDER, limit_mb=DATA_URI_LIMIT_MB)
        ticket = await client.json(Step.UPLOAD, "POST", "/v1/uploads",
                                   json={"filename": Path(path).name, "type": "ephemeral"})
        upload_url = pick(ticket, "uploadUrl", contract=CONTRACT)
        runway_uri = pick(ticket, "runwayUri", contract=CONTRACT)
        fields = ticket.get("fields") if isinstance(ticket.get("fields"), dict) else {}
        # a presigned storage URL on another host: the transport sends it no key
        await client.send(Step.UPLOAD, "POST", upload_url, with_key=False, data=fields,
                          files={"file": (Path(path).name, data, mime)})
        return str(runway_uri)

    def _moderation(self) -> dict:
        threshold = self.options.public_figure_threshold
        return {"contentModeration": {"publicFigureThreshold": threshold}} if threshold else {}

    async def _create(self, client: Transport, path: str, body: dict) -> str:
        data = await client.json(Step.CREATE, "POST", path, json=body)
        return str(pick(data, "id", contract=CONTRACT, step=Step.CREATE))

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        return task_status(await client.json(Step.READ, "GET", f"/v1/tasks/{job_id}"), self.interval())

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed(f"{PROVIDER}: the task has no output")
        await client.download(status.output_urls[0], dest)

    async def cancel(self, client: Transport, job_id: str) -> None:
        await client.send(Step.UPLOAD, "DELETE", f"/v1/tasks/{job_id}")


def task_status(data: dict, interval: float) -> JobStatus:
    """Map a Runway task onto JobStatus."""
    state = pick(data, "status", contract=CONTRACT)
    if state in ("PENDING", "THROTTLED"):
        # THROTTLED: accepted, queued behind the account's concurrency limit; just keep polling
        return JobStatus(state=JobState.QUEUED, poll_after=interval * (2 if state == "THROTTLED" else 1))
    if state == "RUNNING":
        progress = data.get("progress")
        return JobStatus(state=JobState.RUNNING, progress=float(progress) if progress is not None else None)
    if state == "SUCCEEDED":
        output = data.get("output")
        if not isinstance(output, list) or not output or not all(isinstance(u, str) for u in output):
            raise malformed(Step.READ, CONTRACT, "SUCCEEDED task without output URLs")
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=output)
    if state in ("FAILED", "CANCELLED"):
        code = str(data.get("failureCode") or "")
        reason = str(data.get("failure") or state.lower())
        error = f"{reason} [{code}]" if code else reason
        refused = is_moderation(code, CONTRACT)
        return JobStatus(state=JobState.REFUSED if refused else JobState.FAILED, error=f"{PROVIDER}: {error}")
    raise malformed(Step.READ, CONTRACT, f"unknown task status {state!r}")


class RunwayBackend(_RunwayCommon):
    """Runway video: gen4.5 (text or first frame), gen4_turbo (first frame), veo3.1 and brokered models."""

    name = "runway"
    kind = "video"
    description = "Runway API: gen4.5, gen4_turbo, veo3.1 and the models Runway brokers (Kling, Seedance, ...)"
    capabilities: ClassVar[Capabilities] = MODELS["gen4.5"].capabilities()
    Options = RunwayOptions
    price_per_second = model_price("gen4.5")  # 12 credits/s at $0.01 a credit; per model in __init__

    def __init__(self, options: BackendOptions | None = None, key: str | None = None):
        super().__init__(options, key)
        if self.options.model not in MODELS:
            raise BackendError(f"{PROVIDER}: unknown model '{self.options.model}'",
                               f"known models: {', '.join(MODELS)}")
        self.model = MODELS[self.options.model]
        self.capabilities = self.model.capabilities()
        self.price_per_second = model_price(self.options.model)

    def check(self, request: GenerationRequest) -> None:
        super().check(request)
        if not self.model.text and request.first_frame is None:
            raise BackendError(f"{PROVIDER}: model {self.options.model} makes video from an image only, "
                               f"and shot {request.shot_id} has no first frame",
                               "give the shot a first frame, or use model gen4.5")
        if request.first_frame is None and request.aspect_ratio not in self.model.text_ratios:
            raise BackendError(f"{PROVIDER}: {self.options.model} makes {request.aspect_ratio} only from an image, "
                               f"and shot {request.shot_id} has no first frame",
                               f"use {' or '.join(self.model.text_ratios)} for text-to-video")

    async def body(self, client: Transport, request: GenerationRequest) -> tuple[str, dict]:
        """The endpoint and JSON body for `request` (after `check`)."""
        ratios = self.model.ratios
        if self.model.hd_ratios and request.resolution.replace("x", ":") in self.model.hd_ratios.values():
            ratios = self.model.hd_ratios
        body: dict = {"model": self.options.model, "promptText": request.prompt,
                      "ratio": ratios[request.aspect_ratio], "duration": int(request.duration),
                      **self._moderation()}
        if request.seed is not None:
            body["seed"] = int(request.seed)
        if request.negative_prompt:
            body["negativePrompt"] = request.negative_prompt
        if request.first_frame is None:
            return "/v1/text_to_video", body
        images = [{"uri": await self.image_uri(client, request.first_frame), "position": "first"}]
        if request.last_frame is not None:
            images.append({"uri": await self.image_uri(client, request.last_frame), "position": "last"})
        body["promptImage"] = images[0]["uri"] if len(images) == 1 else images
        return "/v1/image_to_video", body

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        path, body = await self.body(client, request)
        return await self._create(client, path, body)


class RunwayImageOptions(RunwayOptions):
    model: str = "gen4_image"


class RunwayImageBackend(_RunwayCommon):
    """Runway text-to-image (gen4_image, gen4_image_turbo), with up to 3 tagged reference images."""

    name = "runway-image"
    kind = "image"
    description = "Runway API text-to-image: gen4_image / gen4_image_turbo portraits and stills"
    capabilities: ClassVar[Capabilities] = Capabilities(
        min_duration=0.0, max_duration=3600.0, aspect_ratios=list(_IMAGE_RATIOS),
        resolutions=_resolutions(_IMAGE_RATIOS), prompt_limit=1000, seed=True, reference_images=3)
    Options = RunwayImageOptions
    price_per_clip = 0.08  # gen4_image 1080p: 8 credits

    def check(self, request: GenerationRequest) -> None:
        super().check(request)
        if self.options.model == "gen4_image_turbo" and not request.references:
            raise BackendError(f"{PROVIDER}: gen4_image_turbo needs at least one reference image",
                               "use model gen4_image, or give a reference")

    async def body(self, client: Transport, request: GenerationRequest) -> dict:
        body: dict = {"model": self.options.model, "promptText": request.prompt,
                      "ratio": _IMAGE_RATIOS[request.aspect_ratio], **self._moderation()}
        if request.seed is not None:
            body["seed"] = int(request.seed)
        if request.references:
            body["referenceImages"] = [{"uri": await self.image_uri(client, path), "tag": f"ref{i + 1}"}
                                       for i, path in enumerate(request.references)]
        return body

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        return await self._create(client, "/v1/text_to_image", await self.body(client, request))
