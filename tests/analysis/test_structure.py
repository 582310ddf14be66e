"""Chapters in their many shapes, scenes from breaks and time shifts, quotations in all their forms."""

from __future__ import annotations

import pytest

from filmsofone.analysis.chapters import ChapterSplitter, heading_number
from filmsofone.analysis.quotes import QuoteFinder
from filmsofone.analysis.scenes import SceneSegmenter
from filmsofone.analysis.text import paragraphs

BODY = "The wind came off the sea and rattled the shutters of the little house all night long. " * 4


def _chapters(text: str):
    return ChapterSplitter().split(text, 0, len(text))


@pytest.mark.parametrize(
    "headings",
    [
        ["CHAPTER I.", "CHAPTER II.", "CHAPTER III."],
        ["Chapter 1", "Chapter 2", "Chapter 3"],
        ["Chapter One", "Chapter Two", "Chapter Three"],
        ["I.", "II.", "III."],
        ["## Chapter 1", "## Chapter 2", "## Chapter 3"],
    ],
)
def test_chapter_heading_shapes(headings):
    text = "".join(f"{h}\n\n{BODY}\n\n" for h in headings)
    chapters = _chapters(text)
    assert [c.title for c in chapters] == [h.lstrip("# ") for h in headings]
    assert all(text[c.start : c.end].startswith(h) for c, h in zip(chapters, headings))


@pytest.mark.parametrize("headings", [
    ["ONE", "II.", "Chapter the Third", "FOUR", "V."],  # one numbering written in several shapes
    ["ONE", "TWO", "THREE"],
    ["One", "Two", "Three", "Four"],
])
def test_chapter_numbers_in_words_or_in_mixed_shapes(headings):
    text = "THE LEDGER\n\nby Osric Pellow\n\n\n" + "".join(f"{h}\n\n{BODY}\n\n" for h in headings)
    chapters = _chapters(text)
    assert [c.title for c in chapters] == headings
    assert all(text[c.start : c.end].startswith(h) for c, h in zip(chapters, headings))


def test_chapter_numbers_in_words_start_again_in_each_part():
    text = "".join(f"PART {p}\n\n" + "".join(f"{h}\n\n{BODY}\n\n" for h in ("ONE", "TWO")) for p in ("ONE", "TWO"))
    chapters = _chapters(text)
    assert [(c.title, c.part) for c in chapters] == [("ONE", "PART ONE"), ("TWO", "PART ONE"),
                                                      ("ONE", "PART TWO"), ("TWO", "PART TWO")]


def test_sections_numbered_inside_chapters_are_not_chapters():
    text = "".join(f"CHAPTER {n}\n\nI.\n\n{BODY}\n\nII.\n\n{BODY}\n\n" for n in ("I", "II"))
    assert [c.title for c in _chapters(text)] == ["CHAPTER I", "CHAPTER II"]


def test_heading_numbers():
    assert [heading_number(t) for t in ("ONE", "II.", "Chapter the Third", "TWENTY-ONE", "Chapter 7: The Quay",
                                         "XIV", "Chapter Twelfth", "Tolley", "A Story")] == \
        [1, 2, 3, 21, 7, 14, 12, None, None]


def test_ordinal_chapter_headings_past_the_twelfth():
    """The heading pattern and heading_number read one list of number words: "the Thirteenth" is a chapter."""
    text = f"CHAPTER THE TWELFTH\n\n{BODY}\n\nCHAPTER THE THIRTEENTH\n\n{BODY}\n\nChapter the Nineteenth\n\n{BODY}\n"
    assert [c.title for c in _chapters(text)] == ["CHAPTER THE TWELFTH", "CHAPTER THE THIRTEENTH", "Chapter the Nineteenth"]
    assert heading_number("Chapter the Nineteenth") == 19


def test_titled_chapters_book_levels_and_a_table_of_contents():
    text = (
        "CONTENTS\n\nCHAPTER I. The Fog\n\nCHAPTER II. The Quay\n\n"
        f"BOOK ONE\n\nCHAPTER I.\nThe Fog\n\n{BODY}\n\nCHAPTER II.\nThe Quay\n\n{BODY}\n\n"
        f"BOOK TWO\n\nCHAPTER III.\nThe Storm\n\n{BODY}\n"
    )
    chapters = _chapters(text)
    assert [(c.title, c.part) for c in chapters] == [
        ("CHAPTER I. The Fog", "BOOK ONE"),
        ("CHAPTER II. The Quay", "BOOK ONE"),
        ("CHAPTER III. The Storm", "BOOK TWO"),
    ]
    assert text[chapters[0].start :].startswith("BOOK ONE\n\nCHAPTER I.")


def test_a_book_without_headings_is_one_chapter():
    text = f"{BODY}\n\n{BODY}\n"
    (chapter,) = _chapters(text)
    assert (chapter.index, chapter.start, chapter.end) == (1, 0, len(text.rstrip()))


