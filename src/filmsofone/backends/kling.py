"""Kling's official API (docs/contracts.md, "Kling").

Auth: a JWT (HS256, through PyJWT) minted for every request from the access key (`iss`) and signed with the secret
key, valid 30 minutes: `Authorization: Bearer <jwt>`. Create `POST /v1/videos/{text2video|image2video|
multi-image2video}` (images as raw base64, no `data:` prefix), poll `GET` the same path + `/{task_id}`
(`submitted`, `processing`, `succeed`, `failed`), download `data.task_result.videos[0].url`.

Sound (`sound: "on"|"off"`, kling-v2-6 and later): with sound on Kling makes the clip's audio itself, speech
included; the shot's line is already in the prompt as Kling's guide asks (the speaker named, the words in
double quotes: `Ada says: "..."`), and the cut keeps the clip's sound instead of the speech engine's voice
(`sound.native`). Off, or left out, the clip is silent; an older model takes sound=off without sending it.

Errors come as `{"code", "message", "request_id"}`: 1302/1303 (too frequent / over concurrency) are
throttling, 1301 is a content-security refusal, 1000-1004 are auth, 1100-1102 the account's balance.
"""

from __future__ import annotations

import re
import time
import warnings
from functools import partial
from pathlib import Path
from typing import ClassVar, Literal


from ..errors import BackendError
from ..keys import find_named_key
from .base import Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus
from .inputs import raw_base64
from .transport import Contract, Envelope, Step, Transport, is_moderation, malformed, pick

PROVIDER = "kling"
ACCESS_KEY_VAR = "KLING_ACCESS_KEY"
SECRET_KEY_VAR = "KLING_SECRET_KEY"
IMAGE_LIMIT_MB = 10.0
TOKEN_SECONDS = 1800
MULTI_IMAGE_MODELS = ("kling-v1-6",)  # the models multi-image2video (reference images) takes
SOUND_SINCE = (2, 6)  # the first model version that makes sound (kling-v2-6)
SOUND_PRICE_PER_SECOND = 0.112  # [unverified] twice the silent price, as resellers list Kling 2.6 with audio
_VERSION = re.compile(r"^kling-v(\d+)(?:-(\d+))?(?:-|$)")
CONTRACT = Contract(
    PROVIDER, key_hint=f"check {ACCESS_KEY_VAR} and {SECRET_KEY_VAR}",
    envelope=Envelope(code=("code",), message=("message",), throttled=frozenset({1302, 1303}),
                      refused=frozenset({1301}), bad_key=frozenset(range(1000, 1005)),
                      hints=((frozenset(range(1100, 1103)),
                              "the account cannot run more jobs (balance or resource pack)"),)))


def make_jwt(access_key: str, secret_key: str, now: float | None = None, ttl: int = TOKEN_SECONDS) -> str:
    """The token Kling expects: {"iss": AK, "exp": now+ttl, "nbf": now-5}, HS256 with the secret key."""
    import jwt  # only when a token is made: listing backends stays light
    from jwt.warnings import InsecureKeyLengthWarning

    now = int(now if now is not None else time.time())
    with warnings.catch_warnings():  # the secret's length is Kling's choice, not the user's
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return jwt.encode({"iss": access_key, "exp": now + ttl, "nbf": now - 5}, secret_key, algorithm="HS256",
                          headers={"typ": "JWT"})


def find_access_key() -> str | None:
    """KLING_ACCESS_KEY from the environment, else the key file (entry `KLING_ACCESS_KEY` or `kling-access`)."""
    return find_named_key("kling-access", ACCESS_KEY_VAR)


class KlingOptions(BackendOptions):
    base_url: str = "https://api-singapore.klingai.com"
    model: str = "kling-v2-1"
    mode: Literal["std", "pro"] = "std"
    cfg_scale: float | None = None  # 0..1
    sound: Literal["on", "off"] | None = None  # kling-v2-6 and later: make the clip's sound (speech included)


def makes_sound(model: str) -> bool:
    """Whether `model` takes the `sound` switch (kling-v2-6 and later)."""
    found = _VERSION.match(model)
    return bool(found) and (int(found.group(1)), int(found.group(2) or 0)) >= SOUND_SINCE


def _capabilities(model: str) -> Capabilities:
    return Capabilities(durations=[5.0, 10.0], min_duration=5.0, max_duration=10.0,
                        aspect_ratios=["16:9", "9:16", "1:1"], resolutions=["1280x720", "720x1280", "720x720",
                                                                            "1920x1080"],
                        prompt_limit=2500, seed=False, negative_prompt=True,
                        reference_images=4 if model in MULTI_IMAGE_MODELS else 0, first_frame=True,
                        last_frame=True, frames_with_references=False)


