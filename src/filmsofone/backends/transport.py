"""The one HTTP transport of every hosted plugin (video, image, speech, music, chat).

Adapters never call httpx themselves. They describe their provider as data (a `Contract`), get a
`Transport` from `Backend.client()` and send every request through it, naming the step it belongs to:

    CREATE    the request that may start a paid job (never resent when its outcome is unknown)
    READ      a poll or any GET that is safe to repeat
    UPLOAD    a request that stores an input (an image) and starts nothing paid: safe to repeat
    DOWNLOAD  fetching an output file (`Transport.download`)

`ANSWERS` is the single table that maps what came back (or did not) onto the failures the engine acts on;
docs/contracts.md explains each row and each provider's contract. The key travels only to the API's own
origin: redirects are followed by hand and a hop to another host goes without it. `with_retries` runs a
step with bounded retries and reports every wait through a callback (the engine shows it on screen).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import random
import re
import socket
import ssl
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from collections.abc import Awaitable, Callable

import httpx

from ..keys import scrub

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_REDIRECTS = 5
DEFAULT_DOWNLOAD_LIMIT = 2 * 1024 ** 3  # bytes; a contract or a call may lower it


# --- the failures the engine tells apart ----------------------------------------------------------


class BackendFailure(Exception):
    """A step failed; subclasses tell the engine what to do next. Messages never carry a key."""


class Throttled(BackendFailure):
    """429 or the provider's 'too many jobs': wait `retry_after` seconds and try the same step again."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class Transient(BackendFailure):
    """Nothing was accepted, or the step is safe to repeat (5xx on a GET, a reset poll): retry with backoff."""


class Unreachable(Transient):
    """The connection never opened (refused, DNS, TLS, connect timeout): nothing was sent."""

    def __init__(self, message: str, reason: str, host: str, settled: bool = False):
        super().__init__(message)
        self.reason, self.host, self.settled = reason, host, settled


class OutcomeUnknown(BackendFailure):
    """A create was sent and no usable answer came back: a paid job may exist; never resent blindly."""


class Refused(BackendFailure):
    """Moderation refusal: never retried; the shot is marked with the provider's reason."""


class Failed(BackendFailure):
    """The provider says the job failed, or the request cannot succeed as sent: terminal for this take."""


class OutputExpired(BackendFailure):
    """The output URL no longer serves the file (403/404/410 on download): poll again for a fresh one."""


class GaveUp(BackendFailure):
    """`with_retries` ran out of attempts; `last` is the final failure (its message says why)."""

    def __init__(self, what: str, last: BackendFailure, attempts: int):
        prefix = f"{what}: " if what else ""
        super().__init__(f"{prefix}{last} (gave up after {attempts} tries)")
        self.last, self.attempts = last, attempts


def unreachable_in(failure: BaseException) -> Unreachable | None:
    """The Unreachable behind `failure` (itself, or the last try of a GaveUp): a server that never answered."""
    last = failure.last if isinstance(failure, GaveUp) else failure
    return last if isinstance(last, Unreachable) else None


# --- steps and the table of answers ---------------------------------------------------------------


class Step(str, Enum):
    CREATE = "create"
    READ = "read"
    UPLOAD = "upload"
    DOWNLOAD = "download"


SERVER_ERRORS = frozenset(range(500, 600)) | {408, 425}
EXPIRED = frozenset({403, 404, 410})
REFUSAL_CODES = frozenset({400, 403, 422, 451})  # client errors whose body may be a moderation refusal


@dataclass(frozen=True)
class Answer:
    """One row of the table: when it applies, and the failure it becomes."""

    why: str
    codes: frozenset[int]
    steps: frozenset[Step]
    outcome: type[BackendFailure]


