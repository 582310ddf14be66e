"""First-person books: "said I" and its kin go to the narrator, the narrator's turns alternate with the one
person they talk with, "I" inside a quotation is no tag, "he"/"she" is never the narrator; a third-person
story with a letter has no narrator; a diary whose sections are headed by different writers gives each
section's "I" to its writer."""

import pytest

from filmsofone.analysis.narrator import letter_spans, writer_sections

from .stories import analyze_story, speaker_of

FIRST_PERSON = """CHAPTER I.

My name is Osric Tolley, and I keep the ferry at Marden Reach. I have kept it for twenty years, and I know
every stone of the river. I rose early that day, as I always rise, and I went down to the landing. The mist
lay thick on the water, and I could not see the far bank. I lit my pipe and waited for the bell.

Presently a tall woman came down the lane with a bag in her hand. I had never seen her before. She stopped at
the edge of the landing and looked at the boat, and then at me.

"Are you the ferryman?" she asked.

"I am," said I. "Do you want to cross?"

"I must be at Pellow Hall by noon."

"Then you shall be," I replied. "Step in, and mind the water at the bottom."

"Is it deep here?"

"Deep enough to drown a horse."

"And you are not afraid of it?"

"I was born on it, ma'am."

"Tell my brother I said so, if he asks," she said, and she laughed. "He thinks all ferrymen are cowards."

"Who is your brother?" I asked her.

"Nell's father, Mr. Marden. You will know him."

"Everyone knows him," cried I, and I pushed off from the landing.

The boat slid out into the mist, and for a while neither of us spoke. I pulled at the oars, and she sat in
the stern with her bag on her knees and watched the water. I thought she looked tired, and I thought that
she had not slept. When we were half across she looked up at me.

"You row well, Mr. Tolley," she said.

"I have had practice."

"Twenty years of it, they told me at the inn."

"They talk too much at the inn."

"They said you were kind, too."

"They were wrong about that."

She laughed again, and I saw the far bank come out of the mist. I brought the boat in, and she stepped out
on the stones and paid me, and went up the path towards the Hall. I watched her go. I did not know then who
she was, nor what she had come to do, and I went back to my pipe and my bell as if nothing had happened.
"""

THIRD_PERSON_WITH_LETTERS = """CHAPTER I.

Nell Pellow lived with her grandfather in the house by the mill. Every morning Nell fed the hens and swept the
yard, and her grandfather sat in the sun and watched her. He was an old man and a quiet one, and the village
thought him hard. Nell knew better. She loved him, and he loved her, though neither said so.

One morning the carrier brought a letter. Nell opened it in the yard and read it aloud to her grandfather.

My dear Nell, I am coming home at last. I have been away too long, I know, and I have written too seldom. I
shall be with you on Friday. Tell grandfather I have not forgotten him. Your loving brother, Marden.

"Marden!" said the old man. "After three years!"

"He says Friday," said Nell.

"I shall believe it when I see him," said her grandfather. "I have been told Friday before."

"You will see him," said Nell. "I know it."

The old man said nothing more. He went into the house and Nell heard him walking about upstairs. She folded
the letter and put it in her apron, and went on with the hens. In the afternoon she walked down to the bridge
and stood there a long while, looking at the road. The carrier passed again and waved to her. She did not
see him. She was thinking of her brother, and of the day he had gone, and of what her grandfather had said to
him then. At dusk she walked home. Her grandfather had lit the lamp, and he looked up when she came in.
"Well?" he said. "Nothing yet," said Nell. She sat down by the fire, and he went back to his paper, and the
clock ticked on the wall, and neither of them spoke again that night. On Friday the coach came in at noon.
"""

DIARY = """CHAPTER I.

OSRIC PELLOW'S DIARY.

3 May. I arrived at the inn late and tired. The landlord gave me a room at the back, and I slept badly. In the
morning I went down to the yard, and I found the landlord there with his dog.

"You are up early, sir," said he.

"I could not sleep," said I. "The river is loud."

"It always is in May," said he.

I paid him and walked on. I walked all day, and I wrote this at the next inn by a poor candle. I am tired,
and I have twenty miles more tomorrow; I shall go to bed now and write more when I can.

4 May. I reached the town at noon. I went to the bank and then to my lodging, and I found a letter from
Tamsin there. I read it twice. I am glad she is well, and I shall write to her tonight.

CHAPTER II.

TAMSIN ORME'S JOURNAL.

5 May. I had a letter from Osric today. I was so glad of it that I read it to my aunt at breakfast.

"He writes a good letter," said my aunt.

"He always did," said I. "I wish he wrote more of them."

"You would only read them twice," said she, and I laughed.

I went out into the garden after breakfast and I sat there all morning. I have been happier today than for a
long time. I shall write to him tomorrow, and I shall tell him so. My aunt says I am foolish, and I think she
is right, but I do not mind it. I went to bed early and I slept well.

6 May. I wrote my letter this morning, and I walked to the post with it myself. I met the vicar on the way.
"""


