"""The one transport: its table of answers, named network errors, the key's origin, downloads, retries."""

from __future__ import annotations

import asyncio
import random
import socket
import ssl

import httpx
import pytest
from fakes.hosted_base import FakeService, Reply

from filmsofone.backends.transport import (
    Contract,
    Failed,
    GaveUp,
    OutcomeUnknown,
    OutputExpired,
    Refused,
    RetryPolicy,
    Step,
    Throttled,
    Transient,
    Transport,
    Unreachable,
    backoff_delay,
    classify,
    connect_reason,
    is_moderation,
    parse_retry_after,
    pick,
    safe_join,
    with_retries,
)

CONTRACT = Contract("acme", shed_on_create=frozenset({502}), moderation_codes=("E005",))
KEY = "sk-very-secret-123"


class Scripted(FakeService):
    """Answers each path from a queue of replies (the last one repeats)."""

    def __init__(self, script: dict[str, list[Reply]]):
        super().__init__()
        self.script = script

    def route(self, req):
        queue = self.script.get(req.path) or [Reply(404, {"error": "no such route"})]
        return queue.pop(0) if len(queue) > 1 else queue[0]


def transport(base_url: str, **contract) -> Transport:
    fields = {"name": "acme", "shed_on_create": frozenset({502}), **contract}
    return Transport(Contract(**fields), base_url, headers={"X-Version": "1"},
                     key_headers={"Authorization": f"Bearer {KEY}"}, secrets=(KEY,))


def run(coro):
    return asyncio.run(coro)


async def _send(service, step, method="GET", path="/x", **kwargs):
    async with transport(service.url) as client:
        return await client.send(step, method, path, **kwargs)


def _response(code: int, body=None, headers=None) -> httpx.Response:
    return httpx.Response(code, json=body if body is not None else {}, headers=headers or {},
                          request=httpx.Request("GET", "http://api.test/x"))


# --- the table of answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("code, step, expected", [
    (429, Step.CREATE, Throttled), (429, Step.READ, Throttled),
    (500, Step.CREATE, OutcomeUnknown), (502, Step.CREATE, Throttled),  # 502: this contract's documented shed
    (503, Step.CREATE, OutcomeUnknown), (504, Step.CREATE, OutcomeUnknown), (408, Step.CREATE, OutcomeUnknown),
    (500, Step.READ, Transient), (503, Step.READ, Transient), (408, Step.UPLOAD, Transient),
    (404, Step.DOWNLOAD, OutputExpired), (410, Step.DOWNLOAD, OutputExpired), (404, Step.READ, Failed),
    (400, Step.CREATE, Failed), (401, Step.READ, Failed), (200, Step.CREATE, type(None)),
])
def test_each_answer_has_one_outcome(code, step, expected):
    assert type(classify(step, _response(code, {"error": "x"}), CONTRACT)) is expected


def test_load_shedding_with_retry_after_is_throttled_even_on_a_create():
    failure = classify(Step.CREATE, _response(503, {}, {"Retry-After": "7"}), CONTRACT)
    assert isinstance(failure, Throttled) and failure.retry_after == 7


def test_moderation_words_and_provider_codes_mean_refused():
    assert isinstance(classify(Step.CREATE, _response(422, {"detail": "blocked by the content filter"}), CONTRACT),
                      Refused)
    assert isinstance(classify(Step.CREATE, _response(400, {"error": {"code": "E005", "message": "no"}}), CONTRACT),
                      Refused)
    assert isinstance(classify(Step.CREATE, _response(400, {"error": "duration must be 5"}), CONTRACT), Failed)
    assert is_moderation("SAFETY.INPUT.TEXT") and not is_moderation("E0050 other", CONTRACT)


def test_a_refused_key_says_so():
    failure = classify(Step.READ, _response(401, {"message": "bad token"}), CONTRACT)
    assert "check the API key" in str(failure) and "bad token" in str(failure)


def test_retry_after_forms():
    assert parse_retry_after({"retry-after-ms": "1500"}) == 1.5
    assert parse_retry_after({"retry-after": "3"}) == 3
    assert 9 <= parse_retry_after({"retry-after": "Thu, 01 Jan 2099 00:00:10 GMT"},
                                  now=4070908800.0) <= 10
    assert parse_retry_after({}) is None and parse_retry_after({"retry-after": "soon"}) is None


