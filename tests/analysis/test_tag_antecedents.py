"""Pronoun and descriptor tags as the rules resolve them: the speaker before goes on when the narration since
carries on with the pronoun alone, and a description answering a line that addressed someone by name is that one.
Texts written for these tests."""

import re

from filmsofone.analysis.characters import CharacterCluster
from filmsofone.analysis.conversation import DialogueIndex
from filmsofone.analysis.quotes import QuoteFinder
from filmsofone.analysis.speakers import SpeakerAttributor
from filmsofone.analysis.text import paragraphs

def _index(text: str, names: dict[str, str]) -> tuple[DialogueIndex, list]:
    clusters = [CharacterCluster(name=n, aliases={n}, gender=g, id=f"c{k}", mentions=[m.span() for m in re.finditer(n, text)])
                for k, (n, g) in enumerate(names.items(), 1)]
    paras = paragraphs(text, 0, len(text))
    quotes = QuoteFinder().find(text, paras)
    return DialogueIndex(text, paras, clusters, quotes), quotes


def test_a_pronoun_the_narration_carries_on_from_the_speaker_before_is_that_speaker():
    text = ('Tolley and Osric stood in the yard of the inn.\n\n"Was that a shot?" asked Osric.\n\n'
            '"Hullo!" said Tolley. "Who is firing guns in the lane?"\n\n'
            'He went to the window, threw it up and leaned out over the roofs.\n\n"It looks like a crowd," he said.\n')
    index, quotes = _index(text, {"Tolley": "male", "Osric": "male"})
    assert SpeakerAttributor(index).guesses(quotes).attributions[-1].speaker == "c1"
    other = text.replace("He went to the window", "Osric went to the window")
    index, quotes = _index(other, {"Tolley": "male", "Osric": "male"})
    assert SpeakerAttributor(index).guesses(quotes).attributions[-1].speaker == "c2"  # the one the narration names


def test_a_description_answering_the_line_that_addressed_someone_is_that_one():
    text = ('Tolley found Osric smoking at the door of his shop, and went in past him to Pellow.\n\n'
            '"Trade is slow this week, Osric," said Tolley.\n\n'
            '"Slow enough," replied the old man, "but it will mend."\n')
    index, quotes = _index(text, {"Tolley": "male", "Osric": "male", "Pellow": "male"})
    assert SpeakerAttributor(index).guesses(quotes).attributions[-1].speaker == "c2"


def test_a_pronoun_tag_goes_to_the_last_subject_of_its_own_paragraph_else_the_topic_of_the_one_before():
    text = ('Wendeline passed the letter to Marigold, and Marigold read it twice. "It is short," she said.\n\n'
            '"Short and cold," said Wendeline.\n\n'
            'Marigold sat by the fire while Wendeline wound the ribbon round her finger.\n\n'
            '"She means well," said she.\n')
    index, quotes = _index(text, {"Wendeline": "female", "Marigold": "female"})
    speakers = [a.speaker for a in SpeakerAttributor(index).guesses(quotes).attributions]
    assert speakers[0] == "c2"  # the last subject of its own paragraph, not the first woman named there
    assert speakers[2] == "c2"  # in the paragraph before, the first woman named: its topic