@pytest.fixture(scope="module")
def ferry():
    return analyze_story(FIRST_PERSON, "ferry")


def _narrators(analysis):
    return [c for c in analysis.characters if "I" in c.aliases or c.name == "the narrator"]


def test_every_tag_with_i_goes_to_the_narrator_who_takes_the_name_the_book_gives(ferry):
    narrators = _narrators(ferry)
    assert [c.name for c in narrators] == ["Osric Tolley"]
    for line in ("I am,", "Then you shall be", "Who is your brother?", "Everyone knows him"):
        assert speaker_of(ferry, FIRST_PERSON, line) == "Osric Tolley", line


def test_a_line_tagged_said_i_is_as_sure_as_a_name_tag(ferry):
    """The calibration reads "said I" as a tag naming its speaker: the line is not listed among the unsure."""
    said_i = next(q for q in ferry.quotes if FIRST_PERSON[q.spans[0][0] : q.spans[0][1]].startswith("I am,"))
    assert said_i.method == "anaphoric" and said_i.confidence > 0.75


def test_i_said_inside_a_quotation_is_no_tag(ferry):
    """'"Tell my brother I said so," she said': the woman's line, not the narrator's."""
    assert speaker_of(ferry, FIRST_PERSON, "Tell my brother") != "Osric Tolley"
    assert speaker_of(ferry, FIRST_PERSON, "Tell my brother") == speaker_of(ferry, FIRST_PERSON, "Are you the ferryman")


def test_untagged_turns_alternate_between_the_narrator_and_the_one_other_speaker(ferry):
    narrator_lines = ("Deep enough", "I was born on it", "I have had practice", "They talk too much",
                      "They were wrong")
    other_lines = ("I must be at Pellow Hall", "Is it deep here", "And you are not afraid", "Twenty years of it",
                   "They said you were kind")
    for line in narrator_lines:
        assert speaker_of(ferry, FIRST_PERSON, line) == "Osric Tolley", line
    for line in other_lines:
        assert speaker_of(ferry, FIRST_PERSON, line) not in ("Osric Tolley", None), line


def test_a_third_person_story_with_letters_and_talk_in_the_first_person_has_no_narrator():
    analysis = analyze_story(THIRD_PERSON_WITH_LETTERS, "mill")
    assert _narrators(analysis) == []
    assert speaker_of(analysis, THIRD_PERSON_WITH_LETTERS, "He says Friday").startswith("Nell")
    assert speaker_of(analysis, THIRD_PERSON_WITH_LETTERS, "You will see him").startswith("Nell")


@pytest.fixture(scope="module")
def diary():
    return analyze_story(DIARY, "diary")


def test_each_diary_section_gives_its_i_to_the_writer_its_heading_names(diary):
    assert speaker_of(diary, DIARY, "I could not sleep") == "Osric Pellow"
    assert speaker_of(diary, DIARY, "He always did") == "Tamsin Orme"
    names = {c.name for c in _narrators(diary)}
    assert {"Osric Pellow", "Tamsin Orme"} <= names


def test_headings_that_name_a_writer_open_their_sections():
    text = ("DR. MARDEN'S DIARY.\n\nI slept ill.\n\n_Letter, Miss Nell Pellow to Mrs. Orme._\n\nI write in haste.\n\n"
            "Letter from Osric Tolley to his brother.\n\nI am well.\n\nThe Journal of a Summer.\n\nI went out.")
    sections = writer_sections(text, 0, len(text))
    assert [name for _, _, name in sections] == ["Marden", "Nell Pellow", "Osric Tolley"]
    assert text[sections[1][0] : sections[1][1]].startswith("_Letter, Miss Nell")
    assert sections[-1][1] == len(text)


TOLD_STORY = """CHAPTER I.

I had not seen Marden for ten years when I found him at the inn that night. I sat down by him, and I asked
him where he had been. I knew he had been at sea, and I had heard that he had been in prison; I did not know
which of the stories was true, and I thought that I should never know. He drank a little and looked at me.

"You want the whole of it?" said Marden.

"I do," said I.

"Well, then. I went to sea when I was sixteen, on a coaster out of the Reach. The master was a hard man and
the mate was worse, and I was sick every day of the first month.

"In the second year we ran aground off the point in a gale, and I was the only one who could swim. I got
ashore with a rope, and they hauled themselves along it one by one, the master last.

"The master never thanked me. He paid me off at the next port, and I walked home with my bag on my back.

" Go home to your mother",  said I. The boy at the gate ran off, and I went in to see her.

"That is all of it," he said. "Now you know."
"""


