"""The bible file: comments and order kept, edits survive re-import, errors point at file:line."""

from __future__ import annotations

import pytest

from filmsofone import bible, store
from filmsofone.bible.edit import edit_bible, set_fields, set_locked, working_copy_path
from filmsofone.errors import BibleError
from filmsofone.workspace import Workspace

from .helpers import TEXT, make_analysis, store_book


def _seeded(ws: Workspace):
    analysis = store_book(ws)
    bible.seed_bible(ws, "quills", analysis, TEXT)
    return analysis


def _reimport(ws: Workspace, analysis) -> bible.merge.MergeReport:
    store.save_analysis(ws.project("quills").db_path, analysis, source_path="quills.txt")
    return bible.seed_bible_with_report(ws, "quills", analysis, TEXT)


def test_seeded_file_is_commented_and_lists_the_book(ws: Workspace) -> None:
    _seeded(ws)
    text = ws.bible_path("quills").read_text(encoding="utf-8")
    assert text.startswith("# Cast bible of \"The Quills\"")
    assert "# read-only: found in the book" in text
    cast = bible.load_bible(ws, "quills")
    ada = cast.character("Ada")
    assert ada.aliases == ["Ada"] and ada.role == "major"
    assert [h.text for h in ada.hints] == ["a tall, dark young woman", "with short grey hair", "her grey eyes"]
    for hint in ada.hints:
        assert " ".join(TEXT[hint.start:hint.end].split()) == hint.text
    assert [(s.name, s.interior) for s in cast.settings] == [("the boathouse", True), ("the garden", False)]
    assert set(cast.setting("s1").light) == {"day", "night", "dawn", "dusk"}


def test_user_edits_and_comments_survive_reimport(ws: Workspace) -> None:
    _seeded(ws)
    path = ws.bible_path("quills")
    text = path.read_text(encoding="utf-8").replace(
        "  - id: c2\n", "  # Tom is the elder brother: keep him bald\n  - id: c2\n")
    path.write_text(text, encoding="utf-8")
    set_fields(ws, "quills", "Tom", ["hair=bald", "wardrobe.default=a fisherman's jumper",
                                     "wardrobe.chapters.2=a torn oilskin coat", "age=fifty"])
    changed = make_analysis()
    changed.characters[0].aliases.append("Miss Quill")  # the better analysis finds a new alias
    changed.characters[1].role = "major"
    report = _reimport(ws, changed)
    assert report.conflicts == []
    after = path.read_text(encoding="utf-8")
    assert "# Tom is the elder brother: keep him bald" in after
    assert after.index("version:") < after.index("style:") < after.index("characters:") < after.index("settings:")
    cast = bible.load_bible(ws, "quills")
    tom = cast.character("c2")
    assert (tom.hair, tom.age, tom.role) == ("bald", "fifty", "major")
    assert cast.character("c1").aliases == ["Ada", "Miss Quill"]
    assert bible.identity_text(cast, "c2", scene_id="2.1") == (
        "Tom Quill: fifty, a stout little man, a red beard, bald, wearing a torn oilskin coat")
    assert bible.identity_text(cast, "c2", scene_id="1.1").endswith("wearing a fisherman's jumper")
    assert "# Places: interior or exterior" in after  # section comments stay where they were


def test_a_field_both_sides_changed_is_a_conflict_and_keeps_the_user_value(ws: Workspace) -> None:
    _seeded(ws)
    set_fields(ws, "quills", "Mr. Quill", ["gender=female", "name=Mrs. Quill"])
    changed = make_analysis()
    changed.characters[2].name = "Old Mr. Quill"
    report = _reimport(ws, changed)
    assert len(report.conflicts) == 1 and "name" in report.conflicts[0]
    assert "Old Mr. Quill" in (ws.project("quills").root / "bible.conflicts.txt").read_text()
    assert bible.load_bible(ws, "quills").character("c3").name == "Mrs. Quill"
    # the user's names are carried into the analysis the planner reads
    assert store.load_analysis(ws.project("quills").db_path).character("c3").name == "Mrs. Quill"
    # the next import with the same analysis is quiet: the conflict was reported once
    assert _reimport(ws, changed).conflicts == []


def test_locked_entries_are_not_changed_by_reimport(ws: Workspace) -> None:
    _seeded(ws)
    set_locked(ws, "quills", "Ada")
    changed = make_analysis()
    changed.characters[0].role = "minor"
    _reimport(ws, changed)
    ada = bible.load_bible(ws, "quills").character("Ada")
    assert ada.locked and ada.role == "major"


def test_characters_the_analysis_drops_go_unless_the_user_touched_them(ws: Workspace) -> None:
    _seeded(ws)
    set_fields(ws, "quills", "Tom", ["notes=keep"])
    changed = make_analysis()
    changed.characters = changed.characters[:1]
    report = _reimport(ws, changed)
    names = [c.name for c in bible.load_bible(ws, "quills").characters]
    assert names == ["Ada Quill", "Tom Quill"]
    assert report.removed == ["characters[Mr. Quill]"]


def _db_snapshot(ws: Workspace) -> bytes:
    return store.load_analysis(ws.project("quills").db_path).model_dump_json().encode()


