"""A name in a speech tag always makes a candidate ('"Is the cart back?" asked Nell.' though the recogniser saw her
full name once and called her bare name an organisation), and a sentence's opening pronoun before a quotation is
its tag ('She said, "You go."')."""

from .stories import analyze_story, speaker_of

KITCHEN = """CHAPTER I.

Tolley Pellow walked into the kitchen where Nell Marden was shelling peas.

"Is the cart back yet?" asked Nell.

Tolley Pellow shook his head and sat down by the door. The rain beat on the window and the dog slept.

She said, "Then we shall have to wait until the morning."
"""


def test_a_name_seen_once_whose_first_name_tags_a_quotation_is_a_character():
    analysis = analyze_story(KITCHEN, "kitchen")
    assert "Nell Marden" in [c.name for c in analysis.characters]
    assert speaker_of(analysis, KITCHEN, "Is the cart back") == "Nell Marden"


def test_an_opening_pronoun_before_a_quotation_is_its_tag():
    analysis = analyze_story(KITCHEN, "kitchen")
    quote = next(q for q in analysis.quotes if KITCHEN[q.spans[0][0] : q.spans[0][1]].startswith("Then we shall"))
    assert quote.tag is not None and quote.tag.who == "She"
    assert speaker_of(analysis, KITCHEN, "Then we shall") == "Nell Marden"


def test_an_opening_pronoun_after_a_quotation_is_no_tag():
    text = KITCHEN + '\n"It will not stop tonight," said Tolley Pellow. He said nothing more, and Nell went out.\n'
    analysis = analyze_story(text, "kitchen")
    quote = next(q for q in analysis.quotes if text[q.spans[0][0] : q.spans[0][1]].startswith("It will not stop"))
    assert quote.tag is not None and quote.tag.who == "Tolley Pellow"