_ALL = frozenset(Step)
ANSWERS: tuple[Answer, ...] = (
    Answer("too many requests: wait as told", frozenset({429}), _ALL, Throttled),
    Answer("the output URL has expired", EXPIRED, frozenset({Step.DOWNLOAD}), OutputExpired),
    Answer("a create met a server error: it may have been accepted", SERVER_ERRORS,
           frozenset({Step.CREATE}), OutcomeUnknown),
    Answer("a repeatable step met a server error", SERVER_ERRORS,
           frozenset({Step.READ, Step.UPLOAD, Step.DOWNLOAD}), Transient),
    Answer("the provider refuses the request", frozenset(range(400, 500)), _ALL, Failed),
)
# Before the table: a 503 with Retry-After, and the codes a contract documents as "not accepted" on a
# create (`Contract.shed_on_create`), are load shedding -> Throttled; a client error whose message is in
# the moderation vocabulary -> Refused. Transport errors: see `failure_of_error`.


# --- one moderation vocabulary --------------------------------------------------------------------

MODERATION = re.compile(
    r"moderat|content[ _-]?(policy|filter|security|safety)|safety|nsfw|sensitive|inappropriate"
    r"|policy[ _-]violation|flagged|\brisk\b|responsible ai|blocked by", re.I)


def is_moderation(text: str | None, contract: "Contract | None" = None) -> bool:
    """Whether a provider's message or code means a content-policy refusal."""
    if not text:
        return False
    if MODERATION.search(text):
        return True
    return bool(contract and contract.moderation_codes and
                any(re.search(rf"(?<![\w.]){re.escape(code)}(?![\w])", text) for code in contract.moderation_codes))


# --- per-provider differences, as data ------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    """A provider that reports errors as a code inside the body (often under HTTP 200), as data."""

    code: tuple[str, ...]  # where the code is, e.g. ("code",) or ("base_resp", "status_code")
    message: tuple[str, ...]  # where its message is
    ok: frozenset[int] = frozenset({0})
    throttled: frozenset[int] = frozenset()
    refused: frozenset[int] = frozenset()  # moderation
    bad_key: frozenset[int] = frozenset()
    server_error: frozenset[int] = frozenset()  # the provider's own "internal error": as a 5xx
    hints: tuple[tuple[frozenset[int], str], ...] = ()  # words added to a failure with these codes


@dataclass(frozen=True)
class Contract:
    """What differs between providers, declared by each adapter (see docs/contracts.md)."""

    name: str
    envelope: Envelope | None = None
    key_hint: str = "check the API key"
    shed_on_create: frozenset[int] = frozenset()  # codes documented as "not accepted" on a create
    moderation_codes: tuple[str, ...] = ()  # provider codes that mean a moderation refusal (e.g. "E005")
    # where an error body keeps its message, first found wins ("a.b" reaches inside an object)
    message_fields: tuple[str, ...] = ("error", "message", "detail", "failure", "status_msg", "msg", "title")
    key_headers: tuple[str, ...] = ("authorization",)  # where the key travels (stripped off-origin)
    key_on_downloads: bool = False  # same-origin downloads carry the key (files served by the API itself)
    download_limit: int = DEFAULT_DOWNLOAD_LIMIT
    timeout: float = 30.0
    connect_timeout: float = 10.0


# --- reading answers ------------------------------------------------------------------------------


def parse_retry_after(headers, now: float | None = None) -> float | None:
    """Seconds to wait, from `retry-after-ms` or `Retry-After` (delta seconds or an HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def message_of(data: Any, fields: tuple[str, ...] = Contract.message_fields) -> str:
    """The human message inside a provider's error body (nested objects and lists included)."""
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        for name in fields:
            inner = _dotted(data, name)
            if inner:
                text = message_of(inner, fields)
                if isinstance(inner, dict) and "code" in inner and str(inner["code"]) not in text:
                    text = f"{text} ({inner['code']})" if text else str(inner["code"])
                return text
        return str(data) if data else ""
    if isinstance(data, list) and data:
        return "; ".join(message_of(item, fields) for item in data[:3])
    return "" if data is None else str(data)


def _dotted(data: dict, name: str) -> Any:
    """`data["a"]["b"]` for the name "a.b" (a plain name is one key)."""
    for part in name.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def error_text(response: httpx.Response, contract: Contract, limit: int = 300) -> str:
    try:
        text = message_of(response.json(), contract.message_fields)
    except ValueError:
        text = response.text
    return " ".join(text.split())[:limit] or response.reason_phrase


