"""bench/quote_styles.py on text written for this test: marks set by their order in each paragraph, apostrophes
restyled, offsets unchanged, and the restyled text read by the analysis' quotation finder into the same spans."""

import importlib.util
from pathlib import Path

import pytest

from filmsofone.analysis.quotes import QuoteFinder
from filmsofone.analysis.text import paragraphs

BENCH = Path(__file__).resolve().parents[2] / "bench"
TEXT = (
    '"Is it far?" asked Nell. "Osric\'s boat is small."\n\n'
    '"Not far," said Osric. "Past the mill\n\n'
    '"and round the point."\n\n'
    'He pushed off. "If the tide turns before we are out "\n\n"It won\'t."\n'
)


@pytest.fixture(scope="module")
def qs():
    spec = importlib.util.spec_from_file_location("quote_styles", BENCH / "quote_styles.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _spans(text: str):
    return [q.spans for q in QuoteFinder().find(text, paragraphs(text))]


def test_marks_follow_their_order_in_the_paragraph(qs):
    curly = qs.restyle(TEXT, "curly-double")
    assert curly.startswith("\u201cIs it far?\u201d asked Nell. \u201cOsric\u2019s boat")
    assert "\u201cPast the mill\n\n\u201cand round the point.\u201d" in curly  # a speech over two paragraphs
    assert "before we are out \u201d\n\n\u201cIt won\u2019t.\u201d" in curly
    assert len(curly) == len(TEXT)


@pytest.mark.parametrize("style", ["single", "curly-double", "curly-single"])
def test_every_style_reads_into_the_same_quotations(qs, style):
    assert _spans(qs.restyle(TEXT, style)) == _spans(TEXT)


def test_write_style_copies_each_novel_folder(qs, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "Novel").mkdir(parents=True)
    (corpus / "Novel" / "novel_text.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "Novel" / "quotation_info.csv").write_text("quoteID\n", encoding="utf-8")
    (corpus / "notes.txt").write_text("not a novel", encoding="utf-8")
    written = qs.write_style(corpus, tmp_path / "out", "single")
    assert written == [tmp_path / "out" / "single" / "Novel"]
    assert (written[0] / "quotation_info.csv").read_text(encoding="utf-8") == "quoteID\n"
    assert (written[0] / "novel_text.txt").read_text(encoding="utf-8").startswith("'Is it far?' asked Nell. 'Osric's boat")
