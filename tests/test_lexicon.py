"""The lexicon is the one home of speech verbs and titles: no other module of the package keeps a list of them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import filmsofone
from filmsofone import lexicon

PACKAGE = Path(filmsofone.__file__).parent
# words that only a list of speech verbs or of titles would hold together
SPEECH = {"said", "replied", "exclaimed", "whispered", "muttered", "answered", "shouted"}
TITLES = {"Mr", "Mrs", "Miss", "Lady", "Sir", "Colonel", "Dr"}
ORDINAL_WORDS = {"first", "second", "third", "fourth", "fifth"}


def _literal_words(node: ast.AST) -> set[str]:
    """The words of the string constants of a list, tuple, set or dict display (and of a split string)."""
    words: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            words.update(re.findall(r"[A-Za-z]+", child.value))
    return words


def _word_lists(tree: ast.AST):
    """Collections written as literals, strings that are split into words ("said cried ...".split()) and
    regular expressions that alternate words ("said|cried|..."); docstrings and prose are not lists."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
            yield node.lineno, _literal_words(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split":
            yield node.lineno, _literal_words(node.func.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "|" in node.value:
            yield node.lineno, set(re.findall(r"[A-Za-z]+", node.value))


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "lexicon.py")


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_but_the_lexicon_keeps_a_speech_verb_or_title_list(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for line, words in _word_lists(tree):
        assert len(words & SPEECH) < 3, f"{path.name}:{line} lists speech verbs: use filmsofone.lexicon"
        assert len(words & TITLES) < 3, f"{path.name}:{line} lists titles: use filmsofone.lexicon"
        assert len(words & ORDINAL_WORDS) < 3, f"{path.name}:{line} lists ordinals: use filmsofone.lexicon"


def test_the_checker_finds_a_list_when_there_is_one():
    source = 'VERBS = r"said|replied|cried|exclaimed"\nTITLES = ("Mr", "Mrs", "Lady")\nMORE = "said replied answered".split()\n'
    found = [words for _, words in _word_lists(ast.parse(source))]
    assert sum(len(w & SPEECH) >= 3 for w in found) == 2 and any(len(w & TITLES) >= 3 for w in found)
    assert not list(_word_lists(ast.parse('"""Mr. Pellow said to Mrs. Pellow and Lady Tolley, "I replied," he answered."""')))


def test_the_ordinals_run_in_order():
    assert lexicon.ORDINALS.index("third") + 1 == 3 and lexicon.ORDINALS[-1] == "nineteenth"
    assert len(set(lexicon.ORDINALS)) == 19


def test_alternation_prefers_the_longest_form_and_crosses_line_breaks():
    pattern = re.compile(rf"\b(?:{lexicon.alternation(['cried', 'cried out', 'went on'])})\b")
    assert pattern.search("she cried out, turning").group(0) == "cried out"
    assert pattern.search("he went\non").group(0) == "went\non"


def test_the_lists_agree_with_one_another():
    verbs = set(lexicon.SPEECH_VERBS)
    assert set(lexicon.NAMING_SPEECH_VERBS) <= verbs
    assert lexicon.LOUD_SPEECH_VERBS <= verbs and lexicon.QUIET_SPEECH_VERBS <= verbs
    assert not lexicon.LOUD_SPEECH_VERBS & lexicon.QUIET_SPEECH_VERBS
    assert set(lexicon.FAMILY_TITLES) <= set(lexicon.HONORIFICS) and lexicon.SURNAME_TITLES <= set(lexicon.HONORIFICS)
    assert lexicon.RANK_TITLES <= set(lexicon.HONORIFICS) and set(lexicon.COMMON_TITLES) <= set(lexicon.HONORIFICS)
    assert {"thought", "felt", "knew", "wondered", "hoped", "remembered"} <= set(lexicon.INTERIOR_VERBS)


def test_an_abbreviated_title_does_not_end_a_sentence():
    stop = re.compile(rf"{lexicon.not_sentence_end()}[.!?](?=\s)")
    assert [m.start() for m in stop.finditer("Mr. Pellow came. Dr. Osric sat. ")] == [15, 30]
