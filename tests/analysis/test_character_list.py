"""Character-list rules that the speaker figures rest on: things are not people, surnames ending in s are
not plurals, professional titles join their one bearer, a Miss and a Mrs. of one surname stay two women."""

import pytest

from filmsofone.analysis.characters import _titled_name

from .stories import analyze_story

STORY = """CHAPTER I.

The Curlew came into the harbour at noon. Tom Sikes stood on the quay with Mrs. Dunmore and Miss Dunmore,
and Sikes waved his hat to his cousin, old Mr. Sike, who had come to meet the Curlew with him. Mr. Sike nodded. "She is late," said Sikes. "The Curlew is always late."

"Late or not, she is here," said Mrs. Dunmore. Miss Dunmore laughed. "Mother, you are too hard on the Curlew."

"I am never hard," said Mrs. Dunmore. Sikes looked at the Curlew again; aboard the Curlew a boy was singing.

Mr. Lanyon came down the hill. Doctor Lanyon, as the town called him, had been at the Sikes house all night.
"Good day, Mr. Sikes," said Mr. Lanyon. "Good day, Doctor," said Sikes. The doctor smiled.

"How is the child?" asked Miss Dunmore. "Better," said the doctor. "Much better," said the doctor again.
"I am glad," said Miss Dunmore. "So am I," said the doctor, and Mr. Lanyon went on to the inn. Sikes and Mr.
Lanyon were old friends; Sikes said that Lanyon was the best doctor on the coast, and Mrs. Dunmore agreed.
The White Rabbit ran past. "Oh dear!" said the White Rabbit. The White Rabbit was late too.
"""


@pytest.fixture(scope="module")
def analysis():
    return analyze_story(STORY, "s")


def _names(analysis) -> dict[str, set[str]]:
    return {c.name: {c.name, *c.aliases} for c in analysis.characters}


def test_a_ship_always_written_with_the_is_not_a_character(analysis):
    assert not any("Curlew" in names for names in _names(analysis).values())


def test_a_speaking_the_character_stays(analysis):
    assert any("the White Rabbit" in names or "White Rabbit" in names for names in _names(analysis).values())


def test_a_surname_ending_in_s_is_a_person(analysis):
    assert any("Sikes" in names for names in _names(analysis).values())


def test_the_title_noun_joins_its_one_bearer(analysis):
    lanyon = [names for names in _names(analysis).values() if "Mr. Lanyon" in names]
    assert lanyon and "the doctor" in lanyon[0] and "Doctor Lanyon" in lanyon[0]


def test_a_miss_and_a_mrs_of_one_surname_are_two_women(analysis):
    groups = _names(analysis).values()
    assert not any("Mrs. Dunmore" in names and "Miss Dunmore" in names for names in groups)



def test_a_name_in_a_title_case_heading_is_read_up_to_where_it_parses():
    """"Miss Lucy Honeychurch Drive Out in Carriages" (a title-case chapter heading) gives Miss Lucy
    Honeychurch, the one place that links "Lucy" to "Miss Honeychurch"."""
    name = _titled_name("Miss", "Lucy Honeychurch Drive Out")
    assert name is not None and name.surface == "Miss Lucy Honeychurch"
    assert _titled_name("Mr", "Bennet").surface == "Mr. Bennet"


def test_a_third_person_story_has_no_narrator_even_under_chapter_i():
    text = "CHAPTER I.\n\nMabel looked out. \"It will rain,\" said Mabel. Mrs. Dunn laughed at Mabel.\n"
    assert not any(c.name == "the narrator" for c in analyze_story(text, "t").characters)


FAMILY = """CHAPTER I.

Newland Archer came home late. Archer hung up his coat and went into the library, where his mother, Mrs.
Archer, sat with his sister Janey Archer. "You are late, Newland," said Mrs. Archer. Archer smiled. "The
opera," said Archer. Janey laughed. Archer sat down by the fire; Archer was tired.

Henry van der Luyden called the next day with his wife, Mrs. Henry van der Luyden. Mr. van der Luyden was a
tall grave man, and Mrs. Henry van der Luyden was small and pale. "We are so glad," said Mrs. Henry van der
Luyden. "Very glad," said Henry van der Luyden. Archer bowed to Mr. van der Luyden and to his wife.
Sallie McBride came in behind them. "Good evening," said Sallie McBride. Miss McBride sat by Janey. Archer
looked at Miss McBride, and Henry van der Luyden looked at Archer. "Well, Archer," said Mr. van der Luyden.
"""


@pytest.fixture(scope="module")
def family():
    return _names(analyze_story(FAMILY, "family"))


def _group_of(names: dict[str, set[str]], alias: str) -> set[str]:
    found = [group for group in names.values() if alias in group]
    assert found, f"{alias} is no one's name: {names}"
    return found[0]


def test_a_protagonist_called_by_bare_surname_is_the_man_with_the_full_name(family):
    archer = _group_of(family, "Archer")
    assert "Newland Archer" in archer and "Mrs. Archer" not in archer and "Janey Archer" not in archer


def test_two_names_in_one_sentence_are_two_people(family):
    assert "Mrs. Archer" not in _group_of(family, "Janey Archer")


def test_a_wife_under_her_husbands_full_name_is_not_the_husband(family):
    husband = _group_of(family, "Henry van der Luyden")
    assert "Mrs. Henry van der Luyden" not in husband
    assert "van der Luyden" in husband or "Mr. van der Luyden" in husband


def test_surname_particles_and_mc_names_are_read_whole(family):
    assert not any(name.endswith((" van", " der", " Mc")) for group in family.values() for name in group)
    assert "Sallie McBride" in _group_of(family, "Miss McBride")


def test_an_animal_called_by_a_capitalised_common_noun_is_a_character():
    text = ("CHAPTER I.\n\nThe spring came to the river bank. \"Hullo!\" said Mole. \"Hullo yourself,\" said Ratty. "
            "Mole sat down; Ratty rowed. \"Is it far?\" asked Mole. \"Not far,\" said Ratty, and Mole looked at "
            "the water, where a little mole of the fields was swimming. Ratty laughed at Mole.\n")
    names = _names(analyze_story(text, "bank"))
    assert any("Mole" in group for group in names.values()) and any("Ratty" in group for group in names.values())


def test_miss_and_a_first_name_and_the_bare_first_name_join_the_full_name():
    text = ("CHAPTER I.\n\nMiss Amelia Sedley sat by the window. Amelia was crying. \"Do not cry,\" said Miss Amelia's "
            "friend Becky Sharp. \"I cannot help it,\" said Amelia. Miss Sharp laughed. Amelia Sedley smiled at last, "
            "and Becky Sharp kissed her.\n")
    names = _names(analyze_story(text, "fair"))
    amelia = [group for group in names.values() if "Amelia Sedley" in group or "Miss Amelia Sedley" in group]
    assert amelia and "Amelia" in amelia[0] and "Miss Amelia" in amelia[0]


def test_miss_and_the_surname_is_the_eldest_sister_when_another_is_miss_and_her_first_name():
    text = ("CHAPTER I.\n\nMiss Pinkerton ruled the school. Her sister, Jemima Pinkerton, kept the accounts. "
            "\"Miss Jemima,\" said Miss Pinkerton, \"bring the book.\" Miss Jemima brought it. Miss Pinkerton "
            "frowned. \"Thank you, sister,\" said Miss Pinkerton. Miss Jemima went out.\n")
    names = _names(analyze_story(text, "school"))
    assert "Miss Pinkerton" not in _group_of(names, "Miss Jemima")
