"""Character-list rules that the speaker figures rest on: things are not people, surnames ending in s are
not plurals, professional titles join their one bearer, a Miss and a Mrs. of one surname stay two women."""

import pytest

from filmsofone.analysis.characters import _titled_name

from .stories import analyze_story, speaker_of

STORY = """CHAPTER I.

The Curlew came into the harbour at noon. Tom Hobbes stood on the quay with Mrs. Dunmore and Miss Dunmore,
and Hobbes waved his hat to his cousin, old Mr. Hobbe, who had come to meet the Curlew with him. Mr. Hobbe nodded. "She is late," said Hobbes. "The Curlew is always late."

"Late or not, she is here," said Mrs. Dunmore. Miss Dunmore laughed. "Mother, you are too hard on the Curlew."

"I am never hard," said Mrs. Dunmore. Hobbes looked at the Curlew again; aboard the Curlew a boy was singing.

Mr. Lanyon came down the hill. Doctor Lanyon, as the town called him, had been at the Hobbes house all night.
"Good day, Mr. Hobbes," said Mr. Lanyon. "Good day, Doctor," said Hobbes. The doctor smiled.

"How is the child?" asked Miss Dunmore. "Better," said the doctor. "Much better," said the doctor again.
"I am glad," said Miss Dunmore. "So am I," said the doctor, and Mr. Lanyon went on to the inn. Hobbes and Mr.
Lanyon were old friends; Hobbes said that Lanyon was the best doctor on the coast, and Mrs. Dunmore agreed.
The Grey Heron stalked past. "Oh me!" said the Grey Heron. The Grey Heron was late too.
"""


@pytest.fixture(scope="module")
def analysis():
    return analyze_story(STORY, "s")


def _names(analysis) -> dict[str, set[str]]:
    return {c.name: {c.name, *c.aliases} for c in analysis.characters}


def test_a_ship_always_written_with_the_is_not_a_character(analysis):
    assert not any("Curlew" in names for names in _names(analysis).values())


def test_a_speaking_the_character_stays(analysis):
    assert any("the Grey Heron" in names or "Grey Heron" in names for names in _names(analysis).values())


def test_a_surname_ending_in_s_is_a_person(analysis):
    assert any("Hobbes" in names for names in _names(analysis).values())


def test_the_title_noun_joins_its_one_bearer(analysis):
    lanyon = [names for names in _names(analysis).values() if "Mr. Lanyon" in names]
    assert lanyon and "the doctor" in lanyon[0] and "Doctor Lanyon" in lanyon[0]


def test_a_miss_and_a_mrs_of_one_surname_are_two_women(analysis):
    groups = _names(analysis).values()
    assert not any("Mrs. Dunmore" in names and "Miss Dunmore" in names for names in groups)



def test_a_name_in_a_title_case_heading_is_read_up_to_where_it_parses():
    """"Miss Nell Marden Drive Out in Carriages" (a title-case chapter heading) gives Miss Nell Marden, the
    one place that links "Nell" to "Miss Marden"."""
    name = _titled_name("Miss", "Nell Marden Drive Out")
    assert name is not None and name.surface == "Miss Nell Marden"
    assert _titled_name("Mr", "Pellow").surface == "Mr. Pellow"


def test_a_third_person_story_has_no_narrator_even_under_chapter_i():
    text = "CHAPTER I.\n\nMabel looked out. \"It will rain,\" said Mabel. Mrs. Dunn laughed at Mabel.\n"
    assert not any(c.name == "the narrator" for c in analyze_story(text, "t").characters)


FAMILY = """CHAPTER I.

Ansel Tolley came home late. Tolley hung up his coat and went into the library, where his mother, Mrs.
Tolley, sat with his sister Bessie Tolley. "You are late, Ansel," said Mrs. Tolley. Tolley smiled. "The
opera," said Tolley. Bessie laughed. Tolley sat down by the fire; Tolley was tired.

Henry van der Hoek called the next day with his wife, Mrs. Henry van der Hoek. Mr. van der Hoek was a
tall grave man, and Mrs. Henry van der Hoek was small and pale. "We are so glad," said Mrs. Henry van der
Hoek. "Very glad," said Henry van der Hoek. Tolley bowed to Mr. van der Hoek and to his wife.
Hetty McAllister came in behind them. "Good evening," said Hetty McAllister. Miss McAllister sat by Bessie. Tolley
looked at Miss McAllister, and Henry van der Hoek looked at Tolley. "Well, Tolley," said Mr. van der Hoek.
"""


@pytest.fixture(scope="module")
def family():
    return _names(analyze_story(FAMILY, "family"))


def _group_of(names: dict[str, set[str]], alias: str) -> set[str]:
    found = [group for group in names.values() if alias in group]
    assert found, f"{alias} is no one's name: {names}"
    return found[0]


def test_a_protagonist_called_by_bare_surname_is_the_man_with_the_full_name(family):
    archer = _group_of(family, "Tolley")
    assert "Ansel Tolley" in archer and "Mrs. Tolley" not in archer and "Bessie Tolley" not in archer


def test_two_names_in_one_sentence_are_two_people(family):
    assert "Mrs. Tolley" not in _group_of(family, "Bessie Tolley")


def test_a_wife_under_her_husbands_full_name_is_not_the_husband(family):
    husband = _group_of(family, "Henry van der Hoek")
    assert "Mrs. Henry van der Hoek" not in husband
    assert "van der Hoek" in husband or "Mr. van der Hoek" in husband