def test_pick_reads_nested_fields_and_names_what_is_missing():
    assert pick({"data": {"ids": ["a"]}}, "data", "ids", 0, contract=CONTRACT) == "a"
    with pytest.raises(OutcomeUnknown, match="no data.task_id"):
        pick({"data": {}}, "data", "task_id", contract=CONTRACT, step=Step.CREATE)
    with pytest.raises(Transient, match="no status"):
        pick({}, "status", contract=CONTRACT)
    assert pick({}, "x", contract=CONTRACT, required=False) is None


# --- over a real socket ----------------------------------------------------------------------------


def test_the_key_goes_only_to_the_api_origin_and_never_into_messages():
    with Scripted({"/x": [Reply(401, {"error": f"token {KEY} refused"})]}) as api:
        with pytest.raises(Failed) as info:
            run(_send(api, Step.READ))
    assert KEY not in str(info.value) and "[redacted]" in str(info.value)
    assert api.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert api.requests[0].headers["x-version"] == "1"


def test_a_redirect_to_another_host_never_receives_the_key(tmp_path):
    with Scripted({"/file": [Reply(200, b"video" * 100, {"Content-Type": "video/mp4"})]}) as cdn, \
            Scripted({"/x": [Reply(302, b"", {"Location": f"{cdn.url}/file"})],
                      "/own": [Reply(200, b"own" * 10)]}) as api:
        async def go():
            async with transport(api.url, key_on_downloads=True) as client:
                await client.send(Step.READ, "GET", "/x")
                await client.download(f"{api.url}/x", tmp_path / "a.mp4")
                await client.download("/own", tmp_path / "b.mp4")
        run(go())
    assert [r.path for r in cdn.requests] == ["/file", "/file"]
    assert all("authorization" not in r.headers for r in cdn.requests)
    assert api.requests[-1].headers["authorization"] == f"Bearer {KEY}"  # the API's own file, when it says so
    assert (tmp_path / "a.mp4").read_bytes() == b"video" * 100


def test_downloads_detect_truncation_expiry_and_size(tmp_path):
    dest = tmp_path / "clip.mp4"
    with Scripted({"/cut": [Reply(200, b"x" * 100, {"X-Fake-Declared-Length": "1000"})],
                   "/gone": [Reply(403, "<Error>AccessDenied</Error>")],
                   "/big": [Reply(200, b"y" * 5000)], "/empty": [Reply(200, b"")]}) as cdn:
        async def get(path, **kwargs):
            async with transport("https://api.elsewhere.test") as client:
                return await client.download(f"{cdn.url}{path}", dest, **kwargs)
        with pytest.raises(Transient, match="truncated|cut off"):
            run(get("/cut"))
        assert not dest.exists()
        with pytest.raises(OutputExpired):
            run(get("/gone"))
        with pytest.raises(Failed, match="limit 1000"):
            run(get("/big", limit=1000))
        assert not dest.exists()
        with pytest.raises(Transient, match="empty"):
            run(get("/empty"))
        assert run(get("/big")) == 5000
    assert all("authorization" not in r.headers for r in cdn.requests)


def test_a_create_that_times_out_is_unknown_and_a_poll_is_transient():
    with Scripted({"/x": [Reply(200, {"id": "j1"}, delay=1.0)]}) as api:
        async def go(step):
            async with transport(api.url, timeout=0.2) as client:
                await client.send(step, "POST", "/x")
        with pytest.raises(OutcomeUnknown, match="after sending"):
            run(go(Step.CREATE))
        with pytest.raises(Transient, match="timed out"):
            run(go(Step.READ))


def test_malformed_json_is_unknown_after_a_create_and_transient_after_a_read():
    with Scripted({"/x": [Reply(200, "<html>gateway</html>")]}) as api:
        async def go(step):
            async with transport(api.url) as client:
                return await client.json(step, "POST", "/x")
        with pytest.raises(OutcomeUnknown, match="malformed"):
            run(go(Step.CREATE))
        with pytest.raises(Transient, match="malformed"):
            run(go(Step.READ))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_refused_connection_is_named_and_the_host_settles_as_down():
    async def go():
        async with transport(f"http://127.0.0.1:{_free_port()}") as client:
            failures = []
            for _ in range(4):
                try:
                    await client.send(Step.CREATE, "POST", "/jobs")
                except Unreachable as exc:
                    failures.append(exc)
            return failures
    failures = run(go())
    assert [f.reason for f in failures] == ["connection refused"] * 4
    assert "cannot reach 127.0.0.1:" in str(failures[0]) and not failures[0].settled
    assert failures[3].settled and "not sent" in str(failures[3])


