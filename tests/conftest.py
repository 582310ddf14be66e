"""Fixtures shared by every test folder: a fresh workspace, the sample book, the corpus location."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from filmsofone.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("FILMSOFONE_CORPUS") or REPO.parent / "shared" / "corpus").resolve()
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


@pytest.fixture(scope="session")
def _imported_sample(tmp_path_factory, sample_book):
    """The sample novella imported once through the real import path (copied per test)."""
    import shutil

    from filmsofone import store
    from filmsofone.books import import_book
    from filmsofone.workspace import Workspace

    ws = Workspace(tmp_path_factory.mktemp("sample") / "ws").ensure()
    book = ws.books_dir / sample_book.name
    shutil.copyfile(sample_book, book)
    import_book(ws, book, slug=SAMPLE_SLUG)
    store.forget_engine(ws.project(SAMPLE_SLUG).db_path)
    return ws.root


@pytest.fixture
def sample_ws(_imported_sample, tmp_path):
    """A fresh workspace holding the imported sample."""
    import shutil

    from filmsofone.workspace import Workspace

    root = tmp_path / "sample-ws"
    shutil.copytree(_imported_sample, root)
    return Workspace(root)
