"""Small helpers shared by the hosted video adapters of issue 7 (runway, luma, kling, minimax, veo,
openai-videos): sending one request and mapping its answer onto the engine's failures, reading JSON
fields defensively, encoding images, and downloading signed URLs without sending the key.

Mapping (`../shared/design/backends.md` section 10):

- a create (`POST`) that times out or loses its connection after sending -> OutcomeUnknown (a paid job may
  exist); one that never connected -> Transient (nothing was sent);
- 429 -> Throttled with Retry-After / retry-after-ms;
- 502/503 -> Transient (load shedding: the request was not accepted); other 5xx on a create ->
  OutcomeUnknown, on a GET -> Transient;
- other 4xx -> Failed with the provider's message; a body that is not the documented JSON -> Failed
  (OutcomeUnknown on a create, where a job may exist without an id we can read).

Messages never carry the key: `redact` removes it from anything quoted back from a provider.
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Any

import httpx

from ..errors import BackendError
from .base import Failed, OutcomeUnknown, OutputExpired, Throttled, Transient
from .http import parse_retry_after

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol,
             httpx.InvalidURL)


def redact(text: str, *secrets: str | None) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait, from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    return parse_retry_after(response.headers)


def error_text(response: httpx.Response, limit: int = 300) -> str:
    """The provider's message from an error body (JSON `error`/`message`/`detail`, else text)."""
    try:
        data = response.json()
    except ValueError:
        return response.text[:limit].strip() or response.reason_phrase
    return _message_of(data)[:limit] or response.reason_phrase


def _message_of(data: Any) -> str:
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        for key in ("error", "message", "detail", "failure", "status_msg", "base_resp", "msg"):
            if key in data and data[key]:
                inner = data[key]
                text = _message_of(inner)
                if isinstance(inner, dict) and "code" in inner and str(inner["code"]) not in text:
                    text = f"{text} ({inner['code']})" if text else str(inner["code"])
                return text
        return str(data)
    if isinstance(data, list) and data:
        return "; ".join(_message_of(item) for item in data[:3])
    return str(data)


async def send(client: httpx.AsyncClient, method: str, url: str, *, provider: str, create: bool = False,
               **kwargs) -> httpx.Response:
    """Send one request; transport errors become Transient or (a create after sending) OutcomeUnknown."""
    try:
        response = await client.request(method, url, **kwargs)
    except _NOT_SENT as exc:
        raise Transient(f"{provider}: cannot reach the service ({type(exc).__name__})") from None
    except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
        if create:
            raise OutcomeUnknown(f"{provider}: no answer to the create request ({type(exc).__name__}); "
                                 "a job may exist on the service") from None
        raise Transient(f"{provider}: {type(exc).__name__} talking to the service") from None
    return response


def raise_for_http(response: httpx.Response, *, provider: str, create: bool = False,
                   secret: str | None = None) -> None:
    """Map a non-2xx answer onto the engine's failures (see the module docstring)."""
    code = response.status_code
    if code < 400:
        return
    message = redact(f"{provider}: HTTP {code}: {error_text(response)}", secret)
    if code == 429:
        raise Throttled(message, retry_after(response))
    if code in (502, 503) or (code >= 500 and not create) or code == 408:
        raise Transient(message)
    if code >= 500:
        raise OutcomeUnknown(message + "; a job may exist on the service")
    if code in (401, 403):
        raise Failed(f"{message} (check the API key)")
    raise Failed(message)