def test_surname_particles_and_mc_names_are_read_whole(family):
    assert not any(name.endswith((" van", " der", " Mc")) for group in family.values() for name in group)
    assert "Hetty McAllister" in _group_of(family, "Miss McAllister")


def test_an_animal_called_by_a_capitalised_common_noun_is_a_character():
    text = ("CHAPTER I.\n\nThe spring came to the river bank. \"Hullo!\" said Vole. \"Hullo yourself,\" said Stoaty. "
            "Vole sat down; Stoaty rowed. \"Is it far?\" asked Vole. \"Not far,\" said Stoaty, and Vole looked at "
            "the water, where a little vole of the fields was swimming. Stoaty laughed at Vole.\n")
    names = _names(analyze_story(text, "bank"))
    assert any("Vole" in group for group in names.values()) and any("Stoaty" in group for group in names.values())


def test_miss_and_a_first_name_and_the_bare_first_name_join_the_full_name():
    text = ("CHAPTER I.\n\nMiss Rosamond Thorne sat by the window. Rosamond was crying. \"Do not cry,\" said Miss Rosamond's "
            "friend Kitty Vane. \"I cannot help it,\" said Rosamond. Miss Vane laughed. Rosamond Thorne smiled at last, "
            "and Kitty Vane kissed her.\n")
    names = _names(analyze_story(text, "fair"))
    amelia = [group for group in names.values() if "Rosamond Thorne" in group or "Miss Rosamond Thorne" in group]
    assert amelia and "Rosamond" in amelia[0] and "Miss Rosamond" in amelia[0]


def test_miss_and_the_surname_is_the_eldest_sister_when_another_is_miss_and_her_first_name():
    text = ("CHAPTER I.\n\nMiss Quarle ruled the school. Her sister, Hetty Quarle, kept the accounts. "
            "\"Miss Hetty,\" said Miss Quarle, \"bring the book.\" Miss Hetty brought it. Miss Quarle "
            "frowned. \"Thank you, sister,\" said Miss Quarle. Miss Hetty went out.\n")
    names = _names(analyze_story(text, "school"))
    assert "Miss Quarle" not in _group_of(names, "Miss Hetty")


def test_miss_and_the_surname_is_the_woman_herself_when_nothing_shows_an_elder_sister():
    text = ("CHAPTER I.\n\nHetty Quarle came home in the rain. Miss Quarle shook her cloak at the door. "
            "\"Miss Hetty, you are wet through,\" cried the old nurse. Miss Quarle laughed. The nurse took the cloak. "
            "Miss Quarle sat by the fire, and Miss Quarle read her letters. \"Tea, Miss Hetty?\" asked the nurse. "
            "Miss Quarle nodded. Miss Quarle drank it. Later Miss Quarle went up to bed, and Miss Quarle slept.\n")
    names = _names(analyze_story(text, "rain"))
    assert "Miss Quarle" in _group_of(names, "Miss Hetty")


def test_the_elder_miss_and_the_surname_is_a_sister_though_never_named_beside_the_younger():
    text = ("CHAPTER I.\n\nHetty Quarle came home in the rain. The elder Miss Quarle kept the house. "
            "\"Miss Hetty, you are wet through,\" cried the old nurse. Miss Quarle frowned at the stairs. "
            "\"Tea, Miss Hetty?\" asked the nurse. Miss Quarle rang the bell. Miss Quarle read her letters.\n")
    names = _names(analyze_story(text, "rain"))
    assert "Miss Quarle" not in _group_of(names, "Miss Hetty")


COMMON_WORD_SURNAME = """CHAPTER I.

Christmas was near, and the wind had dropped by evening. Nell Marden waited at the gate, and at dusk Captain
Jasper Christmas came up the path with his bag. “You are late,” said Nell. “The tide,” said Christmas, and he
set the bag down. Nell laughed at him.

“Will you stay the winter?” asked Nell. “If you will have me,” said Christmas. Nell looked at Christmas a long
while. “Christmas is a bad time to travel,” she said. “So it is,” said Captain Christmas, “and I am done with it.”
"""


def test_a_common_word_after_a_title_and_a_first_name_is_a_surname():
    """"Captain Jasper Christmas": the common word is his surname, and "said Christmas" is his (a "Christmas" that
    opens a sentence stays the season)."""
    analysis = analyze_story(COMMON_WORD_SURNAME, "gate")
    captain = _group_of(_names(analysis), "Captain Jasper Christmas")
    assert {"Christmas", "Captain Christmas"} <= captain
    assert speaker_of(analysis, COMMON_WORD_SURNAME, "The tide") == "Captain Jasper Christmas"
    assert speaker_of(analysis, COMMON_WORD_SURNAME, "If you will") == "Captain Jasper Christmas"
    captain = next(c for c in analysis.characters if c.name == "Captain Jasper Christmas")
    assert captain.mentions == 5  # the full name, "Captain Christmas", "Christmas" three times inside sentences


def test_a_common_word_without_a_titled_full_name_is_no_name():
    text = "CHAPTER I.\n\nChristmas was near. “It is cold,” said Nell Marden. Nell laughed. “Christmas,” said Nell, “is cold.”\n"
    names = _names(analyze_story(text, "cold"))
    assert not any("Christmas" in group for group in names.values())
