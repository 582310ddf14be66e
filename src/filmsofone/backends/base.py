"""The backend protocol: what a video (or image) generator declares and does.

A backend is a class with class-level declarations (name, kind, capabilities, key, options, price) and
either one local step (`render`) or the remote steps every hosted service shares (create -> poll ->
download, docs/contracts.md). The engine (`filmsofone.generate`) drives those steps,
records each in the database before the next, and maps the exceptions below onto its job states.

Final shape (stable; adapters rely on these names):

    class MyBackend(Backend):
        name = "mine"; kind = "video"; description = "..."
        capabilities = Capabilities(durations=[5, 10], aspect_ratios=["16:9"], seed=True, ...)
        needs_key = True; key_env_var = "MINE_API_KEY"
        class Options(BackendOptions):          # extra="forbid": unknown options are refused
            base_url: str = "https://api.example.com"   # injectable, so tests point it at a fake
            model: str = "x-1"
        price_per_second = 0.05                  # or price_per_clip; users override with --option
        poll_interval = 5.0; default_concurrency = 2; job_timeout = 1200.0
        retry_base = 1.0; retry_cap = 30.0       # backoff with full jitter between retries of a step
        cache_exempt_options = {...}             # options that do not change the clip (URLs, timeouts)
        idempotent_create = False                # True: `submit` with the same request.idempotency_key
                                                 # never makes a second job, so the engine may resend it
        def auth_headers(self) -> dict: ...      # default: Bearer self.key; never log the result
        async def submit(self, client, request) -> str            # the remote job id
        async def status(self, client, job_id) -> JobStatus       # one poll
        async def download(self, client, status, dest) -> None    # stream output_urls to dest

    local backends set `local = True` and implement `async render(request, dest) -> float | None` instead
    (with `verify_output = False` the returned duration is trusted; else the engine probes the file).

Every option model also takes the engine-level overrides `price_per_second`, `price_per_clip`,
`concurrency`, `poll_interval` and `timeout` (they do not enter the cache key). The engine verifies each
output (a decodable video of about the requested length, fully decoded when `verify_decode`) before
renaming it into place.

Steps raise the `BackendFailure` subclasses of `backends.transport` (its table `ANSWERS` maps HTTP answers
onto them); anything else is treated as `Failed`. `client` is `self.client()`: a `Transport` with
`base_url=self.options.base_url` (when the options have one) and `auth_headers()`.

Registration: a module named in the entry-point group `filmsofone.backends` defines
`register_backends(register)` and calls `register(MyBackend)` (or, to stay lazy,
`register("mine", "package.module", kind="speech")`: the module is imported only when the backend is used
or listed, and its Backend subclass whose `name` matches is taken). `kind` (video, image, speech, music,
chat) is what a backend makes; `backend_names(kind=...)`, `list_backends(kind=...)` and
`get_backend(name, kind=...)` look backends up by kind. Module import must stay light: import heavy
libraries inside the steps.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import BackendError
from .transport import (  # noqa: F401  (the failures are part of the backend protocol)
    BackendFailure,
    Contract,
    Failed,
    GaveUp,
    OutcomeUnknown,
    OutputExpired,
    Refused,
    RetryPolicy,
    Throttled,
    Transient,
    Transport,
    Unreachable,
)

Kind = Literal["video", "image", "speech", "music", "chat"]
KINDS: tuple[str, ...] = ("video", "image", "speech", "music", "chat")


class BackendOptions(BaseModel):
    """Per-backend options; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")
    # engine-level overrides every backend accepts (None: the backend's declared value)
    price_per_second: float | None = Field(default=None, ge=0)
    price_per_clip: float | None = Field(default=None, ge=0)
    concurrency: int | None = Field(default=None, ge=1)
    poll_interval: float | None = Field(default=None, gt=0)
    timeout: float | None = Field(default=None, gt=0)  # per-job wall clock, seconds


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
    # False: frames and reference images cannot go in one request (the engine sends a shot with a keyframe
    # its frames, one without a keyframe its references)
    frames_with_references: bool = True


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
    idempotency_key: str | None = None  # set by the engine, recorded before submit; stable across resends


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


