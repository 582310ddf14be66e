"""Names the recogniser misses or mislabels on a book it has never seen, found from what the text says of them:
speech tags, verbs only people do, names addressed in quotations, known first names, bare surnames; and the
first-person narrator named by the name others call them."""

import re
from collections import Counter

from filmsofone.analysis.characters import (
    _acting_names,
    _bare_surnames,
    _first_names_mislabelled,
    _lone_full_names,
)
from filmsofone.analysis.nlp import Entity

from .stories import analyze_story, speaker_of


def _quote_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start() + 1, m.end() - 1) for m in re.finditer(r"“[^”]*”", text)]


def _acting(text: str, known: Counter | None = None) -> Counter:
    return _acting_names(text, 0, len(text), _quote_spans(text), known or Counter())


TAGGED_ONCE = """The boat lay at anchor and the tide was out. Brackwater sat in the stern with his pipe.

“It was a dark river once,” said Brackwater slowly, “and it is dark still.”

Nobody answered him. It was just like Brackwater to begin a story at dusk.
"""


def test_a_name_tagged_once_after_a_quotation_is_a_person():
    assert _acting(TAGGED_ONCE) == Counter({"Brackwater": 3})


def test_an_untagged_capitalised_word_is_not_a_person():
    text = "They sailed from Brackwater at dawn. The town of Brackwater was asleep, and Brackwater harbour was empty."
    assert _acting(text) == Counter()


HUMAN_VERBS = """I had met Dunstable, the astronomer, at the observatory. Dunstable watched the sky till one, and
then Dunstable nodded and gave it up. I told Dunstable what I had seen. Mars approached the earth that year."""


def test_a_word_that_does_what_only_people_do_twice_is_a_person():
    found = _acting(HUMAN_VERBS)
    assert found["Dunstable"] == 4
    assert "Mars" not in found  # "Mars approached" is no person's verb


def test_one_human_verb_is_not_enough():
    text = "Dunstable watched the sky. The dome of Dunstable was dark; they walked to Dunstable and back."
    assert _acting(text) == Counter()


ADDRESSED = """The family sat at breakfast.

“Nonsense, Pellow! You never saw a ghost,” said his sister.

“Ah Pellow, let him tell it,” said their mother. Pellow went on with his porridge.
"""


def test_a_name_addressed_in_two_quotations_is_a_person():
    assert _acting(ADDRESSED)["Pellow"] == 3


def test_a_word_also_written_in_lower_case_is_not_a_name():
    text = "“Well, Then!” said Rose. “Then, Then!” said Rose. And then they went home, Then said nothing."
    assert "Then" not in _acting(text)


def test_a_first_name_the_recogniser_labelled_a_place_twice_is_a_candidate():
    entities = [Entity("LOC", 0, 5, "Agnes"), Entity("ORG", 10, 15, "Agnes"), Entity("GPE", 20, 26, "Boston"),
                Entity("GPE", 30, 36, "Boston"), Entity("ORG", 40, 45, "Edith")]
    assert _first_names_mislabelled(entities, Counter()) == Counter({"Agnes": 2})


def test_a_full_name_the_recogniser_labelled_an_organisation_twice_is_a_candidate_when_it_looks_like_one():
    names = ["Bine de Brir", "Ewan McKessock", "Old Pellow", "Marsh Bank"]
    entities = [Entity("ORG", 0, 1, name) for name in names for _ in range(2)]
    text = "Bine de Brir came; Ewan McKessock too; old Pellow sat. The Marsh Bank closed."
    found = _first_names_mislabelled(entities, Counter({"McKessock": 3}), text)
    assert found == Counter({"Bine de Brir": 2, "Ewan McKessock": 2})  # not an "old" man, nor a bank


def test_the_bare_surname_of_the_one_titled_person_becomes_a_candidate():
    text = "Mr Tolley came in. “No,” said old Tolley, and Tolley sat down. Mr Tolley was tired."
    assert _bare_surnames(text, 0, len(text), Counter({"Mr. Tolley": 2})) == Counter({"Tolley": 2})


def test_a_bare_surname_two_titled_people_share_is_left_alone():
    text = "Mr. Tolley and Mrs. Tolley came in, and old Tolley sat down."
    assert _bare_surnames(text, 0, len(text), Counter({"Mr. Tolley": 1, "Mrs. Tolley": 1})) == Counter()


def test_a_full_name_seen_once_by_the_recogniser_but_written_twice_stays():
    counts = Counter({"Clara Penwarden": 1, "Nell Spanish": 1, "Cinder Ditch": 1, "Rose": 4})
    text = ("Clara Penwarden was there. Nell Spanish was not. Later Clara Penwarden came again. They crossed "
            "Cinder Ditch at dusk; Cinder Ditch was black.")
    assert _lone_full_names(counts, text) == ["Nell Spanish", "Cinder Ditch"]