def test_yaml_syntax_error_gives_file_line_column_and_changes_nothing(ws: Workspace) -> None:
    analysis = _seeded(ws)
    path = ws.bible_path("quills")
    broken = path.read_text(encoding="utf-8").replace("    name: Tom Quill\n", "    name: Tom Quill\n  hair: [grey\n")
    path.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("  hair: [grey") + 1
    db_before = _db_snapshot(ws)
    with pytest.raises(BibleError) as error:
        bible.load_bible(ws, "quills")
    assert str(error.value).startswith(f"{path}:")
    reported_line = int(str(error.value).split(":")[1])
    assert abs(reported_line - line) <= 1
    assert error.value.hint
    with pytest.raises(BibleError):  # a re-import never merges into a broken file
        bible.seed_bible(ws, "quills", analysis, TEXT)
    assert path.read_text(encoding="utf-8") == broken
    assert _db_snapshot(ws) == db_before


def test_schema_error_points_at_the_key(ws: Workspace) -> None:
    _seeded(ws)
    path = ws.bible_path("quills")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index("    name: Tom Quill\n")
    lines.insert(at + 1, "    hiar: grey\n")
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(BibleError) as error:
        bible.load_bible(ws, "quills")
    assert str(error.value).startswith(f"{path}:{at + 2}:5: characters.1.hiar: Extra inputs are not permitted")
    assert "spelling" in error.value.hint


def test_edit_keeps_the_users_text_and_installs_only_a_valid_file(ws: Workspace) -> None:
    _seeded(ws)
    path = ws.bible_path("quills")
    original = path.read_bytes()
    db_before = _db_snapshot(ws)
    attempts: list[str] = []

    def editor(file):
        text = file.read_text(encoding="utf-8")
        if not attempts:
            text = text.replace("  fps: 24", "  fps: lots")  # a schema error
        else:
            text = text.replace("  fps: lots", "  fps: 25").replace("name: Tom Quill", "name: Thomas Quill")
        attempts.append(text)
        file.write_text(text, encoding="utf-8")

    errors: list[BibleError] = []
    with pytest.raises(BibleError) as error:
        edit_bible(ws, "quills", editor=editor, reopen=lambda e: errors.append(e) or False)
    assert "style.fps" in str(error.value) and ":" in str(error.value)
    assert path.read_bytes() == original and _db_snapshot(ws) == db_before
    assert working_copy_path(ws, "quills").read_text(encoding="utf-8") == attempts[0]

    cast = edit_bible(ws, "quills", editor=editor, reopen=lambda e: True)  # resumes from the kept text
    assert cast.style.fps == 25 and path.read_text(encoding="utf-8") == attempts[1]
    assert not working_copy_path(ws, "quills").exists()
    assert store.load_analysis(ws.project("quills").db_path).character("c2").name == "Thomas Quill"


def test_set_refuses_bad_values_and_leaves_the_file(ws: Workspace) -> None:
    _seeded(ws)
    path = ws.bible_path("quills")
    before = path.read_bytes()
    with pytest.raises(BibleError) as error:
        set_fields(ws, "quills", "s1", ["light.night.palette=[red]"])
    assert "palette" in str(error.value)
    with pytest.raises(BibleError):
        set_fields(ws, "quills", "Ada", ["role=hero"])
    assert path.read_bytes() == before
    cast = set_fields(ws, "quills", "Ada", ["aliases+=Miss Quill", "seed=42", "locked=true"])
    ada = cast.character("Ada")
    assert ada.aliases == ["Ada", "Miss Quill"] and ada.seed == 42 and ada.locked


def test_entries_the_user_adds_stay_and_entries_the_user_deletes_stay_deleted(ws: Workspace) -> None:
    _seeded(ws)
    path = ws.bible_path("quills")
    text = path.read_text(encoding="utf-8")
    start, end = text.index("  - id: c3\n"), text.index("\n# Places")
    added = "  - id: x1\n    name: The Ferryman\n    aliases: [Charon]\n    physical: a hooded figure\n"
    path.write_text(text[:start] + added + text[end + 1:], encoding="utf-8")  # Mr. Quill deleted, one added
    changed = make_analysis()
    changed.characters[2].role = "major"  # the book changed the deleted one: reported, not resurrected
    report = _reimport(ws, changed)
    cast = bible.load_bible(ws, "quills")
    assert [c.name for c in cast.characters] == ["Ada Quill", "Tom Quill", "The Ferryman"]
    assert cast.character("Charon").physical == "a hooded figure"
    assert report.conflicts == ["characters[Mr. Quill]: you removed it and the book changed it; it stays removed"]


def test_wardrobe_per_chapter_survives_reimport_as_written(ws: Workspace) -> None:
    _seeded(ws)
    set_fields(ws, "quills", "Ada", ["wardrobe.chapters.2=a wet coat", "wardrobe.scenes.1.1=a nightgown"])
    before = ws.bible_path("quills").read_text(encoding="utf-8")
    assert "      chapters:\n        2: a wet coat\n" in before and "        '1.1': a nightgown\n" in before
    assert _reimport(ws, make_analysis()).conflicts == []
    assert ws.bible_path("quills").read_text(encoding="utf-8") == before


def test_edit_opens_a_broken_file_so_the_user_can_fix_it(ws: Workspace) -> None:
    _seeded(ws)
    path = ws.bible_path("quills")
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("  fps: 24", "  fps: [24"), encoding="utf-8")
    with pytest.raises(BibleError):
        bible.load_bible(ws, "quills")
    cast = edit_bible(ws, "quills", editor=lambda f: f.write_text(good, encoding="utf-8"))
    assert cast.style.fps == 24 and path.read_text(encoding="utf-8") == good
