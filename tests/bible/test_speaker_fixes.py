"""`filmsofone speakers`: unsure lines listed least sure first, a speaker fixed by hand, the fix kept on re-import."""

from __future__ import annotations

import json

import pytest

from filmsofone import bible, store
from filmsofone.bible.speaker_fixes import (
    fix_speaker,
    fixes_path,
    is_unsure,
    unsure_lines,
)
from filmsofone.errors import UserError
from filmsofone.workspace import Workspace

from .helpers import TEXT, make_analysis, run_cli, store_book


def _book_with_confidences(ws: Workspace):
    analysis = make_analysis()
    for quote, (method, confidence) in zip(analysis.quotes, [("explicit", 0.95), ("turn-taking", 0.3),
                                                              ("nearby", 0.2), ("explicit", 0.9)]):
        quote.method, quote.confidence = method, confidence
    analysis.quotes[0].speaker = None
    project = ws.project("quills").ensure()
    project.text_path.write_text(TEXT, encoding="utf-8")
    store.save_analysis(project.db_path, analysis, source_path="quills.txt")
    return analysis


def test_unsure_lines_come_least_sure_first_with_the_text_before_them(ws: Workspace) -> None:
    analysis = _book_with_confidences(ws)
    lines = unsure_lines(analysis, TEXT, limit=3)
    assert [line.quote for line in lines] == ["q1", "q3", "q2"]  # nobody found first, then 0.2, then 0.3
    assert lines[1].line == "Where is she?" and lines[1].before.endswith("His old coat was torn.")
    assert [is_unsure(q) for q in analysis.quotes] == [True, True, True, False]


def test_a_fixed_speaker_is_stored_recorded_and_survives_reimport(ws: Workspace) -> None:
    _book_with_confidences(ws)
    quote, name = fix_speaker(ws, "quills", "q3", "tom")
    assert (quote.speaker, quote.method, quote.confidence, name) == ("c2", "user", 1.0, "Tom Quill")
    stored = store.load_analysis(ws.project("quills").db_path)
    assert stored.quotes[2].speaker == "c2" and not is_unsure(stored.quotes[2])
    assert json.loads(fixes_path(ws, "quills").read_text())["fixes"][0]["character"] == "Tom Quill"

    fresh = store_book(ws)  # the analysis as a re-import makes it: Mr. Quill says it again
    assert fresh.quotes[2].speaker == "c3"
    bible.seed_bible_with_report(ws, "quills", fresh, TEXT)
    again = store.load_analysis(ws.project("quills").db_path)
    assert (again.quotes[2].speaker, again.quotes[2].method) == ("c2", "user")
    assert [q.speaker for q in again.quotes] == ["c1", "c2", "c2", "c1"]


def test_a_fix_follows_its_line_when_the_text_moves_and_is_skipped_when_it_is_gone(ws: Workspace) -> None:
    _book_with_confidences(ws)
    fix_speaker(ws, "quills", "q3", "Ada")
    moved = TEXT.replace("CHAPTER I.\n", "CHAPTER I.\n\nA line the new edition adds at the start.\n")
    fresh = store_book(ws, text=moved)
    bible.seed_bible_with_report(ws, "quills", fresh, moved)
    assert store.load_analysis(ws.project("quills").db_path).quotes[2].speaker == "c1"

    fresh = make_analysis()
    fresh.quotes = [q for q in fresh.quotes if q.id != "q3"]  # the new analysis no longer finds that line
    bible.seed_bible_with_report(ws, "quills", fresh, TEXT)
    assert [q.speaker for q in fresh.quotes] == ["c1", "c2", "c1"]


def test_fixing_an_unknown_line_or_character_is_a_user_error(ws: Workspace) -> None:
    _book_with_confidences(ws)
    with pytest.raises(UserError, match="no quotation 'q99'"):
        fix_speaker(ws, "quills", "q99", "Ada")
    with pytest.raises(UserError, match="no character called 'Nobody'"):
        fix_speaker(ws, "quills", "q2", "Nobody")
    assert not fixes_path(ws, "quills").exists()


def test_the_command_lists_and_fixes(capsys, ws: Workspace) -> None:
    _book_with_confidences(ws)
    code, out, _ = run_cli(capsys, "--workspace", str(ws.root), "speakers", "quills", "--limit", "2")
    assert code == 0
    assert out.index("q1") < out.index("q3") and "q2 " not in out and "Where is she?" in out
    code, out, _ = run_cli(capsys, "--workspace", str(ws.root), "speakers", "quills", "--fix", "q3", "Tom Quill")
    assert code == 0 and "q3: now said by Tom Quill" in out
    assert store.load_analysis(ws.project("quills").db_path).quotes[2].speaker == "c2"


@pytest.mark.parametrize("argv, needle", [
    (["speakers", "quills", "--fix", "q99", "Ada"], "no quotation 'q99'"),
    (["speakers", "quills", "--fix", "q2", "Nobody"], "no character called 'Nobody'"),
    (["speakers", "quills", "--limit", "0"], "--limit must be at least 1"),
    (["speakers", "nope"], "no imported book 'nope'"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, ws: Workspace, argv, needle) -> None:
    _book_with_confidences(ws)
    code, out, err = run_cli(capsys, "--workspace", str(ws.root), *argv)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and needle in lines[0], err
    assert "Traceback" not in out + err


def test_the_screening_room_marks_unsure_lines(ws: Workspace) -> None:
    from filmsofone.models import Shot
    from filmsofone.watch import render
    from filmsofone.watch.room import gather

    _book_with_confidences(ws)
    store.save_shots(ws.project("quills").db_path, "2.1", [
        Shot(id="2.1-001", scene="2.1", order=1, dialogue=["q3"]),
        Shot(id="2.1-002", scene="2.1", order=2, dialogue=["q4"]),
    ])
    room = gather(ws, "quills")
    shots = {s.id: s for scene in room.scenes for s in scene.shots}
    assert shots["2.1-001"].unsure == ["Where is she?"] and shots["2.1-002"].unsure == []
    page = render(room)
    assert page.count('class="unsure-mark"') == 1 and "filmsofone speakers quills" in page
    fix_speaker(ws, "quills", "q3", "Ada")
    assert 'class="unsure-mark"' not in render(gather(ws, "quills"))