def test_a_prose_line_opening_with_chapter_is_not_a_heading():
    body = "Some words of story here. " * 20
    text = (f"Chapter I: The Inn\n\n{body}\n\nChapter two was missing, so she went back to the first page.\n\n"
            f"{body}\n\nChapter II: The Road\n\n{body}\n")
    chapters = ChapterSplitter().split(text, 0, len(text))
    assert [c.title for c in chapters] == ["Chapter I: The Inn", "Chapter II: The Road"]


def test_scenes_split_at_explicit_breaks_and_time_jumps_but_not_into_slivers():
    long_body = "\n\n".join([BODY] * 4)
    text = (
        f"CHAPTER I.\n\n{long_body}\n\n* * *\n\n{long_body}\n\n#\n\nA short coda.\n\n{long_body}\n\n"
        f"The next morning the fog had gone.\n\n{long_body}\n\nMeanwhile, at sea.\n\n{BODY}\n"
    )
    chapters = _chapters(text)
    scenes = SceneSegmenter().segment(text, chapters)
    starts = [text[s.start : s.start + 20] for s in scenes]
    assert [s.id for s in scenes] == ["1.1", "1.2", "1.3", "1.4"]
    assert starts[1].startswith("The wind") and starts[2].startswith("A short coda")
    assert starts[3].startswith("The next morning")  # "Meanwhile" would leave a sliver: no cut
    assert all(a.end <= b.start for a, b in zip(scenes, scenes[1:]))


def _quotes(text: str):
    return [[text[s:e] for s, e in q.spans] for q in QuoteFinder().find(text, paragraphs(text))]


def test_interrupted_quotation_is_one_quotation_with_two_spans():
    text = '"My dear Mr. Pellow," said his wife to him one evening, "have you heard that\nHollowmere Farm is sold at last?"\n'
    assert _quotes(text) == [["My dear Mr. Pellow,", "have you heard that\nHollowmere Farm is sold at last?"]]


def test_multi_paragraph_speech_is_one_quotation():
    text = (
        "“I will tell you how it was,” said Ada. “First the fog came.\n\n"
        "“Then the lamp went out.\n\n"
        "“And then the ship struck.”\n\nNobody spoke.\n\n“Is that all?”\n"
    )
    quotes = _quotes(text)
    assert quotes[0] == ["I will tell you how it was,", "First the fog came.", "Then the lamp went out.", "And then the ship struck."]
    assert quotes[1] == ["Is that all?"]


def test_nested_quotation_stays_inside_the_outer_one():
    text = "“He wrote, ‘Tell Father I am well,’ and nothing more,” said Ada.\n\n“He said \"prentice\" to me,” said Tom.\n"
    assert _quotes(text) == [["He wrote, ‘Tell Father I am well,’ and nothing more,"], ['He said "prentice" to me,']]


def test_british_single_quote_dialogue_with_apostrophes():
    text = (
        "‘I don’t know,’ said Nell, ‘it’s the Heron’s nest.’\n\n"
        "‘Tisn’t,’ said the Tinker. ‘It’s mine.’\n\n"
        "‘What a windy morning!’ said Nell.\n\n‘Is it?’\n\n‘It is.’\n"
    )
    assert _quotes(text) == [
        ["I don’t know,", "it’s the Heron’s nest."],
        ["Tisn’t,", "It’s mine."],
        ["What a windy morning!"],
        ["Is it?"],
        ["It is."],
    ]


def test_single_quote_dialogue_with_italics_and_a_lost_dash():
    # an opening mark before an italic word; a speech broken off where a plain-text edition dropped the dash
    text = (
        "'_Vite!_ The boat leaves,' said Osric.\n\n"
        "'If the tide turns before we are out '\n\n"
        "'It will not,' said Nell. 'I have watched it for years.'\n\n"
        "'But you ' he began, and stopped. 'The oars are gone.'\n"
    )
    assert _quotes(text) == [
        ["_Vite!_ The boat leaves,"],
        ["If the tide turns before we are out "],
        ["It will not,", "I have watched it for years."],
        ["But you ", "The oars are gone."],
    ]


def test_single_quote_dialogue_with_dialect_elisions_inside():
    # inside a quotation, a mark before a word is an elision (these books nest quotations in double quotes)
    text = (
        "'I'll make a 'prentice of him,' said Osric. 'Is the old 'un in?'\n\n"
        "'Not today,' said Nell. 'Nor tomorrow.'\n"
    )
    assert _quotes(text) == [["I'll make a 'prentice of him,", "Is the old 'un in?"], ["Not today,", "Nor tomorrow."]]


def test_em_dash_dialogue():
    text = (
        "— Come in, — said Ada, — and shut the door.\n\n"
        "— Is it cold out there?\n\n"
        "— Bitter, — said Tom.\n\n"
        "She poked the fire.\n\n"
        "— Then sit down.\n"
    )
    assert _quotes(text) == [["Come in,", "and shut the door."], ["Is it cold out there?"], ["Bitter,"], ["Then sit down."]]
