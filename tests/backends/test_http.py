"""Shared HTTP helpers: status mapping, Retry-After, backoff with full jitter, transport failures, paths."""

from __future__ import annotations

import asyncio
import random
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from filmsofone.backends.base import Failed, OutcomeUnknown, OutputExpired, Throttled, Transient
from filmsofone.backends.http import (
    backoff_delay,
    check_response,
    json_body,
    parse_retry_after,
    safe_join,
    send_create,
    send_get,
    stream_download,
)


def test_retry_after_seconds_dates_and_millis():
    assert parse_retry_after(httpx.Headers({"Retry-After": "7"})) == 7.0
    assert parse_retry_after(httpx.Headers({"retry-after-ms": "1500", "Retry-After": "9"})) == 1.5
    now = datetime(2026, 11, 21, 12, 0, 0, tzinfo=timezone.utc)
    date = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(httpx.Headers({"Retry-After": date}), now=now.timestamp()) == pytest.approx(30)
    assert parse_retry_after(httpx.Headers({"Retry-After": "soon"})) is None
    assert parse_retry_after(httpx.Headers({})) is None


def test_backoff_is_full_jitter_capped():
    rng = random.Random(1)
    delays = [backoff_delay(attempt, base=1.0, cap=8.0, rng=rng) for attempt in range(200)]
    assert all(0 <= d <= 8.0 for d in delays)
    assert max(backoff_delay(0, rng=rng) for _ in range(100)) <= 1.0
    assert max(delays[50:]) > 4.0  # grows to the cap


@pytest.mark.parametrize("code,step,failure", [
    (429, "create", Throttled), (429, "get", Throttled), (500, "get", Transient), (503, "get", Transient),
    (504, "get", Transient), (408, "get", Transient), (500, "create", OutcomeUnknown),
    (502, "create", OutcomeUnknown), (410, "download", OutputExpired), (403, "download", OutputExpired),
    (404, "download", OutputExpired), (400, "create", Failed), (401, "get", Failed), (422, "create", Failed),
])
def test_status_codes_map_onto_engine_failures(code, step, failure):
    response = httpx.Response(code, json={"error": "nope"}, headers={"Retry-After": "3"})
    with pytest.raises(failure) as info:
        check_response(response, step=step)
    assert "nope" in str(info.value)
    if failure is Throttled:
        assert info.value.retry_after == 3.0


def test_load_shedding_503_with_retry_after_on_a_create_is_a_throttle():
    with pytest.raises(Throttled):
        check_response(httpx.Response(503, headers={"Retry-After": "2"}), step="create")
    assert check_response(httpx.Response(201, json={}), step="create").status_code == 201


def test_malformed_json_is_transient_on_polls_and_unknown_on_creates():
    bad = httpx.Response(200, content=b"<html>", headers={"content-type": "text/html"})
    with pytest.raises(Transient):
        json_body(bad)
    with pytest.raises(OutcomeUnknown):
        json_body(bad, step="create")


def _client(handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://fake")


def test_transport_failures_on_creates_and_polls():
    def refuse(request):
        raise httpx.ConnectError("refused", request=request)

    def timeout(request):
        raise httpx.ReadTimeout("slow", request=request)

    async def scenario():
        async with _client(refuse) as client:
            with pytest.raises(Transient):  # never sent: safe to retry
                await send_create(client, "POST", "/jobs", json={})
        async with _client(timeout) as client:
            with pytest.raises(OutcomeUnknown):  # sent, no answer: a job may exist
                await send_create(client, "POST", "/jobs", json={})
            with pytest.raises(Transient):
                await send_get(client, "/jobs/1")

    asyncio.run(scenario())


def test_stream_download_writes_the_body_and_maps_expiry(tmp_path):
    def handler(request):
        if request.url.path == "/gone.mp4":
            return httpx.Response(410, json={"error": "expired"})
        return httpx.Response(200, content=b"x" * 100_000)

    async def scenario():
        async with _client(handler) as client:
            written = await stream_download(client, "/ok.mp4", tmp_path / "ok.mp4")
            assert written == 100_000 and (tmp_path / "ok.mp4").stat().st_size == 100_000
            with pytest.raises(OutputExpired):
                await stream_download(client, "/gone.mp4", tmp_path / "gone.mp4")

    asyncio.run(scenario())


@pytest.mark.parametrize("name", ["../escape.mp4", "a/../../escape.mp4", "/etc/passwd", "..\\..\\x.mp4",
                                  "C:/x.mp4", ""])
def test_safe_join_refuses_names_escaping_the_folder(tmp_path, name):
    with pytest.raises(Failed):
        safe_join(tmp_path, name)


def test_safe_join_keeps_inner_names(tmp_path):
    assert safe_join(tmp_path, "sub/clip_0001.mp4") == (tmp_path / "sub" / "clip_0001.mp4").resolve()


def test_stream_download_sends_no_client_key_to_the_file_host(tmp_path):
    import asyncio

    import httpx

    from filmsofone.backends.http import stream_download

    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.headers))
        return httpx.Response(200, content=b"\x00\x00\x00\x18ftypmp42 video bytes")

    async def fetch():
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler),
                                     headers={"Authorization": "Bearer sk-secret", "X-Api-Key": "k-secret"},
                                     auth=("user", "pass")) as client:
            return await stream_download(client, "https://cdn.example/clip.mp4", tmp_path / "clip.mp4")

    assert asyncio.run(fetch()) > 0
    assert seen and not any(k.lower() in ("authorization", "x-api-key") for k in seen[0])