def classify(step: Step, response: httpx.Response, contract: Contract) -> BackendFailure | None:
    """The failure an answer means for `step` (None: a success). The one place answers get meaning."""
    code = response.status_code
    if code < 400 and not (300 <= code < 400 and step in (Step.CREATE, Step.UPLOAD)):
        return None
    retry_after = parse_retry_after(response.headers)
    if contract.envelope is not None and code >= 400:
        with contextlib.suppress(ValueError):
            failure = envelope_failure(step, response.json(), contract, retry_after, known_only=True)
            if failure is not None:
                return failure
    text = error_text(response, contract)
    message = f"{contract.name}: {step.value}: HTTP {code}: {text}"
    if 300 <= code < 400:
        return Failed(f"{message} (unexpected redirect)")
    if (code == 503 and retry_after is not None) or (step == Step.CREATE and code in contract.shed_on_create):
        return Throttled(message, retry_after)
    if code in REFUSAL_CODES and step != Step.DOWNLOAD and is_moderation(text, contract):
        return Refused(message)
    for answer in ANSWERS:
        if code in answer.codes and step in answer.steps:
            if answer.outcome is Throttled:
                return Throttled(message, retry_after)
            if answer.outcome is OutcomeUnknown:
                return OutcomeUnknown(f"{message}; a job may exist at the provider")
            if answer.outcome is Failed and code in (401, 403):
                return Failed(f"{message} ({contract.key_hint})")
            return answer.outcome(message)
    return Failed(message)


def envelope_failure(step: Step, data: Any, contract: Contract, retry_after: float | None = None, *,
                     known_only: bool = False) -> BackendFailure | None:
    """The failure a body's own error code means (None: no code, or an ok one). `known_only`: only codes
    the envelope names (an HTTP error whose code says nothing more keeps the HTTP meaning)."""
    envelope = contract.envelope
    raw = pick(data, *envelope.code, contract=contract, step=step, required=False) if isinstance(data, dict) \
        else None
    if raw is None:
        return None
    try:
        code = int(raw)
    except (TypeError, ValueError):
        return malformed(step, contract, f"error code {raw!r}")
    if code in envelope.ok:
        return None
    text = pick(data, *envelope.message, contract=contract, required=False) or "no message"
    message = f"{contract.name}: {step.value}: {text} (code {code})"
    for codes, hint in envelope.hints:
        if code in codes:
            message = f"{message}; {hint}"
    if code in envelope.throttled:
        return Throttled(message, retry_after)
    if code in envelope.refused:
        return Refused(message)
    if code in envelope.bad_key:
        return Failed(f"{message}; {contract.key_hint}")
    if code in envelope.server_error:
        return OutcomeUnknown(f"{message}; a job may exist at the provider") if step == Step.CREATE \
            else Transient(message)
    known = any(code in codes for codes, _ in envelope.hints)
    return Failed(message) if known or not known_only else None


def failure_of_error(step: Step, exc: httpx.HTTPError, url: httpx.URL, contract: Contract) -> BackendFailure:
    """The failure a transport error means: named (refused, DNS, TLS) and never carrying a header."""
    where = f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        reason = connect_reason(exc)
        if reason == "TLS certificate not trusted":
            return Failed(f"{contract.name}: cannot reach {where}: {reason}")
        return Unreachable(f"{contract.name}: cannot reach {where}: {reason}", reason, where)
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return Failed(f"{contract.name}: bad URL for {where}: {type(exc).__name__}")
    if isinstance(exc, httpx.PoolTimeout):
        return Transient(f"{contract.name}: {step.value}: no free connection to {where}")
    if step == Step.CREATE:
        return OutcomeUnknown(f"{contract.name}: create: no answer from {where} after sending "
                              f"({_name_of(exc)}); a job may exist at the provider")
    return Transient(f"{contract.name}: {step.value}: {_name_of(exc)} talking to {where}")


