"""Vocatives and pronoun tags read around them. Texts written for these tests."""

import re

from filmsofone.analysis.characters import CharacterCluster
from filmsofone.analysis.conversation import DialogueIndex
from filmsofone.analysis.quotes import QuoteFinder
from filmsofone.analysis.text import paragraphs


def _index(text: str, names: dict[str, str]) -> tuple[DialogueIndex, list]:
    clusters = [CharacterCluster(name=n, aliases={n}, gender=g, id=f"c{k}",
                                 mentions=[m.span() for m in re.finditer(rf"\b{n}\b", text)])
                for k, (n, g) in enumerate(names.items(), 1)]
    paras = paragraphs(text, 0, len(text))
    quotes = QuoteFinder().find(text, paras)
    return DialogueIndex(text, paras, clusters, quotes), quotes


def test_a_name_opening_a_sentence_inside_the_speech_with_a_comma_is_a_vocative():
    text = '"Come in out of the wet. Wendeline, sit by the stove."\n'
    index, quotes = _index(text, {"Wendeline": "female"})
    assert index.addressees(quotes[0]) == {"c1"}


def test_a_name_after_a_title_or_opening_a_plain_sentence_is_no_vocative():
    text = '"I wrote to Mr. Quarrie, as you said."\n\n"Yes. Wendeline is asleep."\n'
    index, quotes = _index(text, {"Wendeline": "female", "Quarrie": "male"})
    assert index.addressees(quotes[0]) == set()
    assert index.addressees(quotes[1]) == set()


def test_a_name_set_off_by_a_double_hyphen_is_a_vocative():
    text = '"Do not listen to him, Wendeline--he teases."\n\n"Stay -- Quarrie -- stay a while."\n'
    index, quotes = _index(text, {"Wendeline": "female", "Quarrie": "male"})
    assert index.addressees(quotes[0]) == {"c1"}
    assert index.addressees(quotes[1]) == {"c2"}

