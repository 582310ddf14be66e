"""The contract test: every registered hosted backend, against its fake, plays the same faults and must end
the same way (docs/providers.md explains each expected outcome).

The path is the engine's own (`backends.remote`: submit -> poll -> download, with the transport's retries).
For each fault: the outcome (made, unknown, refused), at most one paid job per shot, no create sent again
after an unknown outcome (unless the provider dedupes creates), and no key on another host.
"""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from fakes.contract import HARNESSES
from fakes.faults import Elsewhere, tiny_mp4, tiny_png

from filmsofone import backends
from filmsofone.backends.base import OutcomeUnknown, Refused
from filmsofone.backends import remote

# fault -> (stage, kind) played once; "moderation" is the provider's own refusal
FAULTS = {
    "429 with Retry-After on create": ("create", "throttle"),
    "5xx on create": ("create", "server_error"),
    "timeout on create": ("create", "hang"),
    "malformed JSON on create": ("create", "malformed"),
    "429 with Retry-After on poll": ("status", "throttle"),
    "5xx on poll": ("status", "server_error"),
    "503 on poll": ("status", "unavailable"),
    "timeout on poll": ("status", "hang"),
    "malformed JSON on poll": ("status", "malformed"),
    "moderation refusal": None,
    "expired output URL": ("download", "expired"),
    "truncated download": ("download", "truncated"),
    "redirect to another host": ("download", "redirect"),
}
UNKNOWN_AFTER_CREATE = {"5xx on create", "timeout on create", "malformed JSON on create"}


def _hosted_names() -> list[str]:
    return [name for name in backends.backend_names() if not backends.backend_class(name).local]


def expected(fault: str, idempotent: bool) -> str:
    """The one expected outcome of a fault (the same for every provider)."""
    if fault == "moderation refusal":
        return "refused"
    if fault in UNKNOWN_AFTER_CREATE and not idempotent:
        return "unknown"  # a job may exist: never sent again without the user's word
    return "made"


async def _run(backend, request, dest, drive=None) -> str:
    async def check(path):
        assert path.stat().st_size > 0
        return path.stat().st_size

    try:
        if drive is not None:  # a plugin whose one request answers with the file: its own blocking call
            await asyncio.to_thread(drive, backend, request, dest)
        else:
            async with backend.client() as client:
                await remote.make(backend, client, request, dest, check=check)
    except OutcomeUnknown:
        return "unknown"
    except Refused:
        return "refused"
    return "made"


@pytest.fixture(scope="module", autouse=True)
def _media_made_once():
    """The fakes' clips are made by ffmpeg on first use: make them before any client starts its timeout."""
    for seconds in (1.0, 2.0, 4.0, 5.0, 6.0, 8.0):
        tiny_mp4(seconds)
    tiny_png()


def test_every_registered_hosted_backend_has_a_fake():
    missing = [name for name in _hosted_names() if name not in HARNESSES]
    assert missing == [], f"hosted backends without a fake in tests/fakes/contract.py: {missing}"


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("name", _hosted_names())
def test_each_backend_meets_each_fault_the_same_way(name, fault, tmp_path):
    harness = HARNESSES.get(name)
    assert harness is not None, f"backend {name!r} has no fake in tests/fakes/contract.py"
    if fault in harness.not_applicable:
        assert len(harness.not_applicable[fault]) > 20  # a reason, stated in the harness
        return
    with harness.fake() as fake, Elsewhere() as elsewhere:
        fake.elsewhere = elsewhere.url
        fake.hang_seconds = harness.timeout + 1.0
        backend = harness.backend(fake)
        backend.contract = dataclasses.replace(backend.contract, timeout=harness.timeout)
        if FAULTS[fault] is None:
            assert harness.moderate is not None, f"{name}: the fake cannot play a moderation refusal"
            harness.moderate(fake)
        else:
            stage, kind = FAULTS[fault]
            fake.fault(harness.stages.get(stage, stage), kind)
        dest = tmp_path / "out.bin"
        outcome = asyncio.run(_run(backend, harness.request, dest, harness.drive))
        if FAULTS[fault] is not None:
            assert (harness.stages.get(stage, stage), kind) in fake.played, f"{name}: the fake never played {fault}"
        resends = backend.idempotent_create or bool(harness.resends_unknown)
        assert outcome == expected(fault, resends), f"{name}: {fault}"
        assert harness.jobs(fake) <= (2 if harness.resends_unknown else 1), f"{name}: paid twice for one shot"
        if outcome == "unknown":
            assert harness.creates(fake) == 1, f"{name}: a create was sent again after an unknown outcome"
        if outcome == "made":
            assert dest.stat().st_size > 0
        assert elsewhere.keys_seen() == [], f"{name}: a key reached another host"
        if fault == "redirect to another host":
            assert elsewhere.seen, f"{name}: the redirect was not followed"