def connect_reason(exc: BaseException) -> str:
    """'connection refused', 'DNS failure', 'TLS failure', ... from an error's chain of causes."""
    if isinstance(exc, httpx.ConnectTimeout):
        return "connection timed out"
    seen: BaseException | None = exc
    text = str(exc).lower()
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return "TLS certificate not trusted"
        if isinstance(seen, ssl.SSLError):
            return "TLS failure"
        if isinstance(seen, socket.gaierror):
            return "DNS failure (host name not found)"
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        text += " " + str(seen).lower()
        seen = seen.__cause__ or seen.__context__
    for needle, reason in (("refused", "connection refused"), ("name or service", "DNS failure (host name not "
                           "found)"), ("nodename", "DNS failure (host name not found)"), ("ssl", "TLS failure"),
                           ("certificate", "TLS failure"), ("unreachable", "network unreachable")):
        if needle in text:
            return reason
    return "cannot connect"


def _name_of(exc: BaseException) -> str:
    return {"ReadTimeout": "read timed out", "WriteTimeout": "write timed out",
            "RemoteProtocolError": "connection dropped", "ReadError": "connection reset",
            "WriteError": "connection reset"}.get(type(exc).__name__, type(exc).__name__)


def same_origin(url: httpx.URL | str, base: httpx.URL | str) -> bool:
    """Whether `url` is on the scheme, host and port of `base` (where a key may be sent)."""
    url, base = httpx.URL(url), httpx.URL(base)
    return bool(base.host) and (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)


def pick(data: Any, *path: str | int, contract: Contract, step: Step = Step.READ, required: bool = True) -> Any:
    """`data[path[0]][path[1]]...`; a missing required field is a malformed answer (see `malformed`)."""
    value = data
    for part in path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            value = None
        if value is None:
            break
    if value is None and required:
        raise malformed(step, contract, f"no {'.'.join(map(str, path))}")
    return value


def malformed(step: Step, contract: Contract, what: str) -> BackendFailure:
    """A body that is not the documented shape: unknown after a create, repeatable after a read."""
    message = f"{contract.name}: {step.value}: malformed answer ({what})"
    if step == Step.CREATE:
        return OutcomeUnknown(f"{message}; a job may exist at the provider")
    return Transient(message)


# --- the transport --------------------------------------------------------------------------------

class Transport:
    """Sends a backend's requests; `Backend.client()` builds one per run and the engine closes it.

    `headers` (an API version...) go only to `base_url`'s origin (everywhere without a base_url);
    `key_headers` (the key; a dict, or a function making one per request, for tokens that expire) go only
    to `base_url`'s origin and the `key_origins` the provider documents (a storage host that wants the key).
    """

    SETTLE_AFTER = 3  # consecutive connect failures after which the host is taken as down for this run

    def __init__(self, contract: Contract, base_url: str = "", *, headers: dict[str, str] | None = None,
                 key_headers: dict[str, str] | Callable[[], dict[str, str]] | None = None,
                 secrets: tuple[str, ...] = (), key_origins: tuple[str, ...] = (),
                 http: httpx.AsyncClient | None = None):
        self.contract, self.base_url = contract, base_url or ""
        self.headers, self._key_headers = dict(headers or {}), key_headers or {}
        self.key_origins = tuple(origin for origin in (self.base_url, *key_origins) if origin)
        self.secrets = tuple(s for s in secrets if s)
        timeout = httpx.Timeout(contract.timeout, connect=contract.connect_timeout)
        self.http = http or httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        self._connect_failures = 0
        self._last_unreachable: Unreachable | None = None
        self._gone: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None  # set when the host is down

    def __repr__(self) -> str:  # never shows a key
        return f"<Transport {self.contract.name} {self.base_url}>"

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> "Transport":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    # -- requests --

    def url(self, url: str) -> httpx.URL:
        """`url` resolved against `base_url` (absolute URLs stay as they are)."""
        return httpx.URL(self.base_url).join(url) if self.base_url else httpx.URL(url)

    def _headers_for(self, url: httpx.URL, extra: dict | None, *, with_key: bool) -> dict[str, str]:
        """The API's own headers and key go only to its origin; another host gets only `extra`."""
        home = bool(self.base_url) and same_origin(url, self.base_url)
        headers = dict(self.headers) if home or not self.base_url else {}
        keyed = any(same_origin(url, origin) for origin in self.key_origins)
        if with_key and keyed:
            headers.update(self._key_headers() if callable(self._key_headers) else self._key_headers)
        headers.update(extra or {})
        if not keyed:  # the key never leaves the API's own origin(s), whoever added it
            for name in list(headers):
                if name.lower() in self.contract.key_headers:
                    headers.pop(name)
        return headers

    async def send(self, step: Step, method: str, url: str, *, headers: dict | None = None,
                   with_key: bool = True, read_codes: frozenset[int] | set[int] = frozenset(),
                   **kwargs) -> httpx.Response:
        """One request for `step`; a failure answer or transport error raises its failure (see ANSWERS).

        GETs follow redirects by hand (at most MAX_REDIRECTS); a hop to another origin goes without the key.
        `read_codes`: answers the adapter reads itself (a documented error body it words better).
        """
        target = self.url(url)
        for _ in range(MAX_REDIRECTS + 1):
            response = await self._send_once(step, method, target, headers, with_key, kwargs)
            if not (response.is_redirect and method == "GET" and response.headers.get("location")):
                break
            target = target.join(response.headers["location"])
        else:
            raise Transient(f"{self.contract.name}: {step.value}: too many redirects")
        failure = None if response.status_code in read_codes else classify(step, response, self.contract)
        if failure is not None:
            raise type(failure)(*_args_of(failure, self.secrets)) from None
        return response

    async def _send_once(self, step, method, target, headers, with_key, kwargs) -> httpx.Response:
        self._refuse_if_down()
        request = self.http.build_request(method, target, headers=self._headers_for(target, headers,
                                                                                       with_key=with_key), **kwargs)
        try:
            response = await self._send_http(request)
        except httpx.HTTPError as exc:
            failure = failure_of_error(step, exc, target, self.contract)
            self._note_connect(failure)
            raise failure from None
        self._connected()
        return response

    async def _send_http(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """`http.send`, given up as soon as the host is taken as down while the request is still connecting
        (its bytes not sent: nothing can have reached the server), instead of waiting out the connect timeout.
        A request already sent waits for its answer as usual (a create's outcome would be unknown)."""
        watch = _Progress()
        request.extensions = {**request.extensions, "trace": watch.trace}
        sending = asyncio.ensure_future(self.http.send(request, stream=stream))
        gone = asyncio.ensure_future(self._gone_event().wait())
        try:
            await asyncio.wait({sending, gone}, return_when=asyncio.FIRST_COMPLETED)
            if not sending.done() and watch.connecting and self.down:
                sending.cancel()
                with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
                    await sending
                raise self._settled()
            return await sending
        finally:
            gone.cancel()
            if not sending.done():  # this request was cancelled from outside: so is its send
                sending.cancel()

    @property
    def down(self) -> bool:
        """True once the host is taken as down for this run (SETTLE_AFTER connect failures in a row)."""
        return self._last_unreachable is not None and self._connect_failures >= self.SETTLE_AFTER

    async def pause(self, seconds: float) -> None:
        """Wait `seconds` before a retry or the next poll, or less: the wait ends as soon as the host is taken
        as down, so the request after it fails at once and the shots in flight stop with the run instead of
        sleeping out their retries."""
        if self.down:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._gone_event().wait(), seconds)

    def _gone_event(self) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        if self._gone is None or self._gone[0] is not loop:
            self._gone = (loop, asyncio.Event())
        return self._gone[1]

    def _refuse_if_down(self) -> None:
        """Refuse to open a request (or a download) while the host is taken as down for this run."""
        if self.down:
            raise self._settled()

    def _settled(self) -> Unreachable:
        """The failure of a request not sent because the host is taken as down (call only when `down`)."""
        last = self._last_unreachable
        assert last is not None
        return Unreachable(f"{last} (still unreachable; not sent)", last.reason, last.host, settled=True)

    def _note_connect(self, failure: BackendFailure) -> None:
        if isinstance(failure, Unreachable):
            self._connect_failures += 1
            self._last_unreachable = failure
            if self.down and self._gone is not None:
                self._gone[1].set()  # wakes every wait of this run (`pause`)

    def _connected(self) -> None:
        self._connect_failures, self._last_unreachable = 0, None
        if self._gone is not None:
            self._gone[1].clear()

    async def json(self, step: Step, method: str, url: str, **kwargs) -> dict:
        """`send`, then the body as a JSON object (a malformed body: see `malformed`)."""
        return self.decode(step, await self.send(step, method, url, **kwargs))

    def decode(self, step: Step, response: httpx.Response) -> dict:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            snippet = " ".join(response.text[:60].split())
            raise malformed(step, self.contract, f"not a JSON object: {snippet!r}")
        if self.contract.envelope is not None:
            failure = envelope_failure(step, data, self.contract, parse_retry_after(response.headers))
            if failure is not None:
                raise type(failure)(*_args_of(failure, self.secrets))
        return data

    # -- downloads --

    async def download(self, url: str, dest: Path, *, limit: int | None = None, headers: dict | None = None) -> int:
        """Stream `url` into `dest`; return the bytes written. Never leaves a partial file.

        The key goes only to the API's own origin and only when the contract says its files need it;
        redirects are followed by hand (a hop elsewhere gets no key). More than `limit` bytes is Failed;
        fewer than Content-Length (a cut connection) or none at all is Transient; 403/404/410 OutputExpired.
        """
        dest, limit = Path(dest), limit or self.contract.download_limit
        target = self.url(url)
        for _ in range(MAX_REDIRECTS + 1):
            self._refuse_if_down()
            request = self.http.build_request("GET", target, headers=self._headers_for(
                target, headers, with_key=self.contract.key_on_downloads))
            try:
                response = await self._send_http(request, stream=True)
            except httpx.HTTPError as exc:
                failure = failure_of_error(Step.DOWNLOAD, exc, target, self.contract)
                self._note_connect(failure)
                raise failure from None
            self._connected()
            if response.is_redirect and response.headers.get("location"):
                await response.aclose()
                target = target.join(response.headers["location"])
                continue
            try:
                return await self._save(response, dest, limit)
            except BaseException:
                dest.unlink(missing_ok=True)
                raise
            finally:
                await response.aclose()
        raise Transient(f"{self.contract.name}: download: too many redirects")

    async def _save(self, response: httpx.Response, dest: Path, limit: int) -> int:
        if response.status_code >= 400:
            await response.aread()
            raise classify(Step.DOWNLOAD, response, self.contract)
        expected = response.headers.get("content-length")
        if expected is not None and expected.isdigit() and int(expected) > limit:
            raise Failed(f"{self.contract.name}: download: the file is {int(expected)} bytes (limit {limit})")
        dest.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        try:
            with open(dest, "wb") as handle:
                async for block in response.aiter_bytes(1 << 16):
                    written += len(block)
                    if written > limit:
                        raise Failed(f"{self.contract.name}: download: more than {limit} bytes")
                    handle.write(block)
        except httpx.HTTPError as exc:
            raise Transient(f"{self.contract.name}: download truncated: cut off after {written} bytes "
                            f"({_name_of(exc)})") from None
        identity = response.headers.get("content-encoding", "identity") in ("", "identity")
        if expected is not None and identity and expected.isdigit() and written != int(expected):
            raise Transient(f"{self.contract.name}: download truncated ({written} of {expected} bytes)")
        if written == 0:
            raise Transient(f"{self.contract.name}: download: empty body")
        return written


