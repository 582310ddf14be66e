"""The project data access (`filmsofone.project`) and the key store as a leaf of the core."""

from __future__ import annotations

import grimp
import pytest

from filmsofone import keys, project, store
from filmsofone.errors import BookNotFound, UserError
from filmsofone.models import BookAnalysis, BookInfo, Chapter, Scene, Shot


def _stored_book(ws, slug="tale") -> BookAnalysis:
    analysis = BookAnalysis(book=BookInfo(slug=slug, title="Tale", source_sha256="0" * 64, chars=10),
                            chapters=[Chapter(index=1, title="One", start=0, end=10)],
                            scenes=[Scene(id="1.1", chapter=1, start=0, end=10)], characters=[], settings=[], quotes=[])
    paths = ws.project(slug).ensure()
    paths.text_path.write_text("Once upon.", encoding="utf-8")
    store.save_analysis(paths.db_path, analysis, source_path="tale.txt")
    return analysis


def test_open_project_names_the_imported_books(ws):
    with pytest.raises(BookNotFound, match="no imported book 'nope'"):
        project.open_project(ws, "nope")
    _stored_book(ws)
    with pytest.raises(BookNotFound) as info:
        project.open_project(ws, "nope")
    assert "tale" in info.value.hint
    assert project.load_text(ws, "tale") == "Once upon."
    assert [row.slug for row in project.list_books(ws)] == ["tale"]


def test_check_scene_lists_the_scenes(ws):
    analysis = _stored_book(ws)
    project.check_scene(analysis, "1.1")
    with pytest.raises(UserError, match="no scene '9.9'") as info:
        project.check_scene(analysis, "9.9")
    assert "1.1" in info.value.hint


def test_removed_shots_round_trip(ws):
    _stored_book(ws)
    assert project.load_removed(ws, "tale") == {}
    gone = Shot(id="1.1-002", scene="1.1", order=2, action="Ada leaves.", source_span=(3, 8))
    project.save_removed(ws, "tale", {"1.1": [gone]})
    assert project.load_removed(ws, "tale") == {"1.1": [gone]}
    assert not list(ws.project("tale").root.glob("*.tmp"))


def test_known_secrets_reads_the_variables_it_is_given(tmp_path, monkeypatch):
    monkeypatch.setenv("FILMSOFONE_KEYS_FILE", str(tmp_path / "keys.json"))
    monkeypatch.setenv("SOME_API_KEY", "k-env-424242")
    keys.set_key("other", "k-file-123456")
    assert keys.known_secrets() == ["k-file-123456"]
    assert keys.known_secrets(["SOME_API_KEY", "UNSET_API_KEY"]) == ["k-file-123456", "k-env-424242"]


def test_keys_imports_nothing_of_ours_but_the_errors():
    graph = grimp.build_graph("filmsofone", cache_dir=None)
    assert graph.find_modules_directly_imported_by("filmsofone.keys") == {"filmsofone.errors"}
