"""cast merge / cast split: the analysis, the shots and the bible follow, and the inverse restores them."""

from __future__ import annotations

import pytest

from filmsofone import bible, store
from filmsofone.bible.recast import merge_characters, split_character
from filmsofone.errors import UserError
from filmsofone.models import InFrame, Shot
from filmsofone.workspace import Workspace

from .helpers import TEXT, store_book


def _with_shots(ws: Workspace) -> None:
    analysis = store_book(ws)
    bible.seed_bible(ws, "quills", analysis, TEXT)
    db = ws.project("quills").db_path
    store.save_shots(db, "2.1", [
        Shot(id="2.1-001", scene="2.1", order=1, characters=[InFrame(character="c3", position="left"),
                                                              InFrame(character="c2", position="right")]),
        Shot(id="2.1-002", scene="2.1", order=2, characters=[InFrame(character="c1")]),
    ])


def _state(ws: Workspace):
    db = ws.project("quills").db_path
    return store.load_analysis(db), store.load_shots(db), ws.bible_path("quills").read_text(encoding="utf-8")


def test_merge_moves_quotes_scenes_shots_and_bible_and_split_restores_them(ws: Workspace) -> None:
    _with_shots(ws)
    analysis0, shots0, bible0 = _state(ws)

    report = merge_characters(ws, "quills", "Tom", "Mr. Quill")
    assert (report.kept, report.other, report.quotes, report.scenes) == ("c2", "c3", ["q3"], ["2.1"])
    analysis, shots, _ = _state(ws)
    assert [c.id for c in analysis.characters] == ["c1", "c2"]
    assert analysis.character("c2").aliases == ["Tom", "Mr. Quill"]
    assert analysis.character("c2").mentions == 4
    assert [q.speaker for q in analysis.quotes] == ["c1", "c2", "c2", "c1"]
    assert analysis.scene("2.1").characters == ["c1", "c2"]
    assert [f.character for f in shots[0].characters] == ["c2"]  # one figure per character in frame
    cast = bible.load_bible(ws, "quills")
    assert [c.name for c in cast.characters] == ["Ada Quill", "Tom Quill"]
    assert cast.character("Mr. Quill").id == "c2"

    undo = split_character(ws, "quills", "Tom Quill", ["Mr. Quill"])
    assert undo.restored and undo.quotes == ["q3"]
    assert _state(ws) == (analysis0, shots0, bible0)


def test_merge_survives_reimport(ws: Workspace) -> None:
    _with_shots(ws)
    merge_characters(ws, "quills", "c2", "c3")
    fresh = store_book(ws)  # the analysis as a re-import makes it: the two are apart again
    assert bible.seed_bible_with_report(ws, "quills", fresh, TEXT).conflicts == []
    stored = store.load_analysis(ws.project("quills").db_path)
    assert [c.id for c in stored.characters] == ["c1", "c2"]
    assert stored.quotes[2].speaker == "c2"
    assert [c.name for c in bible.load_bible(ws, "quills").characters] == ["Ada Quill", "Tom Quill"]


def test_split_of_a_wrong_join_reattributes_by_the_nearest_name(ws: Workspace) -> None:
    _with_shots(ws)
    merge_characters(ws, "quills", "Ada Quill", "Tom Quill")  # a wrong join, as a weak analysis makes
    store.save_analysis(ws.project("quills").db_path, store.load_analysis(ws.project("quills").db_path),
                        source_path="quills.txt")
    (ws.project("quills").root / "recast.json").unlink()  # forget the record: a split must work from the text
    report = split_character(ws, "quills", "Ada Quill", ["Tom Quill", "Tom"], new_name="Tom Quill")
    assert not report.restored
    analysis = store.load_analysis(ws.project("quills").db_path)
    tom = analysis.character(report.other)
    assert (tom.name, tom.aliases) == ("Tom Quill", ["Tom"])
    assert analysis.character("c1").aliases == ["Ada"]
    assert [q.speaker for q in analysis.quotes] == ["c1", report.other, "c3", "c1"]
    assert report.other in analysis.scene("1.1").characters
    entry = bible.load_bible(ws, "quills").character("Tom")
    assert entry.id == report.other and [h.text for h in entry.hints] == ["a stout little man", "with a red beard"]


def test_a_split_leaves_the_character_the_mentions_the_text_gives_its_remaining_names(ws: Workspace) -> None:
    _with_shots(ws)
    db = ws.project("quills").db_path
    analysis = store.load_analysis(db)
    analysis.character("c1").aliases.append("I")  # a narrator's "I", never counted among the mentions
    store.save_analysis(db, analysis, source_path="quills.txt")
    report = split_character(ws, "quills", "Ada Quill", ["I"])
    after = store.load_analysis(db)
    assert after.character(report.other).mentions == 2  # 'I know,' ... 'I' of the text
    assert after.character("c1").mentions == 3  # "Ada Quill", "Ada", "Ada Quill": not 3 - 2


def test_recast_mistakes_are_user_errors(ws: Workspace) -> None:
    _with_shots(ws)
    with pytest.raises(UserError, match="already one character"):
        merge_characters(ws, "quills", "Ada", "Ada Quill")
    with pytest.raises(UserError, match="no character called 'Zed'"):
        merge_characters(ws, "quills", "Ada", "Zed")
    with pytest.raises(UserError, match="is not a name of"):
        split_character(ws, "quills", "Ada", ["Tom"])


def test_split_survives_reimport(ws: Workspace) -> None:
    _with_shots(ws)
    report = split_character(ws, "quills", "Ada Quill", ["Ada"], new_name="Ada")
    fresh = store_book(ws)  # a re-import: Ada and Ada Quill are one again in the fresh analysis
    assert bible.seed_bible_with_report(ws, "quills", fresh, TEXT).conflicts == []
    stored = store.load_analysis(ws.project("quills").db_path)
    assert [(c.id, c.name) for c in stored.characters][:2] == [("c1", "Ada Quill"), (report.other, "Ada")]
    assert stored.quotes[0].speaker == report.other
    assert [c.name for c in bible.load_bible(ws, "quills").characters][:2] == ["Ada Quill", "Ada"]
