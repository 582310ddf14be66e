
import pytest

from filmsofone.errors import BadInput
from filmsofone.workspace import WORKSPACE_ENV, Workspace, output_file, slugify


def test_slugify_file_names_and_titles():
    assert slugify("The Lantern Keepers.txt") == "the-lantern-keepers"
    assert slugify("pride_and_prejudice.epub") == "pride-and-prejudice"
    assert slugify("Émile!!") == "emile"
    assert slugify("???") == "book"


def test_resolve_prefers_argument_then_env_then_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(WORKSPACE_ENV, raising=False)
    assert Workspace.resolve().root == tmp_path.resolve()
    monkeypatch.setenv(WORKSPACE_ENV, str(tmp_path / "env"))
    assert Workspace.resolve().root == (tmp_path / "env").resolve()
    assert Workspace.resolve(tmp_path / "arg").root == (tmp_path / "arg").resolve()


def test_layout_and_slugs(ws: Workspace):
    assert all(d.is_dir() for d in (ws.books_dir, ws.casts_dir, ws.projects_dir))
    project = ws.project("book-a").ensure()
    assert ws.slugs() == []  # no database yet: not an imported book
    project.db_path.write_bytes(b"")
    assert ws.slugs() == ["book-a"]
    assert ws.bible_path("book-a") == ws.root / "casts" / "book-a.yaml"
    assert project.film_path == ws.root / "projects" / "book-a" / "cuts" / "book-a.mp4"


def test_output_file_in_a_folder_takes_the_default_name_and_a_missing_folder_is_refused(tmp_path):
    assert output_file(tmp_path, "tale.mp4") == tmp_path / "tale.mp4"
    assert output_file(tmp_path / "rough.mp4", "tale.mp4") == tmp_path / "rough.mp4"
    with pytest.raises(BadInput, match="does not exist") as info:
        output_file(tmp_path / "filmz" / "rough.mp4", "tale.mp4")
    assert f"mkdir -p {tmp_path / 'filmz'}" in info.value.hint
    assert not (tmp_path / "filmz").exists()
    (tmp_path / "notes").write_text("a file")
    with pytest.raises(BadInput, match="is a file, not a folder"):
        output_file(tmp_path / "notes" / "rough.mp4", "tale.mp4")
