"""The OpenAI `/v1/videos` contract (Sora 2), for compatible endpoints (docs/contracts.md, "OpenAI videos").

OpenAI's own video service shut down on 2026-09-24, so `base_url` is meant to point at a compatible server.
Create `POST {base}/videos` as multipart/form-data (`prompt`, `model`, `seconds` as a string, `size`,
optional `input_reference` file), poll `GET {base}/videos/{id}` (queued, in_progress, completed, failed;
the `openai-poll-after-ms` header says when to ask again), download `GET {base}/videos/{id}/content` with
the key. No seed and no negative prompt.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import httpx

from .base import Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus
from .inputs import image_bytes
from .transport import Contract, Step, Transport, is_moderation, malformed, pick

PROVIDER = "openai-videos"
SIZES = {"16:9": ["1280x720", "1792x1024", "1920x1080"], "9:16": ["720x1280", "1024x1792", "1080x1920"]}
CONTRACT = Contract(PROVIDER, key_on_downloads=True)  # the content endpoint is the API's own, with the key


class OpenAIVideosOptions(BackendOptions):
    base_url: str = "https://api.openai.com/v1"  # OpenAI's service is closed: point this at a compatible one
    model: str = "sora-2"


class OpenAIVideosBackend(Backend):
    name = "openai-videos"
    kind = "video"
    description = "The OpenAI /v1/videos contract (Sora 2) on a compatible endpoint (OpenAI's closed 2026-09)"
    capabilities: ClassVar[Capabilities] = Capabilities(
        durations=[4.0, 8.0, 12.0], min_duration=4.0, max_duration=12.0, aspect_ratios=list(SIZES),
        resolutions=[size for sizes in SIZES.values() for size in sizes], prompt_limit=2000, seed=False,
        negative_prompt=False, reference_images=0, first_frame=True, last_frame=False)
    needs_key = True
    key_env_var = "OPENAI_API_KEY"
    Options = OpenAIVideosOptions
    contract = CONTRACT
    price_per_second = 0.10  # sora-2 list price when the service was open
    poll_interval = 5.0
    default_concurrency = 2

    def _url(self, path: str) -> str:
        return f"{self.options.base_url.rstrip('/')}{path}"

    @staticmethod
    def size(request: GenerationRequest) -> str:
        """The requested resolution when the contract offers it in this orientation, else the smallest."""
        sizes = SIZES[request.aspect_ratio]
        return request.resolution if request.resolution in sizes else sizes[0]

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        fields = {"prompt": request.prompt, "model": self.options.model, "seconds": str(int(request.duration)),
                  "size": self.size(request)}
        files = None
        if request.first_frame is not None:
            data, mime = image_bytes(request.first_frame, provider=PROVIDER, limit_mb=20.0)
            files = {"input_reference": (Path(request.first_frame).name, data, mime)}
        else:  # multipart even without a file, as the contract requires
            files = {name: (None, value) for name, value in fields.items()}
            fields = None
        data = await client.json(Step.CREATE, "POST", self._url("/videos"), data=fields, files=files)
        return str(pick(data, "id", contract=CONTRACT, step=Step.CREATE))

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        response = await client.send(Step.READ, "GET", self._url(f"/videos/{job_id}"))
        data = client.decode(Step.READ, response)
        poll_after = _poll_after(response)
        state = pick(data, "status", contract=CONTRACT)
        progress = data.get("progress")
        fraction = float(progress) / 100 if isinstance(progress, (int, float)) else None
        if state == "queued":
            return JobStatus(state=JobState.QUEUED, progress=fraction, poll_after=poll_after)
        if state == "in_progress":
            return JobStatus(state=JobState.RUNNING, progress=fraction, poll_after=poll_after)
        if state == "completed":
            return JobStatus(state=JobState.SUCCEEDED, progress=1.0,
                             output_urls=[self._url(f"/videos/{job_id}/content?variant=video")])
        if state == "failed":
            error = data.get("error") if isinstance(data.get("error"), dict) else {}
            code = str(error.get("code") or "")
            message = f"{PROVIDER}: {error.get('message') or 'the video failed'}" + (f" [{code}]" if code else "")
            refused = is_moderation(code, CONTRACT)
            return JobStatus(state=JobState.REFUSED if refused else JobState.FAILED, error=message)
        raise malformed(Step.READ, CONTRACT, f"unknown status {state!r}")

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed(f"{PROVIDER}: the video has no content")
        await client.download(status.output_urls[0], dest, headers={"Accept": "application/binary"})


def _poll_after(response: httpx.Response) -> float | None:
    value = response.headers.get("openai-poll-after-ms")
    try:
        return max(0.0, float(value) / 1000) if value else None
    except ValueError:
        return None