class KlingBackend(Backend):
    name = "kling"
    kind = "video"
    description = "Kling official API (JWT from access + secret key); kling-v1-6 takes up to 4 reference images"
    # the class lists what some model takes (kling-v1-6: 4 references); an instance narrows it to its model
    capabilities: ClassVar[Capabilities] = _capabilities("kling-v1-6")
    needs_key = True
    key_env_var = SECRET_KEY_VAR
    extra_key_env_vars = (ACCESS_KEY_VAR,)
    Options = KlingOptions
    contract = CONTRACT
    price_per_second = 0.056  # std, as third parties resell kling-v2.1 standard (docs/providers.md, Prices)
    poll_interval = 8.0
    default_concurrency = 2

    def __init__(self, options: BackendOptions | None = None, key: str | None = None, *,
                 access_key: str | None = None):
        super().__init__(options, key)
        self.capabilities = _capabilities(self.options.model)
        self._access_key = access_key
        if self.options.sound == "on":
            self.price_per_second = SOUND_PRICE_PER_SECOND

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def auth_headers(self) -> dict[str, str]:
        """A fresh token for each request (tokens last 30 minutes; jobs can last longer)."""
        if not self.key:
            return {}
        access = self._access_key or find_access_key()
        if not access:
            raise BackendError(f"{PROVIDER}: no access key configured",
                               f"set {ACCESS_KEY_VAR} (and {SECRET_KEY_VAR}), or `filmsofone keys set "
                               f"{ACCESS_KEY_VAR}`")
        self._access_key = access
        return {"Authorization": f"Bearer {make_jwt(access, self.key)}"}

    def check(self, request: GenerationRequest) -> None:
        super().check(request)
        if request.references and (request.first_frame or request.last_frame):
            raise BackendError(f"{PROVIDER}: shot {request.shot_id} has both reference images and frames",
                               "Kling's multi-image mode takes references only; drop the frames")
        if self.options.sound == "on" and not makes_sound(self.options.model):
            raise BackendError(f"{PROVIDER}: model {self.options.model} makes no sound (sound=on)",
                               "use --option model=kling-v2-6 (or later) for sound, or leave the sound option out")

    def endpoint_and_body(self, request: GenerationRequest) -> tuple[str, dict]:
        body: dict = {"model_name": self.options.model, "prompt": request.prompt, "mode": self.options.mode,
                      "duration": str(int(request.duration)), "aspect_ratio": request.aspect_ratio}
        if request.negative_prompt:
            body["negative_prompt"] = request.negative_prompt
        if self.options.cfg_scale is not None:
            body["cfg_scale"] = self.options.cfg_scale
        if self.options.sound is not None and makes_sound(self.options.model):  # an older model is silent anyway
            body["sound"] = self.options.sound
        if request.idempotency_key:
            body["external_task_id"] = request.idempotency_key
        encode = partial(raw_base64, provider=PROVIDER, limit_mb=IMAGE_LIMIT_MB)
        if request.references:
            body["image_list"] = [{"image": encode(path)} for path in request.references]
            return "multi-image2video", body
        if request.first_frame is not None:
            body["image"] = encode(request.first_frame)
            if request.last_frame is not None:
                body["image_tail"] = encode(request.last_frame)
            body.pop("aspect_ratio")  # image2video takes the image's shape
            return "image2video", body
        return "text2video", body

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        kind, body = self.endpoint_and_body(request)
        data = await client.json(Step.CREATE, "POST", f"/v1/videos/{kind}", json=body)
        task_id = pick(data, "data", "task_id", contract=CONTRACT, step=Step.CREATE)
        return f"{kind}:{task_id}"

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        kind, _, task_id = job_id.partition(":")
        if not task_id:
            raise Failed(f"{PROVIDER}: malformed job id {job_id!r}")
        data = await client.json(Step.READ, "GET", f"/v1/videos/{kind}/{task_id}")
        return task_status(pick(data, "data", contract=CONTRACT))

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed(f"{PROVIDER}: the task has no video")
        await client.download(status.output_urls[0], dest)


def task_status(data: dict) -> JobStatus:
    state = pick(data, "task_status", contract=CONTRACT)
    if state == "submitted":
        return JobStatus(state=JobState.QUEUED)
    if state == "processing":
        return JobStatus(state=JobState.RUNNING)
    if state == "succeed":
        url = pick(data, "task_result", "videos", 0, "url", contract=CONTRACT)
        if not isinstance(url, str):
            raise malformed(Step.READ, CONTRACT, "the video url is not a string")
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=[url])
    if state == "failed":
        reason = str(data.get("task_status_msg") or "the task failed")
        refused = is_moderation(reason, CONTRACT)
        return JobStatus(state=JobState.REFUSED if refused else JobState.FAILED, error=f"{PROVIDER}: {reason}")
    raise malformed(Step.READ, CONTRACT, f"unknown task_status {state!r}")
