"""Google Veo through the long-running `predictLongRunning` operation (docs/contracts.md, "Veo").

Option `api` selects the dialect:

- "gemini" (default; the Gemini API and compatible proxies): `POST {base}/models/{model}:predictLongRunning`
  with `x-goog-api-key`, poll `GET {base}/{operation name}`, the video at
  `response.generateVideoResponse.generatedSamples[0].video.uri` (downloaded with the same key header);
  no seed.
- "vertex": `POST {base}/projects/{p}/locations/{loc}/publishers/google/models/{model}:predictLongRunning`
  with a Bearer access token, poll `POST ...:fetchPredictOperation {"operationName"}`, the video in
  `response.videos[]` as `bytesBase64Encoded` or a `gcsUri`; seed and audio allowed.

Moderation shows as `raiMediaFilteredCount > 0` with no samples: a refusal with Google's reasons.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import ClassVar, Literal
from urllib.parse import quote

from ..errors import BackendError
from .base import Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus
from .inputs import image_bytes
from .transport import Contract, Step, Transport, malformed, pick

PROVIDER = "veo"
INLINE = "veo-inline:"  # output "URL" of a video returned inside the operation (Vertex without storage)
IMAGE_LIMIT_MB = 20.0
GEMINI_BASE = "https://generativelanguage.googleapis.com/v1beta"
# file URIs and gs:// objects are fetched with the key: same origin, or the storage host (key_origins)
CONTRACT = Contract(PROVIDER, key_headers=("authorization", "x-goog-api-key"), key_on_downloads=True)


def _capabilities(api_name: str) -> Capabilities:
    return Capabilities(durations=[4.0, 6.0, 8.0], min_duration=4.0, max_duration=8.0,
                        aspect_ratios=["16:9", "9:16"],
                        resolutions=["1280x720", "720x1280", "1920x1080", "1080x1920"], prompt_limit=2000,
                        seed=api_name == "vertex", negative_prompt=True, reference_images=3, first_frame=True,
                        last_frame=True)


class VeoOptions(BackendOptions):
    api: Literal["gemini", "vertex"] = "gemini"
    base_url: str | None = None  # default: the Gemini API, or https://{location}-aiplatform.googleapis.com/v1
    model: str = "veo-3.1-generate-preview"
    project: str | None = None  # vertex
    location: str = "us-central1"  # vertex
    storage_uri: str | None = None  # vertex: gs://bucket/prefix for outputs (default: inline bytes)
    storage_url: str = "https://storage.googleapis.com"  # where gs:// outputs are fetched from
    person_generation: Literal["allow_all", "allow_adult", "dont_allow"] | None = None
    generate_audio: bool | None = None  # vertex
    enhance_prompt: bool | None = None


# USD a second with sound at 1080p (720p costs the same or less), as third parties quote Google's Gemini API
# price list of 2026-04 (docs/providers.md, Prices); a model not listed is priced as the standard one
PRICES = {"veo-3.1-generate-preview": 0.40, "veo-3.1-generate-001": 0.40, "veo-3.1-fast-generate-preview": 0.12,
          "veo-3.1-fast-generate-001": 0.12, "veo-3.1-lite-generate-preview": 0.08}
STANDARD_PRICE = 0.40


class VeoBackend(Backend):
    name = "veo"
    kind = "video"
    description = "Google Veo 3.x via predictLongRunning: the Gemini API (or a compatible proxy) or Vertex AI"
    capabilities: ClassVar[Capabilities] = _capabilities("gemini")
    needs_key = True
    key_env_var = "GEMINI_API_KEY"  # with api=vertex: an OAuth access token
    Options = VeoOptions
    contract = CONTRACT
    price_per_second = STANDARD_PRICE  # per model in __init__ (PRICES)
    poll_interval = 10.0
    default_concurrency = 2

    def __init__(self, options: BackendOptions | None = None, key: str | None = None):
        super().__init__(options, key)
        opts = self.options
        if opts.api == "vertex" and not opts.project:
            raise BackendError(f"{PROVIDER}: api=vertex needs a project", "pass --option project=MY_PROJECT")
        if not opts.base_url:
            base = GEMINI_BASE if opts.api == "gemini" else f"https://{opts.location}-aiplatform.googleapis.com/v1"
            self.options = opts.model_copy(update={"base_url": base})
        self.capabilities = _capabilities(opts.api)
        self.price_per_second = PRICES.get(opts.model, STANDARD_PRICE)

    def key_origins(self) -> tuple[str, ...]:
        return (self.options.storage_url,) if self.options.api == "vertex" else ()

    def auth_headers(self) -> dict[str, str]:
        if not self.key:
            return {}
        if self.options.api == "vertex":
            return {"Authorization": f"Bearer {self.key}"}
        return {"x-goog-api-key": self.key}

    # -- paths --

    def _base(self) -> str:
        return self.options.base_url.rstrip("/")

    def _model_path(self) -> str:
        if self.options.api == "gemini":
            return f"{self._base()}/models/{self.options.model}"
        return (f"{self._base()}/projects/{self.options.project}/locations/{self.options.location}"
                f"/publishers/google/models/{self.options.model}")

    # -- the request --

    def _image(self, path: Path) -> dict:
        data, mime = image_bytes(path, provider=PROVIDER, limit_mb=IMAGE_LIMIT_MB)
        encoded = base64.b64encode(data).decode()
        return {"bytesBase64Encoded": encoded, "mimeType": mime}

    def body(self, request: GenerationRequest) -> dict:
        instance: dict = {"prompt": request.prompt}
        if request.first_frame is not None:
            instance["image"] = self._image(request.first_frame)
        if request.last_frame is not None:
            instance["lastFrame"] = self._image(request.last_frame)
        if request.references:
            instance["referenceImages"] = [{"image": self._image(p), "referenceType": "asset"}
                                           for p in request.references]
        width, _, height = request.resolution.partition("x")
        parameters: dict = {"aspectRatio": request.aspect_ratio, "durationSeconds": int(request.duration),
                            "resolution": "1080p" if min(int(width), int(height)) >= 1080 else "720p",
                            "sampleCount": 1}
        if request.negative_prompt:
            parameters["negativePrompt"] = request.negative_prompt
        opts = self.options
        optional = {"personGeneration": opts.person_generation, "enhancePrompt": opts.enhance_prompt}
        if opts.api == "vertex":
            optional.update({"seed": request.seed, "generateAudio": opts.generate_audio,
                             "storageUri": opts.storage_uri})
        parameters.update({k: v for k, v in optional.items() if v is not None})
        return {"instances": [instance], "parameters": parameters}

    # -- the steps --

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        data = await client.json(Step.CREATE, "POST", f"{self._model_path()}:predictLongRunning",
                                 json=self.body(request))
        return str(pick(data, "name", contract=CONTRACT, step=Step.CREATE))

    async def _operation(self, client: Transport, name: str) -> dict:
        if self.options.api == "gemini":
            return await client.json(Step.READ, "GET", f"{self._base()}/{name}")
        # Vertex reads an operation with a POST that starts nothing: as safe to repeat as a GET
        return await client.json(Step.READ, "POST", f"{self._model_path()}:fetchPredictOperation",
                                 json={"operationName": name})

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        return operation_status(await self._operation(client, job_id), job_id, self.options.storage_url)

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed(f"{PROVIDER}: the operation has no video")
        url = status.output_urls[0]
        if url.startswith(INLINE):
            name, _, index = url.removeprefix(INLINE).rpartition("#")
            videos = _videos(await self._operation(client, name))
            encoded = videos[int(index)].get("bytesBase64Encoded") or videos[int(index)].get("encodedVideo") \
                if len(videos) > int(index) else None
            if not encoded:
                raise malformed(Step.READ, CONTRACT, "the operation lost its video bytes")
            try:
                Path(dest).write_bytes(base64.b64decode(encoded, validate=True))
            except ValueError:
                raise malformed(Step.READ, CONTRACT, "video bytes are not base64") from None
            return
        # Gemini file URIs and GCS objects need the key (or token); a redirect elsewhere goes without it
        await client.download(url, dest)


def operation_status(data: dict, name: str, storage_url: str) -> JobStatus:
    """Map a long-running operation onto JobStatus (both dialects)."""
    if not data.get("done"):
        progress = (data.get("metadata") or {}).get("progressPercent") if isinstance(data.get("metadata"), dict) \
            else None
        return JobStatus(state=JobState.RUNNING if data.get("metadata") else JobState.QUEUED,
                         progress=float(progress) / 100 if isinstance(progress, (int, float)) else None)
    if isinstance(data.get("error"), dict):
        error = data["error"]
        return JobStatus(state=JobState.FAILED,
                         error=f"{PROVIDER}: {error.get('message') or 'the operation failed'} (code {error.get('code')})")
    response = data.get("response")
    if not isinstance(response, dict):
        raise malformed(Step.READ, CONTRACT, "done operation without response")
    body = response.get("generateVideoResponse", response)
    videos = _videos(data)
    if not videos:
        if body.get("raiMediaFilteredCount"):
            reasons = "; ".join(map(str, body.get("raiMediaFilteredReasons") or [])) or "filtered by safety"
            return JobStatus(state=JobState.REFUSED, error=f"{PROVIDER}: {reasons}")
        raise malformed(Step.READ, CONTRACT, "done operation without videos")
    video = videos[0]
    if video.get("uri"):
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=[video["uri"]])
    if video.get("gcsUri"):
        bucket, _, blob = video["gcsUri"].removeprefix("gs://").partition("/")
        url = f"{storage_url.rstrip('/')}/storage/v1/b/{bucket}/o/{quote(blob, safe='')}?alt=media"
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=[url])
    if video.get("bytesBase64Encoded") or video.get("encodedVideo"):  # inline: fetched again at download
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=[f"{INLINE}{name}#0"])
    raise malformed(Step.READ, CONTRACT, "a video without uri or bytes")


def _videos(data: dict) -> list[dict]:
    """The video objects of a done operation: Gemini `generatedSamples[].video` or Vertex `videos[]`."""
    response = data.get("response") if isinstance(data.get("response"), dict) else {}
    body = response.get("generateVideoResponse", response)
    if not isinstance(body, dict):
        return []
    samples = body.get("generatedSamples") or body.get("videos") or []
    if not isinstance(samples, list):
        return []
    videos = [s.get("video", s) if isinstance(s, dict) else None for s in samples]
    return [v for v in videos if isinstance(v, dict)]