class _Progress:
    """How far a request has gone, from httpcore's trace events: connecting (a TCP or TLS handshake under
    way, nothing sent yet) until its headers start to go out."""

    def __init__(self):
        self.connecting = False

    async def trace(self, name: str, info: dict) -> None:
        if name.startswith("connection.") and name.endswith(".started"):
            self.connecting = True
        elif name.endswith("send_request_headers.started"):
            self.connecting = False


def _args_of(failure: BackendFailure, secrets: tuple[str, ...]) -> tuple:
    message = redact(str(failure), *secrets)
    if isinstance(failure, Throttled):
        return message, failure.retry_after
    return (message,)


def redact(text: str, *secrets: str | None) -> str:
    """`text` with every secret (and each half of a composite one) replaced by the house marker."""
    return scrub(text, [s for s in secrets if s]) or ""


# --- retries --------------------------------------------------------------------------------------


def backoff_delay(attempt: int, *, base: float = 1.0, factor: float = 2.0, cap: float = 30.0,
                  rng: random.Random | None = None) -> float:
    """Full jitter: uniform between 0 and min(cap, base * factor ** attempt)."""
    return (rng or random).uniform(0, min(cap, base * factor ** max(0, attempt)))


@dataclass(frozen=True)
class RetryPolicy:
    """How many tries a step gets and how long to wait between them."""

    attempts: int = 6
    base: float = 1.0
    cap: float = 30.0
    max_retry_after: float = 300.0  # a Retry-After longer than this is capped
    resend_unknown: bool = False  # True only when the provider dedupes creates (idempotency keys)

    def delay(self, attempt: int, failure: BackendFailure) -> float:
        if isinstance(failure, Throttled) and failure.retry_after is not None:
            return min(failure.retry_after, self.max_retry_after)
        return backoff_delay(attempt, base=self.base, cap=self.cap)


