"""The planner on real novels from ../shared/corpus/pdnc (skipped when the corpus is absent).

Two routes: a chapter (and a whole short novel) through the real import path, and whole novels built from
PDNC's gold annotations (quotations with speakers), so the film grammar is checked at scale even where
the automatic analysis is imperfect.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import pytest
from screenplain.parsers import fountain as fountain_parser
from screenplain.types import Dialog, Slug

from filmsofone import store
from filmsofone.adapt import adapt, adapt_book
from filmsofone.books import import_book
from filmsofone.models import BookAnalysis, BookInfo, Chapter, Character, Quote, Scene, Shot
from filmsofone.plan import plan_book, plan_scene
from filmsofone.plan.export import export_shotlist, fountain

from .conftest import whole

pytestmark = pytest.mark.corpus


def _pdnc(corpus_dir: Path, folder: str) -> Path:
    path = corpus_dir / "pdnc" / folder
    if not (path / "novel_text.txt").is_file():
        pytest.skip(f"{path} not found")
    return path


def gold_analysis(folder: Path) -> tuple[BookAnalysis, str]:
    """A BookAnalysis from PDNC's gold files: chapters at 'CHAPTER' headings, one scene per chapter."""
    text = (folder / "novel_text.txt").read_text(encoding="utf-8")
    heads = [m.start() for m in re.finditer(r"^CHAPTER [IVXLC\d]+\b.*$", text, re.M | re.I)] or [0]
    heads[0] = 0  # any front matter belongs to the first chapter
    chapters, scenes = [], []
    for n, start in enumerate(heads, 1):
        end = heads[n] if n < len(heads) else len(text)
        chapters.append(Chapter(index=n, title=text[start:text.find("\n", start)], start=start, end=end))
        scenes.append(Scene(id=f"{n}.1", chapter=n, start=start, end=end))
    characters, by_name = [], {}
    with (folder / "character_info.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            cid = f"c{len(characters) + 1}"
            aliases = sorted(set(ast.literal_eval(row["Aliases"])) - {row["Main Name"]})
            characters.append(Character(id=cid, name=row["Main Name"], aliases=aliases))
            by_name[row["Main Name"]] = cid
    quotes = []
    with (folder / "quotation_info.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            spans = [tuple(s) for s in ast.literal_eval(row["quoteByteSpans"])]
            scene = next(s for s in scenes if s.start <= spans[0][0] < s.end)
            quotes.append(Quote(id=f"q{len(quotes) + 1}", spans=spans, speaker=by_name.get(row["speaker"]),
                                scene=scene.id))
    for scene in scenes:
        speakers = {q.speaker for q in quotes if q.scene == scene.id and q.speaker}
        body = text[scene.start:scene.end]
        named = {c.id for c in characters if any(re.search(rf"\b{re.escape(n)}\b", body) for n in [c.name, *c.aliases])}
        scene.characters = [c.id for c in characters if c.id in speakers | named]
    info = BookInfo(slug=folder.name.lower(), title=folder.name, source_sha256="0" * 64, chars=len(text))
    return BookAnalysis(book=info, chapters=chapters, scenes=scenes, characters=characters, settings=[],
                        quotes=quotes), text


def check_grammar(analysis: BookAnalysis, shots_by_scene: dict[str, list[Shot]], adaptation=None) -> None:
    """The four properties the issue asks for, on any analysis (every line the adaptation keeps is shot)."""
    quotes = {q.id: q for q in analysis.quotes}
    spoken = {q for shots in shots_by_scene.values() for s in shots for q in s.dialogue}
    if adaptation is None:
        assert {q.id for q in analysis.quotes if q.scene in shots_by_scene} <= spoken
    else:
        assert {b.quote for s in adaptation.scenes for b in s.beats if b.kind == "dialogue"} == spoken
    singles = 0
    for scene in analysis.scenes:
        shots = shots_by_scene.get(scene.id, [])
        for shot in shots:
            assert {f.character for f in shot.characters} <= set(scene.characters), shot.id
            if shot.notes.startswith("single"):
                singles += 1
                assert shot.characters[0].character == quotes[shot.dialogue[0]].speaker, shot.id
        if shots:
            assert shots[0].notes == "establishing", scene.id  # every scene opens on its place
    assert singles > 0


def _alternating_runs(analysis: BookAnalysis, shots: list[Shot]) -> int:
    """Count exchanges where consecutive singles cut from one speaker to the other and back."""
    quotes = {q.id: q for q in analysis.quotes}
    runs, previous = 0, []
    for shot in shots:
        if shot.notes.startswith("single") and "(part" not in shot.notes:
            previous.append(quotes[shot.dialogue[0]].speaker)
            if len(previous) >= 3 and previous[-1] == previous[-3] != previous[-2]:
                runs += 1
        elif not shot.notes.startswith(("reaction", "cutaway")):
            previous = []
    return runs


def test_chapter_through_the_import_path(ws, corpus_dir):
    folder = _pdnc(corpus_dir, "PrideAndPrejudice")
    text = (folder / "novel_text.txt").read_text(encoding="utf-8")
    end = text.index("CHAPTER IV.")
    book = ws.books_dir / "pride-chapters.txt"
    book.write_text("Pride and Prejudice\n\n" + text[:end], encoding="utf-8")
    analysis = import_book(ws, book, slug="pride")
    planned = plan_book(ws, "pride")
    assert analysis.quotes and set(planned) == {s.id for s in analysis.scenes}
    check_grammar(analysis, planned, adapt(ws, "pride"))


PDNC_NOVELS = ("ARoomWithAView", "AlicesAdventuresInWonderland", "DaisyMiller", "OliverTwist", "PrideAndPrejudice",
               "TheAwakening", "TheInvisibleMan", "TheSignOfTheFour")


@pytest.mark.parametrize("name", PDNC_NOVELS)
def test_whole_novels_from_gold_annotations(corpus_dir, name):
    analysis, text = gold_analysis(_pdnc(corpus_dir, name))
    adapted = whole(analysis, text)
    planned = {s.id: plan_scene(analysis, adapted.scene(s.id)) for s in analysis.scenes}
    check_grammar(analysis, planned, adapted)
    assert sum(_alternating_runs(analysis, shots) for shots in planned.values()) >= 10
    for scene in analysis.scenes:  # no over-splitting: shots stay proportional to the text
        words = len(text[scene.start:scene.end].split())
        assert len(planned[scene.id]) <= words / 6 + 4, scene.id
    adaptation = adapt_book(analysis, text)
    elements = list(fountain_parser.parse(io.StringIO(fountain(analysis, text, adaptation))))
    assert sum(isinstance(e, Slug) for e in elements) == len(adaptation.kept_ids()) > 0


def test_whole_novel_fountain_through_the_import_path(ws, corpus_dir, tmp_path):
    folder = _pdnc(corpus_dir, "DaisyMiller")
    book = ws.books_dir / "daisy.txt"
    book.write_text((folder / "novel_text.txt").read_text(encoding="utf-8"), encoding="utf-8")
    import_book(ws, book, slug="daisy")
    plan_book(ws, "daisy")
    shots = store.load_shots(ws.project("daisy").db_path)
    out = export_shotlist(ws, "daisy", "fountain", tmp_path / "daisy.fountain")
    with out.open(encoding="utf-8") as stream:
        elements = list(fountain_parser.parse(stream))
    assert sum(isinstance(e, Slug) for e in elements) == len({s.scene for s in shots})
    assert sum(isinstance(e, Dialog) for e in elements) <= len({q for s in shots for q in s.dialogue})
