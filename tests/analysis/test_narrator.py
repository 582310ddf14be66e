"""The narrator: first person decided from the narration itself, and named by the book."""

from filmsofone.analysis.narrator import is_first_person

from .stories import analyze_story, speaker_of

FIRST_PERSON = """CHAPTER I.

My name is Tobias Wren, and I was born in a grey town by the sea. I remember the harbour and the boats, and I
remember my uncle, Mr. Ruddock, who kept the lamp on the pier. I went to him every evening.

"You are late again," said Mr. Ruddock. "Where have you been?"

"At the school," said I. "The master kept me."

"Then sit down, Tobias," said Mr. Ruddock, "and eat your supper."

I sat down. I ate my supper, and I watched him light the lamp, and I thought that I should like to keep a
lamp of my own one day. My uncle smiled at me as if he knew it. I slept well that night, and I dreamt of
ships. In the morning I ran down to the pier again, and my uncle was already there, and I helped him.
"""

THIRD_PERSON_WITH_A_LETTER = """CHAPTER I.

Margaret Lowe lived with her aunt at the mill. Every morning Margaret walked to the village and back, and her
aunt watched her from the window. Margaret was tall and quiet, and the village thought her proud. She was
not proud; she was only shy, and she liked the river better than people. Her aunt knew it and said nothing.
One day a letter came for Margaret. She read it by the window, and her aunt saw her cheeks go red.

Dear Margaret, I write because I cannot keep silent. I think of you every day; I have thought of you since
I first saw you at the fair, and I will come to the mill on Sunday if you let me. I am yours, Edward Grey.

Margaret folded the letter and put it away. She said nothing to her aunt that day, nor the next. On Saturday
she walked to the river alone and sat there a long time. Her aunt watched her go and shook her head. The
miller's men were loading the carts; the wheel turned; the river ran on as it always had. Margaret came home
at dusk, and her aunt had lit the lamp. "Well?" said her aunt. "He may come," said Margaret.
Margaret went up to bed. Her aunt sat a long time by the fire, and then she too went up, and the mill was dark.
The next day was Sunday, and Margaret put on her blue dress, and her aunt said that she looked very well.
"""


def test_a_first_person_story_names_its_narrator_and_gives_him_his_lines():
    analysis = analyze_story(FIRST_PERSON, "wren")
    narrators = [c for c in analysis.characters if "I" in c.aliases or c.name == "the narrator"]
    assert len(narrators) == 1 and "Tobias" in narrators[0].name
    assert speaker_of(analysis, FIRST_PERSON, "At the school") == narrators[0].name


def test_a_letter_in_the_first_person_does_not_make_a_third_person_story_first_person():
    analysis = analyze_story(THIRD_PERSON_WITH_A_LETTER, "lowe")
    assert not any("I" in c.aliases or c.name == "the narrator" for c in analysis.characters)


def test_first_person_needs_the_first_person_spread_through_the_narration():
    third = "She walked to the river and he followed her there. " * 60
    letter = "I think of you and my heart is yours, I say. " * 6
    assert not is_first_person(third + letter)
    assert is_first_person("I walked to the river and my dog followed me there. " * 60)


MAC_NARRATOR = """CHAPTER I.

I had known Quarle for ten years when he asked me to go down to the marsh with him. I went, of course. I
always went. We took the early train, and I read while he smoked and looked at the rain.

"You are quiet, my dear MacAdoo," said Quarle.

"I am reading," said I.

"So I see," said he. "You read too much, MacAdoo."

"And you smoke too much," I said. He laughed, and I went back to my book, and the train ran on.
"""


def test_a_narrator_addressed_by_a_mac_name_takes_it():
    analysis = analyze_story(MAC_NARRATOR, "mac")
    narrators = [c for c in analysis.characters if "I" in c.aliases or c.name == "the narrator"]
    assert len(narrators) == 1 and narrators[0].name == "MacAdoo"
    assert speaker_of(analysis, MAC_NARRATOR, "I am reading") == "MacAdoo"


def test_a_diary_heading_with_a_hyphenated_name_names_the_narrator():
    from filmsofone.analysis.narrator import _DIARY, _unshouted

    match = _DIARY.search("CHAPTER I. OSRIC BROOK-TARRANT'S JOURNAL. 3 May. I left at dawn.")
    assert match and " ".join(_unshouted(w) for w in match.group("name").split()) == "Osric Brook-Tarrant"
