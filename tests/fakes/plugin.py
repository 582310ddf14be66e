"""A third-party backend plugin, registered the way `pip install filmsofone-foo` would register one."""

from __future__ import annotations

from typing import ClassVar

from filmsofone.backends.base import Backend, BackendOptions, Capabilities


class EchoOptions(BackendOptions):
    flavour: str = "plain"


class EchoBackend(Backend):
    name: ClassVar[str] = "echo"
    description: ClassVar[str] = "a plugin backend for the registry tests"
    capabilities: ClassVar[Capabilities] = Capabilities(seed=False, durations=[5.0, 10.0])
    Options: ClassVar[type[BackendOptions]] = EchoOptions
    needs_key: ClassVar[bool] = True
    key_env_var: ClassVar[str] = "ECHO_API_KEY"
    price_per_clip: ClassVar[float] = 0.5


def register_backends(register) -> None:
    register(EchoBackend)
    register("lazy-echo", "fakes.lazy_plugin")
