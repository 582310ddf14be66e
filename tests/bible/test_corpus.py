"""The bible of a real novel from ../shared/corpus/pdnc, imported through `filmsofone import`."""

from __future__ import annotations

import ast
import csv
import shutil
from pathlib import Path

import pytest

from filmsofone import bible, store
from filmsofone.bible.edit import set_fields
from filmsofone.bible.recast import merge_characters, split_character
from filmsofone.books import import_book
from filmsofone.project import load_text
from filmsofone.workspace import Workspace

pytestmark = pytest.mark.corpus
NOVEL = "DaisyMiller"
SLUG = "daisy"


@pytest.fixture(scope="module")
def imported(tmp_path_factory, corpus_dir: Path) -> Workspace:
    source = corpus_dir / "pdnc" / NOVEL / "novel_text.txt"
    if not source.is_file():
        pytest.skip(f"{source} not found")
    ws = Workspace(tmp_path_factory.mktemp("corpus") / "ws").ensure()
    import_book(ws, source, slug=SLUG)
    return ws


@pytest.fixture
def ws(imported: Workspace, tmp_path: Path) -> Workspace:
    """A private copy of the imported workspace, so tests may change it."""
    copy = Workspace(tmp_path / "ws")
    shutil.copytree(imported.root, copy.root)
    return copy


def _gold_names(corpus_dir: Path) -> dict[str, set[str]]:
    """Main name -> aliases of the novel's major characters, from the corpus annotations."""
    names = {}
    with open(corpus_dir / "pdnc" / NOVEL / "character_info.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Category"] == "major":
                names[row["Main Name"]] = set(ast.literal_eval(row["Aliases"]))
    return names


def test_bible_lists_characters_with_aliases_settings_and_hints(imported: Workspace, corpus_dir: Path) -> None:
    cast = bible.load_bible(imported, SLUG)
    text = load_text(imported, SLUG)
    for main, aliases in _gold_names(corpus_dir).items():
        found = [c for c in cast.characters if {c.name, *c.aliases} & aliases]
        assert found, f"{main} is not in the bible"
    gold_daisy = _gold_names(corpus_dir)["Daisy Miller"]
    daisy = cast.character("Daisy")
    assert daisy.aliases and {daisy.name, *daisy.aliases} <= gold_daisy | {"Miss Daisy Miller"}
    assert sum(1 for c in cast.characters if c.aliases) >= 5
    assert {"Rome", "Geneva"} <= {s.name for s in cast.settings}
    assert any(s.interior is True for s in cast.settings) and any(s.interior is False for s in cast.settings)
    described = [s for s in cast.settings if s.hints]
    assert described and all(s.description == s.hints[0].text for s in described)
    with_hints = [c for c in cast.characters if c.hints] + described
    assert len(with_hints) >= 4
    assert any("face" in h.text for h in daisy.hints)
    for character in with_hints:
        for hint in character.hints:
            assert " ".join(text[hint.start:hint.end].split()) == hint.text
    assert bible.identity_text(cast, daisy.id) == bible.identity_text(bible.load_bible(imported, SLUG), daisy.id)
    raw = imported.bible_path(SLUG).read_text(encoding="utf-8")
    assert raw.startswith("# Cast bible of") and "# read-only: found in the book" in raw


def test_edits_survive_reimport(ws: Workspace) -> None:
    source = Path(_source(ws))
    set_fields(ws, SLUG, "Daisy", ["hair=dark curls under a straw hat", "wardrobe.default=a white muslin dress"])
    path = ws.bible_path(SLUG)
    path.write_text(path.read_text(encoding="utf-8").replace("\nsettings:\n", "\n# my notes on places\nsettings:\n"),
                    encoding="utf-8")
    import_book(ws, source, slug=SLUG)
    cast = bible.load_bible(ws, SLUG)
    daisy = cast.character("Daisy")
    assert daisy.hair == "dark curls under a straw hat"
    assert daisy.wardrobe.default == "a white muslin dress"
    assert "# my notes on places\nsettings:" in path.read_text(encoding="utf-8")
    assert daisy.hints  # the read-only hints are written again


def _source(ws: Workspace) -> str:
    with store.session_for(ws.project(SLUG).db_path) as session:
        return store.load_book(session).source_path


def test_merge_and_split_fix_the_analysis_and_undo_exactly(ws: Workspace, corpus_dir: Path) -> None:
    db = ws.project(SLUG).db_path
    before = store.load_analysis(db)
    daisy = before.character(bible.load_bible(ws, SLUG).character("Daisy Miller").id)
    gold = _gold_names(corpus_dir)["Daisy Miller"]
    # a character the analysis kept apart from Daisy though the annotations say it is her (one of her aliases);
    # should the analysis ever join them all, any other character exercises the same code
    apart = [c for c in before.characters if c.id != daisy.id and {c.name, *c.aliases} <= gold]
    other = (apart or [c for c in before.characters if c.id != daisy.id])[0]
    spoken = [q.id for q in before.quotes if q.speaker == other.id]

    report = merge_characters(ws, SLUG, daisy.name, other.name)
    after = store.load_analysis(db)
    assert other.id not in {c.id for c in after.characters}
    assert other.name in after.character(daisy.id).aliases
    assert sorted(report.quotes) == sorted(spoken)
    assert all(q.speaker == daisy.id for q in after.quotes if q.id in spoken)
    assert all(other.id not in s.characters for s in after.scenes)

    split_character(ws, SLUG, daisy.name, [other.name])
    assert store.load_analysis(db) == before
