"""Fixtures shared by every test folder: a fresh workspace, the sample book, the corpus location."""

from __future__ import annotations

from pathlib import Path

import pytest

from filmsofone.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
CORPUS = (REPO.parent / "shared" / "corpus").resolve()
SAMPLE_SLUG = "the-lantern-keepers"


def pytest_collection_modifyitems(config, items):
    """Tests marked `corpus` skip cleanly when ../shared/corpus is absent."""
    if CORPUS.is_dir():
        return
    skip = pytest.mark.skip(reason=f"evaluation corpus not found at {CORPUS}")
    for item in items:
        if "corpus" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A fresh, empty workspace."""
    return Workspace(tmp_path / "ws").ensure()


@pytest.fixture(scope="session")
def sample_book() -> Path:
    from filmsofone.demo import sample_book_path

    return sample_book_path()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS
