"""Kling's official API (`../shared/design/backends.md` section 8a).

Auth: a JWT (HS256) minted here for every request from the access key (`iss`) and signed with the secret
key, valid 30 minutes: `Authorization: Bearer <jwt>`. Create `POST /v1/videos/{text2video|image2video|
multi-image2video}` (images as raw base64, no `data:` prefix), poll `GET` the same path + `/{task_id}`
(`submitted`, `processing`, `succeed`, `failed`), download `data.task_result.videos[0].url`.

Errors come as `{"code", "message", "request_id"}`: 1302/1303 (too frequent / over concurrency) are
throttling, 1301 is a content-security refusal, 1000-1004 are auth, 1100-1102 the account's balance.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from pathlib import Path
from typing import ClassVar, Literal

import httpx

from ..errors import BackendError
from . import _video_api as api
from .base import (Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus,
                   Refused, Throttled)

PROVIDER = "kling"
ACCESS_KEY_VAR = "KLING_ACCESS_KEY"
SECRET_KEY_VAR = "KLING_SECRET_KEY"
IMAGE_LIMIT_MB = 10.0
TOKEN_SECONDS = 1800
MULTI_IMAGE_MODELS = ("kling-v1-6",)  # the models multi-image2video (reference images) takes
_REFUSAL_WORDS = ("risk", "sensitive", "content security", "moderation")


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def make_jwt(access_key: str, secret_key: str, now: float | None = None, ttl: int = TOKEN_SECONDS) -> str:
    """The token Kling expects: {"iss": AK, "exp": now+ttl, "nbf": now-5}, HS256 with the secret key."""
    now = int(now if now is not None else time.time())
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps({"iss": access_key, "exp": now + ttl, "nbf": now - 5},
                                 separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = hmac.new(secret_key.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


def find_access_key() -> str | None:
    """KLING_ACCESS_KEY from the environment, else the key file (entry `KLING_ACCESS_KEY` or `kling-access`)."""
    if os.environ.get(ACCESS_KEY_VAR):
        return os.environ[ACCESS_KEY_VAR]
    from ..keys import find_key

    holder = type("KlingAccessKey", (), {"name": "kling-access", "key_env_var": ACCESS_KEY_VAR})
    return find_key(holder)


class KlingOptions(BackendOptions):
    base_url: str = "https://api-singapore.klingai.com"
    model: str = "kling-v2-1"
    mode: Literal["std", "pro"] = "std"
    cfg_scale: float | None = None  # 0..1


def _capabilities(model: str) -> Capabilities:
    return Capabilities(durations=[5.0, 10.0], min_duration=5.0, max_duration=10.0,
                        aspect_ratios=["16:9", "9:16", "1:1"], resolutions=["1280x720", "720x1280", "720x720",
                                                                            "1920x1080"],
                        prompt_limit=2500, seed=False, negative_prompt=True,
                        reference_images=4 if model in MULTI_IMAGE_MODELS else 0, first_frame=True,
                        last_frame=True)


class KlingBackend(Backend):
    name = "kling"
    kind = "video"
    description = "Kling official API (JWT from access + secret key); kling-v1-6 takes up to 4 reference images"
    # the class lists what some model takes (kling-v1-6: 4 references); an instance narrows it to its model
    capabilities: ClassVar[Capabilities] = _capabilities("kling-v1-6")
    needs_key = True
    key_env_var = SECRET_KEY_VAR
    Options = KlingOptions
    price_per_second = 0.056  # [unverified] std list price
    poll_interval = 8.0
    default_concurrency = 2

    def __init__(self, options: BackendOptions | None = None, key: str | None = None, *,
                 access_key: str | None = None):
        super().__init__(options, key)
        self.capabilities = _capabilities(self.options.model)
        self._access_key = access_key

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

    def endpoint_and_body(self, request: GenerationRequest) -> tuple[str, dict]:
        body: dict = {"model_name": self.options.model, "prompt": request.prompt, "mode": self.options.mode,
                      "duration": str(int(request.duration)), "aspect_ratio": request.aspect_ratio}
        if request.negative_prompt:
            body["negative_prompt"] = request.negative_prompt
        if self.options.cfg_scale is not None:
            body["cfg_scale"] = self.options.cfg_scale
        if request.idempotency_key:
            body["external_task_id"] = request.idempotency_key
        encode = lambda path: api.raw_base64(path, provider=PROVIDER, limit_mb=IMAGE_LIMIT_MB)  # noqa: E731
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

    async def submit(self, client: httpx.AsyncClient, request: GenerationRequest) -> str:
        self.check(request)
        kind, body = self.endpoint_and_body(request)
        response = await api.send(client, "POST", f"/v1/videos/{kind}", provider=PROVIDER, create=True,
                                  json=body, headers=self.auth_headers())
        _raise_for_kling(response, create=True, secret=self.key)
        data = api.json_of(response, provider=PROVIDER, create=True)
        _raise_for_code(data, response)
        task_id = api.field(data, "data", "task_id", provider=PROVIDER, create=True)
        return f"{kind}:{task_id}"

    async def status(self, client: httpx.AsyncClient, job_id: str) -> JobStatus:
        kind, _, task_id = job_id.partition(":")
        if not task_id:
            raise Failed(f"{PROVIDER}: malformed job id {job_id!r}")
        response = await api.send(client, "GET", f"/v1/videos/{kind}/{task_id}", provider=PROVIDER,
                                  headers=self.auth_headers())
        _raise_for_kling(response, secret=self.key)
        data = api.json_of(response, provider=PROVIDER)
        _raise_for_code(data, response)
        return task_status(api.field(data, "data", provider=PROVIDER))

    async def download(self, client: httpx.AsyncClient, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed(f"{PROVIDER}: the task has no video")
        await api.download_to(client, status.output_urls[0], dest, provider=PROVIDER, secret=self.key)


def _error_code(response: httpx.Response) -> tuple[int | None, str]:
    try:
        data = response.json()
    except ValueError:
        return None, ""
    if not isinstance(data, dict):
        return None, ""
    try:
        code = int(data.get("code"))
    except (TypeError, ValueError):
        code = None
    return code, str(data.get("message") or "")


def _raise_for_kling(response: httpx.Response, *, create: bool = False, secret: str | None = None) -> None:
    """Kling's codes first (they say more than the HTTP status), then the generic mapping."""
    if response.status_code < 400:
        return
    code, message = _error_code(response)
    _raise_code(code, message, response)
    api.raise_for_http(response, provider=PROVIDER, create=create, secret=secret)


