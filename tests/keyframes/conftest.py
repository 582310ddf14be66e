"""A tiny book with a cast bible whose two leads have picked faces (offline auditions)."""

from __future__ import annotations

import pytest
from kfkit import cast_book


@pytest.fixture
def cast(ws):
    return cast_book(ws)