@dataclass(frozen=True)
class Wait:
    """One wait before a retry, as reported to the `on_wait` callback (and logged)."""

    what: str
    failure: BackendFailure
    attempt: int  # the try that just failed, from 1
    attempts: int
    seconds: float

    def __str__(self) -> str:
        prefix = f"{self.what}: " if self.what else ""
        return f"{prefix}{self.failure}; try {self.attempt + 1} of {self.attempts} in {self.seconds:.1f} s"


WaitCallback = Callable[[Wait], None]


async def with_retries(call: Callable[[], Awaitable[T]], *, policy: RetryPolicy = RetryPolicy(),
                       what: str = "", on_wait: WaitCallback | None = None,
                       sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> T:
    """Run `call` until it succeeds; retry Throttled and Transient (and OutcomeUnknown only when the
    policy says creates are deduplicated), waiting as `policy` says. Raises GaveUp after the last try,
    at once for a host already known to be down, and any other failure as it is."""
    retryable: tuple[type[BackendFailure], ...] = (Throttled, Transient)
    if policy.resend_unknown:
        retryable += (OutcomeUnknown,)
    for attempt in range(max(1, policy.attempts)):
        try:
            return await call()
        except retryable as exc:
            if attempt + 1 >= policy.attempts or (isinstance(exc, Unreachable) and exc.settled):
                raise GaveUp(what, exc, attempt + 1) from None
            wait = Wait(what, exc, attempt + 1, policy.attempts, policy.delay(attempt, exc))
            log.warning("%s", wait)
            if on_wait is not None:
                on_wait(wait)
            await sleep(wait.seconds)
    raise AssertionError("unreachable")  # the loop always returns or raises


# --- small helpers adapters share ------------------------------------------------------------------


def safe_join(folder: Path, name: str) -> Path:
    """`folder/name` for a provider-given name, refusing absolute paths and `..` that escape `folder`."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if not name or pure.is_absolute() or any(part == ".." for part in pure.parts) or ":" in pure.parts[0]:
        raise Failed(f"the provider named an output outside the output folder: {name!r}")
    target = (Path(folder) / Path(*pure.parts)).resolve()
    if not target.is_relative_to(Path(folder).resolve()):
        raise Failed(f"the provider named an output outside the output folder: {name!r}")
    return target