def test_i_said_in_a_story_told_over_several_paragraphs_is_the_tellers_not_the_narrators():
    analysis = analyze_story(TOLD_STORY, "told")
    narrator = _narrators(analysis)[0].name
    assert speaker_of(analysis, TOLD_STORY, "I do") == narrator
    for line in ("Well, then", "In the second year", "The master never thanked"):
        assert _speaker_of_piece(analysis, TOLD_STORY, line) == "Marden", line


def _speaker_of_piece(analysis, text: str, words: str) -> str | None:
    """The name of the speaker of the quotation one of whose pieces opens with `words`."""
    for quote in analysis.quotes:
        if any(text[s:e].startswith(words) for s, e in quote.spans):
            return analysis.character(quote.speaker).name if quote.speaker else None
    raise AssertionError(words)


OTHER_TAGS = """CHAPTER I.

I came to the inn at dusk, and I asked Mrs. Orme at the door for the landlord. I was tired, and I wanted my
supper, and I did not want to talk. Mrs. Orme looked me up and down before she answered me.

"You are the gentleman from the coast?" asked Mrs. Orme.

"Yes," I said, "Osric Tolley." She smiled, and went in to fetch the landlord.

Talking of the hills, she said to me: "Once I was afraid of them." That was the strangest thing I had ever
heard. She said "Now I would not live anywhere else, sir."

I went up to bed. She had often told me since: "The hills are kind to strangers," and I had thought it foolish.
"""


def test_an_i_subject_of_the_sentence_before_or_reached_after_other_words_is_no_tag():
    """'...the strangest thing I had ever heard. She said "..."': her line, not the narrator's."""
    analysis = analyze_story(OTHER_TAGS, "inn")
    assert _speaker_of_piece(analysis, OTHER_TAGS, "Yes") == "Osric Tolley"
    assert _speaker_of_piece(analysis, OTHER_TAGS, "Now I would not") == "Mrs. Orme"
    kind = next(q for q in analysis.quotes if OTHER_TAGS[q.spans[0][0] : q.spans[0][1]].startswith("The hills"))
    assert kind.tag is None  # '"...," and I had thought it foolish' goes on with the narration: no tag



_LETTER = """My dear Tamsin,

I write to you from the coast, where I have been a week. I walk every morning on the sands, and I think of you
and of the mill, and I wish that I were home. My aunt is well; I am better than I was. I shall write again when
I have news for you, and I hope that you will write to me.

Your loving brother,
Osric.
"""

_CHAPTER = """Tamsin Pellow read the letter twice in the kitchen, and then she put it in her apron and went out to the yard.
Her father was mending the cart, and he did not look up when she came. She stood by him a while and watched
his hands. He was a slow man and a careful one, and the village said that he had never made a mistake in his
life. Tamsin did not believe it, but she liked to hear it said. "Is it from the boy?" he asked at last. "It is,"
said Tamsin. He nodded and went on with the cart, and she went back to the house and sat down by the window.
The afternoon passed slowly. The carrier came and went; the hens scratched in the yard; the mill wheel turned.
"""

LETTERS_NOVEL = "CHAPTER I.\n\n" + "\n\nCHAPTER II.\n\n".join(_CHAPTER + "\n" + _LETTER for _ in range(4))


def test_letters_spread_through_a_third_person_novel_make_no_narrator():
    analysis = analyze_story(LETTERS_NOVEL, "letters")
    assert _narrators(analysis) == []
    assert len(letter_spans(LETTERS_NOVEL, 0, len(LETTERS_NOVEL))) == 4


def test_a_novel_in_letters_is_told_in_the_first_person():
    analysis = analyze_story("CHAPTER I.\n\n" + _LETTER * 6, "epistolary")
    assert len(_narrators(analysis)) == 1


