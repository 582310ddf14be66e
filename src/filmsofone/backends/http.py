"""Shared httpx helpers for hosted adapters: map answers onto the engine's failures, retry timing, downloads.

- `check_response(response, step=...)` raises `Throttled` (429), `Transient` (408, 5xx on GETs),
  `OutcomeUnknown` (5xx on a create: the job may exist), `OutputExpired` (403/404/410 on a download),
  `Failed` (other 4xx), with the provider's message and never a header or key.
- `send_create(client, ...)` / `send_get(client, ...)` turn transport errors into the same failures: on a
  create, a connection that never opened is `Transient` (safe to retry), a timeout or reset after
  sending is `OutcomeUnknown`.
- `json_body(response, step=...)`: malformed JSON is `Transient` on a GET, `OutcomeUnknown` on a create.
- `parse_retry_after(headers)`: `Retry-After` (seconds or an HTTP date) or `retry-after-ms`.
- `backoff_delay(attempt)`: exponential backoff with full jitter.
- `stream_download(client, url, dest)`: streamed to `dest`, checked against Content-Length; a URL on
  another host than the client's (`same_origin`) gets no client headers or auth, so keys never follow it.
- `safe_join(folder, name)`: a provider-given filename that stays inside `folder`.
"""

from __future__ import annotations

import email.utils
import random
import time
from pathlib import Path, PurePosixPath

import httpx

from .base import Failed, OutcomeUnknown, OutputExpired, Throttled, Transient

RETRYABLE_GET = {408, 425, 429, 500, 502, 503, 504}
EXPIRED = {403, 404, 410}


def parse_retry_after(headers, now: float | None = None) -> float | None:
    """Seconds to wait, from `retry-after-ms` or `Retry-After` (delta seconds or HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def backoff_delay(attempt: int, *, base: float = 1.0, factor: float = 2.0, cap: float = 30.0,
                  rng: random.Random | None = None) -> float:
    """Full jitter: uniform between 0 and min(cap, base * factor ** attempt)."""
    ceiling = min(cap, base * factor ** max(0, attempt))
    return (rng or random).uniform(0, ceiling)


def _message(response: httpx.Response) -> str:
    text = ""
    try:
        body = response.json()
        if isinstance(body, dict):
            for name in ("detail", "error", "message", "failure", "title"):
                if body.get(name):
                    text = str(body[name])
                    break
    except ValueError:
        text = response.text[:200]
    return f"HTTP {response.status_code}" + (f": {text[:300]}" if text else "")


def check_response(response: httpx.Response, *, step: str = "get") -> httpx.Response:
    """Return the response when it is a success, else raise the failure the engine should act on.

    `step` is "create", "get" (a poll) or "download".
    """
    code = response.status_code
    if code < 400:
        return response
    message = f"{step}: {_message(response)}"
    if code == 429:
        raise Throttled(message, parse_retry_after(response.headers))
    if step == "download" and code in EXPIRED:
        raise OutputExpired(message)
    if code in RETRYABLE_GET or code >= 500:
        if step == "create" and code not in (429,):
            if code == 503 and parse_retry_after(response.headers) is not None:
                raise Throttled(message, parse_retry_after(response.headers))  # documented load shedding
            raise OutcomeUnknown(message)
        raise Transient(message)
    if code in (401, 403):
        raise Failed(f"{message} (check the API key)")
    raise Failed(message)


async def send_create(client: httpx.AsyncClient, method: str, url: str, **kwargs) -> httpx.Response:
    """Send a create; transport failures become Transient (never sent) or OutcomeUnknown (maybe sent)."""
    try:
        response = await client.request(method, url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise Transient(f"create: cannot connect ({type(exc).__name__})") from None
    except httpx.TransportError as exc:  # read timeout, reset, protocol error after sending
        raise OutcomeUnknown(f"create: no answer after sending ({type(exc).__name__})") from None
    return check_response(response, step="create")


async def send_get(client: httpx.AsyncClient, url: str, **kwargs) -> httpx.Response:
    """A poll; every transport failure is Transient."""
    try:
        response = await client.get(url, **kwargs)
    except httpx.TransportError as exc:
        raise Transient(f"poll: {type(exc).__name__}") from None
    return check_response(response, step="get")


def json_body(response: httpx.Response, *, step: str = "get") -> dict | list:
    """The JSON body; malformed JSON is Transient on a poll and OutcomeUnknown on a create."""
    try:
        return response.json()
    except ValueError:
        message = f"{step}: malformed JSON from the provider (HTTP {response.status_code})"
        raise (OutcomeUnknown(message) if step == "create" else Transient(message)) from None


async def stream_download(client: httpx.AsyncClient, url: str, dest: Path, *, headers: dict | None = None,
                          chunk: int = 1 << 16) -> int:
    """Stream `url` into `dest` (the engine's temporary path); return the bytes written.

    A short body (fewer bytes than Content-Length, or a dropped connection) is Transient; 403/404/410 is
    OutputExpired. A URL on another host than the client's base URL (a CDN, a signed URL) is fetched
    without the client's default headers and auth, so a key never follows it.
    """
    dest = Path(dest)
    written = 0
    request = client.build_request("GET", url, headers=headers)
    auth, follow = httpx.USE_CLIENT_DEFAULT, httpx.USE_CLIENT_DEFAULT
    if not same_origin(request.url, client.base_url):
        # Another host (a CDN, a signed URL): the client's default headers and auth, where keys live, stay
        # home; with nothing secret in the request, its redirects are safe to follow.
        request = httpx.Request("GET", request.url, headers=headers or {})
        auth, follow = None, True
    try:
        response = await client.send(request, stream=True, auth=auth, follow_redirects=follow)
        try:
            if response.status_code >= 400:
                await response.aread()  # an error body is small; check_response reads it
            check_response(response, step="download")
            expected = response.headers.get("content-length")
            with open(dest, "wb") as handle:
                async for block in response.aiter_bytes(chunk):
                    handle.write(block)
                    written += len(block)
        finally:
            await response.aclose()
    except httpx.TransportError as exc:
        dest.unlink(missing_ok=True)
        raise Transient(f"download: {type(exc).__name__}") from None
    if expected is not None and _is_identity(response) and written != int(expected):
        dest.unlink(missing_ok=True)
        raise Transient(f"download: truncated ({written} of {expected} bytes)")
    if written == 0:
        dest.unlink(missing_ok=True)
        raise Transient("download: empty body")
    return written


def same_origin(url: httpx.URL | str, base: httpx.URL | str) -> bool:
    """Whether `url` is on the host (scheme, host, port) of `base`, where a key may be sent."""
    url, base = httpx.URL(url), httpx.URL(base)
    return bool(base.host) and (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)


def _is_identity(response: httpx.Response) -> bool:
    return response.headers.get("content-encoding", "identity") in ("", "identity")


def safe_join(folder: Path, name: str) -> Path:
    """`folder/name` for a provider-given name, refusing absolute paths and `..` that escape `folder`."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if not name or pure.is_absolute() or any(part == ".." for part in pure.parts) or ":" in pure.parts[0]:
        raise Failed(f"the provider named an output outside the output folder: {name!r}")
    target = (Path(folder) / Path(*pure.parts)).resolve()
    if not target.is_relative_to(Path(folder).resolve()):
        raise Failed(f"the provider named an output outside the output folder: {name!r}")
    return target