class Backend:
    """Base class of every backend. Subclasses set the class variables and implement their steps."""

    name: ClassVar[str]
    kind: ClassVar[Kind] = "video"  # what it makes; the registry lists and looks up backends by kind
    contract: ClassVar[Contract | None] = None  # its provider's HTTP differences (hosted backends)
    description: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()
    needs_key: ClassVar[bool] = False
    key_env_var: ClassVar[str | None] = None
    extra_key_env_vars: ClassVar[tuple[str, ...]] = ()  # the other half of a two-part credential
    Options: ClassVar[type[BackendOptions]] = BackendOptions
    local: ClassVar[bool] = False  # True: `render` makes the file here; False: create/poll/download
    idempotent_create: ClassVar[bool] = False  # the provider dedupes creates (client-set ids, keys)
    price_per_second: ClassVar[float | None] = None  # USD, user-overridable
    price_per_clip: ClassVar[float | None] = None
    default_concurrency: ClassVar[int] = 2
    poll_interval: ClassVar[float] = 5.0
    job_timeout: ClassVar[float] = 20 * 60.0
    # options that do not change the clip (where the server is, how long to wait): not in the cache key
    cache_exempt_options: ClassVar[frozenset[str]] = frozenset({"base_url", "url", "urls", "servers",
                                                                "http_timeout", "api_base"})
    retry_base: ClassVar[float] = 1.0  # seconds: the first backoff step (full jitter, doubling, capped)
    retry_cap: ClassVar[float] = 30.0
    wants_sketch: ClassVar[bool] = False  # True: the engine fills request.sketch (offline renderers)
    verify_decode: ClassVar[bool] = True  # fully decode outputs before accepting them
    verify_output: ClassVar[bool] = True  # False: a local renderer whose `render` returns the duration made

    def __init__(self, options: BackendOptions | None = None, key: str | None = None):
        self.options = options or self.Options()
        self._key = key

    def __repr__(self) -> str:  # never shows the key
        return f"<{type(self).__name__} {self.name}>"

    @property
    def key(self) -> str | None:
        return self._key

    # -- declared values, with the user's overrides --

    @classmethod
    def make_options(cls, values: dict | None) -> BackendOptions:
        """Validate `values` against Options; unknown or bad fields raise BackendError."""
        from pydantic import ValidationError

        try:
            return cls.Options(**(values or {}))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'options'}: {e['msg']}" for e in exc.errors())
            known = ", ".join(cls.Options.model_fields)
            raise BackendError(f"bad options for backend '{cls.name}': {problems}", f"known options: {known}") from None

    def given_options(self) -> dict:
        """The options set on this instance (as `--option` gave them, price overrides included), as JSON."""
        return self.options.model_dump(mode="json", include=set(self.options.model_fields_set))

    def concurrency(self) -> int:
        return self.options.concurrency or self.default_concurrency

    def interval(self) -> float:
        return self.options.poll_interval or self.poll_interval

    def timeout(self) -> float:
        return self.options.timeout or self.job_timeout

    def cost(self, duration: float, resolution: str | None = None) -> float:
        """Estimated price in USD of one clip of `duration` seconds at `resolution` ("1280x720"; the price of the
        backend's default size when None), 0 when free."""
        per_second = self.options.price_per_second if self.options.price_per_second is not None \
            else self.price_per_second_at(resolution)
        per_clip = self.options.price_per_clip if self.options.price_per_clip is not None else self.price_per_clip
        return (per_second or 0.0) * duration + (per_clip or 0.0)

    def price_per_second_at(self, resolution: str | None) -> float | None:
        """The declared price per second of a clip at `resolution`; the one price unless a backend's depends on
        the frame size."""
        return self.price_per_second

    def auth_headers(self) -> dict[str, str]:
        """The headers that carry the key (sent only to the API's own origin); never log them."""
        return {"Authorization": f"Bearer {self._key}"} if self._key else {}

    def default_headers(self) -> dict[str, str]:
        """Headers without secrets sent with every request (an API version, a user agent)."""
        return {}

    def key_origins(self) -> tuple[str, ...]:
        """Hosts besides `base_url` that the provider documents as wanting the key (rare; a storage host)."""
        return ()

    def base_url(self) -> str:
        return getattr(self.options, "base_url", None) or ""

    def client(self, *, timeout: float | None = None) -> Transport:
        """The transport the engine passes to the hosted steps (and closes after the run).

        `timeout` overrides the contract's read timeout (tests of a hanging provider)."""
        contract = self.contract or Contract(self.name)
        if timeout is not None:
            contract = dataclasses.replace(contract, timeout=timeout)
        return Transport(contract, self.base_url(), headers=self.default_headers(),
                         key_headers=self.auth_headers, key_origins=self.key_origins(),
                         secrets=(self._key,) if self._key else ())

    def retry_policy(self, attempts: int = 6) -> RetryPolicy:
        """How the engine retries one step of this backend."""
        return RetryPolicy(attempts=attempts, base=self.retry_base, cap=self.retry_cap,
                           resend_unknown=self.idempotent_create)

    # -- checks, before anything is sent --

    def still_needed(self) -> list[str]:
        """What a real run needs that the options do not give yet (a dry run prices it and says so)."""
        return []

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

    async def render(self, request: GenerationRequest, dest: Path) -> float | None:
        """Make the clip at `dest`; may return its duration in seconds."""
        raise NotImplementedError

    # -- hosted backends --

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        """Create the job; return the provider's job id (recorded before anything else happens)."""
        raise NotImplementedError

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        """One poll, mapped onto JobStatus."""
        raise NotImplementedError

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        """Stream the output to `dest` (a temporary path; the engine verifies and renames it)."""
        raise NotImplementedError
