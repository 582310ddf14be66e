"""Luma (docs/contracts.md, "Luma"): the current Agents API and the legacy Dream Machine API.

Option `api` selects: "agents" (default; `POST {base}/generations` -> 201, poll `GET /generations/{id}`,
states queued/processing/completed/failed, `output[].url` valid 1 h, `failure_code`) or "dream-machine"
(`POST /generations`, states queued/dreaming/completed/failed, `assets.video`, free-text
`failure_reason`). Neither takes a seed or a negative prompt. Agents takes a first and last frame as
base64 `ImageRef`s; the legacy API takes images only as public URLs, so it takes no local frames here.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import ClassVar, Literal

from ..errors import BackendError
from .base import Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus
from .inputs import image_bytes
from .transport import Contract, Step, Transport, is_moderation, malformed, pick

PROVIDER = "luma"
BASE_URLS = {"agents": "https://agents.lumalabs.ai/v1", "dream-machine": "https://api.lumalabs.ai/dream-machine/v1"}
MODELS = {"agents": ("ray-3.2",), "dream-machine": ("ray-2", "ray-flash-2")}
IMAGE_LIMIT_MB = 10.0
CONTRACT = Contract(PROVIDER, message_fields=("detail", "error", "message", "failure_reason"))

AGENTS_CAPS = Capabilities(
    durations=[5.0, 10.0], min_duration=5.0, max_duration=10.0,
    aspect_ratios=["16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "3:2", "2:3"],
    resolutions=["640x360", "960x540", "1280x720", "1920x1080"], prompt_limit=2000,
    seed=False, negative_prompt=False, reference_images=0, first_frame=True, last_frame=True)
DREAM_MACHINE_CAPS = Capabilities(
    durations=[5.0, 9.0], min_duration=5.0, max_duration=9.0,
    aspect_ratios=["16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "9:21"],
    resolutions=["960x540", "1280x720", "1920x1080", "3840x2160"], prompt_limit=2000,
    seed=False, negative_prompt=False, reference_images=0, first_frame=False, last_frame=False)
_RESOLUTIONS = {"agents": ("360p", "540p", "720p", "1080p"), "dream-machine": ("540p", "720p", "1080p", "4k")}


class LumaOptions(BackendOptions):
    api: Literal["agents", "dream-machine"] = "agents"
    base_url: str | None = None  # default: the selected API's
    model: str | None = None  # default: ray-3.2 (agents), ray-2 (dream-machine)
    loop: bool = False


def resolution_name(resolution: str, allowed: tuple[str, ...]) -> str:
    """'1280x720' -> '720p' (the nearest the API offers; '4k' for 2160)."""
    width, _, height = resolution.partition("x")
    short = min(int(width), int(height))
    heights = {name: (2160 if name == "4k" else int(name[:-1])) for name in allowed}
    return min(allowed, key=lambda name: abs(heights[name] - short))


class LumaBackend(Backend):
    name = "luma"
    kind = "video"
    description = "Luma Ray: the Agents API (ray-3.2) or the legacy Dream Machine API (ray-2), option api="
    capabilities: ClassVar[Capabilities] = AGENTS_CAPS
    needs_key = True
    key_env_var = "LUMA_API_KEY"
    Options = LumaOptions
    contract = CONTRACT
    price_per_second = 0.14  # ray-2 720p list price as Comfy's API nodes charge it ($0.71 for 5 s); ray-3.2 unverified
    poll_interval = 6.0
    default_concurrency = 4

    def __init__(self, options: BackendOptions | None = None, key: str | None = None):
        super().__init__(options, key)
        self.api = self.options.api
        self.model = self.options.model or MODELS[self.api][0]
        if self.model not in MODELS[self.api]:
            raise BackendError(f"{PROVIDER}: model '{self.model}' is not on the {self.api} API",
                               f"models there: {', '.join(MODELS[self.api])}")
        self.capabilities = AGENTS_CAPS if self.api == "agents" else DREAM_MACHINE_CAPS
        if not self.options.base_url:
            self.options = self.options.model_copy(update={"base_url": BASE_URLS[self.api]})

    def body(self, request: GenerationRequest) -> dict:
        resolution = resolution_name(request.resolution, _RESOLUTIONS[self.api])
        duration = f"{int(request.duration)}s"
        if self.api == "dream-machine":
            return {"model": self.model, "prompt": request.prompt, "aspect_ratio": request.aspect_ratio,
                    "duration": duration, "resolution": resolution, "loop": self.options.loop,
                    "generation_type": "video"}
        video: dict = {"duration": duration, "resolution": resolution, "loop": self.options.loop}
        for field, path in (("start_frame", request.first_frame), ("end_frame", request.last_frame)):
            if path is not None:
                data, mime = image_bytes(path, provider=PROVIDER, limit_mb=IMAGE_LIMIT_MB)
                video[field] = {"data": base64.b64encode(data).decode(), "media_type": mime}
        return {"type": "video", "model": self.model, "prompt": request.prompt,
                "aspect_ratio": request.aspect_ratio, "video": video}

    def _url(self, path: str) -> str:
        return f"{self.options.base_url.rstrip('/')}{path}"

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        data = await client.json(Step.CREATE, "POST", self._url("/generations"), json=self.body(request))
        return str(pick(data, "id", contract=CONTRACT, step=Step.CREATE))

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        data = await client.json(Step.READ, "GET", self._url(f"/generations/{job_id}"))
        return agents_status(data) if self.api == "agents" else dream_machine_status(data)

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed(f"{PROVIDER}: the generation has no video")
        await client.download(status.output_urls[0], dest)


def agents_status(data: dict) -> JobStatus:
    state = pick(data, "state", contract=CONTRACT)
    if state == "queued":
        return JobStatus(state=JobState.QUEUED)
    if state == "processing":
        return JobStatus(state=JobState.RUNNING)
    if state == "completed":
        outputs = data.get("output")
        urls = [item.get("url") for item in outputs if isinstance(item, dict) and item.get("url")] \
            if isinstance(outputs, list) else []
        videos = [item["url"] for item in outputs if isinstance(item, dict) and item.get("url")
                  and item.get("type", "video") == "video"] if urls else []
        if not urls:
            raise malformed(Step.READ, CONTRACT, "completed generation without output URLs")
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=videos or urls)
    if state == "failed":
        code = str(data.get("failure_code") or "")
        reason = str(data.get("failure_reason") or "generation failed")
        error = f"{PROVIDER}: {reason}" + (f" [{code}]" if code else "")
        return JobStatus(state=JobState.REFUSED if is_moderation(code, CONTRACT) else JobState.FAILED, error=error)
    raise malformed(Step.READ, CONTRACT, f"unknown state {state!r}")


def dream_machine_status(data: dict) -> JobStatus:
    state = pick(data, "state", contract=CONTRACT)
    if state == "queued":
        return JobStatus(state=JobState.QUEUED)
    if state == "dreaming":
        return JobStatus(state=JobState.RUNNING)
    if state == "completed":
        video = (data.get("assets") or {}).get("video") if isinstance(data.get("assets"), dict) else None
        if not isinstance(video, str) or not video:
            raise malformed(Step.READ, CONTRACT, "completed generation without assets.video")
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=[video])
    if state == "failed":
        reason = str(data.get("failure_reason") or "generation failed")
        refused = is_moderation(reason, CONTRACT)
        return JobStatus(state=JobState.REFUSED if refused else JobState.FAILED, error=f"{PROVIDER}: {reason}")
    raise malformed(Step.READ, CONTRACT, f"unknown state {state!r}")