def test_dns_and_tls_failures_are_named():
    assert connect_reason(httpx.ConnectError("x").with_traceback(None)) == "cannot connect"
    error = httpx.ConnectError("[Errno -2] Name or service not known")
    error.__cause__ = socket.gaierror(-2, "Name or service not known")
    assert connect_reason(error) == "DNS failure (host name not found)"
    tls = httpx.ConnectError("handshake")
    tls.__context__ = ssl.SSLError(1, "wrong version number")
    assert connect_reason(tls) == "TLS failure"


def test_tls_to_a_plain_http_server_is_a_tls_failure():
    with Scripted({"/x": [Reply(200, {})]}) as api:
        async def go():
            async with transport(api.url.replace("http://", "https://")) as client:
                await client.send(Step.READ, "GET", "/x")
        with pytest.raises(Unreachable) as info:
            run(go())
    assert info.value.reason == "TLS failure"


# --- retries -----------------------------------------------------------------------------------------


def test_with_retries_waits_as_told_and_reports_each_wait():
    slept, waits, calls = [], [], []

    async def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise Throttled("acme: 429", retry_after=4.0)
        if len(calls) == 2:
            raise Transient("acme: 503")
        return "ok"

    async def sleep(seconds):
        slept.append(seconds)

    result = run(with_retries(flaky, policy=RetryPolicy(attempts=3, cap=1.0), what="shot 1.1-001",
                              on_wait=waits.append, sleep=sleep))
    assert result == "ok" and slept[0] == 4.0 and 0 <= slept[1] <= 1.0
    assert str(waits[0]).startswith("shot 1.1-001: acme: 429; try 2 of 3 in 4.0 s")


def test_with_retries_never_resends_an_unknown_create_unless_the_provider_dedupes():
    calls = []

    async def create():
        calls.append(1)
        raise OutcomeUnknown("no answer")

    async def sleep(_):
        pass

    with pytest.raises(OutcomeUnknown):
        run(with_retries(create, sleep=sleep))
    assert len(calls) == 1
    with pytest.raises(GaveUp):
        run(with_retries(create, policy=RetryPolicy(attempts=3, resend_unknown=True), sleep=sleep))
    assert len(calls) == 4


def test_with_retries_gives_up_bounded_and_at_once_when_the_host_is_down():
    calls = []

    async def down():
        calls.append(1)
        raise Unreachable("cannot reach h:9: connection refused", "connection refused", "h:9",
                          settled=len(calls) > 1)

    async def sleep(_):
        pass

    with pytest.raises(GaveUp, match="connection refused .*gave up after 2 tries"):
        run(with_retries(down, policy=RetryPolicy(attempts=8), sleep=sleep))
    assert len(calls) == 2


def test_backoff_is_full_jitter_capped():
    rng = random.Random(1)
    delays = [backoff_delay(attempt, base=1.0, cap=8.0, rng=rng) for attempt in range(200)]
    assert all(0 <= d <= 8.0 for d in delays) and max(delays) > 4.0
    assert max(backoff_delay(0, rng=rng) for _ in range(100)) <= 1.0


@pytest.mark.parametrize("name", ["/etc/passwd", "../x.mp4", "a/../../x", "C:/x.mp4", ""])
def test_safe_join_refuses_names_escaping_the_folder(tmp_path, name):
    with pytest.raises(Failed):
        safe_join(tmp_path, name)


def test_safe_join_keeps_inner_names(tmp_path):
    assert safe_join(tmp_path, "sub/clip_0001.mp4") == (tmp_path / "sub" / "clip_0001.mp4").resolve()


def test_message_fields_reach_inside_objects():
    contract = Contract("acme", message_fields=("detail.message", "detail"))
    failure = classify(Step.CREATE, _response(400, {"detail": {"status": "voice_not_found", "message": "no voice"}}),
                       contract)
    assert isinstance(failure, Failed) and str(failure).endswith("HTTP 400: no voice")
