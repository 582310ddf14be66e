"""Issue 17.7: an unreachable server is named at once (refused, not "throttled"), with the shot, retried a
bounded number of times with each wait shown, and the run ends quickly."""

from __future__ import annotations

import time

import pytest
from fakes.hosted_base import cli
from fakes.project import SLUG, make_book


@pytest.mark.parametrize("verbose", [False, True])
def test_a_refused_connection_is_named_at_once_with_the_shot(ws, service, capsys, verbose):
    make_book(ws, shots_per_scene=3)
    started = time.monotonic()
    code, out, err = cli(capsys, "--workspace", ws.root, *(["--verbose"] if verbose else []), "generate", SLUG,
                         "--scene", "1.1", "--backend", "fakehosted", "--option", "base_url=http://127.0.0.1:9",
                         "--no-storyboard")
    elapsed = time.monotonic() - started
    shown = " ".join((out + err).split())
    assert code == 1
    assert "cannot reach 127.0.0.1:9: connection refused" in shown and "throttled" not in shown
    assert "shot 1.1-001: fakehosted: cannot reach 127.0.0.1:9: connection refused; try 2 of" in shown  # the wait
    for shot in ("1.1-001", "1.1-002", "1.1-003"):
        assert f"failed {shot}: not submitted: fakehosted: cannot reach 127.0.0.1:9: connection refused" in shown
    assert shown.count("; try ") <= 12  # bounded: the host is taken as down after three refusals in a row
    assert "gave up after" in shown and elapsed < 30
    assert service.create_attempts == []  # nothing reached any server
