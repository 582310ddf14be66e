from __future__ import annotations

import pytest

from filmsofone import backends
from fakes.generic import KEY_ENV, FakeHostedBackend, FakeHostedService
from fakes.project import simple_prompts


@pytest.fixture
def service(monkeypatch, tmp_path):
    """The generic fake hosted service, its backend registered, its key in the environment."""
    fake = FakeHostedService().start()
    monkeypatch.setenv(KEY_ENV, fake.key)
    monkeypatch.setenv("FILMSOFONE_KEYS_FILE", str(tmp_path / "keys.json"))
    backends.register(FakeHostedBackend)
    monkeypatch.setattr("filmsofone.generate.requests.render_shot_prompts", simple_prompts)
    yield fake
    fake.stop()
    backends.reset_registry()
