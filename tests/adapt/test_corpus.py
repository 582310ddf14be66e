"""The offline adaptation of real novels (../shared/corpus/pdnc; skipped when absent): every PDNC novel from
its gold annotations, and one novel through the real import path. bench/adapt_check.py prints the figures."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from screenplain.parsers import fountain as fountain_parser
from screenplain.types import Slug

from filmsofone import books, project
from filmsofone.adapt import adapt, adapt_book
from filmsofone.adapt.checks import interior_share, tagged_actions, uncast_majors, unverbatim_lines
from filmsofone.plan import plan_book
from filmsofone.plan.export import fountain
from plan.test_corpus import PDNC_NOVELS, _pdnc, gold_analysis

pytestmark = pytest.mark.corpus


def check(analysis, text, adaptation) -> None:
    assert abs(adaptation.total_seconds - adaptation.target_seconds) <= 0.1 * adaptation.target_seconds
    assert not uncast_majors(analysis, adaptation)
    assert not tagged_actions(adaptation)
    assert not unverbatim_lines(analysis, text, adaptation)
    interior, sentences = interior_share(adaptation)
    assert sentences > 0 and interior <= 0.05 * sentences
    elements = list(fountain_parser.parse(io.StringIO(fountain(analysis, text, adaptation))))
    assert sum(isinstance(e, Slug) for e in elements) == len(adaptation.kept_ids())


@pytest.mark.parametrize("name", PDNC_NOVELS)
def test_novels_from_gold_annotations(corpus_dir, name):
    analysis, text = gold_analysis(_pdnc(corpus_dir, name))
    talkers = Counter(q.speaker for q in analysis.quotes if q.speaker)
    for character in analysis.characters:  # the three most talkative are the major characters
        character.role = "major" if character.id in dict(talkers.most_common(3)) else "minor"
    adaptation = adapt_book(analysis, text)
    assert 100 * 60 <= adaptation.target_seconds <= 130 * 60 or len(text.split()) < 40_000
    check(analysis, text, adaptation)


def test_a_novel_through_the_import_path(ws, corpus_dir):
    folder = _pdnc(corpus_dir, "DaisyMiller")
    book = ws.books_dir / "daisy.txt"
    book.write_text((folder / "novel_text.txt").read_text(encoding="utf-8"), encoding="utf-8")
    analysis = books.import_book(ws, book, slug="daisy")
    adaptation = adapt(ws, "daisy")
    text = project.load_text(ws, "daisy")
    check(analysis, text, adaptation)
    planned = plan_book(ws, "daisy")
    film = sum(s.duration for shots in planned.values() for s in shots)
    assert abs(film - adaptation.target_seconds) <= 0.1 * adaptation.target_seconds
