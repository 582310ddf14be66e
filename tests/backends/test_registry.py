"""The registry: built-ins and plugins through one hook and the entry-point group; lazy; strict options."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import EntryPoint

import pytest

from filmsofone import backends
from filmsofone.backends.base import Backend, Capabilities, GenerationRequest
from filmsofone.errors import BackendError


@pytest.fixture
def with_plugin(monkeypatch):
    """The entry-point group holds the built-ins and one third-party plugin."""
    builtin = EntryPoint("builtin", "filmsofone.backends.builtin", backends.ENTRY_POINT_GROUP)
    plugin = EntryPoint("echo", "fakes.plugin", backends.ENTRY_POINT_GROUP)
    monkeypatch.setattr(backends, "entry_points", lambda group: [plugin, builtin] if group ==
                        backends.ENTRY_POINT_GROUP else [])
    backends.reset_registry()
    yield
    backends.reset_registry()


def test_builtins_come_through_the_declared_entry_point():
    from importlib.metadata import entry_points

    points = {p.name: p.value for p in entry_points(group="filmsofone.backends")}
    assert points.get("builtin") == "filmsofone.backends.builtin"
    backends.reset_registry()
    assert {"animatic", "clips"} <= set(backends.backend_names())


def test_a_plugin_registers_like_a_builtin(with_plugin):
    names = backends.backend_names()
    assert {"animatic", "clips", "echo", "lazy-echo"} <= set(names)
    assert "fakes.lazy_plugin" not in sys.modules  # not imported by naming
    classes = {cls.name: cls for cls in backends.list_backends()}
    assert classes["lazy-echo"].__name__ == "LazyEcho" and classes["echo"].price_per_clip == 0.5


def test_unknown_backend_and_unknown_options_are_user_errors(with_plugin, monkeypatch):
    with pytest.raises(BackendError, match="unknown backend 'nope'") as info:
        backends.get_backend("nope")
    assert "animatic" in info.value.hint
    with pytest.raises(BackendError, match="bad options for backend 'animatic'"):
        backends.get_backend("animatic", {"colour": "red"})
    with pytest.raises(BackendError, match="bad options"):
        backends.get_backend("animatic", {"fps": "fast"})
    monkeypatch.setenv("ECHO_API_KEY", "k-123456")
    echo = backends.get_backend("echo", {"flavour": "salty"})
    assert echo.options.flavour == "salty" and echo.key == "k-123456" and "k-123456" not in repr(echo)


def test_missing_key_names_the_variable_and_the_command(with_plugin, monkeypatch, tmp_path):
    monkeypatch.delenv("ECHO_API_KEY", raising=False)
    monkeypatch.setenv("FILMSOFONE_KEYS_FILE", str(tmp_path / "keys.json"))
    with pytest.raises(BackendError) as info:
        backends.get_backend("echo")
    assert "ECHO_API_KEY" in info.value.hint and "keys set echo" in info.value.hint


def test_requests_a_backend_cannot_honour_are_refused():
    class Strict(Backend):
        name = "strict"
        capabilities = Capabilities(durations=[5.0, 10.0], seed=False, negative_prompt=False, prompt_limit=20)

    request = GenerationRequest(shot_id="1.1-001", prompt="x" * 30, seed=3, negative_prompt="blur",
                                duration=4.0, aspect_ratio="9:16", references=["a.png"])
    with pytest.raises(BackendError) as info:
        Strict().check(request)
    message = str(info.value)
    for problem in ("a seed", "a negative prompt", "reference image", "aspect ratio 9:16", "30-character prompt",
                    "4 s (it takes 5, 10 s)"):
        assert problem in message
    Strict().check(GenerationRequest(shot_id="1.1-001", prompt="ok", duration=5.0))


def test_listing_backends_imports_no_heavy_library():
    code = ("import sys; from filmsofone import backends; backends.list_backends(); "
            "heavy = [m for m in ('PIL', 'numpy', 'av', 'websockets', 'spacy', 'jwt', 'opentimelineio') "
            "if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_cli_lists_backends_with_key_status(with_plugin, monkeypatch, capsys, tmp_path):
    from filmsofone.cli import main

    monkeypatch.setenv("FILMSOFONE_KEYS_FILE", str(tmp_path / "keys.json"))
    monkeypatch.setenv("ECHO_API_KEY", "k-777777")
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exit_info:
        main(["backends"])
        raise SystemExit(0)
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert "animatic" in out and "echo" in out and "set (env:ECHO_API_KEY)" in out and "k-777777" not in out
    assert "$0.5/clip" in out


def test_backends_are_listed_and_looked_up_by_kind(with_plugin):
    class Narrator(Backend):
        name = "narrator-test"
        kind = "speech"

    backends.register(Narrator)
    backends.register("lazy-score", "fakes.lazy_plugin:LazyEcho", kind="music")
    assert "narrator-test" in backends.backend_names("speech")
    assert "narrator-test" not in backends.backend_names("video")
    assert {"animatic", "clips"} <= set(backends.backend_names("video"))
    assert "runway-image" in backends.backend_names("image") and "runway" not in backends.backend_names("image")
    assert backends.backend_kind("narrator-test") == "speech"
    speech = [cls.name for cls in backends.list_backends("speech")]
    assert "narrator-test" in speech and all(b.kind == "speech" for b in backends.list_backends("speech"))
    assert "narrator-test" not in [cls.name for cls in backends.list_backends("video")]
    assert backends.get_backend("narrator-test", kind="speech").kind == "speech"
    with pytest.raises(BackendError, match="unknown video backend 'narrator-test'") as info:
        backends.get_backend("narrator-test", kind="video")
    assert "animatic" in info.value.hint
    with pytest.raises(BackendError, match="makes video, but 'lazy-score' was registered as music"):
        backends.backend_class("lazy-score")
    with pytest.raises(ValueError, match="kind must be one of"):
        backends.register("odd", "fakes.lazy_plugin", kind="smell")