NARRATOR_ADDRESSED = """CHAPTER I.

I came home from the fields at six, and I found my mother and my sister at the tea-table. I sat down and I
took my cup, and I listened to them, for I was tired and had nothing to say. I had worked since dawn and my
back ached; I thought of the long meadow I had still to drain, and of my dog, who lay at my feet.

“You should have come with us, Osric,” said my mother. “The new tenant was at church.”

“Was she?” said I.

“She was, Osric, and she sat alone,” said my sister.

I said nothing. I finished my tea and I went out to the yard, and I looked at the sky, and I thought that it
would rain before morning. I went to bed early, and I slept badly, and I dreamt of the new tenant at church.
"""


def test_the_narrator_takes_the_name_others_address_them_by():
    analysis = analyze_story(NARRATOR_ADDRESSED, "narrator")
    narrators = [c for c in analysis.characters if "I" in c.aliases or c.name == "the narrator"]
    assert [c.name for c in narrators] == ["Osric"]


NARRATOR_AND_A_FRIEND = """CHAPTER I.

I had sat by the fire all evening, and I was half asleep when the bell rang. I went to the door myself, and I
found my old friend on the step, wet through. I took his coat and I gave him a chair, and I poured him a
glass of wine, for I could see that he had news; I know the look of him by now, and I knew it then.

“Kenwick has come back,” said Hollis.

“Ah!” I said. “What is it this time?”

“You will not like it, Hollis,” said his wife from the stairs. “Nobody will.”

“Then I must hear it,” I said. “Where is he?”

“At the inn, Hollis,” said his wife. “Tell him.”

I looked at the fire, and I thought that I had better go to the inn myself, and I went.
"""


def test_an_interjection_and_a_name_tagged_by_name_are_not_the_narrator():
    analysis = analyze_story(NARRATOR_AND_A_FRIEND, "friend")
    narrators = [c for c in analysis.characters if "I" in c.aliases or c.name == "the narrator"]
    assert [c.name for c in narrators] == ["the narrator"]


def test_a_list_or_a_word_quoted_in_a_quotation_is_not_an_address():
    text = ("“The parts of it: Sowing, Weeding, Reaping, and Threshing,” said the tutor.\n\n"
            "“I never heard of ‘Threshing,’” said the girl. “Nor of Threshing, and so on.”")
    assert "Threshing" not in _acting(text)


TAGS_BEFORE = """CHAPTER I.

Kate Moor and Mary Lane sat in the hall. Kate looked at Mary, and Mary looked at the chairman. The hall was full.

Mary began to speak in a loud voice, but she stopped, for Kate cried out, “Order in the hall!”

Mary was quiet after that. Mary heard it say softly, “Then I shall take the back stairs.”

“Very well,” said Kate.
"""


def _tag_of(analysis, text: str, words: str):
    quote = next(q for q in analysis.quotes if text[q.spans[0][0] : q.spans[0][1]].startswith(words))
    return quote.tag.who if quote.tag else None


def test_before_a_quotation_the_speech_verb_nearest_to_it_names_the_speaker():
    analysis = analyze_story(TAGS_BEFORE, "hall")
    assert _tag_of(analysis, TAGS_BEFORE, "Order in the hall") == "Kate"
    assert speaker_of(analysis, TAGS_BEFORE, "Order in the hall").startswith("Kate")


def test_a_name_whose_object_says_the_words_is_not_the_speech_tag():
    analysis = analyze_story(TAGS_BEFORE, "hall")
    assert _tag_of(analysis, TAGS_BEFORE, "Then I shall take") != "Mary"


def test_a_capitalised_the_name_tagged_by_any_speech_verb_after_a_quotation_is_a_character():
    text = ("CHAPTER I.\n\nThe Badger dozed by the stove, and the Heron stirred the soup.\n\n“Too much salt,” "
            "squeaked the Badger. The Heron laughed.\n\n“Wake up,” said the Heron, and the Badger opened its "
            "eyes.\n\n“I was only resting,” grumbled the Badger.\n")
    names = {n for c in analyze_story(text, "soup").characters for n in (c.name, *c.aliases)}
    assert "the Badger" in names and "the Heron" in names


def test_a_second_speaker_tagged_between_two_pieces_starts_a_new_quotation():
    from filmsofone.analysis.quotes import QuoteFinder
    from filmsofone.analysis.text import paragraphs

    two = ("“Wretched weather!” Tom grumbled under his breath, but he broke off, for the Ferryman called out, "
           "“All aboard now!”")
    one = "“Oh!” Tom said, and added: “Good morning to you.”"
    for text, count in ((two, 2), (one, 1)):
        assert len(QuoteFinder().find(text, paragraphs(text, 0, len(text)))) == count, text


def test_two_pieces_of_a_paragraph_each_tagged_by_another_name_are_two_quotations():
    from filmsofone.analysis.quotes import QuoteFinder
    from filmsofone.analysis.text import paragraphs

    two = "“Wetter at sea,” said de Brissac. Madame du Plessard nodded. “Much wetter,” said Madame du Plessard."
    macs = "“Whisky,” said MacTavert. “Two,” said McKessock."
    same = "“Wetter,” said de Brissac. “Much wetter,” said de Brissac again."
    pronoun = "“Oh,” said Nell. “Yes,” said she."
    for text, count in ((two, 2), (macs, 2), (same, 1), (pronoun, 1)):
        assert len(QuoteFinder().find(text, paragraphs(text, 0, len(text)))) == count, text
