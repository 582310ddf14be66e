"""A chat server that is not running: one line naming it and exit 2, from `adapt` and `speakers --refine`."""

from __future__ import annotations

import json
import socket

import pytest

from .conftest import SAMPLE
from .test_cli_adapt import run


@pytest.fixture
def nobody():
    """The address of a port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1", f"127.0.0.1:{port}"


def test_adapt_with_a_chat_server_that_is_not_running_is_one_line_and_changes_nothing(sample_ws, nobody, capsys):
    url, host = nobody
    code, out, _ = run(sample_ws, "adapt", SAMPLE, "--json", capsys=capsys)
    before = json.loads(out)
    code, out, err = run(sample_ws, "adapt", SAMPLE, "--adapter", "openai-chat", "--option", f"base_url={url}",
                         "--option", "model=tiny", capsys=capsys)
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2 and len(lines) == 1 and host in lines[0] and "base_url" in lines[0], err
    assert "warning:" not in err  # not one warning per scene
    assert "try 2 of" not in err and "WARNING" not in err and "adapting with" not in err  # checked before asking
    assert "scene(s) to ask" not in err  # checked before the estimate is shown
    assert "adapt " + SAMPLE + " --adapter offline" in " ".join(err.split())  # how to leave the adapter that failed
    code, out, _ = run(sample_ws, "adapt", SAMPLE, "--adapter", "offline", "--json", capsys=capsys)
    assert json.loads(out)["scenes"] == before["scenes"]


def test_speakers_refine_with_a_chat_server_that_is_not_running_is_one_line(sample_ws, nobody, capsys):
    url, host = nobody
    code, out, err = run(sample_ws, "speakers", SAMPLE, "--refine", "--option", f"base_url={url}",
                         "--option", "model=tiny", capsys=capsys)
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2 and len(lines) == 1 and host in lines[0], err
    assert "warning:" not in err and "refined" not in out
    shown = [line for line in err.splitlines() if line.strip()]
    assert len(shown) == 1 and shown[0].startswith("error:"), err  # the server checked first: no estimate, retry, progress
