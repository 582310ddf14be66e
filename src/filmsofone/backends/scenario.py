"""Scenario's generation API (docs/contracts.md, "Scenario"): keyframes from your trained or uploaded
character model, with the cast's reference images uploaded as assets.

Auth: HTTP Basic with the API key as user and the API secret as password, to `https://api.cloud.scenario.com`.
References: `POST /v1/assets` (`{"image": base64, "name"}`, images under 6 MB) -> `asset.id`.
Create: `POST /v1/generate/custom/{modelId}` (`prompt`, `aspectRatio`, `numOutputs`, `referenceImages`: asset
ids) -> `job.jobId`. Poll: `GET /v1/jobs/{jobId}` (`queued`, `in-progress`, `success`, `failure`, `canceled`;
`metadata.assetIds` on success). Output: `GET /v1/assets/{assetId}` -> `asset.url`, downloaded without the key.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from ..errors import BackendError
from ..keys import find_named_key
from .base import Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus
from .inputs import data_uri
from .transport import Contract, Step, Transport, is_moderation, malformed, pick

PROVIDER = "scenario"
KEY_VAR = "SCENARIO_API_KEY"
SECRET_VAR = "SCENARIO_API_SECRET"
ASSET_LIMIT_MB = 6.0  # documented: /v1/assets takes images under 6 MB (larger ones need the multipart flow)
CONTRACT = Contract(PROVIDER, key_hint=f"check {KEY_VAR} and {SECRET_VAR}")
ASPECT_RATIOS = ("16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3")
SIZES = {"16:9": "1344x768", "9:16": "768x1344", "1:1": "1024x1024", "4:3": "1152x864", "3:4": "864x1152",
         "3:2": "1216x832", "2:3": "832x1216"}
RUNNING = ("in-progress", "processing", "warming-up")


def find_api_key() -> str | None:
    """SCENARIO_API_KEY from the environment, else the key file (entry `scenario-key` or `SCENARIO_API_KEY`)."""
    return find_named_key("scenario-key", KEY_VAR)


class ScenarioOptions(BackendOptions):
    base_url: str = "https://api.cloud.scenario.com"
    model: str | None = None  # your trained (or uploaded) character model, e.g. model_abc123: required to send
    project_id: str | None = None  # sent as ?projectId= where the key is a team key
    # how many reference images the model takes (each model documents its own cap; 0 for a LoRA that takes none)
    max_references: int = Field(default=3, ge=0, le=10)


def _capabilities(references: int) -> Capabilities:
    return Capabilities(min_duration=0.0, max_duration=3600.0, aspect_ratios=list(ASPECT_RATIOS),
                        resolutions=[SIZES[a] for a in ASPECT_RATIOS], prompt_limit=1000, seed=False,
                        reference_images=references)


class ScenarioBackend(Backend):
    """Scenario: stills from a character model, the in-frame faces sent as uploaded reference assets."""

    name = "scenario"
    kind = "image"
    description = "Scenario API: keyframes from your trained character model (--option model=model_...), " \
                  "reference images uploaded as assets"
    capabilities: ClassVar[Capabilities] = _capabilities(3)
    needs_key = True
    key_env_var = SECRET_VAR
    extra_key_env_vars = (KEY_VAR,)
    Options = ScenarioOptions
    contract = CONTRACT
    price_per_clip = 0.064  # [estimate] Scenario bills Compute Units per model; override with price_per_clip
    poll_interval = 3.0  # documented: poll every 2-3 s
    default_concurrency = 2

    def __init__(self, options: BackendOptions | None = None, key: str | None = None, *,
                 api_key: str | None = None):
        super().__init__(options, key)
        self.capabilities = _capabilities(self.options.max_references)
        self._api_key = api_key
        if key:  # a run that will send: say what is missing before any shot is planned
            self.api_key()
            self._require_model()

    def api_key(self) -> str:
        key = self._api_key or find_api_key()
        if not key:
            raise BackendError(f"{PROVIDER}: no API key configured (the secret alone is not enough)",
                               f"set {KEY_VAR} (and {SECRET_VAR}), or `filmsofone keys set {KEY_VAR}`")
        self._api_key = key
        return key

    def _token(self) -> str:
        return base64.b64encode(f"{self.api_key()}:{self.key}".encode()).decode()

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Basic {self._token()}"} if self.key else {}

    def client(self, *, timeout: float | None = None) -> Transport:
        """The transport, with the API key and the Basic token among the secrets its messages never show."""
        transport = super().client(timeout=timeout)
        if self.key:
            transport.secrets = tuple(s for s in (*transport.secrets, self.api_key(), self._token()) if s)
        return transport

    def _require_model(self) -> None:
        if not self.options.model:
            raise BackendError(f"{PROVIDER}: no model to generate with",
                               "give your character model's id: --option model=model_... (Scenario: Your Models > "
                               "Copy Model ID)")

    def still_needed(self) -> list[str]:
        return [] if self.options.model else ["a character model to run: --option model=model_... "
                                              "(Scenario: Your Models > Copy Model ID)"]

    def check(self, request: GenerationRequest) -> None:
        super().check(request)
        if self.key:  # a dry run (no key) is priced without a model, and says one is needed
            self._require_model()

    def _query(self) -> dict[str, str]:
        return {"projectId": self.options.project_id} if self.options.project_id else {}

    async def upload(self, client: Transport, path: Path) -> str:
        """One reference image as a hidden asset; returns its asset id (an upload starts nothing paid)."""
        body = {"image": data_uri(path, provider=PROVIDER, limit_mb=ASSET_LIMIT_MB), "name": Path(path).name,
                "hide": True}
        data = await client.json(Step.UPLOAD, "POST", "/v1/assets", params=self._query(), json=body)
        asset = data.get("asset") if isinstance(data.get("asset"), dict) else data
        return str(pick(asset, "id", contract=self.contract, step=Step.UPLOAD))

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        assets = [await self.upload(client, path) for path in request.references]
        body: dict = {"prompt": request.prompt, "aspectRatio": request.aspect_ratio, "numOutputs": 1}
        if assets:
            body["referenceImages"] = assets
        data = await client.json(Step.CREATE, "POST", f"/v1/generate/custom/{self.options.model}",
                                 params=self._query(), json=body)
        job = pick(data, "job", contract=self.contract, step=Step.CREATE)
        job_id = job.get("jobId") or job.get("id") if isinstance(job, dict) else None
        if not job_id:
            raise malformed(Step.CREATE, self.contract, "no job.jobId")
        return str(job_id)

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        data = await client.json(Step.READ, "GET", f"/v1/jobs/{job_id}", params=self._query())
        status = job_status(pick(data, "job", contract=self.contract), self.interval())
        if status.state != JobState.SUCCEEDED:
            return status
        urls = [await self.asset_url(client, asset_id) for asset_id in status.output_urls]
        return status.model_copy(update={"output_urls": urls})

    async def asset_url(self, client: Transport, asset_id: str) -> str:
        data = await client.json(Step.READ, "GET", f"/v1/assets/{asset_id}", params=self._query())
        url = pick(data, "asset", "url", contract=self.contract)
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise malformed(Step.READ, self.contract, "asset.url is not a URL")
        return url

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed(f"{PROVIDER}: the job has no output asset")
        await client.download(status.output_urls[0], dest)


def job_status(job: dict, interval: float) -> JobStatus:
    """Map a Scenario job onto JobStatus; on success `output_urls` holds the output asset ids (not URLs yet)."""
    state = pick(job, "status", contract=CONTRACT)
    progress = job.get("progress")
    fraction = float(progress) if isinstance(progress, (int, float)) else None
    if state == "queued":
        return JobStatus(state=JobState.QUEUED, progress=fraction, poll_after=interval)
    if state in RUNNING:
        return JobStatus(state=JobState.RUNNING, progress=fraction)
    metadata = job.get("metadata") if isinstance(job.get("metadata"), dict) else {}
    if state == "success":
        assets = metadata.get("assetIds")
        if not isinstance(assets, list) or not assets:
            raise malformed(Step.READ, CONTRACT, "a successful job without metadata.assetIds")
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=[str(a) for a in assets])
    if state in ("failure", "failed", "canceled", "cancelled"):
        reason = job.get("error") or metadata.get("error") or metadata.get("failure") or state
        reason = reason.get("message", str(reason)) if isinstance(reason, dict) else str(reason)
        refused = is_moderation(reason, CONTRACT)
        return JobStatus(state=JobState.REFUSED if refused else JobState.FAILED, error=f"{PROVIDER}: {reason}")
    raise malformed(Step.READ, CONTRACT, f"unknown job status {state!r}")
