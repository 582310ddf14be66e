"""People the book never names who speak ("said the man") become characters of their own, only where no named
character of their gender is about; and "said I" always goes to the narrator."""

import re

from filmsofone.analysis.characters import CharacterCluster
from filmsofone.analysis.unnamed import UnnamedFinder, _use_gender

from .stories import analyze_story, speaker_of

CHURCHYARD = """CHAPTER I.

I was alone on the sea wall when the rain began. A man climbed up out of the ditch below, all in wet brown.

"Stand still!" said the man. "What do they call you?"

"Wren, sir," said I. I was very much afraid of him.

"Say it again," said the man, looking hard at me. The man had a chain on his ankle.

"Wren. Kit Wren, sir," said I.

"Show me the road to your house," said the man. The man looked about him over the grey marsh.

I pointed to where the cottages stood. The man shook me hard and took the bread from my coat.
"""


def test_a_description_that_speaks_with_no_named_person_about_is_a_character():
    analysis = analyze_story(CHURCHYARD, "churchyard")
    man = [c for c in analysis.characters if c.name == "the man"]
    assert man and man[0].gender == "male"
    assert speaker_of(analysis, CHURCHYARD, "Stand still") == "the man"
    assert speaker_of(analysis, CHURCHYARD, "Show me the road") == "the man"


def test_said_i_goes_to_the_narrator_even_between_lines_of_another():
    analysis = analyze_story(CHURCHYARD, "churchyard")
    narrator = next(c for c in analysis.characters if "I" in c.aliases or c.name == "the narrator")
    assert speaker_of(analysis, CHURCHYARD, "Wren, sir") == narrator.name
    assert speaker_of(analysis, CHURCHYARD, "Wren. Kit Wren") == narrator.name


def _cluster(name: str, gender: str, mentions: list[tuple[int, int]], cid: str) -> CharacterCluster:
    return CharacterCluster(name=name, aliases={name}, gender=gender, mentions=mentions, id=cid)


def _named(text: str, name: str, gender: str, cid: str) -> CharacterCluster:
    """A named character mentioned wherever `name` is written in `text`."""
    return _cluster(name, gender, [(m.start(), m.end()) for m in re.finditer(re.escape(name), text)], cid)


def _find(text: str, *characters: CharacterCluster) -> list[CharacterCluster]:
    """The UnnamedFinder's characters for `text`, its quotations being what stands between double quotes."""
    quotes = [(m.start(), m.end()) for m in re.finditer(r'"[^"]*"', text)]
    return UnnamedFinder().find(text, 0, len(text), list(characters), quotes)


def test_a_description_beside_a_named_person_of_its_gender_is_that_person():
    text = 'Hetty came in. "Where is he?" said the girl. "Gone," said the girl again. The girl sat down.'
    hetty = _cluster("Hetty", "female", [(0, 5)], "c1")
    found = UnnamedFinder().find(text, 0, len(text), [hetty], [(16, 28), (45, 50)])
    assert [c.name for c in found] == ["Hetty"]


def test_a_description_used_all_through_a_long_book_is_not_one_unnamed_person():
    episode = '"Go away," said the girl. "Now!" said the girl. '
    filler = "The rain fell on the roofs of the town. " * 150
    text = (episode + filler) * 3
    found = UnnamedFinder().find(text, 0, len(text), [], [])
    assert found == []


def test_an_unnamed_speaker_takes_only_the_mentions_of_its_episode():
    episode = '"Go away," said the man. "Now!" said the man. The man left. '
    filler = "The rain fell on the roofs of the town. " * 150
    text = episode + filler + "The man at the door was someone else."
    found = UnnamedFinder().find(text, 0, len(text), [], [])
    assert [c.name for c in found] == ["the man"]
    assert all(end <= len(episode) for _, end in found[0].mentions) and len(found[0].mentions) == 3
    assert found[0].id == "c1"


def test_a_description_that_speaks_once_and_acts_twice_is_a_character():
    text = 'The girl sat in the swamp. "Who are you?" cried the girl. The girl laughed.'
    found = UnnamedFinder().find(text, 0, len(text), [], [(28, 40)])
    assert [(c.name, c.gender, len(c.mentions)) for c in found] == [("the girl", "female", 3)]
    once = 'The girl sat in the swamp. "Who are you?" cried the girl.'
    assert UnnamedFinder().find(once, 0, len(once), [], [(28, 40)]) == []


