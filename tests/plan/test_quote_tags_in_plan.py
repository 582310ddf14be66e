"""The planner and the Fountain export read a quotation's recorded speech tag, not the raw text around it."""

from __future__ import annotations

import json

import pytest

from filmsofone.cli import main
from filmsofone.models import Quote, QuoteTag
from filmsofone.plan.beats import Beat
from filmsofone.plan.export import _parenthetical


def _quote(verb: str | None) -> Quote:
    tag = QuoteTag(span=(20, 32), verb=verb, who="Ada", who_span=(29, 32), kind="name") if verb else None
    return Quote(id="q1", spans=[(1, 18)], speaker="c1", tag=tag, method="explicit" if tag else "turn-taking",
                 confidence=0.9)


def _beat(verb: str | None, narration: str = "", spoken: str = "The boats are in.") -> Beat:
    return Beat("dialogue", 0, 40, narration, quotes=[_quote(verb)], spoken=spoken)


def test_a_line_is_strong_or_whispered_by_its_tags_verb():
    assert _beat("shouted").strong and not _beat("shouted").whispered
    assert _beat("whispered").whispered and not _beat("whispered").strong
    assert _beat("cried out").strong
    assert not _beat("said").strong and not _beat("said").whispered
    assert _beat("said", spoken="The boats are in!").strong  # an exclamation is strong whatever the tag


def test_words_in_the_narration_are_not_a_tag():
    """'she had whispered it once before' is narration; only the recorded tag ('said') counts."""
    assert not _beat("said", narration="said Ada, who had whispered it once before").whispered
    assert not _beat(None, narration="Ada shouted at the dog earlier").strong


def test_the_parenthetical_comes_from_the_tags_verb():
    assert _parenthetical(_quote("whispered")) == "(whispering)"
    assert _parenthetical(_quote("cried")) == "(crying out)"
    assert _parenthetical(_quote("said")) is None
    assert _parenthetical(_quote(None)) is None


def test_show_json_prints_each_quotations_tag_method_and_confidence(capsys, sample_ws):
    with pytest.raises(SystemExit) as exit_info:
        main(["--workspace", str(sample_ws.root), "show", "the-lantern-keepers", "--json"])
        raise SystemExit(0)
    assert exit_info.value.code == 0
    quotes = json.loads(capsys.readouterr().out)["quotes"]
    assert quotes and all({"tag", "method", "confidence"} <= set(q) for q in quotes)
    assert all(q["method"] and 0.0 <= q["confidence"] <= 1.0 for q in quotes)
    tagged = [q for q in quotes if q["tag"]]
    assert len(tagged) >= len(quotes) / 3 and all(q["tag"]["verb"] and q["tag"]["who"] for q in tagged)
