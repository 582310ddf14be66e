"""Keys: environment first, then a mode-600 key file; never shown, scrubbed from any text."""

from __future__ import annotations

import os
import stat

import pytest

from filmsofone import keys
from fakes.plugin import EchoBackend


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    path = tmp_path / "cfg" / "keys.json"
    monkeypatch.setenv("FILMSOFONE_KEYS_FILE", str(path))
    monkeypatch.delenv("ECHO_API_KEY", raising=False)
    return path


def test_set_key_writes_a_file_only_the_owner_reads(key_file):
    keys.set_key("echo", "  k-file-123456 \n")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert keys.find_key(EchoBackend) == "k-file-123456"
    assert keys.key_source(EchoBackend) == "file"
    keys.set_key("other", "k-2-abcdef")
    assert keys.stored_names() == ["echo", "other"] and keys.find_key(EchoBackend) == "k-file-123456"


def test_the_environment_wins(key_file, monkeypatch):
    keys.set_key("echo", "k-file-123456")
    monkeypatch.setenv("ECHO_API_KEY", "k-env-654321")
    assert keys.find_key(EchoBackend) == "k-env-654321"
    assert keys.key_source(EchoBackend) == "env:ECHO_API_KEY"


def test_a_key_file_others_can_read_is_refused(key_file):
    keys.set_key("echo", "k-file-123456")
    os.chmod(key_file, 0o644)
    with pytest.raises(keys.KeyFileError) as info:
        keys.find_key(EchoBackend)
    assert "chmod 600" in info.value.hint and "k-file" not in str(info.value)


def test_scrub_removes_every_known_key(key_file, monkeypatch):
    keys.set_key("echo", "k-file-123456")
    text = "401 from proxy: Authorization: Bearer k-file-123456"
    assert keys.scrub(text) == "401 from proxy: Authorization: Bearer [redacted]"
    assert keys.scrub(None) is None
    assert keys.scrub("signed with ak-12345678", ["ak-12345678:sk-abcdefgh"]) == "signed with [redacted]"


def _keys_set(name: str) -> int:
    from filmsofone.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["keys", "set", name])
        raise SystemExit(0)
    return exit_info.value.code


def test_keys_set_prompts_without_echo(key_file, monkeypatch, capsys):
    from filmsofone.backends import backend_class

    prompts = []

    def fake_prompt(text, hide_input=False, **kwargs):
        prompts.append(hide_input)
        return "k-typed-999999"

    monkeypatch.delenv("RUNWAYML_API_SECRET", raising=False)
    monkeypatch.setattr("typer.prompt", fake_prompt)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)  # at a terminal
    assert _keys_set("runway") == 0 and prompts == [True]
    out = capsys.readouterr()
    assert "k-typed" not in out.out + out.err
    assert keys.find_key(backend_class("runway")) == "k-typed-999999"


def test_keys_set_reads_one_line_from_a_pipe(key_file, monkeypatch, capsys):
    import io

    from filmsofone.backends import backend_class

    monkeypatch.delenv("LUMA_API_KEY", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("k-piped-424242\n"))
    assert _keys_set("luma") == 0
    assert keys.find_key(backend_class("luma")) == "k-piped-424242"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and "k-piped" not in "".join(capsys.readouterr())


@pytest.mark.parametrize("case", ["unknown name", "key file others can read"])
def test_keys_set_refuses_before_asking_for_the_key(key_file, monkeypatch, capsys, case):
    asked = []
    monkeypatch.setattr("typer.prompt", lambda *a, **k: asked.append(1) or "k-never-111111")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    if case == "unknown name":
        name, needle = "runwy", "no backend or key variable called 'runwy'"
    else:
        keys.set_key("runway", "k-file-123456")
        os.chmod(key_file, 0o644)
        name, needle = "luma", "can be read by others (mode 644)"
    assert _keys_set(name) == 2 and asked == []
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and needle in err[0] and ("runway" in err[0] if case == "unknown name" else "chmod 600" in err[0])


def test_the_log_filter_blanks_keys(caplog):
    import logging

    logger = logging.getLogger("httpx")
    scrubber = keys.ScrubFilter(["k-url-987654"])
    logger.addFilter(scrubber)
    try:
        with caplog.at_level(logging.INFO, logger="httpx"):
            logger.info("HTTP Request: GET %s", "https://api.example/v1?key=k-url-987654")
    finally:
        logger.removeFilter(scrubber)
    assert "k-url-987654" not in caplog.text and "[redacted]" in caplog.text


def test_both_halves_of_a_two_part_credential_are_scrubbed_and_listed(key_file, monkeypatch, capsys):
    from filmsofone.backends import backend_class, key_env_vars
    from filmsofone.cli import main

    backend_class("scenario"), backend_class("kling")  # key_env_vars() names the backends loaded so far
    monkeypatch.setenv("SCENARIO_API_KEY", "scn-key-1234567")
    monkeypatch.setenv("SCENARIO_API_SECRET", "scn-secret-7654321")
    monkeypatch.delenv("KLING_ACCESS_KEY", raising=False)
    monkeypatch.setenv("KLING_SECRET_KEY", "kl-secret-246810")
    assert {"SCENARIO_API_KEY", "SCENARIO_API_SECRET", "KLING_ACCESS_KEY", "KLING_SECRET_KEY"} <= set(key_env_vars())
    text = keys.scrub("401 for scn-key-1234567:scn-secret-7654321", keys.known_secrets(key_env_vars()))
    assert "scn-" not in text
    with pytest.raises(SystemExit) as exit_info:
        main(["keys", "list"])
        raise SystemExit(0)
    assert exit_info.value.code == 0
    rows = [line.split("│") for line in capsys.readouterr().out.splitlines() if line.count("│") == 4]
    table, name = {}, ""  # backend -> (variables, key status): rich wraps long cells over several lines
    for _, backend, variables, status, _ in rows:
        name = backend.strip() or name
        previous = table.get(name, ("", ""))
        table[name] = (f"{previous[0]} {variables.strip()}".strip(), f"{previous[1]} {status.strip()}".strip())
    assert table["scenario"][0] == "SCENARIO_API_SECRET SCENARIO_API_KEY"
    assert table["kling"] == ("KLING_SECRET_KEY KLING_ACCESS_KEY", "set (env:KLING_SECRET_KEY) KLING_ACCESS_KEY missing")
    assert "scn-" not in str(table) and "kl-secret" not in str(table)