def json_of(response: httpx.Response, *, provider: str, create: bool = False) -> dict:
    """The body as a JSON object, or Failed (OutcomeUnknown for a create) when it is not one."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        snippet = response.text[:80].replace("\n", " ")
        if create:
            raise OutcomeUnknown(f"{provider}: the create answer is not JSON ({snippet!r}); "
                                 "a job may exist on the service")
        raise Failed(f"{provider}: malformed response (not a JSON object: {snippet!r})")
    return data


def field(data: Any, *path: str | int, provider: str, create: bool = False, required: bool = True) -> Any:
    """`data[path[0]][path[1]]...`; a missing required field is a malformed response."""
    value = data
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            value = None
        if value is None:
            break
    if value is None and required:
        where = ".".join(map(str, path))
        if create:
            raise OutcomeUnknown(f"{provider}: the create answer has no {where}; a job may exist on the service")
        raise Failed(f"{provider}: malformed response (no {where})")
    return value


# --- images -----------------------------------------------------------------------------------------


def image_bytes(path: Path, *, provider: str, limit_mb: float) -> tuple[bytes, str]:
    """The bytes and MIME type of an image to send; BackendError before sending when it is too big."""
    path = Path(path)
    if not path.is_file():
        raise BackendError(f"{provider}: image not found: {path}", "check the reference image paths")
    data = path.read_bytes()
    if len(data) > limit_mb * 1024 * 1024:
        raise BackendError(f"{provider}: {path.name} is {len(data) / 1e6:.1f} MB (limit {limit_mb:g} MB)",
                           "use a smaller image")
    mime = mimetypes.guess_type(path.name)[0] or "image/png"
    return data, mime


def data_uri(path: Path, *, provider: str, limit_mb: float) -> str:
    data, mime = image_bytes(path, provider=provider, limit_mb=limit_mb)
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def raw_base64(path: Path, *, provider: str, limit_mb: float) -> str:
    data, _ = image_bytes(path, provider=provider, limit_mb=limit_mb)
    return base64.b64encode(data).decode()


# --- downloads --------------------------------------------------------------------------------------


async def download_to(client: httpx.AsyncClient, url: str, dest: Path, *, provider: str,
                      keep_auth: bool = False, secret: str | None = None, headers: dict | None = None) -> None:
    """Stream `url` to `dest`. Signed URLs get no key: keep_auth=False drops the client's auth headers, and
    keep_auth=True sends them to `url`'s own origin only, never to where it redirects.

    403/404/410 -> OutputExpired; 429 -> Throttled; 5xx and transport errors -> Transient; an empty
    body -> Transient (the engine verifies the file further).
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    origin = httpx.URL(url).copy_with(path="/", query=None, fragment=None)
    for _ in range(6):
        request = client.build_request("GET", url, headers=headers)
        same_origin = request.url.copy_with(path="/", query=None, fragment=None) == origin
        if not (keep_auth and same_origin):
            for name in _AUTH_HEADERS:
                request.headers.pop(name, None)
        try:
            response = await client.send(request, stream=True, follow_redirects=False)
        except httpx.TransportError as exc:
            raise Transient(f"{provider}: download failed ({type(exc).__name__})") from None
        if response.is_redirect and response.headers.get("location"):
            await response.aclose()
            url = str(request.url.join(response.headers["location"]))
            continue
        await _save(response, dest, provider=provider, secret=secret)
        return
    raise Transient(f"{provider}: too many redirects while downloading")


_AUTH_HEADERS = ("authorization", "x-goog-api-key", "x-api-key", "api-key")


async def _save(response: httpx.Response, dest: Path, *, provider: str, secret: str | None) -> None:
    try:
        await _write(response, dest, provider=provider, secret=secret)
    except BaseException:
        dest.unlink(missing_ok=True)  # never leave a partial file behind
        raise


async def _write(response: httpx.Response, dest: Path, *, provider: str, secret: str | None) -> None:
    written = 0
    try:
        if response.status_code in (403, 404, 410):
            raise OutputExpired(f"{provider}: the output URL no longer serves the file "
                                f"(HTTP {response.status_code}); fetch the job again for a fresh URL")
        if response.status_code == 429:
            raise Throttled(f"{provider}: download throttled", retry_after(response))
        if response.status_code >= 400:
            raise Transient(redact(f"{provider}: download failed with HTTP {response.status_code}", secret))
        expected = response.headers.get("content-length")
        with open(dest, "wb") as handle:
            async for chunk in response.aiter_bytes():
                handle.write(chunk)
                written += len(chunk)
    except httpx.TransportError as exc:
        raise Transient(f"{provider}: download interrupted ({type(exc).__name__})") from None
    finally:
        await response.aclose()
    if written == 0:
        raise Transient(f"{provider}: the download was empty")
    identity = response.headers.get("content-encoding", "identity") in ("", "identity")
    if expected is not None and identity and written != int(expected):
        raise Transient(f"{provider}: the download was truncated ({written} of {expected} bytes)")