RESUMED_STORY = """CHAPTER I.

Marden and Pellow were at the fire when I came in, and I sat down between them. Pellow was a talker, and Marden
was not; but that night it was Marden who talked, and Pellow and I who listened.

"I was a boy of twelve when I first went up the hill," said Marden. "My father sent me with the sheep, and I
was proud to go.

"The fog came down at noon. I lost the path, and then I lost the sheep, and then I sat down on a stone and
cried, as a boy will.

"I sat there till dark. Nobody came. I heard the bell of the chapel below, but I could not tell which way it
was."

"Were you not afraid?" asked Pellow.

"Go on," said I.

"A dog found me at last. It was not our dog; it was a shepherd's dog from over the hill, and it barked until
its master came.

"He carried me down on his back. He said nothing the whole way, and I said nothing either, for I was ashamed.

"My father paid him a shilling. I have never forgotten that shilling, nor the dog, nor the fog."
"""


def test_a_story_resumed_after_an_interruption_is_its_tellers():
    analysis = analyze_story(RESUMED_STORY, "hill")
    assert speaker_of(analysis, RESUMED_STORY, "Were you not afraid") == "Pellow"
    assert _speaker_of_piece(analysis, RESUMED_STORY, "A dog found me") == "Marden"
    assert _speaker_of_piece(analysis, RESUMED_STORY, "My father paid him") == "Marden"


def test_a_letter_ends_at_its_signature_not_at_a_body_sentence_and_an_unsigned_salutation_opens_nothing():
    letter = ("Nell read it by the lamp.\n\nMy dear Nell,\n\nYour father would not speak of it. Tom was angry.\n\n"
              "I shall come on Friday.\n\nYour loving brother,\nOsric Tolley\n\nShe folded it away.")
    spans = letter_spans(letter, 0, len(letter))
    assert [letter[s:e] for s, e in spans] == [letter[letter.index("My dear") : letter.index("\n\nShe folded")]]
    unsigned = "Dear Marden, he wrote, and stopped.\n\nThe pen was dry.\n\nHe went out to the yard."
    assert letter_spans(unsigned, 0, len(unsigned)) == []


def test_a_narrator_the_book_names_in_full_is_the_mr_of_that_surname_others_call_him():
    analysis = analyze_story(FIRST_PERSON * 3, "ferry3")  # "Osric Tolley" seen often enough to be a character
    tolleys = [c for c in analysis.characters if "Tolley" in c.name or "Tolley" in c.aliases]
    assert len(tolleys) == 1 and "I" in tolleys[0].aliases and "Mr. Tolley" in tolleys[0].aliases


ADDRESSED_NARRATOR = """CHAPTER I.

I came to the harbour office on a wet Monday, and I found the clerk's stool empty and the ledger open.

"You are the new clerk?" said Nell Pellow from the doorway.

I nodded, and she laughed at my wet coat.

"It is plain enough, Mr. Marden. Sit down and I will show you the books."

I sat down. She showed me the books, and I copied the first page twice before I had it right.

"Mr. Marden, you will do," she said at last. "My father will be pleased."

I walked home by the quay. The wind was hard, and I was glad of my coat.

CHAPTER II.

In the morning the door opened and a stout man in a blue coat came in, whom I knew by sight as Mr. Amos
Tolley, the harbour-master. Mr. Tolley looked at the ledger and then at me for a long time.

"Good morning, Tolley," said Nell.

"Good morning, sir," I said.

He did not answer me. He turned the pages of the ledger with one thick finger and frowned at them.

"Do you add well, Mr. Marden?"

I said that I added well enough, and he grunted.

"Take the book home with you, Tolley," said Nell. "You will not read it here."

"I will carry it for him," I said.

I carried the book to his house that night, and on my way home I found a letter under my door.

Dear Mr. Marden,

The sums in that book are wrong. Look at the Friday pages before you sign anything.

Your friend,
Nell.

I read the letter twice and I put it in my pocket. I did not sleep.

CHAPTER III.

"You look tired, Mr. Marden," said Nell when I came in.

I told her that I had not slept, and why.

"Then show it to Mr. Tolley," she said. "He will be here at noon."

Mr. Tolley came at noon and read the letter and said nothing for a long time.

"Well, Mr. Marden," he said at last. "It seems the sums were wrong after all."
"""


def test_the_narrator_is_the_one_others_call_by_name_not_a_man_the_narration_introduces():
    """'whom I knew by sight as Mr. Amos Tolley': a man the narration speaks of is not the narrator, however
    often he is addressed near the narrator's lines; the narrator is Mr. Marden, named only by the others (and
    a letter to him, which is neither the narration's name for him nor a line of talk)."""
    analysis = analyze_story(ADDRESSED_NARRATOR, "clerk")
    narrators = _narrators(analysis)
    assert len(narrators) == 1 and "Marden" in narrators[0].name, [c.name for c in narrators]
    assert speaker_of(analysis, ADDRESSED_NARRATOR, "I will carry it") == narrators[0].name