def _raise_for_code(data: dict, response: httpx.Response) -> None:
    """A 200 whose envelope carries a non-zero code."""
    code = data.get("code")
    if code in (0, None, "0"):
        return
    try:
        code = int(code)
    except (TypeError, ValueError):
        raise Failed(f"{PROVIDER}: malformed response (code {code!r})") from None
    message = str(data.get("message") or "no message")
    _raise_code(code, message, response)
    raise Failed(f"{PROVIDER}: {message} (code {code})")


def _raise_code(code: int | None, message: str, response: httpx.Response) -> None:
    if code is None:
        return
    text = f"{PROVIDER}: {message or 'error'} (code {code})"
    if code in (1302, 1303):
        raise Throttled(text, api.retry_after(response))
    if code == 1301:
        raise Refused(text)
    if 1000 <= code <= 1004:
        raise Failed(f"{text}; check {ACCESS_KEY_VAR} and {SECRET_KEY_VAR}")
    if 1100 <= code <= 1102:
        raise Failed(f"{text}; the account cannot run more jobs (balance or resource pack)")


def task_status(data: dict) -> JobStatus:
    state = api.field(data, "task_status", provider=PROVIDER)
    if state == "submitted":
        return JobStatus(state=JobState.QUEUED)
    if state == "processing":
        return JobStatus(state=JobState.RUNNING)
    if state == "succeed":
        url = api.field(data, "task_result", "videos", 0, "url", provider=PROVIDER)
        if not isinstance(url, str):
            raise Failed(f"{PROVIDER}: malformed response (video url is not a string)")
        return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=[url])
    if state == "failed":
        reason = str(data.get("task_status_msg") or "the task failed")
        refused = any(word in reason.lower() for word in _REFUSAL_WORDS)
        return JobStatus(state=JobState.REFUSED if refused else JobState.FAILED, error=f"{PROVIDER}: {reason}")
    raise Failed(f"{PROVIDER}: malformed response (unknown task_status {state!r})")
