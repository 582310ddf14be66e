"""The backend protocol: what a video (or image) generator declares and does.

A backend is a class with class-level declarations (name, kind, capabilities, key, options, price) and
either one local step (`render`) or the remote steps every hosted service shares (create -> poll ->
download, `../shared/design/backends.md` section 9). The engine (`filmsofone.generate`) drives those steps,
records each in the database before the next, and maps the exceptions below onto its job states.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import ClassVar, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field

from ..errors import BackendError


class BackendOptions(BaseModel):
    """Per-backend options; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class Capabilities(BaseModel):
    """What a backend accepts; a request outside it is refused before anything is sent."""

    model_config = ConfigDict(extra="forbid")
    durations: list[float] | None = None  # allowed clip lengths; None means any in [min, max]
    min_duration: float = 1.0
    max_duration: float = 10.0
    aspect_ratios: list[str] = Field(default_factory=lambda: ["16:9"])
    resolutions: list[str] = Field(default_factory=lambda: ["1280x720"])
    prompt_limit: int = 1000
    seed: bool = False
    negative_prompt: bool = False
    reference_images: int = 0  # how many reference images it takes (0: none)
    first_frame: bool = False
    last_frame: bool = False


class GenerationRequest(BaseModel):
    """One shot as a backend is asked to make it (built by `generate` from a `ShotPrompt`)."""

    model_config = ConfigDict(extra="forbid")
    shot_id: str
    prompt: str
    negative_prompt: str = ""
    seed: int | None = None
    duration: float
    aspect_ratio: str = "16:9"
    resolution: str = "1280x720"
    fps: int = 24
    references: list[Path] = Field(default_factory=list)
    first_frame: Path | None = None
    last_frame: Path | None = None
    options: dict = Field(default_factory=dict)  # validated against the backend's Options
    sketch: dict | None = None  # what an offline renderer draws (names, caption, palette, size, movement)


class JobState(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUSED = "refused"  # moderation: never retried


class JobStatus(BaseModel):
    """One poll's answer, mapped from the provider's shape."""

    state: JobState
    progress: float | None = None
    output_urls: list[str] = Field(default_factory=list)
    error: str | None = None
    poll_after: float | None = None  # seconds, from Retry-After or a provider hint


# --- failures the engine tells apart --------------------------------------------------------------


class BackendFailure(Exception):
    """A step failed; subclasses tell the engine what to do next. Messages never carry a key."""


class Throttled(BackendFailure):
    """429 or the provider's 'too many jobs': wait `retry_after` seconds and try the same step again."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class Transient(BackendFailure):
    """5xx, connection reset, timeout on a GET: safe to retry the same step with backoff."""


class OutcomeUnknown(BackendFailure):
    """A create was sent and no answer came back: a paid job may exist; do not resubmit blindly."""


class Refused(BackendFailure):
    """Moderation refusal: never retried; the shot is marked with the provider's reason."""


class Failed(BackendFailure):
    """The provider says the job failed (or its answer is malformed): a terminal error for this take."""


class OutputExpired(BackendFailure):
    """The output URL no longer serves the file (403/404/410 on download)."""


class Backend:
    """Base class of every backend. Subclasses set the class variables and implement their steps."""

    name: ClassVar[str]
    kind: ClassVar[Literal["video", "image"]] = "video"
    description: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()
    needs_key: ClassVar[bool] = False
    key_env_var: ClassVar[str | None] = None
    Options: ClassVar[type[BackendOptions]] = BackendOptions
    local: ClassVar[bool] = False  # True: `render` makes the file here; False: create/poll/download
    idempotent_create: ClassVar[bool] = False  # the provider dedupes creates (client-set ids, keys)
    price_per_second: ClassVar[float | None] = None  # USD, user-overridable
    price_per_clip: ClassVar[float | None] = None
    default_concurrency: ClassVar[int] = 2
    poll_interval: ClassVar[float] = 5.0

    def __init__(self, options: BackendOptions | None = None, key: str | None = None):
        self.options = options or self.Options()
        self._key = key

    # -- checks, before anything is sent --

    def check(self, request: GenerationRequest) -> None:
        """Raise BackendError when the request asks for something this backend cannot honour."""
        caps = self.capabilities
        problems = []
        if request.seed is not None and not caps.seed:
            problems.append("a seed")
        if request.negative_prompt and not caps.negative_prompt:
            problems.append("a negative prompt")
        if len(request.references) > caps.reference_images:
            problems.append(f"{len(request.references)} reference image(s) (it takes {caps.reference_images})")
        if request.first_frame and not caps.first_frame:
            problems.append("a first frame")
        if request.last_frame and not caps.last_frame:
            problems.append("a last frame")
        if request.aspect_ratio not in caps.aspect_ratios:
            problems.append(f"aspect ratio {request.aspect_ratio} (it takes {', '.join(caps.aspect_ratios)})")
        if len(request.prompt) > caps.prompt_limit:
            problems.append(f"a {len(request.prompt)}-character prompt (limit {caps.prompt_limit})")
        if caps.durations is not None and request.duration not in caps.durations:
            problems.append(f"{request.duration:g} s (it takes {', '.join(f'{d:g}' for d in caps.durations)} s)")
        elif not caps.min_duration <= request.duration <= caps.max_duration:
            problems.append(f"{request.duration:g} s (it takes {caps.min_duration:g}-{caps.max_duration:g} s)")
        if problems:
            raise BackendError(f"backend '{self.name}' cannot honour shot {request.shot_id}: "
                               + "; ".join(problems), "change the shot or pick another backend")

    # -- local backends --

    async def render(self, request: GenerationRequest, dest: Path) -> None:
        raise NotImplementedError

    # -- hosted backends --

    async def submit(self, client: httpx.AsyncClient, request: GenerationRequest) -> str:
        """Create the job; return the provider's job id (recorded before anything else happens)."""
        raise NotImplementedError

    async def status(self, client: httpx.AsyncClient, job_id: str) -> JobStatus:
        """One poll, mapped onto JobStatus."""
        raise NotImplementedError

    async def download(self, client: httpx.AsyncClient, status: JobStatus, dest: Path) -> None:
        """Stream the output to `dest` (a temporary path; the engine verifies and renames it)."""
        raise NotImplementedError