MARKET = """CHAPTER I.

Tom Reed walked down to the market with his sister Ann. The stalls were full and the morning was loud.

At the corner they met a stout man with a basket of eels, who stood in their way.

"Fresh eels, sir!" cried the man. "Fine fresh eels!"

"Not today," said Tom Reed.

"Cheap, sir, cheap," said the stout man, and held one up.

Tom laughed and walked on, and Ann followed him past the fish.
"""


def test_a_person_brought_in_by_a_description_speaks_under_it_though_named_people_are_about():
    analysis = analyze_story(MARKET, "market")
    stout = [c for c in analysis.characters if c.name == "the stout man"]
    assert stout and stout[0].gender == "male" and "the man" in stout[0].aliases
    assert speaker_of(analysis, MARKET, "Fresh eels") == "the stout man"
    assert speaker_of(analysis, MARKET, "Cheap, sir") == "the stout man"
    assert speaker_of(analysis, MARKET, "Not today") == "Tom Reed"


def test_a_predicate_or_an_apposition_brings_no_one_in():
    for sentence in ("Tom was a stout man who sold eels.", "Tom, a stout man with a basket, stood there."):
        text = f'{sentence} "Eels!" said the man. "Eels!" said the man.'
        found = _find(text, _named(text, "Tom", "male", "c1"))
        assert [c.name for c in found] == ["Tom"], sentence


def test_a_newcomer_named_soon_after_the_introduction_is_not_an_unnamed_person():
    text = ('Tom sat by the fire. A tall man came in. "Evening," said the man. Mr. Tolley took off his coat. '
            '"Cold out," said the man.')
    found = _find(text, _named(text, "Tom", "male", "c1"), _named(text, "Mr. Tolley", "male", "c2"))
    assert [c.name for c in found] == ["Tom", "Mr. Tolley"]


def test_one_description_introduced_twice_is_one_character_and_another_is_another():
    text = ('A tall man came in. "Evening," said the man. ' + "The rain fell on the roofs of the town. " * 100
            + 'A tall man came in again. "Evening," said the tall man. A young woman followed. "Hush," said the woman.')
    found = _find(text)
    assert sorted((c.name, len(c.mentions), c.gender) for c in found) == [("the tall man", 4, "male"), ("the young woman", 2, "female")]
    assert all(c.id for c in found)


def test_a_bare_man_met_again_far_on_is_someone_else():
    text = ('A man came in. "Evening," said the man. ' + "The rain fell on the roofs of the town. " * 100
            + 'A man came in. "Morning," said the man.')
    found = _find(text)
    assert sorted(c.name for c in found) == ["the man", "the man (2)"]
    assert all(len(c.mentions) == 2 for c in found)


COURT = """CHAPTER I.

Tom Reed stood before the bench, and Mr. Ruddock, the magistrate, frowned at him.

"Who accuses this boy?" said Mr. Ruddock.

"I do," said the old sailor, stepping forward. "He cut my nets."

"And who are you?" said Mr. Ruddock.

"My name, sir," said the old sailor, "is Amos Pell. I keep the boats at the quay."

"Sit down," said Mr. Ruddock. The old sailor sat down.

"I am sorry for him," said the old sailor, and looked at the boy.

Amos Pell went home that night and did not sleep.
"""


def test_a_description_that_says_who_it_is_is_that_character():
    analysis = analyze_story(COURT, "court")
    assert speaker_of(analysis, COURT, "I do") == "Amos Pell"
    assert speaker_of(analysis, COURT, "I am sorry") == "Amos Pell"
    assert not [c for c in analysis.characters if c.name.startswith("the old")]


def test_a_description_that_says_its_particle_surname_is_that_character():
    """"is de Marden": a surname that opens with a lower-case particle is a name too."""
    text = COURT.replace("is Amos Pell.", "is de Marden.").replace("Amos Pell went", "Mr. de Marden went")
    analysis = analyze_story(text, "court")
    assert speaker_of(analysis, text, "I do") == "Mr. de Marden"
    assert not [c for c in analysis.characters if c.name.startswith("the old")]


