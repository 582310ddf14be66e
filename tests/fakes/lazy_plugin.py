"""A backend module registered lazily by path: imported only when the backend is used or listed."""

from __future__ import annotations

from typing import ClassVar

from filmsofone.backends.base import Backend


class LazyEcho(Backend):
    name: ClassVar[str] = "lazy-echo"
    description: ClassVar[str] = "registered by module path"
