"""MiniMax Hailuo (docs/contracts.md, "MiniMax").

Create `POST /v1/video_generation` -> `{"task_id", "base_resp"}`; poll `GET /v1/query/video_generation?
task_id=` (Queueing, Preparing, Processing, Success, Fail) -> `file_id`; then the file-retrieve step
`GET /v1/files/retrieve?file_id=` -> `file.download_url`, done inside `status` so an expired download URL is
refreshed by polling again. Errors arrive inside HTTP 200 bodies as `base_resp.status_code != 0`: 1002 rate
limit, 1026/1027 sensitive input/output (refusals), 1004/2049 auth, 1008 balance, 2013 bad parameters.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ..errors import BackendError
from .base import Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus
from .inputs import data_uri
from .transport import Contract, Envelope, Step, Transport, malformed, pick

PROVIDER = "minimax"
IMAGE_LIMIT_MB = 20.0
CONTRACT = Contract(PROVIDER, key_hint="check MINIMAX_API_KEY", envelope=Envelope(
    code=("base_resp", "status_code"), message=("base_resp", "status_msg"), throttled=frozenset({1002}),
    refused=frozenset({1026, 1027}), bad_key=frozenset({1004, 2049}), server_error=frozenset({1000, 1001, 1013})))


class _Model:
    def __init__(self, durations, *, text=True, image=True, subject=False, hd_max=10.0):
        self.durations, self.text, self.image, self.subject, self.hd_max = durations, text, image, subject, hd_max


MODELS = {
    "MiniMax-Hailuo-2.3": _Model([6.0, 10.0], hd_max=6.0),
    "MiniMax-Hailuo-2.3-Fast": _Model([6.0, 10.0], text=False, hd_max=6.0),
    "MiniMax-Hailuo-02": _Model([6.0, 10.0], hd_max=6.0),
    "T2V-01": _Model([6.0], image=False), "T2V-01-Director": _Model([6.0], image=False),
    "I2V-01": _Model([6.0], text=False), "I2V-01-Director": _Model([6.0], text=False),
    "I2V-01-live": _Model([6.0], text=False),
    "S2V-01": _Model([6.0], image=False, subject=True),
}


def _capabilities(model: _Model) -> Capabilities:
    return Capabilities(durations=model.durations, min_duration=min(model.durations),
                        max_duration=max(model.durations), aspect_ratios=["16:9"],
                        resolutions=["1366x768", "1280x720", "1920x1080"], prompt_limit=2000, seed=False,
                        negative_prompt=False, reference_images=1 if model.subject else 0,
                        first_frame=model.image, last_frame=False, frames_with_references=False)


class MinimaxOptions(BackendOptions):
    base_url: str = "https://api.minimax.io"
    model: str = "MiniMax-Hailuo-2.3"
    prompt_optimizer: bool = True


class MinimaxBackend(Backend):
    name = "minimax"
    kind = "video"
    description = "MiniMax Hailuo 2.3 / 02 (and S2V-01, which takes a character reference image)"
    # the class lists what some model takes (S2V-01: a character reference); an instance narrows it to its model
    capabilities: ClassVar[Capabilities] = _capabilities(MODELS["MiniMax-Hailuo-2.3"]).model_copy(
        update={"reference_images": 1})
    needs_key = True
    key_env_var = "MINIMAX_API_KEY"
    Options = MinimaxOptions
    contract = CONTRACT
    price_per_clip = 0.28  # Hailuo 2.3 768P 6 s, as third parties list it (docs/providers.md, Prices)
    poll_interval = 8.0
    default_concurrency = 2

    def __init__(self, options: BackendOptions | None = None, key: str | None = None):
        super().__init__(options, key)
        if self.options.model not in MODELS:
            raise BackendError(f"{PROVIDER}: unknown model '{self.options.model}'", f"known: {', '.join(MODELS)}")
        self.model = MODELS[self.options.model]
        self.capabilities = _capabilities(self.model)

    def check(self, request: GenerationRequest) -> None:
        super().check(request)
        if not self.model.text and request.first_frame is None:
            raise BackendError(f"{PROVIDER}: model {self.options.model} needs a first frame "
                               f"and shot {request.shot_id} has none", "use MiniMax-Hailuo-2.3")
        if self.model.subject and not request.references:
            raise BackendError(f"{PROVIDER}: S2V-01 needs a character reference image for shot {request.shot_id}",
                               "audition and pick a face for the character, or use another model")
        if self._resolution(request) == "1080P" and request.duration > self.model.hd_max:
            raise BackendError(f"{PROVIDER}: {self.options.model} makes at most {self.model.hd_max:g} s at 1080P",
                               "use 1280x720 or a shorter shot")

    @staticmethod
    def _resolution(request: GenerationRequest) -> str:
        width, _, height = request.resolution.partition("x")
        return "1080P" if min(int(width), int(height)) >= 1080 else "768P"

    def body(self, request: GenerationRequest) -> dict:
        body: dict = {"model": self.options.model, "prompt": request.prompt, "duration": int(request.duration),
                      "prompt_optimizer": self.options.prompt_optimizer}
        if not self.model.subject:
            body["resolution"] = self._resolution(request)
        if request.first_frame is not None:
            body["first_frame_image"] = data_uri(request.first_frame, provider=PROVIDER, limit_mb=IMAGE_LIMIT_MB)
        if request.references:
            body["subject_reference"] = [{"type": "character", "image": [
                data_uri(request.references[0], provider=PROVIDER, limit_mb=IMAGE_LIMIT_MB)]}]
        return body

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        data = await client.json(Step.CREATE, "POST", "/v1/video_generation", json=self.body(request))
        return str(pick(data, "task_id", contract=CONTRACT, step=Step.CREATE))

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        data = await client.json(Step.READ, "GET", "/v1/query/video_generation", params={"task_id": job_id})
        state = pick(data, "status", contract=CONTRACT)
        if state in ("Queueing", "Preparing"):
            return JobStatus(state=JobState.QUEUED)
        if state == "Processing":
            return JobStatus(state=JobState.RUNNING)
        if state == "Fail":
            message = str((data.get("base_resp") or {}).get("status_msg") or "the generation failed")
            return JobStatus(state=JobState.FAILED, error=f"{PROVIDER}: {message}")
        if state != "Success":
            raise malformed(Step.READ, CONTRACT, f"unknown status {state!r}")
        file_id = pick(data, "file_id", contract=CONTRACT)
        retrieved = await client.json(Step.READ, "GET", "/v1/files/retrieve", params={"file_id": file_id})
        url = pick(retrieved, "file", "download_url", contract=CONTRACT)
        backup = (retrieved.get("file") or {}).get("backup_download_url")
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0,
                         output_urls=[url] + ([backup] if isinstance(backup, str) and backup else []))

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed(f"{PROVIDER}: the task has no file")
        await client.download(status.output_urls[0], dest)
