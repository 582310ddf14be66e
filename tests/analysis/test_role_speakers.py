"""Someone the book calls only by a role ("said the ferryman", "the turnkey replied") is a character of their own
when nothing in the book ties the role to a named character, though named people are about; a role a named
character holds ("Mr. Tolley, the curate") is that character."""

from .stories import analyze_story, speaker_of
from .test_unnamed_speakers import _find, _named

FERRY = """CHAPTER I.

Nell Marden and her brother Osric Marden came down to the river at dusk. The ferry lay at the near bank, and an
old boat was tied beside it.

"We must cross before dark," said Nell Marden.

"Then we had better ask," said Osric Marden.

"Two of you, is it?" said the ferryman, coiling his rope. "That will be twopence each."

"Twopence!" said Osric Marden. "It was a penny last spring."

"The river was lower last spring," said the ferryman. The ferryman spat into the water and held out his hand.

Nell paid him, and they stepped down into the boat.
"""


def test_a_role_that_speaks_twice_and_is_never_named_is_a_character_though_named_people_are_about():
    analysis = analyze_story(FERRY, "ferry")
    ferryman = [c for c in analysis.characters if c.name == "the ferryman"]
    assert ferryman and ferryman[0].gender == "male"
    assert speaker_of(analysis, FERRY, "Two of you") == "the ferryman"
    assert speaker_of(analysis, FERRY, "The river was lower") == "the ferryman"
    assert speaker_of(analysis, FERRY, "Twopence!") == "Osric Marden"


CURATE = """CHAPTER I.

The parish of Pellow Green was small. Mr. Tolley, the curate, walked up from the church every morning to see
Mrs. Pellow, who was old and lived alone with her maid.

"You are late today, Mr. Tolley," said Mrs. Pellow. Mr. Tolley took off his wet hat.

"The lane was flooded," said the curate. "I came round by the mill."

"Sit by the fire, then," said Mrs. Pellow.

"I will, and gladly," said the curate, and he sat down and warmed his hands.
"""


def test_a_role_a_named_character_holds_by_apposition_is_that_character():
    analysis = analyze_story(CURATE, "curate")
    assert not [c for c in analysis.characters if c.name == "the curate"]
    assert speaker_of(analysis, CURATE, "The lane was flooded") == "Mr. Tolley"
    assert speaker_of(analysis, CURATE, "I will, and gladly") == "Mr. Tolley"


def test_a_role_beside_named_people_speaks_as_itself_even_once():
    text = ('Osric Marden knocked at the gate. "Who is there?" called the porter. "A friend," said Osric Marden. '
            'The porter opened the gate.')
    found = _find(text, _named(text, "Osric Marden", "male", "c1"))
    porter = [c for c in found if c.name == "the porter"]
    assert porter and len(porter[0].mentions) == 2


def test_a_role_the_book_uses_all_through_is_a_named_character_described():
    episode = 'Osric Marden came in. "Sit down," said the innkeeper. '
    filler = "The rain fell on the roofs of the town. " * 150
    text = (episode + filler) * 3
    found = _find(text, _named(text, "Osric Marden", "male", "c1"))
    assert [c.name for c in found] == ["Osric Marden"]


def test_a_role_a_named_character_bears_as_title_is_no_one_new():
    text = 'Captain Marden came aboard. "Cast off," said the captain. "Aye," said Nell. The captain smiled.'
    marden = _named(text, "Captain Marden", "male", "c1")
    marden.title = "Captain"
    found = _find(text, marden, _named(text, "Nell", "female", "c2"))
    assert [c.name for c in found] == ["Captain Marden", "Nell"]


def test_a_role_held_by_a_named_character_takes_its_uses():
    text = ('Pellow, a ferryman of the old sort, kept the boat. Nell came down. "Cross now?" said the ferryman. '
            '"Yes," said Nell.')
    pellow = _named(text, "Pellow", "male", "c1")
    found = _find(text, pellow, _named(text, "Nell", "female", "c2"))
    assert [c.name for c in found] == ["Pellow", "Nell"]
    said = text.index("the ferryman")
    assert (said, said + len("the ferryman")) in found[0].mentions


def test_the_first_and_the_second_constable_are_two_people():
    text = ('Osric Marden ran into the yard. "Stop there!" cried the first constable. "He has a knife," said the '
            'second constable. "I have nothing," said Osric Marden. The first constable laughed.')
    found = _find(text, _named(text, "Osric Marden", "male", "c1"))
    assert sorted(c.name for c in found[1:]) == ["the first constable", "the second constable"]
    first = next(c for c in found if c.name == "the first constable")
    assert len(first.mentions) == 2


def test_a_role_the_book_uses_often_speaks_as_itself_where_it_talks_only_with_named_people():
    filler = "The rain fell on the roofs of the town. " * 150
    elsewhere = "The coachman waited in the yard. " + filler
    journey = 'Nell took her seat. "Are we late?" said Nell. "No, miss," said the coachman. ' + filler
    text = elsewhere + elsewhere + journey
    found = _find(text, _named(text, "Nell", "female", "c1"))
    coachman = [c for c in found if c.name == "the coachman"]
    assert coachman and all(s >= text.index(journey) for s, _ in coachman[0].mentions)
    beside = 'Osric Marden was there. Nell took her seat. "Are we late?" said Nell. "No, miss," said the coachman. '
    text = elsewhere + elsewhere + beside + filler
    found = _find(text, _named(text, "Nell", "female", "c1"), _named(text, "Osric Marden", "male", "c2"))
    assert "the coachman" not in [c.name for c in found]