def test_a_particular_description_the_book_repeats_is_one_person_wherever_it_comes():
    text = ('Tom Reed faced the board. "Sit," said the man in the grey coat. Tom sat. '
            + "The rain fell on the roofs of the town. " * 200
            + 'Tom Reed saw the man in the grey coat again. "You," said Tom. "Yes," said the man in the grey coat.')
    tom = _cluster("Tom Reed", "male", [(m.start(), m.end()) for m in re.finditer("Tom( Reed)?", text)], "c1")
    found = _find(text, tom)
    coat = [c for c in found if c.name == "the man in the grey coat"]
    assert coat and len(coat[0].mentions) == 3 and coat[0].gender == "male"
    inn = ('"Beer," said the landlord of the Anchor. ' + "The rain fell on the roofs of the town. " * 200
           + 'Tom Reed paid the landlord of the Anchor.')
    assert [c.name for c in UnnamedFinder().find(inn, 0, len(inn), [], [(0, 6)])] == ["the landlord of the Anchor"]
    once = 'Tom Reed faced the board. "Sit," said the man in the grey coat. "No," said Tom in a low voice.'
    assert [c.name for c in UnnamedFinder().find(once, 0, len(once), [tom], [(26, 31), (62, 66)])] == ["Tom Reed"]


def test_a_named_person_beside_the_description_in_one_sentence_is_someone_else():
    text = ('Tom sat by the fire. A travelling tinker came in from the rain. Mr. Tolley, Tom and the tinker sat down '
            'together. "Wet night," said the tinker.')
    found = _find(text, _named(text, "Tom", "male", "c1"), _named(text, "Mr. Tolley", "male", "c2"))
    assert [c.name for c in found][2:] == ["the travelling tinker"]
    assert "the tinker" in found[2].aliases


def test_a_named_person_in_apposition_to_the_description_may_be_the_newcomer():
    text = ('Tom sat by the fire. An old lady came in from the rain. The old lady, Mrs. Tolley, sat down. '
            '"Wet night," said the old lady.')
    found = _find(text, _named(text, "Tom", "male", "c1"), _named(text, "Mrs. Tolley", "female", "c2"))
    assert [c.name for c in found] == ["Tom", "Mrs. Tolley"]


INN = """CHAPTER I.

The snow fell all day on the moor. Mrs. Pellow kept the inn at the crossroads, and she was glad of a guest.
She found her visitor standing at the window with his coat still on.

"Bring me a fire," said her visitor, and turning she saw he had not taken off his gloves.

Mrs. Pellow went out to the kitchen. The visitor sat down by the grate and warmed his hands.

"Will you take some supper, sir?" she asked, when she came back.

"Later," he said.
"""


def test_a_description_with_a_possessive_determiner_is_an_unnamed_speaker_of_its_own():
    analysis = analyze_story(INN, "inn")
    visitor = [c for c in analysis.characters if c.name == "the visitor"]
    assert visitor and visitor[0].gender == "male"
    assert speaker_of(analysis, INN, "Bring me a fire") == "the visitor"


def test_after_her_description_the_possessors_pronouns_do_not_give_its_sex():
    text = '"Bring me a fire," said her visitor, and turning she saw he had not taken off his gloves.'
    at = text.index("her visitor")
    assert _use_gender(text, at, at + len("her visitor"), len(text)) == "male"
    text = "The visitor sat and listened to her steps."
    assert _use_gender(text, 0, len("The visitor"), len(text)) == "female"


def test_an_unnamed_speaker_is_also_known_by_the_description_as_written():
    text = '"Go away," said the old man. "Now!" said the old man. The old man left.'
    found = UnnamedFinder().find(text, 0, len(text), [], [(0, 10), (30, 36)])
    assert [c.name for c in found] == ["the man"]
    assert "the old man" in found[0].aliases


def test_an_introduced_speaker_is_also_known_by_the_description_that_brought_them_in():
    text = 'A stout fisherman came up the path. "Fine weather," said the fisherman. "It is," said the stout fisherman.'
    quotes = [(m.start(), m.end()) for m in re.finditer(r'"[^"]*"', text)]
    found = UnnamedFinder().find(text, 0, len(text), [], quotes)
    assert [c.name for c in found] == ["the stout fisherman"]
    assert "A stout fisherman" in found[0].aliases
